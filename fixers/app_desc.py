"""fix-app-desc: repair app_desc.yaml where the platform rejects or misreads what the author
clearly meant (the repairs themselves are :mod:`paasfix.platform.appdesc_repairs`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from paasfix.fixer import ERROR, SAFE, UNSAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.platform import rules
from paasfix.project import Project, YamlFile

if TYPE_CHECKING:
    from paasfix.platform.appdesc_repairs import Document, Repairs


class FixAppDesc(Fixer[tuple[Edit, ...]]):
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

    def detect(self, project: Project) -> Iterator[Finding[tuple[Edit, ...]]]:
        desc = project.app_desc
        if desc is None:
            return
        from paasfix.platform.appdesc_repairs import ENV_VALUES, Document, parse_dotted, repairs_of

        if not desc.loaded:
            yield self._unloadable(desc)
            return
        if not isinstance(desc.data, dict):
            what = "is empty" if desc.data is None else "is not a mapping of keys to values"
            yield self.manual(
                f"{desc.path} {what}, so the platform refuses it (must be dict "
                "type); write the description or remove the file",
                desc.path,
                1,
            )
            return
        doc = Document(desc.file.text)
        repairs = repairs_of(doc)
        if isinstance(repairs, str):
            yield self.manual(f"{desc.path}: {repairs}", desc.path, 1)
            return
        for group in repairs.groups:
            details = "; ".join(repair.what for repair in group.repairs if repair.what)
            message = (
                f"{desc.path}: {details}"
                if group.kind != ENV_VALUES
                else (
                    f"{desc.path}: environment variable values that YAML does not read as written: "
                    f"{details}; quote them exactly as written"
                )
            )
            yield self.finding(
                message,
                desc.path,
                group.repairs[0].line,
                plan=(Edit(desc.path, desc.file.encode(group.text)),),
            )
        if repairs.version is not None:
            yield self._version_finding(project, desc, doc, repairs)
        for problem in repairs.remaining:
            if problem.kind == "process-count":
                continue
            line = doc.line_of(parse_dotted(problem.where)) if problem.where else None
            yield self.manual(manual_message(desc.path, problem), desc.path, line)

    def fix(self, project: Project, finding: Finding[tuple[Edit, ...]]) -> list[Edit]:
        return list(finding.planned)

    def _unloadable(self, desc: YamlFile) -> Finding[tuple[Edit, ...]]:
        from paasfix.platform.appdesc_repairs import (
            FULLWIDTH_COLON,
            apply,
            colon_repairs,
            fullwidth_lines,
        )

        text = desc.file.text
        repairs = colon_repairs(text) if FULLWIDTH_COLON in text else None
        problem = desc.problem
        assert problem is not None
        if not repairs:
            suspects = fullwidth_lines(text)
            hint = (
                ""
                if not suspects
                else (
                    f" (line {', '.join(map(str, suspects))} has a full-width colon ：; where it "
                    "ends a key, YAML needs `:` followed by a blank)"
                )
            )
            at = f", line {problem.line}" if problem.line else ""
            return self.manual(
                f"{desc.path} cannot be read as YAML ({problem.message}{at}), so the platform "
                f'stops every deploy with `file "{desc.path.rpartition("/")[2]}"\'s format is not '
                f"YAML`; correct that line{hint}",
                desc.path,
                problem.line,
            )
        where = ", ".join(f"line {r.line} `{r.what}`" for r in repairs)
        edit = Edit(desc.path, desc.file.encode(apply(text, repairs)))
        return self.finding(
            f"{desc.path} cannot be read as YAML: {where} "
            f"{'has' if len(repairs) == 1 else 'have'} a full-width colon (：) "
            "where YAML needs `:`; replace it with `:`",
            desc.path,
            repairs[0].line,
            plan=(edit,),
        )

    def _version_finding(
        self, project: Project, desc: YamlFile, doc: Document, repairs: Repairs
    ) -> Finding[tuple[Edit, ...]]:
        """The version is repaired last, together with every other repair, and only when the
        platform then accepts the whole file."""
        assert repairs.version is not None
        line = repairs.version.line
        current = rules.spec_version(doc.data)
        state = (
            "has no spec version" if current is None else "has a spec version the platform refuses"
        )
        detail = (
            "no spec version is specified"
            if current is None
            else f'app spec version "{current}" is not supported'
        )
        effect = (
            "the platform ignores it and uses only the Procfile"
            if project.procfile is not None
            else "the deploy fails with `the procfile data is empty and the app desc data is "
            f"invalid, detail: {detail}`"
        )
        message = f"{desc.path} {state}, so {effect}; {repairs.version.what}"
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
        if project.procfile is None:
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


def manual_message(path: str, problem: rules.Problem) -> str:
    text = f"{path}: {str(problem).rstrip('.')}"
    if problem.kind == "process-name":
        return (
            f"{text}; rename the process here and wherever it is referred to (paasfix does "
            "not rename processes)"
        )
    if problem.kind == "env-key":
        return (
            f"{text}; rename the variable here and in the code that reads it (paasfix does "
            "not rename variables)"
        )
    if problem.kind == "env-value" and "null" in problem.message:
        return f'{text}; give it a quoted value ("" for an empty one) or remove the entry'
    if problem.kind == "env-value":
        return (
            f"{text}; paasfix leaves it because quoting it would change other data too (an "
            "anchor or a tag on the value): write this value in quotes yourself"
        )
    if problem.kind == "language":
        return text
    return f"{text}; the platform refuses the file until this is corrected"


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


FixAppDesc.examples = (
    Example.fixed(
        "full-width colons after keys, as in bk-log",
        {"app_desc.yaml": _BK_LOG},
        {
            "app_desc.yaml": _BK_LOG.replace("svc_discovery：", "svc_discovery:").replace(
                "bk_saas：", "bk_saas:"
            )
        },
        message="line 12 `svc_discovery：`, line 13 `bk_saas：` have a full-width colon",
        line=12,
    ),
    Example.fixed(
        "a full-width colon before a value and in a list item",
        {
            "app_desc.yaml": "spec_version： 2\nmodule:\n  language: Python\n  env_variables:\n"
            "    - key： LOG_LEVEL\n      value: INFO\n"
        },
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
            "    - key: LOG_LEVEL\n      value: INFO\n"
        },
        message="line 1 `spec_version：`, line 5 `- key：` have a full-width colon",
        line=1,
    ),
    Example.fixed(
        "no spec version: spec_version 2 goes above the first key, under the header comment",
        {
            "app_desc.yaml": "# deploy description\nmodule:\n  language: Python\n  processes:\n"
            "    web:\n      command: gunicorn wsgi -b :$PORT\n"
        },
        {
            "app_desc.yaml": "# deploy description\nspec_version: 2\nmodule:\n  language: Python\n"
            "  processes:\n    web:\n      command: gunicorn wsgi -b :$PORT\n"
        },
        message="no spec version is specified`; add `spec_version: 2`",
        line=2,
    ),
    Example.fixed(
        "no version on a file written in the version 3 form",
        {"app_desc.yaml": _V3.replace("specVersion: 3\n", "")},
        {"app_desc.yaml": _V3},
        message="has no spec version, so the deploy fails",
        line=1,
    ),
    Example.fixed(
        "a quoted version becomes a number",
        {"app_desc.yaml": 'spec_version: "2"  # required\nmodule:\n  language: Python\n'},
        {"app_desc.yaml": "spec_version: 2  # required\nmodule:\n  language: Python\n"},
        message='write `spec_version: 2` instead of `spec_version: "2"`',
        line=1,
    ),
    Example.fixed(
        "a quoted specVersion becomes a number",
        {"app_desc.yaml": _V3.replace("specVersion: 3", "specVersion: '3'")},
        {"app_desc.yaml": _V3},
        message="write `specVersion: 3` instead of `specVersion: '3'`",
        line=1,
    ),
    Example.fixed(
        "language spellings the platform refuses, quotes kept",
        {
            "app_desc.yaml": "spec_version: 2\nmodules:\n  web:\n    is_default: true\n"
            '    language: Node.js\n  api:\n    language: "golang"\n'
            "  jobs:\n    language: python3\n  docs:\n    language: nodejs\n"
        },
        {
            "app_desc.yaml": "spec_version: 2\nmodules:\n  web:\n    is_default: true\n"
            '    language: NodeJS\n  api:\n    language: "Go"\n'
            "  jobs:\n    language: Python\n  docs:\n    language: nodejs\n"
        },
        message="modules.web.language: 'Node.js' is not a supported language; write NodeJS",
        line=5,
    ),
    Example.fixed(
        "environment values that YAML types are quoted as written",
        {"app_desc.yaml": _ENV_V2},
        {"app_desc.yaml": _ENV_V2_QUOTED},
        message="PIP_VERSION `20.10` (line 7) reads as the number 20.1",
        line=7,
    ),
    Example.fixed(
        "version 3 variables and their per-environment overlay",
        {
            "app_desc.yaml": _V3.replace("value: INFO", "value: off")
            + "      envOverlay:\n        envVariables:\n          - envName: prod\n"
            "            name: TIMEOUT\n            value: 1:30\n"
        },
        {
            "app_desc.yaml": _V3.replace("value: INFO", 'value: "off"')
            + "      envOverlay:\n        envVariables:\n          - envName: prod\n"
            '            name: TIMEOUT\n            value: "1:30"\n'
        },
        message="TIMEOUT `1:30` (line 19) reads as the number 90",
        line=14,
    ),
    Example.fixed(
        "a value shared through an anchor is quoted where it is written",
        {
            "app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    language: Python\n"
            "    env_variables:\n      - key: PIP_VERSION\n        value: &pip 20.10\n"
            "  api:\n    language: Python\n    env_variables:\n"
            "      - key: PIP_VERSION\n        value: *pip\n"
        },
        {
            "app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    language: Python\n"
            '    env_variables:\n      - key: PIP_VERSION\n        value: &pip "20.10"\n'
            "  api:\n    language: Python\n    env_variables:\n"
            "      - key: PIP_VERSION\n        value: *pip\n"
        },
        message="PIP_VERSION `20.10` (line 7) reads as the number 20.1; quote them",
        line=7,
    ),
    Example.fixed(
        "an empty processes key is removed, the Procfile defines them",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
            "  # the processes are in the Procfile\n  processes:\n"
            "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n",
            "Procfile": "web: gunicorn wsgi -b :$PORT\n",
        },
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
            "  # the processes are in the Procfile\n"
            "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n",
            "Procfile": "web: gunicorn wsgi -b :$PORT\n",
        },
        message="module.processes (line 5) is empty",
        line=5,
    ),
    Example.fixed(
        "an empty flow mapping of processes is removed",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  processes: {}  # see the Procfile\n"
            "  language: Python\n",
            "Procfile": "web: gunicorn wsgi -b :$PORT\n",
        },
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n",
            "Procfile": "web: gunicorn wsgi -b :$PORT\n",
        },
        message="module.processes (line 3) is empty",
        line=3,
    ),
    Example.fixed(
        "every repair of a file without a version, the version last",
        {
            "app_desc.yaml": "module:\n  language: Node.js\n  env_variables:\n"
            "    - key: NODE_VERSION\n      value: 16.20\n"
        },
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: NodeJS\n  env_variables:\n"
            '    - key: NODE_VERSION\n      value: "16.20"\n'
        },
        message="has no spec version",
        line=1,
    ),
    Example.fixed(
        "no version next to a Procfile is an unsafe fix",
        {
            "app_desc.yaml": "module:\n  language: Python\n  env_variables:\n"
            "    - key: LOG_LEVEL\n      value: INFO\n",
            "Procfile": "web: gunicorn wsgi -b :$PORT\n",
        },
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
            "    - key: LOG_LEVEL\n      value: INFO\n",
            "Procfile": "web: gunicorn wsgi -b :$PORT\n",
        },
        unsafe=True,
        message="uses only the Procfile; add `spec_version: 2`",
        line=1,
    ),
    Example.fixed(
        "CRLF line endings and app_desc.yml in the build directory",
        {
            "src/app_desc.yml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n"
            "  env_variables:\r\n    - key: DEBUG\r\n      value: True\r\n",
            "src/requirements.txt": "Django==3.2.25\r\n",
        },
        {
            "src/app_desc.yml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n"
            '  env_variables:\r\n    - key: DEBUG\r\n      value: "True"\r\n',
            "src/requirements.txt": "Django==3.2.25\r\n",
        },
        build_dir="src",
        message="DEBUG `True` (line 6) reads as a boolean",
        path="src/app_desc.yml",
        line=6,
    ),
    Example.manual(
        "a value an anchor also gives to a setting that is not a variable",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
            "    - key: WORKERS\n      value: &workers 4.0\n  processes:\n"
            "    web:\n      command: gunicorn wsgi\n      replicas: *workers\n"
        },
        message="quoting it would change other data too",
        line=5,
    ),
    Example.manual(
        "process names the platform refuses are not renamed",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            "    Web:\n      command: gunicorn wsgi\n"
            "    celery_worker:\n      command: celery -A app worker\n"
        },
        message="module.processes.Web: Invalid proc type",
        line=5,
    ),
    Example.manual(
        "variable names the platform refuses are not renamed",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
            "    - key: log_level\n      value: INFO\n"
            "    - key: BKPAAS_DEBUG\n      value: '1'\n"
        },
        message="module.env_variables[0]: environment variable name 'log_level'",
        line=5,
    ),
    Example.manual(
        "an explicit null value",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
            "    - key: SENTRY_DSN\n      value: null\n"
        },
        message="the value of SENTRY_DSN is null",
        line=5,
    ),
    Example.manual(
        "a language the platform does not build",
        {"app_desc.yaml": "spec_version: 2\nmodule:\n  language: Ruby\n"},
        message="'Ruby' is not a supported language",
        line=3,
    ),
    Example.manual(
        "legacy version 1 description",
        {
            "app_desc.yaml": "app_code: hello\napp_name: Hello\nversion: 0.0.1\n"
            "is_use_celery: False\nauthor: blueking\nintroduction: hello\n"
        },
        message="a version 1 (app.yaml style) description",
        line=1,
    ),
    Example.manual(
        "a version the platform does not support",
        {"app_desc.yaml": "spec_version: 1\nmodule:\n  language: Python\n"},
        message="`spec_version: 1` is not a version the platform supports",
        line=1,
    ),
    Example.manual(
        "modules in both the version 2 and the version 3 form, no version",
        {
            "app_desc.yaml": "modules:\n  - name: default\n    language: Python\n"
            "    env_variables:\n      - key: A\n        value: b\n"
        },
        message="mix the spec_version 2 and specVersion 3 forms",
        line=1,
    ),
    Example.manual(
        "no version, and the version would expose a process name the platform refuses",
        {
            "app_desc.yaml": "module:\n  language: Python\n  processes:\n"
            "    Web:\n      command: gunicorn wsgi\n"
        },
        message="after correcting what the platform would then reject: module.processes.Web",
        line=1,
    ),
    Example.manual(
        "YAML broken by something else than a full-width colon",
        {"app_desc.yaml": "spec_version: 2\nmodule:\n\tlanguage: Python\n"},
        message="cannot be read as YAML (found character '\\t' that cannot start any token, "
        "line 3)",
        line=3,
    ),
    Example.manual(
        "a full-width colon glued to its value",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language：Python\n  processes:\n"
            "    web:\n      command: gunicorn wsgi\n"
        },
        message="(line 3 has a full-width colon ：;",
        line=4,
    ),
    Example.manual(
        "an empty description",
        {"app_desc.yaml": "# to be written\n"},
        message="is empty, so the platform refuses it (must be dict type)",
        line=1,
    ),
    Example.manual(
        "an empty process list in version 3",
        {
            "app_desc.yaml": "specVersion: 3\nmodule:\n  name: default\n  language: Python\n"
            "  spec:\n    processes: []\n"
        },
        message="spec.processes must be a non-empty list",
        line=6,
    ),
    Example.clean(
        "a valid description with quoted values and whole numbers",
        {"app_desc.yaml": _ENV_V2_QUOTED},
    ),
    Example.clean("a valid version 3 description", {"app_desc.yaml": _V3}),
    Example.clean(
        "full-width colons in comments, strings and text values",
        {
            "app_desc.yaml": "# 说明：部署描述\nspec_version: 2\nmodule:\n  language: Python\n"
            '  env_variables:\n    - key: GREETING\n      value: "你好： 世界"\n'
            "      description: 问候语：用于首页\n"
            "    - key: NOTE\n      value: |\n        note： kept as text\n"
        },
    ),
    Example.clean(
        "more than 16 processes is another fixer's concern",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            + "".join(f"    p{n}:\n      command: python worker.py {n}\n" for n in range(17))
        },
    ),
    Example.clean("no app_desc.yaml", {"requirements.txt": "Django==3.2.25\n"}),
)
