"""How a Python application starts, read from its code without running it.

- **A Django project**: the manage.py the build finds, the settings module it names, that
  module's own WSGI ``application`` (``WSGI_APPLICATION``, else ``<package>.wsgi``), served by
  gunicorn on ``$PORT``.
- **A WSGI module**: ``app.py``, ``wsgi.py``, ``main.py``, ``server.py`` or ``application.py`` at
  the root of the build directory that binds ``app`` or ``application`` to a WSGI application
  (an ASGI one needs another worker and is not guessed).
- **Celery**: with celery required, the project's Celery app (``<package>/celery.py``, the
  BlueKing framework's ``blueapps.core.celery``, django-celery's ``manage.py celery``, or a
  ``Celery(...)`` in a module at the root), a ``worker`` process, and a ``beat`` process when a
  beat schedule is configured.

Whatever is not certain raises :class:`~paasfix.python_apps.django.CannotInfer` with the reason.
"""

from __future__ import annotations

import ast
import posixpath
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Optional

from paasfix.core.sources import Sources
from paasfix.core.tree import join
from paasfix.python_apps.django import (
    CannotInfer,
    default_settings_module,
    find_manage_py,
    follow_star_imports,
    imported_modules,
    is_django_manage,
    mentions,
    module_file,
    parsed,
    relative,
    string_value,
    top_level,
)

BIND = "-b :$PORT --log-file -"
"""gunicorn listens on the port the platform gives every process (PLATFORM.md §1.6)."""

WSGI_MODULES = ("app.py", "wsgi.py", "main.py", "server.py", "application.py")
WSGI_NAMES = ("app", "application")
WSGI_FRAMEWORKS = frozenset(
    {"flask", "bottle", "falcon", "pyramid", "werkzeug", "django", "cherrypy", "web"}
)
ASGI_FRAMEWORKS = frozenset({"fastapi", "starlette", "quart", "sanic", "litestar"})
WSGI_FACTORIES = frozenset(
    {"Flask", "Bottle", "default_app", "get_wsgi_application", "make_wsgi_app", "WSGIHandler"}
)
ASGI_FACTORIES = frozenset(
    {"FastAPI", "Starlette", "Quart", "Sanic", "Litestar", "get_asgi_application"}
)

CELERY_MODULES = ("celery_app.py", "tasks.py", "worker.py")
"""Where a non-Django application usually keeps its Celery app, besides its web module."""
BEAT_SETTINGS = frozenset(
    {
        "CELERY_BEAT_SCHEDULE",
        "CELERYBEAT_SCHEDULE",
        "beat_schedule",
        "CELERY_BEAT_SCHEDULER",
        "CELERYBEAT_SCHEDULER",
        "beat_scheduler",
    }
)

PYTHON_TEMPLATE = {"web": f"gunicorn <module>:<app> {BIND}"}
OTHER_TEMPLATE = {"web": "<the command that starts your web server on $PORT>"}


def template(language: str) -> dict[str, str]:
    """The processes to complete by hand for an application in ``language``."""
    return PYTHON_TEMPLATE if language == "Python" else OTHER_TEMPLATE


OTHER_LANGUAGES = (
    ("package.json", "NodeJS"),
    ("go.mod", "Go"),
    ("composer.json", "PHP"),
    ("index.php", "PHP"),
    ("pom.xml", "Java"),
    ("build.gradle", "Java"),
)


@dataclass
class Inference:
    """The processes an application needs, with what they were inferred from."""

    processes: dict[str, str]
    basis: str
    """What the processes were inferred from, for a message."""
    notes: list[str] = field(default_factory=list)
    """What the author should still check (a missing server, a Celery app not found)."""

    def describe(self) -> str:
        """The processes, what they were inferred from and the notes, for a message."""
        processes = "; ".join(f"{name}: `{command}`" for name, command in self.processes.items())
        notes = "".join(f". Note: {note}" for note in self.notes)
        return f"{processes} (inferred from {self.basis}){notes}"


class AppBelow(CannotInfer):
    """The Django project lives in ``directory`` below a build directory that has no
    dependency file: the build stops before any process starts there."""

    def __init__(self, manage: str):
        self.manage = manage
        self.directory = posixpath.dirname(manage)
        super().__init__(f"the application seems to live in {self.directory}/ ({manage})", manage)

    def advice(self, markers: Sequence[str]) -> str:
        """What to do, for a build directory without any of ``markers`` (the files that make
        the build detect a Python app)."""
        return (
            f"the build directory has no {', '.join(markers[:-1])} or {markers[-1]}, so the "
            f"build fails before any process starts, and {self}. Set the module's build "
            f"directory to '{self.directory}' (see fix-unable-select-buildpack) and run paasfix "
            f"with `--build-dir {self.directory}`; it then writes the process definition there"
        )


