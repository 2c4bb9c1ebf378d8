"""fix-py-collect-static: give the settings the build imports a STATIC_ROOT, so that the build's
``manage.py collectstatic`` step has somewhere to put the static files."""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass
from typing import Iterator, Optional, Union

from paasfix import django
from paasfix.appdesc import ENVIRONMENTS, env_values
from paasfix.django import Binding, SettingsChain
from paasfix.fixer import ERROR, SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.project import Project

DISABLE_VARIABLE = "DISABLE_COLLECTSTATIC"
DISABLED_MARKER = (".heroku", "collectstatic_disabled")
STATICFILES_APP = "django.contrib.staticfiles"
FOLDER = "staticfiles"
DEFAULT_STATIC_URL = "/static/"

FILESYSTEM_STORAGES = frozenset({
    "django.contrib.staticfiles.storage.StaticFilesStorage",
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    "django.contrib.staticfiles.storage.CachedStaticFilesStorage",
    "whitenoise.storage.CompressedStaticFilesStorage",
    "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "whitenoise.django.GzipManifestStaticFilesStorage",
})
"""Static file storages that write into STATIC_ROOT (others, like S3, do not need it)."""

PATH, TEXT, UNKNOWN = "Path", "str", "unknown"
PATH_CLASSES = frozenset({"Path", "PurePath", "PosixPath"})
PATH_METHODS = frozenset({"resolve", "absolute", "expanduser", "joinpath", "with_name",
                          "with_suffix"})
TEXT_FUNCTIONS = frozenset({"os.path.dirname", "os.path.abspath", "os.path.join",
                            "os.path.realpath", "os.path.normpath", "os.path.expanduser",
                            "os.getcwd", "str"})
TEXT_METHODS = frozenset({"as_posix", "replace", "rstrip", "strip", "format"})
_MAX_HOPS = 6


# -- reading the settings ------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Where STATIC_ROOT goes and what it says."""

    path: str
    after: Optional[int]
    """The first line of the module-level statement to insert after; None: the module's end."""
    lines: tuple[str, ...]
    import_os: bool
    settings: str
    description: str
    """What is inserted, for the message."""


@dataclass(frozen=True)
class Unclear:
    """A person has to look: why, and where."""

    message: str
    path: Optional[str]
    line: Optional[int]
    severity: str = WARNING


Outcome = Union[Plan, Unclear, None]
"""None: STATIC_ROOT is set, or may be set somewhere paasfix cannot see, or is not needed."""


