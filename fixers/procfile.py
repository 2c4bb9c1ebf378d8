"""fix-procfile: give the build directory a process definition that the platform accepts."""

from __future__ import annotations

import ast
import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Optional

from paasfix import platform
from paasfix.django import (CannotInfer, default_settings_module, find_manage_py,
                            follow_star_imports, imported_modules, is_django_manage, mentions,
                            module_file, parsed, relative, string_value, top_level)
from paasfix.fixer import ERROR, INFO, SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.processes import app_desc_compared, procfile_compared
from paasfix.procfile_lines import ProcfileLines
from paasfix.project import PYTHON_MARKERS, Project, YamlFile
from paasfix.text import new_text_file, yaml_lines
from paasfix.tree import join
from paasfix.yamlio import (Nodes, YamlProblem, dump_new, loads_as, platform_load,
                            round_trip_edit)

APP_DESC = "app_desc.yaml"
BIND = "-b :$PORT --log-file -"
"""gunicorn listens on the port the platform gives every process (PLATFORM.md §1.6)."""

WSGI_MODULES = ("app.py", "wsgi.py", "main.py", "server.py", "application.py")
WSGI_NAMES = ("app", "application")
WSGI_FRAMEWORKS = frozenset({"flask", "bottle", "falcon", "pyramid", "werkzeug", "django",
                             "cherrypy", "web"})
ASGI_FRAMEWORKS = frozenset({"fastapi", "starlette", "quart", "sanic", "litestar"})
WSGI_FACTORIES = frozenset({"Flask", "Bottle", "default_app", "get_wsgi_application",
                            "make_wsgi_app", "WSGIHandler"})
ASGI_FACTORIES = frozenset({"FastAPI", "Starlette", "Quart", "Sanic", "Litestar",
                            "get_asgi_application"})

CELERY_MODULES = ("celery_app.py", "tasks.py", "worker.py")
"""Where a non-Django application usually keeps its Celery app, besides its web module."""
BEAT_SETTINGS = frozenset({"CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE", "beat_schedule",
                           "CELERY_BEAT_SCHEDULER", "CELERYBEAT_SCHEDULER", "beat_scheduler"})

OTHER_LANGUAGES = (("package.json", "NodeJS"), ("go.mod", "Go"), ("composer.json", "PHP"),
                   ("index.php", "PHP"), ("pom.xml", "Java"), ("build.gradle", "Java"))
PYTHON_TEMPLATE = {"web": f"gunicorn <module>:<app> {BIND}"}
OTHER_TEMPLATE = {"web": "<the command that starts your web server on $PORT>"}


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


def _called_name(node: Optional[ast.AST]) -> Optional[str]:
    """``Flask`` for ``Flask(...)`` and ``flask.Flask(...)``."""
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _assigned_value(node: ast.AST) -> Optional[ast.AST]:
    return node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None


def _is_empty_literal(node: Optional[ast.AST]) -> bool:
    if isinstance(node, ast.Dict):
        return not node.keys
    if isinstance(node, ast.Call) and _called_name(node) == "dict":
        return not node.args and not node.keywords
    return False


def _stored_names(node: ast.AST) -> Iterator[tuple[str, Optional[ast.AST]]]:
    """(name, value) for every name, attribute or string subscript an assignment sets."""
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
        elif isinstance(target, ast.Subscript) and string_value(target.slice) is not None:
            yield string_value(target.slice), value


def _sets_any(trees: Iterable[ast.Module], names: frozenset) -> bool:
    """Whether any module sets one of ``names`` to something other than an empty mapping."""
    for tree in trees:
        for node in ast.walk(tree):
            for name, value in _stored_names(node):
                if name in names and not _is_empty_literal(value):
                    return True
    return False


def _literal_setting(trees: Iterable[ast.Module], name: str) -> Any:
    """The last literal value assigned to ``name`` in the modules (None when never assigned)."""
    found = None
    for tree in trees:
        for node in ast.walk(tree):
            for stored, value in _stored_names(node):
                if stored == name and isinstance(value, ast.Constant):
                    found = value.value
    return found


def _celery_instance(tree: ast.Module) -> Optional[str]:
    """The top-level name bound to ``Celery(...)``, if the module creates one."""
    for name, node in _bindings(tree).items():
        if _called_name(_assigned_value(node)) == "Celery":
            return name
    return None


# -- what the application is ------------------------------------------------------------------


@dataclass
class Inference:
    processes: dict[str, str]
    basis: str
    """What the processes were inferred from, for the message."""
    notes: list[str] = field(default_factory=list)


def _settings_trees(project: Project, code_dir: str, settings: str) -> list[ast.Module]:
    """The settings module and the modules it takes settings from, the rest of a settings
    package, and the BlueKing framework's ``config/default.py``; files that do not parse are
    left out."""
    start = module_file(project, code_dir, settings)
    starts = [start] if start else []
    if start and start.endswith("/__init__.py"):
        package = posixpath.dirname(start)
        starts += [join(package, name) for name in project.listdir(package) if name.endswith(".py")]
    blueapps_defaults = join(code_dir, "config", "default.py")
    if project.is_file(blueapps_defaults):
        starts.append(blueapps_defaults)
    paths = follow_star_imports(project, code_dir, starts)
    return [tree for tree in map(project.python_ast, paths) if tree is not None]