def infer(sources: Sources, required: Optional[frozenset[str]], is_python: bool) -> Inference:
    """How the application starts, read from its code; CannotInfer when it is not certain.

    ``required``: the canonical names of the requirements the build installs (None without a
    requirements.txt); ``is_python``: whether the build directory has what makes the build
    detect a Python app.
    """
    required_names = required or frozenset()
    manage = find_manage_py(sources)
    tree = parsed(sources, manage) if manage else None
    if manage and tree and is_django_manage(tree):
        if posixpath.dirname(manage) != sources.build_dir and not is_python:
            raise AppBelow(manage)
        inference = infer_django(sources, required_names, manage, tree)
    else:
        inference = infer_wsgi_module(sources, required_names)
    if required is not None and not _requires(required, "gunicorn"):
        inference.notes.append(
            "gunicorn is not in requirements.txt: add it, or the web process cannot start"
        )
    return inference


def guess_language(sources: Sources, is_python: bool) -> str:
    """The language app_desc.yaml names for the build directory (Python when unsure)."""
    if is_python or any(sources.is_file(sources.path(name)) for name in WSGI_MODULES):
        return "Python"
    for marker, language in OTHER_LANGUAGES:
        if sources.is_file(sources.path(marker)):
            return language
    return "Python"


# -- Django ------------------------------------------------------------------------------------


def infer_django(
    sources: Sources, required: frozenset[str], manage: str, tree: ast.Module
) -> Inference:
    code_dir = posixpath.dirname(manage)
    settings = default_settings_module(tree, manage)
    settings_trees = _settings_trees(sources, code_dir, settings)
    target = _wsgi_target(sources, code_dir, settings, settings_trees)
    notes: list[str] = []
    processes = {"web": gunicorn(target, relative(sources, code_dir))}
    packages = [name.split(".")[0] for name in (settings, target) if "." in name] + ["config"]
    processes.update(
        _django_celery(sources, required, code_dir, manage, packages, settings_trees, notes)
    )
    return Inference(processes, f"{manage} and its settings module `{settings}`", notes)


def gunicorn(target: str, chdir: str) -> str:
    """The command that serves the WSGI ``target`` from the directory ``chdir``."""
    where = f" --chdir {shlex.quote(chdir)}" if chdir else ""
    return f"gunicorn{where} {target} {BIND}"


def _settings_trees(sources: Sources, code_dir: str, settings: str) -> list[ast.Module]:
    """The settings module and the modules it takes settings from, the rest of a settings
    package, and the BlueKing framework's ``config/default.py``; files that do not parse are
    left out."""
    start = module_file(sources, code_dir, settings)
    starts = [start] if start else []
    if start and start.endswith("/__init__.py"):
        package = posixpath.dirname(start)
        starts += [join(package, name) for name in sources.listdir(package) if name.endswith(".py")]
    blueapps_defaults = join(code_dir, "config", "default.py")
    if sources.is_file(blueapps_defaults):
        starts.append(blueapps_defaults)
    paths = follow_star_imports(sources, code_dir, starts)
    return [tree for tree in map(sources.python_ast, paths) if tree is not None]


def _wsgi_target(
    sources: Sources, code_dir: str, settings: str, settings_trees: list[ast.Module]
) -> str:
    """The gunicorn target of the project's own WSGI application (``mysite.wsgi``)."""
    candidates: list[tuple[str, str]] = []
    declared = _literal_setting(settings_trees, "WSGI_APPLICATION")
    if isinstance(declared, str) and "." in declared:
        module, _, attribute = declared.rpartition(".")
        candidates.append((module, attribute))
    parts = settings.split(".")
    candidates += [
        (".".join(parts[:end] + ["wsgi"]), "application") for end in range(len(parts) - 1, -1, -1)
    ]
    looked = []
    for module, attribute in dict.fromkeys(candidates):
        path = module_file(sources, code_dir, module)
        if path is None:
            looked.append(join(code_dir, *module.split(".")) + ".py")
            continue
        looked.append(path)
        if attribute in _bindings(parsed(sources, path)):
            return module if attribute == "application" else f"{module}:{attribute}"
    raise CannotInfer(
        f"found no WSGI `application` for the settings {settings} "
        f"(looked in {', '.join(dict.fromkeys(looked))})"
    )


