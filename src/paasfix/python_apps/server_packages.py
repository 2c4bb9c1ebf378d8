"""What a server or worker command needs installed: the server itself, its gunicorn worker
class or celery pool, and the projects that install each of them as a dependency."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from paasfix.buildpack.requirements import canonical
from paasfix.formats.commands import parse_options
from paasfix.python_apps.server_options import (
    CELERY_VALUES,
    GUNICORN_FLAGS,
    GUNICORN_VALUES,
    UVICORN_FLAGS,
    UVICORN_VALUES,
)

SERVERS = {
    "gunicorn": "gunicorn",
    "uwsgi": "uwsgi",
    "daphne": "daphne",
    "uvicorn": "uvicorn",
    "celery": "celery",
    "hypercorn": "hypercorn",
    "waitress-serve": "waitress",
}
"""Programs that serve or work for an application, and the project that installs each."""
PROVIDERS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "celery": (("django-celery", None), ("flower", None)),
    "daphne": (("channels", None),),
    "uvicorn": (("fastapi", "standard"), ("fastapi", "all")),
}
"""Projects that install another one as a dependency (with the extra that does it)."""
GUNICORN_WORKERS = {
    "gevent": "gevent",
    "eventlet": "eventlet",
    "tornado": "tornado",
    "gunicorn.workers.ggevent": "gevent",
    "gunicorn.workers.geventlet": "eventlet",
    "gunicorn.workers.gtornado": "tornado",
    "uvicorn.workers": "uvicorn",
    "uvicorn_worker": "uvicorn-worker",
    "geventwebsocket": "gevent-websocket",
}
"""gunicorn worker classes (``-k``), by module prefix, and the project that provides each."""
FRAMEWORKS = (
    "django",
    "flask",
    "fastapi",
    "starlette",
    "quart",
    "sanic",
    "falcon",
    "bottle",
    "pyramid",
    "tornado",
    "channels",
    "blueapps",
)
"""Web frameworks a server is used with."""
CELERY_POOLS = {"eventlet": "eventlet", "gevent": "gevent"}
"""celery pools (``-P``) that need a project of their own."""
UVICORN_STANDARD = (("--loop", "uvloop"), ("--http", "httptools"), ("--ws", "websockets"))
"""uvicorn options that need the packages of ``uvicorn[standard]``."""
_EXTRAS_RE = re.compile(r"^[A-Za-z0-9._-]+\s*\[([^\]]*)\]")


@dataclass(frozen=True)
class Need:
    """A project a program needs installed, and the requirements it is best written after."""

    package: str
    """The requirement as it would be written (``uvicorn[standard]``)."""
    anchors: tuple[str, ...]


def needed_packages(program: str, args: Sequence[str]) -> list[Need]:
    """The projects ``program args`` needs installed: the server, its worker class or pool."""
    if program not in SERVERS:
        return []
    server = SERVERS[program]
    extra: list[str] = []
    if program == "gunicorn":
        options = parse_options(args, GUNICORN_VALUES, GUNICORN_FLAGS)
        for worker in options.get("-k", "--worker-class"):
            extra += [
                package
                for prefix, package in GUNICORN_WORKERS.items()
                if worker == prefix or worker.startswith(prefix + ".")
            ][:1]
    elif program == "celery":
        options = parse_options(args, CELERY_VALUES)
        extra += [
            CELERY_POOLS[pool] for pool in options.get("-P", "--pool") if pool in CELERY_POOLS
        ]
    elif program == "uvicorn":
        options = parse_options(args, UVICORN_VALUES, UVICORN_FLAGS)
        if any(value in options.get(option) for option, value in UVICORN_STANDARD):
            server = "uvicorn[standard]"
    anchors = () if program == "celery" else FRAMEWORKS
    return [Need(server, anchors)] + [Need(package, (SERVERS[program],)) for package in extra]


def requirement_extras(text: str) -> set[str]:
    """The extras a requirement line asks for (``fastapi[standard]`` -> ``{"standard"}``)."""
    match = _EXTRAS_RE.match(text)
    return {canonical(e.strip()) for e in match.group(1).split(",")} if match else set()


def provided_by(package: str, requirement: Callable[[str], Sequence[str]]) -> bool:
    """Whether ``package`` gets installed, given the requirement lines naming each project
    (``requirement(name)``): by itself or by a project that depends on it."""
    name = package.split("[")[0]
    if requirement(name):
        return True
    return any(
        extra is None or extra in requirement_extras(line)
        for other, extra in PROVIDERS.get(canonical(name), ())
        for line in requirement(other)
    )


User = TypeVar("User")


def unmet_needs(
    commands: Iterable[tuple[User, str, Sequence[str]]],
    requirement: Callable[[str], Sequence[str]],
) -> dict[str, tuple[Need, list[User]]]:
    """Each project that ``commands`` (``(user, program, args)``) need and that no requirement
    provides (see :func:`provided_by`): the need, and the users that need it, in order."""
    unmet: dict[str, tuple[Need, list[User]]] = {}
    for user, program, args in commands:
        for need in needed_packages(program, args):
            if not provided_by(need.package, requirement):
                unmet.setdefault(need.package, (need, []))[1].append(user)
    return unmet
