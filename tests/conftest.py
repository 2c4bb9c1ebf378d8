"""Shared test setup: git never reads the developer's own configuration, and the modules
whose tests take seconds are marked ``slow``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

TESTS = Path(__file__).parent

SLOW = (
    "forge",  # the bot and fleet against local forges, with real git over HTTP
    "test_samples.py",  # paasfix run as a process over every sample repository
    "test_diagnose_fix.py",  # diagnose --fix over the sample repositories
    "test_hostile.py",  # every command on hostile repositories (deep, huge, FIFOs)
    "test_bad_input.py",  # unreadable files, through the command line
    "test_write_transaction.py",  # writes interrupted by real signals
    "test_commit.py",  # fix --commit in real repositories, SHA-1 and SHA-256
    "test_reports.py",  # every sample's reports, validated against their schemas
    "test_lines_and_bytes.py",  # line endings and bytes through the command line, on git
    "test_hostile_files.py",  # files the platform's parsers cannot read, as a process
    "test_integrations.py",  # the pre-commit hooks and CI template, run in a shell
    "test_plugins.py",  # plugins installed in directories and zips, in new interpreters
    "test_fix_collect_static.py",  # Django's real collectstatic, before and after the fix
)
"""Test modules (or folders) under tests/ whose tests take seconds in all: ``-m "not slow"``
leaves them out."""

SLOW_TESTS = (
    "test_pyast.py::test_threads_parsing_while_finalizers_run_all_succeed",
    "test_docs.py::test_the_command_checks_and_writes",
)
"""Single slow tests in otherwise fast modules."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        try:
            first = item.path.relative_to(TESTS).parts[0]
        except ValueError:
            continue
        if first in SLOW or item.nodeid.removeprefix("tests/") in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _hermetic_git(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty home and no system or global git configuration, and no identity in the
    environment, so that tests see the same git everywhere (no signing, hooks or aliases)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for name in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, for tests that compare the modes of files git or paasfix creates."""
    old = os.umask(0o022)
    yield
    os.umask(old)
