"""The application module or file a server or worker command loads, and the directories
Python looks for it in (``--chdir``, ``--pythonpath``, ``--app-dir``, ``--workdir``)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from paasfix.core.tree import join
from paasfix.formats.commands import Options, parse_options, python_target
from paasfix.python_apps.server_options import (
    ASGI_OPTIONS,
    CELERY_VALUES,
    GUNICORN_FLAGS,
    GUNICORN_VALUES,
    UWSGI_CONFIGS,
    UWSGI_TARGETS,
)

PYTHONPATH = "PYTHONPATH"
_MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass
class Target:
    """What a program imports or runs, and where it looks for it."""

    kind: str
    """``module`` (a dotted name) or ``file``."""
    name: str
    dirs: list[str] = field(default_factory=list)
    """Directories relative to the build directory, the first one the main one."""

    def candidates(self, directory: str) -> list[str]:
        """The files in ``directory`` that would be it."""
        if self.kind == "file":
            return [posixpath.join(directory, self.name)]
        parts = self.name.replace(".", "/")
        return [join(directory, parts + ".py"), join(directory, parts, "__init__.py")]


def _module_part(spec: str) -> str | None:
    module = spec.split(":", 1)[0]
    return module if _MODULE_RE.match(module) else None


def relative_dir(base: str, value: str | None) -> str | None:
    """``base`` joined with ``value`` (None: ``base``); None when that is absolute, variable or
    outside."""
    if value is None:
        return base
    if value.startswith(("/", "~")) or "$" in value:
        return None
    joined = posixpath.normpath(posixpath.join(base, value))
    return None if joined.startswith("..") else ("" if joined == "." else joined)


def _single_positional(options: Options) -> str | None:
    return options.positionals[0] if options.certain and len(options.positionals) == 1 else None


def _last(values: list[str]) -> str | None:
    return values[-1] if values else None


def _module_target(
    spec: str | None, cwd: str, chdir: str | None, extra: Sequence[str] = ()
) -> Target | None:
    module = _module_part(spec) if spec else None
    base = relative_dir(cwd, chdir)
    if module is None or base is None:
        return None
    dirs = [base] + [d for d in (relative_dir(base, p) for p in extra) if d is not None]
    return Target("module", module, list(dict.fromkeys(dirs)))


def target(
    program: str, args: Sequence[str], argv: Sequence[str], cwd: str | None
) -> Target | None:
    """The application module or file ``program args`` loads (``argv`` as written, run in
    ``cwd``), when the command says it plainly."""
    if cwd is None:
        return None
    if program == "gunicorn":
        options = parse_options(args, GUNICORN_VALUES, GUNICORN_FLAGS)
        if options.has("--paste", "--paster"):
            return None
        paths = [p for value in options.get("--pythonpath") for p in value.split(",") if p]
        return _module_target(
            _single_positional(options), cwd, _last(options.get("--chdir")), paths
        )
    if program in ASGI_OPTIONS:
        options = parse_options(args, *ASGI_OPTIONS[program])
        return _module_target(_single_positional(options), cwd, _last(options.get("--app-dir")))
    if program == "celery":
        options = parse_options(args, CELERY_VALUES)
        return _module_target(
            _last(options.get("-A", "--app")), cwd, _last(options.get("--workdir"))
        )
    if program == "uwsgi":
        return _uwsgi_target(args, cwd)
    if program.endswith(".py"):
        written = program if python_target(argv)[1] else argv[0]
        if "$" not in written and not written.startswith(("/", "~")):
            return Target("file", written, [cwd])
    return None


def _uwsgi_target(args: Sequence[str], cwd: str) -> Target | None:
    if any(
        arg.split("=")[0] in UWSGI_CONFIGS
        or not arg.startswith("-")
        and arg.endswith((".ini", ".yaml", ".yml", ".json", ".xml"))
        for arg in args
    ):
        return None
    options = parse_options(args, UWSGI_TARGETS)
    chdir = _last(options.get("--chdir"))
    files = options.get("--wsgi-file", "--file")
    if files:
        base = relative_dir(cwd, chdir)
        path = files[-1]
        if base is None or path.startswith(("/", "~")) or "$" in path:
            return None
        return Target("file", path, [base])
    return _module_target(
        _last(options.get("--module", "-w", "--wsgi")),
        cwd,
        chdir,
        options.get("--pythonpath", "--pp"),
    )
