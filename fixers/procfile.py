"""fix-procfile: give the build directory a process definition that the platform accepts (how
the processes are inferred is :mod:`paasfix.python_apps.process_inference`, how app_desc.yaml is written
:mod:`paasfix.platform.appdesc_render`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from paasfix.core.text import new_text_file
from paasfix.core.tree import join
from paasfix.fixer import ERROR, INFO, SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.platform import rules
from paasfix.platform.appdesc_render import (
    compared_apart,
    describes,
    processes_snippet,
    render_app_desc,
    simple_module,
    with_processes,
)
from paasfix.platform.procfile_layout import read_layout
from paasfix.platform.procfile_lines import ProcfileLines
from paasfix.project import PYTHON_MARKERS, Project, YamlFile
from paasfix.python_apps.django import CannotInfer
from paasfix.python_apps.process_inference import BIND, AppBelow, Inference, guess_language, infer

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

    # -- a Procfile ---------------------------------------------------------------------------

    def _procfile(
        self, project: Project, procfile: YamlFile, converts: bool
    ) -> Iterator[Finding[Edits]]:
        if not procfile.loaded and ProcfileLines.of(procfile.file.text).misread():
            return  # fix-procfile-yaml repairs those lines or says which ones to quote
        problems = list(self._procfile_problems(procfile))
        if (
            problems
            or not converts
            or not all(isinstance(command, str) for command in procfile.data.values())
        ):
            yield from problems
            return
        yield self._conversion(project, procfile)

    def _procfile_problems(self, procfile: YamlFile) -> Iterator[Finding[Edits]]:
        path = procfile.path
        if procfile.problem is not None:
            yield self.manual(
                f"{path} cannot be read as YAML ({procfile.problem.message}), and the platform "
                "reads the Procfile as YAML, so the deploy fails. Quote the command on that line "
                "(needed when it contains ': ' or ' #', or starts with a quote, *, &, [ or {)",
                path,
                procfile.problem.line,
            )
            return
        if not isinstance(procfile.data, dict):
            what = "is empty" if procfile.data is None else "is not a list of `name: command` lines"
            yield self.manual(
                f"{path} {what}; write one `name: command` line per process, with a "
                f"space after the colon, e.g. `web: gunicorn wsgi {BIND}`",
                path,
                1,
            )
            return
        layout = read_layout(procfile.file.text)
        lines: dict[str, list[int]] = {}
        for name, line in layout.keys if layout else []:
            lines.setdefault(repr(name), []).append(line)
        misread = {entry.name for entry, _ in ProcfileLines.of(procfile.file.text).misread()}
        for problem in rules.procfile_problems(procfile.data):
            if problem.kind == "command" and problem.where in misread:
                continue  # fix-procfile-yaml repairs that command or says how to quote it
            yield self._name_problem(path, problem, procfile.data, lines)
        for name, at in lines.items():
            if len(at) > 1:
                yield self.manual(
                    f"{path} defines the process {name} {len(at)} times (lines "
                    f"{', '.join(map(str, at))}); the platform silently keeps only the last one. "
                    "Delete the others or give them their own names",
                    path,
                    at[0],
                    severity=WARNING,
                )

    def _name_problem(
        self,
        path: str,
        problem: rules.Problem,
        data: dict[Any, Any],
        lines: dict[str, list[int]],
    ) -> Finding[Edits]:
        name = next((key for key in data if str(key) == problem.where), problem.where)
        line = lines.get(repr(name), [None])[-1]
        if problem.kind == "process-count":
            return self.manual(
                f"{path}: {problem.message}; move the extra processes to another "
                "module or merge them",
                path,
            )
        if problem.kind == "command":
            return self.manual(
                f"{path}: the process {name!r}: {problem.message}; give it a command", path, line
            )
        if not isinstance(name, str):
            return self.manual(
                f"{path}: YAML reads the process name {name!r} as "
                f"{type(name).__name__}, not as a name; choose a name with a "
                "lower-case letter in it",
                path,
                line,
            )
        message = (
            f"{path}: the platform refuses the process name {name!r}: names use only "
            f"lower-case letters, digits and '-', start with a letter or digit, and have at "
            f"most {rules.PROC_NAME_MAX} characters"
        )
        suggestion = _suggested_name(name)
        if suggestion and suggestion not in data:
            message += f" (for example {suggestion!r})"
        return self.manual(message + "; rename it here and wherever it is referred to", path, line)

    def _conversion(self, project: Project, procfile: YamlFile) -> Finding[Edits]:
        processes: dict[str, str] = procfile.data
        layout = read_layout(procfile.file.text)
        text = render_app_desc(
            processes, guess_language(project), layout.comments if layout else None
        )
        target = join(posixpath.dirname(procfile.path), APP_DESC)
        if not describes(text, processes):
            return self.manual(
                f"{procfile.path} could not be written as an equivalent {APP_DESC}; "
                "move its processes to app_desc.yaml by hand",
                procfile.path,
                severity=INFO,
            )
        written = Edit(target, new_text_file(text, procfile.file.newline))
        names = ", ".join(processes)
        message = (
            f"{procfile.path} defines the processes ({names}); app_desc.yaml is the "
            f"recommended definition: write them to {target} unchanged"
        )
        fallback = rules.PROCFILE_NAME
        if self.settings["keep_procfile"]:
            kept = " and keep the Procfile (keep_procfile)"
        elif procfile.path != fallback and project.is_file(fallback):
            kept = f" and keep {procfile.path}, because removing it would bring {fallback} into use"
        else:
            return self.finding(
                message + " and remove the Procfile",
                procfile.path,
                severity=INFO,
                plan=(written, Edit(procfile.path, None)),
            )
        apart = compared_apart(text, processes)
        if apart:
            return self.manual(
                f"{procfile.path} defines the processes ({names}); app_desc.yaml is the "
                f"recommended definition, but next to the kept Procfile the platform would find "
                f"{', '.join(apart)} different in the two (it removes the blanks around "
                "app_desc.yaml's commands, not around the Procfile's) and refuse the deploy. "
                f"Remove those blanks from {procfile.path}, then paasfix writes {target}",
                procfile.path,
                severity=INFO,
            )
        return self.finding(message + kept, procfile.path, severity=INFO, plan=(written,))

    # -- app_desc.yaml without processes, or nothing at all -----------------------------------

    def _desc_without_processes(self, project: Project, desc: YamlFile) -> Finding[Edits]:
        problem = (
            f"{desc.path} defines no processes and there is no Procfile, so the platform "
            "has nothing to run"
        )
        try:
            inference = infer(project)
        except AppBelow as why:
            return self.manual(f"{problem}; {_app_below(why)}", desc.path)
        except CannotInfer as why:
            return self.manual(
                f"{problem}; {why}. Add processes to the module; in the "
                "spec_version 2 form:\n\n" + _snippet(project),
                desc.path,
            )
        text = (
            with_processes(desc.file.text, desc.data, inference.processes)
            if simple_module(desc.data) is not None
            else None
        )
        if text is None:
            return self.manual(
                f"{problem}. Add processes to the module; in the spec_version 2 "
                "form:\n\n" + processes_snippet(inference.processes),
                desc.path,
            )
        return self.finding(
            f"{problem}: add {_describe(inference)}",
            desc.path,
            plan=(Edit(desc.path, desc.file.encode(text)),),
        )

    def _no_definition(self, project: Project) -> Finding[Edits]:
        target = project.path(APP_DESC)
        problem = (
            "the build directory has no process definition (no Procfile and no "
            "app_desc.yaml), so the deploy fails with 'the procfile data is empty'"
        )
        language = guess_language(project)
        if language != "Python":
            return self.manual(
                f"{problem}; paasfix infers start commands only for Python "
                f"applications and this looks like {language}. Create {target} "
                "like this, with your start command:\n\n"
                + render_app_desc(OTHER_TEMPLATE, language).rstrip(),
                target,
            )
        try:
            inference = infer(project)
        except AppBelow as why:
            return self.manual(f"{problem}; {_app_below(why)}", target)
        except CannotInfer as why:
            return self.manual(
                f"{problem}; {why}. Create {target} like this, with the command "
                "that starts your web server:\n\n" + render_app_desc(PYTHON_TEMPLATE).rstrip(),
                target,
            )
        text = render_app_desc(inference.processes)
        return self.finding(
            f"{problem}: write {target} with {_describe(inference)}",
            target,
            plan=(Edit(target, new_text_file(text)),),
        )


APP_DESC = "app_desc.yaml"
PYTHON_TEMPLATE = {"web": f"gunicorn <module>:<app> {BIND}"}
OTHER_TEMPLATE = {"web": "<the command that starts your web server on $PORT>"}


def _snippet(project: Project) -> str:
    """The processes to complete by hand, for the application's language."""
    return processes_snippet(
        PYTHON_TEMPLATE if guess_language(project) == "Python" else OTHER_TEMPLATE
    )


