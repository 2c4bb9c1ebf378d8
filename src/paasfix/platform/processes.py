"""The processes a repository defines, as the platform reads them, and edits of their commands.

A process definition is the Procfile (build directory first, then the repository root) or the
default module of app_desc.yaml (PLATFORM.md §2.1, §2.3). Each :class:`Process` knows where its
command is written, so a fixer can change that one command and nothing else:

- in a Procfile, on its own line: only the characters of the command change, quoting, comments
  and every other line stay as they were;
- in app_desc.yaml, through a ruamel.yaml round trip that keeps the scalar's quoting style.

Every edit is checked by loading the new text the way the platform does: the document must be
exactly the old one with only that command changed, otherwise no edit is offered.

The functions read the loaded files (path, text and data) and the repository's files through a
:class:`~paasfix.core.sources.Sources`; :class:`paasfix.project.Project` keeps the two
definitions as its facts ``procfile_definition`` and ``app_desc_definition``.
"""

from __future__ import annotations

import copy
import shlex
from dataclasses import dataclass
from typing import Any, Callable, Optional

from paasfix.core.edit import Edit
from paasfix.core.sources import Sources
from paasfix.core.tree import join
from paasfix.formats.yamlio import Nodes, loads_as, platform_load, round_trip_edit
from paasfix.platform import rules

PROCFILE = "Procfile"
APP_DESC = "app_desc.yaml"

Keys = tuple[Any, ...]
"""A key path into a loaded YAML document (as :data:`paasfix.formats.yamlio.Path`)."""


@dataclass(frozen=True)
class Process:
    """One process of a definition file."""

    name: Any
    command: Any
    """The command as written (a shell line); None for a specVersion 3 ``command``/``args``."""
    argv: Optional[tuple[str, ...]]
    """For a specVersion 3 process given as ``command``/``args`` lists: their items."""
    path: str
    line: Optional[int]
    keys: Keys
    """Where the command is: the ``command``/``procCommand`` value, or for the list form the
    process mapping."""
    source: str
    """:data:`PROCFILE` or :data:`APP_DESC`."""

    @property
    def shell(self) -> bool:
        """Whether the command is one shell line (the platform runs it with a shell)."""
        return self.argv is None

    @property
    def key(self) -> str:
        return process_key(self.name)

    @property
    def text(self) -> str:
        """The command for people to read."""
        return str(self.command) if self.argv is None else shlex.join(self.argv)


@dataclass(frozen=True)
class Definition:
    """The processes of one file, and what the platform compares between files (§2.3)."""

    path: str
    source: str
    processes: tuple[Process, ...]
    compared: dict[Any, Any]
    """``{name: command}`` exactly as the platform compares a Procfile with app_desc.yaml."""


# -- where the commands are written ----------------------------------------------------------


def _line(nodes: Optional[Nodes], keys: Keys) -> Optional[int]:
    return nodes.line(keys) if nodes is not None else None


# -- reading the definitions -------------------------------------------------------------------


def procfile_chain(sources: Sources) -> list[str]:
    """The Procfiles the platform would read, in the order it tries them (§2.1)."""
    paths = dict.fromkeys([join(sources.build_dir, PROCFILE), PROCFILE])
    return [path for path in paths if sources.is_file(path)]


def procfile_definition(path: str, text: str, data: Any) -> Optional[Definition]:
    """The processes of the Procfile at ``path`` (``text``, loaded as the platform loads it:
    ``data``), when it is a mapping of processes."""
    if not isinstance(data, dict) or not data:
        return None
    nodes = Nodes.of(text)
    processes = tuple(
        Process(name, command, None, path, _line(nodes, (name,)), (name,), PROCFILE)
        for name, command in data.items()
    )
    return Definition(path, PROCFILE, processes, procfile_compared(data))


def procfile_compared(data: dict[Any, Any]) -> dict[Any, Any]:
    """A loaded Procfile's processes as the platform compares them: names in lower case."""
    return {process_key(name): command for name, command in data.items()}