def _wsgi_target(project: Project, code_dir: str, settings: str,
                 settings_trees: list[ast.Module]) -> str:
    """The gunicorn target of the project's own WSGI application (``mysite.wsgi``)."""
    candidates: list[tuple[str, str]] = []
    declared = _literal_setting(settings_trees, "WSGI_APPLICATION")
    if isinstance(declared, str) and "." in declared:
        module, _, attribute = declared.rpartition(".")
        candidates.append((module, attribute))
    parts = settings.split(".")
    candidates += [(".".join(parts[:end] + ["wsgi"]), "application")
                   for end in range(len(parts) - 1, -1, -1)]
    looked = []
    for module, attribute in dict.fromkeys(candidates):
        path = module_file(project, code_dir, module)
        if path is None:
            looked.append(join(code_dir, *module.split(".")) + ".py")
            continue
        looked.append(path)
        if attribute in _bindings(parsed(project, path)):
            return module if attribute == "application" else f"{module}:{attribute}"
    raise CannotInfer(f"found no WSGI `application` for the settings {settings} "
                      f"(looked in {', '.join(dict.fromkeys(looked))})")


def _gunicorn(target: str, chdir: str) -> str:
    where = f" --chdir {shlex.quote(chdir)}" if chdir else ""
    return f"gunicorn{where} {target} {BIND}"


def _celery_processes(prefix: str, beat: bool) -> dict[str, str]:
    processes = {"worker": f"{prefix} worker -l info"}
    if beat:
        processes["beat"] = f"{prefix} beat -l info"
    return processes


def _requires(project: Project, *names: str) -> bool:
    return any(project.requirements.named(name) for name in names)


def _django_celery_app(project: Project, code_dir: str, packages: list[str],
                       settings_trees: list[ast.Module]) -> Optional[tuple[str, list[ast.Module]]]:
    """The ``-A`` argument of the project's Celery app and the module(s) that configure it."""
    for package in dict.fromkeys(packages):
        path = join(code_dir, package, "celery.py")
        if not project.is_file(path):
            continue
        tree = parsed(project, path)
        name = _celery_instance(tree)
        if name in ("app", "celery"):
            return package, [tree]
        if name:
            return f"{package}.celery:{name}", [tree]
    vendored = project.is_dir(join(code_dir, "blueapps", "core", "celery"))
    if _literal_setting(settings_trees, "IS_USE_CELERY") is True \
            and (vendored or _requires(project, "blueapps")):
        return "blueapps.core.celery", []
    return None


def _django_celery(project: Project, code_dir: str, manage: str, packages: list[str],
                   settings_trees: list[ast.Module], notes: list[str]) -> dict[str, str]:
    if _literal_setting(settings_trees, "IS_USE_CELERY") is False:
        return {}
    if _requires(project, "django-celery") or mentions(settings_trees, "djcelery"):
        command = f"python {shlex.quote(relative(project, manage))} celery"
        return _celery_processes(command, _sets_any(settings_trees, BEAT_SETTINGS))
    if not _requires(project, "celery"):
        return {}
    found = _django_celery_app(project, code_dir, packages, settings_trees)
    if found is None:
        notes.append("celery is a requirement but paasfix found no Celery app "
                     f"({', '.join(p + '/celery.py' for p in dict.fromkeys(packages))}); "
                     "add a worker process yourself if the application needs one")
        return {}
    target, app_trees = found
    workdir = relative(project, code_dir)
    prefix = "celery" + (f" --workdir {shlex.quote(workdir)}" if workdir else "") + f" -A {target}"
    return _celery_processes(prefix, _sets_any(settings_trees + app_trees, BEAT_SETTINGS))


def infer_django(project: Project, manage: str, tree: ast.Module) -> Inference:
    code_dir = posixpath.dirname(manage)
    settings = default_settings_module(tree, manage)
    settings_trees = _settings_trees(project, code_dir, settings)
    target = _wsgi_target(project, code_dir, settings, settings_trees)
    notes: list[str] = []
    processes = {"web": _gunicorn(target, relative(project, code_dir))}
    packages = [name.split(".")[0] for name in (settings, target) if "." in name] + ["config"]
    processes.update(_django_celery(project, code_dir, manage, packages, settings_trees, notes))
    return Inference(processes, f"{manage} and its settings module `{settings}`", notes)


def _framework(project: Project, tree: ast.Module, value: Optional[ast.AST]) -> Optional[str]:
    """``wsgi``, ``asgi`` or None (unknown) for the object a module serves."""
    factory = _called_name(value)
    if factory in WSGI_FACTORIES:
        return "wsgi"
    if factory in ASGI_FACTORIES:
        return "asgi"
    modules = imported_modules(tree)
    for module in list(modules):
        local = module_file(project, project.build_dir, module)
        if local is not None and project.python_ast(local) is not None:
            modules += imported_modules(project.python_ast(local))
    roots = {module.split(".")[0] for module in modules}
    if roots & ASGI_FRAMEWORKS:
        return "asgi"
    if roots & WSGI_FRAMEWORKS:
        return "wsgi"
    return None