def _describe(inference: Inference) -> str:
    processes = "; ".join(f"{name}: `{command}`" for name, command in inference.processes.items())
    notes = "".join(f". Note: {note}" for note in inference.notes)
    return f"{processes} (inferred from {inference.basis}){notes}"


def _app_below(why: AppBelow) -> str:
    return (
        f"the build directory has no {', '.join(PYTHON_MARKERS[:-1])} or "
        f"{PYTHON_MARKERS[-1]}, so the build fails before any process starts, and {why}. Set "
        f"the module's build directory to '{why.directory}' (see fix-unable-select-buildpack) "
        f"and run paasfix with `--build-dir {why.directory}`; it then writes the process "
        "definition there"
    )


def _suggested_name(name: str) -> str | None:
    """The name in the platform's alphabet, when that alone makes it valid."""
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return text if text and not rules.proc_name_problems(text, "") else None


# -- examples ------------------------------------------------------------------------------------

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


def _desc(**processes: str) -> str:
    """The app_desc.yaml written for these processes (commands that YAML reads plain)."""
    return "spec_version: 2\nmodule:\n  language: Python\n  processes:\n" + "".join(
        f"    {name}:\n      command: {command}\n" for name, command in processes.items()
    )


def _writes(
    name: str,
    files: dict[str, str],
    processes: dict[str, str],
    *,
    build_dir: str = "",
    message: str | None = None,
    path: str | None = None,
) -> Example:
    """An example where fix-procfile writes app_desc.yaml with ``processes`` next to ``files``."""
    target = f"{build_dir}/app_desc.yaml" if build_dir else "app_desc.yaml"
    return Example.fixed(
        name,
        files,
        {**files, target: _desc(**processes)},
        build_dir=build_dir,
        message=message,
        path=path,
    )


