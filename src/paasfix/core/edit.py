"""An edit of a repository: the new content of one file.

Fixers return edits; knowledge modules that compute a file's new content (a hook script, a
process command rewritten in its definition file) return them too, so a fixer passes them on
as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Edit:
    """The new content of one file; ``content=None`` deletes it.

    ``mode`` None keeps the file's mode (a new file is 0o100644).
    """

    path: str
    content: Optional[bytes]
    mode: Optional[int] = None
