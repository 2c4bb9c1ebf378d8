"""How a server or worker is told to become a daemon: the options that make gunicorn, uwsgi
and celery (also as django-celery's ``manage.py celery``) fork into the background and
return, and ``celery multi``, which only starts workers in the background."""

from __future__ import annotations

from collections.abc import Sequence

from paasfix.formats.commands import parse_options
from paasfix.formats.option_removal import BACKGROUND, Removal
from paasfix.python_apps.server_options import CELERY_VALUES

DAEMON_FLAGS = {"gunicorn": ("-D", "--daemon"), "celery": ("-D", "--detach")}
UWSGI_DAEMON = ("--daemonize", "--daemonize2", "-d")
"""uwsgi's daemon options, which take a log file."""
CELERY_DAEMON_COMMANDS = ("worker", "beat", "celeryd", "celerybeat")
"""celery commands that take ``--detach``."""
DJANGO_CELERY_COMMANDS = ("celery", "celeryd", "celerybeat")
"""``manage.py`` commands of django-celery, which take celery's options."""


def django_celery(program: str, args: Sequence[str]) -> bool:
    """``python manage.py celery ...`` (django-celery), which takes celery's options."""
    return program.endswith("manage.py") and bool(args) and args[0] in DJANGO_CELERY_COMMANDS


def server_name(program: str, args: Sequence[str]) -> str:
    """The server ``program args`` starts (``celery`` for django-celery's commands)."""
    return "celery" if django_celery(program, args) else program


def daemon_option(program: str, args: Sequence[str]) -> Removal | None:
    """The option (with its value, for uwsgi) that makes the program fork into the background
    and return; None when it stays in the foreground."""
    name = server_name(program, args)
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


def backgrounding(program: str, args: Sequence[str], background: bool) -> Removal | None:
    """What sends the program to the background: its daemon option, else the final ``&`` of
    a command that runs in the background (``background``); None when nothing does."""
    return daemon_option(program, args) or (Removal(BACKGROUND) if background else None)


def celery_multi(program: str, args: Sequence[str]) -> bool:
    """``celery multi``, which starts workers in the background and exits."""
    return program == "celery" and parse_options(args, CELERY_VALUES).positionals[:1] == ["multi"]