def _refused(name: str, procfile: str, message: str, line: int | None = None) -> Example:
    """An example where the platform refuses the Procfile and paasfix says what to change."""
    return Example.manual(
        name,
        {"requirements.txt": "gunicorn\n", "Procfile": procfile},
        message=message,
        path="Procfile",
        line=line,
    )


_WSGI = (
    "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
)


def _django(settings: str = "mysite.settings", where: str = "") -> dict[str, str]:
    """A minimal Django project with its manage.py in ``where``."""
    package, prefix = settings.split(".")[0], f"{where}/" if where else ""
    return {
        "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\n",
        f"{prefix}manage.py": _MANAGE_PY.replace("mysite.settings", settings),
        f"{prefix}{package}/__init__.py": "",
        f"{prefix}{package}/settings.py": "DEBUG = False\n",
        f"{prefix}{package}/wsgi.py": _WSGI,
    }


_WEB = "gunicorn mysite.wsgi -b :$PORT --log-file -"
_SRC_WEB = "gunicorn --chdir src mysite.wsgi -b :$PORT --log-file -"
_APP_WEB = "gunicorn app:app -b :$PORT --log-file -"
_MINIMAL_FLASK = "from flask import Flask\n\napp = Flask(__name__)\n"
_BELOW = {f"src/{path}": text for path, text in _django().items()}
_BELOW_ADVICE = (
    "the build directory has no requirements.txt, setup.py or Pipfile, so the build fails before "
    "any process starts, and the application seems to live in src/ (src/manage.py). Set the "
    "module's build directory to 'src' (see fix-unable-select-buildpack) and run paasfix with "
    "`--build-dir src`; it then writes the process definition there"
)
_BLUEAPPS_LAYOUT = {
    "manage.py": _MANAGE_PY.replace("mysite.settings", "settings"),
    "settings.py": "import os\n",
    "wsgi.py": _WSGI,
    "config/__init__.py": "",
}
_MINIMAL_APP = {"requirements.txt": "Flask\ngunicorn\n", "app.py": _MINIMAL_FLASK}
_CRLF_DESC = 'spec_version: 2\r\napp_version: "1.0"\r\nmodule:\r\n  language: python\r\n'
_COMMENTED = (
    "# processes\nweb: gunicorn app:app  # serves HTTP\n\n  # indented note\n"
    "job: |\n  # this line is part of the command\n  python job.py\n# the end\n"
)
_WSGI_WEB = "gunicorn wsgi -b :$PORT --log-file -"
_SETTINGS_PACKAGE = {
    **{
        path: text
        for path, text in _django("config.settings.production").items()
        if path != "config/settings.py"
    },
    "config/settings/__init__.py": "",
    "config/settings/base.py": 'WSGI_APPLICATION = "config.wsgi.application"\n',
    "config/settings/production.py": "from .base import *  # noqa\n",
}
_OWN_NAME = {
    **_django(),
    "requirements.txt": "Django\ngunicorn\ncelery==5.3.6\n",
    "mysite/celery.py": "from celery import Celery\n\ntasks = Celery('mysite')\n"
    "tasks.conf.beat_schedule = {}\n",
}
_CELERY_IN_SRC = {
    **_django(where="src"),
    "requirements.txt": "Django\ngunicorn\ncelery\n",
    "src/mysite/celery.py": "import celery\n\napp = celery.Celery('mysite')\n"
    "app.conf.update(beat_schedule={'a': {'task': 't'}})\n",
}
_BLUEAPPS_OFF = {
    **_BLUEAPPS_LAYOUT,
    "requirements.txt": "Django==1.11.29\ncelery==3.1.25\ndjango-celery==3.2.2\ngunicorn\n",
    "config/default.py": "IS_USE_CELERY = False\nCELERYBEAT_SCHEDULE = {'a': {}}\n",
}
_BLUEAPPS_4 = {
    **_BLUEAPPS_LAYOUT,
    "requirements.txt": "blueapps[opentelemetry]==4.4.5\ncelery==4.4.7\ngunicorn\n",
    "config/default.py": "IS_USE_CELERY = True\nCELERY_IMPORTS = ('home.tasks',)\n",
}
_FACTORY = {
    "requirements.txt": "Flask\ngunicorn\n",
    "wsgi.py": "from shop import create_app\n\napp = create_app()\n",
    "shop/__init__.py": "from flask import Flask\n\n\ndef create_app():\n"
    "    return Flask('shop')\n",
}
_REEXPORT = {
    "requirements.txt": "Flask\ngunicorn\n",
    "app.py": _MINIMAL_FLASK,
    "wsgi.py": "from app import app\n\napplication = app\n",
}
_FLASK_CELERY = {
    "requirements.txt": "Flask\ncelery\n",
    "app.py": _MINIMAL_FLASK
    + "from celery import Celery\n\ncelery = Celery(app.name)\n"
    + "celery.conf.CELERYBEAT_SCHEDULE = {'ping': {'task': 'ping', 'schedule': 60}}\n",
}
_FLASK_SCRIPT = {
    "requirements.txt": "Flask\nFlask-Script\ngunicorn\n",
    "app.py": _MINIMAL_FLASK,
    "manage.py": "from flask_script import Manager\nfrom app import app\n\n"
    "manager = Manager(app)\n",
}


