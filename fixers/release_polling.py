"""fix-release-polling-timeout: process commands that cannot become healthy."""

from __future__ import annotations

import posixpath
import re
import shlex
import sys
from dataclasses import dataclass, field, replace
from typing import Iterator, Optional

from paasfix import appdesc, platform
from paasfix.commands import (SHELLS, Invocation, Options, argv_invocations, flat_words,
                              invocations, parse_options, program, python_target, read_script,
                              script_path)
from paasfix.errors import UnsafePath
from paasfix.fixer import ERROR, INFO, SAFE, Edit, Example, Finding, Fixer
from paasfix.processes import (Definition, Process, app_desc_definition, edit_argv, edit_command,
                               procfile_definition)
from paasfix.project import Project
from paasfix.requirements import canonical
from paasfix.tree import join

SERVERS = {"gunicorn": "gunicorn", "uwsgi": "uwsgi", "daphne": "daphne", "uvicorn": "uvicorn",
           "celery": "celery", "hypercorn": "hypercorn", "waitress-serve": "waitress"}
"""Programs that serve or work for an application, and the project that installs each."""
PROVIDERS = {"celery": (("django-celery", None), ("flower", None)),
             "daphne": (("channels", None),),
             "uvicorn": (("fastapi", "standard"), ("fastapi", "all"))}
"""Projects that install another one as a dependency (with the extra that does it)."""
GUNICORN_WORKERS = {"gevent": "gevent", "eventlet": "eventlet", "tornado": "tornado",
                    "gunicorn.workers.ggevent": "gevent", "gunicorn.workers.geventlet": "eventlet",
                    "gunicorn.workers.gtornado": "tornado", "uvicorn.workers": "uvicorn",
                    "uvicorn_worker": "uvicorn-worker", "geventwebsocket": "gevent-websocket"}
FRAMEWORKS = ("django", "flask", "fastapi", "starlette", "quart", "sanic", "falcon", "bottle",
              "pyramid", "tornado", "channels", "blueapps")
"""Requirements a web server is written after, when one of them is there."""
CELERY_POOLS = {"eventlet": "eventlet", "gevent": "gevent"}
UVICORN_STANDARD = (("--loop", "uvloop"), ("--http", "httptools"), ("--ws", "websockets"))
"""uvicorn options that need the packages of ``uvicorn[standard]``."""

DAEMON_FLAGS = {"gunicorn": ("-D", "--daemon"), "celery": ("-D", "--detach")}
UWSGI_DAEMON = ("--daemonize", "--daemonize2", "-d")
CELERY_DAEMON_COMMANDS = ("worker", "beat", "celeryd", "celerybeat")

DEFAULT_PORT = "5000"
"""The platform's default container port (``CONTAINER_PORT``, PLATFORM.md §1.6)."""
PORT_RE = re.compile(r"\$\{?PORT\b")
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
WEB = "web"
PYTHONPATH = "PYTHONPATH"
LISTEN_ADVICE = {"gunicorn": "`-b :$PORT`", "uvicorn": "`--host 0.0.0.0 --port $PORT`",
                 "daphne": "`-b 0.0.0.0 -p $PORT`", "hypercorn": "`-b 0.0.0.0:$PORT`",
                 "uwsgi": "`--http :$PORT`", "runserver": "`runserver 0.0.0.0:$PORT`"}
PACKAGE_FILES = ("setup.py", "setup.cfg", "pyproject.toml")
_MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")

GUNICORN_VALUES = frozenset({
    "-c", "--config", "-b", "--bind", "--backlog", "-w", "--workers", "-k", "--worker-class",
    "--threads", "--worker-connections", "--max-requests", "--max-requests-jitter", "-t",
    "--timeout", "--graceful-timeout", "--keep-alive", "--limit-request-line",
    "--limit-request-fields", "--limit-request-field_size", "--chdir", "--pythonpath", "--paste",
    "--paster", "-p", "--pid", "--worker-tmp-dir", "-u", "--user", "-g", "--group", "-m",
    "--umask", "--forwarded-allow-ips", "--access-logfile", "--access-logformat",
    "--error-logfile", "--log-file", "--log-level", "--logger-class", "--log-config",
    "--log-config-json", "--log-syslog-to", "--log-syslog-prefix", "--log-syslog-facility",
    "--dogstatsd-tags", "--statsd-host", "--statsd-prefix", "-n", "--name", "--proxy-allow-from",
    "--keyfile", "--certfile", "--ssl-version", "--cert-reqs", "--ca-certs", "--ciphers", "-e",
    "--env", "--reload-engine", "--reload-extra-file", "--forwarder-headers", "--header-map"})
GUNICORN_FLAGS = frozenset({
    "-D", "--daemon", "--reload", "--preload", "--spew", "--check-config", "--print-config",
    "--no-sendfile", "--reuse-port", "--capture-output", "--log-syslog", "-R",
    "--enable-stdio-inheritance", "--initgroups", "--proxy-protocol",
    "--do-handshake-on-connect", "--suppress-ragged-eofs", "--strip-header-spaces",
    "--disable-redirect-access-to-syslog"})
UVICORN_VALUES = frozenset({
    "--host", "--port", "--uds", "--fd", "--reload-dir", "--reload-include", "--reload-exclude",
    "--reload-delay", "--workers", "--loop", "--http", "--ws", "--ws-max-size", "--ws-max-queue",
    "--ws-ping-interval", "--ws-ping-timeout", "--ws-per-message-deflate", "--lifespan",
    "--interface", "--env-file", "--log-config", "--log-level", "--root-path",
    "--limit-concurrency", "--backlog", "--limit-max-requests", "--timeout-keep-alive",
    "--timeout-graceful-shutdown", "--ssl-keyfile", "--ssl-certfile", "--ssl-keyfile-password",
    "--ssl-version", "--ssl-cert-reqs", "--ssl-ca-certs", "--ssl-ciphers", "--header",
    "--forwarded-allow-ips", "--app-dir", "--h11-max-incomplete-event-size"})
UVICORN_FLAGS = frozenset({
    "--reload", "--access-log", "--no-access-log", "--use-colors", "--no-use-colors",
    "--proxy-headers", "--no-proxy-headers", "--server-header", "--no-server-header",
    "--date-header", "--no-date-header", "--factory"})
