"""How an application starts, read from its code without running it
(paasfix.python_apps.process_inference, the Project's ``process_inference`` fact), and what
fix-procfile makes of each case: every case is also checked as a fix-procfile example."""

from __future__ import annotations

from typing import Union

import pytest
from helpers import make_project
from test_fixers import test_example as keeps_the_example_contract

from paasfix.core.tree import join
from paasfix.fixer import Example
from paasfix.fixers.procfile import FixProcfile
from paasfix.python_apps.django import CannotInfer
from paasfix.python_apps.process_inference import AppBelow, Inference, infer

_MANAGE_PY = (
    '#!/usr/bin/env python\nimport os\nimport sys\n\nif __name__ == "__main__":\n'
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
    "    from django.core.management import execute_from_command_line\n\n"
    "    execute_from_command_line(sys.argv)\n"
)
_WSGI = (
    "from django.core.wsgi import get_wsgi_application\n\napplication = get_wsgi_application()\n"
)
_MINIMAL_FLASK = "from flask import Flask\n\napp = Flask(__name__)\n"
_FLASK_APP = _MINIMAL_FLASK + '\n\n@app.route("/")\ndef index():\n    return "hello"\n'
_FLASK = {"requirements.txt": "Flask==2.2.5\ngunicorn==20.1.0\n", "app.py": _FLASK_APP}
_WEB = "gunicorn mysite.wsgi -b :$PORT --log-file -"
_SRC_WEB = "gunicorn --chdir src mysite.wsgi -b :$PORT --log-file -"
_APP_WEB = "gunicorn app:app -b :$PORT --log-file -"
_WSGI_WEB = "gunicorn wsgi -b :$PORT --log-file -"


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


def _desc(**processes: str) -> str:
    return "spec_version: 2\nmodule:\n  language: Python\n  processes:\n" + "".join(
        f"    {name}:\n      command: {command}\n" for name, command in processes.items()
    )


_STARTPROJECT = {
    **_django(),
    "mysite/settings.py": 'ROOT_URLCONF = "mysite.urls"\nWSGI_APPLICATION = "mysite.wsgi.application"\n',
    "mysite/wsgi.py": "import os\n\n"
    + _WSGI.replace(
        "\n\n", '\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
    ),
}
_BLUEAPPS = {
    "manage.py": _MANAGE_PY.replace("mysite.settings", "settings"),
    "settings.py": "import os\n",
    "wsgi.py": _WSGI,
    "config/__init__.py": "",
}

