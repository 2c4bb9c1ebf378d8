"""fix-app-desc: repair app_desc.yaml where the platform rejects or misreads what the author
clearly meant.

Every repair is an edit of the text at the exact positions PyYAML reports for the scalars and
colons involved, so every other byte of the file (comments, quoting, indentation, spacing) stays
as it was. Before an edit is offered, the new text is loaded as the platform loads it and must
give exactly the data the author meant: the old data with only the repaired values changed.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from paasfix import platform
from paasfix.fixer import ERROR, SAFE, UNSAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.project import Project, YamlFile
from paasfix.yamlio import Nodes, Path, YamlProblem, loads_as, platform_load

FULLWIDTH_COLON = "\uff1a"
_FULLWIDTH_KEY = re.compile(
    r"^(?P<key>[ ]*(?:-[ ]+)*[A-Za-z_][A-Za-z0-9_.-]*[ ]*)\uff1a(?=[ \t]|$)", re.MULTILINE)
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
V2_MODULE_KEYS = frozenset({"processes", "env_variables", "source_dir", "is_default", "scripts",
                            "svc_discovery", "bkmonitor", "services"})

REMOVED = object()
"""The value of a path whose key a repair removes."""


# -- the document: data, and the node and text of every value ----------------------------------


class Document(Nodes):
    """app_desc.yaml loaded as the platform loads it, with the YAML node of every value (merge
    keys resolved) and the exact text span of every scalar."""

    def __init__(self, text: str):
        import yaml

        super().__init__(text)
        self._scalars = {token.end_mark.index: token for token in yaml.scan(text)
                         if isinstance(token, yaml.ScalarToken)}

    def span(self, node: Any) -> Optional[tuple[int, int]]:
        """Where the scalar's own text is (without an anchor or a tag before it)."""
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            return None
        token = self._scalars.get(node.end_mark.index)
        if token is None or token.value != node.value:
            return None
        return token.start_mark.index, token.end_mark.index

    def line_of(self, path: Path) -> Optional[int]:
        """The line of ``path``'s key, or of the closest enclosing entry that exists."""
        while path:
            found = self.pair(path) if isinstance(path[-1], str) else None
            node = found[0] if found else self.node(path)
            if node is not None:
                return node.start_mark.line + 1
            path = path[:-1]
        return None


def value_at(data: Any, path: Path) -> Any:
    for step in path:
        if isinstance(data, dict) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and 0 <= step < len(data):
            data = data[step]
        else:
            return None
    return data


def dotted(path: Path) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def parse_dotted(where: str) -> Path:
    """The path of a :class:`paasfix.platform.Problem` location (``modules[0].spec.processes``)."""
    path: list = []
    for part in where.split("."):
        match = re.match(r"^([^\[]*)((?:\[\d+\])*)$", part)
        if match is None:
            return ()
        if match.group(1):
            path.append(match.group(1))
        path += [int(index) for index in re.findall(r"\[(\d+)\]", match.group(2))]
    return tuple(path)


# -- repairs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repair:
    """One text edit and what it changes in the data."""

    start: int
    end: int
    new: str
    path: Path
    """The data path whose value changes (empty for a repair of the YAML syntax)."""
    value: Any
    line: int
    what: str
    """What is wrong and how it is repaired, for the message."""


def apply(text: str, repairs: list[Repair]) -> str:
    for repair in sorted({(r.start, r.end, r.new) for r in repairs}, reverse=True):
        start, end, new = repair
        text = text[:start] + new + text[end:]
    return text


def expected_data(data: Any, repairs: list[Repair]) -> Any:
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


def load_or_none(text: str) -> Any:
    try:
        return platform_load(text)
    except YamlProblem:
        return YamlProblem


def problems_of(data: Any) -> set[platform.Problem]:
    return set(platform.app_desc_problems(data))


def _line_span(text: str, line: int) -> tuple[int, int]:
    """(start, end) of the 0-based ``line`` including its line break."""
    start = 0
    for _ in range(line):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    return start, len(text) if end < 0 else end + 1


