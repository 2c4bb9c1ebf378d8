"""Opening the user's git repository (GitPython) for commands that read a commit."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING, Optional

from paasfix.core.errors import FileProblem, PaasfixError, UnsafePath
from paasfix.core.tree import (
    _MAX_LINK_DEPTH,
    LINK_MODE,
    GitTree,
    Tree,
    _check_size,
    join,
    normalize,
    not_a_blob,
)

if TYPE_CHECKING:
    from git import Repo


def open_repository(path: str) -> Repo:
    """The repository whose work tree top is ``path``."""
    import git

    try:
        repo = git.Repo(path, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PaasfixError(
            f"{path}: not the top of a git repository (--commit needs one)"
        ) from None
    work_tree = repo.working_tree_dir
    if repo.bare or work_tree is None or os.path.realpath(work_tree) != os.path.realpath(path):
        raise PaasfixError(f"{path}: not the top of a git work tree")
    return repo


def object_format(git_dir: str) -> str:
    """``sha1`` or ``sha256``: the hash a repository names its objects with."""
    result = subprocess.run(
        ["git", "--git-dir", git_dir, "rev-parse", "--show-object-format"],
        capture_output=True,
        check=False,
    )
    found = result.stdout.decode().strip()
    return found if result.returncode == 0 and found else "sha1"


def head_tree(repo: Repo) -> Tree:
    """The tree of HEAD; GitPython reads SHA-1 repositories only, so a SHA-256 one is read
    with git's own commands."""
    from gitdb.exc import BadName

    git_dir = os.fspath(repo.git_dir)
    if object_format(git_dir) != "sha1":
        return CommandTree(git_dir, "HEAD")
    try:
        return GitTree(repo, "HEAD")
    except (ValueError, BadName):
        raise PaasfixError("the repository has no commits yet; commit something first") from None


class CommandTree(Tree):
    """The tree of one git commit read with ``git ls-tree`` and ``git cat-file``, for
    repositories of any object format. Links are followed as :class:`GitTree` follows them."""

    def __init__(self, git_dir: str, rev: str = "HEAD"):
        self.git_dir = git_dir
        commit = self._git("rev-parse", "--verify", "-q", "--end-of-options", f"{rev}^{{commit}}")
        if commit is None or not commit.strip():
            raise PaasfixError("the repository has no commits yet; commit something first")
        self.commit = commit.decode().strip()
        self.label = f"{rev} ({self.commit[:12]})"
        listing = self._git("ls-tree", "-r", "-t", "-l", "-z", "--full-tree", self.commit)
        if listing is None:
            raise PaasfixError(f"git cannot list the tree of {rev}")
        self._entries: dict[str, tuple[int, str, str, int]] = {}
        self._children: dict[str, list[str]] = {}
        for record in listing.split(b"\0"):
            if b"\t" not in record:
                continue
            meta, name = record.split(b"\t", 1)
            mode, kind, sha, size = meta.split()
            path = name.decode("utf-8", "surrogateescape")
            self._entries[path] = (
                int(mode, 8),
                kind.decode(),
                sha.decode(),
                int(size) if size.isdigit() else 0,
            )
            parent, _, base = path.rpartition("/")
            self._children.setdefault(parent, []).append(base)

    def _git(self, *args: str) -> Optional[bytes]:
        result = subprocess.run(
            ["git", "--git-dir", self.git_dir, *args], capture_output=True, check=False
        )
        return result.stdout if result.returncode == 0 else None

    def _blob(self, sha: str) -> bytes:
        data = self._git("cat-file", "blob", sha)
        if data is None:
            raise PaasfixError(f"git cannot read the object {sha}")
        return data

    def _type(self, key: Optional[str]) -> Optional[str]:
        if key is None:
            return None
        return "tree" if key == "" else self._entries[key][1]

    def _lookup(self, path: str, depth: int = 0) -> Optional[str]:
        """The path of the entry at ``path`` after following links, or None."""
        rel = normalize(path)
        parts = rel.split("/") if rel else []
        current = ""
        for index, part in enumerate(parts):
            if self._type(current) != "tree":
                return None
            candidate = join(current, part)
            entry = self._entries.get(candidate)
            if entry is None:
                return None
            if entry[0] == LINK_MODE:
                if depth >= _MAX_LINK_DEPTH:
                    raise FileProblem(rel, "has too many levels of symbolic links")
                target = self._blob(entry[2]).decode("utf-8", "surrogateescape")
                try:
                    resolved = None if target.startswith("/") else join(current, target)
                except UnsafePath:
                    resolved = None
                if resolved is None:
                    raise UnsafePath(
                        rel, "cannot be read: it is a symbolic link that leaves the repository"
                    )
                return self._lookup(join(resolved, *parts[index + 1 :]), depth + 1)
            current = candidate
        return current

    def kind(self, path: str) -> Optional[str]:
        kind = self._type(self._lookup(path))
        return "dir" if kind == "tree" else "file" if kind == "blob" else None

    def read(self, path: str) -> Optional[bytes]:
        key = self._lookup(path)
        kind = self._type(key)
        if key is None or kind is None:
            return None
        if kind != "blob":
            raise not_a_blob(path, kind)
        _check_size(normalize(path), self._entries[key][3])
        return self._blob(self._entries[key][2])

    def mode(self, path: str) -> Optional[int]:
        rel = normalize(path)
        parent, _, name = rel.rpartition("/")
        key = self._lookup(parent)
        if key is None or self._type(key) != "tree":
            return None
        entry = self._entries.get(join(key, name))
        return entry[0] if entry is not None and entry[1] == "blob" else None

    def listdir(self, path: str = "") -> list[str]:
        key = self._lookup(path)
        if key is None or self._type(key) != "tree":
            return []
        return sorted(self._children.get(key, []))
