"""Django projects as the build finds them, read as source code and never imported.

- **manage.py**: the shallowest one up to three levels below the build directory, as the Python
  buildpack's collectstatic step looks for it (PLATFORM.md §4.6).
- **The settings module**: the ``DJANGO_SETTINGS_MODULE`` default manage.py gives with
  ``os.environ.setdefault``, unless app_desc.yaml sets the variable (the build sees the
  application's variables, PLATFORM.md §4.1).
- **The settings chain**: the settings module and every module of the repository it takes
  settings from: star imports (``from .base import *``, so settings packages too), and modules
  imported under a computed name (``importlib.import_module("config." + ENVIRONMENT)``,
  ``__import__(...)``) whose names are then copied into the settings module
  (``locals()[name] = getattr(module, name)``). A computed name stands for every module of the
  repository it can match, since which one is used depends on the environment.

Whatever the analysis cannot see through is recorded as *blind*: a star import from an installed
package, ``globals().update(...)`` with values of unknown origin, ``exec``, django-split-settings'
``include``, ``django_heroku.settings(locals())``. Any setting may be set there.

:func:`read_django` puts these together into a :class:`DjangoProject` (the Project keeps it as
``project.django``). The module reads files through :class:`~paasfix.core.sources.Sources` and
takes what app_desc.yaml says as values (:func:`settings_overrides`); it knows neither the
Project nor fixers.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from paasfix.core.sources import Sources
from paasfix.core.tree import join
from paasfix.platform.appdesc import ENVIRONMENTS, GLOBAL, env_entries, env_values

MANAGE_PY_LEVELS = 2
"""How many directory levels below the build directory hold a manage.py the build finds
(its ``find -maxdepth 3`` counts the file itself as a level)."""
SETTINGS_VARIABLE = "DJANGO_SETTINGS_MODULE"
MAX_CHAIN_MODULES = 50
_MAX_NAME_HOPS = 4

_NAMESPACES = frozenset({"globals", "locals", "vars"})
_READS = frozenset({"get", "keys", "items", "values", "copy", "__contains__", "__getitem__"})
_WRITES = frozenset({"update", "setdefault", "__setitem__"})
_COPY_BUILTINS = frozenset({"getattr", "dir", "vars", "dict", "hasattr"})
_UNKNOWN_PART = "\0"

Pattern = tuple[Optional[str], ...]
"""A dotted module name as an expression builds it: literal text, None for a part known only at
run time."""


class CannotInfer(Exception):
    """Why paasfix cannot be sure, and where (``path``, ``line``) when that is known."""

    def __init__(self, message: str, path: Optional[str] = None, line: Optional[int] = None):
        super().__init__(message)
        self.path = path
        self.line = line


# -- reading Python without running it -------------------------------------------------------


def string_value(node: Optional[ast.AST]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_main_guard(node: ast.stmt) -> bool:
    """``if __name__ == "__main__":``, which does not run when a server imports the module."""
    test = getattr(node, "test", None)
    return (
        isinstance(node, ast.If)
        and isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
    )


def top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run on import: the module's own, and those in top-level ``if`` and
    ``try`` blocks, except a ``__main__`` guard."""
    for node in body:
        if _is_main_guard(node):
            continue
        yield node
        if isinstance(node, ast.If):
            yield from top_level(node.body + node.orelse)
        elif isinstance(node, ast.Try):
            yield from top_level(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                yield from top_level(handler.body)


def imported_modules(tree: ast.Module) -> list[str]:
    """Absolute modules imported anywhere in the module, as written."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def mentions(trees: Iterable[ast.Module], text: str) -> bool:
    """Whether a string literal equals ``text`` or a module named ``text`` is imported."""
    for tree in trees:
        if any(module.split(".")[0] == text for module in imported_modules(tree)):
            return True
        if any(string_value(node) == text for node in ast.walk(tree)):
            return True
    return False


def syntax_error(sources: Sources, path: str) -> Optional[tuple[int, str]]:
    """(line, message) of why ``path`` does not parse; None when it parses or is absent."""
    if sources.python_ast(path) is not None:
        return None
    exc = sources.python_error(path)
    if isinstance(exc, SyntaxError):
        return exc.lineno or 1, exc.msg or "invalid syntax"
    if exc is not None:
        return 1, str(exc)
    return None


def parsed(sources: Sources, path: str) -> ast.Module:
    tree = sources.python_ast(path)
    if tree is None:
        error = syntax_error(sources, path)
        raise CannotInfer(
            f"{path} does not parse as Python, so paasfix cannot tell what it runs",
            path,
            error[0] if error else None,
        )
    return tree


# -- where modules are ------------------------------------------------------------------------


def relative(sources: Sources, path: str) -> str:
    """``path`` relative to the build directory (``""`` for the build directory itself)."""
    base = sources.build_dir
    if base and path == base:
        return ""
    return path[len(base) + 1 :] if base and path.startswith(base + "/") else path


def module_file(sources: Sources, base: str, dotted: str) -> Optional[str]:
    """The file of module ``dotted`` when ``base`` is on the import path (module or package)."""
    parts = dotted.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    for path in (join(base, *parts[:-1], parts[-1] + ".py"), join(base, *parts, "__init__.py")):
        if sources.is_file(path):
            return path
    return None


def manage_py_files(sources: Sources) -> list[str]:
    """The shallowest manage.py files up to three levels down (the build uses one of them)."""
    found: list[str] = []
    found_level: Optional[int] = None
    for directory in sources.tree.walk_dirs(sources.build_dir, MANAGE_PY_LEVELS):
        rel = relative(sources, directory)
        level = rel.count("/") + 1 if rel else 0
        if found_level is not None and level > found_level:
            break
        path = join(directory, "manage.py")
        if sources.is_file(path):
            found.append(path)
            found_level = level
    return found


def find_manage_py(sources: Sources) -> Optional[str]:
    """The manage.py the build would use: the shallowest one up to three levels down."""
    found = manage_py_files(sources)
    if len(found) > 1:
        raise CannotInfer(
            f"there are several manage.py files at the same depth "
            f"({', '.join(found)}), so paasfix cannot tell which is the application",
            found[0],
        )
    return found[0] if found else None


def is_django_manage(tree: ast.Module) -> bool:
    return mentions([tree], SETTINGS_VARIABLE) or mentions([tree], "django")


# -- which settings module --------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsDefault:
    """A ``DJANGO_SETTINGS_MODULE`` that manage.py sets."""

    value: Optional[str]
    """The module name; None when manage.py computes it at run time."""
    line: int
    forced: bool
    """``os.environ[...] = ...``: the application's variables cannot override it."""


def settings_defaults(tree: ast.Module) -> list[SettingsDefault]:
    """Every place manage.py sets ``DJANGO_SETTINGS_MODULE``, in source order."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
            and len(node.args) == 2
            and string_value(node.args[0]) == SETTINGS_VARIABLE
        ):
            found.append(SettingsDefault(string_value(node.args[1]), node.lineno, False))
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and string_value(target.slice) == SETTINGS_VARIABLE
                ):
                    found.append(SettingsDefault(string_value(node.value), node.lineno, True))
    return sorted(found, key=lambda default: default.line)


def default_settings_module(tree: ast.Module, path: str) -> str:
    """The one DJANGO_SETTINGS_MODULE manage.py sets; CannotInfer when that is not certain."""
    defaults = settings_defaults(tree)
    computed = next((default.line for default in defaults if default.value is None), None)
    if computed is not None:
        raise CannotInfer(f"{path} computes DJANGO_SETTINGS_MODULE at run time", path, computed)
    values = {default.value for default in defaults if default.value is not None}
    if not values:
        raise CannotInfer(f"{path} does not set a default DJANGO_SETTINGS_MODULE", path)
    if len(values) > 1:
        choices = ", ".join(sorted(values))
        raise CannotInfer(
            f"{path} chooses between the settings modules {choices}", path, defaults[0].line
        )
    return values.pop()


@dataclass(frozen=True)
class SettingsChoice:
    """The settings module a build uses, for the environments it is used in."""

    modules: tuple[str, ...]
    """One module name, or several when manage.py picks one at run time."""
    source: str
    """The file that names it (manage.py or app_desc.yaml)."""
    line: Optional[int]
    environments: tuple[str, ...]


@dataclass(frozen=True)
class SettingsOverride:
    """The ``DJANGO_SETTINGS_MODULE`` app_desc.yaml sets for one environment."""

    value: str
    path: str
    """app_desc.yaml (or .yml)."""
    line: Optional[int]


def settings_overrides(
    path: str, data: Any, document: Callable[[], Any]
) -> dict[str, SettingsOverride]:
    """The ``DJANGO_SETTINGS_MODULE`` per environment that app_desc.yaml ``path`` sets, from its
    loaded ``data``; ``document`` gives its round-trip data, read for the lines only when the
    variable is set."""
    if not isinstance(data, dict):
        return {}
    values = next(iter(env_values(data, SETTINGS_VARIABLE).values()), {})
    given = {env: value for env, value in values.items() if value is not None}
    if not given:
        return {}
    try:
        entries = env_entries(document(), SETTINGS_VARIABLE)
    except Exception:  # a file PyYAML reads but ruamel.yaml refuses: no line, nothing else lost
        entries = None

    def line(environment: str) -> Optional[int]:
        if entries is None:
            return None
        lines = [entry.line for entry in entries if entry.environment in (GLOBAL, environment)]
        return lines[-1] if lines else None

    return {
        env: SettingsOverride(str(value).strip(), path, line(env)) for env, value in given.items()
    }


def build_settings(
    manage: str, tree: ast.Module, overrides: Mapping[str, SettingsOverride]
) -> list[SettingsChoice]:
    """The settings modules the build imports, per environment (stag, prod): what manage.py
    sets, unless app_desc.yaml sets ``DJANGO_SETTINGS_MODULE`` (``overrides``) and manage.py
    does not force its own.

    A module name computed at run time is left out: nothing certain can be said about it.
    """
    defaults = settings_defaults(tree)
    forced = [default for default in defaults if default.forced]
    fallback = forced or defaults
    chosen: dict[tuple[tuple[str, ...], str, Optional[int]], list[str]] = {}
    for environment in ENVIRONMENTS:
        key: tuple[tuple[str, ...], str, Optional[int]]
        override = None if forced else overrides.get(environment)
        if override is not None:
            key = ((override.value,), override.path, override.line)
        elif fallback and all(default.value for default in fallback):
            names = tuple(dict.fromkeys(default.value for default in fallback if default.value))
            key = (names, manage, fallback[0].line)
        else:
            continue
        chosen.setdefault(key, []).append(environment)
    return [
        SettingsChoice(names, source, line, tuple(envs))
        for (names, source, line), envs in chosen.items()
    ]


# -- the settings chain -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pull:
    """A statement that takes settings from other modules of the repository."""

    line: int
    targets: tuple[str, ...]
    """The module files; several when one of them is chosen at run time; none when the module
    does not exist (an ImportError at run time)."""


@dataclass(frozen=True)
class Blind:
    """A construct that may set any setting, which the analysis cannot see through."""

    path: str
    line: int
    what: str


@dataclass(frozen=True)
class Binding:
    """A statement that gives a setting a value."""

    name: str
    path: str
    line: int
    value: Optional[ast.AST]
    """The value expression, when there is exactly one (not for unpacking or imports)."""
    top: ast.stmt
    """The module-level statement it is part of."""
    imported: Optional[tuple[str, str]] = None
    """(module file, name) for ``from module import name``."""
    module_level: bool = True
    """False for a class attribute, an attribute of another object, or ``setattr``: a value
    that may be a setting but is not a name of the module."""


@dataclass(frozen=True)
class Choice:
    """Blocks of which exactly one runs (``if``/``else``, ``try``/``except``)."""

    branches: tuple[Block, ...]


Block = tuple[Union[Pull, Choice], ...]


@dataclass
class SettingsFile:
    """What one module of the chain does, read from its syntax tree."""

    path: str
    tree: ast.Module
    bindings: list[Binding] = field(default_factory=list)
    pulls: list[Pull] = field(default_factory=list)
    blind: list[Blind] = field(default_factory=list)
    block: Block = ()


@dataclass
class SettingsChain:
    """The modules a settings module takes its settings from (itself first)."""

    name: str
    root: str
    files: dict[str, SettingsFile] = field(default_factory=dict)
    """Every module on some branch of the chain that parses, in the order found."""
    depth: dict[str, int] = field(default_factory=dict)
    broken: list[tuple[str, int, str]] = field(default_factory=list)
    """(path, line, message) of modules on the chain that do not parse."""
    blind: list[Blind] = field(default_factory=list)
    reader: Optional["_Reader"] = field(default=None, repr=False)
    _must: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _others: dict[str, Optional[SettingsFile]] = field(default_factory=dict, repr=False)

    @property
    def paths(self) -> list[str]:
        return list(self.files)

    def file(self, path: str) -> Optional[SettingsFile]:
        """A module of the chain, or another repository module that one of them imports a name
        from (read on first use); None when it does not parse."""
        if path in self.files:
            return self.files[path]
        if path not in self._others:
            found = None
            if self.reader is not None:
                tree = self.reader.sources.python_ast(path)
                found = self.reader.read(path, tree) if tree is not None else None
            self._others[path] = found
        return self._others[path]

    def bindings(self, name: str) -> list[Binding]:
        """Every statement on the chain that may give ``name`` a value."""
        return [
            binding
            for file in self.files.values()
            for binding in file.bindings
            if binding.name == name
        ]

    def always(self) -> frozenset[str]:
        """The modules every run of the settings module imports, whatever the environment."""
        return self._must_of(self.root, frozenset())

    def _must_of(self, path: str, visiting: frozenset[str]) -> frozenset[str]:
        if path in self._must:
            return self._must[path]
        file = self.files.get(path)
        if file is None or path in visiting:
            return frozenset({path}) if file is not None else frozenset()
        result = frozenset({path}) | self._must_block(file.block, visiting | {path})
        self._must[path] = result
        return result

    def _must_block(self, block: Block, visiting: frozenset[str]) -> frozenset[str]:
        result: frozenset[str] = frozenset()
        for item in block:
            if isinstance(item, Pull):
                result |= self._intersection(
                    [self._must_of(target, visiting) for target in item.targets]
                )
            else:
                result |= self._intersection(
                    [self._must_block(branch, visiting) for branch in item.branches]
                )
        return result

    @staticmethod
    def _intersection(sets: list[frozenset[str]]) -> frozenset[str]:
        if not sets:
            return frozenset()
        result = sets[0]
        for other in sets[1:]:
            result &= other
        return result

    def definitions(
        self,
        path: str,
        name: str,
        before: Optional[int] = None,
        _visiting: frozenset[str] = frozenset(),
    ) -> Optional[list[Binding]]:
        """The bindings that may give ``name`` its value in module ``path`` just before line
        ``before`` (at its end when None). [] when nothing binds it there; None when a
        construct the analysis cannot see through may."""
        file = self.file(path)
        if file is None or path in _visiting:
            return None
        events: list[tuple[int, int, Union[Binding, Pull, Blind]]] = []
        events += [(b.line, 0, b) for b in file.bindings if b.module_level and b.name == name]
        events += [(p.line, 1, p) for p in file.pulls]
        events += [(b.line, 2, b) for b in file.blind]
        current: Optional[list[Binding]] = []
        for line, _, event in sorted(events, key=lambda e: (e[0], e[1])):
            if before is not None and line >= before:
                break
            if isinstance(event, Blind):
                current = None
            elif isinstance(event, Binding):
                current = self._follow(event, _visiting | {path})
            else:
                current = self._through(event, name, current, _visiting | {path})
        return current

    def _through(
        self, pull: Pull, name: str, current: Optional[list[Binding]], visiting: frozenset[str]
    ) -> Optional[list[Binding]]:
        """What ``name`` is after ``pull``: what the pulled modules give it, and the value it
        had when one of them may leave it alone."""
        found = [self.definitions(target, name, None, visiting) for target in pull.targets]
        complete = [result for result in found if result is not None]
        if len(complete) < len(found):
            return None
        given = [binding for result in complete for binding in result]
        if not given:
            return current
        if all(complete):
            return given
        return None if current is None else given + current

    def _follow(self, binding: Binding, visiting: frozenset[str]) -> Optional[list[Binding]]:
        if binding.imported is None:
            return [binding]
        source, original = binding.imported
        return self.definitions(source, original, None, visiting) or None


def settings_chain(sources: Sources, code_dir: str, name: str) -> Optional[SettingsChain]:
    """The chain of settings module ``name`` as the build imports it from ``code_dir`` (the
    directory of manage.py; the build directory is on the import path too). None when the
    module is not in the repository."""
    return _chain(_Reader(sources, code_dir), name)


def _chain(reader: _Reader, name: str) -> Optional[SettingsChain]:
    sources = reader.sources
    root = _absolute_module(sources, reader.roots, name)
    if root in (_MISSING, _EXTERNAL):
        return None
    chain = SettingsChain(name, root, reader=reader)
    queue = [(root, 0)]
    seen = {root}
    while queue:
        path, depth = queue.pop(0)
        if len(chain.files) >= MAX_CHAIN_MODULES:
            chain.blind.append(Blind(path, 1, f"more than {MAX_CHAIN_MODULES} settings modules"))
            break
        tree = sources.python_ast(path)
        if tree is None:
            error = syntax_error(sources, path)
            line, message = error if error else (1, "cannot be read")
            chain.broken.append((path, line, message))
            continue
        file = reader.read(path, tree)
        chain.files[path] = file
        chain.depth[path] = depth
        chain.blind += file.blind
        for pull in file.pulls:
            for target in pull.targets:
                if target not in seen:
                    seen.add(target)
                    queue.append((target, depth + 1))
    return chain


def follow_star_imports(sources: Sources, code_dir: str, starts: list[str]) -> list[str]:
    """``starts`` and every repository module they pull settings from, in the order found."""
    reader = _Reader(sources, code_dir)
    found: list[str] = []
    queue = list(starts)
    while queue and len(found) < MAX_CHAIN_MODULES:
        path = queue.pop(0)
        if path in found:
            continue
        found.append(path)
        tree = sources.python_ast(path)
        if tree is not None:
            queue += [target for pull in reader.read(path, tree).pulls for target in pull.targets]
    return found


# -- the project the build runs -------------------------------------------------------------


@dataclass(frozen=True)
class ManagePy:
    """A manage.py the build may run, and the settings modules it makes Django import."""

    path: str
    error: Optional[tuple[int, str]]
    """(line, message) of why it does not parse; None when it parses (or cannot be read)."""
    is_django: bool
    """It parses and names Django or ``DJANGO_SETTINGS_MODULE``."""
    choices: tuple[SettingsChoice, ...]
    """The settings modules the build imports, per environment (none when not Django)."""
    chains: Mapping[str, Optional[SettingsChain]]
    """The chain of every settings module of ``choices`` (None: not in the repository)."""

    @property
    def code_dir(self) -> str:
        """The directory of manage.py, first on the import path of the build's commands."""
        return posixpath.dirname(self.path)


@dataclass(frozen=True)
class DjangoProject:
    """The manage.py files the build finds, each with its settings modules and their chains."""

    manage_files: tuple[ManagePy, ...]
    """The shallowest manage.py files up to three levels down; the build runs one of them."""

    @property
    def manage(self) -> Optional[ManagePy]:
        """The manage.py the build runs; None when several are at the same depth."""
        return self.manage_files[0] if len(self.manage_files) == 1 else None


def read_manage_py(
    sources: Sources, path: str, overrides: Mapping[str, SettingsOverride]
) -> ManagePy:
    """manage.py ``path``, the settings modules it gives the build (app_desc.yaml's
    ``overrides`` win where manage.py lets them) and each module's settings chain."""
    tree = sources.python_ast(path)
    if tree is None or not is_django_manage(tree):
        return ManagePy(path, syntax_error(sources, path), False, (), {})
    choices = tuple(build_settings(path, tree, overrides))
    reader = _Reader(sources, posixpath.dirname(path))
    names = dict.fromkeys(name for choice in choices for name in choice.modules)
    return ManagePy(path, None, True, choices, {name: _chain(reader, name) for name in names})


def read_django(
    sources: Sources, manage_files: list[str], overrides: Mapping[str, SettingsOverride]
) -> DjangoProject:
    """The Django project of ``manage_files`` (:func:`manage_py_files`)."""
    return DjangoProject(tuple(read_manage_py(sources, path, overrides) for path in manage_files))


# -- how a module is read ---------------------------------------------------------------------

_MISSING = "missing"
_EXTERNAL = "external"
_BLIND = "blind"


def _absolute_module(sources: Sources, roots: tuple[str, ...], dotted: str) -> str:
    """The file of ``dotted`` on the build's import path; ``_MISSING`` when its top package is
    in the repository but the module is not, ``_EXTERNAL`` when it is not in the repository."""
    for root in roots:
        found = module_file(sources, root, dotted)
        if found:
            return found
    top = dotted.split(".")[0]
    if any(module_file(sources, root, top) for root in roots):
        return _MISSING
    return _EXTERNAL


class _Reader:
    """Reads settings modules as the build imports them from ``code_dir`` (the directory of
    manage.py; the build directory is on the import path too)."""

    def __init__(self, sources: Sources, code_dir: str):
        self.sources = sources
        self.roots = tuple(dict.fromkeys([code_dir, sources.build_dir]))
        self.known: dict[str, SettingsFile] = {}

    def read(self, path: str, tree: ast.Module) -> SettingsFile:
        """What module ``path`` does; read once per reader."""
        known = self.known.get(path)
        if known is not None:
            return known
        file = SettingsFile(path, tree)
        self.file = file
        self.parents: dict[int, ast.AST] = {}
        self.tops: dict[int, ast.stmt] = {}
        for statement in tree.body:
            self.parents[id(statement)] = tree
            for node in ast.walk(statement):
                self.tops[id(node)] = statement
                for child in ast.iter_child_nodes(node):
                    self.parents[id(child)] = node
        self.modules = self._module_names(tree)
        self.pull_at: dict[int, Pull] = {}
        self._statements(tree)
        self._namespaces(tree)
        file.pulls.sort(key=lambda pull: pull.line)
        file.block = self._block(tree.body)
        self.known[path] = file
        return file

    # -- helpers

    def _top(self, node: ast.AST) -> ast.stmt:
        return self.tops[id(node)]

    def _resolve(self, module: Optional[str], level: int) -> str:
        if level == 0:
            return _absolute_module(self.sources, self.roots, module or "")
        package = posixpath.dirname(self.file.path)
        for _ in range(level - 1):
            package = posixpath.dirname(package)
        if not module:
            init = join(package, "__init__.py")
            return init if self.sources.is_file(init) else _MISSING
        return module_file(self.sources, package, module) or _MISSING

    def _blind(self, node: ast.AST, what: str) -> None:
        self.file.blind.append(Blind(self.file.path, self._top(node).lineno, what))

    def _pull(self, node: ast.AST, targets: tuple[str, ...]) -> None:
        top = self._top(node)
        pull = Pull(top.lineno, tuple(dict.fromkeys(targets)))
        self.file.pulls.append(pull)
        self.pull_at[id(self._statement_of(node))] = pull

    def _statement_of(self, node: ast.AST) -> ast.AST:
        while not isinstance(node, ast.stmt):
            node = self.parents[id(node)]
        return node

    def _in_function(self, node: ast.AST) -> bool:
        ancestor = self.parents.get(id(node))
        while ancestor is not None:
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return True
            if isinstance(ancestor, ast.ClassDef):
                return False
            ancestor = self.parents.get(id(ancestor))
        return False

    def _scope(self, node: ast.AST) -> Optional[ast.AST]:
        """The function or class whose namespace ``node`` binds in (None: the module)."""
        ancestor = self.parents.get(id(node))
        while ancestor is not None:
            if isinstance(
                ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
            ):
                return ancestor
            ancestor = self.parents.get(id(ancestor))
        return None

    # -- bindings, star imports and imported module names

    def _bind(
        self,
        name: str,
        node: ast.AST,
        value: Optional[ast.AST],
        imported: Optional[tuple[str, str]] = None,
        attribute: bool = False,
    ) -> None:
        scope = self._scope(node)
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and not any(
            isinstance(n, ast.Global) and name in n.names for n in ast.walk(scope)
        ):
            return
        line = getattr(node, "lineno", None) or self._top(node).lineno
        self.file.bindings.append(
            Binding(
                name,
                self.file.path,
                line,
                value,
                self._top(node),
                imported,
                scope is None and not attribute,
            )
        )

    def _targets(self, target: ast.AST, value: Optional[ast.AST]) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, target, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._targets(element, None)
        elif isinstance(target, ast.Starred):
            self._targets(target.value, None)
        elif isinstance(target, ast.Attribute):
            self._bind(target.attr, target, value, attribute=True)

    def _statements(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._targets(target, node.value)
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                self._targets(node.target, node.value)
            elif isinstance(node, ast.AugAssign):
                self._targets(node.target, None)
            elif isinstance(node, ast.NamedExpr):
                self._targets(node.target, node.value)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                self._targets(node.target, None)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        self._targets(item.optional_vars, None)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self._bind(node.name, node, None)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._bind(node.name, node, None)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    self._bind(alias.asname or alias.name.split(".")[0], node, None)
            elif isinstance(node, ast.ImportFrom):
                self._import_from(node)
            elif isinstance(node, ast.Call):
                self._call(node)

    def _import_from(self, node: ast.ImportFrom) -> None:
        if any(alias.name == "*" for alias in node.names):
            if self._in_function(node):
                return
            target = self._resolve(node.module, node.level)
            if target == _EXTERNAL:
                self._blind(node, f"`from {node.module} import *` (not in the repository)")
            else:
                self._pull(node, () if target == _MISSING else (target,))
            return
        source = self._resolve(node.module, node.level)
        for alias in node.names:
            origin = (source, alias.name) if source not in (_MISSING, _EXTERNAL) else None
            self._bind(alias.asname or alias.name, node, None, origin)

    def _call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else None
        if name in ("exec", "execfile"):
            self._blind(node, f"`{name}(...)`")
        elif name in self.modules.get("__split_settings__", ()):
            self._blind(node, f"django-split-settings' `{name}(...)`")
        elif name == "setattr" and len(node.args) == 3:
            key = string_value(node.args[1])
            if key is not None:
                self._bind(key, node, node.args[2], attribute=True)
            elif any(word in ast.unparse(node.args[0]) for word in ("sys.modules", "__name__")):
                self._blind(node, "`setattr(...)` on the settings module")

    def _module_names(self, tree: ast.Module) -> dict[str, tuple[str, ...]]:
        """Names bound to imported modules: name -> module files (``("blind",)`` when they are
        not all in the repository). ``__split_settings__`` holds django-split-settings' names."""
        names: dict[str, tuple[str, ...]] = {}
        split: list[str] = []

        def add(name: str, targets: tuple[str, ...]) -> None:
            names[name] = tuple(dict.fromkeys(names.get(name, ()) + targets))

        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname or "." not in alias.name:
                        add(
                            alias.asname or alias.name,
                            self._as_targets(self._resolve(alias.name, 0)),
                        )
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.level == 0
                and node.module.split(".")[0] == "split_settings"
            ):
                split += [alias.asname or alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not any(a.name == "*" for a in node.names):
                for alias in node.names:
                    dotted = f"{node.module}.{alias.name}" if node.module else alias.name
                    target = self._resolve(dotted, node.level)
                    if isinstance(target, str) and target not in (_MISSING, _EXTERNAL):
                        add(alias.asname or alias.name, (target,))
            elif (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                found = self._computed_import(tree, node.value)
                if found is not None:
                    add(node.targets[0].id, found)
        names["__split_settings__"] = tuple(split)
        return names

    @staticmethod
    def _as_targets(resolved: str) -> tuple[str, ...]:
        return (_BLIND,) if resolved in (_MISSING, _EXTERNAL) else (resolved,)

    def _computed_import(self, tree: ast.Module, value: ast.AST) -> Optional[tuple[str, ...]]:
        """The candidate files of ``import_module(expr)`` / ``__import__(expr, ...)``."""
        if not isinstance(value, ast.Call) or not value.args:
            return None
        func = value.func
        called = (
            func.attr
            if isinstance(func, ast.Attribute)
            else func.id
            if isinstance(func, ast.Name)
            else None
        )
        if called not in ("import_module", "__import__"):
            return None
        patterns = _patterns(tree, value.args[0], 0)
        if called == "__import__":
            fromlist = (
                value.args[3]
                if len(value.args) > 3
                else next((k.value for k in value.keywords if k.arg == "fromlist"), None)
            )
            has_fromlist = isinstance(fromlist, (ast.List, ast.Tuple)) and fromlist.elts
            dotted = any("." in "".join(part for part in pattern if part) for pattern in patterns)
            if dotted and not has_fromlist:
                return (_BLIND,)
        files: list[str] = []
        for pattern in patterns:
            matched = self._candidates(pattern)
            if not matched:
                return (_BLIND,)
            files += matched
        return tuple(dict.fromkeys(files))

    def _candidates(self, pattern: Pattern) -> list[str]:
        """Repository modules whose dotted name ``pattern`` (strings and None for unknown parts)
        can match; the unknown parts must all be in the last name."""
        text = "".join(part if part is not None else _UNKNOWN_PART for part in pattern)
        package, _, last = text.rpartition(".")
        if _UNKNOWN_PART in package or not last:
            return []
        if _UNKNOWN_PART not in last:
            resolved = _absolute_module(self.sources, self.roots, text)
            return [resolved] if resolved not in (_MISSING, _EXTERNAL) else []
        regex = re.compile(
            "".join("[A-Za-z0-9_]+" if c == _UNKNOWN_PART else re.escape(c) for c in last) + r"\Z"
        )
        found: list[str] = []
        for root in self.roots:
            directory = join(root, *package.split(".")) if package else root
            if package and not self.sources.is_file(join(directory, "__init__.py")):
                continue
            for entry in sorted(self.sources.listdir(directory)):
                module = entry[:-3] if entry.endswith(".py") else entry
                if module == "__init__" or not regex.match(module):
                    continue
                path = module_file(self.sources, root, f"{package}.{module}" if package else module)
                if path and path not in found:
                    found.append(path)
            if found:
                break
        return found

    # -- writes through globals(), locals() and vars()

    def _namespaces(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _NAMESPACES
                and not node.args
                and not node.keywords
            ):
                continue
            if node.func.id != "globals" and self._scope(node) is not None:
                continue
            self._namespace_use(node)

    def _namespace_use(self, node: ast.Call) -> None:
        parent = self.parents.get(id(node))
        if isinstance(parent, ast.Subscript) and parent.value is node:
            if isinstance(parent.ctx, ast.Load):
                return
            statement = self._statement_of(parent)
            value = statement.value if isinstance(statement, ast.Assign) else None
            self._write(node, parent.slice, value)
        elif isinstance(parent, ast.Attribute) and parent.value is node:
            call = self.parents.get(id(parent))
            if parent.attr in _READS or parent.attr == "pop":
                return
            if parent.attr in _WRITES and isinstance(call, ast.Call) and call.func is parent:
                self._method_write(node, parent.attr, call)
            else:
                self._blind(node, f"`{_called(node)}().{parent.attr}`")
        elif (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Name)
            and parent.func.id == "__import__"
        ):
            return
        elif isinstance(parent, ast.Compare):
            return
        else:
            self._blind(node, f"`{_called(node)}()` handed to other code")

    def _method_write(self, node: ast.Call, method: str, call: ast.Call) -> None:
        if method == "update":
            for keyword in call.keywords:
                if keyword.arg:
                    self._bind(keyword.arg, call, keyword.value)
                else:
                    self._write(node, None, keyword.value)
            for argument in call.args:
                if isinstance(argument, ast.Dict) and all(string_value(k) for k in argument.keys):
                    for key, value in zip(argument.keys, argument.values):
                        name = string_value(key)
                        if name is not None:
                            self._bind(name, call, value)
                else:
                    self._write(node, None, argument)
        elif call.args:
            self._write(node, call.args[0], call.args[1] if len(call.args) > 1 else None)

    def _write(self, node: ast.Call, key: Optional[ast.AST], value: Optional[ast.AST]) -> None:
        """A write into the module namespace: a setting when the key is a literal, a copy from
        imported modules when every name it uses is one, blind otherwise."""
        literal = string_value(key)
        if literal is not None:
            self._bind(literal, node, value)
            return
        sources = self._copied_from(node, [part for part in (key, value) if part is not None])
        if sources is None:
            self._blind(node, f"`{_called(node)}()` written with names paasfix cannot follow")
        else:
            self._pull(node, sources)

    def _copied_from(self, node: ast.AST, expressions: list[ast.AST]) -> Optional[tuple[str, ...]]:
        allowed = set(_COPY_BUILTINS)
        ancestor = self.parents.get(id(node))
        while ancestor is not None:
            if isinstance(ancestor, (ast.For, ast.AsyncFor)):
                allowed |= {n.id for n in ast.walk(ancestor.target) if isinstance(n, ast.Name)}
            ancestor = self.parents.get(id(ancestor))
        used: set[str] = set()
        for expression in expressions:
            for inner in ast.walk(expression):
                if isinstance(inner, ast.comprehension):
                    allowed |= {n.id for n in ast.walk(inner.target) if isinstance(n, ast.Name)}
                elif isinstance(inner, ast.Name):
                    used.add(inner.id)
        modules = used - allowed
        if not modules or not all(name in self.modules for name in modules):
            return None
        targets = tuple(t for name in sorted(modules) for t in self.modules[name])
        if _BLIND in targets or not targets:
            return None
        return targets

    # -- which pulls always run

    def _block(self, statements: list[ast.stmt]) -> Block:
        items: list[Union[Pull, Choice]] = []
        for statement in statements:
            if id(statement) in self.pull_at:
                items.append(self.pull_at[id(statement)])
            elif isinstance(statement, ast.If):
                items.append(Choice((self._block(statement.body), self._block(statement.orelse))))
            elif isinstance(statement, ast.Try):
                body = self._block(statement.body + statement.orelse)
                handlers = tuple(self._block(handler.body) for handler in statement.handlers)
                if any(isinstance(item, Pull) and not item.targets for item in body):
                    items.append(Choice((body,) + handlers))
                else:
                    items += body
                    items += [Choice((handler, ())) for handler in handlers]
                items += self._block(statement.finalbody)
            elif isinstance(statement, (ast.With, ast.AsyncWith)):
                items += self._block(statement.body)
            elif isinstance(statement, (ast.For, ast.AsyncFor, ast.While)):
                inner = [
                    self.pull_at[id(n)]
                    for n in ast.walk(statement)
                    if isinstance(n, ast.stmt)
                    and id(n) in self.pull_at
                    and not isinstance(n, ast.ImportFrom)
                ]
                items += inner
                if not inner:
                    items.append(Choice((self._block(statement.body + statement.orelse), ())))
        return tuple(items)


def _patterns(tree: ast.Module, node: ast.AST, hops: int) -> list[Pattern]:
    """The dotted names an expression can evaluate to: tuples of literal text and None for
    parts known only at run time."""
    unknown: list[Pattern] = [(None,)]
    text = string_value(node)
    if text is not None:
        return [(text,)]
    if isinstance(node, ast.JoinedStr):
        parts: list[Optional[str]] = []
        for value in node.values:
            parts.append(string_value(value) if isinstance(value, ast.Constant) else None)
        return [tuple(parts)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [
            left + right
            for left in _patterns(tree, node.left, hops)
            for right in _patterns(tree, node.right, hops)
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = string_value(node.left)
        if template:
            pieces = re.split(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrif]", template)
            return [tuple(_interleave(pieces))]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        template = string_value(node.func.value)
        if template is not None:
            pieces = re.split(r"\{[^{}]*\}", template)
            return [tuple(_interleave(pieces))]
    if isinstance(node, ast.Name) and hops < _MAX_NAME_HOPS:
        values = [
            statement.value
            for statement in top_level(tree.body)
            if isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == node.id for t in statement.targets)
        ]
        if values:
            return [p for value in values for p in _patterns(tree, value, hops + 1)]
    return unknown


def _called(node: ast.Call) -> str:
    """The name of the namespace function ``node`` calls (``globals``, ``locals``, ``vars``)."""
    return node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)


def _interleave(pieces: list[str]) -> list[Optional[str]]:
    parts: list[Optional[str]] = []
    for index, piece in enumerate(pieces):
        if index:
            parts.append(None)
        parts.append(piece)
    return parts