def _at(line: Optional[int]) -> str:
    return f", line {line}" if line else ""


def _quoted(text: str) -> str:
    return '"' + text + '"' if '"' not in text and "\\" not in text \
        else "'" + text.replace("'", "''") + "'"


# -- full-width colons ------------------------------------------------------------------------


def colon_repairs(text: str) -> Optional[list[Repair]]:
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
        colons = {token.start_mark.index for previous, token in zip(tokens, tokens[1:])
                  if isinstance(token, yaml.ValueToken) and isinstance(previous, yaml.ScalarToken)
                  and previous.plain}
        accepted = [index for index in candidates if index in colons]
        if accepted == candidates:
            if load_or_none(fixed) is YamlProblem:
                return None
            return [Repair(index, index + 1, ":", (), None, text.count("\n", 0, index) + 1,
                           text[text.rfind("\n", 0, index) + 1:index + 1].strip())
                    for index in candidates]
        candidates = accepted
    return None


# -- the spec version -------------------------------------------------------------------------


def inferred_version(data: dict) -> Optional[int]:
    """2 or 3 as the structure of the file says, None when it says both."""
    modules = data.get("modules")
    listed = list(modules.values()) if isinstance(modules, dict) else \
        list(modules) if isinstance(modules, list) else []
    if isinstance(data.get("module"), dict):
        listed.append(data["module"])
    keys = {key for module in listed if isinstance(module, dict) for key in module}
    v3 = isinstance(modules, list) or bool(keys & V3_MODULE_KEYS) or "appVersion" in data
    v2 = isinstance(modules, dict) or bool(keys & V2_MODULE_KEYS) or "app_version" in data
    if v2 and v3:
        return None
    return 3 if v3 else 2


def version_repair(doc: Document) -> tuple[Optional[Repair], Optional[str]]:
    """(the repair of a missing or quoted spec version, why it cannot be repaired)."""
    import yaml

    data = doc.data
    key = "spec_version" if "spec_version" in data or "specVersion" not in data else "specVersion"
    version = platform.spec_version(data)
    if version is None:
        if "app_code" in data:
            return None, ("it is a version 1 (app.yaml style) description with `app_code` at the "
                          "top, a format the platform no longer reads; rewrite it in the "
                          "`spec_version: 2` format (app: bk_app_code ..., module: language, "
                          "processes)")
        number = inferred_version(data)
        if number is None:
            return None, ("its modules mix the spec_version 2 and specVersion 3 forms, so "
                          "paasfix cannot tell which version it is written for; add the version "
                          "key (`spec_version: 2` or `specVersion: 3`) as the first line")
        root = doc.root
        if not isinstance(root, yaml.MappingNode) or root.flow_style:
            return None, "add `spec_version: 2` as its first key"
        column = root.start_mark.column
        start = root.start_mark.index - column
        name = "specVersion" if number == 3 else "spec_version"
        return Repair(start, start, f"{' ' * column}{name}: {number}\n", (name,), number,
                      root.start_mark.line + 1, f"add `{name}: {number}`"), None
    if version in platform.SPEC_VERSIONS and type(version) is int:
        return None, None
    number = _version_number(version)
    node = doc.node((key,))
    span = doc.span(node)
    if number is None or span is None:
        return None, (f"`{key}: {doc.text[span[0]:span[1]] if span else version}` is not a "
                      f"version the platform supports; use `{key}: 2` (or 3 for a cloud-native "
                      "specVersion 3 file)")
    written = doc.text[span[0]:span[1]]
    return Repair(*span, str(number), (key,), number, node.start_mark.line + 1,
                  f"write `{key}: {number}` instead of `{key}: {written}`"), None


def _version_number(value: Any) -> Optional[int]:
    """2 or 3 for a version written as a string or a float (``"2"``, ``3.0``)."""
    if isinstance(value, str) and value.strip() in ("2", "3"):
        return int(value.strip())
    if isinstance(value, float) and value in (2.0, 3.0):
        return int(value)
    return None


