"""Shared test setup: git never reads the developer's own configuration."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _hermetic_git(tmp_path_factory, monkeypatch):
    """An empty home and no system or global git configuration, and no identity in the
    environment, so that tests see the same git everywhere (no signing, hooks or aliases)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def umask_022():
    """The usual umask, for tests that compare the modes of files git or paasfix creates."""
    old = os.umask(0o022)
    yield
    os.umask(old)
