"""Where a Procfile, loaded as YAML, writes each process and which comments surround it.

The platform drops comments when it loads a Procfile; paasfix reads them from the text so that
an ``app_desc.yaml`` written from the Procfile can keep them next to the same processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paasfix.core.text import yaml_lines
from paasfix.formats.yamlio import Nodes


@dataclass
class Comments:
    """Full-line comments of a Procfile, by the process they precede, and end-of-line ones."""

    before: list[list[str]]
    """For each process in file order, the comment lines above it (after the previous one)."""
    inline: list[str | None]
    """For each process written on one line, the comment at its end."""
    trailing: list[str]
    """Comment lines after the last process."""


@dataclass
class ProcfileLayout:
    keys: list[tuple[Any, int]]
    """Every process name as loaded, with its 1-based line, in file order (duplicates too)."""
    comments: Comments


def read_layout(text: str) -> ProcfileLayout | None:
    """Where each process is written and which comments surround it (None if not a mapping)."""
    import yaml

    nodes = Nodes.of(text)
    node = nodes.root if nodes is not None else None
    if nodes is None or not isinstance(node, yaml.MappingNode):
        return None
    pairs = nodes.pairs()
    lines = yaml_lines(text)
    covered: set[int] = set()
    if node.flow_style:
        covered.update(range(node.start_mark.line, node.end_mark.line + 1))
    starts: list[int] = []
    inline: list[str | None] = []
    for _, key, value in pairs:
        start, end = key.start_mark.line, value.end_mark.line
        if value.end_mark.column == 0 and end > start:
            end -= 1
        covered.update(range(start, end + 1))
        starts.append(start)
        rest = lines[end][value.end_mark.column :].strip() if end == value.end_mark.line else ""
        single_line = start == end and not node.flow_style
        inline.append(rest if single_line and rest.startswith("#") else None)
    before: list[list[str]] = [[] for _ in pairs]
    trailing: list[str] = []
    for index, line in enumerate(lines):
        if index in covered or not line.lstrip().startswith("#"):
            continue
        owner = next((n for n, start in enumerate(starts) if start > index), None)
        (trailing if owner is None else before[owner]).append(line.strip())
    return ProcfileLayout(nodes.key_lines(), Comments(before, inline, trailing))
