"""One commit on a branch, built with git plumbing against a temporary index.

The work tree, the real index and the checked-out branch are never touched, so uncommitted
work cannot be lost. Re-running with the same result leaves the branch where it is.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from paasfix.core.errors import PaasfixError
from paasfix.runner import Change

if TYPE_CHECKING:
    from git import Commit, Repo

TRAILER = "Generated-by: paasfix"
DEFAULT_BRANCH = "paasfix/autofix"
_FALLBACK_IDENTITY = {"name": "paasfix", "email": "paasfix@localhost"}


@dataclass(frozen=True)
class CommitResult:
    branch: str
    commit: str
    created: bool
    """False when the branch already held exactly this change."""


def _identity(repo: Repo) -> dict[str, str]:
    """The fallback for each part of the identity that neither git's configuration (from any
    of its sources) nor the environment gives."""
    env = {}
    for field in ("name", "email"):
        found = subprocess.run(
            ["git", "--git-dir", repo.git_dir, "config", "--get", f"user.{field}"],
            capture_output=True,
            check=False,
        ).stdout.strip()
        if field == "email" and os.environ.get("EMAIL"):
            found = b"from the environment"
        for role in ("AUTHOR", "COMMITTER"):
            var = f"GIT_{role}_{field.upper()}"
            if not found and not os.environ.get(var):
                env[var] = _FALLBACK_IDENTITY[field]
    return env


def _worktree_branches(repo: Repo) -> dict[str, str]:
    """Every branch checked out in a work tree of the repository -> that work tree."""
    found = {}
    worktree = ""
    for line in repo.git.worktree("list", "--porcelain").splitlines():
        if line.startswith("worktree "):
            worktree = line[len("worktree ") :]
        elif line.startswith("branch "):
            found[line[len("branch ") :]] = worktree
    return found


def _git(repo: Repo, args: list[str], stdin: bytes, env: dict[str, str]) -> str:
    """Run git with bytes on standard input (GitPython needs a real file for that)."""
    result = subprocess.run(
        ["git", "--git-dir", repo.git_dir, *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **env},
        check=False,
    )
    if result.returncode != 0:
        raise PaasfixError(
            f"git {args[0]} failed: {result.stderr.decode('utf-8', 'replace').strip()}"
        )
    return result.stdout.decode().strip()


def is_ours(commit: Commit) -> bool:
    """Whether paasfix made this commit (its message carries the trailer)."""
    return TRAILER in commit.message


def _resolve(repo: Repo, rev: str) -> Optional[str]:
    """The object id ``rev`` names (of either hash length), or None."""
    result = subprocess.run(
        ["git", "--git-dir", repo.git_dir, "rev-parse", "--verify", "-q", "--end-of-options", rev],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    return result.stdout.decode().strip() or None


def _read_commit(repo: Repo, sha: str) -> tuple[str, list[str], bytes]:
    """A commit's tree, parents (as its object records them, even in a shallow clone) and
    message."""
    result = subprocess.run(
        ["git", "--git-dir", repo.git_dir, "cat-file", "commit", sha],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise PaasfixError(f"git cannot read the commit {sha}")
    header, _, message = result.stdout.partition(b"\n\n")
    tree, parents = "", []
    for line in header.split(b"\n"):
        if line.startswith(b"tree "):
            tree = line[5:].decode()
        elif line.startswith(b"parent "):
            parents.append(line[7:].decode())
    return tree, parents, message


def _build_tree(repo: Repo, base: str, changes: list[Change]) -> str:
    null = "0" * len(base)
    lines = []
    for change in changes:
        if change.new is None:
            lines.append(f"0 {null}\t{change.path}")
            continue
        blob = _git(repo, ["hash-object", "-w", "--no-filters", "--stdin"], change.new, {})
        lines.append(f"{change.new_mode:o} {blob}\t{change.path}")
    handle, index_path = tempfile.mkstemp(prefix="paasfix-index-")
    os.close(handle)
    os.unlink(index_path)
    try:
        env = {"GIT_INDEX_FILE": index_path}
        _git(repo, ["read-tree", base], b"", env)
        records = "".join(line + "\0" for line in lines).encode("utf-8", "surrogateescape")
        _git(repo, ["update-index", "-z", "--index-info"], records, env)
        return _git(repo, ["write-tree"], b"", env)
    finally:
        if os.path.exists(index_path):
            os.unlink(index_path)


def commit_changes(
    repo: Repo, base_rev: str, changes: list[Change], message: str, branch: str = DEFAULT_BRANCH
) -> CommitResult:
    """Commit ``changes`` on top of ``base_rev`` and point ``branch`` at the commit.

    Objects are read and written with git's own commands, so a repository of either object
    format (SHA-1 or SHA-256) works."""
    from git import GitCommandError

    try:
        repo.git.check_ref_format("--branch", branch)
    except GitCommandError:
        raise PaasfixError(f"'{branch}' is not a valid branch name") from None
    ref = f"refs/heads/{branch}"
    if not repo.head.is_detached:
        try:
            current = repo.head.reference.path
        except TypeError:
            current = None
        if current == ref:
            raise PaasfixError(
                f"'{branch}' is the checked-out branch; paasfix commits to another "
                "branch so that your work tree is not touched (use --branch)"
            )
    elsewhere = _worktree_branches(repo).get(ref)
    if elsewhere is not None:
        raise PaasfixError(
            f"'{branch}' is checked out in the work tree {elsewhere}; paasfix "
            "does not move a branch under a work tree (use --branch)"
        )
    base = _resolve(repo, f"{base_rev}^{{commit}}")
    if base is None:
        raise PaasfixError(
            f"'{base_rev}' is not a commit; if the repository has no commits yet, "
            "commit something first"
        )
    if TRAILER not in message:
        message = message.rstrip("\n") + f"\n\n{TRAILER}\n"
    existing = _resolve(repo, f"{ref}^{{commit}}")
    tree = _build_tree(repo, base, changes)
    if existing is not None:
        existing_tree, parents, existing_message = _read_commit(repo, existing)
        if existing_tree == tree and parents == [base]:
            return CommitResult(branch, existing, False)
        if TRAILER.encode() not in existing_message:
            raise PaasfixError(
                f"branch '{branch}' already exists and its last commit was not made "
                "by paasfix; choose another name with --branch"
            )
    sha = _git(repo, ["commit-tree", tree, "-p", base], message.encode("utf-8"), _identity(repo))
    old = existing if existing is not None else "0" * len(sha)
    repo.git.update_ref("-m", "paasfix: fix deployment problems", ref, sha, old)
    return CommitResult(branch, sha, True)
