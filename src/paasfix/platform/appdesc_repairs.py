"""How app_desc.yaml text is repaired so that the platform loads what its author meant.

Every repair is an edit of the text at the exact positions PyYAML reports for the scalars and
colons involved, so every other byte of the file (comments, quoting, indentation, spacing) stays
as it was. A repair is accepted only when the new text, loaded as the platform loads it, gives
exactly the data the author meant: the old data with only the repaired values changed.

The module reads text and loaded data; it knows neither the Project nor fixers.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from paasfix.formats.yamlio import Nodes, YamlProblem, loads_as, platform_load
from paasfix.platform import rules

if TYPE_CHECKING:
    import yaml

KeyPath = tuple[Union[str, int], ...]
"""Mapping keys and sequence indexes from the document's root to a value."""

FULLWIDTH_COLON = "\uff1a"
_FULLWIDTH_KEY = re.compile(
    r"^(?P<key>[ ]*(?:-[ ]+)*[A-Za-z_][A-Za-z0-9_.-]*[ ]*)\uff1a(?=[ \t]|$)", re.MULTILINE
)
"""A line that starts with a key-like word followed by a full-width colon and a blank."""

LANGUAGE_SPELLINGS = (
    (re.compile(r"^node(js)?\d*$"), "NodeJS"),
    (re.compile(r"^(go|golang)\d*$"), "Go"),
    (re.compile(r"^python\d*$"), "Python"),
    (re.compile(r"^php\d*$"), "PHP"),
    (re.compile(r"^java\d*$"), "Java"),
)
"""Spellings the platform refuses, compared without case, blanks, dots, hyphens and
underscores (``Node.js``, ``Golang``, ``python3``, ``Go 1.20``), and the name it accepts."""

V3_MODULE_KEYS = frozenset({"spec", "sourceDir", "isDefault"})
V2_MODULE_KEYS = frozenset(
    {
        "processes",
        "env_variables",
        "source_dir",
        "is_default",
        "scripts",
        "svc_discovery",
        "bkmonitor",
        "services",
    }
)

REMOVED = object()
"""The value of a path whose key a repair removes."""

LANGUAGE = "language"
ENV_VALUES = "environment values"
PROCESSES = "processes"


class Document(Nodes):
    """app_desc.yaml loaded as the platform loads it, with the YAML node of every value (merge
    keys resolved) and the exact text span of every scalar."""

    data: Any
    """The loaded data; the repairs read it only when it is a mapping."""

    def __init__(self, text: str):
        import yaml

        super().__init__(text)
        self._scalars = {
            token.end_mark.index: token
            for token in yaml.scan(text)
            if isinstance(token, yaml.ScalarToken)
        }

    def span(self, node: yaml.Node | None) -> tuple[int, int] | None:
        """Where the scalar's own text is (without an anchor or a tag before it)."""
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            return None
        token = self._scalars.get(node.end_mark.index)
        if token is None or token.value != node.value:
            return None
        return token.start_mark.index, token.end_mark.index

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``'s key, or of the closest enclosing entry that exists."""
        while path:
            found = self.pair(path) if isinstance(path[-1], str) else None
            node: yaml.Node | None = found[0] if found else self.node(path)
            if node is not None:
                return node.start_mark.line + 1
            path = path[:-1]
        return None


def value_at(data: Any, path: KeyPath) -> Any:
    for step in path:
        in_list = isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data)
        if not in_list and not (isinstance(data, dict) and step in data):
            return None
        data = data[step]
    return data


def dotted(path: KeyPath) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def parse_dotted(where: str) -> KeyPath:
    """The path of a :class:`paasfix.platform.rules.Problem` location (``modules[0].spec.processes``)."""
    path: list[str | int] = []
    for part in where.split("."):
        match = re.match(r"^([^\[]*)((?:\[\d+\])*)$", part)
        if match is None:
            return ()
        if match.group(1):
            path.append(match.group(1))
        path += [int(index) for index in re.findall(r"\[(\d+)\]", match.group(2))]
    return tuple(path)


def fullwidth_lines(text: str) -> list[int]:
    """Lines with a full-width colon outside a comment line."""
    return [
        number
        for number, line in enumerate(text.split("\n"), start=1)
        if FULLWIDTH_COLON in line and not line.lstrip().startswith("#")
    ]


