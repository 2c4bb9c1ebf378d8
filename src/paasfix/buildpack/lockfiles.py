"""Lock files: which tool writes each, and the command that brings one up to date.

A lock file is never edited by hand: it records hashes of the whole resolution (Pipfile.lock
also the hash of the Pipfile it was made from, which ``pipenv install --deploy`` checks), so a
change to the declared dependencies of a locked project is only complete when the tool has
written the lock again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

PIPENV = "pipenv"
POETRY = "poetry"
UV = "uv"

LOCK_FILES = {PIPENV: "Pipfile.lock", POETRY: "poetry.lock", UV: "uv.lock"}


@dataclass(frozen=True)
class Lock:
    """A project's lock file (or the lock it could have)."""

    tool: str
    """:data:`PIPENV`, :data:`POETRY` or :data:`UV`."""
    path: str
    exists: bool
    command: str
    """What regenerates it after its declarations change (:func:`regenerate_command`)."""
    used_by_build: bool
    """Whether the build installs from it (a Pipfile.lock on either stack, a poetry.lock on
    heroku-24; never a uv.lock)."""


def regenerate_command(tool: str, lock_version: Optional[str] = None) -> str:
    """The command that writes the lock again from the changed declarations, keeping every
    other locked version where the tool can.

    ``pipenv lock`` re-resolves from the Pipfile. poetry 1 needs ``--no-update`` to keep the
    other versions; poetry 2 (which writes ``lock-version = "2.1"``) keeps them by default and
    no longer has that option.
    """
    if tool == PIPENV:
        return "pipenv lock"
    if tool == POETRY:
        if lock_version is not None and _at_least(lock_version, (2, 1)):
            return "poetry lock"
        return "poetry lock --no-update"
    if tool == UV:
        return "uv lock"
    raise ValueError(f"unknown lock tool {tool!r}")


def _at_least(version: str, minimum: tuple[int, ...]) -> bool:
    parts = []
    for part in version.strip().split("."):
        if not part.isdigit():
            return False
        parts.append(int(part))
    return tuple(parts) >= minimum
