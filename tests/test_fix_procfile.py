"""fix-procfile on real directories: what it infers, what it converts, what it refuses to guess."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Mapping, Optional, Union

import pytest
import yaml

from paasfix import platform, registry
from paasfix.config import Config
from paasfix.fixer import INFO, MANUAL, SAFE, WARNING, check_fixer_class
from paasfix.fixers.procfile import FixProcfile
from paasfix.runner import Result, Runner
from paasfix.tree import DirTree

from helpers import make_tree

Files = Mapping[str, Union[str, bytes]]

MANAGE_PY = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
WSGI_PY = ("from django.core.wsgi import get_wsgi_application\n\n"
           "application = get_wsgi_application()\n")
FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"


def write(root: Path, files: Files) -> DirTree:
    return DirTree(str(make_tree(root, files)))


def runner(build_dir: str = "", **options) -> Runner:
    return Runner([FixProcfile], Config(build_dir=build_dir, options=options))


def fix(tmp_path: Path, files: Files, build_dir: str = "", **options) -> Result:
    result = runner(build_dir, **options).fix(write(tmp_path / "repo", files))
    assert result.errors == []
    return result


def check(tmp_path: Path, files: Files, build_dir: str = "", **options) -> Result:
    result = runner(build_dir, **options).check(write(tmp_path / "repo", files))
    assert result.errors == []
    return result


def written(result: Result, path: str) -> Optional[bytes]:
    """The new content of ``path`` (None when the fix deleted it); fails if it was not changed."""
    changes = {change.path: change.new for change in result.changes}
    assert path in changes, f"{path} was not changed (changed: {sorted(changes)})"
    return changes[path]


def processes(content: bytes) -> dict:
    """Load an app_desc.yaml as the platform does, check it is valid, return its processes."""
    data = yaml.safe_load(content.decode("utf-8"))
    assert platform.app_desc_problems(data) == []
    assert data["spec_version"] == 2
    return platform.processes_of(data)


def django(settings: str = "mysite.settings", where: str = "", **extra: str) -> dict[str, str]:
    package = settings.split(".")[0]
    prefix = f"{where}/" if where else ""
    files = {
        "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\n",
        f"{prefix}manage.py": MANAGE_PY.format(settings=settings),
        f"{prefix}{package}/__init__.py": "",
        f"{prefix}{package}/settings.py": "DEBUG = False\n",
        f"{prefix}{package}/wsgi.py": WSGI_PY,
    }
    files.update(extra)
    return files


# -- the declaration --------------------------------------------------------------------------


def test_declaration():
    assert check_fixer_class(FixProcfile) == []
    assert registry.get("fix-procfile") is FixProcfile
    assert FixProcfile.options == {"keep_procfile": False}


@pytest.mark.parametrize("log", [
    "Procfile error: Can not read Procfile file from repository",
    "步骤 [解析应用进程信息] 出错了，原因：处理应用描述文件失败：[app_desc] Failed to read "
    "the app description file in app directory, file not found, tried: ['app_desc.yaml']; "
    "[Procfile] Failed to read the Procfile file in app directory, file not found, tried: ['Procfile']。",
    "Error in step [Parse app process], reason: the procfile data is empty and the app desc data "
    "is invalid, detail: no spec version is specified.",
    'Failed to parse application process information, reason: the file "Procfile" does not exists',
    "Invalid proc type: Web, must match pattern ^[a-z0-9]([-a-z0-9])*$",
])
def test_log_patterns_match_the_platform_messages(log):
    assert any(re.search(p, log, re.IGNORECASE) for p in FixProcfile.log_patterns)


def test_examples_write_valid_app_desc_files():
    for example in FixProcfile.examples:
        for path, content in (example.after or {}).items():
            if path.endswith("app_desc.yaml"):
                raw = content.encode("utf-8") if isinstance(content, str) else content
                assert processes(raw), f"{example.name}: no processes"


# -- no process definition: inferred from the code ---------------------------------------------


def test_django_project_gets_a_gunicorn_web_process(tmp_path):
    result = fix(tmp_path, django())
    assert processes(written(result, "app_desc.yaml")) == {
        "web": "gunicorn mysite.wsgi -b :$PORT --log-file -"}
    assert [a.finding.severity for a in result.applied] == ["error"]
    assert result.findings == []


def test_settings_package_and_wsgi_application_setting(tmp_path):
    files = django("config.settings.production")
    del files["config/settings.py"]
    files.update({
        "config/settings/__init__.py": "",
        "config/settings/base.py": 'WSGI_APPLICATION = "config.wsgi.application"\n',
        "config/settings/production.py": "from .base import *  # noqa\n",
    })
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml"))["web"] == \
        "gunicorn config.wsgi -b :$PORT --log-file -"


def test_manage_py_in_a_subdirectory_with_a_build_directory(tmp_path):
    files = {f"app/{path}": text for path, text in django(where="src").items()}
    result = fix(tmp_path, files, build_dir="app")
    assert processes(written(result, "app/app_desc.yaml")) == {
        "web": "gunicorn --chdir src mysite.wsgi -b :$PORT --log-file -"}


@pytest.mark.parametrize("desc", [None, "spec_version: 2\nmodule:\n  language: Python\n"])
def test_an_app_below_a_build_directory_without_dependency_file_gets_no_guess(tmp_path, desc):
    files = {f"src/{path}": text for path, text in django().items()}
    if desc is not None:
        files["app_desc.yaml"] = desc
    result = check(tmp_path, files)
    assert [(f.safety, f.path) for f in result.findings] == [(MANUAL, "app_desc.yaml")]
    message = result.findings[0].message
    assert "no requirements.txt, setup.py or Pipfile" in message
    assert "src/manage.py" in message and "`--build-dir src`" in message
    assert "fix-unable-select-buildpack" in message and "--chdir" not in message
    assert fix(tmp_path / "fixing", files).changes == []


def test_shallowest_manage_py_wins(tmp_path):
    files = django(where="src")
    files["src/tools/other/manage.py"] = MANAGE_PY.format(settings="other.settings")
    result = fix(tmp_path, files)
    assert "--chdir src mysite.wsgi" in processes(written(result, "app_desc.yaml"))["web"]


def test_two_manage_py_at_the_same_depth_are_not_guessed(tmp_path):
    files = {**django(where="one"), **django(where="two")}
    found = check(tmp_path, files).findings
    assert [f.safety for f in found] == [MANUAL]
    assert "one/manage.py, two/manage.py" in found[0].message
    assert "spec_version: 2\nmodule:\n  language: Python\n" in found[0].message


def test_manage_py_deeper_than_the_build_looks_is_ignored(tmp_path):
    files = {f"a/b/c/{path}": text for path, text in django().items()}
    files["requirements.txt"] = "Django\n"
    found = check(tmp_path, files).findings
    assert [f.safety for f in found] == [MANUAL]
    assert "found neither a Django project" in found[0].message


def test_settings_chosen_at_run_time_are_not_guessed(tmp_path):
    manage = ('import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
              'os.environ.get("ENV_SETTINGS", "mysite.settings"))\n')
    found = check(tmp_path, django(**{"manage.py": manage})).findings
    assert [f.safety for f in found] == [MANUAL]
    assert "computes DJANGO_SETTINGS_MODULE at run time" in found[0].message


def test_wsgi_module_without_application_is_not_guessed(tmp_path):
    found = check(tmp_path, django(**{"mysite/wsgi.py": "import os\n"})).findings
    assert [f.safety for f in found] == [MANUAL]
    assert "mysite/wsgi.py" in found[0].message


def test_repository_code_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    side_effect = f"open({str(marker)!r}, 'w').close()\n"
    files = django(**{"mysite/settings.py": side_effect, "mysite/celery.py": side_effect
                      + "from celery import Celery\napp = Celery('mysite')\n",
                      "mysite/wsgi.py": side_effect + WSGI_PY,
                      "requirements.txt": "Django\ngunicorn\ncelery\n"})
    files["manage.py"] = side_effect + files["manage.py"]
    result = fix(tmp_path, files)
    assert set(processes(written(result, "app_desc.yaml"))) == {"web", "worker"}
    assert not marker.exists()


def test_celery_app_with_its_own_name_and_an_empty_schedule(tmp_path):
    files = django(**{
        "requirements.txt": "Django\ngunicorn\ncelery==5.3.6\n",
        "mysite/celery.py": "from celery import Celery\n\ntasks = Celery('mysite')\n"
                            "tasks.conf.beat_schedule = {}\n",
    })
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml")) == {
        "web": "gunicorn mysite.wsgi -b :$PORT --log-file -",
        "worker": "celery -A mysite.celery:tasks worker -l info",
    }


def test_celery_in_a_subdirectory_uses_workdir_and_finds_the_beat_schedule(tmp_path):
    files = django(where="src", **{
        "requirements.txt": "Django\ngunicorn\ncelery\n",
        "src/mysite/celery.py": "import celery\n\napp = celery.Celery('mysite')\n"
                                "app.conf.update(beat_schedule={'a': {'task': 't'}})\n",
    })
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml")) == {
        "web": "gunicorn --chdir src mysite.wsgi -b :$PORT --log-file -",
        "worker": "celery --workdir src -A mysite worker -l info",
        "beat": "celery --workdir src -A mysite beat -l info",
    }


def test_celery_without_an_app_gives_only_web_and_says_so(tmp_path):
    files = django(**{"requirements.txt": "Django\ngunicorn\ncelery\n"})
    found = check(tmp_path, files).findings
    assert "found no Celery app" in found[0].message
    result = fix(tmp_path, files)
    assert list(processes(written(result, "app_desc.yaml"))) == ["web"]


def blueapps(requirements: str, defaults: str) -> dict[str, str]:
    """The BlueKing framework's layout: settings.py and wsgi.py at the root, config/ beside."""
    return {
        "requirements.txt": requirements,
        "manage.py": MANAGE_PY.format(settings="settings"),
        "settings.py": "import os\n",
        "wsgi.py": WSGI_PY,
        "config/__init__.py": "",
        "config/default.py": defaults,
    }


