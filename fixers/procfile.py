"""fix-procfile: give the build directory a process definition that the platform accepts."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from paasfix.core.text import new_text_file
from paasfix.core.tree import join
from paasfix.fixer import ERROR, INFO, SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.platform import appdesc_render as render
from paasfix.platform.processes import APP_DESC, PROCFILE
from paasfix.platform.procfile_refusals import refusals
from paasfix.project import PYTHON_MARKERS, Project, YamlFile
from paasfix.python_apps.django import CannotInfer
from paasfix.python_apps.process_inference import BIND, AppBelow, template

Edits = tuple[Edit, ...]


class FixProcfile(Fixer[Edits]):
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
    options: ClassVar[Mapping[str, Any]] = {"keep_procfile": False}

    def detect(self, project: Project) -> Iterator[Finding[Edits]]:
        desc = project.app_desc
        if desc is not None and (not desc.loaded or project.app_desc_processes):
            return
        procfile = project.procfile
        if procfile is not None:
            yield from self._procfile(project, procfile, converts=desc is None)
        elif desc is not None:
            yield self._desc_without_processes(project, desc)
        else:
            yield self._no_definition(project)

    def fix(self, project: Project, finding: Finding[Edits]) -> list[Edit]:
        return list(finding.planned)

    def _procfile(
        self, project: Project, procfile: YamlFile, converts: bool
    ) -> Iterator[Finding[Edits]]:
        example = f"web: gunicorn wsgi {BIND}"
        text, data = procfile.file.text, procfile.data
        found = refusals(procfile.path, text, data, procfile.problem, example)
        for refusal in found:
            severity = None if refusal.fatal else WARNING
            yield self.manual(refusal.message, procfile.path, refusal.line, severity=severity)
        if procfile.loaded and not found and converts:
            if all(isinstance(command, str) for command in data.values()):
                yield self._conversion(project, procfile)

    def _conversion(self, project: Project, procfile: YamlFile) -> Finding[Edits]:
        processes: dict[str, str] = procfile.data
        path, target = procfile.path, join(posixpath.dirname(procfile.path), APP_DESC)
        text = render.from_procfile(procfile.file.text, processes, project.language)
        if text is None:
            return self.manual(
                f"{path} could not be written as an equivalent {APP_DESC}; move its processes "
                "to app_desc.yaml by hand",
                path,
                severity=INFO,
            )
        written = Edit(target, new_text_file(text, procfile.file.newline))
        defines = (
            f"{path} defines the processes ({', '.join(processes)}); app_desc.yaml is the "
            "recommended definition"
        )
        message = f"{defines}: write them to {target} unchanged"
        if self.settings["keep_procfile"]:
            kept = " and keep the Procfile (keep_procfile)"
        elif path != PROCFILE and project.is_file(PROCFILE):
            kept = f" and keep {path}, because removing it would bring {PROCFILE} into use"
        else:
            plan = (written, Edit(path, None))
            return self.finding(
                message + " and remove the Procfile", path, severity=INFO, plan=plan
            )
        apart = render.compared_apart(text, processes)
        if apart:
            return self.manual(
                f"{defines}, but next to the kept Procfile the platform would find "
                f"{', '.join(apart)} different in the two (it removes the blanks around "
                "app_desc.yaml's commands, not around the Procfile's) and refuse the deploy. "
                f"Remove those blanks from {path}, then paasfix writes {target}",
                path,
                severity=INFO,
            )
        return self.finding(message + kept, path, severity=INFO, plan=(written,))

    def _desc_without_processes(self, project: Project, desc: YamlFile) -> Finding[Edits]:
        problem = (
            f"{desc.path} defines no processes and there is no Procfile, so the platform "
            "has nothing to run"
        )
        add = "Add processes to the module; in the spec_version 2 form:\n\n"
        inference = project.process_inference
        if isinstance(inference, CannotInfer):
            if isinstance(inference, AppBelow):
                return self.manual(f"{problem}; {inference.advice(PYTHON_MARKERS)}", desc.path)
            snippet = render.processes_snippet(template(project.language))
            return self.manual(f"{problem}; {inference}. {add}{snippet}", desc.path)
        text = None
        if render.simple_module(desc.data) is not None:
            text = render.with_processes(desc.file.text, desc.data, inference.processes)
        if text is None:
            snippet = render.processes_snippet(inference.processes)
            return self.manual(f"{problem}. {add}{snippet}", desc.path)
        plan = (Edit(desc.path, desc.file.encode(text)),)
        return self.finding(f"{problem}: add {inference.describe()}", desc.path, plan=plan)

    def _no_definition(self, project: Project) -> Finding[Edits]:
        target, language = project.path(APP_DESC), project.language
        problem = (
            "the build directory has no process definition (no Procfile and no "
            "app_desc.yaml), so the deploy fails with 'the procfile data is empty'"
        )
        if language != "Python":
            why = (
                "paasfix infers start commands only for Python applications and this looks "
                f"like {language}"
            )
            start = "your start command"
        else:
            inference = project.process_inference
            if isinstance(inference, AppBelow):
                return self.manual(f"{problem}; {inference.advice(PYTHON_MARKERS)}", target)
            if not isinstance(inference, CannotInfer):
                text = render.render_app_desc(inference.processes)
                plan = (Edit(target, new_text_file(text)),)
                message = f"{problem}: write {target} with {inference.describe()}"
                return self.finding(message, target, plan=plan)
            why, start = str(inference), "the command that starts your web server"
        example = render.render_app_desc(template(language), language).rstrip()
        return self.manual(
            f"{problem}; {why}. Create {target} like this, with {start}:\n\n{example}", target
        )


# -- examples ------------------------------------------------------------------------------------


def _desc(**processes: str) -> str:
    """The app_desc.yaml written for these processes (commands that YAML reads plain)."""
    rows = (f"    {name}:\n      command: {command}\n" for name, command in processes.items())
    return _V2 + "  processes:\n" + "".join(rows)


def _writes(name: str, files: dict[str, str], build_dir: str = "", **kw: Any) -> Example:
    """fix-procfile writes app_desc.yaml with the processes ``kw`` (and message, path)."""
    shown = {key: kw.pop(key, None) for key in ("message", "path")}
    after = {**files, join(build_dir, APP_DESC): _desc(**kw)}
    return Example.fixed(name, files, after, build_dir=build_dir, **shown)


def _converts(
    name: str, procfile: str, after: dict[str, str], needs: str = "gunicorn\n", **kw: Any
) -> Example:
    """fix-procfile writes the Procfile as app_desc.yaml (``after``) next to ``needs``."""
    files = {"requirements.txt": needs}
    return Example.fixed(name, {**files, "Procfile": procfile}, {**files, **after}, **kw)


def _procfile(name: str, procfile: str, **kw: Any) -> Example:
    """fix-procfile reports the Procfile ``procfile`` and does not change it."""
    return Example.manual(name, {**_GUNICORN, "Procfile": procfile}, **kw)


_V2 = "spec_version: 2\nmodule:\n  language: Python\n"
_GUNICORN = {"requirements.txt": "gunicorn\n"}
_ENVIRON = 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
_MANAGE_PY = (
    '#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == "__main__":\n    '
    + _ENVIRON
    + "    from django.core.management import execute_from_command_line\n\n"
    "    execute_from_command_line(sys.argv)\n"
)
_DJANGO = {
    "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\n",
    "manage.py": _MANAGE_PY,
    "mysite/__init__.py": "",
    "mysite/settings.py": 'ROOT_URLCONF = "mysite.urls"\nWSGI_APPLICATION = "mysite.wsgi.application"\n',
    "mysite/wsgi.py": "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
    + _ENVIRON
    + "application = get_wsgi_application()\n",
}
_FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"
_FLASK = {
    "requirements.txt": "Flask==2.2.5\ngunicorn==20.1.0\n",
    "app.py": _FLASK_APP + '\n\n@app.route("/")\ndef index():\n    return "hello"\n',
}
_WEB = "gunicorn mysite.wsgi -b :$PORT --log-file -"
_APP = "gunicorn app:app -b :$PORT --log-file -"
_NO_PROCESSES = "app_desc.yaml defines no processes and there is no Procfile, so the platform has nothing to run"
_ENV = "  # settings for every environment\n  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n"
_SERVED = _V2 + "  processes:\n    web:\n      command: gunicorn app:app\n"
_PRINT = "backup: python -c \"print('a: b')\"\n"
_KEPT = {
    "src/requirements.txt": "gunicorn\n",
    "src/Procfile": "web: gunicorn app:app\n",
    "Procfile": "web: python old.py\n",
}

FixProcfile.examples = (
    _writes(
        "Django project as startproject makes it",
        _DJANGO,
        web=_WEB,
        message=f"so the deploy fails with 'the procfile data is empty': write app_desc.yaml with "
        f"web: `{_WEB}`",
        path="app_desc.yaml",
    ),
    _writes("Flask application", _FLASK, web=_APP),
    Example.fixed(
        "app_desc.yaml without processes gets them, the rest kept",
        {**_FLASK, "app_desc.yaml": _V2 + _ENV},
        {
            **_FLASK,
            "app_desc.yaml": _V2 + _ENV + f"  processes:\n    web:\n      command: {_APP}\n",
        },
        message=f"{_NO_PROCESSES}: add web: `{_APP}` (inferred from the WSGI application `app` in app.py)",
    ),
    _converts(
        "Procfile converted with its comments, quoted commands kept exactly",
        "# the web front end\nweb: gunicorn wsgi -b :$PORT --access-logformat '%(h)s \"%(r)s\" %(s)s'\n"
        'worker: "python worker.py --tag #1"  # queue consumer\n'
        "# beat: python manage.py celery beat -l info\n",
        {
            "app_desc.yaml": _V2
            + "  processes:\n    # the web front end\n    web:\n      command: "
            "gunicorn wsgi -b :$PORT --access-logformat '%(h)s \"%(r)s\" %(s)s'\n"
            "    worker:\n      command: 'python worker.py --tag #1'  # queue consumer\n"
            "    # beat: python manage.py celery beat -l info\n",
        },
        needs="gunicorn==19.6.0\n",
        message="Procfile defines the processes (web, worker); app_desc.yaml is the recommended "
        "definition: write them to app_desc.yaml unchanged and remove the Procfile",
        path="Procfile",
    ),
    _converts(
        "keep_procfile keeps the Procfile",
        "web: gunicorn app:app -b :$PORT\n",
        {
            "Procfile": "web: gunicorn app:app -b :$PORT\n",
            "app_desc.yaml": _desc(web="gunicorn app:app -b :$PORT"),
        },
        options={"keep_procfile": True},
        message="and keep the Procfile (keep_procfile)",
    ),
    _procfile(
        "process names the platform refuses",
        "Web: gunicorn app:app -b :$PORT\ncelery_worker: celery -A app worker\n",
        message="the platform refuses the process name 'Web'",
        line=1,
    ),
    _procfile(
        "Procfile that is not YAML",
        "web: gunicorn app:app -b :$PORT\n  --access-logformat '%(h)s: %(r)s'\n",
        message="Procfile cannot be read as YAML (mapping values are not allowed here)",
        line=2,
    ),
    _procfile("empty Procfile", "\n", message="Procfile is empty", line=1),
    Example.manual(
        "Node.js application without a process definition",
        {
            "package.json": '{"name": "site", "scripts": {"start": "node index.js"}}\n',
            "index.js": "require('http').createServer().listen(process.env.PORT)\n",
        },
        message="paasfix infers start commands only for Python applications and this looks like NodeJS",
    ),
    Example.fixed(
        "the build directory's Procfile stays when a root one would replace it",
        _KEPT,
        {**_KEPT, "src/app_desc.yaml": _desc(web="gunicorn app:app")},
        build_dir="src",
        path="src/Procfile",
        message="keep src/Procfile, because removing it would bring Procfile into use",
    ),
    _procfile(
        "a kept Procfile whose commands app_desc.yaml would trim is not converted",
        "web: ' gunicorn app:app '\n",
        options={"keep_procfile": True},
        path="Procfile",
        message="would find web different",
    ),
    *(
        Example.clean(name, files)
        for name, files in (
            (
                "a Procfile line YAML cannot load is fix-procfile-yaml's concern",
                {**_GUNICORN, "Procfile": "web: gunicorn app:app -b :$PORT\n" + _PRINT},
            ),
            ("app_desc.yaml with processes", {**_FLASK, "app_desc.yaml": _SERVED}),
            (
                "app_desc.yaml and a Procfile (conflicts are for another fixer)",
                {**_FLASK, "Procfile": "web: gunicorn app:app -w 4\n", "app_desc.yaml": _SERVED},
            ),
            (
                "app_desc.yaml without processes next to a Procfile that supplies them",
                {**_FLASK, "Procfile": "web: gunicorn app:app\n", "app_desc.yaml": _V2},
            ),
            (
                "an app_desc.yaml that does not load is another fixer's",
                {
                    "requirements.txt": "Flask\ngunicorn\n",
                    "app.py": _FLASK_APP,
                    "app_desc.yaml": "module: [\n",
                },
            ),
        )
    ),
)
