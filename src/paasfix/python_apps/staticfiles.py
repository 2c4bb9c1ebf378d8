"""How Django's static files settings behave for the build's ``collectstatic`` step.

What counts as a STATIC_ROOT that is set, which storages write into it, whether the
staticfiles app may be installed, whether ``BASE_DIR`` is a ``pathlib.Path`` or a string, and
where a new STATIC_ROOT goes in a settings chain and what it says; from these, what the
settings a build imports need for its collectstatic step. The module reads the repository's
files (:class:`~paasfix.core.sources.Sources`), the
:class:`~paasfix.python_apps.django.ManagePy` the build runs with its settings chains, and
app_desc.yaml data; it knows neither the Project nor fixers.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass
from typing import Any, Optional, Union

from paasfix.core.sources import Sources
from paasfix.platform.appdesc import ENVIRONMENTS, env_values
from paasfix.python_apps.django import (
    Binding,
    DjangoProject,
    ManagePy,
    SettingsChain,
    string_value,
)

DISABLE_VARIABLE = "DISABLE_COLLECTSTATIC"
DISABLED_MARKER = (".heroku", "collectstatic_disabled")
"""A file that makes the build skip collectstatic in every environment."""
STATICFILES_APP = "django.contrib.staticfiles"
FOLDER = "staticfiles"
DEFAULT_STATIC_URL = "/static/"

FILESYSTEM_STORAGES = frozenset(
    {
        "django.contrib.staticfiles.storage.StaticFilesStorage",
        "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
        "django.contrib.staticfiles.storage.CachedStaticFilesStorage",
        "whitenoise.storage.CompressedStaticFilesStorage",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "whitenoise.django.GzipManifestStaticFilesStorage",
    }
)
"""Static file storages that write into STATIC_ROOT (others, like S3, do not need it)."""

PATH, TEXT, UNKNOWN = "Path", "str", "unknown"
PATH_CLASSES = frozenset({"Path", "PurePath", "PosixPath"})
PATH_METHODS = frozenset(
    {"resolve", "absolute", "expanduser", "joinpath", "with_name", "with_suffix"}
)
TEXT_FUNCTIONS = frozenset(
    {
        "os.path.dirname",
        "os.path.abspath",
        "os.path.join",
        "os.path.realpath",
        "os.path.normpath",
        "os.path.expanduser",
        "os.getcwd",
        "str",
    }
)
TEXT_METHODS = frozenset({"as_posix", "replace", "rstrip", "strip", "format"})
_MAX_HOPS = 6


def collectstatic_disabled(data: Any) -> set[str]:
    """The environments whose builds skip collectstatic because app_desc.yaml data sets
    DISABLE_COLLECTSTATIC (PLATFORM.md §4.5)."""
    if not isinstance(data, dict):
        return set()
    values: dict[str, Any] = next(iter(env_values(data, DISABLE_VARIABLE).values()), {})
    return {
        environment
        for environment, value in values.items()
        if value is not None and str(value).strip() not in ("", "0")
    }


# -- what the settings say ---------------------------------------------------------------------


def _strings(node: ast.AST | None) -> list[str]:
    if node is None:
        return []
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _is_empty(binding: Binding) -> bool:
    value = binding.value
    return binding.module_level and isinstance(value, ast.Constant) and value.value in (None, "")


def empty_static_root(chain: SettingsChain) -> Binding | None:
    """The last STATIC_ROOT of the chain when every one of them is an empty value (``None``,
    ``""``), which collectstatic refuses."""
    roots = chain.bindings("STATIC_ROOT")
    return roots[-1] if roots and all(_is_empty(binding) for binding in roots) else None


def storage_needs_root(chain: SettingsChain) -> bool:
    """Whether the static files storage writes into STATIC_ROOT (the default one does)."""
    for binding in chain.bindings("STATICFILES_STORAGE"):
        if string_value(binding.value) not in FILESYSTEM_STORAGES:
            return False
    for binding in chain.bindings("STORAGES"):
        value = binding.value
        if not isinstance(value, ast.Dict):
            return False
        keys = [string_value(key) for key in value.keys]
        if "staticfiles" not in keys:
            return False
        entry = value.values[keys.index("staticfiles")]
        if not isinstance(entry, ast.Dict):
            return False
        fields = dict(zip((string_value(k) for k in entry.keys), entry.values))
        if string_value(fields.get("BACKEND")) not in FILESYSTEM_STORAGES or "location" in _strings(
            fields.get("OPTIONS")
        ):
            return False
    return True


def staticfiles_may_be_installed(chain: SettingsChain) -> bool:
    """False only when every INSTALLED_APPS on the chain is a plain list without staticfiles."""
    if any(
        text.startswith(STATICFILES_APP)
        for file in chain.files.values()
        for text in _strings(file.tree)
    ):
        return True
    bindings = chain.bindings("INSTALLED_APPS")
    return any(not isinstance(b.value, (ast.List, ast.Tuple, ast.BinOp)) for b in bindings)


def static_root_missing(chain: SettingsChain) -> bool:
    """Whether collectstatic stops for want of STATIC_ROOT: nothing on the chain sets it, the
    staticfiles app may be installed and its storage writes into STATIC_ROOT."""
    return (
        not chain.bindings("STATIC_ROOT")
        and storage_needs_root(chain)
        and staticfiles_may_be_installed(chain)
    )


# -- pathlib.Path or str -------------------------------------------------------------------


def _dotted(node: ast.AST) -> str | None:
    """``os.path.join`` for that attribute chain of names."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _imported_from(tree: ast.Module, name: str, modules: tuple[str, ...]) -> bool:
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module in modules
        and any((alias.asname or alias.name) == name for alias in node.names)
        for node in ast.walk(tree)
    )


