"""The options and commands that send a server or worker to the background."""

from __future__ import annotations

import pytest

from paasfix.formats.option_removal import Removal
from paasfix.python_apps.daemons import backgrounding, celery_multi, daemon_option, server_name


@pytest.mark.parametrize(
    ("program", "args", "removal"),
    [
        ("gunicorn", ["-D", "app:app"], Removal("-D")),
        ("gunicorn", ["app:app", "--daemon"], Removal("--daemon")),
        ("celery", ["-A", "proj", "worker", "--detach"], Removal("--detach")),
        ("uwsgi", ["--http", ":8000", "--daemonize=/tmp/u.log"], Removal("--daemonize", True)),
        ("manage.py", ["celeryd", "-D"], Removal("-D")),
    ],
)
def test_daemon_options(program, args, removal):
    assert daemon_option(program, args) == removal


@pytest.mark.parametrize(
    ("program", "args"),
    [
        ("celery", ["-A", "proj", "flower", "-D"]),
        ("uvicorn", ["main:app", "-D"]),
        ("manage.py", ["runserver", "-D"]),
    ],
)
def test_options_that_do_not_daemonise(program, args):
    assert daemon_option(program, args) is None


def test_a_final_ampersand_counts_only_without_a_daemon_option():
    assert backgrounding("gunicorn", ["app:app"], background=True) == Removal("&")
    assert backgrounding("gunicorn", ["-D", "app:app"], background=True) == Removal("-D")
    assert backgrounding("gunicorn", ["app:app"], background=False) is None


def test_celery_multi_and_django_celery():
    assert celery_multi("celery", ["-A", "proj", "multi", "start", "w1"])
    assert not celery_multi("celery", ["-A", "multi", "worker"])
    assert server_name("manage.py", ["celery", "worker"]) == "celery"
    assert server_name("manage.py", ["runserver"]) == "manage.py"
