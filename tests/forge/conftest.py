"""Fixtures for the bot's tests: a local forge on 127.0.0.1 per test, for each fake forge, and
a check after every test that the token appears in nothing anyone could read: captured output
(of this process and of every subprocess), log records, results, request lines, and git
command lines."""

from __future__ import annotations

import logging
import os

import pytest
from bot_support import TOKEN, Scene, basic_header, git_recorder, token_forms
from fake_gitea import FakeGitea
from fake_github import FakeGitHub
from fake_gitlab import FakeGitLab
from local_forge import serve

from paasfix.forge import forge_class

FAKES = {"gitlab": FakeGitLab, "github": FakeGitHub, "gitea": FakeGitea}
"""Forge kind -> the fake that imitates it; the scenarios run against each."""


@pytest.fixture
def git_argv_log(tmp_path, monkeypatch):
    log = tmp_path / "git-argv.log"
    log.touch()
    bin_dir = git_recorder(tmp_path / "bin", log)
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ["PATH"])
    return log


@pytest.fixture(params=sorted(FAKES))
def scene(request, tmp_path, git_argv_log, capfd, caplog):
    caplog.set_level(logging.DEBUG)
    cls = forge_class(request.param)
    fake = FAKES[request.param]
    root = tmp_path / "forge"
    root.mkdir()
    server = serve(root, basic_header(cls.git_username), lambda url: fake(url, TOKEN, root))
    scene = Scene(tmp_path, server, cls, server.api)
    try:
        yield scene
    finally:
        server.stop()
    captured = capfd.readouterr()
    readable = {
        "stdout": captured.out,
        "stderr": captured.err,
        "log records": caplog.text,
        "results and command output": "\n".join(scene.outputs),
        "request lines": "\n".join(server.request_lines),
        "git command lines": git_argv_log.read_text(),
    }
    for where, text in readable.items():
        for form in token_forms():
            assert form not in text, f"the token appears in the {where}"
    assert server.api.unknown == [], "paasfix used endpoints the fake does not implement"
