"""One requirement as a dependency file declares it: the project, its version constraint, and
the file and line that say so.

Every reader of a dependency file (requirement files, Pipfile and Pipfile.lock, poetry's
tables and poetry.lock, PEP 621 ``[project]``, setup.py and setup.cfg) gives its requirements
in this one shape, so that a question such as "is greenlet pinned?" has one answer whatever
file the build installs from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from paasfix.buildpack.requirements import canonical

if TYPE_CHECKING:
    from paasfix.buildpack.requirements import RequirementLine

REQUIREMENTS = "requirements"
"""A line of a requirement file pip reads (``requirements.txt`` and its ``-r``/``-c`` files)."""
PIPFILE = "Pipfile"
"""An entry of the Pipfile's ``[packages]`` table."""
PIPFILE_LOCK = "Pipfile.lock"
"""An entry of Pipfile.lock's ``default`` section."""
POETRY = "poetry"
"""An entry of ``[tool.poetry.dependencies]`` (or the ``main`` group) in pyproject.toml."""
POETRY_LOCK = "poetry.lock"
"""A package of poetry.lock in the ``main`` group."""
PEP_621 = "pep621"
"""An item of ``[project] dependencies`` in pyproject.toml."""
SETUP_PY = "setup.py"
"""An item of ``install_requires`` in a ``setup()`` call."""
SETUP_CFG = "setup.cfg"
"""A line of ``install_requires`` in setup.cfg's ``[options]``."""

LOCKS = frozenset({PIPFILE_LOCK, POETRY_LOCK})

_EXACT_RE = re.compile(r"^\s*===?\s*([0-9A-Za-z][0-9A-Za-z.+!_-]*)\s*$")


def exact_version(specifier: str) -> Optional[str]:
    """The version a specifier pins (``==1.2.3``, ``===1.2.3``), else None (``==1.*`` is a
    range, not a pin)."""
    match = _EXACT_RE.match(specifier)
    if match is None or "*" in match.group(1):
        return None
    return match.group(1)


@dataclass(frozen=True)
class Declaration:
    """A requirement declared in a dependency file."""

    name: str
    """The project name as written."""
    specifier: str
    """The version constraint as written in the file's own syntax (``==1.2``, ``>=2,<3``,
    poetry's ``^4.2``); empty when there is none (a Pipfile's ``"*"`` included)."""
    path: str
    """The file, relative to the repository root."""
    line: int
    """The 1-based line where the requirement starts."""
    origin: str
    """What kind of declaration it is: :data:`REQUIREMENTS`, :data:`PIPFILE`, ... ."""
    version: Optional[str] = None
    """The one version that will be installed: an exact pin, or the version a lock holds."""
    extras: tuple[str, ...] = ()
    marker: str = ""
    """The environment marker (``python_version < "3.8"``), empty when there is none."""
    url: Optional[str] = None
    """Where a direct reference installs from (a VCS or archive URL, a path)."""
    requirement_line: Optional[RequirementLine] = None
    """For :data:`REQUIREMENTS`: the parsed line, for fixers that edit requirement files."""

    @property
    def key(self) -> str:
        """The project name in its PEP 503 normal form."""
        return canonical(self.name)

    @property
    def locked(self) -> bool:
        """Whether this is an entry of a lock file (which is never edited by hand)."""
        return self.origin in LOCKS

    @property
    def pinned(self) -> bool:
        return self.version is not None

    def where(self) -> str:
        """``path:line``, for messages."""
        return f"{self.path}:{self.line}"