# -- repairs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """One text edit and what it changes in the data."""

    start: int
    end: int
    new: str
    path: KeyPath
    """The data path whose value changes (empty for a repair of the YAML syntax)."""
    value: Any
    line: int
    what: str
    """What is wrong and how it is repaired, for a message."""


def apply(text: str, repairs: list[Repair]) -> str:
    for start, end, new in sorted({(r.start, r.end, r.new) for r in repairs}, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def expected_data(data: Any, repairs: list[Repair]) -> Any:
    """``data`` as the author meant it: with the values the repairs change changed."""
    result = copy.deepcopy(data)
    for repair in repairs:
        if not repair.path:
            continue
        parent = value_at(result, repair.path[:-1])
        if repair.value is REMOVED:
            del parent[repair.path[-1]]
        elif repair.path == (repair.path[-1],) and repair.path[-1] not in parent:
            result = {repair.path[-1]: repair.value, **result}
        else:
            parent[repair.path[-1]] = repair.value
    return result


def _loaded(text: str) -> Any:
    """The data the platform loads from ``text``; YamlProblem (the class) when it cannot."""
    try:
        return platform_load(text)
    except YamlProblem:
        return YamlProblem


def _problems(data: Any) -> set[rules.Problem]:
    return set(rules.app_desc_problems(data))


def _line_span(text: str, line: int) -> tuple[int, int]:
    """(start, end) of the 0-based ``line`` including its line break."""
    start = 0
    for _ in range(line):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end + 1


def _quoted(text: str) -> str:
    return (
        '"' + text + '"'
        if '"' not in text and "\\" not in text
        else "'" + text.replace("'", "''") + "'"
    )


# -- full-width colons ------------------------------------------------------------------------


def colon_repairs(text: str) -> list[Repair] | None:
    """Full-width colons that stand where a key's colon must be; None when replacing them
    does not give a file the platform loads, with each of them a mapping colon."""
    import yaml

    candidates = [match.end("key") for match in _FULLWIDTH_KEY.finditer(text)]
    while candidates:
        chars = list(text)
        for index in candidates:
            chars[index] = ":"
        fixed = "".join(chars)
        try:
            tokens = list(yaml.scan(fixed))
        except yaml.YAMLError:
            return None
        colons = {
            token.start_mark.index
            for previous, token in zip(tokens, tokens[1:])
            if isinstance(token, yaml.ValueToken)
            and isinstance(previous, yaml.ScalarToken)
            and previous.plain
        }
        accepted = [index for index in candidates if index in colons]
        if accepted == candidates:
            if _loaded(fixed) is YamlProblem:
                return None
            return [
                Repair(
                    index,
                    index + 1,
                    ":",
                    (),
                    None,
                    text.count("\n", 0, index) + 1,
                    text[text.rfind("\n", 0, index) + 1 : index + 1].strip(),
                )
                for index in candidates
            ]
        candidates = accepted
    return None


# -- the spec version -------------------------------------------------------------------------


def inferred_version(data: dict[str, Any]) -> int | None:
    """2 or 3 as the structure of the file says, None when it says both."""
    modules = data.get("modules")
    listed = (
        list(modules.values())
        if isinstance(modules, dict)
        else list(modules)
        if isinstance(modules, list)
        else []
    )
    if isinstance(data.get("module"), dict):
        listed.append(data["module"])
    keys = {key for module in listed if isinstance(module, dict) for key in module}
    v3 = isinstance(modules, list) or bool(keys & V3_MODULE_KEYS) or "appVersion" in data
    v2 = isinstance(modules, dict) or bool(keys & V2_MODULE_KEYS) or "app_version" in data
    if v2 and v3:
        return None
    return 3 if v3 else 2


def version_repair(doc: Document) -> tuple[Repair | None, str | None]:
    """(the repair of a missing or quoted spec version, why it cannot be repaired)."""
    import yaml

    data = doc.data
    key = "spec_version" if "spec_version" in data or "specVersion" not in data else "specVersion"
    version = rules.spec_version(data)
    if version is None:
        if "app_code" in data:
            return None, (
                "it is a version 1 (app.yaml style) description with `app_code` at the "
                "top, a format the platform no longer reads; rewrite it in the "
                "`spec_version: 2` format (app: bk_app_code ..., module: language, "
                "processes)"
            )
        number = inferred_version(data)
        if number is None:
            return None, (
                "its modules mix the spec_version 2 and specVersion 3 forms, so "
                "paasfix cannot tell which version it is written for; add the version "
                "key (`spec_version: 2` or `specVersion: 3`) as the first line"
            )
        root = doc.root
        if not isinstance(root, yaml.MappingNode) or root.flow_style:
            return None, "add `spec_version: 2` as its first key"
        column = root.start_mark.column
        start = root.start_mark.index - column
        name = "specVersion" if number == 3 else "spec_version"
        return Repair(
            start,
            start,
            f"{' ' * column}{name}: {number}\n",
            (name,),
            number,
            root.start_mark.line + 1,
            f"add `{name}: {number}`",
        ), None
    if version in rules.SPEC_VERSIONS and type(version) is int:
        return None, None
    number = _version_number(version)
    node = doc.node((key,))
    span = doc.span(node)
    if number is None or span is None:
        return None, (
            f"`{key}: {doc.text[span[0] : span[1]] if span else version}` is not a "
            f"version the platform supports; use `{key}: 2` (or 3 for a cloud-native "
            "specVersion 3 file)"
        )
    written = doc.text[span[0] : span[1]]
    return Repair(
        *span,
        str(number),
        (key,),
        number,
        node.start_mark.line + 1,
        f"write `{key}: {number}` instead of `{key}: {written}`",
    ), None


def _version_number(value: Any) -> int | None:
    """2 or 3 for a version written as a string or a float (``"2"``, ``3.0``)."""
    if isinstance(value, str) and value.strip() in ("2", "3"):
        return int(value.strip())
    if isinstance(value, float) and value in (2.0, 3.0):
        return int(value)
    return None


# -- modules, languages, environment variables, processes ---------------------------------------


def module_paths(data: dict[str, Any]) -> Iterator[KeyPath]:
    modules = data.get("modules")
    if isinstance(modules, dict):
        yield from (("modules", name) for name in modules)
    elif isinstance(modules, list):
        yield from (("modules", index) for index in range(len(modules)))
    if data.get("module") is not None:
        yield ("module",)


def accepted_language(value: Any) -> str | None:
    """The name the platform accepts for a spelling it refuses (None: no such spelling)."""
    if not isinstance(value, str):
        return None
    if value.lower() in {name.lower() for name in rules.LANGUAGES}:
        return None
    compact = re.sub(r"[\s._-]", "", value.lower())
    return next((name for pattern, name in LANGUAGE_SPELLINGS if pattern.match(compact)), None)


def language_repairs(doc: Document) -> list[Repair]:
    repairs = []
    for module in module_paths(doc.data):
        path = module + ("language",)
        value = value_at(doc.data, path)
        name = accepted_language(value)
        node = doc.node(path)
        span = doc.span(node)
        if name is None or span is None:
            continue
        written = doc.text[span[0] : span[1]]
        quote = written[0] if written[0] in "'\"" else ""
        repairs.append(
            Repair(
                *span,
                quote + name + quote,
                path,
                name,
                node.start_mark.line + 1,
                f"{dotted(path)}: '{value}' is not a supported language; write {name}",
            )
        )
    return repairs


def env_item_paths(data: dict[str, Any], version: int) -> Iterator[tuple[KeyPath, str]]:
    """(path of each environment variable item, the field holding its name)."""
    for module in module_paths(data):
        if version == 3:
            places = [
                (module + ("spec", "configuration", "env"), "name"),
                (module + ("spec", "envOverlay", "envVariables"), "name"),
            ]
        else:
            places = [(module + ("env_variables",), "key")]
        for place, field in places:
            items = value_at(data, place)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, dict):
                        yield place + (index,), field