# -- modules, languages, environment variables, processes ---------------------------------------


def module_paths(data: dict) -> Iterator[Path]:
    modules = data.get("modules")
    if isinstance(modules, dict):
        yield from (("modules", name) for name in modules)
    elif isinstance(modules, list):
        yield from (("modules", index) for index in range(len(modules)))
    if data.get("module") is not None:
        yield ("module",)


def accepted_language(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return None
    if value.lower() in {name.lower() for name in platform.LANGUAGES}:
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
        written = doc.text[span[0]:span[1]]
        quote = written[0] if written[0] in "'\"" else ""
        repairs.append(Repair(*span, quote + name + quote, path, name, node.start_mark.line + 1,
                              f"{dotted(path)}: '{value}' is not a supported language; write "
                              f"{name}"))
    return repairs


def env_item_paths(data: dict, version: int) -> Iterator[tuple[Path, str]]:
    """(path of each environment variable item, the field holding its name)."""
    for module in module_paths(data):
        if version == 3:
            places = [(module + ("spec", "configuration", "env"), "name"),
                      (module + ("spec", "envOverlay", "envVariables"), "name")]
        else:
            places = [(module + ("env_variables",), "key")]
        for place, field in places:
            items = value_at(data, place)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, dict):
                        yield place + (index,), field


def _reads_as(value: Any, written: str) -> Optional[str]:
    """How YAML reads a plain value that is not text (None: it is text)."""
    import datetime

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
            repairs.append(Repair(at, at, ' ""', path, "", line,
                                  f"{name} (line {line}) has no value, which reads as null"))
            continue
        span = doc.span(node)
        if span is None or node.style is not None:
            continue
        written = doc.text[span[0]:span[1]]
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
            rest = doc.text[key.end_mark.index:end].strip()[1:].strip()  # after the colon
        elif node.end_mark.line == line:
            rest = doc.text[node.end_mark.index:end].strip()
        else:
            continue
        if doc.text[start:key.start_mark.index].strip() or rest and not rest.startswith("#"):
            continue
        repairs.append(Repair(start, end, "", path, REMOVED, line + 1,
                              f"{dotted(path)} (line {line + 1}) is empty, which the platform "
                              "refuses (This dictionary may not be empty.); remove it: a module "
                              "without processes takes them from the Procfile"))
    return repairs


# -- messages for what paasfix leaves to the author ---------------------------------------------


def manual_message(path: str, problem: platform.Problem) -> str:
    text = f"{path}: {str(problem).rstrip('.')}"
    if problem.kind == "process-name":
        return (f"{text}; rename the process here and wherever it is referred to (paasfix does "
                "not rename processes)")
    if problem.kind == "env-key":
        return (f"{text}; rename the variable here and in the code that reads it (paasfix does "
                "not rename variables)")
    if problem.kind == "env-value" and "null" in problem.message:
        return f"{text}; give it a quoted value (\"\" for an empty one) or remove the entry"
    if problem.kind == "env-value":
        return (f"{text}; paasfix leaves it because quoting it would change other data too (an "
                "anchor or a tag on the value): write this value in quotes yourself")
    if problem.kind == "language":
        return text
    return f"{text}; the platform refuses the file until this is corrected"


def fullwidth_lines(text: str) -> list[int]:
    """Lines with a full-width colon outside a comment line."""
    return [number for number, line in enumerate(text.split("\n"), start=1)
            if FULLWIDTH_COLON in line and not line.lstrip().startswith("#")]


# -- examples -------------------------------------------------------------------------------

_BK_LOG = """spec_version: 2
app_version: "4.3.0"
modules:
    default:
        is_default: True
        source_dir: src
        language: Python
        # 依赖的服务：监控平台
        processes:
            web:
                command: gunicorn wsgi -w 4 -b :$PORT --access-logfile -
        svc_discovery：
            bk_saas：
                - bk_app_code: bk_monitorv3

    api:
        is_default: False
        source_dir: src
        language: Python
"""