def module_keys(where: str) -> Keys:
    """``modules.default`` -> ("modules", "default"); ``modules[0]`` -> ("modules", 0)."""
    if where.startswith("modules["):
        return ("modules", int(where[len("modules[") : -1]))
    head, _, rest = where.partition(".")
    return (head, rest) if rest else (head,)


def app_desc_definition(path: str, text: str, data: Any) -> Optional[Definition]:
    """The processes of the default module of the app_desc.yaml at ``path`` (``text``, loaded as
    the platform loads it: ``data``), when the platform would use them: it has a supported spec
    version (otherwise a Procfile replaces it, §1.2)."""
    version = rules.spec_version(data)
    if isinstance(version, bool) or version not in rules.SPEC_VERSIONS:
        return None
    where, module = rules.default_module(data)
    if where is None or not isinstance(module, dict):
        return None
    base = module_keys(where)
    if version == 3:
        return _v3_definition(path, text, data, base, module)
    procs = module.get("processes")
    if not isinstance(procs, dict) or not procs:
        return None
    found = [(name, proc) for name, proc in procs.items() if isinstance(proc, dict)]
    keys = [base + ("processes", name, "command") for name, _ in found]
    nodes = Nodes.of(text)
    processes = tuple(
        Process(name, proc.get("command"), None, path, _line(nodes, key), key, APP_DESC)
        for (name, proc), key in zip(found, keys)
    )
    return Definition(path, APP_DESC, processes, app_desc_compared(data))


def _v3_definition(
    path: str, text: str, data: Any, base: Keys, module: dict[Any, Any]
) -> Optional[Definition]:
    spec = module.get("spec")
    procs = spec.get("processes") if isinstance(spec, dict) else None
    if not isinstance(procs, list) or not procs:
        return None
    processes: list[Process] = []
    nodes = Nodes.of(text)
    for index, proc in enumerate(procs):
        if not isinstance(proc, dict) or not isinstance(proc.get("name"), str):
            continue
        at = base + ("spec", "processes", index)
        proc_command = rules.v3_proc_command(proc)
        if proc_command is not None:
            keys, command, argv = at + ("procCommand",), proc_command, None
        else:
            keys, command, argv = at, None, rules.v3_argv(proc)
        processes.append(
            Process(proc["name"], command, argv, path, _line(nodes, keys), keys, APP_DESC)
        )
    return Definition(path, APP_DESC, tuple(processes), app_desc_compared(data))


def app_desc_compared(data: Any) -> dict[Any, Any]:
    """The default module's processes as the platform compares them with a Procfile: names in
    lower case, commands as its serializers store them (surrounding whitespace removed)."""
    return {
        process_key(name): _trimmed(command)
        for name, command in (rules.processes_of(data) or {}).items()
    }


def process_key(name: Any) -> str:
    """A process name as the platform stores it (in lower case)."""
    return name.lower() if isinstance(name, str) else str(name).lower()


def _trimmed(value: Any) -> Any:
    """A string field as the platform's serializers store it (surrounding whitespace removed)."""
    return value.strip() if isinstance(value, str) else value


# -- editing one command ---------------------------------------------------------------------


def _set_in(data: Any, keys: Keys, value: Any) -> Any:
    """A deep copy of ``data`` with the value at ``keys`` replaced."""
    result = copy.deepcopy(data)
    _at(result, keys[:-1])[keys[-1]] = value
    return result


