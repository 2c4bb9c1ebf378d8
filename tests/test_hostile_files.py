"""Files the platform's parsers cannot read, or could only read with unbounded work, give one
line each (a finding about that file, or one error line for a settings file), never a traceback
or a "bug in the fixer" line.

Inputs (generated here): 4 YAML classes (an alias bomb, a self-referring alias, values nested
900 deep, an invalid date, a 5,000-digit integer) in a Procfile and in app_desc.yaml, and a
paasfix.toml nested 2,000 deep: 11 files in all.
"""

from __future__ import annotations

import json

import pytest
from helpers import git_repo, paasfix

APP = {"requirements.txt": "gunicorn==22.0.0\n", "app.py": "app = object()\n"}

BOMB = (
    "["
    + ", ".join(
        f"&l{level} [{', '.join([f'*l{level - 1}' if level else 'lol'] * 9)}]"
        for level in range(10)
    )
    + "]"
)

VALUES = {
    "an alias bomb": (BOMB, "aliases expand it"),
    "an alias inside its own value": ("&a [*a]", "refers to the value that contains it"),
    "lists nested 900 deep": ("[" * 900 + "]" * 900, "nested more than 100 levels"),
    "an invalid date": ("2023-02-30", "day is out of range"),
    "a 5,000-digit integer": ("9" * 5000, "4300 digits"),
}


def _bad_lines(result) -> list[str]:
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "bug in the fixer" not in output and "internal error" not in output
    return [line for line in result.stderr.splitlines() if line.startswith("paasfix:")]


@pytest.mark.parametrize("value, needle", VALUES.values(), ids=list(VALUES))
def test_app_desc_that_cannot_be_read_is_one_finding(tmp_path, value, needle):
    desc = (
        "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
        f"      command: {value}\n"
    )
    repo = git_repo(tmp_path / "repo", {**APP, "app_desc.yaml": desc})
    result = paasfix("check", "--format", "json", str(repo))
    assert result.returncode == 1, result.stderr
    assert _bad_lines(result) == []
    report = json.loads(result.stdout)
    about = [f for f in report["findings"] if f["path"] == "app_desc.yaml"]
    assert len(about) == 1 and needle in about[0]["message"], about
    assert report["errors"] == []


@pytest.mark.parametrize("value, needle", VALUES.values(), ids=list(VALUES))
def test_procfile_line_that_cannot_be_read_is_one_finding_and_is_quoted(tmp_path, value, needle):
    repo = git_repo(tmp_path / "repo", {**APP, "Procfile": f"web: {value}\n"})
    result = paasfix("check", "--format", "json", str(repo))
    assert result.returncode == 1, result.stderr
    assert _bad_lines(result) == []
    report = json.loads(result.stdout)
    about = [f for f in report["findings"] if f["path"] == "Procfile"]
    assert len(about) == 1 and needle in about[0]["message"], about
    diff = paasfix("fix", "--diff", "--select", "fix-procfile-yaml", str(repo))
    assert _bad_lines(diff) == []
    assert f"+web: '{value}'\n" in diff.stdout


def test_deeply_nested_settings_file_is_one_error_line(tmp_path):
    repo = git_repo(
        tmp_path / "repo", {**APP, "paasfix.toml": "select = " + "[" * 2000 + "]" * 2000 + "\n"}
    )
    for args in (("check",), ("fix", "--diff")):
        result = paasfix(*args, str(repo))
        assert result.returncode == 2
        assert _bad_lines(result) == [
            "paasfix: error: paasfix.toml: cannot be read: arrays or tables nested too deeply "
            "for the TOML parser"
        ], result.stderr


def test_many_misread_procfile_lines_are_repaired_in_one_fix(tmp_path):
    lines = "".join(f"p{n}: &x{n} run {n}\n" for n in range(300))
    repo = git_repo(tmp_path / "repo", {**APP, "Procfile": lines})
    result = paasfix("fix", "--diff", str(repo))
    assert _bad_lines(result) == []
    added = [line for line in result.stdout.splitlines() if line.startswith("+p")]
    assert added == [f"+p{n}: '&x{n} run {n}'" for n in range(300)]