def _dotted(node: ast.AST) -> Optional[str]:
    """``os.path.join`` for that attribute chain of names."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _imported_from(tree: ast.Module, name: str, modules: tuple[str, ...]) -> bool:
    return any(isinstance(node, ast.ImportFrom) and node.module in modules
               and any((alias.asname or alias.name) == name for alias in node.names)
               for node in ast.walk(tree))


class _Kinds:
    """Whether an expression in a settings module is a ``pathlib.Path`` or a ``str``."""

    def __init__(self, chain: SettingsChain):
        self.chain = chain

    def of(self, bindings: Optional[list[Binding]], hops: int = 0) -> str:
        if not bindings:
            return UNKNOWN
        kinds = {self.expression(b.path, b.value, b.line, hops) if b.value is not None else UNKNOWN
                 for b in bindings}
        return kinds.pop() if len(kinds) == 1 else UNKNOWN

    def expression(self, path: str, node: ast.AST, line: int, hops: int) -> str:
        if hops > _MAX_HOPS:
            return UNKNOWN
        tree = self.chain.file(path).tree
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            return TEXT if isinstance(node, ast.JoinedStr) or isinstance(node.value, str) \
                else UNKNOWN
        if isinstance(node, ast.Name):
            return self.of(self.chain.definitions(path, node.id, line), hops + 1)
        if isinstance(node, ast.BinOp):
            left = self.expression(path, node.left, line, hops + 1)
            if isinstance(node.op, ast.Div) and left == PATH:
                return PATH
            if isinstance(node.op, ast.Add) and TEXT in \
                    (left, self.expression(path, node.right, line, hops + 1)):
                return TEXT
            return UNKNOWN
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "parents":
            return self.expression(path, node.value.value, line, hops + 1)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            return self.expression(path, node.value, line, hops + 1)
        if isinstance(node, ast.Call):
            return self._call(path, tree, node, line, hops)
        return UNKNOWN

    def _call(self, path: str, tree: ast.Module, node: ast.Call, line: int, hops: int) -> str:
        name = _dotted(node.func)
        if name in TEXT_FUNCTIONS:
            return TEXT
        if name in {f"pathlib.{cls}" for cls in PATH_CLASSES}:
            return PATH
        if isinstance(node.func, ast.Name):
            if node.func.id in PATH_CLASSES and _imported_from(tree, node.func.id, ("pathlib",)):
                return PATH
            if _imported_from(tree, node.func.id, ("os.path",)) or (
                    node.func.id == "getcwd" and _imported_from(tree, "getcwd", ("os",))):
                return TEXT
            return UNKNOWN
        if isinstance(node.func, ast.Attribute):
            receiver = self.expression(path, node.func.value, line, hops + 1)
            if receiver == PATH and node.func.attr in PATH_METHODS:
                return PATH
            if receiver in (PATH, TEXT) and node.func.attr in TEXT_METHODS:
                return TEXT
        return UNKNOWN


def _empty(binding: Binding) -> bool:
    value = binding.value
    return binding.module_level and isinstance(value, ast.Constant) and value.value in (None, "")


def _strings(node: Optional[ast.AST]) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)] if node is not None else []


def _staticfiles_storage_needs_root(chain: SettingsChain) -> bool:
    """Whether the static files storage writes into STATIC_ROOT (the default one does)."""
    for binding in chain.bindings("STATICFILES_STORAGE"):
        if django.string_value(binding.value) not in FILESYSTEM_STORAGES:
            return False
    for binding in chain.bindings("STORAGES"):
        value = binding.value
        if not isinstance(value, ast.Dict):
            return False
        keys = [django.string_value(key) for key in value.keys]
        if "staticfiles" not in keys:
            return False
        entry = value.values[keys.index("staticfiles")]
        if not isinstance(entry, ast.Dict):
            return False
        fields = dict(zip((django.string_value(k) for k in entry.keys), entry.values))
        if django.string_value(fields.get("BACKEND")) not in FILESYSTEM_STORAGES \
                or "location" in _strings(fields.get("OPTIONS")):
            return False
    return True


def _staticfiles_may_be_installed(chain: SettingsChain) -> bool:
    """False only when every INSTALLED_APPS on the chain is a plain list without staticfiles."""
    if any(text.startswith(STATICFILES_APP) for file in chain.files.values()
           for text in _strings(file.tree)):
        return True
    bindings = chain.bindings("INSTALLED_APPS")
    return any(not isinstance(b.value, (ast.List, ast.Tuple, ast.BinOp)) for b in bindings)


def _literal(text: str, quote: str) -> str:
    if quote in text or "\\" in text:
        return repr(text)
    return f"{quote}{text}{quote}"


class _Planner:
    def __init__(self, project: Project, code_dir: str, static_root: str):
        self.project = project
        self.code_dir = code_dir
        self.static_root = static_root

    def outcome(self, name: str) -> Outcome:
        chain = django.settings_chain(self.project, self.code_dir, name)
        if chain is None:
            return None
        if chain.broken:
            path, line, message = chain.broken[0]
            return Unclear(f"{path} does not parse as Python ({message}, line {line}); the "
                           f"build imports it through the settings module `{name}`, so paasfix "
                           "cannot tell whether STATIC_ROOT is set. If the build's collectstatic "
                           "step fails, make it importable and set STATIC_ROOT", path, line)
        if chain.blind:
            return None
        roots = chain.bindings("STATIC_ROOT")
        if roots:
            if all(_empty(binding) for binding in roots):
                last = roots[-1]
                return Unclear(f"{last.path} sets STATIC_ROOT to an empty value, so the build's "
                               "collectstatic step fails; set it to the directory the static "
                               f"files are collected in, e.g. BASE_DIR / \"{FOLDER}\"",
                               last.path, last.line, ERROR)
            return None
        if not _staticfiles_storage_needs_root(chain) or not _staticfiles_may_be_installed(chain):
            return None
        return self._plan(chain)

    def _plan(self, chain: SettingsChain) -> Outcome:
        urls = [b for b in chain.bindings("STATIC_URL") if b.module_level]
        holders = list(dict.fromkeys(binding.path for binding in urls))
        always = chain.always()
        order = chain.paths
        certain = [path for path in holders if path in always]
        if not certain and holders:
            where = ", ".join(f"{b.path} line {b.line}" for b in urls)
            return Unclear(f"STATIC_ROOT is set nowhere in the settings module `{chain.name}` and "
                           f"the modules it takes settings from, and STATIC_URL is set only in "
                           f"modules that some environments do not import ({where}); set "
                           "STATIC_ROOT in a module that every environment imports",
                           urls[0].path, urls[0].line)
        if certain:
            path = min(certain, key=lambda p: (chain.depth[p], -order.index(p)))
            anchor = max((b for b in urls if b.path == path), key=lambda b: (b.top.lineno, b.line))
            after: Optional[int] = anchor.top.lineno
            before = anchor.top.end_lineno + 1 if anchor.top.end_lineno else None
        else:
            path, anchor, after, before = chain.root, None, None, None
        quote = self._quote(anchor)
        value, needs_os = self._value(chain, path, before, quote)
        lines = [f"STATIC_ROOT = {value}"]
        if anchor is None:
            lines.insert(0, f"STATIC_URL = {_literal(DEFAULT_STATIC_URL, quote)}")
        own_os = any(b.name == "os" and b.module_level and (before is None or b.line < before)
                     for b in chain.file(path).bindings)
        return Plan(path, after, tuple(lines), needs_os and not own_os, chain.name,
                    " and ".join(f"`{line}`" for line in lines))

    def _value(self, chain: SettingsChain, path: str, before: Optional[int],
               quote: str) -> tuple[str, bool]:
        if self.static_root:
            return _literal(self.static_root, quote), False
        folder = _literal(FOLDER, quote)
        kind = _Kinds(chain).of(chain.definitions(path, "BASE_DIR", before))
        if kind == PATH:
            return f"BASE_DIR / {folder}", False
        if kind == TEXT:
            return f"os.path.join(BASE_DIR, {folder})", True
        base = "os.path.abspath(__file__)"
        for _ in range(posixpath.relpath(path, self.code_dir or ".").count("/") + 1):
            base = f"os.path.dirname({base})"
        return f"os.path.join({base}, {folder})", True

    def _quote(self, anchor: Optional[Binding]) -> str:
        """The quote character of the STATIC_URL string next to which STATIC_ROOT goes."""
        if anchor is None or not isinstance(anchor.value, ast.Constant):
            return '"'
        file = self.project.text(anchor.path)
        line = file.text.split("\n")[anchor.value.lineno - 1].encode("utf-8") if file else b""
        start = line[anchor.value.col_offset:].decode("utf-8", "replace").lstrip("rRuU")
        return "'" if start.startswith("'") else '"'


# -- where the build runs collectstatic ----------------------------------------------------------


def _disabled_environments(project: Project) -> set[str]:
    """The environments whose builds skip collectstatic (PLATFORM.md §4.5)."""
    if project.is_file(project.path(*DISABLED_MARKER)):
        return set(ENVIRONMENTS)
    desc = project.app_desc
    if desc is None or not desc.loaded or not isinstance(desc.data, dict):
        return set()
    values = next(iter(env_values(desc.data, DISABLE_VARIABLE).values()), {})
    return {environment for environment, value in values.items()
            if value is not None and str(value).strip() not in ("", "0")}


# -- writing it ----------------------------------------------------------------------------------


def _is_import_line(statement) -> bool:
    import libcst as cst

    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body)


def _is_docstring(statement) -> bool:
    import libcst as cst

    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 \
        and isinstance(statement.body[0], cst.Expr) \
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))


def insert_statements(text: str, after: Optional[int], lines: tuple[str, ...],
                      import_os: bool) -> str:
    """``text`` with ``lines`` added after the module-level statement that starts on line
    ``after`` (at the end when None), and ``import os`` after the module's leading imports when
    asked; every other byte stays."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(cst.parse_module(text))
    module = wrapper.module
    body = list(module.body)
    if after is None:
        anchor = len(body) - 1
    else:
        positions = wrapper.resolve(PositionProvider)
        anchor = next(index for index, statement in enumerate(body)
                      if positions[statement].start.line == after)
    added = [cst.parse_statement(line + "\n") for line in lines]
    if after is None and body:
        added[0] = added[0].with_changes(leading_lines=[cst.EmptyLine()])
    body[anchor + 1:anchor + 1] = added
    if import_os:
        body = _with_import_os(body, anchor)
    return module.with_changes(body=body).code