def test_blueapps_switch_turns_celery_off(tmp_path):
    files = blueapps("Django==1.11.29\ncelery==3.1.25\ndjango-celery==3.2.2\ngunicorn\n",
                     "IS_USE_CELERY = False\nCELERYBEAT_SCHEDULE = {'a': {}}\n")
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml")) == {
        "web": "gunicorn wsgi -b :$PORT --log-file -"}


def test_blueapps_with_celery_4_uses_the_framework_app(tmp_path):
    files = blueapps("blueapps[opentelemetry]==4.4.5\ncelery==4.4.7\ngunicorn\n",
                     "IS_USE_CELERY = True\nCELERY_IMPORTS = ('home.tasks',)\n")
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml")) == {
        "web": "gunicorn wsgi -b :$PORT --log-file -",
        "worker": "celery -A blueapps.core.celery worker -l info",
    }


def test_flask_factory_behind_wsgi_py(tmp_path):
    files = {
        "requirements.txt": "Flask\ngunicorn\n",
        "wsgi.py": "from shop import create_app\n\napp = create_app()\n",
        "shop/__init__.py": "from flask import Flask\n\n\ndef create_app():\n"
                            "    return Flask('shop')\n",
    }
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml")) == {
        "web": "gunicorn wsgi:app -b :$PORT --log-file -"}


