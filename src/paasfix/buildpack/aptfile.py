"""The Aptfile, read twice: as the apt build tool reads it, and as its author meant it.

The apt buildpacks (PLATFORM.md §5) do no parsing of their own. They drop the lines that start
with ``#`` or ``:repo:`` in column 0 and let the shell split everything else on spaces, tabs and
newlines; every word is then a package to fetch, or a ``.deb`` URL when it ends in ``deb``. So
``pkg  # note`` asks for the packages ``#`` and ``note``, an indented ``# note`` is two packages,
an indented ``:repo:`` line is a list of packages, a CRLF line ending leaves ``\\r`` at the end of
the last word, and a byte-order mark sticks to the first word. Tabs between words are fine.

:class:`AptLine` gives both readings of every line, so a fixer can ask what the build will
request (``requested``) and what the author wanted (``packages``, ``comment``, ``repo``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Optional

from paasfix.core.text import TextFile

APTFILE_NAME = "Aptfile"
COMMENT = "comment"
REPO = "repo"
PACKAGES = "packages"
REPO_PREFIX = ":repo:"

_SHELL_WORDS = re.compile(r"[^ \t]+")
"""Words as the shell splits an unquoted substitution with the default IFS (newlines are
already gone: the text is split into lines first)."""
_WORDS = re.compile(r"[^ \t\r]+")
_BOM = "\ufeff"


def is_url(word: str) -> bool:
    """Whether the buildpack downloads ``word`` with curl instead of asking apt for it."""
    return word.endswith("deb")


def package_name(word: str) -> str:
    """The apt package a word installs: a ``.deb`` URL's package, without version or release.

    ``libssl-dev=1.1.1-1`` and ``libssl-dev:amd64`` are ``libssl-dev``; a Debian archive file
    ``.../libssl-dev_1.1.1_amd64.deb`` is ``libssl-dev``.
    """
    if is_url(word):
        return word.rsplit("/", 1)[-1].split("_", 1)[0]
    return re.split(r"[=:/]", word, maxsplit=1)[0]


@dataclass(frozen=True)
class AptLine:
    number: int
    """1-based line number."""
    raw: str
    """The line as the shell sees it: without its ``\\n``, with any ``\\r`` (and, on line 1, a
    byte-order mark) still in it."""

    # -- as the buildpack reads it ------------------------------------------------------------

    @property
    def kind(self) -> str:
        """``comment``, ``repo`` or ``packages``, decided by column 0 only."""
        if self.raw.startswith("#"):
            return COMMENT
        if self.raw.startswith(REPO_PREFIX):
            return REPO
        return PACKAGES

    @property
    def requested(self) -> tuple[str, ...]:
        """The words the buildpack fetches for this line, exactly (``\\r`` and ``#`` included)."""
        if self.kind != PACKAGES:
            return ()
        return tuple(_SHELL_WORDS.findall(self.raw))

    # -- as its author meant it ---------------------------------------------------------------

    @property
    def text(self) -> str:
        """The line without a byte-order mark or carriage returns."""
        return self.raw.lstrip(_BOM).replace("\r", "")

    @property
    def indent(self) -> str:
        return self.text[: len(self.text) - len(self.text.lstrip(" \t"))]

    @property
    def intended(self) -> str:
        """``comment``, ``repo``, ``packages`` or ``blank``, whatever the indentation."""
        body = self.text.strip(" \t")
        if not body:
            return "blank"
        if body.startswith("#"):
            return COMMENT
        if body.startswith(REPO_PREFIX):
            return REPO
        return PACKAGES

    @property
    def _comment_at(self) -> Optional[int]:
        """Where the comment starts in ``text``: a ``#`` that begins a word."""
        if self.intended == COMMENT:
            return len(self.indent)
        if self.intended != PACKAGES:
            return None
        for word in _WORDS.finditer(self.text):
            if word.group().startswith("#"):
                return word.start()
        return None

    @property
    def packages(self) -> tuple[str, ...]:
        """The words the author listed, without any comment."""
        if self.intended != PACKAGES:
            return ()
        cut = self._comment_at
        return tuple(_WORDS.findall(self.text if cut is None else self.text[:cut]))

    @property
    def comment(self) -> Optional[str]:
        """The comment on this line (from its ``#``, trailing blanks removed), if any."""
        cut = self._comment_at
        return None if cut is None else self.text[cut:].rstrip(" \t")

    @property
    def code(self) -> str:
        """The line without its comment and without trailing blanks."""
        cut = self._comment_at
        return (self.text if cut is None else self.text[:cut]).rstrip(" \t")

    @property
    def inline_comment(self) -> bool:
        """A comment after package names on the same line."""
        return self.intended == PACKAGES and self.comment is not None

    @property
    def repo(self) -> Optional[str]:
        """The apt source of a ``:repo:`` line (``deb http://... bionic main``)."""
        if self.intended != REPO:
            return None
        return self.text.strip(" \t")[len(REPO_PREFIX) :].strip(" \t")

    @property
    def misread(self) -> bool:
        """Whether the buildpack reads this line differently from what its author meant."""
        meant = self.intended
        if meant in (COMMENT, REPO):
            return self.kind != meant
        if meant == "blank":
            return bool(self.requested)
        return self.kind != PACKAGES or self.requested != self.packages


@dataclass(frozen=True)
class Aptfile:
    path: str
    file: TextFile
    lines: tuple[AptLine, ...]

    @property
    def bom(self) -> bool:
        return bool(self.file.bom)

    @property
    def utf8(self) -> bool:
        """The shell reads bytes: anything but UTF-8 (or ASCII) is garbage to it."""
        return self.file.encoding == "utf-8"

    @property
    def carriage_returns(self) -> tuple[int, ...]:
        """Numbers of the lines that contain a ``\\r`` (CRLF endings or stray ones)."""
        return tuple(line.number for line in self.lines if "\r" in line.raw)

    @property
    def requested(self) -> list[str]:
        """Every word the buildpack fetches, in order, exactly as it will ask for it."""
        return [word for line in self.lines for word in line.requested]

    @cached_property
    def meant(self) -> tuple[AptLine, ...]:
        """The lines as their author wrote them: an editor ends a line at a ``\\r`` alone too
        (old Mac line endings), where the shell sees one line."""
        return lines_of(self.file.text)

    @property
    def packages(self) -> list[str]:
        """Every package or ``.deb`` URL the author listed, in order."""
        return [word for line in self.meant for word in line.packages]

    @property
    def repos(self) -> list[str]:
        return [line.repo for line in self.meant if line.repo]

    def provides(self, name: str) -> bool:
        """Whether the author listed the apt package ``name`` (by name or as a ``.deb`` URL)."""
        return any(package_name(word) == name for word in self.packages)

    def misread_lines(self) -> list[AptLine]:
        return [line for line in self.lines if line.misread]


def lines_of(text: str) -> tuple[AptLine, ...]:
    """The lines of ``text`` split at ``\\n`` only (a ``\\r`` stays in its line)."""
    raws = text.split("\n")
    if raws[-1] == "":
        raws.pop()
    return tuple(AptLine(number, raw) for number, raw in enumerate(raws, start=1))


def parse(file: TextFile) -> Aptfile:
    """Read ``file`` (an Aptfile) line by line; the line ending of each line is kept in it."""
    decoded = file.raw[len(file.bom) :].decode(file.encoding)
    return Aptfile(file.path, file, lines_of(_BOM + decoded if file.bom else decoded))
