"""YAML as the platform reads it (PyYAML ``safe_load``) and as paasfix edits it (ruamel.yaml).

The platform decides whether a file is valid, so every check goes through
:func:`platform_load`. Edits go through a ruamel.yaml round trip that keeps comments, key order,
quoting and the file's indentation.
"""

from __future__ import annotations

import io
import re
from typing import Any, Callable, Optional


class YamlProblem(Exception):
    """YAML the platform cannot load; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


def platform_load(text: str) -> Any:
    """Load like the platform does (``yaml.safe_load``), raising YamlProblem with a line."""
    import yaml

    try:
        return yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(problem, line) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(str(exc).splitlines()[0]) from None


def loads_as(text: str, expected: Any) -> bool:
    """Whether the platform loads ``text`` to exactly ``expected``."""
    try:
        return platform_load(text) == expected
    except YamlProblem:
        return False


def _round_trip(indent: int = 2, block_seq_indent: int = 0, sequence: Optional[int] = None):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    sequence = max(sequence or indent, block_seq_indent + 2)
    yaml.indent(mapping=indent, sequence=sequence, offset=block_seq_indent)
    return yaml


_KEY_ONLY_RE = re.compile(r"^[^\s#'\"-][^#]*:(\s+[&!]\S+)*(\s+#.*)?$")
"""A ``key:`` line (maybe with an anchor or a tag) whose value is on the lines below."""


def _content_lines(text: str):
    """(indent, stripped) of every line that holds YAML content (not blank, not a comment)."""
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield len(line) - len(line.lstrip(" ")), stripped


def guess_indentation(text: str) -> tuple[Optional[int], Optional[int], Optional[int]]:
    """(mapping indent, sequence indent, dash offset) as the file writes them; None when unseen.

    The mapping indent comes from the first key whose value is a nested mapping, the sequence
    indent and dash offset from the first block sequence under a key.
    """
    mapping = sequence = offset = None
    parent: Optional[int] = None
    for indent, stripped in _content_lines(text):
        if parent is not None and indent >= parent:
            if stripped.startswith("- ") or stripped == "-":
                if sequence is None:
                    rest = stripped[1:]
                    offset = indent - parent
                    sequence = offset + 1 + len(rest) - len(rest.lstrip(" "))
            elif mapping is None and indent > parent:
                mapping = indent - parent
        if mapping is not None and sequence is not None:
            break
        parent = indent if _KEY_ONLY_RE.match(stripped) else None
    return mapping, sequence, offset


class RoundTrip:
    """A ruamel.yaml document loaded with the source's indentation, ready to edit and dump."""

    def __init__(self, text: str):
        mapping, sequence, offset = guess_indentation(text)
        mapping = mapping or 2
        offset = offset or 0
        self._yaml = _round_trip(mapping, offset, sequence)
        self.data = self._yaml.load(text)
        self._explicit_start = text.lstrip().startswith("---")

    def dump(self) -> str:
        out = io.StringIO()
        if self._explicit_start:
            self._yaml.explicit_start = True
        self._yaml.dump(self.data, out)
        return out.getvalue()


def round_trip_edit(text: str, change: Callable[[Any], None]) -> Optional[str]:
    """``text`` after ``change`` edited its round-trip data in place; None when that fails
    (ruamel.yaml refuses some files PyYAML reads: duplicate keys, for one)."""
    try:
        document = RoundTrip(text)
        change(document.data)
        return document.dump()
    except Exception:
        return None


def dump_new(data: Any) -> str:
    """Dump a new document in block style with 2-space indentation."""
    out = io.StringIO()
    _round_trip().dump(data, out)
    return out.getvalue()


# -- where things are written ----------------------------------------------------------------

Path = tuple
"""A path of mapping keys and sequence indexes inside a YAML document."""


class Nodes:
    """A document composed as the platform's loader (PyYAML ``SafeLoader``) composes it, to
    find where each value and each key is written.

    A path step matches a mapping key by its loaded value (``2`` finds the key written ``2``,
    ``"on"`` the key written ``'on'``) and a sequence item by its index. A key written twice
    resolves to the later one, as in the loaded data; merge keys (``<<``) are resolved as the
    loader resolves them, so a merged value is found where its anchor writes it.
    """

    def __init__(self, text: str):
        """Raises ``yaml.YAMLError`` (or ``TypeError`` for an unhashable key) when the text
        does not load."""
        import yaml

        loader = yaml.SafeLoader(text)
        try:
            self.root = loader.get_single_node()
            self.data = loader.construct_document(self.root) if self.root is not None else None
        finally:
            loader.dispose()
        self.text = text
        self._keys = yaml.constructor.SafeConstructor()

    @classmethod
    def of(cls, text: str) -> Optional["Nodes"]:
        """The nodes of ``text``, None when the platform cannot load it."""
        import yaml

        try:
            return cls(text)
        except (yaml.YAMLError, TypeError):
            return None

    def pairs(self, path: Path = ()) -> list[tuple[Any, Any, Any]]:
        """(loaded key, key node, value node) of every entry of the mapping at ``path``, in the
        order they are written, keys written twice included; empty when it is not a mapping."""
        import yaml

        node = self.node(path)
        if not isinstance(node, yaml.MappingNode):
            return []
        return [(self._key(key), key, value) for key, value in node.value]

    def key_lines(self, path: Path = ()) -> list[tuple[Any, int]]:
        """Every key of the mapping at ``path`` with its 1-based line, in the order written."""
        return [(key, node.start_mark.line + 1) for key, node, _ in self.pairs(path)]

    def pair(self, path: Path) -> Optional[tuple[Any, Any]]:
        """(key node, value node) of the entry that ``path`` names in its mapping."""
        return self._entry(self.node(path[:-1]), path[-1]) if path else None

    def node(self, path: Path) -> Any:
        """The node of the value at ``path``, None when there is none."""
        import yaml

        node = self.root
        for step in path:
            if isinstance(node, yaml.SequenceNode):
                valid = isinstance(step, int) and 0 <= step < len(node.value)
                node = node.value[step] if valid else None
            else:
                entry = self._entry(node, step)
                node = entry[1] if entry else None
            if node is None:
                return None
        return node

    def _entry(self, mapping: Any, key: Any) -> Optional[tuple[Any, Any]]:
        import yaml

        if not isinstance(mapping, yaml.MappingNode):
            return None
        return next(((key_node, value) for key_node, value in reversed(mapping.value)
                     if self._key(key_node) == key), None)

    def line(self, path: Path) -> Optional[int]:
        """The 1-based line where the value at ``path`` starts."""
        node = self.node(path)
        return node.start_mark.line + 1 if node is not None else None

    def _key(self, node: Any) -> Any:
        """What the loader makes of a key node (a unique marker for keys it cannot compare)."""
        import yaml

        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:merge":
            return _UNMATCHED
        return self._keys.construct_object(node, deep=True)


_UNMATCHED = object()