def _reexports(node: ast.AST, modules: set[str]) -> bool:
    """Whether ``node`` imports the name from another candidate module (``from app import app``)."""
    return isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in modules


def infer_wsgi_module(project: Project) -> Inference:
    """A module at the build directory's root that serves a WSGI ``app`` or ``application``."""
    candidates: list[tuple[str, str, str, ast.Module]] = []
    for filename in WSGI_MODULES:
        path = project.path(filename)
        if not project.is_file(path):
            continue
        tree = parsed(project, path)
        bound = _bindings(tree)
        for name in WSGI_NAMES:
            if name not in bound:
                continue
            kind = _framework(project, tree, _assigned_value(bound[name]))
            if kind == "asgi":
                raise CannotInfer(f"{path} serves an ASGI application, which gunicorn can only run "
                                  "with an ASGI worker (e.g. `-k uvicorn.workers.UvicornWorker`)")
            if kind == "wsgi" or isinstance(bound[name], ast.FunctionDef):
                candidates.append((filename[:-3], name, path, tree))
                break
    modules = {module for module, _, _, _ in candidates}
    candidates = [c for c in candidates if not _reexports(_bindings(c[3])[c[1]], modules - {c[0]})]
    if len(candidates) > 1:
        raise CannotInfer("both " + " and ".join(path for _, _, path, _ in candidates)
                          + " define a WSGI application, so paasfix cannot tell which one to serve")
    if not candidates:
        raise CannotInfer("paasfix found neither a Django project (manage.py) nor a WSGI `app` in "
                          + ", ".join(WSGI_MODULES) + " at the root of the build directory")
    module, name, path, tree = candidates[0]
    notes: list[str] = []
    processes = {"web": _gunicorn(f"{module}:{name}", "")}
    processes.update(_module_celery(project, module, tree, notes))
    return Inference(processes, f"the WSGI application `{name}` in {path}", notes)


def _module_celery(project: Project, web_module: str, web_tree: ast.Module,
                   notes: list[str]) -> dict[str, str]:
    if not _requires(project, "celery"):
        return {}
    apps = []
    for module in dict.fromkeys([web_module] + [name[:-3] for name in CELERY_MODULES]):
        path = project.path(module + ".py")
        if not project.is_file(path):
            continue
        tree = web_tree if module == web_module else parsed(project, path)
        name = _celery_instance(tree)
        if name:
            apps.append((f"{module}:{name}", tree))
    if len(apps) != 1:
        where = "several Celery apps" if apps else "no Celery app"
        notes.append(f"celery is a requirement but paasfix found {where} at the root of the build "
                     "directory; add a worker process yourself if the application needs one")
        return {}
    target, tree = apps[0]
    return _celery_processes(f"celery -A {target}", _sets_any([tree], BEAT_SETTINGS))


class AppBelow(CannotInfer):
    """The application lives in a subdirectory of a build directory that has no dependency
    file: the build stops before any process starts, and the build directory is what to change."""

    def __init__(self, manage: str):
        directory = posixpath.dirname(manage)
        super().__init__(
            f"the build directory has no {', '.join(PYTHON_MARKERS[:-1])} or "
            f"{PYTHON_MARKERS[-1]}, so the build fails before any process starts, and the "
            f"application seems to live in {directory}/ ({manage}). Set the module's build "
            f"directory to '{directory}' (see fix-unable-select-buildpack) and run paasfix with "
            f"`--build-dir {directory}`; it then writes the process definition there", manage)


def infer(project: Project) -> Inference:
    """How the application starts, read from its code; CannotInfer when it is not certain."""
    manage = find_manage_py(project)
    tree = parsed(project, manage) if manage else None
    if manage and tree and is_django_manage(tree):
        if posixpath.dirname(manage) != project.build_dir and not project.is_python:
            raise AppBelow(manage)
        inference = infer_django(project, manage, tree)
    else:
        inference = infer_wsgi_module(project)
    inference.notes += _gunicorn_note(project)
    return inference


def _gunicorn_note(project: Project) -> list[str]:
    if project.requirements.files and not _requires(project, "gunicorn"):
        return ["gunicorn is not in requirements.txt: add it, or the web process cannot start"]
    return []


def guess_language(project: Project) -> str:
    if project.is_python or any(project.is_file(project.path(name)) for name in WSGI_MODULES):
        return "Python"
    for marker, language in OTHER_LANGUAGES:
        if project.is_file(project.path(marker)):
            return language
    return "Python"


# -- writing app_desc.yaml --------------------------------------------------------------------


@dataclass
class Comments:
    """Full-line comments of a Procfile, by the process they precede, and end-of-line ones."""

    before: list[list[str]]
    inline: list[Optional[str]]
    trailing: list[str]


