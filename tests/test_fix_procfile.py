"""fix-procfile on real directories: what it infers, what it converts, what it refuses to guess."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Union

import pytest
import yaml
from helpers import make_tree
from test_appdesc_render import CASES as RENDER_CASES
from test_process_inference import CASES as INFERENCE_CASES

from paasfix import registry
from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.fixer import ERROR, INFO, MANUAL, SAFE, WARNING, check_fixer_class
from paasfix.fixers.procfile import FixProcfile
from paasfix.platform import rules
from paasfix.runner import Result, Runner

Files = Mapping[str, Union[str, bytes]]

MANAGE_PY = """import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
WSGI_PY = (
    "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
)


ALL_EXAMPLES = [*FixProcfile.examples, *INFERENCE_CASES, *RENDER_CASES]
"""fix-procfile's examples, and the cases that specify the knowledge it relies on."""


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


def written(result: Result, path: str) -> bytes | None:
    """The new content of ``path`` (None when the fix deleted it); fails if it was not changed."""
    changes = {change.path: change.new for change in result.changes}
    assert path in changes, f"{path} was not changed (changed: {sorted(changes)})"
    return changes[path]


def processes(content: bytes) -> dict:
    """Load an app_desc.yaml as the platform does, check it is valid, return its processes."""
    data = yaml.safe_load(content.decode("utf-8"))
    assert rules.app_desc_problems(data) == []
    assert data["spec_version"] == 2
    return rules.processes_of(data)


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


@pytest.mark.parametrize(
    "log",
    [
        "Procfile error: Can not read Procfile file from repository",
        (
            "步骤 [解析应用进程信息] 出错了，原因：处理应用描述文件失败：[app_desc] Failed to read "
            "the app description file in app directory, file not found, tried: ['app_desc.yaml']; "
            "[Procfile] Failed to read the Procfile file in app directory, file not found, tried: ['Procfile']。"
        ),
        (
            "Error in step [Parse app process], reason: the procfile data is empty and the app desc data "
            "is invalid, detail: no spec version is specified."
        ),
        'Failed to parse application process information, reason: the file "Procfile" does not exists',
        "Invalid proc type: Web, must match pattern ^[a-z0-9]([-a-z0-9])*$",
    ],
)
def test_log_patterns_match_the_platform_messages(log):
    assert any(re.search(p, log, re.IGNORECASE) for p in FixProcfile.log_patterns)


def test_examples_write_valid_app_desc_files():
    for example in ALL_EXAMPLES:
        for path, content in (example.after or {}).items():
            if path.endswith("app_desc.yaml"):
                raw = content.encode("utf-8") if isinstance(content, str) else content
                assert processes(raw), f"{example.name}: no processes"


# -- no process definition: inferred from the code, never run ---------------------------------


def test_repository_code_is_never_run(tmp_path):
    marker = tmp_path / "ran"
    side_effect = f"open({str(marker)!r}, 'w').close()\n"
    files = django(
        **{
            "mysite/settings.py": side_effect,
            "mysite/celery.py": side_effect + "from celery import Celery\napp = Celery('mysite')\n",
            "mysite/wsgi.py": side_effect + WSGI_PY,
            "requirements.txt": "Django\ngunicorn\ncelery\n",
        }
    )
    files["manage.py"] = side_effect + files["manage.py"]
    result = fix(tmp_path, files)
    assert set(processes(written(result, "app_desc.yaml"))) == {"web", "worker"}
    assert not marker.exists()


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
    procfile = yaml.safe_dump(TRICKY_COMMANDS, allow_unicode=True, sort_keys=False, width=10**6)
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


# -- Procfiles the platform refuses -------------------------------------------------------------


def manual_findings(tmp_path: Path, procfile: str | bytes) -> list:
    files = {"requirements.txt": "gunicorn\n", "Procfile": procfile}
    found = check(tmp_path, files).findings
    assert found and all(f.safety == MANUAL for f in found)
    assert fix(tmp_path / "fixing", files).changes == []
    return found


def test_invalid_names_are_reported_on_their_lines_and_never_renamed(tmp_path):
    found = manual_findings(
        tmp_path,
        "web: gunicorn app:app\nBeat_Worker: celery beat\n"
        "a-very-long-process-name: celery worker\n",
    )
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


def test_a_binary_procfile_is_an_error_naming_it(tmp_path):
    tree = write(tmp_path, {"requirements.txt": "gunicorn\n", "Procfile": b"web: gunicorn\x00\n"})
    for result in (runner().check(tree), runner().fix(tree)):
        assert result.errors == [
            ("Procfile: cannot be read: it is a binary file (a NUL byte at byte 14), not text")
        ]
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
        "web": "gunicorn mysite.wsgi -b :$PORT --log-file -"
    }


# -- severities, which examples do not state --------------------------------------------------


SEVERITIES = {
    "the WSGI module by convention when the settings do not name it": [(ERROR, SAFE)],
    "a kept Procfile whose commands app_desc.yaml would trim is not converted": [(INFO, MANUAL)],
    "a Procfile whose commands app_desc.yaml would trim is converted and removed": [(INFO, SAFE)],
}


@pytest.mark.parametrize("name, expected", SEVERITIES.items())
def test_severity_and_safety_of_examples(tmp_path, name, expected):
    [example] = [example for example in ALL_EXAMPLES if example.name == name]
    found = check(tmp_path, example.before, example.build_dir, **example.options).findings
    assert [(f.severity, f.safety) for f in found] == expected
