"""TOML dependency files (Pipfile, pyproject.toml, poetry.lock): read strictly, with the line
of every key and array item, and edited so that everything not changed stays as written.

Reading uses the standard library's ``tomllib`` (``tomli`` before Python 3.11), which accepts
exactly TOML 1.0, as pipenv and poetry do. Neither parser reports where a value is, so a small
scanner walks the already validated text once and records the 1-based line of each key, table
header and array item by its path (``("packages", "django")``, ``("package", 3, "name")``,
``("project", "dependencies", 0)``).

Edits go through tomlkit, which keeps comments, key order, quoting, indentation and trailing
commas of everything it does not change; they work on the text with ``\\n`` line endings, and
:meth:`paasfix.core.text.TextFile.encode` restores the file's own.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from paasfix.core.errors import FileProblem
from paasfix.core.text import TextFile

Path = tuple[Union[str, int], ...]

MAX_EDIT_SIZE = 256 * 1024
"""The largest TOML file paasfix edits (tomlkit reads about a megabyte a second); a larger
one is read but its fixes are left to a person."""

_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")
_BLANK_RE = re.compile(r"[ \t]*")
_BLANK_LINES_RE = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_SCALAR_RE = re.compile(r"[^,\]}\n#]*")
_ESCAPE_RE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class TomlDocument:
    """A TOML file's data and the line of each of its keys and array items."""

    path: str
    data: dict[str, Any]
    text: str = field(repr=False)
    _lines: Optional[dict[Path, int]] = field(default=None, repr=False)

    @property
    def lines(self) -> dict[Path, int]:
        """Path -> 1-based line, found on first use (one pass over the text)."""
        if self._lines is None:
            try:
                self._lines = _Locator(self.text).run()
            except (IndexError, RecursionError):  # a shape the scanner does not follow
                self._lines = {}
        return self._lines

    def get(self, *path: Union[str, int]) -> Any:
        """The value at ``path``, or None when any part of it is missing."""
        value: Any = self.data
        for part in path:
            if (
                isinstance(part, int)
                and isinstance(value, list)
                and -len(value) <= part < len(value)
            ):
                value = value[part]
            elif isinstance(part, str) and isinstance(value, dict) and part in value:
                value = value[part]
            else:
                return None
        return value

    def line(self, *path: Union[str, int]) -> int:
        """The line of the key or item at ``path``, else of its nearest enclosing one, else 1."""
        for end in range(len(path), 0, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1


def _tomllib() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    return tomllib


def load(file: TextFile) -> TomlDocument:
    """The document in ``file``; FileProblem (``cannot be read as TOML: why``) when it is not
    TOML."""
    tomllib = _tomllib()
    try:
        data = tomllib.loads(file.text)
    except tomllib.TOMLDecodeError as exc:
        raise FileProblem(file.path, f"cannot be read as TOML: {exc}") from None
    except RecursionError:
        raise FileProblem(
            file.path, "cannot be read as TOML: its arrays or tables are nested too deeply"
        ) from None
    return TomlDocument(file.path, data, file.text)


class _Locator:
    """Walks valid TOML and records the line where each key, header and array item starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.lines: dict[Path, int] = {}
        self.arrays_of_tables: dict[Path, int] = {}

    def _line(self, position: int) -> int:
        return bisect.bisect_right(self.starts, position)

    def _record(self, path: Path, position: int) -> None:
        self.lines.setdefault(path, self._line(position))

    def _peek(self, count: int = 1) -> str:
        return self.text[self.at : self.at + count]

    def _blank(self, newlines: bool) -> None:
        """Skip spaces and tabs; with ``newlines`` also line ends and comments."""
        match = (_BLANK_LINES_RE if newlines else _BLANK_RE).match(self.text, self.at)
        if match is not None:
            self.at = match.end()

    def _string(self) -> str:
        text = self.text
        quote = text[self.at]
        if text.startswith(quote * 3, self.at):
            end = text.find(quote * 3, self.at + 3)
            while end > 0 and quote == '"' and _escaped(text, end):
                end = text.find(quote * 3, end + 1)
            if end < 0:
                raise IndexError("unterminated string")
            # A closing delimiter may be followed by up to two more quotes of the content.
            while text.startswith(quote, end + 3):
                end += 1
            self.at = end + 3
            return ""
        start = self.at + 1
        end = text.find(quote, start)
        while end > 0 and quote == '"' and _escaped(text, end):
            end = text.find(quote, end + 1)
        if end < 0:
            raise IndexError("unterminated string")
        self.at = end + 1
        body = text[start:end]
        return _unescape(body) if quote == '"' else body

    def _key(self) -> list[str]:
        parts = []
        while True:
            self._blank(False)
            if self._peek() in ('"', "'"):
                parts.append(self._string())
            else:
                match = _BARE_KEY_RE.match(self.text, self.at)
                if match is None:
                    raise IndexError("not a key")
                parts.append(match.group(0))
                self.at = match.end()
            self._blank(False)
            if self._peek() != ".":
                return parts
            self.at += 1

    def _value(self, path: Path) -> None:
        char = self._peek()
        if char in ('"', "'"):
            self._string()
        elif char == "[":
            self.at += 1
            index = 0
            while True:
                self._blank(True)
                if self._peek() == "]":
                    self.at += 1
                    return
                self._record(path + (index,), self.at)
                self._value(path + (index,))
                index += 1
                self._blank(True)
                if self._peek() == ",":
                    self.at += 1
        elif char == "{":
            self.at += 1
            while True:
                self._blank(False)
                if self._peek() == "}":
                    self.at += 1
                    return
                start = self.at
                key = path + tuple(self._key())
                self._record(key, start)
                self.at += 1  # "="
                self._blank(False)
                self._value(key)
                self._blank(False)
                if self._peek() == ",":
                    self.at += 1
        else:
            match = _SCALAR_RE.match(self.text, self.at)
            assert match is not None
            self.at = match.end()

    def _resolve(self, parts: list[str], new_array_item: bool) -> Path:
        """The full path of a header, with the current index of every array of tables in it."""
        resolved: Path = ()
        for number, part in enumerate(parts):
            resolved += (part,)
            last = number == len(parts) - 1
            if last and new_array_item:
                index = self.arrays_of_tables.get(resolved, -1) + 1
                self.arrays_of_tables[resolved] = index
                resolved += (index,)
            elif resolved in self.arrays_of_tables:
                resolved += (self.arrays_of_tables[resolved],)
        return resolved

    def run(self) -> dict[Path, int]:
        table: Path = ()
        text = self.text
        while True:
            self._blank(True)
            if self.at >= len(text):
                return self.lines
            start = self.at
            if text.startswith("[[", self.at):
                self.at += 2
                table = self._resolve(self._key(), True)
                self.at += 2
                self._record(table, start)
            elif text[self.at] == "[":
                self.at += 1
                table = self._resolve(self._key(), False)
                self.at += 1
                self._record(table, start)
            else:
                key = table + tuple(self._key())
                self._record(key, start)
                self.at += 1  # "="
                self._blank(False)
                self._value(key)


def _escaped(text: str, quote_at: int) -> bool:
    """Whether the quote at ``quote_at`` is escaped by an odd number of backslashes."""
    count = 0
    while quote_at - count - 1 >= 0 and text[quote_at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _unescape(body: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE_RE.sub(one, body) if "\\" in body else body


# -- edits -----------------------------------------------------------------------------------


def _editable(text: str) -> Any:
    """A tomlkit document of ``text``, or None when it is too large or tomlkit cannot read it."""
    if len(text) > MAX_EDIT_SIZE:
        return None
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(text)
    except (TOMLKitError, RecursionError, ValueError):
        return None


def _container(document: Any, path: tuple[str, ...], create: bool) -> Any:
    """The table at ``path``; created at the end of the document when ``create`` and missing."""
    import tomlkit

    node = document
    for part in path:
        if part not in node:
            if not create:
                return None
            node.add(part, tomlkit.table())
        node = node[part]
        if not hasattr(node, "keys"):
            return None
    return node


def _literal_style(values: list[Any]) -> bool:
    """Whether the strings near an edit are written as literal strings (``'...'``)."""
    from tomlkit.items import String, StringType

    strings = [value for value in values if isinstance(value, String)]
    return bool(strings) and all(s.type is StringType.SLL for s in strings)


def _string(value: str, literal: bool) -> Any:
    import tomlkit

    literal = literal and "'" not in value and "\n" not in value
    return tomlkit.string(value, literal=literal)


def set_table_entry(
    text: str,
    table: tuple[str, ...],
    name: str,
    value: str,
    *,
    inner_key: str = "version",
    create: bool = False,
) -> Optional[str]:
    """``text`` with the entry for project ``name`` in ``table`` set to ``value``.

    The entry is found by the project's normal name (``Django`` is ``django``). A plain string
    entry is replaced; an inline table or sub-table gets ``inner_key`` set, keeping its other
    keys (``extras``, ``markers``); a new entry goes at the end of the table. None when the
    table is missing (and not ``create``), when the entry is neither, or the file is not
    editable.
    """
    from paasfix.buildpack.requirements import canonical

    document = _editable(text)
    if document is None:
        return None
    container = _container(document, table, create)
    if container is None:
        return None
    key = canonical(name)
    existing = next((k for k in container.keys() if canonical(str(k)) == key), None)
    literal = _literal_style(list(container.values()))
    if existing is None:
        container[name] = _string(value, literal)
    else:
        current = container[existing]
        if isinstance(current, str):
            container[existing] = _string(value, _literal_style([current]))
        elif hasattr(current, "keys"):
            current[inner_key] = _string(value, literal)
        else:
            return None
    return str(document.as_string())


def set_array_item(
    text: str,
    array: tuple[str, ...],
    value: str,
    matches: Callable[[str], bool],
    *,
    after: Optional[Callable[[str], bool]] = None,
) -> Optional[str]:
    """``text`` with the first string item of ``array`` for which ``matches`` holds replaced by
    ``value``; when there is none, ``value`` inserted after the first item ``after`` accepts,
    else appended. The array keeps its layout (one line per item or all on one line, trailing
    comma, comments) and the quoting of its items. None when there is no such array or the
    file is not editable."""
    document = _editable(text)
    if document is None:
        return None
    parent = _container(document, array[:-1], False)
    if parent is None or array[-1] not in parent:
        return None
    items = parent[array[-1]]
    if not isinstance(items, list):
        return None
    literal = _literal_style(list(items))
    strings = [(index, str(item)) for index, item in enumerate(items) if isinstance(item, str)]
    found = next((index for index, item in strings if matches(item)), None)
    if found is not None:
        items[found] = _string(value, literal)
    else:
        anchor = next((index for index, item in strings if after and after(item)), None)
        if anchor is None:
            items.append(_string(value, literal))
        else:
            items.insert(anchor + 1, _string(value, literal))
    return str(document.as_string())