def test_a_reexported_app_is_one_candidate(tmp_path):
    files = {"requirements.txt": "Flask\ngunicorn\n", "app.py": FLASK_APP,
             "wsgi.py": "from app import app\n\napplication = app\n"}
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml"))["web"] == \
        "gunicorn app:app -b :$PORT --log-file -"


def test_flask_with_a_celery_app_and_a_note_about_gunicorn(tmp_path):
    files = {"requirements.txt": "Flask\ncelery\n", "app.py": FLASK_APP
             + "from celery import Celery\n\ncelery = Celery(app.name)\n"
             + "celery.conf.CELERYBEAT_SCHEDULE = {'ping': {'task': 'ping', 'schedule': 60}}\n"}
    found = check(tmp_path, files).findings
    assert "gunicorn is not in requirements.txt" in found[0].message
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml")) == {
        "web": "gunicorn app:app -b :$PORT --log-file -",
        "worker": "celery -A app:celery worker -l info",
        "beat": "celery -A app:celery beat -l info",
    }


def test_app_created_only_under_the_main_guard_is_not_served(tmp_path):
    files = {"requirements.txt": "Flask\n", "app.py":
             "from flask import Flask\n\nif __name__ == '__main__':\n    app = Flask(__name__)\n"}
    found = check(tmp_path, files).findings
    assert [f.safety for f in found] == [MANUAL]


def test_flask_script_manage_py_is_not_django(tmp_path):
    files = {"requirements.txt": "Flask\nFlask-Script\ngunicorn\n", "app.py": FLASK_APP,
             "manage.py": "from flask_script import Manager\nfrom app import app\n\n"
                          "manager = Manager(app)\n"}
    result = fix(tmp_path, files)
    assert processes(written(result, "app_desc.yaml"))["web"] == \
        "gunicorn app:app -b :$PORT --log-file -"


def test_unparseable_candidate_module_is_not_guessed(tmp_path):
    files = {"requirements.txt": "Flask\n", "app.py": FLASK_APP, "main.py": "def broken(:\n"}
    found = check(tmp_path, files).findings
    assert [f.safety for f in found] == [MANUAL]
    assert "main.py does not parse" in found[0].message


# -- app_desc.yaml without processes -----------------------------------------------------------


