"""The Python servers and process runners a process command starts: gunicorn, uwsgi, uvicorn,
daphne, hypercorn, waitress, celery and ``manage.py runserver``.

For each: which options take a value, which make it a daemon, the packages it needs (itself,
a worker class, a pool) and the projects that install it as a dependency, the application
module or file it loads, and the addresses it listens on. Everything is read from the program
name and its arguments as written; nothing is run.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from paasfix.buildpack.requirements import canonical
from paasfix.core.tree import join
from paasfix.formats.commands import Options, parse_options, python_target

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

DAEMON_FLAGS = {"gunicorn": ("-D", "--daemon"), "celery": ("-D", "--detach")}
UWSGI_DAEMON = ("--daemonize", "--daemonize2", "-d")
"""uwsgi's daemon options, which take a log file."""
CELERY_DAEMON_COMMANDS = ("worker", "beat", "celeryd", "celerybeat")
"""celery commands that take ``--detach``."""
DJANGO_CELERY_COMMANDS = ("celery", "celeryd", "celerybeat")
"""``manage.py`` commands of django-celery, which take celery's options."""

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
PYTHONPATH = "PYTHONPATH"

GUNICORN_VALUES = frozenset(
    {
        "-c",
        "--config",
        "-b",
        "--bind",
        "--backlog",
        "-w",
        "--workers",
        "-k",
        "--worker-class",
        "--threads",
        "--worker-connections",
        "--max-requests",
        "--max-requests-jitter",
        "-t",
        "--timeout",
        "--graceful-timeout",
        "--keep-alive",
        "--limit-request-line",
        "--limit-request-fields",
        "--limit-request-field_size",
        "--chdir",
        "--pythonpath",
        "--paste",
        "--paster",
        "-p",
        "--pid",
        "--worker-tmp-dir",
        "-u",
        "--user",
        "-g",
        "--group",
        "-m",
        "--umask",
        "--forwarded-allow-ips",
        "--access-logfile",
        "--access-logformat",
        "--error-logfile",
        "--log-file",
        "--log-level",
        "--logger-class",
        "--log-config",
        "--log-config-json",
        "--log-syslog-to",
        "--log-syslog-prefix",
        "--log-syslog-facility",
        "--dogstatsd-tags",
        "--statsd-host",
        "--statsd-prefix",
        "-n",
        "--name",
        "--proxy-allow-from",
        "--keyfile",
        "--certfile",
        "--ssl-version",
        "--cert-reqs",
        "--ca-certs",
        "--ciphers",
        "-e",
        "--env",
        "--reload-engine",
        "--reload-extra-file",
        "--forwarder-headers",
        "--header-map",
    }
)
GUNICORN_FLAGS = frozenset(
    {
        "-D",
        "--daemon",
        "--reload",
        "--preload",
        "--spew",
        "--check-config",
        "--print-config",
        "--no-sendfile",
        "--reuse-port",
        "--capture-output",
        "--log-syslog",
        "-R",
        "--enable-stdio-inheritance",
        "--initgroups",
        "--proxy-protocol",
        "--do-handshake-on-connect",
        "--suppress-ragged-eofs",
        "--strip-header-spaces",
        "--disable-redirect-access-to-syslog",
    }
)
UVICORN_VALUES = frozenset(
    {
        "--host",
        "--port",
        "--uds",
        "--fd",
        "--reload-dir",
        "--reload-include",
        "--reload-exclude",
        "--reload-delay",
        "--workers",
        "--loop",
        "--http",
        "--ws",
        "--ws-max-size",
        "--ws-max-queue",
        "--ws-ping-interval",
        "--ws-ping-timeout",
        "--ws-per-message-deflate",
        "--lifespan",
        "--interface",
        "--env-file",
        "--log-config",
        "--log-level",
        "--root-path",
        "--limit-concurrency",
        "--backlog",
        "--limit-max-requests",
        "--timeout-keep-alive",
        "--timeout-graceful-shutdown",
        "--ssl-keyfile",
        "--ssl-certfile",
        "--ssl-keyfile-password",
        "--ssl-version",
        "--ssl-cert-reqs",
        "--ssl-ca-certs",
        "--ssl-ciphers",
        "--header",
        "--forwarded-allow-ips",
        "--app-dir",
        "--h11-max-incomplete-event-size",
    }
)
UVICORN_FLAGS = frozenset(
    {
        "--reload",
        "--access-log",
        "--no-access-log",
        "--use-colors",
        "--no-use-colors",
        "--proxy-headers",
        "--no-proxy-headers",
        "--server-header",
        "--no-server-header",
        "--date-header",
        "--no-date-header",
        "--factory",
    }
)
DAPHNE_VALUES = frozenset(
    {
        "-p",
        "--port",
        "-b",
        "--bind",
        "--websocket_timeout",
        "--websocket_connect_timeout",
        "-u",
        "--unix-socket",
        "--fd",
        "-e",
        "--endpoint",
        "-v",
        "--verbosity",
        "-t",
        "--http-timeout",
        "--access-log",
        "--log-fmt",
        "--ping-interval",
        "--ping-timeout",
        "--application-close-timeout",
        "--root-path",
        "--proxy-headers-host",
        "--proxy-headers-port",
        "--server-name",
    }
)
DAPHNE_FLAGS = frozenset({"--proxy-headers", "--no-server-name"})
HYPERCORN_VALUES = frozenset(
    {
        "-b",
        "--bind",
        "--insecure-bind",
        "--quic-bind",
        "-c",
        "--config",
        "-k",
        "--worker-class",
        "-w",
        "--workers",
        "--access-logfile",
        "--error-logfile",
        "--log-file",
        "--access-logformat",
        "--log-config",
        "--log-level",
        "--backlog",
        "--ca-certs",
        "--certfile",
        "--keyfile",
        "--keyfile-password",
        "--ciphers",
        "--graceful-timeout",
        "--read-timeout",
        "--max-requests",
        "--max-requests-jitter",
        "-g",
        "--group",
        "-u",
        "--user",
        "-m",
        "--umask",
        "-p",
        "--pid",
        "--root-path",
        "--server-name",
        "--statsd-host",
        "--statsd-prefix",
        "--websocket-ping-interval",
    }
)
HYPERCORN_FLAGS = frozenset({"--debug", "--reload", "--verify-mode"})
CELERY_VALUES = frozenset(
    {
        "-A",
        "--app",
        "-b",
        "--broker",
        "--result-backend",
        "--loader",
        "--config",
        "--workdir",
        "-l",
        "--loglevel",
        "-c",
        "--concurrency",
        "-P",
        "--pool",
        "-Q",
        "--queues",
        "-n",
        "--hostname",
        "-s",
        "--schedule",
        "-S",
        "--scheduler",
        "-f",
        "--logfile",
        "--pidfile",
        "--max-tasks-per-child",
        "--max-memory-per-child",
        "-X",
        "--exclude-queues",
        "--autoscale",
        "--prefetch-multiplier",
        "-O",
        "--uid",
        "--gid",
        "--umask",
    }
)
ASGI_OPTIONS = {
    "uvicorn": (UVICORN_VALUES, UVICORN_FLAGS),
    "daphne": (DAPHNE_VALUES, DAPHNE_FLAGS),
    "hypercorn": (HYPERCORN_VALUES, HYPERCORN_FLAGS),
}
ADDRESS_OPTIONS = ("--host", "-b", "--bind", "--port", "-p")
"""uvicorn's and daphne's options for the address and the port."""
UWSGI_HTTP = frozenset({"--http", "--http-socket", "--http11-socket"})
UWSGI_CONFIGS = ("--ini", "--yaml", "--yml", "--json", "--xml", "--include")
UWSGI_TARGETS = frozenset(
    {"--module", "-w", "--wsgi", "--wsgi-file", "--file", "--chdir", "--pythonpath", "--pp"}
)
RUNSERVER_FLAGS = frozenset(
    {"--noreload", "--nothreading", "--ipv6", "-6", "--insecure", "--nostatic", "--skip-checks"}
)
_MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_EXTRAS_RE = re.compile(r"^[A-Za-z0-9._-]+\s*\[([^\]]*)\]")


