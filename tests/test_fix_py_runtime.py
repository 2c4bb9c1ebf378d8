"""fix-py-runtime-error through the real command line: the stack and runtimes settings, and the
build log lines it recognises."""

from __future__ import annotations

import json
import re

import pytest
from helpers import git_repo, paasfix

from paasfix.fixers.py_runtime import FixPyRuntimeError
from paasfix.fixers.unable_select_buildpack import FixUnableSelectBuildpack

APP = {
    "requirements.txt": "Flask==2.0.3\n",
    "app.py": "from flask import Flask\napp = Flask('x')\n",
}


def repo_with(tmp_path, files):
    return git_repo(tmp_path / "repo", {**APP, **files})


def findings(repo, *args):
    result = paasfix(
        "check", str(repo), "--format", "json", "--select", "fix-py-runtime-error", *args
    )
    assert "Traceback" not in result.stderr
    return result, json.loads(result.stdout)["findings"] if result.stdout else None


def test_stack_setting_changes_what_is_served(tmp_path):
    repo = repo_with(tmp_path, {"runtime.txt": "python-3.12\n"})
    result, found = findings(repo)
    assert result.returncode == 1
    assert [f["safety"] for f in found] == ["unsafe"]
    assert "heroku-18 needs the exact release" in found[0]["message"]

    (repo / "paasfix.toml").write_text('stack = "noble"\n')
    result, found = findings(repo)
    assert (result.returncode, found) == (0, [])


def test_runtimes_setting_in_pyproject(tmp_path):
    repo = repo_with(tmp_path, {"runtime.txt": "python-3.8.6\n"})
    _, found = findings(repo)
    assert {f["safety"] for f in found} == {"unsafe", "manual"}
    (repo / "pyproject.toml").write_text('[tool.paasfix]\nruntimes = ["3.8.6", "3.10.5"]\n')
    result, found = findings(repo)
    assert (result.returncode, found) == (0, [])


def test_fix_moves_to_another_minor_only_with_unsafe_fixes(tmp_path):
    repo = repo_with(tmp_path, {"runtime.txt": "Python-3.9.13\n"})
    result = paasfix("fix", str(repo), "--select", "fix-py-runtime-error")
    assert result.returncode == 1
    assert (repo / "runtime.txt").read_text() == "python-3.9.13\n"
    result = paasfix(
        "fix", str(repo), "--select", "fix-py-runtime-error", "--unsafe-fixes", "--allow-dirty"
    )
    assert (repo / "runtime.txt").read_text() == "python-3.10.5\n"
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "settings, message",
    [
        ('stack = "heroku-22"\n', "unknown stack 'heroku-22'"),
        ('runtimes = ["3.6"]\n', "'3.6' in the 'runtimes' setting is not a full Python version"),
    ],
)
def test_bad_settings_are_one_error_line(tmp_path, settings, message):
    repo = repo_with(tmp_path, {"runtime.txt": "python-3.6.12\n", "paasfix.toml": settings})
    result = paasfix("check", str(repo))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_explain_lists_the_settings():
    result = paasfix("explain", "fix-py-runtime-error")
    assert result.returncode == 0
    assert "`stack` (default: 'heroku-18')" in result.stdout
    assert "`runtimes`" in result.stdout


def test_both_fixers_declare_the_same_defaults():
    assert FixPyRuntimeError.options == FixUnableSelectBuildpack.options


LOGS = {
    "Requested runtime (python-3.6.7) is not available for this stack (heroku-18).": "fix-py-runtime-error",
    " !     Requested runtime 'Python-3.8.18' is not available for this stack (heroku-20).": "fix-py-runtime-error",
    "Error: The requested Python version has reached end-of-life.": "fix-py-runtime-error",
    "Error: The requested Python version isn't available.": "fix-py-runtime-error",
    "Error: Invalid Python version in runtime.txt.": "fix-py-runtime-error",
    "Error: Invalid Python version in .python-version.": "fix-py-runtime-error",
    "-----> Unable to select a buildpack": "fix-unable-select-buildpack",
    "Error: Couldn't find any supported Python package manager files.": "fix-unable-select-buildpack",
}


@pytest.mark.parametrize("line, fixer_id", LOGS.items())
def test_log_patterns_match_the_build_messages(line, fixer_id):
    matching = [
        cls.id
        for cls in (FixPyRuntimeError, FixUnableSelectBuildpack)
        if any(re.search(p, line, re.IGNORECASE) for p in cls.log_patterns)
    ]
    assert matching == [fixer_id]


@pytest.mark.parametrize(
    "line",
    [
        "Could not find an 'Aptfile'! Please ensure it exists and is checked into Git.",
        "No Aptfile found",
        "Installing python-3.6.12",
    ],
)
def test_log_patterns_leave_other_messages_alone(line):
    for cls in (FixPyRuntimeError, FixUnableSelectBuildpack):
        assert not any(re.search(p, line, re.IGNORECASE) for p in cls.log_patterns)