INFERRED: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "Django with a Celery app and a beat schedule": (
        {
            **_STARTPROJECT,
            "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\ncelery[redis]==5.2.7\n",
            "mysite/celery.py": "import os\n\nfrom celery import Celery\n\n"
            'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
            'app = Celery("mysite")\n'
            'app.config_from_object("django.conf:settings", namespace="CELERY")\n'
            "app.autodiscover_tasks()\n",
            "mysite/settings.py": _STARTPROJECT["mysite/settings.py"] + "CELERY_BEAT_SCHEDULE = {\n"
            "    'expire': {'task': 'orders.tasks.expire', 'schedule': 300.0},\n}\n",
        },
        {
            "web": _WEB,
            "worker": "celery -A mysite worker -l info",
            "beat": "celery -A mysite beat -l info",
        },
    ),
    "manage.py in a subdirectory of the build directory": (
        {f"app/{path}": text for path, text in _django(where="src").items()},
        {"web": _SRC_WEB},
    ),
    "Django project with manage.py in src/": (
        {
            "requirements.txt": "Django==4.2.16\ngunicorn==22.0.0\n",
            **{f"src/{path}": text for path, text in _STARTPROJECT.items() if "/" in path},
            "src/manage.py": _MANAGE_PY,
        },
        {"web": _SRC_WEB},
    ),
    "Django project in the build directory src": (
        {f"src/{path}": text for path, text in _STARTPROJECT.items()},
        {"web": _WEB},
    ),
    "BlueKing framework (blueapps) layout with django-celery": (
        {
            **_BLUEAPPS,
            "requirements.txt": "Django==1.11.29\ncelery==3.1.25\ndjango-celery==3.2.2\n"
            "gunicorn==19.6.0\n",
            "settings.py": "import os\n\nENVIRONMENT = os.environ.get('BKPAAS_ENVIRONMENT', 'dev')\n"
            "DJANGO_CONF_MODULE = 'config.' + ENVIRONMENT\n",
            "wsgi.py": _STARTPROJECT["mysite/wsgi.py"].replace("mysite.settings", "settings"),
            "config/default.py": "from celery.schedules import crontab\n\nIS_USE_CELERY = True\n"
            "CELERYBEAT_SCHEDULE = {\n    'sync': {'task': 'home.tasks.sync', "
            "'schedule': crontab(minute='*/5')},\n}\n",
        },
        {
            "web": _WSGI_WEB,
            "worker": "python manage.py celery worker -l info",
            "beat": "python manage.py celery beat -l info",
        },
    ),
    "the WSGI module by convention when the settings do not name it": (_django(), {"web": _WEB}),
    "a settings package whose base module names the WSGI application": (
        {
            **{
                path: text
                for path, text in _django("config.settings.production").items()
                if path != "config/settings.py"
            },
            "config/settings/__init__.py": "",
            "config/settings/base.py": 'WSGI_APPLICATION = "config.wsgi.application"\n',
            "config/settings/production.py": "from .base import *  # noqa\n",
        },
        {"web": "gunicorn config.wsgi -b :$PORT --log-file -"},
    ),
    "the shallowest manage.py wins": (
        {
            **_django(where="src"),
            "src/tools/other/manage.py": _MANAGE_PY.replace("mysite.settings", "other.settings"),
        },
        {"web": _SRC_WEB},
    ),
    "a Celery app with its own name and an empty beat schedule": (
        {
            **_django(),
            "requirements.txt": "Django\ngunicorn\ncelery==5.3.6\n",
            "mysite/celery.py": "from celery import Celery\n\ntasks = Celery('mysite')\n"
            "tasks.conf.beat_schedule = {}\n",
        },
        {"web": _WEB, "worker": "celery -A mysite.celery:tasks worker -l info"},
    ),
    "Celery in a subdirectory runs from there and finds the beat schedule": (
        {
            **_django(where="src"),
            "requirements.txt": "Django\ngunicorn\ncelery\n",
            "src/mysite/celery.py": "import celery\n\napp = celery.Celery('mysite')\n"
            "app.conf.update(beat_schedule={'a': {'task': 't'}})\n",
        },
        {
            "web": _SRC_WEB,
            "worker": "celery --workdir src -A mysite worker -l info",
            "beat": "celery --workdir src -A mysite beat -l info",
        },
    ),
    "celery without a Celery app gives only web, and says so": (
        {**_django(), "requirements.txt": "Django\ngunicorn\ncelery\n"},
        {"web": _WEB},
    ),
    "the BlueKing framework's switch turns celery off": (
        {
            **_BLUEAPPS,
            "requirements.txt": "Django==1.11.29\ncelery==3.1.25\ndjango-celery==3.2.2\ngunicorn\n",
            "config/default.py": "IS_USE_CELERY = False\nCELERYBEAT_SCHEDULE = {'a': {}}\n",
        },
        {"web": _WSGI_WEB},
    ),
    "the BlueKing framework with Celery 4 uses the framework's app": (
        {
            **_BLUEAPPS,
            "requirements.txt": "blueapps[opentelemetry]==4.4.5\ncelery==4.4.7\ngunicorn\n",
            "config/default.py": "IS_USE_CELERY = True\nCELERY_IMPORTS = ('home.tasks',)\n",
        },
        {"web": _WSGI_WEB, "worker": "celery -A blueapps.core.celery worker -l info"},
    ),
    "a Flask factory behind wsgi.py": (
        {
            "requirements.txt": "Flask\ngunicorn\n",
            "wsgi.py": "from shop import create_app\n\napp = create_app()\n",
            "shop/__init__.py": "from flask import Flask\n\n\ndef create_app():\n"
            "    return Flask('shop')\n",
        },
        {"web": "gunicorn wsgi:app -b :$PORT --log-file -"},
    ),
    "a re-exported app is one candidate": (
        {
            "requirements.txt": "Flask\ngunicorn\n",
            "app.py": _MINIMAL_FLASK,
            "wsgi.py": "from app import app\n\napplication = app\n",
        },
        {"web": _APP_WEB},
    ),
    "Flask with a Celery app, and a note about gunicorn": (
        {
            "requirements.txt": "Flask\ncelery\n",
            "app.py": _MINIMAL_FLASK
            + "from celery import Celery\n\ncelery = Celery(app.name)\n"
            + "celery.conf.CELERYBEAT_SCHEDULE = {'ping': {'task': 'ping', 'schedule': 60}}\n",
        },
        {
            "web": _APP_WEB,
            "worker": "celery -A app:celery worker -l info",
            "beat": "celery -A app:celery beat -l info",
        },
    ),
    "a Flask-Script manage.py is not Django": (
        {
            "requirements.txt": "Flask\nFlask-Script\ngunicorn\n",
            "app.py": _MINIMAL_FLASK,
            "manage.py": "from flask_script import Manager\nfrom app import app\n\n"
            "manager = Manager(app)\n",
        },
        {"web": _APP_WEB},
    ),
}
"""name -> (files, the processes inferred from them)."""
BUILD_DIRS = {
    "Django project in the build directory src": "src",
    "manage.py in a subdirectory of the build directory": "app",
}

