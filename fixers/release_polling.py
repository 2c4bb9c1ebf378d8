"""fix-release-polling-timeout: process commands that cannot become healthy."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from paasfix.buildpack.requirement_insert import place_after, with_requirement
from paasfix.fixer import ERROR, INFO, SAFE, Edit, Example, Finding, Fixer
from paasfix.formats.option_removal import Removal
from paasfix.platform import appdesc, processes, rules
from paasfix.project import Project
from paasfix.python_apps import daemons, listening
from paasfix.python_apps.process_runs import Group, Run, groups, runs
from paasfix.python_apps.python_modules import installed_by_build, missing_for
from paasfix.python_apps.server_packages import unmet_needs
from paasfix.python_apps.server_targets import PYTHONPATH

Plan = tuple[Edit, ...]


class FixReleasePollingTimeout(Fixer[Plan]):
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

    def detect(self, project: Project) -> Iterator[Finding[Plan]]:
        desc = project.app_desc_definition
        definitions = [d for d in (desc, project.procfile_definition) if d is not None]
        if desc is not None and len(desc.processes) > rules.MAX_PROCESSES:
            # A Procfile's process count is one of the Procfile rules fix-procfile reports.
            count = f"{desc.path} defines {len(desc.processes)} processes; the platform accepts at most {rules.MAX_PROCESSES} per module (The number of processes exceeded). Merge some of them or move them to another module"
            yield self.manual(count, desc.path)
        found = [run for group in groups(definitions) for run in runs(group, project)]
        yield from self._daemons(project, found)
        if project.is_python:
            yield from self._packages(project, found)
            yield from self._targets(project, found)
        yield from self._ports(project, found)

    def fix(self, project: Project, finding: Finding[Plan]) -> list[Edit]:
        return list(finding.planned)

    def _daemons(self, project: Project, found: list[Run]) -> Iterator[Finding[Plan]]:
        for run in (run for run in found if run.foreground):
            if daemons.celery_multi(run.program, run.args):
                multi = f"{run.said}: `celery multi` starts workers in the background and exits, so the platform restarts the process until the release fails; run `celery worker` instead"
                yield self.manual(multi, run.path, run.line)
                continue
            removal = daemons.backgrounding(run.program, run.args, run.invocation.background)
            if removal is None:
                continue
            what = "ends with `&`" if removal.background else f"passes `{removal.word}`"
            server = daemons.server_name(run.program, run.args)
            problem = f"{run.said}, which {what}: {server} goes to the background, the command returns and the platform restarts the process until the release fails"
            edits = _removal_edits(project, run.group, removal) if run.direct else None
            fix = f"remove `{removal.word}` in {run.script or run.group.where}"
            if edits is None:
                yield self.manual(f"{problem}; {fix}", run.path, run.line)
            else:
                yield self.finding(f"{problem}: {fix}", run.path, run.line, plan=edits)

    def _packages(self, project: Project, found: list[Run]) -> Iterator[Finding[Plan]]:
        requirements = project.requirements
        if not requirements.files:
            return
        commands = [(run, run.program, run.args) for run in found]
        unmet = unmet_needs(commands, lambda name: [r.text for r in requirements.named(name)])
        for package, (need, users) in unmet.items():
            uses = "; ".join(dict.fromkeys(run.said for run in users))
            problem = f"{uses}, but no requirement installs {package}, so the process stops with `command not found` or `No module named`"
            anchor = place_after(requirements.lines(), need.anchors)
            path = anchor.path if anchor else project.path("requirements.txt")
            last = anchor.last if anchor else 0
            parsed = requirements.file(path)
            content = with_requirement(parsed, last, package) if parsed else None
            if content is None:
                hashes = f"{problem}; add {package} with its --hash values to {path}"
                yield self.manual(hashes, path)
            else:
                fix = f"{problem}: add {package} to {path}"
                yield self.finding(fix, path, last or None, plan=(Edit(path, content),))

    def _targets(self, project: Project, found: list[Run]) -> Iterator[Finding[Plan]]:
        seen = set()
        elsewhere = partial(_installed_elsewhere, project)
        for run in (run for run in found if not run.structured and not run.sets_pythonpath):
            missing = missing_for(run, project, elsewhere)
            if missing is None or (run.group.name, missing[0]) in seen:
                continue
            seen.add((run.group.name, missing[0]))
            looked = ("neither " if len(missing) > 1 else "no ") + " nor ".join(missing)
            missing_file = f"{run.said}, but the build directory has {looked}, so the process fails at start and the release never becomes healthy; correct the name in the command or add the file"
            yield self.manual(missing_file, run.path, run.line)

    def _ports(self, project: Project, found: list[Run]) -> Iterator[Finding[Plan]]:
        env_set = partial(_env_set, project)
        for run in (run for run in found if run.group.name == "web" and run.foreground):
            problems = listening.unreached_everywhere(run.program, run.args, env_set)
            if problems is None:
                continue
            reasons = "; ".join(problem.reason for problem in problems)
            advice = listening.listen_advice(run.program)
            listen = f"{run.said}: {reasons}. Listen on $PORT on every interface: {advice}"
            severity = INFO if all(problem.default_port for problem in problems) else ERROR
            yield self.manual(listen, run.path, run.line, severity=severity)


def _env_set(project: Project, name: str) -> bool:
    data = project.app_desc.data if project.app_desc and project.app_desc.loaded else None
    return isinstance(data, dict) and bool(appdesc.env_entries(data, name))


def _installed_elsewhere(project: Project, top: str) -> bool:
    """Whether a module missing from the build directory may come from the build's installs
    or a PYTHONPATH set in app_desc.yaml."""
    installs = installed_by_build(
        top, project.requirements.lines(), project.tree, project.build_dir
    )
    return installs or _env_set(project, PYTHONPATH)


def _removal_edits(project: Project, group: Group, removal: Removal) -> Plan | None:
    """The edits that take ``removal`` out of every process of ``group``; None unless each can
    be made exactly."""
    edits = []
    for process in group.processes:
        if isinstance(process.command, str) and process.shell:
            exact = removal.exact(process.command)
            edit = processes.edit_command(project, process, removal.apply) if exact else None
        else:
            keep = removal.keeper(process.argv or ())
            edit = processes.edit_argv(project, process, keep) if keep else None
        if edit is None:
            return None
        edits.append(edit)
    return tuple(edits)


_Files = dict[str, str]
# fmt: off
_REQ = "Django==3.2.25\ngunicorn==20.1.0\ncelery==5.2.7\n"
_SITE = {"manage.py": "import os\nimport sys\n", "mysite/__init__.py": "",
         "mysite/settings.py": "DEBUG = False\n", "mysite/celery.py": "app = None\n",
         "mysite/wsgi.py": "application = None\n", "mysite/asgi.py": "application = None\n"}
_WSGI = {"requirements.txt": _REQ, "mysite/__init__.py": "", "mysite/wsgi.py": "application = None\n"}
_APP = {**_SITE, "requirements.txt": _REQ}
_SRC_SITE = {f"src/{path}": text for path, text in _SITE.items()}
_MAIN = {"main.py": "app = None\n"}
_GUNICORN_CONF = {**_APP, "gunicorn.conf.py": "bind = ':8000'\n"}
_BASE, _INCLUDES = "requirements/base.txt", "-r requirements/base.txt\nsentry-sdk==1.40.0\n"
_BASE_REQ = "# web\nDjango==3.2.25\n{}whitenoise==6.4.0\n\n# jobs\ncelery==5.2.7\n"
_DJANGO_CELERY = "Django==1.11.29\ndjango-celery==3.3.1\ngunicorn\n"
_FASTAPI, _UVICORN = "fastapi==0.95.2\ngunicorn==20.1.0\n", "fastapi==0.95.2\nuvicorn==0.22.0\n"
_PROVIDERS, _BLUEAPPS = "channels==3.0.5\ndjango-celery\nfastapi[standard]\n", "blueapps==4.4.0\ngunicorn\ncelery\n"
_HASHED = "Django==3.2.25 --hash=sha256:" + "0" * 64 + "\n"
_UVLOOP = "web: uvicorn main:app --host 0.0.0.0 --port $PORT --loop uvloop"
_START_WEB = "#!/bin/bash\nset -e\npython manage.py migrate --noinput\nexec gunicorn mysite.wsgi \\\n    -b :$PORT\n"
_IF_SCRIPT = '#!/bin/bash\nif [ "$ROLE" = web ]; then\n  gunicorn -D mysite.wsgi -b :8000\nfi\nexec sleep infinity\n'
_CONSUME = "print('consuming')\n"
_GONE = "goes to the background, the command returns and the platform restarts the process"
_LOCAL = "only, which nothing outside the container can reach. Listen on $PORT on every interface"
_ADD, _NO = "but no requirement installs", "the build directory has"
# fmt: on


def _desc(*processes: str) -> str:
    """A specVersion 2 app_desc.yaml with these processes, each written ``name: command``."""
    body = "".join("    {0}:\n      command: {2}\n".format(*p.partition(": ")) for p in processes)
    return "spec_version: 2\nmodule:\n  language: Python\n  processes:\n" + body


def _v3(args: str, options: str) -> str:
    """A specVersion 3 app_desc.yaml: web's ``args`` start with ``args``, worker's
    ``procCommand`` ends with ``options``."""
    return (
        "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n    processes:\n"
        "      - name: web\n        command: [gunicorn]\n"
        f"        args: [{args}mysite.wsgi, -b, ':$PORT']\n"
        f'      - name: worker\n        procCommand: "celery -A mysite worker{options}"\n'
    )


def _app(*processes: str, base: _Files = _APP) -> _Files:
    return {**base, "app_desc.yaml": _desc(*processes)}


def _proc(*lines: str, base: _Files = _APP) -> _Files:
    return {**base, "Procfile": "".join(line + "\n" for line in lines)}


def _reqs(requirements: str, base: _Files = _SITE) -> _Files:
    return {**base, "requirements.txt": requirements}


def _fixed(
    name: str, before: _Files, edited: _Files, message: str, line: int | None, build_dir: str = ""
) -> Example:
    """``before`` fixed into ``before`` with the files ``edited``."""
    after = {**before, **edited}
    return Example.fixed(name, before, after, message=message, line=line, build_dir=build_dir)


def _removed(
    name: str, file: str, before: str, cut: str, line: int, base: _Files = _WSGI
) -> Example:
    """A daemon option (with its value) or ``&``, written ``cut``, taken out of a command."""
    message = f"{_GONE} until the release fails: remove `{cut.split()[0]}` in {file}"
    return _fixed(name, {**base, file: before}, {file: before.replace(cut, "", 1)}, message, line)


def _manual(
    name: str, before: _Files, message: str, line: int | None = None, path: str | None = None
) -> Example:
    return Example.manual(name, before, message=message, line=line, path=path)


# fmt: off
FixReleasePollingTimeout.examples = (
    _removed("gunicorn -D removed from app_desc.yaml", "app_desc.yaml",
             _desc("web: gunicorn -D mysite.wsgi -b :$PORT"), " -D", 6, _APP),
    _removed("celery --detach removed, the quotes kept", "app_desc.yaml",
             _desc("worker: 'celery -A mysite worker --detach -l info'"), " --detach", 6, _APP),
    _removed("a trailing & in the Procfile, the comment kept", "Procfile",
             "# front end\nweb: gunicorn mysite.wsgi -b :$PORT &  # fast\nbeat: celery -A mysite beat\n", " &", 2, _APP),
    _removed("--daemon inside bash -c, after cd and exec, CRLF kept", "Procfile",
             'web: bash -c "cd . && exec gunicorn --daemon mysite.wsgi"\r\n', " --daemon", 1, _APP),
    _removed("uwsgi --daemonize and its log file", "Procfile",
             "web: uwsgi --http :$PORT --module mysite.wsgi --daemonize /tmp/uwsgi.log\n",
             " --daemonize /tmp/uwsgi.log", 1, _reqs("Django==3.2.25\nuWSGI==2.0.21\n")),
    _removed("django-celery worker with -D, celery installed through django-celery", "Procfile",
             "worker: python manage.py celery worker -l info -D\n", " -D", 1, _reqs(_DJANGO_CELERY)),
    _fixed("the same process in app_desc.yaml and the Procfile: both edited",
           _proc("web: gunicorn -D mysite.wsgi", base=_app("web: gunicorn -D mysite.wsgi")),
           _proc("web: gunicorn mysite.wsgi", base=_app("web: gunicorn mysite.wsgi")),
           "remove `-D` in app_desc.yaml and Procfile", 6),
    _fixed("specVersion 3: an args item and a procCommand", {**_APP, "app_desc.yaml": _v3("-D, ", " --detach")},
           {"app_desc.yaml": _v3("", "")}, "runs `celery -A mysite worker --detach`, which passes `--detach`", 11),
    _removed("a quoted Procfile command", "Procfile", 'web: "gunicorn -D mysite.wsgi"\n', " -D", 1),
    _removed("a quoted Procfile command with a comment after it", "Procfile",
             "web: 'gunicorn mysite.wsgi --daemon' # old VM habit\n", " --daemon", 1),
    _removed("& inside a bash -c string", "Procfile", "web: bash -c 'exec gunicorn mysite.wsgi &'\n", " &", 1),
    _removed("celery --detach in a plain Procfile line", "Procfile",
             "web: celery -A mysite worker --detach -l info\n", " --detach", 1),
    _removed("a Procfile written as a flow mapping", "Procfile", "{web: gunicorn mysite.wsgi -D}\n", " -D", 1),
    _removed("a double-quoted app_desc.yaml command", "app_desc.yaml",
             _desc('web: "gunicorn -D mysite.wsgi"'), " -D", 6),
    _removed("an app_desc.yaml command as a block scalar", "app_desc.yaml",
             _desc("web: |-\n        gunicorn -D mysite.wsgi"), " -D", 6),
    _removed("a single-quoted app_desc.yaml command with a comment", "app_desc.yaml",
             _desc("web: 'celery -A mysite worker --detach'  # queue"), " --detach", 6),
    _fixed("gunicorn missing from requirements.txt, python -m counts",
           _app("web: python -m gunicorn mysite.wsgi -b :$PORT", base=_reqs("Django==3.2.25\n")),
           _reqs("Django==3.2.25\ngunicorn\n", {}), f"{_ADD} gunicorn, so the process stops with "
           "`command not found` or `No module named`: add gunicorn to requirements.txt", 1),
    _fixed("gunicorn written after Django, in the included file that has it", _proc(
           "web: gunicorn mysite.wsgi -b :$PORT", base=_reqs(_INCLUDES, {**_SITE, _BASE: _BASE_REQ.format("")})),
           {_BASE: _BASE_REQ.format("gunicorn\n")}, "add gunicorn to requirements/base.txt", 2),
    _fixed("celery and its eventlet pool missing, no final newline", _proc(
           "worker: celery -A mysite worker -P eventlet -c 100", base=_reqs("Django==3.2.25\ngunicorn==20.1.0")),
           _reqs("Django==3.2.25\ngunicorn==20.1.0\ncelery\neventlet", {}), f"{_ADD} eventlet", None),
    _fixed("a gunicorn worker class from uvicorn", _app("web: gunicorn main:app -k uvicorn.workers.UvicornWorker",
           base=_reqs(_FASTAPI, _MAIN)), _reqs(_FASTAPI + "uvicorn\n", {}), f"{_ADD} uvicorn,", 2),
    _fixed("uvicorn with uvloop needs uvicorn[standard]", _app(_UVLOOP, base=_reqs("starlette==0.27.0\n", _MAIN)),
           _reqs("starlette==0.27.0\nuvicorn[standard]\n", {}), "add uvicorn[standard] to requirements.txt", 1),
    _fixed("a server started by a script in the build directory", _app("web: bash bin/start_web.sh", base={
           **_SRC_SITE, "src/requirements.txt": "Django==3.2.25\n", "src/bin/start_web.sh": _START_WEB}),
           {"src/requirements.txt": "Django==3.2.25\ngunicorn\n"},
           "and src/bin/start_web.sh line 4 runs `gunicorn mysite.wsgi -b ':$PORT'`", 1, "src"),
    _manual("a daemon option inside a script is reported, not edited", _proc("web: sh bin/start_web.sh", base={
            **_APP, "bin/start_web.sh": "#!/bin/sh\ngunicorn -D mysite.wsgi -b :$PORT\n"}),
            f"{_GONE} until the release fails; remove `-D` in bin/start_web.sh", 2, "bin/start_web.sh"),
    _manual("a command over several lines is not edited", _proc("web: >-", "  gunicorn -D", "  mysite.wsgi",
            base=_WSGI), "release fails; remove `-D` in Procfile", 1),
    _manual("a module that is not in the build directory", _app("web: gunicorn mysite.wsgi -b :$PORT",
            "sync: celery -A tasks_sync worker -Q sync"), f"{_NO} neither tasks_sync.py nor tasks_sync/__init__.py", 8),
    _manual("--chdir points where the module is not", _proc("web: gunicorn --chdir src mysite.wsgi:application"),
            "neither src/mysite/wsgi.py nor src/mysite/wsgi/__init__.py", 1),
    _manual("a start script that is not in the repository", _app("web: ./bin/start_web.sh"),
            f"{_NO} no bin/start_web.sh, so the process", 6),
    _manual("web on a fixed port", _app("web: gunicorn mysite.wsgi --bind 0.0.0.0:8080"),
            "`--bind 0.0.0.0:8080` listens on the fixed port 8080, but the platform", 6),
    _manual("web on the default port 5000 is a recommendation", _proc("web: gunicorn mysite.wsgi -b :5000"),
            "that is the platform's default port, so it works until", 1),
    _manual("web on localhost", _proc("web: gunicorn mysite.wsgi -b 127.0.0.1:$PORT"),
            f"`-b 127.0.0.1:$PORT` listens on 127.0.0.1 {_LOCAL}: `-b :$PORT`", 1),
    _manual("runserver without an address", _proc("web: python manage.py runserver"),
            f"runserver without an address listens on 127.0.0.1 {_LOCAL}", 1),
    _manual("uvicorn without --host and --port", _app("web: uvicorn main:app", base=_reqs(_UVICORN, _MAIN)),
            f"uvicorn without an address listens on 127.0.0.1 {_LOCAL}: `--host 0.0.0.0", 6),
    _manual("celery multi exits at once", _proc("worker: celery -A mysite multi start w1 -l info"),
            "`celery multi` starts workers in the background and exits", 1),
    _manual("-D written twice is not removed by guesswork", _proc("web: gunicorn -D mysite.wsgi -D"),
            "release fails; remove `-D` in Procfile", 1),
    _manual("hash-checked requirements", _proc("web: gunicorn mysite.wsgi", base=_reqs(_HASHED)),
            "add gunicorn with its --hash values to requirements.txt", path="requirements.txt"),
    _manual("more than 16 processes", _app(*[f"worker{n}: celery -A mysite worker -Q q{n}" for n in range(17)]),
            "app_desc.yaml defines 17 processes; the platform accepts at most 16", path="app_desc.yaml"),
    Example.clean("a healthy Django app with celery", _app(
        "web: gunicorn mysite.wsgi -b :$PORT -w 4 --access-logfile -",
        "worker: celery -A mysite worker -l info", "beat: celery -A mysite beat -l info")),
    Example.clean("daemonised programs before the one the process waits for", _proc(
        "web: gunicorn -D mysite.wsgi -b :$PORT && celery -A mysite worker",
        "beat: celery -A mysite beat & exec gunicorn mysite.wsgi")),
    Example.clean("gunicorn with no address listens on $PORT by itself; its config file may bind", _proc(
        "web: gunicorn mysite.wsgi", "admin: gunicorn -c gunicorn.conf.py mysite.wsgi", base=_GUNICORN_CONF)),
    Example.clean("$PORT in every spelling, IPv6, runserver 0:$PORT", _app(
        "web: gunicorn mysite.wsgi -b '[::]:${PORT:-5000}' -b 127.0.0.1:9000",
        "web2: python manage.py runserver 0:$PORT")),
    Example.clean("a fixed port on a process that is not web",
        _proc("web: gunicorn mysite.wsgi", "metrics: gunicorn mysite.wsgi -b :9100")),
    Example.clean("a unix socket behind a proxy in the same container",
        _proc("web: gunicorn mysite.wsgi -b unix:/tmp/app.sock")),
    Example.clean("modules found through --chdir, --pythonpath and cd", _app(
        "web: gunicorn --chdir src mysite.wsgi:application", "worker: cd src && celery -A mysite.celery:app worker",
        "jobs: celery --workdir lib -A jobs worker", "report: PYTHONPATH=lib celery -A jobs.report worker",
        "asgi: gunicorn --pythonpath src,lib mysite.asgi", base=_reqs(_REQ, {**_SRC_SITE, "lib/jobs/__init__.py": ""}))),
    Example.clean("an application module from a requirement or a local package", _proc(
        "worker: celery -A blueapps.core.celery worker", base=_reqs(_BLUEAPPS, {"manage.py": ""}))),
    Example.clean("celery from django-celery, daphne from channels, uvicorn from fastapi[standard]", _proc(
        "web: daphne mysite.asgi:application -b 0.0.0.0 -p $PORT", "worker: celery -A mysite worker",
        "api: uvicorn main:app", base=_reqs(_PROVIDERS, {**_SITE, "main.py": ""}))),
    Example.clean("uvicorn[standard] already required",
        _proc(_UVLOOP, base=_reqs("uvicorn[standard]==0.22.0\n", _MAIN))),
    Example.clean("no requirements.txt: the build installs setup.py or a Pipfile",
        _proc("web: gunicorn mysite.wsgi", base={**_SITE, "Pipfile": '[packages]\ndjango = "*"\n'})),
    Example.clean("a script with control structures is only checked for missing servers",
        _proc("web: bash bin/start.sh", base={**_APP, "bin/start.sh": _IF_SCRIPT})),
    Example.clean("Python files run by path", _proc("consumer: ./tools/consume.py --queue orders",
        "importer: python3 -u tools/consume.py --queue imports", base={**_APP, "tools/consume.py": _CONSUME})),
    Example.clean("a command that does not split into words is left alone",
        _proc('web: "gunicorn mysite.wsgi -D \'oops"')),
    Example.clean("no process definition", {**_APP}),
)
# fmt: on
