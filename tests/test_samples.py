"""End to end: the real ``paasfix`` command on copies of ``sample_repos/`` in real git repositories.

Each sample has its expectations in ``sample_repos/expected/<name>.json`` (what ``check``
finds, what remains after ``fix``) and ``<name>.diff`` (exactly what ``fix --diff`` prints).
Set ``PAASFIX_UPDATE_EXPECTED=1`` to rewrite them after an intended change, then review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import SAMPLES, git, init_repo, paasfix, snapshot

EXPECTED = SAMPLES / "expected"
NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir() and p.name != "expected")
UPDATE = os.environ.get("PAASFIX_UPDATE_EXPECTED") == "1"


def _fixer_ids(report: dict) -> list[str]:
    return sorted({f["fixer"] for f in report["findings"] if f["severity"] != "info"})


def _all_ids(report: dict) -> list[str]:
    return sorted({f["fixer"] for f in report["findings"]})


def _observe(repo: Path) -> dict:
    check = paasfix("check", str(repo), "--format", "json")
    report = json.loads(check.stdout)
    diff = paasfix("fix", "--diff", str(repo))
    fix = paasfix("fix", str(repo), "--format", "json")
    after = json.loads(paasfix("check", str(repo), "--format", "json").stdout)
    return {
        "observed": {
            "check": {
                "exit": check.returncode,
                "fixers": _all_ids(report),
                "failing": _fixer_ids(report),
            },
            "fix": {"exit": fix.returncode, "remaining": _all_ids(after)},
        },
        "diff": diff.stdout,
        "diff_exit": diff.returncode,
        "reports": (check, diff, fix),
    }


@pytest.mark.parametrize("name", NAMES)
def test_sample(name, tmp_path):
    repo = init_repo(tmp_path / name, SAMPLES / name)
    pristine = snapshot(repo)
    seen = _observe(repo)
    expected_json = EXPECTED / f"{name}.json"
    expected_diff = EXPECTED / f"{name}.diff"
    if UPDATE:
        EXPECTED.mkdir(exist_ok=True)
        expected_json.write_text(json.dumps(seen["observed"], indent=2) + "\n")
        expected_diff.write_bytes(seen["diff"].encode("utf-8", "surrogateescape"))
    for process in seen["reports"]:
        assert "Traceback" not in process.stderr
    assert seen["observed"] == json.loads(expected_json.read_text())
    assert seen["diff"] == expected_diff.read_bytes().decode("utf-8", "surrogateescape")
    assert seen["diff_exit"] == (1 if seen["diff"] else 0)

    # The diff applies to the untouched sample and gives exactly what `fix` wrote.
    other = init_repo(tmp_path / "other", SAMPLES / name)
    assert snapshot(other) == pristine
    if seen["diff"]:
        git(other, "apply", "--index", "-", input=seen["diff"])
    assert snapshot(other) == snapshot(repo)

    # A second fix changes nothing.
    before_second = snapshot(repo)
    second = paasfix("fix", str(repo))
    assert "Traceback" not in second.stderr
    assert snapshot(repo) == before_second


def test_clean_sample_reports_nothing(tmp_path):
    repo = init_repo(tmp_path / "clean", SAMPLES / "clean-app")
    result = paasfix("check", str(repo), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["findings"] == []
    diff = paasfix("fix", "--diff", str(repo))
    assert (diff.returncode, diff.stdout) == (0, "")


def test_diff_writes_nothing(tmp_path):
    repo = init_repo(tmp_path / "app", SAMPLES / "django-celery-procfile")
    before = snapshot(repo)
    status = git(repo, "status", "--porcelain")
    result = paasfix("fix", "--diff", str(repo))
    assert result.returncode == 1
    assert result.stdout.startswith("diff --git ")
    assert snapshot(repo) == before
    assert git(repo, "status", "--porcelain") == status


def test_fix_commit_leaves_work_tree_and_index_alone(tmp_path):
    repo = init_repo(tmp_path / "app", SAMPLES / "django-celery-procfile")
    (repo / "mysite" / "urls.py").write_text("# work in progress\n")
    (repo / "notes.txt").write_text("untracked\n")
    (repo / "orders" / "views.py").write_text("# staged\n")
    git(repo, "add", "orders/views.py")
    head = git(repo, "rev-parse", "HEAD").strip()
    branch = git(repo, "symbolic-ref", "HEAD")
    status = git(repo, "status", "--porcelain")
    index = (repo / ".git" / "index").read_bytes()
    files = snapshot(repo)

    result = paasfix("fix", "--commit", str(repo))
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr

    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "symbolic-ref", "HEAD") == branch
    assert git(repo, "status", "--porcelain") == status
    assert (repo / ".git" / "index").read_bytes() == index
    assert snapshot(repo) == files
    parents = git(repo, "rev-list", "--parents", "-n", "1", "paasfix/autofix").split()
    assert parents[1:] == [head]
    assert git(repo, "rev-list", "--count", f"{head}..paasfix/autofix").strip() == "1"
    message = git(repo, "log", "-1", "--format=%B", "paasfix/autofix")
    assert "fix-greenlet-pin" in message
    changed = git(repo, "diff", "--name-only", head, "paasfix/autofix").split()
    assert "requirements.txt" in changed

    tip = git(repo, "rev-parse", "paasfix/autofix").strip()
    again = paasfix("fix", "--commit", str(repo))
    assert again.returncode == 0, again.stderr
    assert git(repo, "rev-parse", "paasfix/autofix").strip() == tip


def test_fix_in_place_refuses_dirty_files(tmp_path):
    repo = init_repo(tmp_path / "app", SAMPLES / "django-celery-procfile")
    requirements = repo / "requirements.txt"
    requirements.write_text(requirements.read_text() + "requests==2.31.0\n")
    before = snapshot(repo)
    result = paasfix("fix", str(repo))
    assert result.returncode == 2
    assert "uncommitted changes in requirements.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(repo) == before
    forced = paasfix("fix", "--allow-dirty", str(repo))
    assert forced.returncode == 0, forced.stderr
    assert "greenlet==1.1.3" in requirements.read_text()
    assert "requests==2.31.0" in requirements.read_text()


def test_plain_directory_outside_git_is_fixed(tmp_path):
    target = tmp_path / "plain"
    shutil.copytree(SAMPLES / "django-celery-procfile", target)
    result = paasfix("fix", str(target))
    assert result.returncode == 0, result.stderr
    assert "greenlet==1.1.3" in (target / "requirements.txt").read_text()
