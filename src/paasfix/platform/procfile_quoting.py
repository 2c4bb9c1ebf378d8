"""Quoting a Procfile line so that YAML reads exactly the name and command the line says.

A line YAML misreads (:mod:`paasfix.platform.procfile_lines`) is rewritten as ``name: command`` with the
command in the plainest style that loads back to exactly that text: plain when only the blank
after the colon was missing, else single quotes, or double quotes when the command contains
``'`` and no ``"`` or ``\\``. A trailing shell comment stays a YAML comment.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from paasfix.formats.yamlio import loads_as
from paasfix.platform.procfile_lines import Entry


def repaired_line(entry: Entry) -> str | None:
    """The line with the name and command quoted as YAML needs; None when no style loads back
    to exactly this name and command."""
    key = entry.key if entry.key != entry.name else _styled(entry.name)
    sep = entry.sep if entry.sep and not entry.sep.strip(" ") else " "
    tail = (
        ((entry.gap if not entry.gap.strip(" ") else "  ") + entry.comment) if entry.comment else ""
    )
    for value in _styles(entry.command):
        line = f"{key}:{sep}{value}{tail}"
        if line != entry.text and loads_as(line, {entry.name: entry.command}):
            return line
    return None


def with_lines(text: str, replaced: dict[int, str]) -> str:
    """``text`` with the lines numbered in ``replaced`` (1-based) replaced."""
    lines = text.split("\n")
    for number, line in replaced.items():
        lines[number - 1] = line
    return "\n".join(lines)


def reads_as(text: str, entries: list[Entry]) -> bool:
    """Whether YAML reads ``text`` as exactly the processes the ``entries`` mean."""
    return loads_as(text, {entry.name: entry.meant() for entry in entries})


def _styles(text: str) -> list[str]:
    """``text`` as a plain, a single-quoted and a double-quoted YAML scalar, the most readable
    first: double quotes before single ones when that avoids doubling a ``'``."""
    single = "'" + text.replace("'", "''") + "'"
    double = json.dumps(text, ensure_ascii=False)
    if "'" in text and '"' not in text and "\\" not in text:
        return [text, double, single]
    return [text, single, double]


_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_WORDS = {"yes", "no", "true", "false", "on", "off", "null"}
"""The words PyYAML's resolver reads as a boolean or null (in any case, to be safe): of its
implicit types, only those can begin with a letter."""


@lru_cache(maxsize=256)
def _styled(name: str) -> str:
    """A process name in the plainest style YAML reads as this text."""
    if _PLAIN_NAME.fullmatch(name) and name.lower() not in _WORDS:
        return name
    for style in _styles(name):
        if loads_as(f"{style}: x", {name: "x"}):
            return style
    return json.dumps(name)
