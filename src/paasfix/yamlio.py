"""YAML as the platform reads it (PyYAML ``safe_load``) and as paasfix edits it (ruamel.yaml).

The platform decides whether a file is valid, so every check goes through
:func:`platform_load`. Edits go through a ruamel.yaml round trip that keeps comments, key order,
quoting and the file's indentation.
"""

from __future__ import annotations

import io
from typing import Any


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


def _round_trip(indent: int = 2, block_seq_indent: int = 0):
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=indent, sequence=max(indent, block_seq_indent + 2), offset=block_seq_indent)
    return yaml


class RoundTrip:
    """A ruamel.yaml document loaded with the source's indentation, ready to edit and dump."""

    def __init__(self, text: str):
        from ruamel.yaml.util import load_yaml_guess_indent

        _, indent, block_seq_indent = load_yaml_guess_indent(text)
        self._yaml = _round_trip(indent or 2, block_seq_indent or 0)
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