def edit_command(
    sources: Sources, process: Process, change: Callable[[str], Optional[str]]
) -> Optional[Edit]:
    """The file of ``process`` with its shell command replaced by ``change(command)``, the rest
    kept; None when ``change`` declines or the edit cannot be made exactly."""
    if not process.shell or not isinstance(process.command, str):
        return None
    new_command = change(process.command)
    if new_command is None or new_command == process.command:
        return None
    file = sources.text(process.path)
    assert file is not None, f"{process.path} was read before"
    data = platform_load(file.text)
    expected = _set_in(data, process.keys, new_command)
    if process.source == PROCFILE:
        text = _procfile_line_edit(file.text, process, change)
    else:
        text = _app_desc_edit(file.text, process.keys, _styled_like(new_command))
    if text is None or not loads_as(text, expected):
        return None
    return Edit(process.path, file.encode(text))


def edit_argv(
    sources: Sources, process: Process, keep: Callable[[str, int], bool]
) -> Optional[Edit]:
    """The file of a specVersion 3 process without the ``command``/``args`` items for which
    ``keep(item, position)`` is false (the position counts across both lists)."""
    if process.shell:
        return None
    file = sources.text(process.path)
    assert file is not None, f"{process.path} was read before"
    data = platform_load(file.text)
    proc = _at(data, process.keys)
    dropped: dict[str, list[int]] = {}
    position = 0
    for field in ("command", "args"):
        items = proc.get(field)
        if isinstance(items, list):
            dropped[field] = [
                offset
                for offset, item in enumerate(items)
                if not keep(str(item), position + offset)
            ]
            position += len(items)
    if not any(dropped.values()):
        return None

    def drop(target: Any) -> None:
        for field, offsets in dropped.items():
            for offset in reversed(offsets):
                del target[field][offset]

    expected = copy.deepcopy(data)
    drop(_at(expected, process.keys))
    text = round_trip_edit(file.text, lambda document: drop(_at(document, process.keys)))
    if text is None or not loads_as(text, expected):
        return None
    return Edit(process.path, file.encode(text))


def _at(data: Any, keys: Keys) -> Any:
    for key in keys:
        data = data[key]
    return data


def _styled_like(value: str) -> Callable[[Any], Any]:
    """A function that gives ``value`` the scalar style (quotes, block) of the old value."""

    def styled(old: Any) -> Any:
        cls = type(old)
        if cls is str or not isinstance(old, str):
            return value
        try:
            return cls(value)
        except TypeError:
            return value

    return styled


def _app_desc_edit(text: str, keys: Keys, style: Callable[[Any], Any]) -> Optional[str]:
    def replace(document: Any) -> None:
        target = _at(document, keys[:-1])
        old = target[keys[-1]]
        target[keys[-1]] = style(old)
        if isinstance(old, str) and "\n" not in old:
            _shift_comment(target, keys[-1], len(target[keys[-1]]) - len(old))

    return round_trip_edit(text, replace)


def _shift_comment(container: Any, key: Any, delta: int) -> None:
    """Move the end-of-line comment after ``container[key]`` by ``delta`` columns, so that it
    keeps its distance from a value that got shorter or longer (ruamel.yaml keeps the old
    column otherwise)."""
    slots = getattr(container, "ca", None)
    slots = slots.items.get(key) if slots is not None else None
    token = slots[2] if slots and len(slots) > 2 else None
    mark = getattr(token, "start_mark", None)
    if mark is not None and token is not None and not token.value.startswith("\n"):
        mark.column = max(mark.column + delta, 0)


def _procfile_line_edit(
    text: str, process: Process, change: Callable[[str], Optional[str]]
) -> Optional[str]:
    """The Procfile with the command's characters on its line changed by ``change``; None when
    the command is not written on a single line."""
    nodes = Nodes.of(text)
    node = nodes.node(process.keys) if nodes is not None else None
    if node is None or node.start_mark.line != node.end_mark.line:
        return None
    lines = text.split("\n")
    index = node.start_mark.line
    raw = lines[index][node.start_mark.column : node.end_mark.column]
    new_raw = change(raw)
    if new_raw is None:
        return None
    line = lines[index]
    lines[index] = line[: node.start_mark.column] + new_raw + line[node.end_mark.column :]
    return "\n".join(lines)
