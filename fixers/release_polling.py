"""fix-release-polling-timeout: process commands that cannot become healthy (how the servers
behave is :mod:`paasfix.python_apps.servers`; what each process runs, :mod:`paasfix.python_apps.process_runs`)."""

from __future__ import annotations

import shlex
from collections.abc import Iterator

from paasfix.buildpack.requirement_insert import place_after, with_requirement
from paasfix.fixer import ERROR, INFO, SAFE, Edit, Example, Finding, Fixer
from paasfix.formats.option_removal import Removal
from paasfix.platform import appdesc, processes, rules
from paasfix.project import Project
from paasfix.python_apps import servers
from paasfix.python_apps.process_runs import Group, Run, groups, runs, script_file
from paasfix.python_apps.python_modules import installed_by_build, missing_files
from paasfix.python_apps.servers import DEFAULT_PORT, Address


class FixReleasePollingTimeout(Fixer[tuple[Edit, ...]]):
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

    def detect(self, project: Project) -> Iterator[Finding[tuple[Edit, ...]]]:
        desc = project.app_desc_definition
        definitions = [d for d in (desc, project.procfile_definition) if d is not None]
        if desc is not None:
            # A Procfile's process count is one of the Procfile rules fix-procfile reports.
            yield from self._count(desc)
        found = [
            run
            for group in groups(definitions)
            for run in runs(group, project.build_dir, lambda path: _read(project, path))
        ]
        yield from self._daemons(project, found)
        if project.is_python:
            yield from self._packages(project, found)
            yield from self._targets(project, found)
        yield from self._ports(project, found)

    def fix(self, project: Project, finding: Finding[tuple[Edit, ...]]) -> list[Edit]:
        return list(finding.planned)

    def _count(self, definition: processes.Definition) -> Iterator[Finding[tuple[Edit, ...]]]:
        count = len(definition.processes)
        if count > rules.MAX_PROCESSES:
            yield self.manual(
                f"{definition.path} defines {count} processes; the platform "
                f"accepts at most {rules.MAX_PROCESSES} per module (The number "
                "of processes exceeded). Merge some of them or move them to "
                "another module",
                definition.path,
            )

    def _daemons(self, project: Project, found: list[Run]) -> Iterator[Finding[tuple[Edit, ...]]]:
        for run in found:
            if not run.foreground:
                continue
            if servers.celery_multi(run.program, run.args):
                yield self.manual(
                    f"{_said(run)}: `celery multi` starts workers in the "
                    "background and exits, so the platform restarts the process "
                    "until the release fails; run `celery worker` instead",
                    run.path,
                    run.line,
                )
                continue
            option = servers.daemon_option(run.program, run.args)
            removal = Removal(*option) if option else None
            if removal is None and run.invocation.background:
                removal = Removal("&")
            if removal is None:
                continue
            what = "ends with `&`" if removal.background else f"passes `{removal.word}`"
            server = "celery" if servers.django_celery(run.program, run.args) else run.program
            problem = (
                f"{_said(run)}, which {what}: {server} goes to the background, "
                "the command returns and the platform restarts the process until the "
                "release fails"
            )
            edits = _removal_edits(project, run.group, removal) if run.direct else None
            where = run.script or run.group.where
            if edits is None:
                yield self.manual(
                    f"{problem}; remove `{removal.word}` in {where}", run.path, run.line
                )
            else:
                yield self.finding(
                    f"{problem}: remove `{removal.word}` in {where}", run.path, run.line, plan=edits
                )

    def _packages(self, project: Project, found: list[Run]) -> Iterator[Finding[tuple[Edit, ...]]]:
        if not project.requirements.files:
            return
        needed: dict[str, list[Run]] = {}
        anchors: dict[str, tuple[str, ...]] = {}
        for run in found:
            for need in servers.needed_packages(run.program, run.args):
                if not servers.provided_by(
                    need.package,
                    lambda name: [line.text for line in project.requirements.named(name)],
                ):
                    needed.setdefault(need.package, []).append(run)
                    anchors.setdefault(need.package, need.anchors)
        for package, users in needed.items():
            uses = "; ".join(dict.fromkeys(_said(run) for run in users))
            problem = (
                f"{uses}, but no requirement installs {package}, so the process stops "
                "with `command not found` or `No module named`"
            )
            anchor = place_after(project.requirements.lines(), anchors[package])
            path, last = (
                (anchor.path, anchor.last) if anchor else (project.path("requirements.txt"), 0)
            )
            parsed = project.requirements.file(path)
            content = with_requirement(parsed, last, package) if parsed else None
            if content is None:
                yield self.manual(
                    f"{problem}; add {package} with its --hash values to {path}", path
                )
            else:
                yield self.finding(
                    f"{problem}: add {package} to {path}",
                    path,
                    last or None,
                    plan=(Edit(path, content),),
                )

    def _targets(self, project: Project, found: list[Run]) -> Iterator[Finding[tuple[Edit, ...]]]:
        seen = set()
        for run in found:
            if run.structured or run.sets_pythonpath:
                continue
            target = servers.target(run.program, run.args, run.invocation.argv, run.invocation.cwd)
            missing = (
                missing_files(
                    project.tree,
                    project.build_dir,
                    target,
                    lambda top: _installed_elsewhere(project, top),
                )
                if target is not None
                else None
            )
            script = script_file(project.build_dir, run.invocation) if run.direct else None
            if missing is None and script is not None and not project.exists(script):
                missing = [script]
            if missing is None or (run.group.name, missing[0]) in seen:
                continue
            seen.add((run.group.name, missing[0]))
            looked = ("neither " if len(missing) > 1 else "no ") + " nor ".join(missing)
            yield self.manual(
                f"{_said(run)}, but the build directory has {looked}, so the "
                "process fails at start and the release never "
                "becomes healthy; correct the name in the command or add the file",
                run.path,
                run.line,
            )

    def _ports(self, project: Project, found: list[Run]) -> Iterator[Finding[tuple[Edit, ...]]]:
        for run in found:
            if run.group.name != "web" or not run.foreground:
                continue
            addresses = servers.addresses(
                run.program, run.args, lambda name: _env_set(project, name)
            )
            problems = [_address_problem(address) for address in addresses or ()]
            known = [problem for problem in problems if problem is not None]
            if not known or len(known) < len(problems):
                continue  # no address, or one that the platform reaches
            severity = ERROR if any(level == ERROR for level, _ in known) else INFO
            advice = servers.LISTEN_OPTIONS.get(run.program, servers.LISTEN_OPTIONS["runserver"])
            yield self.manual(
                f"{_said(run)}: {'; '.join(text for _, text in known)}. Listen on "
                f"$PORT on every interface: {advice}",
                run.path,
                run.line,
                severity=severity,
            )