def _django_celery(
    sources: Sources,
    required: frozenset[str],
    code_dir: str,
    manage: str,
    packages: list[str],
    settings_trees: list[ast.Module],
    notes: list[str],
) -> dict[str, str]:
    if _literal_setting(settings_trees, "IS_USE_CELERY") is False:
        return {}
    if _requires(required, "django-celery") or mentions(settings_trees, "djcelery"):
        command = f"python {shlex.quote(relative(sources, manage))} celery"
        return _celery_processes(command, _sets_any(settings_trees, BEAT_SETTINGS))
    if not _requires(required, "celery"):
        return {}
    found = _django_celery_app(sources, required, code_dir, packages, settings_trees)
    if found is None:
        notes.append(
            "celery is a requirement but paasfix found no Celery app "
            f"({', '.join(p + '/celery.py' for p in dict.fromkeys(packages))}); "
            "add a worker process yourself if the application needs one"
        )
        return {}
    target, app_trees = found
    workdir = relative(sources, code_dir)
    prefix = "celery" + (f" --workdir {shlex.quote(workdir)}" if workdir else "") + f" -A {target}"
    return _celery_processes(prefix, _sets_any(settings_trees + app_trees, BEAT_SETTINGS))


def _django_celery_app(
    sources: Sources,
    required: frozenset[str],
    code_dir: str,
    packages: list[str],
    settings_trees: list[ast.Module],
) -> tuple[str, list[ast.Module]] | None:
    """The ``-A`` argument of the project's Celery app and the module(s) that configure it."""
    for package in dict.fromkeys(packages):
        path = join(code_dir, package, "celery.py")
        if not sources.is_file(path):
            continue
        tree = parsed(sources, path)
        name = _celery_instance(tree)
        if name in ("app", "celery"):
            return package, [tree]
        if name:
            return f"{package}.celery:{name}", [tree]
    vendored = sources.is_dir(join(code_dir, "blueapps", "core", "celery"))
    if _literal_setting(settings_trees, "IS_USE_CELERY") is True and (
        vendored or _requires(required, "blueapps")
    ):
        return "blueapps.core.celery", []
    return None


def _celery_processes(prefix: str, beat: bool) -> dict[str, str]:
    processes = {"worker": f"{prefix} worker -l info"}
    if beat:
        processes["beat"] = f"{prefix} beat -l info"
    return processes


def _requires(required: frozenset[str], *names: str) -> bool:
    return any(name in required for name in names)


# -- a WSGI module ------------------------------------------------------------------------------


def infer_wsgi_module(sources: Sources, required: frozenset[str]) -> Inference:
    """A module at the build directory's root that serves a WSGI ``app`` or ``application``."""
    candidates: list[tuple[str, str, str, ast.Module]] = []
    for filename in WSGI_MODULES:
        path = sources.path(filename)
        if not sources.is_file(path):
            continue
        tree = parsed(sources, path)
        bound = _bindings(tree)
        for name in WSGI_NAMES:
            if name not in bound:
                continue
            kind = _framework(sources, tree, _assigned_value(bound[name]))
            if kind == "asgi":
                raise CannotInfer(
                    f"{path} serves an ASGI application, which gunicorn can only run "
                    "with an ASGI worker (e.g. `-k uvicorn.workers.UvicornWorker`)"
                )
            if kind == "wsgi" or isinstance(bound[name], ast.FunctionDef):
                candidates.append((filename[:-3], name, path, tree))
                break
    modules = {module for module, _, _, _ in candidates}
    candidates = [c for c in candidates if not _reexports(_bindings(c[3])[c[1]], modules - {c[0]})]
    if len(candidates) > 1:
        raise CannotInfer(
            "both "
            + " and ".join(path for _, _, path, _ in candidates)
            + " define a WSGI application, so paasfix cannot tell which one to serve"
        )
    if not candidates:
        raise CannotInfer(
            "paasfix found neither a Django project (manage.py) nor a WSGI `app` in "
            + ", ".join(WSGI_MODULES)
            + " at the root of the build directory"
        )
    module, name, path, tree = candidates[0]
    notes: list[str] = []
    processes = {"web": gunicorn(f"{module}:{name}", "")}
    processes.update(_module_celery(sources, required, module, tree, notes))
    return Inference(processes, f"the WSGI application `{name}` in {path}", notes)