DAPHNE_VALUES = frozenset({
    "-p", "--port", "-b", "--bind", "--websocket_timeout", "--websocket_connect_timeout", "-u",
    "--unix-socket", "--fd", "-e", "--endpoint", "-v", "--verbosity", "-t", "--http-timeout",
    "--access-log", "--log-fmt", "--ping-interval", "--ping-timeout",
    "--application-close-timeout", "--root-path", "--proxy-headers-host", "--proxy-headers-port",
    "--server-name"})
DAPHNE_FLAGS = frozenset({"--proxy-headers", "--no-server-name"})
HYPERCORN_VALUES = frozenset({
    "-b", "--bind", "--insecure-bind", "--quic-bind", "-c", "--config", "-k", "--worker-class",
    "-w", "--workers", "--access-logfile", "--error-logfile", "--log-file", "--access-logformat",
    "--log-config", "--log-level", "--backlog", "--ca-certs", "--certfile", "--keyfile",
    "--keyfile-password", "--ciphers", "--graceful-timeout", "--read-timeout", "--max-requests",
    "--max-requests-jitter", "-g", "--group", "-u", "--user", "-m", "--umask", "-p", "--pid",
    "--root-path", "--server-name", "--statsd-host", "--statsd-prefix",
    "--websocket-ping-interval"})
HYPERCORN_FLAGS = frozenset({"--debug", "--reload", "--verify-mode"})
CELERY_VALUES = frozenset({
    "-A", "--app", "-b", "--broker", "--result-backend", "--loader", "--config", "--workdir",
    "-l", "--loglevel", "-c", "--concurrency", "-P", "--pool", "-Q", "--queues", "-n",
    "--hostname", "-s", "--schedule", "-S", "--scheduler", "-f", "--logfile", "--pidfile",
    "--max-tasks-per-child", "--max-memory-per-child", "-X", "--exclude-queues",
    "--autoscale", "--prefetch-multiplier", "-O", "--uid", "--gid", "--umask"})
ADDRESS_OPTIONS = ("--host", "-b", "--bind", "--port", "-p")
"""uvicorn's and daphne's options for the address and the port."""
UWSGI_HTTP = frozenset({"--http", "--http-socket", "--http11-socket"})
UWSGI_CONFIGS = ("--ini", "--yaml", "--yml", "--json", "--xml", "--include")
RUNSERVER_FLAGS = frozenset({"--noreload", "--nothreading", "--ipv6", "-6", "--insecure",
                             "--nostatic", "--skip-checks"})


# -- what the processes run --------------------------------------------------------------------


@dataclass
class Group:
    """Processes with the same name and command, in app_desc.yaml and the Procfile."""

    name: str
    processes: list[Process]

    @property
    def first(self) -> Process:
        return self.processes[0]

    @property
    def where(self) -> str:
        return " and ".join(process.path for process in self.processes)


@dataclass
class Run:
    """One program a process starts, directly or from a script it runs."""

    group: Group
    invocation: Invocation
    program: str
    args: list[str]
    script: Optional[str] = None
    """The script the program is started from (None: the process command itself)."""
    structured: bool = False
    sets_pythonpath: bool = False
    """The command or script sets PYTHONPATH, so modules may come from anywhere."""

    @property
    def direct(self) -> bool:
        return self.script is None

    @property
    def foreground(self) -> bool:
        """Whether the process lives as long as this program does."""
        return self.invocation.final and not self.structured

    def describe(self) -> str:
        said = f"the process `{self.group.name}` runs `{self.group.first.text}`"
        if self.script is None:
            return said
        line = f" line {self.invocation.line}" if self.invocation.line else ""
        return f"{said}, and {self.script}{line} runs `{shlex.join(self.invocation.argv)}`"

    @property
    def path(self) -> str:
        return self.script or self.group.first.path

    @property
    def line(self) -> Optional[int]:
        return self.invocation.line if self.script else self.group.first.line


def _groups(definitions: list[Definition]) -> list[Group]:
    groups: dict[tuple, Group] = {}
    for definition in definitions:
        for process in definition.processes:
            key = (process.key, process.text)
            groups.setdefault(key, Group(str(process.name), [])).processes.append(process)
    return list(groups.values())


def _runs(project: Project, group: Group) -> list[Run]:
    process = group.first
    if process.shell:
        if not isinstance(process.command, str):
            return []
        found = invocations(process.command)
    else:
        found = argv_invocations(process.argv)
    runs = []
    pythonpath = PYTHONPATH in process.text
    for invocation in found:
        runs.append(Run(group, invocation, *program(invocation.argv), sets_pythonpath=pythonpath))
        runs += _script_runs(project, group, invocation, pythonpath)
    return runs


def _script_file(project: Project, invocation: Invocation) -> Optional[str]:
    """The repository path of the shell script an invocation runs, when it reads as one."""
    path = script_path(invocation.argv)
    if path is None or invocation.cwd is None or path.startswith(("/", "~")) or "$" in path:
        return None
    if not (path.endswith(".sh") or posixpath.basename(invocation.argv[0]) in SHELLS):
        return None
    try:
        return join(project.build_dir, invocation.cwd, path)
    except UnsafePath:
        return None


def _script_runs(project: Project, group: Group, invocation: Invocation, pythonpath: bool
                 ) -> list[Run]:
    path = _script_file(project, invocation)
    file = project.text(path) if path is not None and project.is_file(path) else None
    script = read_script(file.text) if file is not None else None
    if script is None:
        return []
    runs = []
    for inner in script.invocations:
        final = inner.final and invocation.final
        inner = replace(inner, background=inner.background or invocation.background,
                        final=final)
        runs.append(Run(group, inner, *program(inner.argv), script=path,
                        structured=script.structured,
                        sets_pythonpath=pythonpath or PYTHONPATH in file.text))
    return runs


# -- requirements ------------------------------------------------------------------------------


def _extras(text: str) -> set[str]:
    match = re.match(r"^[A-Za-z0-9._-]+\s*\[([^\]]*)\]", text)
    return {canonical(e.strip()) for e in match.group(1).split(",")} if match else set()


def _provided(project: Project, package: str) -> bool:
    name = package.split("[")[0]
    if project.requirements.named(name):
        return True
    for other, extra in PROVIDERS.get(canonical(name), ()):
        for line in project.requirements.named(other):
            if extra is None or extra in _extras(line.text):
                return True
    return False