class _Kinds:
    """Whether an expression in a settings module is a ``pathlib.Path`` or a ``str``."""

    def __init__(self, chain: SettingsChain):
        self.chain = chain

    def of(self, bindings: list[Binding] | None, hops: int = 0) -> str:
        if not bindings:
            return UNKNOWN
        kinds = {
            self.expression(b.path, b.value, b.line, hops) if b.value is not None else UNKNOWN
            for b in bindings
        }
        return kinds.pop() if len(kinds) == 1 else UNKNOWN

    def expression(self, path: str, node: ast.AST, line: int, hops: int) -> str:
        if hops > _MAX_HOPS:
            return UNKNOWN
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            return (
                TEXT if isinstance(node, ast.JoinedStr) or isinstance(node.value, str) else UNKNOWN
            )
        if isinstance(node, ast.Name):
            return self.of(self.chain.definitions(path, node.id, line), hops + 1)
        if isinstance(node, ast.BinOp):
            left = self.expression(path, node.left, line, hops + 1)
            if isinstance(node.op, ast.Div) and left == PATH:
                return PATH
            if isinstance(node.op, ast.Add) and TEXT in (
                left,
                self.expression(path, node.right, line, hops + 1),
            ):
                return TEXT
            return UNKNOWN
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents"
        ):
            return self.expression(path, node.value.value, line, hops + 1)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            return self.expression(path, node.value, line, hops + 1)
        if isinstance(node, ast.Call):
            return self._call(path, node, line, hops)
        return UNKNOWN

    def _call(self, path: str, node: ast.Call, line: int, hops: int) -> str:
        name = _dotted(node.func)
        if name in TEXT_FUNCTIONS:
            return TEXT
        if name in {f"pathlib.{cls}" for cls in PATH_CLASSES}:
            return PATH
        if isinstance(node.func, ast.Name):
            file = self.chain.file(path)
            if file is None:
                return UNKNOWN
            if node.func.id in PATH_CLASSES and _imported_from(
                file.tree, node.func.id, ("pathlib",)
            ):
                return PATH
            if _imported_from(file.tree, node.func.id, ("os.path",)) or (
                node.func.id == "getcwd" and _imported_from(file.tree, "getcwd", ("os",))
            ):
                return TEXT
            return UNKNOWN
        if isinstance(node.func, ast.Attribute):
            receiver = self.expression(path, node.func.value, line, hops + 1)
            if receiver == PATH and node.func.attr in PATH_METHODS:
                return PATH
            if receiver in (PATH, TEXT) and node.func.attr in TEXT_METHODS:
                return TEXT
        return UNKNOWN


def kind_of(chain: SettingsChain, path: str, name: str, before: int | None) -> str:
    """:data:`PATH`, :data:`TEXT` or :data:`UNKNOWN`: what ``name`` is in module ``path`` just
    before line ``before`` (at its end when None)."""
    return _Kinds(chain).of(chain.definitions(path, name, before))


# -- where STATIC_ROOT goes ------------------------------------------------------------------


@dataclass(frozen=True)
class StaticRootInsertion:
    """Lines that give a settings module STATIC_ROOT (and STATIC_URL when it has none)."""

    path: str
    after: int | None
    """The first line of the module-level statement to insert after; None: the module's end."""
    lines: tuple[str, ...]
    import_os: bool
    """Whether ``import os`` must be added too."""
    settings: str
    """The settings module the build imports (dotted)."""


def string_literal(text: str, quote: str) -> str:
    if quote in text or "\\" in text:
        return repr(text)
    return f"{quote}{text}{quote}"