def _reads_as(value: Any, written: str) -> str | None:
    """How YAML reads a plain value that is not text (None: it is text)."""
    if isinstance(value, bool):
        return "a boolean, which the platform refuses"
    if isinstance(value, (int, float)):
        return f"the number {value!r}" if repr(value) != written else "a number, not as text"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "a date, which the platform refuses"
    return None


def env_value_repairs(doc: Document, version: int) -> list[Repair]:
    """Values to quote; a value several items share through an alias is described once."""
    repairs = []
    described: set[tuple[int, int]] = set()
    for item, field in env_item_paths(doc.data, version):
        path = item + ("value",)
        found = doc.pair(path)
        if found is None:
            continue
        key_node, node = found
        value = value_at(doc.data, path)
        name = value_at(doc.data, item + (field,))
        line = key_node.start_mark.line + 1
        if value is None and node.value == "" and getattr(node, "style", None) is None:
            at = node.start_mark.index
            repairs.append(
                Repair(
                    at,
                    at,
                    ' ""',
                    path,
                    "",
                    line,
                    f"{name} (line {line}) has no value, which reads as null",
                )
            )
            continue
        span = doc.span(node)
        if span is None or node.style is not None:
            continue
        written = doc.text[span[0] : span[1]]
        reads = _reads_as(value, written)
        if reads is None or type(value) is int and str(value) == written:
            continue
        line = doc.text.count("\n", 0, span[0]) + 1
        what = "" if span in described else f"{name} `{written}` (line {line}) reads as {reads}"
        described.add(span)
        repairs.append(Repair(*span, _quoted(written), path, written, line, what))
    return repairs