def _needed_packages(run: Run) -> list[tuple[str, tuple[str, ...]]]:
    """The projects a program needs installed (itself, its worker class or pool), each with
    the requirements it is best written after."""
    name = run.program
    if name not in SERVERS:
        return []
    server = SERVERS[name]
    extra: list[str] = []
    if name == "gunicorn":
        options = parse_options(run.args, GUNICORN_VALUES, GUNICORN_FLAGS)
        for worker in options.get("-k", "--worker-class"):
            extra += [package for prefix, package in GUNICORN_WORKERS.items()
                      if worker == prefix or worker.startswith(prefix + ".")][:1]
    elif name == "celery":
        options = parse_options(run.args, CELERY_VALUES)
        extra += [CELERY_POOLS[pool] for pool in options.get("-P", "--pool")
                  if pool in CELERY_POOLS]
    elif name == "uvicorn":
        options = parse_options(run.args, UVICORN_VALUES, UVICORN_FLAGS)
        if any(value in options.get(option) for option, value in UVICORN_STANDARD):
            server = "uvicorn[standard]"
    anchors = () if name == "celery" else FRAMEWORKS
    return [(server, anchors)] + [(package, (SERVERS[name],)) for package in extra]


def _insert_after(file, last: int, line: str) -> bytes:
    """``file`` with ``line`` as a new line after line ``last`` (1-based; 0 appends)."""
    lines = file.lines
    index = last or len(lines)
    if index and not lines[index - 1].endswith("\n"):
        lines[index - 1] += "\n"
        lines.insert(index, line)
    else:
        lines.insert(index, line + "\n")
    return file.encode("".join(lines))


def _requirement_place(project: Project, anchors: tuple[str, ...]) -> tuple[str, int]:
    """(file, line) to add a requirement after: the first of ``anchors`` (a web framework for
    a server, the server for its worker class), else the end of requirements.txt (line 0)."""
    keys = {canonical(anchor) for anchor in anchors}
    after = next((line for line in project.requirements.lines()
                  if line.kind == "requirement" and line.key in keys), None)
    if after is None:
        return project.path("requirements.txt"), 0
    return after.path, after.last


def _requirement_edit(project: Project, path: str, last: int, package: str) -> Optional[Edit]:
    """The file with ``package`` added; None when the file pins hashes (pip then needs the new
    package's hashes too)."""
    parsed = project.requirements.file(path)
    if parsed is None or any(line.hashes for line in parsed.lines):
        return None
    return Edit(path, _insert_after(parsed.file, last, package))


# -- daemons and background processes ----------------------------------------------------------


@dataclass(frozen=True)
class Removal:
    """Words to take out of a command: one option (with its value) or a final ``&``."""

    word: str
    with_value: bool = False

    @property
    def background(self) -> bool:
        return self.word == "&"

    def pattern(self) -> re.Pattern:
        if self.background:
            return re.compile(r"[ \t]*(?<![&|>\\])&(?=[ \t]*['\"]?[ \t]*$)")
        value = r"(?:=|[ \t]+)[^\s'\";&|]+" if self.with_value else ""
        return re.compile(r"[ \t]+" + re.escape(self.word) + value + r"(?=$|[\s'\";&|)])")

    def apply(self, text: str) -> Optional[str]:
        new, count = self.pattern().subn("", text)
        return new if count == 1 else None

    def expected_words(self, old: list[str]) -> Optional[list[str]]:
        """The words of the command once the removal is made; None when it is ambiguous."""
        if self.background:
            return old[:-1] if old and old[-1] == "&" else None
        hits = [i for i, word in enumerate(old)
                if word == self.word or self.with_value and word.startswith(self.word + "=")]
        if len(hits) != 1:
            return None
        index = hits[0]
        size = 2 if self.with_value and old[index] == self.word else 1
        return old[:index] + old[index + size:]


def _django_celery(run: Run) -> bool:
    """``python manage.py celery ...`` (django-celery), which takes celery's options."""
    return run.program.endswith("manage.py") and run.args[:1] in (["celery"], ["celeryd"],
                                                                 ["celerybeat"])


def _daemon_removal(run: Run) -> Optional[Removal]:
    """The option that makes the program fork into the background and return."""
    name, args = ("celery" if _django_celery(run) else run.program), run.args
    if name == "celery" and not any(word in args for word in CELERY_DAEMON_COMMANDS):
        return None
    for flag in DAEMON_FLAGS.get(name, ()):
        if flag in args:
            return Removal(flag)
    if name == "uwsgi":
        for arg in args:
            for flag in UWSGI_DAEMON:
                if arg == flag or arg.startswith(flag + "="):
                    return Removal(flag, with_value=True)
    return None


def _celery_multi(run: Run) -> bool:
    options = parse_options(run.args, CELERY_VALUES)
    return run.program == "celery" and options.positionals[:1] == ["multi"]


def _removal_edits(project: Project, group: Group, removal: Removal) -> Optional[list[Edit]]:
    edits = []
    for process in group.processes:
        if process.shell:
            old = flat_words(process.command)
            new_command = removal.apply(process.command)
            new = flat_words(new_command) if new_command is not None else None
            if old is None or new is None or removal.expected_words(old) != new:
                return None
            edit = edit_command(project, process, removal.apply)
        else:
            edit = _argv_removal(project, process, removal)
        if edit is None:
            return None
        edits.append(edit)
    return edits


def _argv_removal(project: Project, process: Process, removal: Removal) -> Optional[Edit]:
    argv = list(process.argv)
    expected = removal.expected_words(argv)
    if removal.background or expected is None:
        return None
    hits = [i for i, word in enumerate(argv) if word == removal.word
            or removal.with_value and word.startswith(removal.word + "=")]
    drop = {hits[0]} | ({hits[0] + 1} if len(expected) == len(argv) - 2 else set())
    return edit_argv(project, process, lambda _word, position: position not in drop)


# -- application modules -----------------------------------------------------------------------


@dataclass
class Target:
    """What a program imports or runs, and where it looks for it."""

    kind: str
    """``module`` (a dotted name) or ``file``."""
    name: str
    dirs: list[str] = field(default_factory=list)
    """Directories relative to the build directory, the first one the main one."""


def _module_part(spec: str) -> Optional[str]:
    module = spec.split(":", 1)[0]
    return module if _MODULE_RE.match(module) else None


def _relative_dir(base: str, value: Optional[str]) -> Optional[str]:
    if value is None:
        return base
    if value.startswith(("/", "~")) or "$" in value:
        return None
    joined = posixpath.normpath(posixpath.join(base, value))
    return None if joined.startswith("..") else ("" if joined == "." else joined)


