"""YAML as the platform reads it (PyYAML ``safe_load``) and as paasfix edits it (ruamel.yaml).

The platform decides whether a file is valid, so every check goes through
:func:`platform_load`. Edits go through a ruamel.yaml round trip that keeps comments, key order,
quoting and the file's indentation.
"""

from __future__ import annotations

import io
import re
from typing import Any, Optional


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


def dump_new(data: Any) -> str:
    """Dump a new document in block style with 2-space indentation."""
    out = io.StringIO()
    _round_trip().dump(data, out)
    return out.getvalue()