def test_processes_are_added_to_a_crlf_app_desc(tmp_path):
    desc = "spec_version: 2\r\napp_version: \"1.0\"\r\nmodule:\r\n  language: python\r\n"
    result = fix(tmp_path, {"requirements.txt": "Flask\ngunicorn\n", "app.py": FLASK_APP,
                            "app_desc.yaml": desc})
    new = written(result, "app_desc.yaml")
    assert new.startswith(desc.encode())
    assert b"\n" not in new.replace(b"\r\n", b"")
    assert processes(new) == {"web": "gunicorn app:app -b :$PORT --log-file -"}


@pytest.mark.parametrize("desc", [
    "spec_version: 2\nmodules:\n  default:\n    language: Python\n",
    "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec: {}\n",
])
def test_other_description_forms_get_instructions(tmp_path, desc):
    files = {"requirements.txt": "Flask\ngunicorn\n", "app.py": FLASK_APP, "app_desc.yaml": desc}
    found = check(tmp_path, files).findings
    assert [f.safety for f in found] == [MANUAL]
    assert "    web:\n      command: gunicorn app:app -b :$PORT --log-file -" in found[0].message
    assert fix(tmp_path / "again", files).changes == []


def test_unreadable_app_desc_is_left_to_others(tmp_path):
    files = {"requirements.txt": "Flask\n", "app.py": FLASK_APP, "app_desc.yaml": "module: [\n"}
    assert check(tmp_path, files).findings == []


# -- converting a Procfile ---------------------------------------------------------------------


TRICKY_COMMANDS = {
    "web": "gunicorn wsgi -w 4 -b :$PORT --access-logformat '[%(h)s] %(u)s \"%(r)s\" %(s)s'",
    "a": "yes",
    "b": "python -c \"print('a: b')\"",
    "c": "echo done # not a comment",
    "d": "  indented and trailing  ",
    "e": "*star &amp [list] {map}",
    "f": "first line\nsecond line\n",
    "g": "tab\there",
    "h": "1:20",
    "i": "中文 命令 ${PORT:-5000}",
    "j": "'quoted'",
    "on": "null",
    "k": "x" * 5000,
}


def test_commands_survive_conversion_exactly(tmp_path):
    procfile = yaml.safe_dump(TRICKY_COMMANDS, allow_unicode=True, sort_keys=False, width=10 ** 6)
    assert yaml.safe_load(procfile) == TRICKY_COMMANDS
    result = fix(tmp_path, {"requirements.txt": "gunicorn\n", "Procfile": procfile})
    assert written(result, "Procfile") is None
    converted = processes(written(result, "app_desc.yaml"))
    assert converted == TRICKY_COMMANDS
    assert list(converted) == list(TRICKY_COMMANDS)


def test_conversion_is_a_recommendation_only(tmp_path):
    files = {"requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app\n"}
    found = check(tmp_path, files).findings
    assert [(f.severity, f.safety, f.path) for f in found] == [(INFO, SAFE, "Procfile")]
    assert not check(tmp_path / "again", files).failing


def test_comments_are_carried_over_but_not_block_content(tmp_path):
    procfile = ("# processes\n"
                "web: gunicorn app:app  # serves HTTP\n"
                "\n"
                "  # indented note\n"
                "job: |\n"
                "  # this line is part of the command\n"
                "  python job.py\n"
                "# the end\n")
    result = fix(tmp_path, {"requirements.txt": "gunicorn\n", "Procfile": procfile})
    text = written(result, "app_desc.yaml").decode()
    assert processes(text.encode()) == yaml.safe_load(procfile)
    assert "    # processes\n    web:\n      command: gunicorn app:app  # serves HTTP\n" in text
    assert "    # indented note\n    job:" in text
    assert text.endswith("    # the end\n")
    assert text.count("# this line is part of the command") == 1


def test_build_directory_procfile_is_kept_when_a_root_one_would_replace_it(tmp_path):
    files = {"src/requirements.txt": "gunicorn\n", "src/Procfile": "web: gunicorn app:app\n",
             "Procfile": "web: python old.py\n"}
    result = fix(tmp_path, files, build_dir="src")
    assert [c.path for c in result.changes] == ["src/app_desc.yaml"]
    assert "Procfile into use" in result.applied[0].finding.message


def test_keep_procfile_option(tmp_path):
    files = {"requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app\n"}
    result = fix(tmp_path, files, keep_procfile=True)
    assert [c.path for c in result.changes] == ["app_desc.yaml"]


def test_node_procfile_is_converted_with_its_language(tmp_path):
    files = {"package.json": "{}\n", "Procfile": "web: npm start\n"}
    result = fix(tmp_path, files)
    data = yaml.safe_load(written(result, "app_desc.yaml"))
    assert data["module"]["language"] == "NodeJS"