def _exact(value: str, as_key: bool = False) -> Any:
    """``value`` in the plainest YAML style that the platform reads back unchanged."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    for style in (str, SingleQuotedScalarString, DoubleQuotedScalarString):
        styled = style(value)
        probe = {styled: "x"} if as_key else {"x": styled}
        if loads_as(dump_new(probe), {value: "x"} if as_key else {"x": value}):
            return styled
    return DoubleQuotedScalarString(value)


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


def render_app_desc(processes: dict[str, str], language: str = "Python",
                    comments: Optional[Comments] = None) -> str:
    """A new spec_version 2 app_desc.yaml defining ``processes`` with these exact commands."""
    from ruamel.yaml.comments import CommentedMap

    procs = CommentedMap()
    for name, command in processes.items():
        procs[_exact(name, as_key=True)] = CommentedMap([("command", _exact(command))])
    module = CommentedMap([("language", language), ("processes", procs)])
    text = dump_new(CommentedMap([("spec_version", 2), ("module", module)]))
    if comments is not None:
        commented = _with_comments(text, comments)
        if describes(commented, processes):
            return commented
    return text


def describes(text: str, processes: dict[str, str]) -> bool:
    """Whether the platform reads ``text`` as a valid app_desc.yaml with exactly ``processes``."""
    try:
        data = platform_load(text)
    except YamlProblem:
        return False
    return not platform.app_desc_problems(data) and platform.processes_of(data) == processes


def _compared_apart(text: str, processes: dict[str, str]) -> list[str]:
    """The processes that the platform would find different between a Procfile defining
    ``processes`` and the app_desc.yaml ``text`` (§2.3)."""
    desc = app_desc_compared(platform_load(text))
    return [name for name, command in procfile_compared(processes).items()
            if desc.get(name) != command]


def _describe(inference: Inference) -> str:
    processes = "; ".join(f"{name}: `{command}`" for name, command in inference.processes.items())
    notes = "".join(f". Note: {note}" for note in inference.notes)
    return f"{processes} (inferred from {inference.basis}){notes}"


def _simple_module(data: Any) -> Optional[dict]:
    """The ``module:`` mapping of a spec_version 2 Python description without ``modules:``."""
    if not isinstance(data, dict) or "modules" in data:
        return None
    version = platform.spec_version(data)
    module = data.get("module")
    if isinstance(version, bool) or version != 2 or not isinstance(module, dict):
        return None
    language = module.get("language")
    return module if isinstance(language, str) and language.lower() == "python" else None


def _with_processes(desc: YamlFile, processes: dict[str, str]) -> Optional[Edit]:
    """app_desc.yaml with ``module.processes`` set, everything else kept; None if that fails."""
    from ruamel.yaml.comments import CommentedMap

    def add(data: Any) -> None:
        data["module"]["processes"] = CommentedMap(
            (_exact(name, as_key=True), CommentedMap([("command", _exact(command))]))
            for name, command in processes.items())

    text = round_trip_edit(desc.file.text, add)
    if text is None:
        return None
    try:
        data = platform_load(text)
    except YamlProblem:
        return None
    before = set(platform.app_desc_problems(desc.data))
    if platform.processes_of(data) != processes or set(platform.app_desc_problems(data)) - before:
        return None
    return Edit(desc.path, desc.file.encode(text))


def _processes_snippet(project: Project, processes: Optional[dict[str, str]] = None) -> str:
    """The ``processes:`` part of a description, indented to sit under ``module:``."""
    if processes is None:
        processes = PYTHON_TEMPLATE if guess_language(project) == "Python" else OTHER_TEMPLATE
    text = render_app_desc(processes)
    return text[text.index("  processes:"):].rstrip()


# -- reading a Procfile -----------------------------------------------------------------------


@dataclass
class ProcfileLayout:
    keys: list[tuple[Any, int]]
    """Every process name as loaded, with its 1-based line, in file order (duplicates too)."""
    comments: Comments


def read_layout(text: str) -> Optional[ProcfileLayout]:
    """Where each process is written and which comments surround it (None if not a mapping)."""
    import yaml

    nodes = Nodes.of(text)
    node = nodes.root if nodes is not None else None
    if not isinstance(node, yaml.MappingNode):
        return None
    pairs = nodes.pairs()
    lines = yaml_lines(text)
    covered: set[int] = set()
    if node.flow_style:
        covered.update(range(node.start_mark.line, node.end_mark.line + 1))
    starts, inline = [], []
    for _, key, value in pairs:
        start, end = key.start_mark.line, value.end_mark.line
        if value.end_mark.column == 0 and end > start:
            end -= 1
        covered.update(range(start, end + 1))
        starts.append(start)
        rest = lines[end][value.end_mark.column:].strip() if end == value.end_mark.line else ""
        single_line = start == end and not node.flow_style
        inline.append(rest if single_line and rest.startswith("#") else None)
    before: list[list[str]] = [[] for _ in pairs]
    trailing: list[str] = []
    for index, line in enumerate(lines):
        if index in covered or not line.lstrip().startswith("#"):
            continue
        owner = next((n for n, start in enumerate(starts) if start > index), None)
        (trailing if owner is None else before[owner]).append(line.strip())
    return ProcfileLayout(nodes.key_lines(), Comments(before, inline, trailing))


def _suggested_name(name: str) -> Optional[str]:
    """The name in the platform's alphabet, when that alone makes it valid."""
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return text if text and not platform.proc_name_problems(text, "") else None


# -- example applications --------------------------------------------------------------------