def _said(run: Run) -> str:
    said = f"the process `{run.group.name}` runs `{run.group.first.text}`"
    if run.script is None:
        return said
    line = f" line {run.invocation.line}" if run.invocation.line else ""
    return f"{said}, and {run.script}{line} runs `{shlex.join(run.invocation.argv)}`"


def _address_problem(address: Address) -> tuple[str, str] | None:
    """(severity, what is wrong); None when the platform reaches it, or it cannot be told."""
    if address.local:
        return ERROR, (
            f"{address.written} listens on {address.host} only, which nothing "
            "outside the container can reach"
        )
    if address.on_port_variable:
        return None
    if address.port == DEFAULT_PORT:
        return INFO, (
            f"{address.written} listens on the fixed port {address.port}; that is the "
            "platform's default port, so it works until an administrator changes "
            "the port the platform sends traffic to"
        )
    if address.port.isdigit():
        return ERROR, (
            f"{address.written} listens on the fixed port {address.port}, but the "
            f"platform sends traffic to $PORT ({DEFAULT_PORT} unless an "
            "administrator changed it)"
        )
    return None


def _read(project: Project, path: str) -> str | None:
    file = project.text(path) if project.is_file(path) else None
    return file.text if file is not None else None


def _env_set(project: Project, name: str) -> bool:
    desc = project.app_desc
    if desc is None or not desc.loaded or not isinstance(desc.data, dict):
        return False
    return bool(appdesc.env_entries(desc.data, name))