def _quote(anchor: Binding | None, sources: Sources) -> str:
    """The quote character of the STATIC_URL string next to which STATIC_ROOT goes."""
    if anchor is None or not isinstance(anchor.value, ast.Constant):
        return '"'
    file = sources.text(anchor.path)
    text = file.text if file is not None else None
    line = text.split("\n")[anchor.value.lineno - 1].encode("utf-8") if text else b""
    start = line[anchor.value.col_offset :].decode("utf-8", "replace").lstrip("rRuU")
    return "'" if start.startswith("'") else '"'


def _value(
    chain: SettingsChain, path: str, before: int | None, quote: str, code_dir: str, static_root: str
) -> tuple[str, bool]:
    """The STATIC_ROOT expression, and whether it needs ``os``."""
    if static_root:
        return string_literal(static_root, quote), False
    folder = string_literal(FOLDER, quote)
    kind = kind_of(chain, path, "BASE_DIR", before)
    if kind == PATH:
        return f"BASE_DIR / {folder}", False
    if kind == TEXT:
        return f"os.path.join(BASE_DIR, {folder})", True
    base = "os.path.abspath(__file__)"
    for _ in range(posixpath.relpath(path, code_dir or ".").count("/") + 1):
        base = f"os.path.dirname({base})"
    return f"os.path.join({base}, {folder})", True


def static_root_insertion(
    chain: SettingsChain,
    code_dir: str,
    static_root: str,
    sources: Sources,
) -> StaticRootInsertion | list[Binding]:
    """Where STATIC_ROOT goes: after the last STATIC_URL of the shallowest module that every
    environment imports, or at the end of the settings module (with STATIC_URL) when no
    module sets STATIC_URL. The STATIC_URL bindings when only modules that some environments
    do not import set it.

    ``code_dir`` is the directory of manage.py (STATIC_ROOT goes next to it, unless
    ``static_root`` is given)."""
    urls = [b for b in chain.bindings("STATIC_URL") if b.module_level]
    holders = list(dict.fromkeys(binding.path for binding in urls))
    always = chain.always()
    certain = [path for path in holders if path in always]
    if not certain and holders:
        return urls
    anchor: Binding | None = None
    after: int | None = None
    before: int | None = None
    path = chain.root
    if certain:
        order = chain.paths
        path = min(certain, key=lambda p: (chain.depth[p], -order.index(p)))
        anchor = max((b for b in urls if b.path == path), key=lambda b: (b.top.lineno, b.line))
        after = anchor.top.lineno
        before = anchor.top.end_lineno + 1 if anchor.top.end_lineno else None
    quote = _quote(anchor, sources)
    value, needs_os = _value(chain, path, before, quote, code_dir, static_root)
    lines = [f"STATIC_ROOT = {value}"]
    if anchor is None:
        lines.insert(0, f"STATIC_URL = {string_literal(DEFAULT_STATIC_URL, quote)}")
    file = chain.file(path)
    own_os = file is not None and any(
        b.name == "os" and b.module_level and (before is None or b.line < before)
        for b in file.bindings
    )
    return StaticRootInsertion(path, after, tuple(lines), needs_os and not own_os, chain.name)


# -- what the settings a build imports need -------------------------------------------------


@dataclass(frozen=True)
class Unsettled:
    """Why a person has to look at the static files settings, and where."""

    message: str
    path: Optional[str]
    line: Optional[int]
    fails: bool = False
    """Whether the build's collectstatic step certainly fails (else it may)."""


Need = Union[StaticRootInsertion, Unsettled, None]
"""What the settings a build imports need: STATIC_ROOT inserted, a person, or nothing (it is
set, may be set somewhere paasfix cannot see, or is not needed)."""


def settings_need(
    chain: SettingsChain | None, code_dir: str, static_root: str, sources: Sources
) -> Need:
    """What settings ``chain`` needs for collectstatic, run with the manage.py of ``code_dir``;
    ``static_root`` is the path to write instead of the folder next to manage.py."""
    if chain is None:
        return None
    if chain.broken:
        path, line, message = chain.broken[0]
        return Unsettled(
            f"{path} does not parse as Python ({message}, line {line}); the "
            f"build imports it through the settings module `{chain.name}`, so paasfix "
            "cannot tell whether STATIC_ROOT is set. If the build's collectstatic "
            "step fails, make it importable and set STATIC_ROOT",
            path,
            line,
        )
    if chain.blind:
        return None
    empty = empty_static_root(chain)
    if empty is not None:
        return Unsettled(
            f"{empty.path} sets STATIC_ROOT to an empty value, so the build's "
            "collectstatic step fails; set it to the directory the static "
            f'files are collected in, e.g. BASE_DIR / "{FOLDER}"',
            empty.path,
            empty.line,
            fails=True,
        )
    if not static_root_missing(chain):
        return None
    insertion = static_root_insertion(chain, code_dir, static_root, sources)
    if isinstance(insertion, StaticRootInsertion):
        return insertion
    where = ", ".join(f"{b.path} line {b.line}" for b in insertion)
    return Unsettled(
        f"STATIC_ROOT is set nowhere in the settings module `{chain.name}` and "
        f"the modules it takes settings from, and STATIC_URL is set only in "
        f"modules that some environments do not import ({where}); set "
        "STATIC_ROOT in a module that every environment imports",
        insertion[0].path,
        insertion[0].line,
    )


