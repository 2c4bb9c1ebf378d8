"""Adding a requirement to requirement files: where it reads best, and the new file text that
keeps every other line, the line endings and a missing final newline as they were.
"""

from __future__ import annotations

from collections.abc import Iterable

from paasfix.buildpack.requirements import RequirementFile, RequirementLine, canonical


def place_after(lines: Iterable[RequirementLine], anchors: Iterable[str]) -> RequirementLine | None:
    """The first requirement of the projects ``anchors`` (a web framework for a server, the
    server for its worker class); None when none is required."""
    keys = {canonical(anchor) for anchor in anchors}
    return next((line for line in lines if line.kind == "requirement" and line.key in keys), None)


def with_requirement(parsed: RequirementFile, last: int, requirement: str) -> bytes | None:
    """The file with ``requirement`` as a new line after line ``last`` (1-based; 0 appends);
    None when the file pins hashes (pip then needs the new project's hashes too)."""
    if any(line.hashes for line in parsed.lines):
        return None
    file = parsed.file
    lines = file.lines
    index = last or len(lines)
    if index and not lines[index - 1].endswith("\n"):
        lines[index - 1] += "\n"
        lines.insert(index, requirement)
    else:
        lines.insert(index, requirement + "\n")
    return file.encode("".join(lines))