_V3 = """specVersion: 3
modules:
  - name: default
    isDefault: true
    sourceDir: src
    language: Python
    spec:
      processes:
        - name: web
          procCommand: gunicorn wsgi -b :$PORT
      configuration:
        env:
          - name: LOG_LEVEL
            value: INFO
"""

_ENV_V2 = """spec_version: 2
module:
  language: Python
  env_variables:
    # pip 20.10 understands the new wheel tags
    - key: PIP_VERSION
      value: 20.10
    - key: FEATURE_FLAGS
      value: yes   # every flag on
    - key: DEBUG
      value: true
      environment_name: stag
    - key: UMASK
      value: 0022
    - key: RELEASED
      value: 2024-05-01
    - key: BATCH
      value: 1_000
    - key: EMPTY_PREFIX
      value:
    - key: WORKERS
      value: 4
"""

_ENV_V2_QUOTED = """spec_version: 2
module:
  language: Python
  env_variables:
    # pip 20.10 understands the new wheel tags
    - key: PIP_VERSION
      value: "20.10"
    - key: FEATURE_FLAGS
      value: "yes"   # every flag on
    - key: DEBUG
      value: "true"
      environment_name: stag
    - key: UMASK
      value: "0022"
    - key: RELEASED
      value: "2024-05-01"
    - key: BATCH
      value: "1_000"
    - key: EMPTY_PREFIX
      value: ""
    - key: WORKERS
      value: 4
"""


# -- the fixer ------------------------------------------------------------------------------