def _with_import_os(body: list, anchor: int) -> list:
    """``import os`` after the leading imports (after the docstring when there are none), and
    never after ``anchor``, the statement the new lines follow."""
    import libcst as cst

    start = 1 if body and _is_docstring(body[0]) else 0
    end = start
    while end < len(body) and _is_import_line(body[end]):
        end += 1
    position = min(end, anchor + 1)
    statement = cst.parse_statement("import os\n")
    if position == start and start == 1:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    elif position == 0 and body and not _is_import_line(body[0]):
        body[0] = body[0].with_changes(leading_lines=[cst.EmptyLine(), *body[0].leading_lines])
    return body[:position] + [statement] + body[position:]


# -- the fixer -----------------------------------------------------------------------------------

_MANAGE_PY = """#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
_APPS = """INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
]
"""


def _django(settings: str, files: dict[str, str], requirements: str = "Django==4.2.16\n",
            where: str = "") -> dict[str, str]:
    """A Django project: requirements, a manage.py that names ``settings``, and ``files``."""
    tree = {f"{where}requirements.txt": requirements,
            f"{where}manage.py": _MANAGE_PY.format(settings=settings)}
    parts = settings.split(".")
    for end in range(1, len(parts)):
        tree[where + "/".join(parts[:end]) + "/__init__.py"] = ""
    tree.update({where + path: text for path, text in files.items()})
    return tree


def _added(tree: dict[str, str], path: str, after: str, line: str) -> dict[str, str]:
    """``tree`` with ``line`` inserted after the first line of ``path`` that starts with
    ``after``."""
    lines = tree[path].split("\n")
    index = next(number for number, text in enumerate(lines) if text.startswith(after))
    lines.insert(index + 1, line)
    return {**tree, path: "\n".join(lines)}


def _crlf(tree: dict[str, str], path: str) -> dict[str, str]:
    return {**tree, path: tree[path].replace("\n", "\r\n")}


def _disable(extra: str = "") -> str:
    return ("spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
            f"    - key: DISABLE_COLLECTSTATIC\n      value: \"1\"{extra}\n")


_PATH_ROOT = 'STATIC_ROOT = BASE_DIR / "staticfiles"'
_TEXT_ROOT = 'STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")'
_FROM_FILE = "os.path.dirname(os.path.dirname(os.path.abspath(__file__)))"


_STARTPROJECT = '''"""Settings of the shop project."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "insecure"
''' + _APPS + '''
# Static files (CSS, JavaScript, Images)
STATIC_URL = "static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
'''
_SHOP = _django("shop.settings", {"shop/settings.py": _STARTPROJECT})
_OLD_STYLE = _django("portal.settings", {"portal/settings.py": """# -*- coding: utf-8 -*-
from os.path import abspath, dirname

BASE_DIR = dirname(dirname(abspath(__file__)))

""" + _APPS + """STATIC_URL = '/static/'  # served by whitenoise
LANGUAGE_CODE = 'zh-hans'
"""}, requirements="Django==1.11.29\nwhitenoise==4.1.4\n")
_BASE = """import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure")
""" + _APPS + """STATIC_URL = "/static/"
"""
_PACKAGE = _django("config.settings", {"config/settings/__init__.py": "from .base import *  # noqa\n",
                                       "config/settings/base.py": _BASE})
_COOKIECUTTER = _django("config.settings.production", {
    "config/settings/base.py":
        'from pathlib import Path\n\n'
        'BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent\n'
        'APPS_DIR = BASE_DIR / "blog"\n' + _APPS
        + 'STATIC_URL = "/static/"\nSTATICFILES_DIRS = [str(APPS_DIR / "static")]\n',
    "config/settings/local.py": 'from .base import *  # noqa\n\nSTATIC_ROOT = BASE_DIR / "dev"\n',
    "config/settings/production.py": "from .base import *  # noqa\n\nDEBUG = False\n",
})
_BLUEAPPS_SETTINGS = '''"""Do not edit: put your settings in config/."""
import os