def _installed_elsewhere(project: Project, top: str) -> bool:
    """Whether a module missing from the build directory may come from the build's installs
    or a PYTHONPATH set in app_desc.yaml."""
    return installed_by_build(
        top, project.requirements.lines(), project.tree, project.build_dir
    ) or _env_set(project, servers.PYTHONPATH)


def _removal_edits(project: Project, group: Group, removal: Removal) -> tuple[Edit, ...] | None:
    """The edits that take ``removal`` out of every process of ``group``; None unless each can
    be made exactly."""
    edits = []
    for process in group.processes:
        if isinstance(process.command, str) and process.shell:
            edit = (
                processes.edit_command(project, process, removal.apply)
                if removal.exact(process.command)
                else None
            )
        else:
            keep = removal.keeper(process.argv or ())
            edit = processes.edit_argv(project, process, keep) if keep else None
        if edit is None:
            return None
        edits.append(Edit(edit.path, edit.content))
    return tuple(edits)


_REQ = "Django==3.2.25\ngunicorn==20.1.0\ncelery==5.2.7\n"
_SITE = {
    "manage.py": "import os\nimport sys\n",
    "mysite/__init__.py": "",
    "mysite/settings.py": "DEBUG = False\n",
    "mysite/celery.py": "app = None\n",
    "mysite/wsgi.py": "application = None\n",
    "mysite/asgi.py": "application = None\n",
}
_APP = {**_SITE, "requirements.txt": _REQ}
_SRC_SITE = {f"src/{path}": text for path, text in _SITE.items()}
_WSGI = {
    "requirements.txt": _REQ,
    "mysite/__init__.py": "",
    "mysite/wsgi.py": "application = None\n",
}
_GONE = "goes to the background, the command returns and the platform restarts the process"
_LOCAL = "only, which nothing outside the container can reach. Listen on $PORT on every interface"
_ADD = "but no requirement installs"


def _desc(*commands: tuple[str, str]) -> str:
    """A specVersion 2 app_desc.yaml with these processes."""
    body = "".join(f"    {name}:\n      command: {command}\n" for name, command in commands)
    return "spec_version: 2\nmodule:\n  language: Python\n  processes:\n" + body


def _v3(*items: str) -> str:
    """A specVersion 3 app_desc.yaml with these process items (YAML, one per string)."""
    return (
        "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n"
        "    processes:\n" + "".join(items)
    )


def _fixed(
    name: str,
    before: dict[str, str],
    edited: dict[str, str],
    message: str,
    line: int | None,
    build_dir: str = "",
) -> Example:
    """``before`` fixed into ``before`` with the files ``edited``."""
    return Example.fixed(
        name, before, {**before, **edited}, message=message, line=line, build_dir=build_dir
    )


def _removed(
    name: str,
    file: str,
    before: str,
    after: str,
    word: str,
    line: int,
    base: dict[str, str] = _WSGI,
) -> Example:
    """A daemon option or ``&`` removed from one command."""
    return _fixed(
        name,
        {**base, file: before},
        {file: after},
        f"{_GONE} until the release fails: remove `{word}` in {file}",
        line,
    )