def _single_positional(options: Options) -> Optional[str]:
    return options.positionals[0] if options.certain and len(options.positionals) == 1 else None


def _module_target(spec: Optional[str], cwd: str, chdir: Optional[str], extra=()
                   ) -> Optional[Target]:
    module = _module_part(spec) if spec else None
    base = _relative_dir(cwd, chdir)
    if module is None or base is None:
        return None
    dirs = [base] + [d for d in (_relative_dir(base, p) for p in extra) if d is not None]
    return Target("module", module, list(dict.fromkeys(dirs)))


def _target(run: Run) -> Optional[Target]:
    """The application module or file a program loads, when the command says it plainly."""
    cwd, name, args = run.invocation.cwd, run.program, run.args
    if cwd is None:
        return None
    if name == "gunicorn":
        options = parse_options(args, GUNICORN_VALUES, GUNICORN_FLAGS)
        if options.has("--paste", "--paster"):
            return None
        paths = [p for value in options.get("--pythonpath") for p in value.split(",") if p]
        return _module_target(_single_positional(options), cwd,
                              (options.get("--chdir") or [None])[-1], paths)
    if name in ("uvicorn", "daphne", "hypercorn"):
        values, flags = {"uvicorn": (UVICORN_VALUES, UVICORN_FLAGS),
                         "daphne": (DAPHNE_VALUES, DAPHNE_FLAGS),
                         "hypercorn": (HYPERCORN_VALUES, HYPERCORN_FLAGS)}[name]
        options = parse_options(args, values, flags)
        return _module_target(_single_positional(options), cwd,
                              (options.get("--app-dir") or [None])[-1])
    if name == "celery":
        options = parse_options(args, CELERY_VALUES)
        apps = options.get("-A", "--app")
        return _module_target(apps[-1] if apps else None, cwd,
                              (options.get("--workdir") or [None])[-1])
    if name == "uwsgi":
        return _uwsgi_target(args, cwd)
    if name.endswith(".py"):
        written = name if python_target(run.invocation.argv)[1] else run.invocation.argv[0]
        if "$" not in written and not written.startswith(("/", "~")):
            return Target("file", written, [cwd])
    return None


def _uwsgi_target(args: list[str], cwd: str) -> Optional[Target]:
    if any(arg.split("=")[0] in UWSGI_CONFIGS or not arg.startswith("-") and
           arg.endswith((".ini", ".yaml", ".yml", ".json", ".xml")) for arg in args):
        return None
    options = parse_options(args, frozenset({"--module", "-w", "--wsgi", "--wsgi-file",
                                             "--file", "--chdir", "--pythonpath", "--pp"}))
    chdir = (options.get("--chdir") or [None])[-1]
    files = options.get("--wsgi-file", "--file")
    if files:
        base = _relative_dir(cwd, chdir)
        path = files[-1]
        if base is None or path.startswith(("/", "~")) or "$" in path:
            return None
        return Target("file", path, [base])
    modules = options.get("--module", "-w", "--wsgi")
    return _module_target(modules[-1] if modules else None, cwd, chdir,
                          options.get("--pythonpath", "--pp"))


def _candidates(directory: str, target: Target) -> list[str]:
    if target.kind == "file":
        return [posixpath.join(directory, target.name)]
    parts = target.name.replace(".", "/")
    return [join(directory, parts + ".py"), join(directory, parts, "__init__.py")]


def _installed_elsewhere(project: Project, top: str) -> bool:
    """Whether a module missing from the build directory may come from somewhere else: a
    requirement of that name, a local package the build installs, the standard library, or a
    PYTHONPATH set in app_desc.yaml."""
    if top in getattr(sys, "stdlib_module_names", ()):
        return True
    if project.requirements.named(top):
        return True
    if any(line.kind in ("editable", "url") for line in project.requirements.lines()):
        return True
    if any(project.is_file(project.path(name)) for name in PACKAGE_FILES):
        return True
    return _env_set(project, PYTHONPATH)


def _exists(project: Project, *parts: str) -> bool:
    """Whether the build directory has this path (a path that leaves it counts as existing:
    paasfix cannot tell)."""
    try:
        return project.exists(project.path(*parts))
    except UnsafePath:
        return True


def _missing_file(project: Project, target: Target) -> Optional[list[str]]:
    """The files looked for, when the target exists in none of its directories."""
    for directory in target.dirs:
        if any(_exists(project, path) for path in _candidates(directory, target)):
            return None
        if target.kind == "module" and project.is_dir(project.path(directory,
                                                                   *target.name.split("."))):
            return None
    if target.kind == "module":
        top = target.name.split(".")[0]
        if not any(_exists(project, d, top) or _exists(project, d, top + ".py")
                   for d in target.dirs) and _installed_elsewhere(project, top):
            return None
    return [project.path(path) for path in _candidates(target.dirs[0], target)]


# -- ports ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """Where a web server listens."""

    host: str
    port: str
    written: str
    """The option as written, or what the server does without one."""

    def problem(self) -> Optional[tuple[str, str]]:
        """(severity, what is wrong); None when the platform reaches it, or it cannot be told."""
        if self.host.strip("[]") in LOCAL_HOSTS:
            return ERROR, (f"{self.written} listens on {self.host} only, which nothing outside "
                           "the container can reach")
        if PORT_RE.search(self.port):
            return None
        if self.port == DEFAULT_PORT:
            return INFO, (f"{self.written} listens on the fixed port {self.port}; that is the "
                          "platform's default port, so it works until an administrator changes "
                          "the port the platform sends traffic to")
        if self.port.isdigit():
            return ERROR, (f"{self.written} listens on the fixed port {self.port}, but the "
                           f"platform sends traffic to $PORT ({DEFAULT_PORT} unless an "
                           "administrator changed it)")
        return None


def _binds(options: Options, *names: str) -> Optional[list[Address]]:
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


def _env_set(project: Project, *names: str) -> bool:
    desc = project.app_desc
    if desc is None or not desc.loaded or not isinstance(desc.data, dict):
        return False
    return any(appdesc.env_entries(desc.data, name) for name in names)


