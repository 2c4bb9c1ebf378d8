"""Errors that paasfix reports to the user as one line."""

from __future__ import annotations


class PaasfixError(Exception):
    """An error explained to the user in one line (exit status 2)."""


class FileProblem(PaasfixError):
    """A repository file that cannot be read as the platform or paasfix needs."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


class UnsafePath(FileProblem):
    """A path that leaves the repository, directly or through a symbolic link."""


class FixerBug(PaasfixError):
    """A fixer broke its contract (a fix that changes nothing, no fixpoint, a broken file)."""