ENVIRONMENT = os.environ.get("BKPAAS_ENVIRONMENT", "dev")
DJANGO_CONF_MODULE = "config.{env}".format(env=ENVIRONMENT)

_module = __import__(DJANGO_CONF_MODULE, globals(), locals(), ["*"])
for _setting in dir(_module):
    if _setting == _setting.upper():
        locals()[_setting] = getattr(_module, _setting)
'''
_BLUEAPPS = {
    "requirements.txt": "Django==3.2.25\n",
    "manage.py": _MANAGE_PY.format(settings="settings"),
    "settings.py": _BLUEAPPS_SETTINGS,
    "config/__init__.py": "import os\n\nAPP_CODE = 'inventory'\n"
                          "BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n",
    "config/default.py": "from config import APP_CODE, BASE_DIR  # noqa\n\nSECRET_KEY = 'x'\n"
                         + _APPS + "STATIC_URL = '/static/'\n",
    "config/dev.py": "from config.default import *  # noqa\n\nDEBUG = True\n",
    "config/prod.py": "from config.default import *  # noqa\n\nDEBUG = False\n",
}
_ENVIRONMENTS = _django("mysite.settings.dev", {
    "mysite/settings/base.py": _BASE,
    "mysite/settings/dev.py": 'from .base import *  # noqa\n\nSTATIC_ROOT = "static"\n',
    "mysite/settings/prod.py": "from .base import *  # noqa\n\nDEBUG = False\n",
})
_IN_SRC = _django("shop.settings", {"shop/settings.py": _STARTPROJECT}, where="src/")
_CDN = _django("site_app.settings", {"site_app/settings.py":
    "import os\nimport pathlib\n\nBASE_DIR = pathlib.Path(__file__).parents[1]\n" + _APPS
    + "if os.environ.get('CDN'):\n    STATIC_URL = os.environ['CDN']\nelse:\n"
      "    STATIC_URL = '/static/'\n\nUSE_TZ = True\n"})
_NO_BASE = _django("web.settings", {"web/settings.py": '"""Web settings."""\n' + _APPS
                                    + 'STATIC_URL = "/assets/"\n'})
_WITH_LOCAL = ("from .base import *  # noqa\n\ntry:\n    from .local import *  # noqa\n"
               "except ImportError:\n    pass\n")
_PROD_SETTINGS = ("spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                  "    - key: DJANGO_SETTINGS_MODULE\n      value: mysite.settings.prod\n")


class FixPyCollectStatic(Fixer):
    """
    ## What goes wrong

    When the application is a Django project, the Python build runs
    `python manage.py collectstatic --noinput` with the `manage.py` closest to the build
    directory (up to three levels down), so Django imports the settings module `manage.py`
    names (or the `DJANGO_SETTINGS_MODULE` set in app_desc.yaml). Without a `STATIC_ROOT`
    setting Django has nowhere to collect the static files to and stops with
    `ImproperlyConfigured: You're using the staticfiles app without having set the
    STATIC_ROOT setting`; the build fails with `Error while running '$ python manage.py
    collectstatic --noinput'` (heroku-18 images) or `Error: Unable to generate Django static
    files.` (heroku-24).

    ## The fix

    paasfix reads the settings module without running it, together with every module of the
    repository it takes settings from: `from .base import *`, a settings package's
    `__init__.py`, and the BlueKing framework's layout, where `settings.py` imports
    `config.<environment>` under a computed name and copies its settings. When none of them
    sets `STATIC_ROOT`, it adds one line right after `STATIC_URL`, in the module that sets it:

    - `STATIC_ROOT = BASE_DIR / "staticfiles"` when `BASE_DIR` is a `pathlib.Path`;
    - `STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")` when it is a string, with
      `import os` after the module's imports if the module does not import os yet;
    - without a usable `BASE_DIR`, the same directory (next to `manage.py`) computed from
      `__file__`.

    The static files then stay inside the application, where WhiteNoise or the web server
    finds them at run time. The platform's FAQ suggests `STATIC_ROOT = '/tmp'`; that makes the
    build pass, but the files collected there are not part of the deployed application. Set
    the option `static_root` (for example `static_root = "/tmp"`) to write that path instead.

    When there is no `STATIC_URL` either, both settings are added at the end of the settings
    module, since collectstatic needs both.

    Nothing is reported when `STATIC_ROOT` may be set somewhere paasfix cannot see (a star
    import from an installed package, `globals().update(...)`, django-split-settings), when the
    static files go to a storage that does not use `STATIC_ROOT` (S3, for one), when
    `django.contrib.staticfiles` is not installed, or when `DISABLE_COLLECTSTATIC` is set in
    app_desc.yaml for every environment (the build then skips collectstatic). A settings module
    that does not parse, or a choice between settings modules that paasfix cannot make, is
    reported with the file and line to look at.

    ## Safety

    Safe: the build failed before, and the new line only tells `collectstatic` where to write.
    Every other byte of the settings module stays as it was.
    """

    id = "fix-py-collect-static"
    title = "Django settings need STATIC_ROOT for the build's collectstatic step"
    after = ("fix-app-desc",)
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"Error while running .*? collectstatic",
        r"Unable to generate Django static files",
        r"ImproperlyConfigured: You're using the staticfiles app without having set the "
        r"STATIC_ROOT setting",
        r"without having set the required STATIC_URL setting",
    )
    options = {"static_root": ""}

    def detect(self, project: Project) -> Iterator[Finding]:
        disabled = _disabled_environments(project)
        if disabled >= set(ENVIRONMENTS):
            return
        manage_files = django.manage_py_files(project)
        if len(manage_files) > 1:
            yield from self._several(project, manage_files, disabled)
            return
        for manage in manage_files:
            results = self._outcomes(project, manage, disabled)
            if isinstance(results, Unclear):
                yield self._unclear(results)
                return
            seen: set = set()
            for outcome, environments in results:
                if outcome is None or outcome in seen:
                    continue
                seen.add(outcome)
                yield self._finding(outcome, environments)

    def _outcomes(self, project: Project, manage: str,
                  disabled: set[str]) -> Union[Unclear, list[tuple[Outcome, tuple]]]:
        tree = project.python_ast(manage)
        if tree is None:
            error = django.syntax_error(project, manage)
            if error is None or not project.requirements.named("django"):
                return []
            return Unclear(f"{manage} does not parse as Python ({error[1]}, line {error[0]}); the "
                           "build runs it for collectstatic, which then fails", manage, error[0],
                           ERROR)
        if not django.is_django_manage(tree):
            return []
        planner = _Planner(project, posixpath.dirname(manage), self.settings["static_root"] or "")
        results = []
        for choice in django.build_settings(project, manage, tree):
            environments = tuple(e for e in choice.environments if e not in disabled)
            if not environments:
                continue
            outcomes = [planner.outcome(name) for name in choice.modules]
            if len(set(outcomes)) > 1:
                missing = [name for name, outcome in zip(choice.modules, outcomes) if outcome]
                return Unclear(
                    f"{choice.source} chooses between the settings modules "
                    f"{', '.join(choice.modules)} at run time, and STATIC_ROOT is not certainly "
                    f"set in {', '.join(missing)}; paasfix cannot tell which one the build uses. "
                    "Set STATIC_ROOT in every one of them", choice.source, choice.line)
            results.append((outcomes[0], environments))
        return results

    def _several(self, project: Project, files: list[str], disabled: set[str]) -> Iterator[Finding]:
        unsettled = []
        for manage in files:
            results = self._outcomes(project, manage, disabled)
            if isinstance(results, Unclear) or any(outcome for outcome, _ in results):
                unsettled.append(manage)
        if unsettled:
            yield self.manual(
                f"there are several manage.py files at the same depth ({', '.join(files)}) and "
                "the build runs collectstatic with one of them; STATIC_ROOT is not certainly set "
                f"in the settings of {', '.join(unsettled)}. Set it there, or keep one manage.py",
                files[0], severity=WARNING)

    def _unclear(self, unclear: Unclear) -> Finding:
        return self.manual(unclear.message, unclear.path, unclear.line, severity=unclear.severity)

    def _finding(self, outcome: Union[Plan, Unclear], environments: tuple) -> Finding:
        if isinstance(outcome, Unclear):
            return self._unclear(outcome)
        where = "at the end of" if outcome.after is None else "after STATIC_URL in"
        scope = "" if set(environments) == set(ENVIRONMENTS) else \
            f" for the {' and '.join(environments)} environment"
        unset = "STATIC_URL and STATIC_ROOT are" if len(outcome.lines) > 1 else "STATIC_ROOT is"
        message = (f"{unset} set nowhere in the settings the build uses{scope} "
                   f"(`{outcome.settings}` and the modules it takes settings from), so the build's "
                   f"collectstatic step fails; add {outcome.description} {where} {outcome.path}")
        return self.finding(message, outcome.path, outcome.after, plan=outcome)

    def fix(self, project: Project, finding: Finding) -> list[Edit]:
        plan: Plan = finding.planned
        file = project.text(plan.path)
        text = insert_statements(file.text, plan.after, plan.lines, plan.import_os)
        return [Edit(plan.path, file.encode(text))]

    examples = (
        Example.fixed(
            "startproject settings with a pathlib BASE_DIR",
            _SHOP, _added(_SHOP, "shop/settings.py", "STATIC_URL", _PATH_ROOT),
        ),
        Example.fixed(
            "string BASE_DIR from os.path functions: import os added, quotes and comments kept",
            _OLD_STYLE,
            _added(_added(_OLD_STYLE, "portal/settings.py", "from os.path", "import os"),
                   "portal/settings.py", "STATIC_URL", _TEXT_ROOT.replace('"', "'")),
        ),
        Example.fixed(
            "settings package whose __init__ star-imports base",
            _PACKAGE, _added(_PACKAGE, "config/settings/base.py", "STATIC_URL", _TEXT_ROOT),
        ),
        Example.fixed(
            "cookiecutter layout: STATIC_ROOT only in local settings, which the build never imports",
            _COOKIECUTTER, _added(_COOKIECUTTER, "config/settings/base.py", "STATIC_URL", _PATH_ROOT),
        ),
        Example.fixed(
            "BlueKing layout: settings.py copies config.<environment>, which star-imports default",
            _BLUEAPPS,
            _added(_added(_BLUEAPPS, "config/default.py", "from config", "import os"),
                   "config/default.py", "STATIC_URL", _TEXT_ROOT.replace('"', "'")),
        ),
        Example.fixed(
            "DJANGO_SETTINGS_MODULE in app_desc.yaml wins over manage.py's default",
            {**_ENVIRONMENTS, "app_desc.yaml": _PROD_SETTINGS},
            {**_added(_ENVIRONMENTS, "mysite/settings/base.py", "STATIC_URL", _TEXT_ROOT),
             "app_desc.yaml": _PROD_SETTINGS},
        ),
        Example.fixed(
            "no STATIC_URL either: both go to the end of the settings module",
            _django("app.settings", {"app/settings.py": "import os\n\n" + _APPS + "USE_TZ = True\n"}),
            _django("app.settings", {"app/settings.py": "import os\n\n" + _APPS + "USE_TZ = True\n\n"
                                     'STATIC_URL = "/static/"\nSTATIC_ROOT = os.path.join('
                                     + _FROM_FILE + ', "staticfiles")\n'}),
        ),
        Example.fixed(
            "static_root option writes that path",
            _SHOP, _added(_SHOP, "shop/settings.py", "STATIC_URL", 'STATIC_ROOT = "/tmp"'),
            options={"static_root": "/tmp"},
        ),
        Example.fixed(
            "CRLF settings stay CRLF",
            _crlf(_SHOP, "shop/settings.py"),
            _crlf(_added(_SHOP, "shop/settings.py", "STATIC_URL", _PATH_ROOT), "shop/settings.py"),
        ),
        Example.fixed(
            "manage.py in the build directory src",
            _IN_SRC, _added(_IN_SRC, "src/shop/settings.py", "STATIC_URL", _PATH_ROOT),
            build_dir="src",
        ),
        Example.fixed(
            "STATIC_URL chosen in an if statement: STATIC_ROOT after the whole statement",
            _CDN, _added(_CDN, "site_app/settings.py", "    STATIC_URL = '/static/'",
                         "STATIC_ROOT = BASE_DIR / 'staticfiles'"),
        ),
        Example.fixed(
            "no BASE_DIR: the folder next to manage.py, from __file__; import os after the docstring",
            _NO_BASE,
            _added(_added(_NO_BASE, "web/settings.py", '"""', "\nimport os"), "web/settings.py",
                   "STATIC_URL", f'STATIC_ROOT = os.path.join({_FROM_FILE}, "staticfiles")'),
        ),
        Example.fixed(
            "DISABLE_COLLECTSTATIC for prod only: the stag build still runs collectstatic",
            {**_SHOP, "app_desc.yaml": _disable("\n      environment_name: prod")},
            {**_added(_SHOP, "shop/settings.py", "STATIC_URL", _PATH_ROOT),
             "app_desc.yaml": _disable("\n      environment_name: prod")},
        ),
        Example.fixed(
            "optional local settings that are not in the repository",
            {**_PACKAGE, "config/settings/__init__.py": _WITH_LOCAL},
            {**_added(_PACKAGE, "config/settings/base.py", "STATIC_URL", _TEXT_ROOT),
             "config/settings/__init__.py": _WITH_LOCAL},
        ),
        Example.manual(
            "a settings module that does not parse",
            _added(_PACKAGE, "config/settings/base.py", "STATIC_URL", "if DEBUG\n    pass"),
        ),
        Example.manual(
            "manage.py chooses between settings modules that differ",
            {**_ENVIRONMENTS, "manage.py": _MANAGE_PY.format(settings="mysite.settings.prod").replace(
                '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.prod")\n',
                '    if "runserver" in sys.argv:\n'
                '        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.dev")\n'
                '    else:\n'
                '        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.prod")\n')},
        ),
        Example.manual(
            "STATIC_URL only in modules that some environments do not import",
            {**_BLUEAPPS, "config/default.py": "SECRET_KEY = 'x'\n" + _APPS,
             "config/dev.py": "from config.default import *  # noqa\n\nSTATIC_URL = '/static/'\n",
             "config/prod.py": "from config.default import *  # noqa\n\nSTATIC_URL = '/s/'\n"},
        ),
        Example.manual(
            "STATIC_ROOT set to None",
            _added(_SHOP, "shop/settings.py", "STATIC_URL", "STATIC_ROOT = None"),
        ),
        Example.manual(
            "two manage.py files at the same depth",
            {f"{where}/{path}": text for where in ("api", "web") for path, text in _SHOP.items()},
        ),
        Example.manual(
            "manage.py that does not parse",
            {**_SHOP, "manage.py": "import os\nif True\n    pass\n"},
        ),
        Example.clean(
            "STATIC_ROOT set in the module a star import pulls in",
            _added(_PACKAGE, "config/settings/base.py", "STATIC_URL", _TEXT_ROOT),
        ),
        Example.clean(
            "STATIC_ROOT imported by name from another module",
            {**_added(_SHOP, "shop/settings.py", "from pathlib", "from .paths import STATIC_ROOT"),
             "shop/paths.py": "STATIC_ROOT = '/srv/static'\n"},
        ),
        Example.clean(
            "STATIC_ROOT in settings/__init__.py after it pulls in base",
            _added(_PACKAGE, "config/settings/__init__.py", "from .base", _TEXT_ROOT),
        ),
        Example.clean(
            "STATIC_ROOT set in one of the environment modules the BlueKing layout chooses from",
            _added(_BLUEAPPS, "config/prod.py", "DEBUG", "STATIC_ROOT = '/srv/static'"),
        ),
        Example.clean(
            "DISABLE_COLLECTSTATIC set in app_desc.yaml",
            {**_SHOP, "app_desc.yaml": _disable()},
        ),
        Example.clean(
            "DISABLE_COLLECTSTATIC set in a specVersion 3 app_desc.yaml",
            {**_SHOP, "app_desc.yaml": "specVersion: 3\nmodule:\n  name: default\n  language: Python\n"
                                       "  spec:\n    processes:\n      - name: web\n"
                                       "        procCommand: gunicorn shop.wsgi\n"
                                       "    configuration:\n      env:\n"
                                       "        - name: DISABLE_COLLECTSTATIC\n          value: \"1\"\n"},
        ),
        Example.clean(
            "not a Django application",
            {"requirements.txt": "Flask==2.2.5\n",
             "app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
        ),
        Example.clean(
            "star import from an installed package may set it",
            _added(_BLUEAPPS, "config/default.py", "from config",
                   "from blueapps.conf.default_settings import *  # noqa"),
        ),
        Example.clean(
            "settings written through globals() with values from elsewhere",
            _added(_SHOP, "shop/settings.py", "DEFAULT_AUTO", "globals().update(load_overrides())"),
        ),
        Example.clean(
            "django-heroku configures the settings",
            _added(_SHOP, "shop/settings.py", "DEFAULT_AUTO",
                   "import django_heroku\ndjango_heroku.settings(locals())"),
        ),
        Example.clean(
            "django-split-settings includes the settings files",
            {**_SHOP, "shop/settings.py": "from split_settings.tools import include\n\n"
                                          "include('components/*.py')\n"},
        ),
        Example.clean(
            "static files stored in S3",
            _added(_SHOP, "shop/settings.py", "DEFAULT_AUTO", 'STORAGES = {\n    "staticfiles": '
                   '{"BACKEND": "storages.backends.s3.S3Storage"},\n}'),
        ),
        Example.clean(
            "the staticfiles app is not installed",
            {**_SHOP, "shop/settings.py": _STARTPROJECT.replace('    "django.contrib.staticfiles",\n',
                                                                "")},
        ),
        Example.clean(
            "STATIC_ROOT written through globals()",
            _added(_SHOP, "shop/settings.py", "STATIC_URL", "globals()['STATIC_ROOT'] = '/srv/static'"),
        ),
        Example.clean(
            "a class-based settings attribute",
            {**_SHOP, "shop/settings.py": "from configurations import Configuration\n\n\n"
                                          "class Prod(Configuration):\n    STATIC_ROOT = '/srv/static'\n"},
        ),
        Example.clean(
            "manage.py computes the settings module at run time",
            {**_SHOP, "manage.py": _MANAGE_PY.format(settings="shop.settings").replace(
                '"shop.settings"', 'os.environ.get("SETTINGS", "shop.settings")')},
        ),
        Example.clean(
            "the settings module is an installed package",
            {"requirements.txt": "Django==4.2.16\ncorporate-defaults==2.1\n",
             "manage.py": _MANAGE_PY.format(settings="corporate_defaults.settings")},
        ),
    )
