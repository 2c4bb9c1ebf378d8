"""Decoding repository files and encoding edits back the way the file was written.

Fixers work on text with ``\\n`` line endings. The files paasfix edits are read by pip
(requirement files), PyYAML (Procfile, app_desc.yaml) and Python (setup.py, settings), and all
three end a line at ``\\r\\n``, at ``\\n`` and at a lone ``\\r``, in any mix:

- pip's ``req_file.preprocess`` splits the decoded file with ``str.splitlines``, which also ends
  a line at ``\\v``, ``\\f``, ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028`` and ``\\u2029``;
- PyYAML's scanner reads ``\\r\\n``, ``\\r``, ``\\n`` and ``\\x85`` as a line break, and
  ``\\u2028`` and ``\\u2029`` as breaks it keeps in the value;
- Python's tokenizer reads ``\\r\\n``, ``\\r`` and ``\\n``.

So the three common endings all become ``\\n`` here; the rarer separators stay in the text,
where the modules that read such files look for them (:data:`YAML_BREAKS`). Files read by the
shell (an Aptfile, ``bin/`` hooks, ``.python-version``) end a line at ``\\n`` only: their
modules read :attr:`TextFile.raw`.

When an edit is encoded, every line the fixer kept comes back with the exact bytes it had (its
own line ending, the BOM, the encoding), a changed line keeps the ending of the line it
replaces, new lines take the file's dominant line ending, and a missing final newline stays
missing. Matching kept lines costs O(n log n) in the number of lines, whatever the edit.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from paasfix.core.errors import FileProblem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

ENDINGS = ("\r\n", "\n", "\r")
_ENDING_RE = re.compile(r"\r\n?|\n")

YAML_BREAKS = ("\x85", "\u2028", "\u2029")
"""What YAML also reads as a line break, besides the endings :func:`decode` turns into ``\\n``."""
_YAML_LINE_RE = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True)
class TextFile:
    """A decoded text file of the repository."""

    path: str
    raw: bytes
    text: str
    """The content with every line ending (``\\r\\n``, ``\\r``, ``\\n``) turned into ``\\n``."""
    encoding: str
    bom: bytes
    newline: str
    """The dominant line ending: ``\\r\\n``, ``\\n`` or ``\\r`` (``\\n`` on a tie)."""
    mode: int

    @property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    def encode(self, new_text: str) -> bytes:
        """Encode ``new_text`` (``\\n`` endings) as this file is encoded."""
        return encode_like(self, new_text)


def _problem(path: str, why: str) -> FileProblem:
    return FileProblem(path, f"cannot be read: {why}")


def decode(path: str, raw: bytes, mode: int = 0o100644) -> TextFile:
    """Decode ``raw`` as text, or raise FileProblem for binary or undecodable content.

    A NUL anywhere makes the file binary: no file the platform reads as text holds one.
    """
    bom = b""
    encoding = "utf-8"
    for mark, name in _BOMS:
        if raw.startswith(mark):
            bom, encoding = mark, name
            break
    body = raw[len(bom) :]
    if encoding == "utf-8":
        nul = body.find(b"\x00")
        if nul >= 0:
            raise _problem(
                path, f"it is a binary file (a NUL byte at byte {len(bom) + nul + 1}), not text"
            )
    try:
        decoded = body.decode(encoding)
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode(encoding, "replace")
        line = len(_ENDING_RE.findall(before)) + 1
        raise _problem(
            path,
            f"it is not valid {encoding.upper()} text (line {line}, byte "
            f"{len(bom) + exc.start + 1} of the file); save it as UTF-8",
        ) from None
    if encoding != "utf-8" and "\x00" in decoded:
        raise _problem(
            path, f"it is a binary file (a NUL character in its {encoding.upper()} text), not text"
        )
    counts = Counter(_ENDING_RE.findall(decoded))
    newline = max(("\n", "\r\n", "\r"), key=lambda ending: counts[ending])
    text = _ENDING_RE.sub("\n", decoded) if "\r" in decoded else decoded
    return TextFile(path, raw, text, encoding, bom, newline, mode)


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only, keeping the endings (unlike ``str.splitlines``)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def split_raw_lines(text: str) -> list[str]:
    """Split at ``\\r\\n``, ``\\r`` and ``\\n``, keeping each line's own ending: the lines of
    :attr:`TextFile.text`, one for one, as they are written."""
    out = []
    start = 0
    for match in _ENDING_RE.finditer(text):
        out.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        out.append(text[start:])
    return out


def yaml_lines(text: str) -> list[str]:
    """The lines of ``text`` as a YAML parser counts them (the line numbers of its marks)."""
    return _YAML_LINE_RE.split(text)


def _unique_pairs(
    old: list[str], new: list[str], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[int, int]]:
    """Lines that occur exactly once in ``old[i1:i2]`` and once in ``new[j1:j2]``, as (old,
    new) index pairs, keeping the longest run that is in the same order in both."""
    in_old = Counter(old[i1:i2])
    in_new = Counter(new[j1:j2])
    where = {line: index for index, line in enumerate(old[i1:i2], i1) if in_old[line] == 1}
    pairs = [
        (where[line], j)
        for j, line in enumerate(new[j1:j2], j1)
        if in_new[line] == 1 and line in where
    ]
    # Longest increasing subsequence of the old indexes (patience sorting).
    tails: list[int] = []
    tail_at: list[int] = []
    previous: list[Optional[int]] = []
    for index, (i, _) in enumerate(pairs):
        slot = bisect.bisect_left(tails, i)
        previous.append(tail_at[slot - 1] if slot else None)
        if slot == len(tails):
            tails.append(i)
            tail_at.append(index)
        else:
            tails[slot] = i
            tail_at[slot] = index
    chain = []
    at: Optional[int] = tail_at[-1] if tail_at else None
    while at is not None:
        chain.append(pairs[at])
        at = previous[at]
    return chain[::-1]


def align(old: list[str], new: list[str]) -> list[tuple[Optional[int], bool]]:
    """For every line of ``new``: the line of ``old`` it stands in for (None for an added line)
    and whether it is that line unchanged.

    Equal lines at both ends are kept; in between, lines found once in each side anchor the
    rest, and the lines between two anchors are kept from each end, then paired by position.
    """
    out: list[tuple[Optional[int], bool]] = [(None, False)] * len(new)

    def ends(i1: int, i2: int, j1: int, j2: int) -> tuple[int, int, int, int]:
        while i1 < i2 and j1 < j2 and old[i1] == new[j1]:
            out[j1] = (i1, True)
            i1, j1 = i1 + 1, j1 + 1
        while i1 < i2 and j1 < j2 and old[i2 - 1] == new[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
            out[j2] = (i2, True)
        return i1, i2, j1, j2

    def by_position(i1: int, i2: int, j1: int, j2: int) -> None:
        for offset, j in enumerate(range(j1, j2)):
            out[j] = (i1 + offset if i1 + offset < i2 else None, False)

    i1, i2, j1, j2 = ends(0, len(old), 0, len(new))
    for i, j in _unique_pairs(old, new, i1, i2, j1, j2) + [(i2, j2)]:
        by_position(*ends(i1, i, j1, j))
        if i < i2:
            out[j] = (i, True)
        i1, j1 = i + 1, j + 1
    return out


def encode_like(original: TextFile, new_text: str) -> bytes:
    if new_text == original.text:
        return original.raw
    old = split_lines(original.text)
    new = split_lines(new_text)
    # Each line ending became one "\n", so the raw lines align one to one with ``old``.
    raw = split_raw_lines(original.raw[len(original.bom) :].decode(original.encoding))
    out: list[str] = []
    for line, (source, same) in zip(new, align(old, new)):
        if same and source is not None:
            out.append(raw[source])
            continue
        replaced = raw[source] if source is not None else ""
        ending = next((end for end in ENDINGS if replaced.endswith(end)), original.newline)
        out.append(line[:-1] + ending if line.endswith("\n") else line)
    return original.bom + "".join(out).encode(original.encoding)


def new_text_file(text: str, newline: str = "\n") -> bytes:
    """Bytes of a new UTF-8 file."""
    return text.replace("\n", newline).encode("utf-8")
