"""Where a web server listens, and whether the platform reaches it there: the platform sends
traffic and its readiness checks to ``$PORT`` on the container's interface."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from paasfix.formats.commands import Options, parse_options
from paasfix.python_apps.server_options import (
    ADDRESS_OPTIONS,
    ASGI_OPTIONS,
    GUNICORN_FLAGS,
    GUNICORN_VALUES,
    HYPERCORN_FLAGS,
    HYPERCORN_VALUES,
    RUNSERVER_FLAGS,
    UWSGI_HTTP,
)

LISTEN_OPTIONS = {
    "gunicorn": "`-b :$PORT`",
    "uvicorn": "`--host 0.0.0.0 --port $PORT`",
    "daphne": "`-b 0.0.0.0 -p $PORT`",
    "hypercorn": "`-b 0.0.0.0:$PORT`",
    "uwsgi": "`--http :$PORT`",
    "runserver": "`runserver 0.0.0.0:$PORT`",
}
"""How each server is told to listen on ``$PORT`` on every interface."""
DEFAULT_PORT = "5000"
"""The platform's default container port (``CONTAINER_PORT``, PLATFORM.md §1.6)."""
PORT_RE = re.compile(r"\$\{?PORT\b")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Address:
    """Where a web server listens."""

    host: str
    port: str
    written: str
    """The option as written, or what the server does without one."""

    @property
    def local(self) -> bool:
        """Only reachable from inside the container."""
        return self.host.strip("[]") in LOCAL_HOSTS

    @property
    def on_port_variable(self) -> bool:
        """The port is ``$PORT`` (in any spelling)."""
        return PORT_RE.search(self.port) is not None


def _binds(options: Options, *names: str) -> list[Address] | None:
    """The addresses given with ``names``; None for none, or for a socket among them."""
    found = []
    for name in names:
        for bind in options.get(name):
            if ":" not in bind or bind.startswith(("unix:", "fd://")):
                return None
            host, _, port = bind.rpartition(":")
            found.append(Address(host, port, f"`{name} {bind}`"))
    return found or None


def _default(name: str) -> list[Address]:
    return [Address("127.0.0.1", "8000", f"{name} without an address")]


def addresses(
    program: str, args: Sequence[str], env_set: Callable[[str], bool]
) -> list[Address] | None:
    """Every address ``program args`` listens on; None when the command does not say (a config
    file, a socket, settings from an environment variable ``env_set`` says is set, a program
    that is not a known server)."""
    if program == "gunicorn":
        options = parse_options(args, GUNICORN_VALUES, GUNICORN_FLAGS)
        if options.has("-c", "--config") or env_set("GUNICORN_CMD_ARGS"):
            return None
        return _binds(options, "-b", "--bind")
    if program in ("uvicorn", "daphne"):
        options = parse_options(args, *ASGI_OPTIONS[program])
        if (
            options.has("--uds", "--fd", "-u", "--unix-socket", "-e", "--endpoint")
            or env_set("UVICORN_HOST")
            or env_set("UVICORN_PORT")
        ):
            return None
        hosts = options.get("--host", "-b", "--bind")
        ports = options.get("--port", "-p")
        if not hosts and not ports:
            return _default(program)
        written = " ".join(
            f"{option} {value}" for option in ADDRESS_OPTIONS for value in options.get(option)
        )
        return [Address((hosts or ["127.0.0.1"])[-1], (ports or ["8000"])[-1], f"`{written}`")]
    if program == "hypercorn":
        options = parse_options(args, HYPERCORN_VALUES, HYPERCORN_FLAGS)
        if options.has("-c", "--config"):
            return None
        return _binds(options, "-b", "--bind") if options.has("-b", "--bind") else _default(program)
    if program == "uwsgi":
        return _binds(parse_options(args, UWSGI_HTTP), *UWSGI_HTTP)
    if program.endswith("manage.py") and list(args[:1]) == ["runserver"]:
        return _runserver_address(args[1:])
    return None


def _runserver_address(args: Sequence[str]) -> list[Address] | None:
    rest = [arg for arg in args if arg not in RUNSERVER_FLAGS]
    if not rest:
        return _default("runserver")
    address = rest[0]
    if address.startswith("-"):
        return None
    host, port = address.rpartition(":")[::2] if ":" in address else ("127.0.0.1", address)
    return [Address(host, port, f"`runserver {address}`")]


@dataclass(frozen=True)
class Unreached:
    """Why the platform's traffic and readiness checks do not reach a server at an address."""

    reason: str
    default_port: bool = False
    """Only the port is fixed, to the platform's default: it works until an administrator
    changes the port the platform sends traffic to."""


def unreached(address: Address) -> Unreached | None:
    """Why the platform does not reach ``address``; None when it does, or it cannot be told."""
    if address.local:
        return Unreached(
            f"{address.written} listens on {address.host} only, which nothing "
            "outside the container can reach"
        )
    if address.on_port_variable:
        return None
    if address.port == DEFAULT_PORT:
        return Unreached(
            f"{address.written} listens on the fixed port {address.port}; that is the "
            "platform's default port, so it works until an administrator changes "
            "the port the platform sends traffic to",
            default_port=True,
        )
    if address.port.isdigit():
        return Unreached(
            f"{address.written} listens on the fixed port {address.port}, but the "
            f"platform sends traffic to $PORT ({DEFAULT_PORT} unless an "
            "administrator changed it)"
        )
    return None


def unreached_everywhere(
    program: str, args: Sequence[str], env_set: Callable[[str], bool]
) -> list[Unreached] | None:
    """Why the platform reaches ``program args`` on none of the addresses it listens on; None
    when it reaches one of them, or the addresses cannot be told (see :func:`addresses`)."""
    found = [unreached(address) for address in addresses(program, args, env_set) or ()]
    known = [problem for problem in found if problem is not None]
    return known if known and len(known) == len(found) else None


def listen_advice(program: str) -> str:
    """How to tell ``program`` to listen on ``$PORT`` on every interface."""
    return LISTEN_OPTIONS.get(program, LISTEN_OPTIONS["runserver"])
