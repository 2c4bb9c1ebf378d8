"""What knowledge modules read a repository through: its files, decoded and parsed once.

:class:`paasfix.project.Project` provides this; a knowledge module that takes a ``Sources``
knows nothing else of the Project, so it can be used (and tested) with any reader that
decodes and parses files the same way.
"""

from __future__ import annotations

import ast
from typing import Optional, Protocol

from paasfix.core.text import TextFile
from paasfix.core.tree import Tree


class Sources(Protocol):
    """A repository's files as the build sees them, read and parsed at most once each."""

    @property
    def tree(self) -> Tree:
        """The files, as a tree."""
        ...

    @property
    def build_dir(self) -> str:
        """The directory the build runs in ("" for the root)."""
        ...

    def path(self, *names: str) -> str:
        """A path inside the build directory."""
        ...

    def text(self, path: str) -> Optional[TextFile]:
        """A decoded file (None if absent); raises FileProblem for binary or broken files."""
        ...

    def exists(self, path: str) -> bool: ...

    def is_file(self, path: str) -> bool: ...

    def is_dir(self, path: str) -> bool: ...

    def listdir(self, path: str) -> list[str]: ...

    def python_ast(self, path: str) -> Optional[ast.Module]:
        """The module's syntax tree; None when absent, unreadable or not analysed."""
        ...

    def python_error(self, path: str) -> Optional[Exception]:
        """Why :meth:`python_ast` gave no tree for a file that exists."""
        ...