class FixAppDesc(Fixer):
    """
    ## What goes wrong

    The platform loads `app_desc.yaml` with a strict YAML loader and validates it before
    every deploy; a file it cannot load stops the deploy at "解析应用进程信息" (parse app
    process), even when a valid Procfile is there. Things that look right to a person but
    not to the platform:

    - a full-width colon (`：`, easy to type with a Chinese input method) after a key, as in
      `svc_discovery：`; the file is then not YAML (`file "app_desc.yaml"'s format is not
      YAML`);
    - no `spec_version` (the FAQ's own example has none), or a quoted one (`spec_version: "2"`):
      the version must be the number 2 or 3. Without a valid version the file is ignored when
      there is a Procfile, and the deploy fails when there is not;
    - a language spelled `Node.js`, `Golang` or `python3`: only `Python`, `NodeJS`, `Go`, `PHP`
      and `Java` are accepted (in any letter case);
    - environment variable values that YAML reads as something other than text: `true`, `yes`
      and `on` are booleans and `2024-01-01` is a date, which the platform refuses; `20.10` is
      the number 20.1, so pip would be asked for version 20.1; `0755` is the number 493; an
      empty value is null, which is refused;
    - `processes:` with nothing under it: an empty mapping is refused.

    ## The fix

    Each repair edits only the characters concerned and keeps everything else (comments,
    quotes, indentation):

    - full-width colons that stand where a key's colon must be (a key-like word at the start of
      a line, followed by a blank or the line end) become `:`; colons in values, strings and
      comments are never touched, and the repair is made only when the file then loads, with
      each replaced colon read as a key's colon;
    - a missing version is added as the first key: `spec_version: 2`, or `specVersion: 3` when
      the modules are clearly written in the version 3 form (`modules` as a list, `spec:`,
      `sourceDir`, `isDefault`); a quoted `"2"` or a `2.0` becomes `2`. This happens last, and
      only when the platform then accepts the whole file; otherwise the report lists what it
      would refuse;
    - `Node.js`, `node`, `Golang`, `python3`, `Go 1.20` and the like become `NodeJS`, `Go`,
      `Python`, `PHP` or `Java`, keeping the quotes they had; spellings the platform already
      accepts (`nodejs`, `python`) are left as they are;
    - booleans, numbers whose text YAML changes (`20.10`, `0755`, `1_000`, `1:30`), every
      other unquoted decimal number (`0.75`), and dates are quoted exactly as written
      (`"20.10"`, `"true"`, `"yes"`); a whole number that reads back as written (`1`) is left
      alone, because the platform takes it as that text; an empty value becomes `""`. An explicit `null` or `~`
      is reported instead: paasfix cannot tell whether you meant an empty value or no variable;
    - an empty `processes:` line (spec_version 2) is removed: a module without processes takes
      them from the Procfile, and without a Procfile fix-procfile can then add them.

    Every repaired file is loaded again as the platform loads it and must give exactly the old
    data with only the repaired values changed. What would change meaning is reported with the
    line to edit: process names and variable names the platform refuses (renaming changes the
    process or variable), unknown languages, a legacy version 1 file (`app_code` at the top),
    YAML that does not load for another reason, and other values the platform rejects.

    ## Safety

    Safe: each repair makes the platform read what the file already says. Adding or
    unquoting the version is unsafe when there is also a Procfile: the platform ignores
    `app_desc.yaml` until it has a valid version, so adding one changes what a deploy uses
    (its processes and variables start to apply); check that they are the ones you want.
    """

    id = "fix-app-desc"
    title = "The platform rejects or misreads app_desc.yaml"
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"file \"app(_desc)?\.ya?ml\"'s format is not YAML",
        r"file \"app(_desc)?\.ya?ml\" must be dict type",
        r"app desc data is invalid, detail: (no spec version is specified|app spec version)",
        r"No spec version is specified, please set the spec version",
        r"App spec version \".*?\" is not supported",
        r"is not a supported language",
        r"This dictionary may not be empty",
        r"Not a valid string",
        r"This field may not be null",
        r"(应用描述文件解析异常|Application descriptor file parsing error)",
        r"处理应用描述文件(失败|时出现异常)",
    )

    def detect(self, project: Project) -> Iterator[Finding]:
        desc = project.app_desc
        if desc is None:
            return
        if not desc.loaded:
            yield self._unloadable(desc)
            return
        if not isinstance(desc.data, dict):
            what = "is empty" if desc.data is None else "is not a mapping of keys to values"
            yield self.manual(f"{desc.path} {what}, so the platform refuses it (must be dict "
                              "type); write the description or remove the file", desc.path, 1)
            return
        yield from self._repairs(project, desc, Document(desc.file.text))

    def fix(self, project: Project, finding: Finding) -> list[Edit]:
        return list(finding.planned)

    # -- a file that does not load ---------------------------------------------------------

    def _unloadable(self, desc: YamlFile) -> Finding:
        text = desc.file.text
        repairs = colon_repairs(text) if FULLWIDTH_COLON in text else None
        problem = desc.problem
        if not repairs:
            hint = ""
            suspects = fullwidth_lines(text)
            if suspects:
                hint = (f" (line {', '.join(map(str, suspects))} has a full-width colon ：; where "
                        "it ends a key, YAML needs `:` followed by a blank)")
            return self.manual(
                f"{desc.path} is not valid YAML ({problem.message}{_at(problem.line)}), so the "
                f"platform stops every deploy with `file \"{desc.path.rpartition('/')[2]}\"'s "
                f"format is not YAML`; correct that line{hint}", desc.path, problem.line)
        where = ", ".join(f"line {r.line} `{r.what}`" for r in repairs)
        edit = Edit(desc.path, desc.file.encode(apply(text, repairs)))
        return self.finding(f"{desc.path} is not valid YAML: {where} "
                            f"{'has' if len(repairs) == 1 else 'have'} a full-width colon (：) "
                            "where YAML needs `:`; replace it with `:`", desc.path,
                            repairs[0].line, plan=[edit])

    # -- a file that loads -----------------------------------------------------------------

    def _repairs(self, project: Project, desc: YamlFile, doc: Document) -> Iterator[Finding]:
        version, why_not = version_repair(doc)
        if why_not is not None:
            yield self.manual(f"{desc.path}: {why_not}", desc.path, 1)
            return
        number = version.value if version else platform.spec_version(doc.data)
        groups = [
            ("language", language_repairs(doc)),
            ("environment values", env_value_repairs(doc, number)),
            ("processes", processes_repairs(doc, number)),
        ]
        before = problems_of(doc.data)
        pending: list[Repair] = []
        for kind, repairs in groups:
            if not repairs:
                continue
            text = apply(doc.text, repairs)
            data = load_or_none(text)
            if data != expected_data(doc.data, repairs) or problems_of(data) - before:
                continue
            pending += repairs
            yield self._group_finding(desc, kind, repairs, text)
        if version is not None:
            pending.append(version)
        remaining = sorted(problems_of(expected_data(doc.data, pending)), key=str)
        if version is not None:
            yield self._version_finding(project, desc, doc, pending, remaining)
        for problem in remaining:
            if problem.kind == "process-count":
                continue
            line = doc.line_of(parse_dotted(problem.where)) if problem.where else None
            yield self.manual(manual_message(desc.path, problem), desc.path, line)

    def _group_finding(self, desc: YamlFile, kind: str, repairs: list[Repair],
                       text: str) -> Finding:
        edit = Edit(desc.path, desc.file.encode(text))
        details = "; ".join(repair.what for repair in repairs if repair.what)
        if kind == "environment values":
            message = (f"{desc.path}: environment variable values that YAML does not read as "
                       f"written: {details}; quote them exactly as written")
        else:
            message = f"{desc.path}: {details}"
        return self.finding(message, desc.path, repairs[0].line, plan=[edit])

    def _version_finding(self, project: Project, desc: YamlFile, doc: Document,
                         repairs: list[Repair], remaining: list[platform.Problem]) -> Finding:
        """The version is repaired last, together with every other repair still pending, and
        only when the platform then accepts the whole file."""
        version = repairs[-1]
        current = platform.spec_version(doc.data)
        state = "has no spec version" if current is None else \
            "has a spec version the platform refuses"
        detail = "no spec version is specified" if current is None else \
            f'app spec version "{current}" is not supported'
        effect = ("the platform ignores it and uses only the Procfile"
                  if project.procfile is not None else
                  "the deploy fails with `the procfile data is empty and the app desc data is "
                  f"invalid, detail: {detail}`")
        message = f"{desc.path} {state}, so {effect}; {version.what}"
        text = apply(doc.text, repairs)
        if remaining or not loads_as(text, expected_data(doc.data, repairs)):
            shown = "; ".join(str(problem) for problem in remaining) or \
                "the repaired file does not load back as expected"
            return self.manual(f"{message}, after correcting what the platform would then "
                               f"reject: {shown}", desc.path, version.line)
        edit = Edit(desc.path, desc.file.encode(text))
        if project.procfile is None:
            return self.finding(message, desc.path, version.line, plan=[edit])
        return self.finding(message + ". The platform then reads this file instead of ignoring "
                            "it: check that its processes and variables are the ones you want",
                            desc.path, version.line, safety=UNSAFE, severity=WARNING, plan=[edit])

    examples = (
        Example.fixed(
            "full-width colons after keys, as in bk-log",
            {"app_desc.yaml": _BK_LOG},
            {"app_desc.yaml": _BK_LOG.replace("svc_discovery：", "svc_discovery:")
                                     .replace("bk_saas：", "bk_saas:")},
        ),
        Example.fixed(
            "a full-width colon before a value and in a list item",
            {"app_desc.yaml": "spec_version： 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "    - key： LOG_LEVEL\n      value: INFO\n"},
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "    - key: LOG_LEVEL\n      value: INFO\n"},
        ),
        Example.fixed(
            "no spec version: spec_version 2 goes above the first key, under the header comment",
            {"app_desc.yaml": "# deploy description\nmodule:\n  language: Python\n  processes:\n"
                              "    web:\n      command: gunicorn wsgi -b :$PORT\n"},
            {"app_desc.yaml": "# deploy description\nspec_version: 2\nmodule:\n  language: Python\n"
                              "  processes:\n    web:\n      command: gunicorn wsgi -b :$PORT\n"},
        ),
        Example.fixed(
            "no version on a file written in the version 3 form",
            {"app_desc.yaml": _V3.replace("specVersion: 3\n", "")},
            {"app_desc.yaml": _V3},
        ),
        Example.fixed(
            "a quoted version becomes a number",
            {"app_desc.yaml": 'spec_version: "2"  # required\nmodule:\n  language: Python\n'},
            {"app_desc.yaml": "spec_version: 2  # required\nmodule:\n  language: Python\n"},
        ),
        Example.fixed(
            "a quoted specVersion becomes a number",
            {"app_desc.yaml": _V3.replace("specVersion: 3", "specVersion: '3'")},
            {"app_desc.yaml": _V3},
        ),
        Example.fixed(
            "language spellings the platform refuses, quotes kept",
            {"app_desc.yaml": "spec_version: 2\nmodules:\n  web:\n    is_default: true\n"
                              "    language: Node.js\n  api:\n    language: \"golang\"\n"
                              "  jobs:\n    language: python3\n  docs:\n    language: nodejs\n"},
            {"app_desc.yaml": "spec_version: 2\nmodules:\n  web:\n    is_default: true\n"
                              "    language: NodeJS\n  api:\n    language: \"Go\"\n"
                              "  jobs:\n    language: Python\n  docs:\n    language: nodejs\n"},
        ),
        Example.fixed(
            "environment values that YAML types are quoted as written",
            {"app_desc.yaml": _ENV_V2},
            {"app_desc.yaml": _ENV_V2_QUOTED},
        ),
        Example.fixed(
            "version 3 variables and their per-environment overlay",
            {"app_desc.yaml": _V3.replace("value: INFO", "value: off")
                + "      envOverlay:\n        envVariables:\n          - envName: prod\n"
                  "            name: TIMEOUT\n            value: 1:30\n"},
            {"app_desc.yaml": _V3.replace("value: INFO", 'value: "off"')
                + "      envOverlay:\n        envVariables:\n          - envName: prod\n"
                  "            name: TIMEOUT\n            value: \"1:30\"\n"},
        ),
        Example.fixed(
            "a value shared through an anchor is quoted where it is written",
            {"app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    language: Python\n"
                              "    env_variables:\n      - key: PIP_VERSION\n        value: &pip 20.10\n"
                              "  api:\n    language: Python\n    env_variables:\n"
                              "      - key: PIP_VERSION\n        value: *pip\n"},
            {"app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    language: Python\n"
                              "    env_variables:\n      - key: PIP_VERSION\n        value: &pip \"20.10\"\n"
                              "  api:\n    language: Python\n    env_variables:\n"
                              "      - key: PIP_VERSION\n        value: *pip\n"},
        ),
        Example.fixed(
            "an empty processes key is removed, the Procfile defines them",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
                              "  # the processes are in the Procfile\n  processes:\n"
                              "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n",
             "Procfile": "web: gunicorn wsgi -b :$PORT\n"},
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
                              "  # the processes are in the Procfile\n"
                              "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n",
             "Procfile": "web: gunicorn wsgi -b :$PORT\n"},
        ),
        Example.fixed(
            "an empty flow mapping of processes is removed",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  processes: {}  # see the Procfile\n"
                              "  language: Python\n",
             "Procfile": "web: gunicorn wsgi -b :$PORT\n"},
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n",
             "Procfile": "web: gunicorn wsgi -b :$PORT\n"},
        ),
        Example.fixed(
            "every repair of a file without a version, the version last",
            {"app_desc.yaml": "module:\n  language: Node.js\n  env_variables:\n"
                              "    - key: NODE_VERSION\n      value: 16.20\n"},
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: NodeJS\n  env_variables:\n"
                              "    - key: NODE_VERSION\n      value: \"16.20\"\n"},
        ),
        Example.fixed(
            "no version next to a Procfile is an unsafe fix",
            {"app_desc.yaml": "module:\n  language: Python\n  env_variables:\n"
                              "    - key: LOG_LEVEL\n      value: INFO\n",
             "Procfile": "web: gunicorn wsgi -b :$PORT\n"},
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "    - key: LOG_LEVEL\n      value: INFO\n",
             "Procfile": "web: gunicorn wsgi -b :$PORT\n"},
            unsafe=True,
        ),
        Example.fixed(
            "CRLF line endings and app_desc.yml in the build directory",
            {"src/app_desc.yml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n"
                                 "  env_variables:\r\n    - key: DEBUG\r\n      value: True\r\n",
             "src/requirements.txt": "Django==3.2.25\r\n"},
            {"src/app_desc.yml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n"
                                 "  env_variables:\r\n    - key: DEBUG\r\n      value: \"True\"\r\n",
             "src/requirements.txt": "Django==3.2.25\r\n"},
            build_dir="src",
        ),
        Example.manual(
            "a value an anchor also gives to a setting that is not a variable",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "    - key: WORKERS\n      value: &workers 4.0\n  processes:\n"
                              "    web:\n      command: gunicorn wsgi\n      replicas: *workers\n"},
        ),
        Example.manual(
            "process names the platform refuses are not renamed",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                              "    Web:\n      command: gunicorn wsgi\n"
                              "    celery_worker:\n      command: celery -A app worker\n"},
        ),
        Example.manual(
            "variable names the platform refuses are not renamed",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "    - key: log_level\n      value: INFO\n"
                              "    - key: BKPAAS_DEBUG\n      value: '1'\n"},
        ),
        Example.manual(
            "an explicit null value",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "    - key: SENTRY_DSN\n      value: null\n"},
        ),
        Example.manual(
            "a language the platform does not build",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Ruby\n"},
        ),
        Example.manual(
            "legacy version 1 description",
            {"app_desc.yaml": "app_code: hello\napp_name: Hello\nversion: 0.0.1\n"
                              "is_use_celery: False\nauthor: blueking\nintroduction: hello\n"},
        ),
        Example.manual("a version the platform does not support",
                       {"app_desc.yaml": "spec_version: 1\nmodule:\n  language: Python\n"}),
        Example.manual(
            "modules in both the version 2 and the version 3 form, no version",
            {"app_desc.yaml": "modules:\n  - name: default\n    language: Python\n"
                              "    env_variables:\n      - key: A\n        value: b\n"},
        ),
        Example.manual(
            "no version, and the version would expose a process name the platform refuses",
            {"app_desc.yaml": "module:\n  language: Python\n  processes:\n"
                              "    Web:\n      command: gunicorn wsgi\n"},
        ),
        Example.manual(
            "YAML broken by something else than a full-width colon",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n\tlanguage: Python\n"},
        ),
        Example.manual(
            "a full-width colon glued to its value",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language：Python\n  processes:\n"
                              "    web:\n      command: gunicorn wsgi\n"},
        ),
        Example.manual("an empty description", {"app_desc.yaml": "# to be written\n"}),
        Example.manual(
            "an empty process list in version 3",
            {"app_desc.yaml": "specVersion: 3\nmodule:\n  name: default\n  language: Python\n"
                              "  spec:\n    processes: []\n"},
        ),
        Example.clean(
            "a valid description with quoted values and whole numbers",
            {"app_desc.yaml": _ENV_V2_QUOTED},
        ),
        Example.clean("a valid version 3 description", {"app_desc.yaml": _V3}),
        Example.clean(
            "full-width colons in comments, strings and text values",
            {"app_desc.yaml": "# 说明：部署描述\nspec_version: 2\nmodule:\n  language: Python\n"
                              "  env_variables:\n    - key: GREETING\n      value: \"你好： 世界\"\n"
                              "      description: 问候语：用于首页\n"
                              "    - key: NOTE\n      value: |\n        note： kept as text\n"},
        ),
        Example.clean(
            "more than 16 processes is another fixer's concern",
            {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
             + "".join(f"    p{n}:\n      command: python worker.py {n}\n" for n in range(17))},
        ),
        Example.clean("no app_desc.yaml", {"requirements.txt": "Django==3.2.25\n"}),
    )