# -- packages --------------------------------------------------------------------------------


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


# -- daemons ---------------------------------------------------------------------------------


def django_celery(program: str, args: Sequence[str]) -> bool:
    """``python manage.py celery ...`` (django-celery), which takes celery's options."""
    return program.endswith("manage.py") and bool(args) and args[0] in DJANGO_CELERY_COMMANDS


def daemon_option(program: str, args: Sequence[str]) -> tuple[str, bool] | None:
    """The option that makes the program fork into the background and return, with whether
    it takes a value; None when it stays in the foreground."""
    name = "celery" if django_celery(program, args) else program
    if name == "celery" and not any(word in args for word in CELERY_DAEMON_COMMANDS):
        return None
    for flag in DAEMON_FLAGS.get(name, ()):
        if flag in args:
            return flag, False
    if name == "uwsgi":
        for arg in args:
            for flag in UWSGI_DAEMON:
                if arg == flag or arg.startswith(flag + "="):
                    return flag, True
    return None


def celery_multi(program: str, args: Sequence[str]) -> bool:
    """``celery multi``, which starts workers in the background and exits."""
    return program == "celery" and parse_options(args, CELERY_VALUES).positionals[:1] == ["multi"]


# -- application modules ---------------------------------------------------------------------


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


# -- addresses -------------------------------------------------------------------------------


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