# -- Procfiles the platform refuses -------------------------------------------------------------


def manual_findings(tmp_path: Path, procfile: Union[str, bytes]) -> list:
    files = {"requirements.txt": "gunicorn\n", "Procfile": procfile}
    found = check(tmp_path, files).findings
    assert found and all(f.safety == MANUAL for f in found)
    assert fix(tmp_path / "fixing", files).changes == []
    return found


def test_invalid_names_are_reported_on_their_lines_and_never_renamed(tmp_path):
    found = manual_findings(tmp_path, "web: gunicorn app:app\nBeat_Worker: celery beat\n"
                                      "a-very-long-process-name: celery worker\n")
    assert [(f.line, f.severity) for f in found] == [(2, "error"), (3, "error")]
    assert "'beat-worker'" in found[0].message
    assert "12 characters" in found[1].message


def test_numbers_as_names(tmp_path):
    found = manual_findings(tmp_path, "web: gunicorn app:app\n1: python one.py\n")
    assert [f.line for f in found] == [2]
    assert "int" in found[0].message


def test_duplicate_names_are_a_warning(tmp_path):
    found = manual_findings(tmp_path, "web: gunicorn a:app\nweb: gunicorn b:app\n")
    assert [(f.severity, f.line) for f in found] == [(WARNING, 1)]
    assert "lines 1, 2" in found[0].message


def test_too_many_processes(tmp_path):
    procfile = "".join(f"p{n}: run {n}\n" for n in range(17))
    found = manual_findings(tmp_path, procfile)
    assert "maximum 16 processes" in found[0].message


@pytest.mark.parametrize("procfile, line, words", [
    ("web:gunicorn app:app\n", 1, "not a list"),
    ("web: gunicorn app:app\nworker celery worker\n", 3, "cannot be read as YAML"),
    ("web: gunicorn app:app\n  --bind: 0.0.0.0\n", 2, "cannot be read as YAML"),
    ("web: gunicorn app:app\nworker:\n", 2, "must be a string, not null"),
    ("   \n", 1, "is empty"),
])
def test_unreadable_procfiles(tmp_path, procfile, line, words):
    found = manual_findings(tmp_path, procfile)
    assert words in found[0].message
    assert found[0].line == line


@pytest.mark.parametrize("procfile", [
    "web: gunicorn app:app\nworker:celery worker\n",
    "web: gunicorn app:app\nworker: celery: worker\n",
])
def test_lines_yaml_misreads_are_left_to_fix_procfile_yaml(tmp_path, procfile):
    assert check(tmp_path, {"requirements.txt": "gunicorn\n", "Procfile": procfile}).findings == []


def test_a_binary_procfile_is_an_error_naming_it(tmp_path):
    tree = write(tmp_path, {"requirements.txt": "gunicorn\n", "Procfile": b"web: gunicorn\x00\n"})
    for result in (runner().check(tree), runner().fix(tree)):
        assert result.errors == ["Procfile: cannot be read: it is a binary file (a NUL byte at "
                                 "byte 14), not text"]
        assert result.findings == [] and result.changes == []


def test_an_app_below_the_build_directory_gets_one_advice_from_both_fixers(tmp_path):
    files = {f"src/{path}": text for path, text in django().items()}
    tree = write(tmp_path / "repo", files)
    fixers = [FixProcfile, registry.get("fix-unable-select-buildpack")]
    found = Runner(fixers, Config()).check(tree).findings
    errors = [f for f in found if f.severity != INFO]
    assert sorted(f.fixer for f in errors) == ["fix-procfile", "fix-unable-select-buildpack"]
    assert all(f.safety == MANUAL and "--build-dir src" in f.message for f in errors)
    fixed = Runner(fixers, Config(build_dir="src")).fix(tree)
    assert processes(written(fixed, "src/app_desc.yaml")) == {
        "web": "gunicorn mysite.wsgi -b :$PORT --log-file -"}


def test_a_kept_procfile_whose_commands_app_desc_would_trim_is_not_converted(tmp_path):
    files = {"requirements.txt": "gunicorn\n", "Procfile": "web: ' gunicorn app:app '\n"}
    [finding] = check(tmp_path, files, keep_procfile=True).findings
    assert (finding.safety, finding.severity, finding.path) == (MANUAL, INFO, "Procfile")
    assert "would find web different" in finding.message
    assert fix(tmp_path / "fixing", files, keep_procfile=True).changes == []
    removed = fix(tmp_path / "removing", files)
    assert written(removed, "Procfile") is None
    assert processes(written(removed, "app_desc.yaml")) == {"web": " gunicorn app:app "}
