"""Requirement files as pip reads them, line by line, so that fixers can edit single lines.

Each logical line (continuations joined, comments split off) is classified; requirement lines
are parsed with requirements-parser. Names are compared in their PEP 503 normal form.

pip (``req_file.preprocess``) splits the decoded file with ``str.splitlines``: a line ends at
``\\r\\n``, ``\\n`` or a ``\\r`` alone, in any mix, and these arrive here as ``\\n``
(:mod:`paasfix.core.text`). ``str.splitlines`` also ends a line at ``\\v``, ``\\f``,
``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028`` and ``\\u2029``; no editor writes those as line
endings, and here they stay inside their line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Optional

from paasfix.core.text import TextFile

_COMMENT_RE = re.compile(r"(^|\s+)#.*$")
_OPTION_SPLIT_RE = re.compile(r"\s--?[a-zA-Z]")
_EGG_RE = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_URL_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://|file:)")
_DIRECT_REFERENCE_RE = re.compile(
    r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*@\s*[A-Za-z][A-Za-z0-9+.-]*:"
)
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")
_SIMPLE_NAME_RE = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)[ \t]*(.*)")
_SIMPLE_SPEC_RE = re.compile(r"[ \t]*(==|!=|<=|>=|~=|<|>)[ \t]*([0-9]+(?:\.[0-9]+)*)[ \t]*")
"""One version specifier whose version is only release numbers (``>= 3.2``)."""


_SEPARATORS_RE = re.compile(r"[-_.]+")


def canonical(name: str) -> str:
    """The PEP 503 normal form of a project name."""
    return _SEPARATORS_RE.sub("-", name).lower()


@dataclass
class RequirementLine:
    path: str
    first: int
    """1-based number of the first physical line."""
    last: int
    """1-based number of the last physical line (continuations)."""
    text: str
    """The logical line without its comment."""
    comment: str
    kind: str
    """``requirement``, ``include`` (-r), ``constraint`` (-c), ``editable`` (-e), ``url``
    (a URL or path), ``option`` (other pip options) or ``blank``."""
    name: Optional[str] = None
    specs: list[tuple[str, str]] = field(default_factory=list)
    target: Optional[str] = None
    """For include and constraint lines, the file named, as written."""
    hashes: bool = False
    _keyed: Optional[str] = field(default=None, repr=False, compare=False)
    """The name :attr:`key` was computed from (a field, so that every line has the same
    attributes from the start: Python then shares one table of names among the lines)."""
    _key: Optional[str] = field(default=None, repr=False, compare=False)

    @property
    def key(self) -> Optional[str]:
        if self.name != self._keyed:
            self._keyed, self._key = self.name, canonical(self.name) if self.name else None
        return self._key

    @property
    def pinned(self) -> bool:
        return bool(self.specs)


def _logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(first, last, physical text) for every logical line, continuations joined."""
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    index = 0
    while index < len(physical):
        first = index
        parts = []
        while True:
            stripped = physical[index].rstrip("\r")
            if not stripped.endswith("\\") or _COMMENT_RE.match(stripped):
                parts.append(stripped)
                break
            parts.append(stripped[:-1])
            if index + 1 == len(physical):
                break
            index += 1
        yield first + 1, index + 1, "".join(parts)
        index += 1


def _option_target(body: str, short: str, long: str) -> Optional[str]:
    match = re.match(rf"^(?:{short}\s*|{long}(?:\s*=\s*|\s+))(\S+)", body)
    return match.group(1) if match else None


def parse_line(path: str, first: int, last: int, raw: str) -> RequirementLine:
    comment_match = _COMMENT_RE.search(raw)
    comment = comment_match.group(0) if comment_match else ""
    body = raw[: comment_match.start()] if comment_match else raw
    body = body.strip()
    line = RequirementLine(path, first, last, body, comment, "blank")
    if not body:
        return line
    if body.startswith("-"):
        for kind, short, long in (
            ("include", "-r", "--requirement"),
            ("constraint", "-c", "--constraint"),
        ):
            target = _option_target(body, short, long)
            if target:
                line.kind, line.target = kind, target
                return line
        editable = _option_target(body, "-e", "--editable")
        if editable:
            line.kind = "editable"
            egg = _EGG_RE.search(editable)
            line.name = egg.group(1) if egg else None
            return line
        line.kind = "option"
        return line
    split = _OPTION_SPLIT_RE.search(body)
    spec_part = body[: split.start()].strip() if split else body
    line.hashes = "--hash" in body
    reference = _DIRECT_REFERENCE_RE.match(spec_part)
    if reference:
        line.kind, line.name = "url", reference.group(1)
        return line
    if _URL_RE.match(spec_part) or _looks_like_path(spec_part):
        line.kind = "url"
        egg = _EGG_RE.search(spec_part)
        line.name = egg.group(1) if egg else None
        return line
    simple = _simple_requirement(spec_part)
    if simple is not None:
        line.kind = "requirement"
        line.name, line.specs = simple
        return line
    from requirements.requirement import Requirement

    try:
        parsed = Requirement.parse(spec_part)
    except Exception:  # requirements-parser raises several types for malformed lines
        line.kind = "option"
        return line
    line.kind = "requirement" if not parsed.uri else "url"
    line.name = parsed.name
    line.specs = list(parsed.specs or [])
    return line


def _simple_requirement(spec: str) -> Optional[tuple[str, list[tuple[str, str]]]]:
    """The name and specs requirements-parser gives for the most common lines, without
    importing it and packaging (tens of milliseconds of every run); None for any other line.

    Only a name alone, or with comma-separated specifiers whose versions are release numbers
    (``Django==3.2.25``, ``requests >= 2.28, <3``), is taken: for these both give the name as
    written and one ``(operator, version)`` per specifier, as written, in the written order
    (the order packaging keeps since version 26), without the spaces around them.
    ``~=`` needs two numbers, or the line is not a requirement.
    """
    match = _SIMPLE_NAME_RE.fullmatch(spec)
    if match is None:
        return None
    name, rest = match.groups()
    specs = []
    for part in rest.split(",") if rest else ():
        found = _SIMPLE_SPEC_RE.fullmatch(part)
        if found is None:
            return None
        operator, version = found.groups()
        if operator == "~=" and "." not in version:
            return None
        specs.append((operator, version))
    return name, specs


def _looks_like_path(spec: str) -> bool:
    """Whether pip takes ``spec`` for a local directory or archive rather than a project name."""
    location = spec.split(";", 1)[0].strip()
    return location.startswith((".", "~")) or "/" in location or location.endswith(_ARCHIVES)


@dataclass
class RequirementFile:
    path: str
    file: TextFile
    lines: list[RequirementLine]

    def requirements(self) -> list[RequirementLine]:
        return [line for line in self.lines if line.name]


def parse_file(file: TextFile) -> RequirementFile:
    lines = [
        parse_line(file.path, first, last, raw) for first, last, raw in _logical_lines(file.text)
    ]
    return RequirementFile(file.path, file, lines)
