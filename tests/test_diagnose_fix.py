"""``diagnose LOG --fix PATH`` does exactly what ``fix --select <the fixers the log points to>``
does, with the real command on copies of the sample repositories in git repositories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SAMPLES, git, init_repo, paasfix, snapshot

LOGS = Path(__file__).resolve().parent / "data" / "logs"

PAIRS = [
    ("django-mysql", "mysql-config-not-found.log"),
    ("django-celery-procfile", "greenlet-gcc.log"),
    ("blueapps-legacy-deps", "setuptools-rust-cryptography.log"),
    ("blueapps-static-root", "collectstatic-v213.log"),
    ("flask-runtime-typo", "runtime-not-available.log"),
    ("django-no-procfile", "procfile-missing-current-zh.log"),
    ("flask-procfile-traps", "procfile-not-yaml.log"),
    ("logsearch-app-desc", "app-desc-not-yaml.log"),
    ("py2-setup-requires", "setuptools-outdated.log"),
]


def _copies(tmp_path: Path, sample: str) -> tuple[Path, Path]:
    return (
        init_repo(tmp_path / "diagnosed", SAMPLES / sample),
        init_repo(tmp_path / "selected", SAMPLES / sample),
    )


@pytest.mark.parametrize("sample, log", PAIRS)
def test_diagnose_fix_is_fix_select_of_the_matched_fixers(sample, log, tmp_path):
    diagnosed, selected = _copies(tmp_path, sample)
    pristine = snapshot(diagnosed)
    run = paasfix("diagnose", str(LOGS / log), "--fix", str(diagnosed), "--format", "json")
    assert "Traceback" not in run.stderr
    report = json.loads(run.stdout)
    ids = [match["fixer"] for match in report["matches"]]
    assert ids
    reference = paasfix("fix", "--select", ",".join(ids), str(selected), "--format", "json")
    assert run.returncode == reference.returncode
    assert run.stderr == reference.stderr
    expected = json.loads(reference.stdout)
    assert {**report["fix"], "root": None} == {**expected, "root": None}
    assert snapshot(diagnosed) == snapshot(selected) != pristine


def test_the_text_report_shows_the_diagnosis_then_the_fix(tmp_path):
    diagnosed, _ = _copies(tmp_path, "django-celery-procfile")
    run = paasfix("diagnose", str(LOGS / "greenlet-gcc.log"), "--fix", str(diagnosed))
    assert run.returncode == 0, run.stderr
    diagnosis, _, fixed = run.stdout.partition("fixed: fix-greenlet-pin")
    assert "fix-greenlet-pin" in diagnosis
    assert "Building wheel for greenlet (setup.py) ... error" in diagnosis
    assert "To apply these fixes" not in diagnosis
    assert "Fixed 1 problem in 1 file." in fixed
    assert "greenlet==1.1.3" in (diagnosed / "requirements.txt").read_text()


def test_diff_prints_the_same_diff_and_writes_nothing(tmp_path):
    diagnosed, selected = _copies(tmp_path, "django-mysql")
    pristine = snapshot(diagnosed)
    run = paasfix(
        "diagnose", str(LOGS / "mysql-config-not-found.log"), "--fix", str(diagnosed), "--diff"
    )
    reference = paasfix(
        "fix",
        "--select",
        "fix-apt-buildpack-order,fix-pkg-install-mysql-python",
        "--diff",
        str(selected),
    )
    assert run.returncode == reference.returncode == 1
    assert run.stdout == reference.stdout and run.stdout.startswith("diff --git a/Aptfile")
    assert "fix-pkg-install-mysql-python" in run.stderr  # the diagnosis goes with the report
    assert snapshot(diagnosed) == pristine


def test_commit_makes_the_same_tree(tmp_path):
    diagnosed, selected = _copies(tmp_path, "blueapps-legacy-deps")
    run = paasfix(
        "diagnose",
        str(LOGS / "setuptools-rust-cryptography.log"),
        "--fix",
        str(diagnosed),
        "--commit",
        "--branch",
        "paasfix/from-log",
    )
    reference = paasfix(
        "fix",
        "--select",
        "fix-pip-setuptools-rust",
        "--commit",
        "--branch",
        "paasfix/from-log",
        str(selected),
    )
    assert run.returncode == reference.returncode == 0, run.stderr
    trees = [git(repo, "rev-parse", "paasfix/from-log^{tree}") for repo in (diagnosed, selected)]
    assert trees[0] == trees[1] and trees[0].strip()
    assert git(diagnosed, "status", "--porcelain") == ""


def test_a_log_no_fixer_recognises_runs_nothing(tmp_path):
    diagnosed, _ = _copies(tmp_path, "django-mysql")
    pristine = snapshot(diagnosed)
    run = paasfix(
        "diagnose", str(LOGS / "unrelated-java.log"), "--fix", str(diagnosed), "--format", "json"
    )
    assert run.returncode == 1
    assert json.loads(run.stdout)["fix"] is None
    assert snapshot(diagnosed) == pristine


def test_settings_go_to_the_fix(tmp_path):
    diagnosed, selected = _copies(tmp_path, "py2-setup-requires")
    (diagnosed / "paasfix.toml").unlink()  # the sample's own settings allow unsafe fixes
    (selected / "paasfix.toml").unlink()
    safe_only = paasfix(
        "diagnose",
        str(LOGS / "setuptools-outdated.log"),
        "--fix",
        str(diagnosed),
        "--format",
        "json",
    )
    assert safe_only.returncode == 1
    assert json.loads(safe_only.stdout)["fix"]["fixed"] == []
    unsafe = paasfix(
        "diagnose",
        str(LOGS / "setuptools-outdated.log"),
        "--fix",
        str(diagnosed),
        "--unsafe-fixes",
        "--allow-dirty",
    )
    reference = paasfix(
        "fix",
        "--select",
        "fix-setuptools-outdated",
        "--unsafe-fixes",
        "--allow-dirty",
        str(selected),
    )
    assert unsafe.returncode == reference.returncode
    assert snapshot(diagnosed) == snapshot(selected)
    assert "python-3" in (diagnosed / "runtime.txt").read_text()
