"""Opening the user's git repository (GitPython) for commands that read a commit."""

from __future__ import annotations

import os

from .errors import PaasfixError
from .tree import GitTree


def open_repository(path: str):
    """The repository whose work tree top is ``path``."""
    import git

    try:
        repo = git.Repo(path, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise PaasfixError(f"{path}: not the top of a git repository (--commit needs one)") from None
    if repo.bare or os.path.realpath(repo.working_tree_dir) != os.path.realpath(path):
        raise PaasfixError(f"{path}: not the top of a git work tree")
    return repo


def head_tree(repo) -> GitTree:
    from gitdb.exc import BadName

    try:
        return GitTree(repo, "HEAD")
    except (ValueError, BadName):
        raise PaasfixError("the repository has no commits yet; commit something first") from None
