"""fix-app-desc: repair app_desc.yaml where the platform rejects or misreads what the author
clearly meant (the repairs themselves are :mod:`paasfix.platform.appdesc_repairs`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paasfix.fixer import ERROR, SAFE, UNSAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.platform import appdesc_advice as advice
from paasfix.platform import rules
from paasfix.platform.appdesc_repairs import (
    FULLWIDTH_COLON,
    Document,
    Repairs,
    apply,
    colon_repairs,
    fullwidth_lines,
    parse_dotted,
    repairs_of,
)
from paasfix.project import Project, YamlFile

Edits = tuple[Edit, ...]


class FixAppDesc(Fixer[Edits]):
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

    def detect(self, project: Project) -> Iterator[Finding[Edits]]:
        desc = project.app_desc
        if desc is None:
            return
        if not desc.loaded:
            yield self._unloadable(desc)
            return
        if not isinstance(desc.data, dict):
            yield self.manual(advice.not_a_mapping(desc.path, desc.data), desc.path, 1)
            return
        doc = Document(desc.file.text)
        repairs = repairs_of(doc)
        if isinstance(repairs, str):
            yield self.manual(f"{desc.path}: {repairs}", desc.path, 1)
            return
        for group in repairs.groups:
            plan = (Edit(desc.path, desc.file.encode(group.text)),)
            message = advice.repaired_values(desc.path, group)
            yield self.finding(message, desc.path, group.repairs[0].line, plan=plan)
        if repairs.version is not None:
            yield self._version_finding(project, desc, doc, repairs)
        for problem in repairs.remaining:
            if problem.kind == "process-count":
                continue
            line = doc.line_of(parse_dotted(problem.where)) if problem.where else None
            yield self.manual(advice.advice(desc.path, problem), desc.path, line)

    def fix(self, project: Project, finding: Finding[Edits]) -> list[Edit]:
        return list(finding.planned)

    def _unloadable(self, desc: YamlFile) -> Finding[Edits]:
        text, problem = desc.file.text, desc.problem
        assert problem is not None
        repairs = colon_repairs(text) if FULLWIDTH_COLON in text else None
        if not repairs:
            message = advice.unreadable(desc.path, problem, fullwidth_lines(text))
            return self.manual(message, desc.path, problem.line)
        plan = (Edit(desc.path, desc.file.encode(apply(text, repairs))),)
        message = advice.fullwidth_colons(desc.path, repairs)
        return self.finding(message, desc.path, repairs[0].line, plan=plan)

    def _version_finding(
        self, project: Project, desc: YamlFile, doc: Document, repairs: Repairs
    ) -> Finding[Edits]:
        """The version is repaired last, together with every other repair, and only when the
        platform then accepts the whole file."""
        assert repairs.version is not None
        line, has_procfile = repairs.version.line, project.procfile is not None
        current = rules.spec_version(doc.data)
        message = advice.missing_version(desc.path, current, has_procfile, repairs.version.what)
        if repairs.remaining or not repairs.as_meant:
            shown = (
                "; ".join(str(problem) for problem in repairs.remaining)
                or "the repaired file does not load back as expected"
            )
            return self.manual(
                f"{message}, after correcting what the platform would then reject: {shown}",
                desc.path,
                line,
            )
        plan = (Edit(desc.path, desc.file.encode(repairs.text)),)
        if not has_procfile:
            return self.finding(message, desc.path, line, plan=plan)
        return self.finding(
            message + ". The platform then reads this file instead of ignoring "
            "it: check that its processes and variables are the ones you want",
            desc.path,
            line,
            safety=UNSAFE,
            severity=WARNING,
            plan=plan,
        )


# -- examples ------------------------------------------------------------------------------------


def _desc(name: str, before: str, after: str | None = None, **kw: Any) -> Example:
    """app_desc.yaml alone, repaired into ``after`` (reported only when ``after`` is None)."""
    if after is None:
        return Example.manual(name, {"app_desc.yaml": before}, **kw)
    return Example.fixed(name, {"app_desc.yaml": before}, {"app_desc.yaml": after}, **kw)


_V2 = "spec_version: 2\nmodule:\n  language: Python\n"
_BK_LOG = (
    'spec_version: 2\napp_version: "4.3.0"\nmodules:\n    default:\n        is_default: True\n'
    "        source_dir: src\n        language: Python\n        # 依赖的服务：监控平台\n"
    "        processes:\n            web:\n"
    "                command: gunicorn wsgi -w 4 -b :$PORT --access-logfile -\n"
    "        svc_discovery：\n            bk_saas：\n                - bk_app_code: bk_monitorv3\n\n"
    "    api:\n        is_default: False\n        source_dir: src\n        language: Python\n"
)
_V3 = (
    "specVersion: 3\nmodules:\n  - name: default\n    isDefault: true\n    sourceDir: src\n"
    "    language: Python\n    spec:\n      processes:\n        - name: web\n"
    "          procCommand: gunicorn wsgi -b :$PORT\n      configuration:\n        env:\n"
    "          - name: LOG_LEVEL\n            value: INFO\n"
)
_ENV_TEMPLATE = (
    _V2 + "  env_variables:\n    # pip 20.10 understands the new wheel tags\n"
    "    - key: PIP_VERSION\n      value:{}\n    - key: FEATURE_FLAGS\n      value:{}   # every flag on\n"
    "    - key: DEBUG\n      value:{}\n      environment_name: stag\n    - key: UMASK\n      value:{}\n"
    "    - key: RELEASED\n      value:{}\n    - key: BATCH\n      value:{}\n"
    "    - key: EMPTY_PREFIX\n      value:{}\n    - key: WORKERS\n      value: 4\n"
)
_TYPED = ("20.10", "yes", "true", "0022", "2024-05-01", "1_000", "")
_ENV_V2 = _ENV_TEMPLATE.format(*(f" {value}" if value else "" for value in _TYPED))
_ENV_V2_QUOTED = _ENV_TEMPLATE.format(*(f' "{value}"' for value in _TYPED))
_PROCFILE = {"Procfile": "web: gunicorn wsgi -b :$PORT\n"}
_LOG_LEVEL = "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n"
_OVERLAY = (
    "      envOverlay:\n        envVariables:\n          - envName: prod\n"
    "            name: TIMEOUT\n            value: {}\n"
)
_ANCHORED = (
    "spec_version: 2\nmodules:\n  default:\n    language: Python\n    env_variables:\n"
    "      - key: PIP_VERSION\n        value: &pip {}\n  api:\n    language: Python\n"
    "    env_variables:\n      - key: PIP_VERSION\n        value: *pip\n"
)
_LANGUAGES = (
    "spec_version: 2\nmodules:\n  web:\n    is_default: true\n    language: {}\n  api:\n"
    "    language: {}\n  jobs:\n    language: {}\n  docs:\n    language: nodejs\n"
)
_CRLF = (
    "spec_version: 2\r\nmodule:\r\n  language: Python\r\n  env_variables:\r\n"
    "    - key: DEBUG\r\n      value: {}\r\n"
)
_COLONS_IN_TEXT = (
    "# 说明：部署描述\nspec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
    '    - key: GREETING\n      value: "你好： 世界"\n      description: 问候语：用于首页\n'
    "    - key: NOTE\n      value: |\n        note： kept as text\n"
)
_MANY = "".join(f"    p{n}:\n      command: python worker.py {n}\n" for n in range(17))
_EMPTY_PROCESSES = "  # the processes are in the Procfile\n  processes:\n"

FixAppDesc.examples = (
    _desc(
        "full-width colons after keys, as in bk-log",
        _BK_LOG,
        _BK_LOG.replace("svc_discovery：", "svc_discovery:").replace("bk_saas：", "bk_saas:"),
        message="line 12 `svc_discovery：`, line 13 `bk_saas：` have a full-width colon",
        line=12,
    ),
    _desc(
        "a full-width colon before a value and in a list item",
        _V2.replace(":", "：", 1) + "  env_variables:\n    - key： LOG_LEVEL\n      value: INFO\n",
        _V2 + _LOG_LEVEL,
        message="line 1 `spec_version：`, line 5 `- key：` have a full-width colon",
        line=1,
    ),
    _desc(
        "no spec version: spec_version 2 goes above the first key, under the header comment",
        "# deploy description\n"
        + _V2[16:]
        + "  processes:\n    web:\n      command: gunicorn wsgi -b :$PORT\n",
        "# deploy description\n"
        + _V2
        + "  processes:\n    web:\n      command: gunicorn wsgi -b :$PORT\n",
        message="no spec version is specified`; add `spec_version: 2`",
        line=2,
    ),
    _desc(
        "no version on a file written in the version 3 form",
        _V3.replace("specVersion: 3\n", ""),
        _V3,
        message="has no spec version, so the deploy fails",
        line=1,
    ),
    _desc(
        "a quoted version becomes a number",
        'spec_version: "2"  # required\nmodule:\n  language: Python\n',
        "spec_version: 2  # required\nmodule:\n  language: Python\n",
        message='write `spec_version: 2` instead of `spec_version: "2"`',
        line=1,
    ),
    _desc(
        "a quoted specVersion becomes a number",
        _V3.replace("specVersion: 3", "specVersion: '3'"),
        _V3,
        message="write `specVersion: 3` instead of `specVersion: '3'`",
        line=1,
    ),
    _desc(
        "language spellings the platform refuses, quotes kept",
        _LANGUAGES.format("Node.js", '"golang"', "python3"),
        _LANGUAGES.format("NodeJS", '"Go"', "Python"),
        message="modules.web.language: 'Node.js' is not a supported language; write NodeJS",
        line=5,
    ),
    _desc(
        "environment values that YAML types are quoted as written",
        _ENV_V2,
        _ENV_V2_QUOTED,
        message="PIP_VERSION `20.10` (line 7) reads as the number 20.1",
        line=7,
    ),
    _desc(
        "version 3 variables and their per-environment overlay",
        _V3.replace("value: INFO", "value: off") + _OVERLAY.format("1:30"),
        _V3.replace("value: INFO", 'value: "off"') + _OVERLAY.format('"1:30"'),
        message="TIMEOUT `1:30` (line 19) reads as the number 90",
        line=14,
    ),
    _desc(
        "a value shared through an anchor is quoted where it is written",
        _ANCHORED.format("20.10"),
        _ANCHORED.format('"20.10"'),
        message="PIP_VERSION `20.10` (line 7) reads as the number 20.1; quote them",
        line=7,
    ),
    Example.fixed(
        "an empty processes key is removed, the Procfile defines them",
        {"app_desc.yaml": _V2 + _EMPTY_PROCESSES + _LOG_LEVEL, **_PROCFILE},
        {"app_desc.yaml": _V2 + _EMPTY_PROCESSES[:-13] + _LOG_LEVEL, **_PROCFILE},
        message="module.processes (line 5) is empty",
        line=5,
    ),
    Example.fixed(
        "an empty flow mapping of processes is removed",
        {
            "app_desc.yaml": _V2.replace("  lang", "  processes: {}  # see the Procfile\n  lang"),
            **_PROCFILE,
        },
        {"app_desc.yaml": _V2, **_PROCFILE},
        message="module.processes (line 3) is empty",
        line=3,
    ),
    _desc(
        "every repair of a file without a version, the version last",
        "module:\n  language: Node.js\n  env_variables:\n    - key: NODE_VERSION\n      value: 16.20\n",
        'spec_version: 2\nmodule:\n  language: NodeJS\n  env_variables:\n    - key: NODE_VERSION\n      value: "16.20"\n',
        message="has no spec version",
        line=1,
    ),
    Example.fixed(
        "no version next to a Procfile is an unsafe fix",
        {"app_desc.yaml": _V2[16:] + _LOG_LEVEL, **_PROCFILE},
        {"app_desc.yaml": _V2 + _LOG_LEVEL, **_PROCFILE},
        unsafe=True,
        message="uses only the Procfile; add `spec_version: 2`",
        line=1,
    ),
    Example.fixed(
        "CRLF line endings and app_desc.yml in the build directory",
        {"src/app_desc.yml": _CRLF.format("True"), "src/requirements.txt": "Django==3.2.25\r\n"},
        {"src/app_desc.yml": _CRLF.format('"True"'), "src/requirements.txt": "Django==3.2.25\r\n"},
        build_dir="src",
        message="DEBUG `True` (line 6) reads as a boolean",
        path="src/app_desc.yml",
        line=6,
    ),
    _desc(
        "a value an anchor also gives to a setting that is not a variable",
        _V2 + "  env_variables:\n    - key: WORKERS\n      value: &workers 4.0\n  processes:\n"
        "    web:\n      command: gunicorn wsgi\n      replicas: *workers\n",
        message="quoting it would change other data too",
        line=5,
    ),
    *(
        _desc(name, text, message=message, line=line)
        for name, text, message, line in (
            (
                "no version, and the version would expose a process name the platform refuses",
                "module:\n  language: Python\n  processes:\n    Web:\n      command: gunicorn wsgi\n",
                "after correcting what the platform would then reject: module.processes.Web",
                1,
            ),
            (
                "YAML broken by something else than a full-width colon",
                "spec_version: 2\nmodule:\n\tlanguage: Python\n",
                "cannot be read as YAML (found character '\\t' that cannot start any token, line 3)",
                3,
            ),
            (
                "an empty description",
                "# to be written\n",
                "is empty, so the platform refuses it (must be dict type)",
                1,
            ),
        )
    ),
    *(
        Example.clean(name, {"app_desc.yaml": text})
        for name, text in (
            ("a valid description with quoted values and whole numbers", _ENV_V2_QUOTED),
            ("a valid version 3 description", _V3),
            ("full-width colons in comments, strings and text values", _COLONS_IN_TEXT),
            ("more than 16 processes is another fixer's concern", f"{_V2}  processes:\n{_MANY}"),
        )
    ),
    Example.clean("no app_desc.yaml", {"requirements.txt": "Django==3.2.25\n"}),
)
