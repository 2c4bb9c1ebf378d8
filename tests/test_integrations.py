"""The pre-commit hooks and the GitLab CI job template, run as pre-commit and GitLab would
run them (their commands in a shell, in a git repository), with ``paasfix`` on PATH."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Optional

import jsonschema
import pytest
import yaml
from helpers import SAMPLES, git, init_repo, snapshot

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
CI = yaml.safe_load((ROOT / "ci" / "paasfix.gitlab-ci.yml").read_text())
CODE_QUALITY = json.loads(
    (ROOT / "tests" / "data" / "schemas" / "gitlab-code-quality.json").read_text()
)


@pytest.fixture
def bin_dir(tmp_path) -> Path:
    """A directory with a ``paasfix`` command that runs this checkout's paasfix."""
    directory = tmp_path / "bin"
    directory.mkdir()
    command = directory / "paasfix"
    command.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m paasfix "$@"\n')
    command.chmod(0o755)
    return directory


def _shell(script: str, cwd: Path, bin_dir: Path, env: Optional[dict] = None):
    environment = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "NO_COLOR": "1",
        **(env or {}),
    }
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def _hook(hook_id: str) -> dict:
    return next(hook for hook in HOOKS if hook["id"] == hook_id)


def test_hooks_declare_what_pre_commit_needs():
    assert [hook["id"] for hook in HOOKS] == ["paasfix-check", "paasfix-fix"]
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False and hook["always_run"] is True
        assert shlex.split(hook["entry"])[0] == "paasfix"


def test_check_hook_stops_a_commit_with_a_problem_and_passes_a_clean_one(tmp_path, bin_dir):
    entry = _hook("paasfix-check")["entry"]
    broken = init_repo(tmp_path / "broken", SAMPLES / "django-celery-procfile")
    run = _shell(entry, broken, bin_dir)
    assert run.returncode == 1 and "fix-greenlet-pin" in run.stdout
    clean = init_repo(tmp_path / "clean", SAMPLES / "clean-app")
    assert _shell(entry, clean, bin_dir).returncode == 0


def test_fix_hook_repairs_a_repository_with_staged_changes(tmp_path, bin_dir):
    repo = init_repo(tmp_path / "repo", SAMPLES / "django-celery-procfile")
    requirements = repo / "requirements.txt"
    requirements.write_text(requirements.read_text() + "requests==2.31.0\n")
    git(repo, "add", "requirements.txt")  # what pre-commit sees while a commit is being made
    refused = _shell("paasfix fix", repo, bin_dir)  # why the hook allows staged files
    assert refused.returncode == 2 and "uncommitted changes" in refused.stderr
    run = _shell(_hook("paasfix-fix")["entry"], repo, bin_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    text = requirements.read_text()
    assert "requests==2.31.0" in text and "greenlet==1.1.3" in text
    assert "requirements.txt" in git(repo, "diff", "--name-only").split()


def test_gitlab_job_publishes_the_report_it_writes():
    job = CI["paasfix"]
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    assert any("--format gitlab" in line and f"> {report}" in line for line in job["script"])
    assert job["allow_failure"] == {"exit_codes": [1]}


def _job_script(variables: dict) -> str:
    job = CI["paasfix"]
    lines = [line for line in job["script"] if "pip install" not in line]
    exports = "".join(
        f"export {name}={shlex.quote(str(value))}\n"
        for name, value in {**job["variables"], **variables}.items()
    )
    return exports + "\n".join(lines) + "\n"


@pytest.mark.parametrize("sample, status", [("django-mysql", 1), ("clean-app", 0)])
def test_gitlab_job_script_writes_a_valid_code_quality_report(sample, status, tmp_path, bin_dir):
    project = init_repo(tmp_path / "project", SAMPLES / sample)
    before = snapshot(project)
    run = _shell(_job_script({}), project, bin_dir, {"CI_PROJECT_DIR": str(project)})
    assert run.returncode == status, run.stderr
    report = json.loads((project / "gl-code-quality-report.json").read_text())
    jsonschema.validate(report, CODE_QUALITY)
    assert bool(report) == bool(status)
    assert all(not issue["location"]["path"].startswith(("/", "..")) for issue in report)
    (project / "gl-code-quality-report.json").unlink()
    assert snapshot(project) == before


def test_gitlab_job_variables_reach_paasfix(tmp_path, bin_dir):
    project = init_repo(tmp_path / "project", SAMPLES / "django-app-in-src")
    script = _job_script({"PAASFIX_PATH": ".", "PAASFIX_ARGS": "--build-dir src"})
    run = _shell(script, project, bin_dir, {"CI_PROJECT_DIR": str(project)})
    assert run.returncode in (0, 1), run.stderr
    with_dir = json.loads((project / "gl-code-quality-report.json").read_text())
    run = _shell(_job_script({}), project, bin_dir, {"CI_PROJECT_DIR": str(project)})
    without = json.loads((project / "gl-code-quality-report.json").read_text())
    assert with_dir != without