FixProcfile.examples = (
    Example.fixed(
        "Django project as startproject makes it",
        _DJANGO,
        {
            **_DJANGO,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
            "      command: gunicorn mysite.wsgi -b :$PORT --log-file -\n",
        },
        message="so the deploy fails with 'the procfile data is empty': write app_desc.yaml with "
        "web: `gunicorn mysite.wsgi -b :$PORT --log-file -`",
        path="app_desc.yaml",
    ),
    Example.fixed(
        "Django project with manage.py in src/",
        _DJANGO_IN_SRC,
        {
            **_DJANGO_IN_SRC,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
            "      command: gunicorn --chdir src mysite.wsgi -b :$PORT --log-file -\n",
        },
    ),
    Example.fixed(
        "Django project in the build directory src",
        {f"src/{path}": text for path, text in _DJANGO.items()},
        {
            **{f"src/{path}": text for path, text in _DJANGO.items()},
            "src/app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
            "      command: gunicorn mysite.wsgi -b :$PORT --log-file -\n",
        },
        build_dir="src",
    ),
    Example.fixed(
        "Django with a Celery app and a beat schedule",
        _DJANGO_CELERY,
        {
            **_DJANGO_CELERY,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            "    web:\n      command: gunicorn mysite.wsgi -b :$PORT --log-file -\n"
            "    worker:\n      command: celery -A mysite worker -l info\n"
            "    beat:\n      command: celery -A mysite beat -l info\n",
        },
        message="worker: `celery -A mysite worker -l info`; beat: `celery -A mysite beat -l info`",
    ),
    Example.fixed(
        "BlueKing framework (blueapps) layout with django-celery",
        _BLUEAPPS,
        {
            **_BLUEAPPS,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            "    web:\n      command: gunicorn wsgi -b :$PORT --log-file -\n"
            "    worker:\n      command: python manage.py celery worker -l info\n"
            "    beat:\n      command: python manage.py celery beat -l info\n",
        },
    ),
    Example.fixed(
        "Flask application",
        _FLASK,
        {
            **_FLASK,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
            "      command: gunicorn app:app -b :$PORT --log-file -\n",
        },
    ),
    Example.fixed(
        "app_desc.yaml without processes gets them, the rest kept",
        {
            **_FLASK,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  # settings for every environment\n"
            "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n",
        },
        {
            **_FLASK,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  # settings for every environment\n"
            "  env_variables:\n    - key: LOG_LEVEL\n      value: INFO\n"
            "  processes:\n    web:\n      command: gunicorn app:app -b :$PORT --log-file -\n",
        },
        message="app_desc.yaml defines no processes and there is no Procfile, so the platform has "
        "nothing to run: add web: `gunicorn app:app -b :$PORT --log-file -` (inferred from "
        "the WSGI application `app` in app.py)",
    ),
    Example.fixed(
        "Procfile converted with its comments, quoted commands kept exactly",
        {
            "requirements.txt": "gunicorn==19.6.0\n",
            "Procfile": "# the web front end\n"
            "web: gunicorn wsgi -b :$PORT --access-logformat '%(h)s \"%(r)s\" %(s)s'\n"
            'worker: "python worker.py --tag #1"  # queue consumer\n'
            "# beat: python manage.py celery beat -l info\n",
        },
        {
            "requirements.txt": "gunicorn==19.6.0\n",
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            "    # the web front end\n"
            "    web:\n      command: gunicorn wsgi -b :$PORT "
            "--access-logformat '%(h)s \"%(r)s\" %(s)s'\n"
            "    worker:\n      command: 'python worker.py --tag #1'  # queue consumer\n"
            "    # beat: python manage.py celery beat -l info\n",
        },
        message="Procfile defines the processes (web, worker); app_desc.yaml is the recommended "
        "definition: write them to app_desc.yaml unchanged and remove the Procfile",
        path="Procfile",
    ),
    Example.fixed(
        "CRLF Procfile gives a CRLF app_desc.yaml",
        {"requirements.txt": "gunicorn\r\n", "Procfile": "web: gunicorn app:app -b :$PORT\r\n"},
        {
            "requirements.txt": "gunicorn\r\n",
            "app_desc.yaml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n  processes:\r\n    web:\r\n"
            "      command: gunicorn app:app -b :$PORT\r\n",
        },
    ),
    Example.fixed(
        "keep_procfile keeps the Procfile",
        {"requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app -b :$PORT\n"},
        {
            "requirements.txt": "gunicorn\n",
            "Procfile": "web: gunicorn app:app -b :$PORT\n",
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            "    web:\n      command: gunicorn app:app -b :$PORT\n",
        },
        options={"keep_procfile": True},
        message="and keep the Procfile (keep_procfile)",
    ),
    Example.fixed(
        "Procfile at the repository root, build directory src",
        {"src/requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app -b :$PORT\n"},
        {
            "src/requirements.txt": "gunicorn\n",
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
            "    web:\n      command: gunicorn app:app -b :$PORT\n",
        },
        build_dir="src",
    ),
    Example.manual(
        "process names the platform refuses",
        {
            "requirements.txt": "gunicorn\n",
            "Procfile": "Web: gunicorn app:app -b :$PORT\ncelery_worker: celery -A app worker\n",
        },
        message="the platform refuses the process name 'Web'",
        line=1,
    ),
    Example.manual(
        "Procfile that is not YAML",
        {
            "requirements.txt": "gunicorn\n",
            "Procfile": "web: gunicorn app:app -b :$PORT\n  --access-logformat '%(h)s: %(r)s'\n",
        },
        message="Procfile cannot be read as YAML (mapping values are not allowed here)",
        line=2,
    ),
    Example.clean(
        "a Procfile line YAML cannot load is fix-procfile-yaml's concern",
        {
            "requirements.txt": "gunicorn\n",
            "Procfile": "web: gunicorn app:app -b :$PORT\nbackup: python -c \"print('a: b')\"\n",
        },
    ),
    Example.manual(
        "empty Procfile",
        {"requirements.txt": "gunicorn\n", "Procfile": "\n"},
        message="Procfile is empty",
        line=1,
    ),
    Example.manual(
        "Node.js application without a process definition",
        {
            "package.json": '{"name": "site", "scripts": {"start": "node index.js"}}\n',
            "index.js": "require('http').createServer().listen(process.env.PORT)\n",
        },
        message="paasfix infers start commands only for Python applications and this looks like "
        "NodeJS",
    ),
    Example.manual(
        "two modules that both serve a WSGI app",
        {**_FLASK, "main.py": _FLASK_APP},
        message="both app.py and main.py define a WSGI application",
    ),
    Example.manual(
        "FastAPI is not a WSGI application",
        {
            "requirements.txt": "fastapi\ngunicorn\n",
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        },
        message="main.py serves an ASGI application",
    ),
    Example.manual(
        "manage.py that does not parse",
        {**_DJANGO, "manage.py": "import os\nif True\n    pass\n"},
        message="manage.py does not parse as Python",
    ),
    Example.manual(
        "Django project in src/ with its requirements.txt there, not in the build directory",
        {
            **{path: text for path, text in _DJANGO_IN_SRC.items() if path != "requirements.txt"},
            "src/requirements.txt": _DJANGO_IN_SRC["requirements.txt"],
        },
    ),
    Example.clean(
        "app_desc.yaml with processes",
        {
            **_FLASK,
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
            "  processes:\n    web:\n"
            "      command: gunicorn app:app\n",
        },
    ),
    Example.clean(
        "app_desc.yaml and a Procfile (conflicts are for another fixer)",
        {
            **_FLASK,
            "Procfile": "web: gunicorn app:app -w 4\n",
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
            "  processes:\n    web:\n      command: gunicorn app:app\n",
        },
    ),
    Example.clean(
        "app_desc.yaml without processes next to a Procfile that supplies them",
        {
            **_FLASK,
            "Procfile": "web: gunicorn app:app\n",
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n",
        },
    ),
    _writes(
        "the WSGI module by convention when the settings do not name it",
        _django(),
        {"web": _WEB},
        message="write app_desc.yaml with web: `gunicorn mysite.wsgi -b "
        ":$PORT --log-file -` (inferred from manage.py and its settings module "
        "`mysite.settings`)",
        path="app_desc.yaml",
    ),
    _writes(
        "a settings package whose base module names the WSGI application",
        _SETTINGS_PACKAGE,
        {"web": "gunicorn config.wsgi -b :$PORT --log-file -"},
    ),
    _writes(
        "manage.py in a subdirectory of the build directory",
        {f"app/{path}": text for path, text in _django(where="src").items()},
        {"web": _SRC_WEB},
        build_dir="app",
        path="app/app_desc.yaml",
    ),
    Example.manual(
        "an application below a build directory without a dependency file gets no guess",
        _BELOW,
        path="app_desc.yaml",
        message="the build directory has no process definition (no Procfile and no "
        "app_desc.yaml), so the deploy fails with 'the procfile data is empty'; " + _BELOW_ADVICE,
    ),
    Example.manual(
        "an application below a build directory without a dependency file, app_desc.yaml there",
        {**_BELOW, "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"},
        path="app_desc.yaml",
        message="app_desc.yaml defines no processes and there is no Procfile, so the platform "
        "has nothing to run; " + _BELOW_ADVICE,
    ),
    _writes(
        "the shallowest manage.py wins",
        {
            **_django(where="src"),
            "src/tools/other/manage.py": _MANAGE_PY.replace("mysite.settings", "other.settings"),
        },
        {"web": _SRC_WEB},
    ),
    Example.manual(
        "two manage.py at the same depth are not guessed",
        {**_django(where="one"), **_django(where="two")},
        message="(one/manage.py, two/manage.py), so paasfix cannot tell which is the application. "
        "Create app_desc.yaml like this, with the command that starts your web server:\n\n"
        "spec_version: 2\nmodule:\n  language: Python\n",
    ),
    Example.manual(
        "manage.py deeper than the build looks is ignored",
        {
            **{f"a/b/c/{path}": text for path, text in _django().items()},
            "requirements.txt": "Django\n",
        },
        message="found neither a Django project",
    ),
    Example.manual(
        "settings chosen at run time are not guessed",
        {
            **_django(),
            "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
            'os.environ.get("ENV_SETTINGS", "mysite.settings"))\n',
        },
        message="computes DJANGO_SETTINGS_MODULE at run time",
    ),
    Example.manual(
        "a WSGI module without an application is not guessed",
        {**_django(), "mysite/wsgi.py": "import os\n"},
        message="found no WSGI `application` for the settings mysite.settings (looked in "
        "mysite/wsgi.py, wsgi.py)",
    ),
    _writes(
        "a Celery app with its own name and an empty beat schedule",
        _OWN_NAME,
        {"web": _WEB, "worker": "celery -A mysite.celery:tasks worker -l info"},
    ),
    _writes(
        "Celery in a subdirectory runs from there and finds the beat schedule",
        _CELERY_IN_SRC,
        {
            "web": _SRC_WEB,
            "worker": "celery --workdir src -A mysite worker -l info",
            "beat": "celery --workdir src -A mysite beat -l info",
        },
    ),
    _writes(
        "celery without a Celery app gives only web, and says so",
        {**_django(), "requirements.txt": "Django\ngunicorn\ncelery\n"},
        {"web": _WEB},
        message="Note: celery is a requirement but paasfix found no Celery app",
    ),
    _writes("the BlueKing framework's switch turns celery off", _BLUEAPPS_OFF, {"web": _WSGI_WEB}),
    _writes(
        "the BlueKing framework with Celery 4 uses the framework's app",
        _BLUEAPPS_4,
        {"web": _WSGI_WEB, "worker": "celery -A blueapps.core.celery worker -l info"},
    ),
    _writes(
        "a Flask factory behind wsgi.py",
        _FACTORY,
        {"web": "gunicorn wsgi:app -b :$PORT --log-file -"},
    ),
    _writes("a re-exported app is one candidate", _REEXPORT, {"web": _APP_WEB}),
    _writes(
        "Flask with a Celery app, and a note about gunicorn",
        _FLASK_CELERY,
        {
            "web": _APP_WEB,
            "worker": "celery -A app:celery worker -l info",
            "beat": "celery -A app:celery beat -l info",
        },
        message="Note: gunicorn is not in requirements.txt",
    ),
    Example.manual(
        "an app created only under the main guard is not served",
        {
            "requirements.txt": "Flask\n",
            "app.py": "from flask import Flask\n\n"
            "if __name__ == '__main__':\n    app = Flask(__name__)\n",
        },
        message="found neither a Django project (manage.py) nor a WSGI `app`",
    ),
    _writes("a Flask-Script manage.py is not Django", _FLASK_SCRIPT, {"web": _APP_WEB}),
    Example.manual(
        "a candidate module that does not parse is not guessed",
        {"requirements.txt": "Flask\n", "app.py": _MINIMAL_FLASK, "main.py": "def broken(:\n"},
        message="main.py does not parse",
    ),
    Example.fixed(
        "processes are added to a CRLF app_desc.yaml",
        {**_MINIMAL_APP, "app_desc.yaml": _CRLF_DESC},
        {
            **_MINIMAL_APP,
            "app_desc.yaml": _CRLF_DESC + "  processes:\r\n    web:\r\n"
            f"      command: {_APP_WEB}\r\n",
        },
    ),
    Example.manual(
        "a description with several modules gets instructions",
        {
            **_MINIMAL_APP,
            "app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    language: Python\n",
        },
        message=f"    web:\n      command: {_APP_WEB}",
    ),
    Example.manual(
        "a specVersion 3 description gets instructions",
        {
            **_MINIMAL_APP,
            "app_desc.yaml": "specVersion: 3\nmodule:\n  name: default\n"
            "  language: Python\n  spec: {}\n",
        },
        message=f"    web:\n      command: {_APP_WEB}",
    ),
    Example.clean(
        "an app_desc.yaml that does not load is another fixer's",
        {**_MINIMAL_APP, "app_desc.yaml": "module: [\n"},
    ),
    Example.fixed(
        "Procfile comments are carried over, but not the content of a block",
        {"requirements.txt": "gunicorn\n", "Procfile": _COMMENTED},
        {
            "requirements.txt": "gunicorn\n",
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    # processes\n"
            "    web:\n      command: gunicorn app:app  # serves HTTP\n    # indented note\n"
            '    job:\n      command: "# this line is part of the command\\npython job.py\\n"\n'
            "    # the end\n",
        },
    ),
    Example.fixed(
        "the build directory's Procfile stays when a root one would replace it",
        {
            "src/requirements.txt": "gunicorn\n",
            "src/Procfile": "web: gunicorn app:app\n",
            "Procfile": "web: python old.py\n",
        },
        {
            "src/requirements.txt": "gunicorn\n",
            "src/Procfile": "web: gunicorn app:app\n",
            "Procfile": "web: python old.py\n",
            "src/app_desc.yaml": _desc(web="gunicorn app:app"),
        },
        build_dir="src",
        path="src/Procfile",
        message="keep src/Procfile, because removing it would bring Procfile into use",
    ),
    Example.fixed(
        "a Node.js Procfile is converted with its language",
        {"package.json": "{}\n", "Procfile": "web: npm start\n"},
        {
            "package.json": "{}\n",
            "app_desc.yaml": _desc(web="npm start").replace("Python", "NodeJS"),
        },
    ),
    _refused(
        "too many processes", "".join(f"p{n}: run {n}\n" for n in range(17)), "maximum 16 processes"
    ),
    _refused(
        "a Procfile line without a blank after the colon",
        "web:gunicorn app:app\n",
        "is not a list of `name: command` lines",
        line=1,
    ),
    _refused(
        "a Procfile line without a colon",
        "web: gunicorn app:app\nworker celery worker\n",
        "cannot be read as YAML",
        line=3,
    ),
    _refused(
        "a Procfile command continued with a key on the next line",
        "web: gunicorn app:app\n  --bind: 0.0.0.0\n",
        "cannot be read as YAML",
        line=2,
    ),
    _refused(
        "a Procfile process without a command",
        "web: gunicorn app:app\nworker:\n",
        "must be a string, not null",
        line=2,
    ),
    _refused("a Procfile of blanks", "   \n", "is empty", line=1),
    Example.clean(
        "a Procfile line without a blank after the colon among others is fix-procfile-yaml's",
        {
            "requirements.txt": "gunicorn\n",
            "Procfile": "web: gunicorn app:app\nworker:celery worker\n",
        },
    ),
    Example.clean(
        "a Procfile command with ': ' is fix-procfile-yaml's",
        {
            "requirements.txt": "gunicorn\n",
            "Procfile": "web: gunicorn app:app\nworker: celery: worker\n",
        },
    ),
    Example.manual(
        "a kept Procfile whose commands app_desc.yaml would trim is not converted",
        {"requirements.txt": "gunicorn\n", "Procfile": "web: ' gunicorn app:app '\n"},
        options={"keep_procfile": True},
        path="Procfile",
        message="would find web different",
    ),
    Example.fixed(
        "a Procfile whose commands app_desc.yaml would trim is converted and removed",
        {"requirements.txt": "gunicorn\n", "Procfile": "web: ' gunicorn app:app '\n"},
        {"requirements.txt": "gunicorn\n", "app_desc.yaml": _desc(web="' gunicorn app:app '")},
    ),
)
