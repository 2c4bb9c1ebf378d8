"""A Procfile read line by line, as Heroku reads it, next to what YAML makes of each line.

Heroku's format is one ``name: command`` line per process: a name, a colon, and the rest of the
line is the command. The platform loads the same file as YAML (PLATFORM.md §2.1), which reads
some ordinary command lines differently. A line is *misread* when YAML, loading it alone, does
not give exactly the name and the command the line says.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Optional

from paasfix.core.text import YAML_BREAKS
from paasfix.formats.yamlio import YamlProblem, reading
from paasfix.platform import rules

_ENTRY = re.compile(
    r"^(?P<key>(?P<q>['\"]?)(?P<name>[A-Za-z0-9_-]+)(?P=q)):"
    r"(?P<sep>[ \t]*)(?P<rest>.*?)[ \t]*$"
)
"""A Procfile line as Heroku reads it: a process name, a colon, the command (the name may be
quoted for YAML)."""


def shell_comment(command: str) -> Optional[int]:
    """Where a ``#`` that starts a word begins a shell comment (outside quotes, not escaped)."""
    quote: Optional[str] = None
    after_blank = True
    index = 0
    while index < len(command):
        char = command[index]
        if quote is None:
            if char == "#" and after_blank:
                return index
            after_blank = char in " \t"
            if char == "\\":
                index += 1
            elif char == "$" and command[index + 1 : index + 2] == "'":
                quote, index = "$'", index + 1
            elif char in "'\"":
                quote = char
        elif char == "\\" and quote != "'":
            index += 1
        elif char == quote[-1]:
            quote = None
        index += 1
    return None


_LOCK = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """One ``name: command`` line and what its author meant by it."""

    number: int
    """1-based line number."""
    text: str
    key: str
    """The name as written (quoted or not)."""
    name: str
    sep: str
    command: str
    """The text after the colon, without blanks around it and without a trailing shell
    comment: both YAML and the shell that runs the command drop that comment. Empty for a
    process without a command (fix-procfile reports those)."""
    gap: str
    comment: str

    @classmethod
    def parse(cls, number: int, line: str) -> Optional["Entry"]:
        match = _ENTRY.match(line)
        if match is None:
            return None
        rest = match.group("rest")
        cut = shell_comment(rest)
        command = rest[:cut].rstrip() if cut is not None else rest
        comment = rest[cut:] if cut is not None else ""
        gap = rest[len(command) : cut] if cut is not None else ""
        return cls(
            number,
            line,
            match.group("key"),
            match.group("name"),
            match.group("sep"),
            command,
            gap,
            comment,
        )

    def loaded(self) -> Any:
        """What the platform makes of this line alone (YamlProblem when it cannot load it)."""
        return self._reading

    @cached_property
    def _reading(self) -> Any:
        return reading(self.text)

    def intentionally_quoted(self, reading: Any) -> bool:
        """A command quoted for YAML as a whole (``web: "gunicorn app"``) reads as meant."""
        rest = self.text[len(self.key) + 1 :].lstrip(" \t")
        return (
            rest[:1] in ("'", '"')
            and isinstance(reading, dict)
            and len(reading) == 1
            and reading.get(self.name) is not None
            and isinstance(reading[self.name], str)
        )

    def meant(self) -> Optional[str]:
        """The command the line means: a command quoted as a whole means what YAML reads."""
        reading = self.loaded()
        if not self.command:
            return None
        return reading[self.name] if self.intentionally_quoted(reading) else self.command

    def misread(self) -> Optional[str]:
        """How YAML reads the line when that is not what it says (None when it is)."""
        reading = self.loaded()
        if (
            not self.command
            or reading == {self.name: self.command}
            or self.intentionally_quoted(reading)
        ):
            return None
        if isinstance(reading, YamlProblem):
            return f"cannot be read as YAML ({reading.message})"
        if not isinstance(reading, dict):
            return (
                "reads as one string, not as a name and a command (YAML needs a space after "
                "the colon)"
            )
        key, value = next(iter(reading.items()))
        if key != self.name:
            return (
                f"has a name that YAML reads as {rules._type_name(key)}, not as the text "
                f"{self.name!r}"
            )
        if not isinstance(value, str):
            return f"has a command that YAML reads as {rules._type_name(value)}, not as text"
        if self.command.startswith(value):
            return (
                f"has a command that YAML cuts to `{value}`: the rest, from ' #', is read as "
                "a YAML comment"
            )
        return f"has a command that YAML reads as `{value}`"


@dataclass
class ProcfileLines:
    """The lines of a Procfile as Heroku's line format reads them."""

    entries: list[Entry]
    others: list[int]
    """1-based numbers of lines that are neither entries, comments nor blank, or that hold a
    character YAML reads as another line break."""

    @classmethod
    def of(cls, text: str) -> "ProcfileLines":
        """The lines of ``text``; the last few texts are remembered, since several fixers and
        every pass of ``fix`` ask about the same Procfile. Treat the result as read-only."""
        with _LOCK:
            if text in _PARSED:
                _PARSED[text] = _PARSED.pop(text)
                return _PARSED[text]
        parsed = cls._parse(text)
        with _LOCK:
            _PARSED[text] = parsed
            while len(_PARSED) > 4:
                del _PARSED[next(iter(_PARSED))]
        return parsed

    @classmethod
    def _parse(cls, text: str) -> "ProcfileLines":
        entries, others = [], []
        for number, line in enumerate(text.split("\n"), start=1):
            stripped = line.strip()
            if any(char in line for char in YAML_BREAKS):
                others.append(number)
                continue
            if not stripped or stripped.startswith("#"):
                continue
            entry = Entry.parse(number, line)
            if entry is None:
                others.append(number)
            else:
                entries.append(entry)
        return cls(entries, others)

    def misread(self) -> list[tuple[Entry, str]]:
        """Every entry YAML reads differently from what it says, with how it reads it."""
        return [(entry, why) for entry in self.entries if (why := entry.misread()) is not None]

    def duplicates(self) -> dict[str, list[int]]:
        lines: dict[str, list[int]] = {}
        for entry in self.entries:
            lines.setdefault(entry.name, []).append(entry.number)
        return {name: numbers for name, numbers in lines.items() if len(numbers) > 1}


_PARSED: dict[str, ProcfileLines] = {}
"""The most recently used :meth:`ProcfileLines.of` results, oldest first."""