def _addresses(project: Project, run: Run) -> Optional[list[Address]]:
    """Every address a web server listens on; None when the command does not say (a config
    file, a socket, settings from the environment, a program paasfix does not know)."""
    name, args = run.program, run.args
    if name == "gunicorn":
        options = parse_options(args, GUNICORN_VALUES, GUNICORN_FLAGS)
        if options.has("-c", "--config") or _env_set(project, "GUNICORN_CMD_ARGS"):
            return None
        return _binds(options, "-b", "--bind")
    if name in ("uvicorn", "daphne"):
        values, flags = (UVICORN_VALUES, UVICORN_FLAGS) if name == "uvicorn" else \
            (DAPHNE_VALUES, DAPHNE_FLAGS)
        options = parse_options(args, values, flags)
        if options.has("--uds", "--fd", "-u", "--unix-socket", "-e", "--endpoint") or \
                _env_set(project, "UVICORN_HOST", "UVICORN_PORT"):
            return None
        hosts = options.get("--host", "-b", "--bind")
        ports = options.get("--port", "-p")
        if not hosts and not ports:
            return _default(name)
        written = " ".join(f"{option} {value}" for option in ADDRESS_OPTIONS
                           for value in options.get(option))
        return [Address((hosts or ["127.0.0.1"])[-1], (ports or ["8000"])[-1], f"`{written}`")]
    if name == "hypercorn":
        options = parse_options(args, HYPERCORN_VALUES, HYPERCORN_FLAGS)
        if options.has("-c", "--config"):
            return None
        return _binds(options, "-b", "--bind") if options.has("-b", "--bind") else _default(name)
    if name == "uwsgi":
        return _binds(parse_options(args, UWSGI_HTTP), *UWSGI_HTTP)
    if name.endswith("manage.py") and args[:1] == ["runserver"]:
        return _runserver_address(args[1:])
    return None


def _runserver_address(args: list[str]) -> Optional[list[Address]]:
    rest = [arg for arg in args if arg not in RUNSERVER_FLAGS]
    if not rest:
        return _default("runserver")
    address = rest[0]
    if address.startswith("-"):
        return None
    host, port = address.rpartition(":")[::2] if ":" in address else ("127.0.0.1", address)
    return [Address(host, port, f"`runserver {address}`")]


def _bind_problem(addresses: list[Address]) -> Optional[tuple[str, str]]:
    """(severity, what is wrong) when no address is the platform's port on every interface."""
    problems = []
    for address in addresses:
        problem = address.problem()
        if problem is None:
            return None
        problems.append(problem)
    severity = ERROR if any(level == ERROR for level, _ in problems) else INFO
    return severity, "; ".join(text for _, text in problems)


# -- the fixer --------------------------------------------------------------------------------


_REQ = "Django==3.2.25\ngunicorn==20.1.0\ncelery==5.2.7\n"
_SITE = {"manage.py": "import os\nimport sys\n", "mysite/__init__.py": "",
         "mysite/settings.py": "DEBUG = False\n", "mysite/celery.py": "app = None\n",
         "mysite/wsgi.py": "application = None\n", "mysite/asgi.py": "application = None\n"}
_APP = {**_SITE, "requirements.txt": _REQ}
_SRC_SITE = {f"src/{path}": text for path, text in _SITE.items()}


def _desc(*processes: tuple[str, str]) -> str:
    """A specVersion 2 app_desc.yaml with these processes."""
    body = "".join(f"    {name}:\n      command: {command}\n" for name, command in processes)
    return "spec_version: 2\nmodule:\n  language: Python\n  processes:\n" + body


def _v3(*processes: str) -> str:
    """A specVersion 3 app_desc.yaml with these process items (YAML, one per string)."""
    return ("specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n"
            "    processes:\n" + "".join(processes))