_MANAGE_PY = """#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
_DJANGO_WSGI = """import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
application = get_wsgi_application()
"""
_DJANGO_SETTINGS = """ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"
"""
_DJANGO = {
    "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\n",
    "manage.py": _MANAGE_PY,
    "mysite/__init__.py": "",
    "mysite/settings.py": _DJANGO_SETTINGS,
    "mysite/wsgi.py": _DJANGO_WSGI,
}
_CELERY_APP = """import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
app = Celery("mysite")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
"""
_BLUEAPPS = {
    "requirements.txt": "Django==1.11.29\ncelery==3.1.25\ndjango-celery==3.2.2\ngunicorn==19.6.0\n",
    "manage.py": _MANAGE_PY.replace('"mysite.settings"', '"settings"'),
    "settings.py": "import os\n\nENVIRONMENT = os.environ.get('BKPAAS_ENVIRONMENT', 'dev')\n"
                   "DJANGO_CONF_MODULE = 'config.' + ENVIRONMENT\n",
    "wsgi.py": _DJANGO_WSGI.replace('"mysite.settings"', '"settings"'),
    "config/__init__.py": "",
    "config/default.py": "from celery.schedules import crontab\n\nIS_USE_CELERY = True\n"
                         "CELERYBEAT_SCHEDULE = {\n    'sync': {'task': 'home.tasks.sync', "
                         "'schedule': crontab(minute='*/5')},\n}\n",
}
_DJANGO_IN_SRC = {
    "requirements.txt": "Django==4.2.16\ngunicorn==22.0.0\n",
    **{f"src/{path}": text for path, text in _DJANGO.items() if path != "requirements.txt"},
}
_DJANGO_CELERY = {
    **_DJANGO,
    "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\ncelery[redis]==5.2.7\n",
    "mysite/celery.py": _CELERY_APP,
    "mysite/settings.py": _DJANGO_SETTINGS + "CELERY_BEAT_SCHEDULE = {\n"
                          "    'expire': {'task': 'orders.tasks.expire', 'schedule': 300.0},\n}\n",
}
_FLASK_APP = """from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"
"""
_FLASK = {"requirements.txt": "Flask==2.2.5\ngunicorn==20.1.0\n", "app.py": _FLASK_APP}


# -- the fixer --------------------------------------------------------------------------------


class FixProcfile(Fixer):
    """
    ## What goes wrong

    The platform starts an application's processes from its process definition: `app_desc.yaml`
    (with `module.processes`) or a `Procfile`, read from the build directory (app_desc.yaml
    also from the repository root). When there is neither, the deploy stops at the step
    "解析应用进程信息" (parse app process) with `the procfile data is empty and the app
    desc data is invalid`; older platforms say `Procfile error: ...` or `the file "Procfile"
    does not exist`.

    The platform reads a Procfile as YAML, not line by line as Heroku does: a command with
    `: ` in it, an empty file, or a line without a space after the colon breaks the deploy.
    Process names must be lower-case letters, digits and hyphens, at most 12 characters, and a
    module may have at most 16 processes.

    A valid Procfile works, but `app_desc.yaml` with `spec_version: 2` is the recommended
    definition, and since platform 1.7 a Procfile next to an app_desc.yaml that defines
    processes must define exactly the same ones, or the deploy fails.

    ## The fix

    With no process definition at all, paasfix reads the application's code (it never imports
    or runs it) and writes `app_desc.yaml` into the build directory:

    - a Django project, found as the build finds it (the shallowest `manage.py` up to three
      levels down), gets a `web` process running gunicorn on `$PORT` with the project's own
      WSGI module, taken from the settings module that `manage.py` names (`--chdir` when
      `manage.py` is in a subdirectory; but when the build directory has no
      `requirements.txt`, `setup.py` or `Pipfile`, the build cannot even start there, so
      nothing is written and the report says to make that subdirectory the build directory,
      as fix-unable-select-buildpack does);
    - with celery in `requirements.txt` and a Celery app (`mysite/celery.py`, the BlueKing
      framework's `blueapps.core.celery`), a `worker` process, and a `beat` process when a beat
      schedule is configured; django-celery projects use `python manage.py celery ...`;
    - otherwise a module at the root of the build directory (`app.py`, `wsgi.py`, `main.py`,
      `server.py`, `application.py`) that creates a WSGI `app` or `application` (Flask and
      similar) gets `gunicorn module:app`.

    An `app_desc.yaml` in the simple `spec_version: 2` / `module:` form that defines no processes
    gets the same processes added, the rest of the file unchanged.

    When the start command is not certain (code that does not parse, two candidates, an ASGI
    application, another language), nothing is written: the report shows an `app_desc.yaml` to
    complete by hand.

    A valid Procfile without an `app_desc.yaml` is a recommendation (severity info): paasfix
    writes `app_desc.yaml` next to it with the same process names and exactly the same
    commands, keeps its comment lines as YAML comments and removes the Procfile. Set
    `keep_procfile = true` to keep it; the two then agree (the platform removes the blanks
    around app_desc.yaml's commands, not around a Procfile's, so a command quoted with blanks
    around it is reported instead). A Procfile that the platform cannot read or whose process
    names it refuses is reported with the line to change; paasfix never renames a process. A
    Procfile that does not load because YAML misreads some of its `name: command` lines is
    left to fix-procfile-yaml, which quotes those lines or says which ones to quote.

    When an `app_desc.yaml` already defines processes, or cannot be read, this fixer leaves the
    repository alone: a Procfile that disagrees with it is a different problem.

    ## Safety

    Safe. A converted Procfile keeps every command byte for byte, and each file written is
    checked by loading it as the platform does. Generated commands point only at modules that
    exist in the repository; they are defaults (one gunicorn worker, celery's default
    concurrency), so review them before the first deploy.
    """

    id = "fix-procfile"
    title = "The build directory needs a process definition the platform accepts"
    after = ("fix-app-desc", "fix-procfile-yaml", "fix-unable-select-buildpack")
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"Procfile error: ",
        r"the file \"Procfile\" does not exist",
        r"Failed to read the Procfile file in app directory",
        r"Can not read Procfile file from repository",
        r"the procfile data is empty and the app desc data is invalid",
        r"Missing process definition",
        r"file \"Procfile\"'s format is not YAML",
        r"file \"Procfile\" must be dict type",
        r"Invalid proc type: ",
        r"The number of processes exceeded",
        r"Failed to parse application process information",
        r"解析应用进程信息\]? ?出错了，原因：.*\[Procfile\]",
        r"Error in step \[Parse app process\], reason: .*\[Procfile\]",
    )
    options = {"keep_procfile": False}

    def detect(self, project: Project) -> Iterator[Finding]:
        desc = project.app_desc
        if desc is not None and (not desc.loaded or project.app_desc_processes):
            return
        procfile = project.procfile
        if procfile is not None:
            yield from self._procfile(project, procfile, converts=desc is None)
        elif desc is not None:
            yield from self._desc_without_processes(project, desc)
        else:
            yield from self._no_definition(project)

    def fix(self, project: Project, finding: Finding) -> list[Edit]:
        return list(finding.planned)

    # -- a Procfile ---------------------------------------------------------------------------

    def _procfile(self, project: Project, procfile: YamlFile, converts: bool) -> Iterator[Finding]:
        if not procfile.loaded and ProcfileLines.of(procfile.file.text).misread():
            return  # fix-procfile-yaml repairs those lines or says which ones to quote
        problems = list(self._procfile_problems(procfile))
        if problems or not converts or not all(isinstance(command, str)
                                               for command in procfile.data.values()):
            yield from problems
            return
        yield self._conversion(project, procfile)

    def _procfile_problems(self, procfile: YamlFile) -> Iterator[Finding]:
        path = procfile.path
        if not procfile.loaded:
            yield self.manual(
                f"{path} cannot be read as YAML ({procfile.problem.message}), and the platform reads "
                "the Procfile as YAML, so the deploy fails. Quote the command on that line "
                "(needed when it contains ': ' or ' #', or starts with a quote, *, &, [ or {)",
                path, procfile.problem.line)
            return
        if not isinstance(procfile.data, dict):
            what = "is empty" if procfile.data is None else "is not a list of `name: command` lines"
            yield self.manual(f"{path} {what}; write one `name: command` line per process, with a "
                              f"space after the colon, e.g. `web: gunicorn wsgi {BIND}`", path, 1)
            return
        layout = read_layout(procfile.file.text)
        lines = {}
        for name, line in layout.keys if layout else []:
            lines.setdefault(repr(name), []).append(line)
        misread = {entry.name for entry, _ in ProcfileLines.of(procfile.file.text).misread()}
        for problem in platform.procfile_problems(procfile.data):
            if problem.kind == "command" and problem.where in misread:
                continue  # fix-procfile-yaml repairs that command or says how to quote it
            yield self._name_problem(path, problem, procfile.data, lines)
        for name, at in lines.items():
            if len(at) > 1:
                yield self.manual(
                    f"{path} defines the process {name} {len(at)} times (lines "
                    f"{', '.join(map(str, at))}); the platform silently keeps only the last one. "
                    "Delete the others or give them their own names",
                    path, at[0], severity=WARNING)

    def _name_problem(self, path: str, problem: platform.Problem, data: dict,
                      lines: dict[str, list[int]]) -> Finding:
        name = next((key for key in data if str(key) == problem.where), problem.where)
        line = lines.get(repr(name), [None])[-1]
        if problem.kind == "process-count":
            return self.manual(f"{path}: {problem.message}; move the extra processes to another "
                               "module or merge them", path)
        if problem.kind == "command":
            return self.manual(f"{path}: the process {name!r}: {problem.message}; give it a "
                               "command", path, line)
        if not isinstance(name, str):
            return self.manual(f"{path}: YAML reads the process name {name!r} as "
                               f"{type(name).__name__}, not as a name; choose a name with a "
                               "lower-case letter in it", path, line)
        message = (f"{path}: the platform refuses the process name {name!r}: names use only "
                   f"lower-case letters, digits and '-', start with a letter or digit, and have at "
                   f"most {platform.PROC_NAME_MAX} characters")
        suggestion = _suggested_name(name)
        if suggestion and suggestion not in data:
            message += f" (for example {suggestion!r})"
        return self.manual(message + "; rename it here and wherever it is referred to", path, line)

    def _conversion(self, project: Project, procfile: YamlFile) -> Finding:
        processes: dict[str, str] = procfile.data
        layout = read_layout(procfile.file.text)
        text = render_app_desc(processes, guess_language(project),
                               layout.comments if layout else None)
        target = join(posixpath.dirname(procfile.path), APP_DESC)
        if not describes(text, processes):
            return self.manual(f"{procfile.path} could not be written as an equivalent {APP_DESC}; "
                               "move its processes to app_desc.yaml by hand", procfile.path,
                               severity=INFO)
        edits = [Edit(target, new_text_file(text, procfile.file.newline))]
        names = ", ".join(processes)
        message = (f"{procfile.path} defines the processes ({names}); app_desc.yaml is the "
                   f"recommended definition: write them to {target} unchanged")
        fallback = platform.PROCFILE_NAME
        if self.settings["keep_procfile"]:
            kept = " and keep the Procfile (keep_procfile)"
        elif procfile.path != fallback and project.is_file(fallback):
            kept = f" and keep {procfile.path}, because removing it would bring {fallback} into use"
        else:
            edits.append(Edit(procfile.path, None))
            return self.finding(message + " and remove the Procfile", procfile.path,
                                severity=INFO, plan=edits)
        apart = _compared_apart(text, processes)
        if apart:
            return self.manual(
                f"{procfile.path} defines the processes ({names}); app_desc.yaml is the "
                f"recommended definition, but next to the kept Procfile the platform would find "
                f"{', '.join(apart)} different in the two (it removes the blanks around "
                "app_desc.yaml's commands, not around the Procfile's) and refuse the deploy. "
                f"Remove those blanks from {procfile.path}, then paasfix writes {target}",
                procfile.path, severity=INFO)
        return self.finding(message + kept, procfile.path, severity=INFO, plan=edits)

    # -- app_desc.yaml without processes ------------------------------------------------------

    def _desc_without_processes(self, project: Project, desc: YamlFile) -> Iterator[Finding]:
        problem = (f"{desc.path} defines no processes and there is no Procfile, so the platform "
                   "has nothing to run")
        try:
            inference = infer(project)
        except AppBelow as why:
            yield self.manual(f"{problem}; {why}", desc.path)
            return
        except CannotInfer as why:
            yield self.manual(f"{problem}; {why}. Add processes to the module; in the "
                              "spec_version 2 form:\n\n" + _processes_snippet(project), desc.path)
            return
        edit = _with_processes(desc, inference.processes) if _simple_module(desc.data) else None
        if edit is None:
            yield self.manual(f"{problem}. Add processes to the module; in the spec_version 2 "
                              "form:\n\n" + _processes_snippet(project, inference.processes),
                              desc.path)
            return
        yield self.finding(f"{problem}: add {_describe(inference)}", desc.path, plan=[edit])

    # -- nothing at all -----------------------------------------------------------------------

    def _no_definition(self, project: Project) -> Iterator[Finding]:
        target = project.path(APP_DESC)
        problem = ("the build directory has no process definition (no Procfile and no "
                   "app_desc.yaml), so the deploy fails with 'the procfile data is empty'")
        language = guess_language(project)
        if language != "Python":
            yield self.manual(f"{problem}; paasfix infers start commands only for Python "
                              f"applications and this looks like {language}. Create {target} "
                              "like this, with your start command:\n\n"
                              + render_app_desc(OTHER_TEMPLATE, language).rstrip(), target)
            return
        try:
            inference = infer(project)
        except AppBelow as why:
            yield self.manual(f"{problem}; {why}", target)
            return
        except CannotInfer as why:
            yield self.manual(f"{problem}; {why}. Create {target} like this, with the command "
                              "that starts your web server:\n\n"
                              + render_app_desc(PYTHON_TEMPLATE).rstrip(), target)
            return
        text = render_app_desc(inference.processes)
        yield self.finding(f"{problem}: write {target} with {_describe(inference)}", target,
                           plan=[Edit(target, new_text_file(text))])

    examples = (
        Example.fixed(
            "Django project as startproject makes it",
            _DJANGO,
            {**_DJANGO, "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
                "      command: gunicorn mysite.wsgi -b :$PORT --log-file -\n"},
        ),
        Example.fixed(
            "Django project with manage.py in src/",
            _DJANGO_IN_SRC,
            {**_DJANGO_IN_SRC, "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
                "      command: gunicorn --chdir src mysite.wsgi -b :$PORT --log-file -\n"},
        ),
        Example.fixed(
            "Django project in the build directory src",
            {f"src/{path}": text for path, text in _DJANGO.items()},
            {**{f"src/{path}": text for path, text in _DJANGO.items()}, "src/app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
                "      command: gunicorn mysite.wsgi -b :$PORT --log-file -\n"},
            build_dir="src",
        ),
        Example.fixed(
            "Django with a Celery app and a beat schedule",
            _DJANGO_CELERY,
            {**_DJANGO_CELERY, "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                "    web:\n      command: gunicorn mysite.wsgi -b :$PORT --log-file -\n"
                "    worker:\n      command: celery -A mysite worker -l info\n"
                "    beat:\n      command: celery -A mysite beat -l info\n"},
        ),
        Example.fixed(
            "BlueKing framework (blueapps) layout with django-celery",
            _BLUEAPPS,
            {**_BLUEAPPS, "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                "    web:\n      command: gunicorn wsgi -b :$PORT --log-file -\n"
                "    worker:\n      command: python manage.py celery worker -l info\n"
                "    beat:\n      command: python manage.py celery beat -l info\n"},
        ),
        Example.fixed(
            "Flask application",
            _FLASK,
            {**_FLASK, "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
                "      command: gunicorn app:app -b :$PORT --log-file -\n"},
        ),
        Example.fixed(
            "app_desc.yaml without processes gets them, the rest kept",
            {**_FLASK, "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  # settings for every environment\n"
                "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n"},
            {**_FLASK, "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  # settings for every environment\n"
                "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n"
                "  processes:\n    web:\n      command: gunicorn app:app -b :$PORT --log-file -\n"},
        ),
        Example.fixed(
            "Procfile converted with its comments, quoted commands kept exactly",
            {"requirements.txt": "gunicorn==19.6.0\n", "Procfile":
                "# the web front end\n"
                "web: gunicorn wsgi -b :$PORT --access-logformat '%(h)s \"%(r)s\" %(s)s'\n"
                "worker: \"python worker.py --tag #1\"  # queue consumer\n"
                "# beat: python manage.py celery beat -l info\n"},
            {"requirements.txt": "gunicorn==19.6.0\n", "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                "    # the web front end\n"
                "    web:\n      command: gunicorn wsgi -b :$PORT "
                "--access-logformat '%(h)s \"%(r)s\" %(s)s'\n"
                "    worker:\n      command: 'python worker.py --tag #1'  # queue consumer\n"
                "    # beat: python manage.py celery beat -l info\n"},
        ),
        Example.fixed(
            "CRLF Procfile gives a CRLF app_desc.yaml",
            {"requirements.txt": "gunicorn\r\n", "Procfile": "web: gunicorn app:app -b :$PORT\r\n"},
            {"requirements.txt": "gunicorn\r\n", "app_desc.yaml":
                "spec_version: 2\r\nmodule:\r\n  language: Python\r\n  processes:\r\n    web:\r\n"
                "      command: gunicorn app:app -b :$PORT\r\n"},
        ),
        Example.fixed(
            "keep_procfile keeps the Procfile",
            {"requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app -b :$PORT\n"},
            {"requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app -b :$PORT\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                              "    web:\n      command: gunicorn app:app -b :$PORT\n"},
            options={"keep_procfile": True},
        ),
        Example.fixed(
            "Procfile at the repository root, build directory src",
            {"src/requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app -b :$PORT\n"},
            {"src/requirements.txt": "gunicorn\n", "app_desc.yaml":
                "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                "    web:\n      command: gunicorn app:app -b :$PORT\n"},
            build_dir="src",
        ),
        Example.manual(
            "process names the platform refuses",
            {"requirements.txt": "gunicorn\n",
             "Procfile": "Web: gunicorn app:app -b :$PORT\ncelery_worker: celery -A app worker\n"},
        ),
        Example.manual(
            "Procfile that is not YAML",
            {"requirements.txt": "gunicorn\n",
             "Procfile": "web: gunicorn app:app -b :$PORT\n  --access-logformat '%(h)s: %(r)s'\n"},
        ),
        Example.clean(
            "a Procfile line YAML cannot load is fix-procfile-yaml's concern",
            {"requirements.txt": "gunicorn\n",
             "Procfile": "web: gunicorn app:app -b :$PORT\nbackup: python -c \"print('a: b')\"\n"},
        ),
        Example.manual("empty Procfile", {"requirements.txt": "gunicorn\n", "Procfile": "\n"}),
        Example.manual(
            "Node.js application without a process definition",
            {"package.json": '{"name": "site", "scripts": {"start": "node index.js"}}\n',
             "index.js": "require('http').createServer().listen(process.env.PORT)\n"},
        ),
        Example.manual(
            "two modules that both serve a WSGI app",
            {**_FLASK, "main.py": _FLASK_APP},
        ),
        Example.manual(
            "FastAPI is not a WSGI application",
            {"requirements.txt": "fastapi\ngunicorn\n",
             "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n"},
        ),
        Example.manual(
            "manage.py that does not parse",
            {**_DJANGO, "manage.py": "import os\nif True\n    pass\n"},
        ),
        Example.manual(
            "Django project in src/ with its requirements.txt there, not in the build directory",
            {**{path: text for path, text in _DJANGO_IN_SRC.items() if path != "requirements.txt"},
             "src/requirements.txt": _DJANGO_IN_SRC["requirements.txt"]},
        ),
        Example.clean(
            "app_desc.yaml with processes",
            {**_FLASK, "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
                                        "  processes:\n    web:\n"
                                        "      command: gunicorn app:app\n"},
        ),
        Example.clean(
            "app_desc.yaml and a Procfile (conflicts are for another fixer)",
            {**_FLASK, "Procfile": "web: gunicorn app:app -w 4\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
                              "  processes:\n    web:\n      command: gunicorn app:app\n"},
        ),
        Example.clean(
            "app_desc.yaml without processes next to a Procfile that supplies them",
            {**_FLASK, "Procfile": "web: gunicorn app:app\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"},
        ),
    )