def processes_repairs(doc: Document, version: int) -> list[Repair]:
    """An empty ``processes`` mapping of a spec_version 2 module, removed with its line (not
    when it is all the module has)."""
    import yaml

    if version != 2:
        return []
    repairs = []
    for module in module_paths(doc.data):
        path = module + ("processes",)
        found = doc.pair(path)
        value = value_at(doc.data, path)
        if found is None or value not in (None, {}) or len(value_at(doc.data, module)) == 1:
            continue
        key, node = found
        line = key.start_mark.line
        start, end = _line_span(doc.text, line)
        if isinstance(node, yaml.ScalarNode) and node.value == "":
            rest = doc.text[key.end_mark.index : end].strip()[1:].strip()  # after the colon
        elif node.end_mark.line == line:
            rest = doc.text[node.end_mark.index : end].strip()
        else:
            continue
        if doc.text[start : key.start_mark.index].strip() or rest and not rest.startswith("#"):
            continue
        repairs.append(
            Repair(
                start,
                end,
                "",
                path,
                REMOVED,
                line + 1,
                f"{dotted(path)} (line {line + 1}) is empty, which the platform "
                "refuses (This dictionary may not be empty.); remove it: a module "
                "without processes takes them from the Procfile",
            )
        )
    return repairs


# -- every repair of a document that loads ------------------------------------------------------


@dataclass(frozen=True)
class RepairGroup:
    """Repairs of one kind (:data:`LANGUAGE`, :data:`ENV_VALUES`, :data:`PROCESSES`) that
    together load to what the author meant, and the text with them made."""

    kind: str
    repairs: tuple[Repair, ...]
    text: str


@dataclass(frozen=True)
class Repairs:
    """What can be repaired in a document: the groups that stand on their own, and the spec
    version, which is repaired last, together with every group."""

    groups: tuple[RepairGroup, ...]
    version: Repair | None
    text: str
    """The document's text with every repair made, the version's included."""
    as_meant: bool
    """Whether ``text`` loads to exactly what the author meant."""
    remaining: tuple[rules.Problem, ...]
    """What the platform still refuses once every repair is made, sorted."""


def repairs_of(doc: Document) -> Repairs | str:
    """The repairs of a document whose data is a mapping, or why its version cannot be
    repaired. A group is kept only when its repaired text loads to what the author meant and
    the platform refuses nothing new in it."""
    version, why_not = version_repair(doc)
    if why_not is not None:
        return why_not
    number = version.value if version else rules.spec_version(doc.data)
    before = _problems(doc.data)
    groups = []
    pending: list[Repair] = []
    for kind, found in (
        (LANGUAGE, language_repairs(doc)),
        (ENV_VALUES, env_value_repairs(doc, number)),
        (PROCESSES, processes_repairs(doc, number)),
    ):
        if not found:
            continue
        text = apply(doc.text, found)
        data = _loaded(text)
        if data != expected_data(doc.data, found) or _problems(data) - before:
            continue
        pending += found
        groups.append(RepairGroup(kind, tuple(found), text))
    if version is not None:
        pending.append(version)
    meant = expected_data(doc.data, pending)
    text = apply(doc.text, pending)
    return Repairs(
        tuple(groups),
        version,
        text,
        loads_as(text, meant),
        tuple(sorted(_problems(meant), key=str)),
    )
