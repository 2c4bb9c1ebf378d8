"""fix-process-conflict through the real command line, and what its finding shows."""

from __future__ import annotations

import json
import re

import pytest

from paasfix.config import Config
from paasfix.fixers.process_conflict import FixProcessConflict
from paasfix.runner import Runner
from paasfix.tree import DirTree

from helpers import SAMPLES, init_repo, make_tree, paasfix, snapshot

SAMPLE = SAMPLES / "flask-procfile-conflict"


@pytest.mark.parametrize("log", [
    "应用描述文件解析异常: Process definitions conflict between Procfile and app description "
    "file. Please remove the Procfile to resolve this conflict.",
    "Warning: Process definition conflict, will use the one defined in `Procfile`",
])
def test_log_patterns_match_the_platform_messages(log):
    assert any(re.search(p, log, re.IGNORECASE) for p in FixProcessConflict.log_patterns)


def test_the_finding_shows_both_definitions_side_by_side(tmp_path):
    tree = make_tree(tmp_path / "repo", {
        "requirements.txt": "gunicorn\n",
        "Procfile": "web: gunicorn app:app -w 4\nbeat: celery -A app beat\nworker: celery worker\n",
        "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                         "    web:\n      command: gunicorn app:app\n"
                         "    worker:\n      command: celery worker\n"
                         "    admin:\n      command: python admin.py\n"})
    [finding] = Runner([FixProcessConflict], Config()).check(DirTree(str(tree))).findings
    rows = [line.split() for line in finding.message.splitlines() if line.startswith("    ")]
    assert rows == [
        ["process", "Procfile", "app_desc.yaml"],
        ["*", "web", "gunicorn", "app:app", "-w", "4", "gunicorn", "app:app"],
        ["*", "beat", "celery", "-A", "app", "beat", "-"],
        ["worker", "celery", "worker", "celery", "worker"],
        ["*", "admin", "-", "python", "admin.py"],
    ]
    assert (finding.path, finding.line) == ("Procfile", 1)


def test_plain_fix_keeps_the_procfile_and_unsafe_fixes_remove_it(tmp_path):
    repo = init_repo(tmp_path / "repo", SAMPLE)
    before = snapshot(repo)

    plain = paasfix("fix", str(repo))
    assert plain.returncode == 1
    assert snapshot(repo) == before

    unsafe = paasfix("fix", "--unsafe-fixes", str(repo), "--format", "json")
    assert unsafe.returncode == 0, unsafe.stdout + unsafe.stderr
    after = snapshot(repo)
    assert "Procfile" not in after
    assert {path: value for path, value in before.items() if path != "Procfile"} == after
    report = json.loads(paasfix("check", str(repo), "--format", "json").stdout)
    assert report["findings"] == []
