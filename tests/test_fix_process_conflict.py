"""fix-process-conflict through the real command line, and the platform messages it knows."""

from __future__ import annotations

import json
import re

import pytest
from helpers import SAMPLES, init_repo, paasfix, snapshot

from paasfix.fixers.process_conflict import FixProcessConflict

SAMPLE = SAMPLES / "flask-procfile-conflict"


@pytest.mark.parametrize(
    "log",
    [
        (
            "应用描述文件解析异常: Process definitions conflict between Procfile and app description "
            "file. Please remove the Procfile to resolve this conflict."
        ),
        "Warning: Process definition conflict, will use the one defined in `Procfile`",
    ],
)
def test_log_patterns_match_the_platform_messages(log):
    assert any(re.search(p, log, re.IGNORECASE) for p in FixProcessConflict.log_patterns)


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