def build_needs(
    manage: ManagePy, skipped: set[str], static_root: str, sources: Sources, requires_django: bool
) -> Unsettled | list[tuple[Need, tuple[str, ...]]]:
    """What the settings need that the build imports through ``manage``, with the environments
    that import them (leaving out the ``skipped`` ones); Unsettled when manage.py does not
    parse (and the build installs Django), or when it chooses at run time between settings
    modules whose needs differ."""
    if manage.error is not None:
        if not requires_django:
            return []
        line, message = manage.error
        return Unsettled(
            f"{manage.path} does not parse as Python ({message}, line {line}); the "
            "build runs it for collectstatic, which then fails",
            manage.path,
            line,
            fails=True,
        )
    results: list[tuple[Need, tuple[str, ...]]] = []
    for choice in manage.choices:
        environments = tuple(e for e in choice.environments if e not in skipped)
        if not environments:
            continue
        needs = [
            settings_need(manage.chains[name], manage.code_dir, static_root, sources)
            for name in choice.modules
        ]
        if len(set(needs)) > 1:
            missing = [name for name, need in zip(choice.modules, needs) if need]
            return Unsettled(
                f"{choice.source} chooses between the settings modules "
                f"{', '.join(choice.modules)} at run time, and STATIC_ROOT is not certainly "
                f"set in {', '.join(missing)}; paasfix cannot tell which one the build uses. "
                "Set STATIC_ROOT in every one of them",
                choice.source,
                choice.line,
            )
        results.append((needs[0], environments))
    return results


@dataclass(frozen=True)
class Missing:
    """Settings the build imports that lack STATIC_ROOT, and the lines that give it to them."""

    insertion: StaticRootInsertion
    message: str


def collectstatic_needs(
    django: DjangoProject,
    skipped: set[str],
    static_root: str,
    sources: Sources,
    requires_django: bool,
) -> list[Missing | Unsettled]:
    """What the settings of ``django`` need so that the build's collectstatic step works in the
    environments that are not ``skipped`` (:func:`collectstatic_skipped`), each need once.

    ``static_root`` is the path to write instead of the folder next to manage.py;
    ``requires_django`` says whether the build installs Django (a manage.py that does not
    parse is then the build's failure)."""
    if django.manage is None:
        return _several(django.manage_files, skipped, static_root, sources, requires_django)
    needs = build_needs(django.manage, skipped, static_root, sources, requires_django)
    if isinstance(needs, Unsettled):
        return [needs]
    found: list[Missing | Unsettled] = []
    seen: set[Need] = set()
    for need, environments in needs:
        if need is None or need in seen:
            continue
        seen.add(need)
        found.append(need if isinstance(need, Unsettled) else _missing(need, environments))
    return found


def _missing(insertion: StaticRootInsertion, environments: tuple[str, ...]) -> Missing:
    where = "at the end of" if insertion.after is None else "after STATIC_URL in"
    scope = (
        ""
        if set(environments) == set(ENVIRONMENTS)
        else f" for the {' and '.join(environments)} environment"
    )
    unset = "STATIC_URL and STATIC_ROOT are" if len(insertion.lines) > 1 else "STATIC_ROOT is"
    description = " and ".join(f"`{line}`" for line in insertion.lines)
    return Missing(
        insertion,
        f"{unset} set nowhere in the settings the build uses{scope} "
        f"(`{insertion.settings}` and the modules it takes settings from), so the build's "
        f"collectstatic step fails; add {description} {where} {insertion.path}",
    )


def _several(
    files: tuple[ManagePy, ...],
    skipped: set[str],
    static_root: str,
    sources: Sources,
    requires_django: bool,
) -> list[Missing | Unsettled]:
    """Several manage.py files at the same depth: the build runs one of them."""
    unsettled = []
    for manage in files:
        needs = build_needs(manage, skipped, static_root, sources, requires_django)
        if isinstance(needs, Unsettled) or any(need for need, _ in needs):
            unsettled.append(manage.path)
    if not unsettled:
        return []
    paths = [manage.path for manage in files]
    return [
        Unsettled(
            f"there are several manage.py files at the same depth ({', '.join(paths)}) and "
            "the build runs collectstatic with one of them; STATIC_ROOT is not certainly set "
            f"in the settings of {', '.join(unsettled)}. Set it there, or keep one manage.py",
            paths[0],
            None,
        )
    ]