class FixReleasePollingTimeout(Fixer):
    """
    ## What goes wrong

    After the build, the platform starts the new processes and waits until every instance is
    ready. A process that cannot start or exits at once is restarted again and again, and the
    release fails with `Release aborted, reason: instance restarted more than 3 times` or, on
    older platforms, `Timeout: polling release's status taking too long to complete`. The
    causes paasfix can see in the repository:

    - the command runs gunicorn, uwsgi, daphne, uvicorn, hypercorn, waitress or celery (or a
      gunicorn worker class or celery pool such as gevent or eventlet) that no requirement
      installs: `command not found`;
    - it tells the server to become a daemon (`gunicorn -D`/`--daemon`, `celery worker
      --detach`, `uwsgi --daemonize`) or ends with `&`: the program goes to the background,
      the command returns, and the platform sees the process exit;
    - the WSGI/ASGI application or Celery app it names (`gunicorn mysite.wsgi`,
      `uvicorn main:app`, `celery -A proj`, with `--chdir`, `--app-dir` or `--workdir`) is not
      in the build directory;
    - the `web` process listens on a fixed port or on 127.0.0.1 instead of `$PORT` on every
      interface (uvicorn, daphne, hypercorn and `manage.py runserver` listen on
      127.0.0.1:8000 unless told otherwise), so its readiness check never succeeds;
    - the module defines more than 16 processes, which the platform refuses.

    paasfix reads the commands of both app_desc.yaml (specVersion 2 and 3) and the Procfile,
    sees through `bash -c '...'`, `exec`, `cd dir &&` and variable assignments, and reads
    a shell script the command runs (such as `bin/start_web.sh`) when it is in the build
    directory.

    ## The fix

    - A missing server is added to the requirements, on a new line after the web framework
      (Django, Flask, FastAPI, ...) in whichever requirement file lists it, else at the end of
      the build directory's `requirements.txt`; a worker class or pool goes after its server.
      It is added without a version: pip then installs the newest release that declares
      support for the application's Python, and each site's package mirror has its own set
      of versions, so no pin paasfix could choose is sure to exist there. Pin it afterwards if
      you pin everything else. Projects that install it already (django-celery installs
      celery, channels installs daphne) count as providing it; uvicorn options that need
      uvloop, httptools or websockets add `uvicorn[standard]`.
    - A daemon option or a final `&` is removed from the command in app_desc.yaml (quoting
      kept) or on its Procfile line (everything else on the line kept). When the same process
      is defined in both files, both are edited, so they stay identical.
    - A missing module, a fixed port or address, too many processes, `celery multi`, and
      anything inside a script are reported with what to change; paasfix does not guess
      module names or rewrite scripts. Listening on the fixed port 5000 is reported as a
      recommendation (severity info): it is the platform's default port, so it works until an
      administrator changes it.

    ## Safety

    Safe. A server the command runs must be installed for the process to start at all, and a
    server that stays in the foreground serves exactly as the daemonised one would have. The
    daemon's own log file or pid file options are left as they are.
    """

    id = "fix-release-polling-timeout"
    title = "Process commands that cannot become healthy"
    after = ("fix-app-desc", "fix-procfile-yaml", "fix-procfile", "fix-unable-select-buildpack")
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"polling release's status taking too long to complete",
        r"instance restarted more than \d+ times",
        r"release took too long to complete",
    )

    def detect(self, project: Project) -> Iterator[Finding]:
        desc = app_desc_definition(project)
        definitions = [d for d in (desc, procfile_definition(project)) if d is not None]
        if desc is not None:
            # A Procfile's process count is one of the Procfile rules fix-procfile reports.
            yield from self._count(desc)
        runs = [run for group in _groups(definitions) for run in _runs(project, group)]
        yield from self._daemons(project, runs)
        if project.is_python:
            yield from self._packages(project, runs)
            yield from self._targets(project, runs)
        yield from self._ports(project, runs)

    def fix(self, project: Project, finding: Finding) -> list[Edit]:
        return list(finding.planned)

    def _count(self, definition: Definition) -> Iterator[Finding]:
        count = len(definition.processes)
        if count > platform.MAX_PROCESSES:
            yield self.manual(f"{definition.path} defines {count} processes; the platform "
                              f"accepts at most {platform.MAX_PROCESSES} per module (The number "
                              "of processes exceeded). Merge some of them or move them to "
                              "another module", definition.path)

    def _daemons(self, project: Project, runs: list[Run]) -> Iterator[Finding]:
        for run in runs:
            if not run.foreground:
                continue
            if _celery_multi(run):
                yield self.manual(f"{run.describe()}: `celery multi` starts workers in the "
                                  "background and exits, so the platform restarts the process "
                                  "until the release fails; run `celery worker` instead",
                                  run.path, run.line)
                continue
            removal = _daemon_removal(run)
            if removal is None and run.invocation.background:
                removal = Removal("&")
            if removal is None:
                continue
            what = "ends with `&`" if removal.background else f"passes `{removal.word}`"
            server = "celery" if _django_celery(run) else run.program
            problem = (f"{run.describe()}, which {what}: {server} goes to the background, "
                       "the command returns and the platform restarts the process until the "
                       "release fails")
            edits = _removal_edits(project, run.group, removal) if run.direct else None
            where = run.script or run.group.where
            if edits is None:
                yield self.manual(f"{problem}; remove `{removal.word}` in {where}", run.path,
                                  run.line)
            else:
                yield self.finding(f"{problem}: remove `{removal.word}` in {where}", run.path,
                                   run.line, plan=edits)

    def _packages(self, project: Project, runs: list[Run]) -> Iterator[Finding]:
        if not project.requirements.files:
            return
        needed: dict[str, list[Run]] = {}
        anchors: dict[str, tuple[str, ...]] = {}
        for run in runs:
            for package, after in _needed_packages(run):
                if not _provided(project, package):
                    needed.setdefault(package, []).append(run)
                    anchors.setdefault(package, after)
        for package, users in needed.items():
            uses = "; ".join(dict.fromkeys(run.describe() for run in users))
            problem = (f"{uses}, but no requirement installs {package}, so the process stops "
                       "with `command not found` or `No module named`")
            path, last = _requirement_place(project, anchors[package])
            edit = _requirement_edit(project, path, last, package)
            if edit is None:
                yield self.manual(f"{problem}; add {package} with its --hash values to {path}",
                                  path)
            else:
                yield self.finding(f"{problem}: add {package} to {path}", path, last or None,
                                   plan=[edit])

    def _targets(self, project: Project, runs: list[Run]) -> Iterator[Finding]:
        seen = set()
        for run in runs:
            if run.structured or run.sets_pythonpath:
                continue
            target = _target(run)
            missing = _missing_file(project, target) if target is not None else None
            if missing is None and run.direct:
                missing = _missing_script(project, run)
            if missing is None or (run.group.name, missing[0]) in seen:
                continue
            seen.add((run.group.name, missing[0]))
            looked = ("neither " if len(missing) > 1 else "no ") + " nor ".join(missing)
            yield self.manual(f"{run.describe()}, but the build directory has {looked}, so the "
                              "process fails at start and the release never "
                              "becomes healthy; correct the name in the command or add the file",
                              run.path, run.line)

    def _ports(self, project: Project, runs: list[Run]) -> Iterator[Finding]:
        for run in runs:
            if run.group.name != WEB or not run.foreground:
                continue
            addresses = _addresses(project, run)
            problem = _bind_problem(addresses) if addresses else None
            if problem is None:
                continue
            severity, what = problem
            advice = LISTEN_ADVICE.get(run.program, LISTEN_ADVICE["runserver"])
            yield self.manual(f"{run.describe()}: {what}. Listen on $PORT on every interface: "
                              f"{advice}", run.path, run.line, severity=severity)

    examples = (
        Example.fixed(
            "gunicorn -D removed from app_desc.yaml",
            {**_APP, "app_desc.yaml": _desc(("web", "gunicorn -D mysite.wsgi -b :$PORT"))},
            {**_APP, "app_desc.yaml": _desc(("web", "gunicorn mysite.wsgi -b :$PORT"))},
        ),
        Example.fixed(
            "celery --detach removed, the quotes kept",
            {**_APP, "app_desc.yaml": _desc(("worker", "'celery -A mysite worker --detach -l info'"))},
            {**_APP, "app_desc.yaml": _desc(("worker", "'celery -A mysite worker -l info'"))},
        ),
        Example.fixed(
            "a trailing & in the Procfile, the comment kept",
            {**_APP, "Procfile": "# front end\nweb: gunicorn mysite.wsgi -b :$PORT &  # fast\n"
                                 "beat: celery -A mysite beat\n"},
            {**_APP, "Procfile": "# front end\nweb: gunicorn mysite.wsgi -b :$PORT  # fast\n"
                                 "beat: celery -A mysite beat\n"},
        ),
        Example.fixed(
            "--daemon inside bash -c, after cd and exec, CRLF kept",
            {**_APP, "Procfile": "web: bash -c \"cd . && exec gunicorn --daemon mysite.wsgi\"\r\n"},
            {**_APP, "Procfile": "web: bash -c \"cd . && exec gunicorn mysite.wsgi\"\r\n"},
        ),
        Example.fixed(
            "uwsgi --daemonize and its log file",
            {**_APP, "requirements.txt": "Django==3.2.25\nuWSGI==2.0.21\n",
             "Procfile": "web: uwsgi --http :$PORT --module mysite.wsgi --daemonize /tmp/uwsgi.log\n"},
            {**_APP, "requirements.txt": "Django==3.2.25\nuWSGI==2.0.21\n",
             "Procfile": "web: uwsgi --http :$PORT --module mysite.wsgi\n"},
        ),
        Example.fixed(
            "django-celery worker with -D, celery installed through django-celery",
            {**_SITE, "requirements.txt": "Django==1.11.29\ndjango-celery==3.3.1\ngunicorn\n",
             "Procfile": "worker: python manage.py celery worker -l info -D\n"},
            {**_SITE, "requirements.txt": "Django==1.11.29\ndjango-celery==3.3.1\ngunicorn\n",
             "Procfile": "worker: python manage.py celery worker -l info\n"},
        ),
        Example.fixed(
            "the same process in app_desc.yaml and the Procfile: both edited",
            {**_APP, "Procfile": "web: gunicorn -D mysite.wsgi\n",
             "app_desc.yaml": _desc(("web", "gunicorn -D mysite.wsgi"))},
            {**_APP, "Procfile": "web: gunicorn mysite.wsgi\n",
             "app_desc.yaml": _desc(("web", "gunicorn mysite.wsgi"))},
        ),
        Example.fixed(
            "specVersion 3: an args item and a procCommand",
            {**_APP, "app_desc.yaml": _v3(
                "      - name: web\n        command: [gunicorn]\n"
                "        args: [-D, mysite.wsgi, -b, ':$PORT']\n",
                "      - name: worker\n        procCommand: \"celery -A mysite worker --detach\"\n")},
            {**_APP, "app_desc.yaml": _v3(
                "      - name: web\n        command: [gunicorn]\n"
                "        args: [mysite.wsgi, -b, ':$PORT']\n",
                "      - name: worker\n        procCommand: \"celery -A mysite worker\"\n")},
        ),
        Example.fixed(
            "gunicorn missing from requirements.txt, python -m counts",
            {**_SITE, "requirements.txt": "Django==3.2.25\n",
             "app_desc.yaml": _desc(("web", "python -m gunicorn mysite.wsgi -b :$PORT"))},
            {**_SITE, "requirements.txt": "Django==3.2.25\ngunicorn\n",
             "app_desc.yaml": _desc(("web", "python -m gunicorn mysite.wsgi -b :$PORT"))},
        ),
        Example.fixed(
            "gunicorn written after Django, in the included file that has it",
            {**_SITE, "requirements.txt": "-r requirements/base.txt\nsentry-sdk==1.40.0\n",
             "requirements/base.txt": "# web\nDjango==3.2.25\nwhitenoise==6.4.0\n\n"
                                      "# jobs\ncelery==5.2.7\n",
             "Procfile": "web: gunicorn mysite.wsgi -b :$PORT\n"},
            {**_SITE, "requirements.txt": "-r requirements/base.txt\nsentry-sdk==1.40.0\n",
             "requirements/base.txt": "# web\nDjango==3.2.25\ngunicorn\nwhitenoise==6.4.0\n\n"
                                      "# jobs\ncelery==5.2.7\n",
             "Procfile": "web: gunicorn mysite.wsgi -b :$PORT\n"},
        ),
        Example.fixed(
            "celery and its eventlet pool missing, no final newline",
            {**_SITE, "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0",
             "Procfile": "worker: celery -A mysite worker -P eventlet -c 100\n"},
            {**_SITE, "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\ncelery\neventlet",
             "Procfile": "worker: celery -A mysite worker -P eventlet -c 100\n"},
        ),
        Example.fixed(
            "a gunicorn worker class from uvicorn",
            {"requirements.txt": "fastapi==0.95.2\ngunicorn==20.1.0\n", "main.py": "app = None\n",
             "app_desc.yaml": _desc(("web", "gunicorn main:app -k uvicorn.workers.UvicornWorker"))},
            {"requirements.txt": "fastapi==0.95.2\ngunicorn==20.1.0\nuvicorn\n",
             "main.py": "app = None\n",
             "app_desc.yaml": _desc(("web", "gunicorn main:app -k uvicorn.workers.UvicornWorker"))},
        ),
        Example.fixed(
            "uvicorn with uvloop needs uvicorn[standard]",
            {"requirements.txt": "starlette==0.27.0\n", "main.py": "app = None\n",
             "app_desc.yaml": _desc(("web", "uvicorn main:app --host 0.0.0.0 --port $PORT "
                                            "--loop uvloop"))},
            {"requirements.txt": "starlette==0.27.0\nuvicorn[standard]\n", "main.py": "app = None\n",
             "app_desc.yaml": _desc(("web", "uvicorn main:app --host 0.0.0.0 --port $PORT "
                                            "--loop uvloop"))},
        ),
        Example.fixed(
            "a server started by a script in the build directory",
            {**_SRC_SITE, "src/requirements.txt": "Django==3.2.25\n",
             "src/bin/start_web.sh": "#!/bin/bash\nset -e\npython manage.py migrate --noinput\n"
                                     "exec gunicorn mysite.wsgi \\\n    -b :$PORT\n",
             "app_desc.yaml": _desc(("web", "bash bin/start_web.sh"))},
            {**_SRC_SITE, "src/requirements.txt": "Django==3.2.25\ngunicorn\n",
             "src/bin/start_web.sh": "#!/bin/bash\nset -e\npython manage.py migrate --noinput\n"
                                     "exec gunicorn mysite.wsgi \\\n    -b :$PORT\n",
             "app_desc.yaml": _desc(("web", "bash bin/start_web.sh"))},
            build_dir="src",
        ),
        Example.manual(
            "a daemon option inside a script is reported, not edited",
            {**_APP, "bin/start_web.sh": "#!/bin/sh\ngunicorn -D mysite.wsgi -b :$PORT\n",
             "Procfile": "web: sh bin/start_web.sh\n"},
        ),
        Example.manual(
            "a module that is not in the build directory",
            {**_APP, "app_desc.yaml": _desc(("web", "gunicorn mysite.wsgi -b :$PORT"),
                                            ("sync", "celery -A tasks_sync worker -Q sync"))},
        ),
        Example.manual(
            "--chdir points where the module is not",
            {**_APP, "Procfile": "web: gunicorn --chdir src mysite.wsgi:application\n"},
        ),
        Example.manual(
            "a start script that is not in the repository",
            {**_APP, "app_desc.yaml": _desc(("web", "./bin/start_web.sh"))},
        ),
        Example.manual(
            "web on a fixed port",
            {**_APP, "app_desc.yaml": _desc(("web", "gunicorn mysite.wsgi --bind 0.0.0.0:8080"))},
        ),
        Example.manual(
            "web on the default port 5000 is a recommendation",
            {**_APP, "Procfile": "web: gunicorn mysite.wsgi -b :5000\n"},
        ),
        Example.manual(
            "web on localhost",
            {**_APP, "Procfile": "web: gunicorn mysite.wsgi -b 127.0.0.1:$PORT\n"},
        ),
        Example.manual(
            "runserver without an address",
            {**_APP, "Procfile": "web: python manage.py runserver\n"},
        ),
        Example.manual(
            "uvicorn without --host and --port",
            {"requirements.txt": "fastapi==0.95.2\nuvicorn==0.22.0\n", "main.py": "app = None\n",
             "app_desc.yaml": _desc(("web", "uvicorn main:app"))},
        ),
        Example.manual(
            "celery multi exits at once",
            {**_APP, "Procfile": "worker: celery -A mysite multi start w1 -l info\n"},
        ),
        Example.manual(
            "-D written twice is not removed by guesswork",
            {**_APP, "Procfile": "web: gunicorn -D mysite.wsgi -D\n"},
        ),
        Example.manual(
            "hash-checked requirements",
            {**_SITE, "requirements.txt": "Django==3.2.25 --hash=sha256:" + "0" * 64 + "\n",
             "Procfile": "web: gunicorn mysite.wsgi\n"},
        ),
        Example.manual(
            "more than 16 processes",
            {**_APP, "app_desc.yaml": _desc(*[(f"worker{n}", f"celery -A mysite worker -Q q{n}")
                                              for n in range(17)])},
        ),
        Example.clean(
            "a healthy Django app with celery",
            {**_APP, "app_desc.yaml": _desc(
                ("web", "gunicorn mysite.wsgi -b :$PORT -w 4 --access-logfile -"),
                ("worker", "celery -A mysite worker -l info"),
                ("beat", "celery -A mysite beat -l info"))},
        ),
        Example.clean(
            "daemonised programs before the one the process waits for",
            {**_APP, "Procfile": "web: gunicorn -D mysite.wsgi -b :$PORT && celery -A mysite "
                                 "worker\nbeat: celery -A mysite beat & exec gunicorn mysite.wsgi\n"},
        ),
        Example.clean(
            "gunicorn with no address listens on $PORT by itself; its config file may bind",
            {**_APP, "gunicorn.conf.py": "bind = ':8000'\n",
             "Procfile": "web: gunicorn mysite.wsgi\nadmin: gunicorn -c gunicorn.conf.py mysite.wsgi\n"},
        ),
        Example.clean(
            "$PORT in every spelling, IPv6, runserver 0:$PORT",
            {**_APP, "app_desc.yaml": _desc(
                ("web", "gunicorn mysite.wsgi -b '[::]:${PORT:-5000}' -b 127.0.0.1:9000"),
                ("web2", "python manage.py runserver 0:$PORT"))},
        ),
        Example.clean(
            "a fixed port on a process that is not web",
            {**_APP, "Procfile": "web: gunicorn mysite.wsgi\nmetrics: gunicorn mysite.wsgi -b :9100\n"},
        ),
        Example.clean(
            "a unix socket behind a proxy in the same container",
            {**_APP, "Procfile": "web: gunicorn mysite.wsgi -b unix:/tmp/app.sock\n"},
        ),
        Example.clean(
            "modules found through --chdir, --pythonpath and cd",
            {**_SRC_SITE, "requirements.txt": _REQ,
             "lib/jobs/__init__.py": "",
             "app_desc.yaml": _desc(("web", "gunicorn --chdir src mysite.wsgi:application"),
                                    ("worker", "cd src && celery -A mysite.celery:app worker"),
                                    ("jobs", "celery --workdir lib -A jobs worker"),
                                    ("report", "PYTHONPATH=lib celery -A jobs.report worker"),
                                    ("asgi", "gunicorn --pythonpath src,lib mysite.asgi"))},
        ),
        Example.clean(
            "an application module from a requirement or a local package",
            {"requirements.txt": "blueapps==4.4.0\ngunicorn\ncelery\n", "manage.py": "",
             "Procfile": "worker: celery -A blueapps.core.celery worker\n"},
        ),
        Example.clean(
            "celery from django-celery, daphne from channels, uvicorn from fastapi[standard]",
            {**_SITE, "requirements.txt": "channels==3.0.5\ndjango-celery\nfastapi[standard]\n",
             "main.py": "",
             "Procfile": "web: daphne mysite.asgi:application -b 0.0.0.0 -p $PORT\n"
                         "worker: celery -A mysite worker\napi: uvicorn main:app\n"},
        ),
        Example.clean(
            "uvicorn[standard] already required",
            {"requirements.txt": "uvicorn[standard]==0.22.0\n", "main.py": "app = None\n",
             "Procfile": "web: uvicorn main:app --host 0.0.0.0 --port $PORT --loop uvloop\n"},
        ),
        Example.clean(
            "no requirements.txt: the build installs setup.py or a Pipfile",
            {**_SITE, "Pipfile": "[packages]\ndjango = \"*\"\n",
             "Procfile": "web: gunicorn mysite.wsgi\n"},
        ),
        Example.clean(
            "a script with control structures is only checked for missing servers",
            {**_APP, "bin/start.sh": "#!/bin/bash\nif [ \"$ROLE\" = web ]; then\n"
                                     "  gunicorn -D mysite.wsgi -b :8000\nfi\nexec sleep infinity\n",
             "Procfile": "web: bash bin/start.sh\n"},
        ),
        Example.clean(
            "Python files run by path",
            {**_APP, "tools/consume.py": "print('consuming')\n",
             "Procfile": "consumer: ./tools/consume.py --queue orders\n"
                         "importer: python3 -u tools/consume.py --queue imports\n"},
        ),
        Example.clean(
            "a command that does not split into words is left alone",
            {**_APP, "Procfile": "web: \"gunicorn mysite.wsgi -D 'oops\"\n"},
        ),
        Example.clean("no process definition", {**_APP}),
    )

def _missing_script(project: Project, run: Run) -> Optional[list[str]]:
    path = _script_file(project, run.invocation)
    if path is None or project.exists(path):
        return None
    return [path]