FixReleasePollingTimeout.examples = (
    _removed(
        "gunicorn -D removed from app_desc.yaml",
        "app_desc.yaml",
        _desc(("web", "gunicorn -D mysite.wsgi -b :$PORT")),
        _desc(("web", "gunicorn mysite.wsgi -b :$PORT")),
        "-D",
        6,
        _APP,
    ),
    _removed(
        "celery --detach removed, the quotes kept",
        "app_desc.yaml",
        _desc(("worker", "'celery -A mysite worker --detach -l info'")),
        _desc(("worker", "'celery -A mysite worker -l info'")),
        "--detach",
        6,
        _APP,
    ),
    _removed(
        "a trailing & in the Procfile, the comment kept",
        "Procfile",
        "# front end\nweb: gunicorn mysite.wsgi -b :$PORT &  # fast\nbeat: celery -A mysite beat\n",
        "# front end\nweb: gunicorn mysite.wsgi -b :$PORT  # fast\nbeat: celery -A mysite beat\n",
        "&",
        2,
        _APP,
    ),
    _removed(
        "--daemon inside bash -c, after cd and exec, CRLF kept",
        "Procfile",
        'web: bash -c "cd . && exec gunicorn --daemon mysite.wsgi"\r\n',
        'web: bash -c "cd . && exec gunicorn mysite.wsgi"\r\n',
        "--daemon",
        1,
        _APP,
    ),
    _removed(
        "uwsgi --daemonize and its log file",
        "Procfile",
        "web: uwsgi --http :$PORT --module mysite.wsgi --daemonize /tmp/uwsgi.log\n",
        "web: uwsgi --http :$PORT --module mysite.wsgi\n",
        "--daemonize",
        1,
        {**_APP, "requirements.txt": "Django==3.2.25\nuWSGI==2.0.21\n"},
    ),
    _removed(
        "django-celery worker with -D, celery installed through django-celery",
        "Procfile",
        "worker: python manage.py celery worker -l info -D\n",
        "worker: python manage.py celery worker -l info\n",
        "-D",
        1,
        {**_SITE, "requirements.txt": "Django==1.11.29\ndjango-celery==3.3.1\ngunicorn\n"},
    ),
    _fixed(
        "the same process in app_desc.yaml and the Procfile: both edited",
        {
            **_APP,
            "Procfile": "web: gunicorn -D mysite.wsgi\n",
            "app_desc.yaml": _desc(("web", "gunicorn -D mysite.wsgi")),
        },
        {
            "Procfile": "web: gunicorn mysite.wsgi\n",
            "app_desc.yaml": _desc(("web", "gunicorn mysite.wsgi")),
        },
        "remove `-D` in app_desc.yaml and Procfile",
        6,
    ),
    _fixed(
        "specVersion 3: an args item and a procCommand",
        {
            **_APP,
            "app_desc.yaml": _v3(
                "      - name: web\n        command: [gunicorn]\n"
                "        args: [-D, mysite.wsgi, -b, ':$PORT']\n",
                '      - name: worker\n        procCommand: "celery -A mysite worker --detach"\n',
            ),
        },
        {
            "app_desc.yaml": _v3(
                "      - name: web\n        command: [gunicorn]\n"
                "        args: [mysite.wsgi, -b, ':$PORT']\n",
                '      - name: worker\n        procCommand: "celery -A mysite worker"\n',
            )
        },
        "runs `celery -A mysite worker --detach`, which passes `--detach`",
        11,
    ),
    _removed(
        "a quoted Procfile command",
        "Procfile",
        'web: "gunicorn -D mysite.wsgi"\n',
        'web: "gunicorn mysite.wsgi"\n',
        "-D",
        1,
    ),
    _removed(
        "a quoted Procfile command with a comment after it",
        "Procfile",
        "web: 'gunicorn mysite.wsgi --daemon' # old VM habit\n",
        "web: 'gunicorn mysite.wsgi' # old VM habit\n",
        "--daemon",
        1,
    ),
    _removed(
        "& inside a bash -c string",
        "Procfile",
        "web: bash -c 'exec gunicorn mysite.wsgi &'\n",
        "web: bash -c 'exec gunicorn mysite.wsgi'\n",
        "&",
        1,
    ),
    _removed(
        "celery --detach in a plain Procfile line",
        "Procfile",
        "web: celery -A mysite worker --detach -l info\n",
        "web: celery -A mysite worker -l info\n",
        "--detach",
        1,
    ),
    _removed(
        "a Procfile written as a flow mapping",
        "Procfile",
        "{web: gunicorn mysite.wsgi -D}\n",
        "{web: gunicorn mysite.wsgi}\n",
        "-D",
        1,
    ),
    _removed(
        "a double-quoted app_desc.yaml command",
        "app_desc.yaml",
        _desc(("web", '"gunicorn -D mysite.wsgi"')),
        _desc(("web", '"gunicorn mysite.wsgi"')),
        "-D",
        6,
    ),
    _removed(
        "an app_desc.yaml command as a block scalar",
        "app_desc.yaml",
        _desc(("web", "|-\n        gunicorn -D mysite.wsgi")),
        _desc(("web", "|-\n        gunicorn mysite.wsgi")),
        "-D",
        6,
    ),
    _removed(
        "a single-quoted app_desc.yaml command with a comment",
        "app_desc.yaml",
        _desc(("web", "'celery -A mysite worker --detach'  # queue")),
        _desc(("web", "'celery -A mysite worker'  # queue")),
        "--detach",
        6,
    ),
    _fixed(
        "gunicorn missing from requirements.txt, python -m counts",
        {
            **_SITE,
            "requirements.txt": "Django==3.2.25\n",
            "app_desc.yaml": _desc(("web", "python -m gunicorn mysite.wsgi -b :$PORT")),
        },
        {"requirements.txt": "Django==3.2.25\ngunicorn\n"},
        f"{_ADD} gunicorn, so the process stops with `command not found` or `No module "
        "named`: add gunicorn to requirements.txt",
        1,
    ),
    _fixed(
        "gunicorn written after Django, in the included file that has it",
        {
            **_SITE,
            "requirements.txt": "-r requirements/base.txt\nsentry-sdk==1.40.0\n",
            "requirements/base.txt": "# web\nDjango==3.2.25\nwhitenoise==6.4.0\n\n"
            "# jobs\ncelery==5.2.7\n",
            "Procfile": "web: gunicorn mysite.wsgi -b :$PORT\n",
        },
        {
            "requirements/base.txt": "# web\nDjango==3.2.25\ngunicorn\nwhitenoise==6.4.0\n\n"
            "# jobs\ncelery==5.2.7\n"
        },
        "add gunicorn to requirements/base.txt",
        2,
    ),
    _fixed(
        "celery and its eventlet pool missing, no final newline",
        {
            **_SITE,
            "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0",
            "Procfile": "worker: celery -A mysite worker -P eventlet -c 100\n",
        },
        {"requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\ncelery\neventlet"},
        f"{_ADD} eventlet",
        None,
    ),
    _fixed(
        "a gunicorn worker class from uvicorn",
        {
            "requirements.txt": "fastapi==0.95.2\ngunicorn==20.1.0\n",
            "main.py": "app = None\n",
            "app_desc.yaml": _desc(("web", "gunicorn main:app -k uvicorn.workers.UvicornWorker")),
        },
        {"requirements.txt": "fastapi==0.95.2\ngunicorn==20.1.0\nuvicorn\n"},
        f"{_ADD} uvicorn,",
        2,
    ),
    _fixed(
        "uvicorn with uvloop needs uvicorn[standard]",
        {
            "requirements.txt": "starlette==0.27.0\n",
            "main.py": "app = None\n",
            "app_desc.yaml": _desc(
                ("web", "uvicorn main:app --host 0.0.0.0 --port $PORT --loop uvloop")
            ),
        },
        {"requirements.txt": "starlette==0.27.0\nuvicorn[standard]\n"},
        "add uvicorn[standard] to requirements.txt",
        1,
    ),
    _fixed(
        "a server started by a script in the build directory",
        {
            **_SRC_SITE,
            "src/requirements.txt": "Django==3.2.25\n",
            "src/bin/start_web.sh": "#!/bin/bash\nset -e\npython manage.py migrate --noinput\n"
            "exec gunicorn mysite.wsgi \\\n    -b :$PORT\n",
            "app_desc.yaml": _desc(("web", "bash bin/start_web.sh")),
        },
        {"src/requirements.txt": "Django==3.2.25\ngunicorn\n"},
        "and src/bin/start_web.sh line 4 runs `gunicorn mysite.wsgi -b ':$PORT'`",
        1,
        "src",
    ),
    Example.manual(
        "a daemon option inside a script is reported, not edited",
        {
            **_APP,
            "bin/start_web.sh": "#!/bin/sh\ngunicorn -D mysite.wsgi -b :$PORT\n",
            "Procfile": "web: sh bin/start_web.sh\n",
        },
        path="bin/start_web.sh",
        line=2,
        message=f"{_GONE} until the release fails; remove `-D` in bin/start_web.sh",
    ),
    Example.manual(
        "a command over several lines is not edited",
        {**_WSGI, "Procfile": "web: >-\n  gunicorn -D\n  mysite.wsgi\n"},
        message="release fails; remove `-D` in Procfile",
        line=1,
    ),
    Example.manual(
        "a module that is not in the build directory",
        {
            **_APP,
            "app_desc.yaml": _desc(
                ("web", "gunicorn mysite.wsgi -b :$PORT"),
                ("sync", "celery -A tasks_sync worker -Q sync"),
            ),
        },
        message="the build directory has neither tasks_sync.py nor tasks_sync/__init__.py",
        line=8,
    ),
    Example.manual(
        "--chdir points where the module is not",
        {**_APP, "Procfile": "web: gunicorn --chdir src mysite.wsgi:application\n"},
        message="neither src/mysite/wsgi.py nor src/mysite/wsgi/__init__.py",
        line=1,
    ),
    Example.manual(
        "a start script that is not in the repository",
        {**_APP, "app_desc.yaml": _desc(("web", "./bin/start_web.sh"))},
        message="the build directory has no bin/start_web.sh, so the process",
        line=6,
    ),
    Example.manual(
        "web on a fixed port",
        {**_APP, "app_desc.yaml": _desc(("web", "gunicorn mysite.wsgi --bind 0.0.0.0:8080"))},
        message="`--bind 0.0.0.0:8080` listens on the fixed port 8080, but the platform",
        line=6,
    ),
    Example.manual(
        "web on the default port 5000 is a recommendation",
        {**_APP, "Procfile": "web: gunicorn mysite.wsgi -b :5000\n"},
        message="that is the platform's default port, so it works until",
        line=1,
    ),
    Example.manual(
        "web on localhost",
        {**_APP, "Procfile": "web: gunicorn mysite.wsgi -b 127.0.0.1:$PORT\n"},
        message=f"`-b 127.0.0.1:$PORT` listens on 127.0.0.1 {_LOCAL}: `-b :$PORT`",
        line=1,
    ),
    Example.manual(
        "runserver without an address",
        {**_APP, "Procfile": "web: python manage.py runserver\n"},
        message=f"runserver without an address listens on 127.0.0.1 {_LOCAL}",
        line=1,
    ),
    Example.manual(
        "uvicorn without --host and --port",
        {
            "requirements.txt": "fastapi==0.95.2\nuvicorn==0.22.0\n",
            "main.py": "app = None\n",
            "app_desc.yaml": _desc(("web", "uvicorn main:app")),
        },
        line=6,
        message=f"uvicorn without an address listens on 127.0.0.1 {_LOCAL}: `--host 0.0.0.0",
    ),
    Example.manual(
        "celery multi exits at once",
        {**_APP, "Procfile": "worker: celery -A mysite multi start w1 -l info\n"},
        message="`celery multi` starts workers in the background and exits",
        line=1,
    ),
    Example.manual(
        "-D written twice is not removed by guesswork",
        {**_APP, "Procfile": "web: gunicorn -D mysite.wsgi -D\n"},
        message="release fails; remove `-D` in Procfile",
        line=1,
    ),
    Example.manual(
        "hash-checked requirements",
        {
            **_SITE,
            "requirements.txt": "Django==3.2.25 --hash=sha256:" + "0" * 64 + "\n",
            "Procfile": "web: gunicorn mysite.wsgi\n",
        },
        path="requirements.txt",
        message="add gunicorn with its --hash values to requirements.txt",
    ),
    Example.manual(
        "more than 16 processes",
        {
            **_APP,
            "app_desc.yaml": _desc(
                *[(f"worker{n}", f"celery -A mysite worker -Q q{n}") for n in range(17)]
            ),
        },
        message="app_desc.yaml defines 17 processes; the platform accepts at most 16",
        path="app_desc.yaml",
    ),
    Example.clean(
        "a healthy Django app with celery",
        {
            **_APP,
            "app_desc.yaml": _desc(
                ("web", "gunicorn mysite.wsgi -b :$PORT -w 4 --access-logfile -"),
                ("worker", "celery -A mysite worker -l info"),
                ("beat", "celery -A mysite beat -l info"),
            ),
        },
    ),
    Example.clean(
        "daemonised programs before the one the process waits for",
        {
            **_APP,
            "Procfile": "web: gunicorn -D mysite.wsgi -b :$PORT && celery -A mysite worker\n"
            "beat: celery -A mysite beat & exec gunicorn mysite.wsgi\n",
        },
    ),
    Example.clean(
        "gunicorn with no address listens on $PORT by itself; its config file may bind",
        {
            **_APP,
            "gunicorn.conf.py": "bind = ':8000'\n",
            "Procfile": "web: gunicorn mysite.wsgi\nadmin: gunicorn -c gunicorn.conf.py mysite.wsgi\n",
        },
    ),
    Example.clean(
        "$PORT in every spelling, IPv6, runserver 0:$PORT",
        {
            **_APP,
            "app_desc.yaml": _desc(
                ("web", "gunicorn mysite.wsgi -b '[::]:${PORT:-5000}' -b 127.0.0.1:9000"),
                ("web2", "python manage.py runserver 0:$PORT"),
            ),
        },
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
        {
            **_SRC_SITE,
            "requirements.txt": _REQ,
            "lib/jobs/__init__.py": "",
            "app_desc.yaml": _desc(
                ("web", "gunicorn --chdir src mysite.wsgi:application"),
                ("worker", "cd src && celery -A mysite.celery:app worker"),
                ("jobs", "celery --workdir lib -A jobs worker"),
                ("report", "PYTHONPATH=lib celery -A jobs.report worker"),
                ("asgi", "gunicorn --pythonpath src,lib mysite.asgi"),
            ),
        },
    ),
    Example.clean(
        "an application module from a requirement or a local package",
        {
            "requirements.txt": "blueapps==4.4.0\ngunicorn\ncelery\n",
            "manage.py": "",
            "Procfile": "worker: celery -A blueapps.core.celery worker\n",
        },
    ),
    Example.clean(
        "celery from django-celery, daphne from channels, uvicorn from fastapi[standard]",
        {
            **_SITE,
            "requirements.txt": "channels==3.0.5\ndjango-celery\nfastapi[standard]\n",
            "main.py": "",
            "Procfile": "web: daphne mysite.asgi:application -b 0.0.0.0 -p $PORT\n"
            "worker: celery -A mysite worker\napi: uvicorn main:app\n",
        },
    ),
    Example.clean(
        "uvicorn[standard] already required",
        {
            "requirements.txt": "uvicorn[standard]==0.22.0\n",
            "main.py": "app = None\n",
            "Procfile": "web: uvicorn main:app --host 0.0.0.0 --port $PORT --loop uvloop\n",
        },
    ),
    Example.clean(
        "no requirements.txt: the build installs setup.py or a Pipfile",
        {
            **_SITE,
            "Pipfile": '[packages]\ndjango = "*"\n',
            "Procfile": "web: gunicorn mysite.wsgi\n",
        },
    ),
    Example.clean(
        "a script with control structures is only checked for missing servers",
        {
            **_APP,
            "Procfile": "web: bash bin/start.sh\n",
            "bin/start.sh": '#!/bin/bash\nif [ "$ROLE" = web ]; then\n'
            "  gunicorn -D mysite.wsgi -b :8000\nfi\nexec sleep infinity\n",
        },
    ),
    Example.clean(
        "Python files run by path",
        {
            **_APP,
            "tools/consume.py": "print('consuming')\n",
            "Procfile": "consumer: ./tools/consume.py --queue orders\n"
            "importer: python3 -u tools/consume.py --queue imports\n",
        },
    ),
    Example.clean(
        "a command that does not split into words is left alone",
        {**_APP, "Procfile": 'web: "gunicorn mysite.wsgi -D \'oops"\n'},
    ),
    Example.clean("no process definition", {**_APP}),
)