_BY_CONVENTION = "the WSGI module by convention when the settings do not name it"
DESCRIBED = {
    "Django with a Celery app and a beat schedule": (
        "worker: `celery -A mysite worker -l info`; beat: `celery -A mysite beat -l info`"
    ),
    _BY_CONVENTION: (
        "web: `gunicorn mysite.wsgi -b :$PORT --log-file -` (inferred from manage.py and its "
        "settings module `mysite.settings`)"
    ),
    "celery without a Celery app gives only web, and says so": (
        "Note: celery is a requirement but paasfix found no Celery app"
    ),
    "Flask with a Celery app, and a note about gunicorn": (
        "Note: gunicorn is not in requirements.txt"
    ),
}
"""What the description of some inferences says (fix-procfile's message carries it)."""
SHOWN = {
    "the WSGI module by convention when the settings do not name it": {
        "message": "write app_desc.yaml with " + DESCRIBED[_BY_CONVENTION],
        "path": "app_desc.yaml",
    },
    "manage.py in a subdirectory of the build directory": {"path": "app/app_desc.yaml"},
}
"""What fix-procfile's finding says where the description alone is not all of it."""

NOT_INFERRED: dict[str, tuple[dict[str, str], str]] = {
    "Django project in src/ with its requirements.txt there, not in the build directory": (
        {
            **{f"src/{path}": text for path, text in _STARTPROJECT.items()},
            "src/requirements.txt": "Django==4.2.16\ngunicorn==22.0.0\n",
        },
        "the application seems to live in src/ (src/manage.py)",
    ),
    "two modules that both serve a WSGI app": (
        {**_FLASK, "main.py": _FLASK_APP},
        "both app.py and main.py define a WSGI application",
    ),
    "FastAPI is not a WSGI application": (
        {
            "requirements.txt": "fastapi\ngunicorn\n",
            "main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        },
        "main.py serves an ASGI application",
    ),
    "manage.py that does not parse": (
        {**_STARTPROJECT, "manage.py": "import os\nif True\n    pass\n"},
        "manage.py does not parse as Python",
    ),
    "manage.py deeper than the build looks is ignored": (
        {
            **{f"a/b/c/{path}": text for path, text in _django().items()},
            "requirements.txt": "Django\n",
        },
        "found neither a Django project",
    ),
    "settings chosen at run time are not guessed": (
        {
            **_django(),
            "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", '
            'os.environ.get("ENV_SETTINGS", "mysite.settings"))\n',
        },
        "computes DJANGO_SETTINGS_MODULE at run time",
    ),
    "a WSGI module without an application is not guessed": (
        {**_django(), "mysite/wsgi.py": "import os\n"},
        "found no WSGI `application` for the settings mysite.settings (looked in "
        "mysite/wsgi.py, wsgi.py)",
    ),
    "an app created only under the main guard is not served": (
        {
            "requirements.txt": "Flask\n",
            "app.py": "from flask import Flask\n\n"
            "if __name__ == '__main__':\n    app = Flask(__name__)\n",
        },
        "found neither a Django project (manage.py) nor a WSGI `app`",
    ),
    "a candidate module that does not parse is not guessed": (
        {"requirements.txt": "Flask\n", "app.py": _MINIMAL_FLASK, "main.py": "def broken(:\n"},
        "main.py does not parse",
    ),
}
"""name -> (files, why nothing is inferred)."""


def _inferred(tmp_path, name: str, files: dict[str, str]) -> Union[Inference, CannotInfer]:
    return make_project(tmp_path, files, BUILD_DIRS.get(name, "")).process_inference


@pytest.mark.parametrize("name", INFERRED)
def test_inferred_processes(tmp_path, name):
    files, processes = INFERRED[name]
    inference = _inferred(tmp_path, name, files)
    assert isinstance(inference, Inference), inference
    assert inference.processes == processes
    assert DESCRIBED.get(name, "") in inference.describe()


@pytest.mark.parametrize("name", NOT_INFERRED)
def test_what_is_not_inferred_says_why(tmp_path, name):
    files, why = NOT_INFERRED[name]
    inference = _inferred(tmp_path, name, files)
    assert isinstance(inference, CannotInfer)
    assert why in str(inference)


def _example(name: str) -> Example:
    if name in NOT_INFERRED:
        files, why = NOT_INFERRED[name]
        return Example.manual(name, files, message=why)
    files, processes = INFERRED[name]
    shown = SHOWN.get(name, {"message": DESCRIBED.get(name)})
    build_dir = BUILD_DIRS.get(name, "")
    after = {**files, join(build_dir, "app_desc.yaml"): _desc(**processes)}
    return Example.fixed(
        name,
        files,
        after,
        build_dir=build_dir,
        message=shown.get("message"),
        path=shown.get("path"),
    )


_BELOW = {f"src/{path}": text for path, text in _django().items()}
_BELOW_ADVICE = (
    "the build directory has no requirements.txt, setup.py or Pipfile, so the build fails before "
    "any process starts, and the application seems to live in src/ (src/manage.py). Set the "
    "module's build directory to 'src' (see fix-unable-select-buildpack) and run paasfix with "
    "`--build-dir src`; it then writes the process definition there"
)
REPORTED = [
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
    Example.manual(
        "two manage.py at the same depth are not guessed",
        {**_django(where="one"), **_django(where="two")},
        message="(one/manage.py, two/manage.py), so paasfix cannot tell which is the application. "
        "Create app_desc.yaml like this, with the command that starts your web server:\n\n"
        "spec_version: 2\nmodule:\n  language: Python\n",
    ),
]
"""What fix-procfile says when nothing is inferred, with the advice that comes with the reason."""

CASES = [_example(name) for name in [*INFERRED, *NOT_INFERRED]] + REPORTED


@pytest.mark.parametrize("example", CASES, ids=[example.name for example in CASES])
def test_fix_procfile_writes_what_is_inferred(example, tmp_path):
    keeps_the_example_contract(FixProcfile, example, tmp_path)


def test_an_app_below_the_build_directory_says_where_to_build(tmp_path):
    inference = make_project(tmp_path, _BELOW).process_inference
    assert isinstance(inference, AppBelow)
    assert inference.directory == "src"
    assert inference.advice(("requirements.txt", "setup.py", "Pipfile")) == _BELOW_ADVICE


def test_the_fact_is_the_function(tmp_path):
    project = make_project(tmp_path, _FLASK)
    inference = infer(project, frozenset({"flask", "gunicorn"}), True)
    assert project.process_inference == inference
    assert project.process_inference is project.process_inference
