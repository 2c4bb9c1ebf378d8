"""Writing a changeset into the work tree: atomically, inside the repository only, and never
over uncommitted work unless the user allows it."""

from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Iterable, Optional

from ..errors import PaasfixError, UnsafePath
from ..runner import Change
from ..tree import EXEC_MODE


def _git(root: str, *args: str) -> Optional[subprocess.CompletedProcess]:
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, check=False)
    except FileNotFoundError:
        return None


def dirty_paths(root: str, paths: Iterable[str]) -> list[str]:
    """Which of ``paths`` have uncommitted changes (empty outside a git work tree)."""
    paths = list(paths)
    if not paths:
        return []
    inside = _git(root, "rev-parse", "--is-inside-work-tree", "--show-prefix")
    if inside is None:
        return []
    if inside.returncode != 0:
        problem = inside.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in problem:
            return []
        raise PaasfixError(f"cannot tell whether {root} has uncommitted changes: git says "
                           f"'{problem.splitlines()[0] if problem else inside.returncode}'")
    answers = inside.stdout.decode("utf-8", "surrogateescape").split("\n")
    if answers[0] != "true":
        return []
    prefix = answers[1] if len(answers) > 1 else ""
    status = _git(root, "--literal-pathspecs", "status", "--porcelain=v1", "-z",
                  "--untracked-files=all", "--", *paths)
    if status is None or status.returncode != 0:
        raise PaasfixError(f"git status failed in {root}: "
                           f"{status.stderr.decode(errors='replace').strip() if status else ''}")
    entries = [e for e in status.stdout.decode("utf-8", "surrogateescape").split("\0") if e]
    found = [entry[3:] for entry in entries if len(entry) > 3 and entry[2] == " "]
    return [path[len(prefix):] if path.startswith(prefix) else path for path in found]


def _target(root: str, path: str) -> str:
    full = os.path.join(root, path)
    parent = os.path.realpath(os.path.dirname(full))
    if parent != root and not parent.startswith(root + os.sep):
        raise UnsafePath(path, "is inside a symbolic link that leaves the repository")
    if os.path.islink(full):
        raise UnsafePath(path, "is a symbolic link; paasfix does not write through links")
    return full


def _permissions(full: str, git_mode: int) -> int:
    try:
        current = os.stat(full).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        current = 0o666 & ~umask
    if git_mode == EXEC_MODE:
        return current | ((current & 0o444) >> 2)
    return current & ~0o111


def _remove(root: str, full: str) -> None:
    """Delete a file, then the directories it leaves empty (git does not keep empty ones)."""
    try:
        os.unlink(full)
    except FileNotFoundError:
        pass
    directory = os.path.dirname(full)
    while directory != root and directory.startswith(root + os.sep):
        try:
            os.rmdir(directory)
        except OSError:
            break
        directory = os.path.dirname(directory)


def write_changes(root: str, changes: list[Change], allow_dirty: bool = False) -> None:
    """Apply ``changes`` under ``root``; every check runs before the first byte is written."""
    root = os.path.realpath(root)
    if not allow_dirty:
        dirty = dirty_paths(root, [c.path for c in changes])
        if dirty:
            shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
            raise PaasfixError(f"refusing to overwrite uncommitted changes in {shown}; commit or "
                               "stash them first, or pass --allow-dirty")
    targets = [(change, _target(root, change.path)) for change in changes]
    for change, full in targets:
        if change.new is None:
            _remove(root, full)
            continue
        directory = os.path.dirname(full)
        os.makedirs(directory, exist_ok=True)
        permissions = _permissions(full, change.new_mode or 0)
        handle, temp = tempfile.mkstemp(dir=directory, prefix=".paasfix-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(change.new)
            os.chmod(temp, permissions)
            os.replace(temp, full)
        except BaseException:
            if os.path.exists(temp):
                os.unlink(temp)
            raise