def _framework(sources: Sources, tree: ast.Module, value: ast.AST | None) -> str | None:
    """``wsgi``, ``asgi`` or None (unknown) for the object a module serves."""
    factory = _called_name(value)
    if factory in WSGI_FACTORIES:
        return "wsgi"
    if factory in ASGI_FACTORIES:
        return "asgi"
    modules = imported_modules(tree)
    for module in list(modules):
        local = module_file(sources, sources.build_dir, module)
        local_tree = sources.python_ast(local) if local is not None else None
        if local_tree is not None:
            modules += imported_modules(local_tree)
    roots = {module.split(".")[0] for module in modules}
    if roots & ASGI_FRAMEWORKS:
        return "asgi"
    if roots & WSGI_FRAMEWORKS:
        return "wsgi"
    return None


def _reexports(node: ast.AST, modules: set[str]) -> bool:
    """Whether ``node`` imports the name from another candidate module (``from app import app``)."""
    return isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in modules


def _module_celery(
    sources: Sources,
    required: frozenset[str],
    web_module: str,
    web_tree: ast.Module,
    notes: list[str],
) -> dict[str, str]:
    if not _requires(required, "celery"):
        return {}
    apps = []
    for module in dict.fromkeys([web_module] + [name[:-3] for name in CELERY_MODULES]):
        path = sources.path(module + ".py")
        if not sources.is_file(path):
            continue
        tree = web_tree if module == web_module else parsed(sources, path)
        name = _celery_instance(tree)
        if name:
            apps.append((f"{module}:{name}", tree))
    if len(apps) != 1:
        where = "several Celery apps" if apps else "no Celery app"
        notes.append(
            f"celery is a requirement but paasfix found {where} at the root of the build "
            "directory; add a worker process yourself if the application needs one"
        )
        return {}
    target, tree = apps[0]
    return _celery_processes(f"celery -A {target}", _sets_any([tree], BEAT_SETTINGS))


# -- reading Python without running it -------------------------------------------------------


def _bindings(tree: ast.Module) -> dict[str, ast.AST]:
    """Names the module binds at its top level, each with the last statement that binds it."""
    bound: dict[str, ast.AST] = {}
    for node in top_level(tree.body):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound[target.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            bound[node.target.id] = node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[node.name] = node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    bound[alias.asname or alias.name.split(".")[0]] = node
    return bound


def _called_name(node: ast.AST | None) -> str | None:
    """``Flask`` for ``Flask(...)`` and ``flask.Flask(...)``."""
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _assigned_value(node: ast.AST) -> ast.AST | None:
    return node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None


def _is_empty_literal(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, ast.Call) and _called_name(node) == "dict":
        return not node.args and not node.keywords
    return False


def _stored_names(node: ast.AST) -> Iterator[tuple[str, ast.AST | None]]:
    """(name, value) for every name, attribute or string subscript an assignment sets."""
    targets: list[ast.expr]
    value: ast.expr | None
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets, value = [node.target], node.value
    elif isinstance(node, ast.keyword) and node.arg:
        yield node.arg, node.value
        return
    else:
        return
    for target in targets:
        if isinstance(target, ast.Name):
            yield target.id, value
        elif isinstance(target, ast.Attribute):
            yield target.attr, value
        elif isinstance(target, ast.Subscript):
            key = string_value(target.slice)
            if key is not None:
                yield key, value


def _sets_any(trees: Iterable[ast.Module], names: frozenset[str]) -> bool:
    """Whether any module sets one of ``names`` to something other than an empty mapping."""
    for tree in trees:
        for node in ast.walk(tree):
            for name, value in _stored_names(node):
                if name in names and not _is_empty_literal(value):
                    return True
    return False


def _literal_setting(trees: Iterable[ast.Module], name: str) -> object:
    """The last literal value assigned to ``name`` in the modules (None when never assigned)."""
    found: object = None
    for tree in trees:
        for node in ast.walk(tree):
            for stored, value in _stored_names(node):
                if stored == name and isinstance(value, ast.Constant):
                    found = value.value
    return found


def _celery_instance(tree: ast.Module) -> str | None:
    """The top-level name bound to ``Celery(...)``, if the module creates one."""
    for name, node in _bindings(tree).items():
        if _called_name(_assigned_value(node)) == "Celery":
            return name
    return None
