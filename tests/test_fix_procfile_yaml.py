"""fix-procfile-yaml: every repaired Procfile loads to exactly the commands its lines say, and
fix-procfile then converts the repaired file in the same run."""

from __future__ import annotations

import json

import pytest
import yaml
from helpers import git_repo, paasfix

from paasfix.fixers.procfile_yaml import FixProcfileYaml
from paasfix.platform.procfile_lines import shell_comment

MEANT: dict[str, dict[str, str]] = {
    "': ' inside a command": {
        "web": "gunicorn wsgi -b :$PORT",
        "check": "python -c \"import sys; print('status: ok')\"",
    },
    "a URL option with ': ' in the command gets double quotes": {
        "worker": "celery -A app worker --broker 'redis: //cache:6379/0'"
    },
    "a tab after the colon becomes a space": {
        "web": "gunicorn wsgi -b :$PORT",
        "worker": "celery -A app worker",
    },
    "a tab inside the command is kept, quoted": {"web": "gunicorn wsgi\t-b :$PORT"},
    "no blank after the colon": {"web": "gunicorn wsgi -b :$PORT"},
    "' #' inside shell quotes no longer cuts the command; the shell comment stays": {
        "web": "gunicorn wsgi -b :$PORT --access-logformat '%(h)s #%(r)s'"
    },
    "an escaped blank before '#' is not a comment to the shell": {
        "worker": "python worker.py --tag \\ #1"
    },
    "a command that goes on after a closing quote, and an unclosed quote": {
        "web": '"bin/start web" --port $PORT',
        "beat": "'celery beat -l info",
    },
    "commands starting with YAML indicators": {
        "a": "*.sh",
        "b": "&>/dev/null run",
        "c": "{run}",
        "d": "[ -f x ] && run",
        "e": "@run",
        "f": "`which run`",
        "g": "%run",
        "h": "| tee",
        "i": "> out.log run",
        "j": "!run",
        "k": "true",
        "l": "~",
    },
    "a name YAML reads as a number or a boolean": {"2": "python two.py", "on": "python on.py"},
    "a command with both kinds of quotes": {"web": "sh -c \"echo 'a: b'\""},
    "comments, blank lines and line endings kept": {
        "web": "gunicorn wsgi -b :$PORT",
        "check": "python -c \"print('a: b')\"",
    },
    "the Procfile of the build directory": {"web": "gunicorn wsgi"},
    "old Mac line endings are line breaks to YAML, and stay": {
        "web": "gunicorn wsgi",
        "check": "python -c \"print('a: b')\"",
    },
}

FIXED = [example for example in FixProcfileYaml.examples if example.kind == "fixed"]


def _procfile(example) -> str:
    return f"{example.build_dir}/Procfile" if example.build_dir else "Procfile"


def test_every_fixed_example_says_what_its_lines_mean():
    assert set(MEANT) == {example.name for example in FIXED}


@pytest.mark.parametrize("example", FIXED, ids=[example.name for example in FIXED])
def test_the_repaired_procfile_loads_to_exactly_the_commands(example):
    assert yaml.safe_load(example.after[_procfile(example)]) == MEANT[example.name]


@pytest.mark.parametrize(
    "command, cut",
    [
        ("gunicorn app  # web", 14),
        ("gunicorn app --fmt '%(h)s #%(r)s'", None),
        ('echo "a #b"', None),
        ("echo a\\ #b", None),
        ("echo $'it\\'s #1' # note", 17),
        ("python run.py --tag=#1", None),
        ("# commented out", 0),
    ],
)
def test_where_the_shell_starts_a_comment(command, cut):
    assert shell_comment(command) == cut


TRAPS = """\
# the metrics API
web:gunicorn app:app -b :$PORT --access-logformat '%(h)s #%(r)s'
worker:\tcelery -A tasks worker -l info
notifier: python notifier.py --greeting "bot: online"
cleaner: "bin/clean logs.sh" --days 7
"""
TRAPS_MEANT = {
    "web": "gunicorn app:app -b :$PORT --access-logformat '%(h)s #%(r)s'",
    "worker": "celery -A tasks worker -l info",
    "notifier": 'python notifier.py --greeting "bot: online"',
    "cleaner": '"bin/clean logs.sh" --days 7',
}
APP = {
    "requirements.txt": "Flask==2.2.5\ngunicorn==20.1.0\ncelery==5.2.7\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
    "tasks.py": "from celery import Celery\n\napp = Celery('tasks')\n",
    "notifier.py": "print('online')\n",
    "bin/clean logs.sh": "#!/bin/sh\n",
    "Procfile": TRAPS,
}


def test_fix_procfile_converts_the_repaired_procfile_in_the_same_run(tmp_path):
    repo = git_repo(tmp_path / "repo", APP)
    result = paasfix("fix", str(repo), "--format", "json")
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (repo / "Procfile").exists()
    desc = yaml.safe_load((repo / "app_desc.yaml").read_text())
    assert {
        name: proc["command"] for name, proc in desc["module"]["processes"].items()
    } == TRAPS_MEANT
    fixed = [f["fixer"] for f in json.loads(result.stdout)["fixed"]]
    assert fixed[:2] == ["fix-procfile-yaml", "fix-procfile"]


def test_a_kept_procfile_is_repaired_and_agrees_with_app_desc(tmp_path):
    files = {**APP, "paasfix.toml": "keep_procfile = true\n"}
    repo = git_repo(tmp_path / "repo", files)
    result = paasfix("fix", str(repo))
    assert result.returncode == 0, result.stdout + result.stderr
    procfile = (repo / "Procfile").read_text()
    assert yaml.safe_load(procfile) == TRAPS_MEANT
    assert procfile.splitlines()[0] == "# the metrics API"
    desc = yaml.safe_load((repo / "app_desc.yaml").read_text())
    assert {
        name: proc["command"] for name, proc in desc["module"]["processes"].items()
    } == TRAPS_MEANT
    again = paasfix("check", str(repo), "--format", "json")
    assert json.loads(again.stdout)["findings"] == []


@pytest.mark.parametrize(
    "procfile, line",
    [
        ("web: gunicorn app:app\nbackup: python -c \"print('a: b')\"\n", 2),
        ("web: gunicorn app:app\nworker: celery: worker\n", 2),
        ("web: gunicorn app:app\nworker:celery worker\n", 2),
        ("web: gunicorn app:app\nweb: celery: worker\n", 1),
        ("web: gunicorn wsgi\rcheck: python -c \"print('a: b')\"\r", 2),
    ],
)
def test_a_line_yaml_misreads_is_reported_once_by_this_fixer(tmp_path, procfile, line):
    repo = git_repo(tmp_path / "repo", {"requirements.txt": "gunicorn\n", "Procfile": procfile})
    result = paasfix("check", str(repo), "--format", "json")
    assert "Traceback" not in result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert [(f["fixer"], f["path"], f["line"]) for f in findings] == [
        ("fix-procfile-yaml", "Procfile", line)
    ]


@pytest.mark.parametrize(
    "procfile, line",
    [
        ("web: gunicorn wsgi\n  --access-logformat '%(h)s: %(r)s'\n", 2),
    ],
)
def test_a_procfile_that_does_not_load_without_a_misread_line_is_fix_procfiles(
    tmp_path, procfile, line
):
    repo = git_repo(tmp_path / "repo", {"requirements.txt": "gunicorn\n", "Procfile": procfile})
    result = paasfix("check", str(repo), "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["fixer"], f["path"], f["line"], f["safety"]) for f in findings] == [
        ("fix-procfile", "Procfile", line, "manual")
    ]
    assert "cannot be read as YAML" in findings[0]["message"]
