"""Process definition files larger than paasfix reads (yamlio.MAX_DOCUMENT_SIZE) are one error
line, in every command, and nothing is written; files up to that size are read whole.

Inputs (generated here): a Procfile and an app_desc.yaml one line over the bound, in check,
fix --diff, fix and fix --commit, and a Procfile and an app_desc.yaml just under it: 4 files.
"""

from __future__ import annotations

import json

import pytest
from helpers import git_repo, head, paasfix, snapshot

from paasfix.formats.yamlio import MAX_DOCUMENT_SIZE

APP = {"requirements.txt": "gunicorn==22.0.0\n", "app.py": "app = object()\n"}
DESC_HEAD = (
    "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
    "      command: gunicorn app:app\n  env_variables:\n"
)


def _grown(head: str, item, size: int) -> str:
    """``head`` and as many ``item(n)`` as keep it within ``size`` bytes, then one more when
    ``size`` is over the bound (so that the text passes it)."""
    text, n = head, 0
    while len((text + item(n)).encode()) <= min(size, MAX_DOCUMENT_SIZE):
        text, n = text + item(n), n + 1
    return text + item(n) if size > MAX_DOCUMENT_SIZE else text


def _procfile(size: int) -> str:
    return _grown("", lambda n: f"p{n}: gunicorn app:app -w {n % 9 + 1}\n", size)


def _app_desc(size: int) -> str:
    return _grown(DESC_HEAD, lambda n: f"    - key: VAR_{n}\n      value: 变量 {n}\n", size)


def _paasfix_lines(result) -> list[str]:
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert "bug in the fixer" not in output and "internal error" not in output
    return [line for line in result.stderr.splitlines() if line.startswith("paasfix:")]


@pytest.mark.parametrize("name, make", [("Procfile", _procfile), ("app_desc.yaml", _app_desc)])
def test_a_process_file_over_the_bound_is_one_error_line_and_nothing_is_written(
    tmp_path, name, make
):
    text = make(MAX_DOCUMENT_SIZE + 1)
    size = len(text.encode())
    assert size > MAX_DOCUMENT_SIZE
    repo = git_repo(tmp_path / "repo", {**APP, name: text})
    before, commit = snapshot(repo), head(repo)
    expected = (
        f"paasfix: error: {name}: cannot be read: it is {size / 1024:,.0f} KiB, larger "
        f"than the {MAX_DOCUMENT_SIZE // 1024} KiB paasfix reads in a process "
        "definition (the platform takes at most 16 processes per module)"
    )
    for args in (("check",), ("fix", "--diff"), ("fix",), ("fix", "--commit")):
        result = paasfix(*args, str(repo))
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert _paasfix_lines(result) == [expected], (args, result.stderr)
        assert snapshot(repo) == before, args
        assert head(repo) == commit, args
    report = json.loads(paasfix("check", "--format", "json", str(repo)).stdout)
    assert report["errors"] == [expected[len("paasfix: error: ") :]]
    assert [f for f in report["findings"] if f["path"] == name] == []


def test_a_procfile_just_under_the_bound_is_read_whole(tmp_path):
    text = _procfile(MAX_DOCUMENT_SIZE)
    count = text.count("\n")
    assert MAX_DOCUMENT_SIZE - 100 < len(text.encode()) <= MAX_DOCUMENT_SIZE
    repo = git_repo(tmp_path / "repo", {**APP, "Procfile": text})
    result = paasfix("check", "--format", "json", str(repo))
    assert result.returncode == 1, result.stderr
    assert _paasfix_lines(result) == []
    report = json.loads(result.stdout)
    assert report["errors"] == []
    messages = [f["message"] for f in report["findings"] if f["path"] == "Procfile"]
    assert any(
        f"maximum 16 processes per module, but got {count}" in message for message in messages
    ), messages


def test_an_app_desc_just_under_the_bound_is_read_whole(tmp_path):
    text = _app_desc(MAX_DOCUMENT_SIZE - 40) + "    - key: HOME\n      value: x\n"
    assert MAX_DOCUMENT_SIZE - 140 < len(text.encode()) <= MAX_DOCUMENT_SIZE
    last = text.count("\n") - 1
    repo = git_repo(tmp_path / "repo", {**APP, "app_desc.yaml": text})
    result = paasfix("check", "--format", "json", str(repo))
    assert _paasfix_lines(result) == []
    report = json.loads(result.stdout)
    assert report["errors"] == []
    reserved = [f for f in report["findings"] if "保留关键字: HOME" in f["message"]]
    assert [f["line"] for f in reserved] == [last], report["findings"]
