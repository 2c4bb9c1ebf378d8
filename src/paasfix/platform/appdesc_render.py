"""Writing process definitions into app_desc.yaml so that the platform reads exactly them.

A new description is rendered in the ``spec_version: 2`` / ``module:`` form; each name and
command is written in the plainest YAML style that loads back to exactly that text, and a
Procfile's comments can be carried over next to the same processes. Every text made here is
checked by loading it as the platform does.
"""

from __future__ import annotations

import re
from typing import Any

from paasfix.formats.yamlio import YamlProblem, dump_new, loads_as, platform_load, round_trip_edit
from paasfix.platform import rules
from paasfix.platform.processes import app_desc_compared, procfile_compared
from paasfix.platform.procfile_layout import Comments, read_layout


def render_app_desc(
    processes: dict[str, str], language: str = "Python", comments: Comments | None = None
) -> str:
    """A new spec_version 2 app_desc.yaml defining ``processes`` with these exact commands
    (with ``comments`` where they keep it so)."""
    from ruamel.yaml.comments import CommentedMap

    module = CommentedMap([("language", language), ("processes", _processes_map(processes))])
    text = dump_new(CommentedMap([("spec_version", 2), ("module", module)]))
    if comments is not None:
        commented = _with_comments(text, comments)
        if describes(commented, processes):
            return commented
    return text


def from_procfile(text: str, processes: dict[str, str], language: str) -> str | None:
    """An app_desc.yaml with exactly the processes of the Procfile ``text`` (loaded:
    ``processes``), and its comments where they keep that so; None when none can be written."""
    layout = read_layout(text)
    desc = render_app_desc(processes, language, layout.comments if layout else None)
    return desc if describes(desc, processes) else None


def processes_snippet(processes: dict[str, str]) -> str:
    """The ``processes:`` part of a description, indented to sit under ``module:``."""
    text = render_app_desc(processes)
    return text[text.index("  processes:") :].rstrip()


def describes(text: str, processes: dict[str, str]) -> bool:
    """Whether the platform reads ``text`` as a valid app_desc.yaml with exactly ``processes``."""
    try:
        data = platform_load(text)
    except YamlProblem:
        return False
    return not rules.app_desc_problems(data) and rules.processes_of(data) == processes


def compared_apart(text: str, processes: dict[str, str]) -> list[str]:
    """The processes that the platform would find different between a Procfile defining
    ``processes`` and the app_desc.yaml ``text`` (§2.3)."""
    desc = app_desc_compared(platform_load(text))
    return [
        name for name, command in procfile_compared(processes).items() if desc.get(name) != command
    ]


def simple_module(data: Any) -> dict[Any, Any] | None:
    """The ``module:`` mapping of a spec_version 2 Python description without ``modules:``."""
    if not isinstance(data, dict) or "modules" in data:
        return None
    version = rules.spec_version(data)
    module = data.get("module")
    if isinstance(version, bool) or version != 2 or not isinstance(module, dict):
        return None
    language = module.get("language")
    return module if isinstance(language, str) and language.lower() == "python" else None


def with_processes(text: str, data: Any, processes: dict[str, str]) -> str | None:
    """The description ``text`` (loaded: ``data``) with ``module.processes`` set and everything
    else kept; None when the result would not give exactly ``processes`` or would add a
    problem."""

    def add(document: Any) -> None:
        document["module"]["processes"] = _processes_map(processes)

    new_text = round_trip_edit(text, add)
    if new_text is None:
        return None
    try:
        new_data = platform_load(new_text)
    except YamlProblem:
        return None
    before = set(rules.app_desc_problems(data))
    if rules.processes_of(new_data) != processes or set(rules.app_desc_problems(new_data)) - before:
        return None
    return new_text


def _processes_map(processes: dict[str, str]) -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap(
        (_exact(name, as_key=True), CommentedMap([("command", _exact(command))]))
        for name, command in processes.items()
    )


def _exact(value: str, as_key: bool = False) -> str:
    """``value`` in the plainest YAML style that the platform reads back unchanged."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        SingleQuotedScalarString,
    )

    styles: tuple[type[str], ...] = (str, SingleQuotedScalarString, DoubleQuotedScalarString)
    for style in styles:
        styled = style(value)
        probe = {styled: "x"} if as_key else {"x": styled}
        if loads_as(dump_new(probe), {value: "x"} if as_key else {"x": value}):
            return styled
    quoted: str = DoubleQuotedScalarString(value)
    return quoted


def _with_comments(text: str, comments: Comments) -> str:
    lines = text.split("\n")
    keys = [index for index, line in enumerate(lines) if re.match(r"^ {4}\S", line)]
    if len(keys) != len(comments.before):
        return text
    end = len(lines) - 1 if lines[-1] == "" else len(lines)
    lines[end:end] = ["    " + c for c in comments.trailing]
    for key, before, inline in reversed(list(zip(keys, comments.before, comments.inline))):
        if inline and key + 1 < len(lines):
            lines[key + 1] += "  " + inline
        lines[key:key] = ["    " + c for c in before]
    return "\n".join(lines)
