"""Decoding repository files and encoding edits back the way the file was written.

Fixers work on text with ``\\n`` line endings. When an edit is encoded, every line the fixer
kept comes back with the exact bytes it had (its own line ending, the BOM, the encoding), a
changed line keeps the ending of the line it replaces, new lines take the file's dominant line
ending, and a missing final newline stays missing.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from .errors import FileProblem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class TextFile:
    """A decoded text file of the repository."""

    path: str
    raw: bytes
    text: str
    """The content with every line ending turned into ``\\n``."""
    encoding: str
    bom: bytes
    newline: str
    """The dominant line ending: ``\\r\\n`` or ``\\n``."""
    mode: int

    @property
    def lines(self) -> list[str]:
        return split_lines(self.text)

    def encode(self, new_text: str) -> bytes:
        """Encode ``new_text`` (``\\n`` endings) as this file is encoded."""
        return encode_like(self, new_text)


def decode(path: str, raw: bytes, mode: int = 0o100644) -> TextFile:
    """Decode ``raw`` as text, or raise FileProblem for binary or undecodable content."""
    bom = b""
    encoding = "utf-8"
    for mark, name in _BOMS:
        if raw.startswith(mark):
            bom, encoding = mark, name
            break
    body = raw[len(bom):]
    if encoding == "utf-8" and b"\x00" in body[:8192]:
        raise FileProblem(path, "is a binary file, not text")
    try:
        decoded = body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[:exc.start].decode(encoding, "replace").count("\n") + 1
        raise FileProblem(
            path, f"is not valid {encoding.upper()} text (line {line}, byte {len(bom) + exc.start + 1}"
                  f" of the file); save it as UTF-8"
        ) from None
    crlf = decoded.count("\r\n")
    lf = decoded.count("\n") - crlf
    newline = "\r\n" if crlf > lf else "\n"
    text = decoded.replace("\r\n", "\n")
    return TextFile(path, raw, text, encoding, bom, newline, mode)


def split_lines(text: str) -> list[str]:
    """Split on ``\n`` only, keeping the endings (unlike ``str.splitlines``)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def encode_like(original: TextFile, new_text: str) -> bytes:
    if new_text == original.text:
        return original.raw
    import difflib  # only edits need it, and check makes none

    old = split_lines(original.text)
    new = split_lines(new_text)
    # Only "\r\n" was turned into "\n", so the raw lines align one to one with ``old``.
    raw = split_lines(original.raw[len(original.bom):].decode(original.encoding))
    out: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(raw[i1:i2])
            continue
        for offset, line in enumerate(new[j1:j2]):
            replaced = raw[i1 + offset] if i1 + offset < i2 else ""
            newline = "\r\n" if replaced.endswith("\r\n") else "\n" if replaced.endswith("\n") \
                else original.newline
            out.append(line.replace("\n", newline))
    return original.bom + "".join(out).encode(original.encoding)


def new_text_file(text: str, newline: str = "\n") -> bytes:
    """Bytes of a new UTF-8 file."""
    return text.replace("\n", newline).encode("utf-8")
