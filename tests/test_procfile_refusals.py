"""What the platform refuses in a Procfile (paasfix.platform.procfile_refusals), each case also
checked as a fix-procfile example: reported on its line, never edited; lines that YAML misreads
are no refusal (fix-procfile-yaml quotes them)."""

from __future__ import annotations

from typing import Optional

import pytest
from helpers import make_project
from test_fixers import test_example as keeps_the_example_contract

from paasfix.fixer import Example
from paasfix.fixers.procfile import FixProcfile
from paasfix.platform.procfile_refusals import refusals, suggested_name

REFUSED: dict[str, tuple[str, str, Optional[int]]] = {
    "too many processes": (
        "".join(f"p{n}: run {n}\n" for n in range(17)),
        "maximum 16 processes",
        None,
    ),
    "a Procfile line without a blank after the colon": (
        "web:gunicorn app:app\n",
        "is not a list of `name: command` lines",
        1,
    ),
    "a Procfile line without a colon": (
        "web: gunicorn app:app\nworker celery worker\n",
        "cannot be read as YAML",
        3,
    ),
    "a Procfile command continued with a key on the next line": (
        "web: gunicorn app:app\n  --bind: 0.0.0.0\n",
        "cannot be read as YAML",
        2,
    ),
    "a Procfile process without a command": (
        "web: gunicorn app:app\nworker:\n",
        "must be a string, not null",
        2,
    ),
    "a Procfile of blanks": ("   \n", "is empty", 1),
}
"""name -> (Procfile, part of what paasfix says, the line it names)."""


@pytest.mark.parametrize("name", REFUSED)
def test_refusals_name_the_line(tmp_path, name):
    text, message, line = REFUSED[name]
    procfile = make_project(tmp_path, {"Procfile": text}).procfile
    assert procfile is not None
    found = refusals("Procfile", text, procfile.data, procfile.problem, "web: gunicorn wsgi")
    assert [(message in refusal.message, refusal.line) for refusal in found] == [(True, line)]


MISREAD = {
    "a Procfile line without a blank after the colon among others is fix-procfile-yaml's": (
        "web: gunicorn app:app\nworker:celery worker\n"
    ),
    "a Procfile command with ': ' is fix-procfile-yaml's": (
        "web: gunicorn app:app\nworker: celery: worker\n"
    ),
}
"""Procfiles whose lines YAML misreads: fix-procfile-yaml quotes them, this is no refusal."""

CASES = [
    *(
        Example.manual(
            name,
            {"requirements.txt": "gunicorn\n", "Procfile": text},
            message=message,
            path="Procfile",
            line=line,
        )
        for name, (text, message, line) in REFUSED.items()
    ),
    *(
        Example.clean(name, {"requirements.txt": "gunicorn\n", "Procfile": text})
        for name, text in MISREAD.items()
    ),
]


@pytest.mark.parametrize("name", MISREAD)
def test_misread_lines_are_no_refusal(tmp_path, name):
    text = MISREAD[name]
    procfile = make_project(tmp_path, {"Procfile": text}).procfile
    assert procfile is not None
    assert refusals("Procfile", text, procfile.data, procfile.problem, "web: gunicorn wsgi") == []


@pytest.mark.parametrize("example", CASES, ids=[example.name for example in CASES])
def test_fix_procfile_reports_them_and_changes_nothing(example, tmp_path):
    keeps_the_example_contract(FixProcfile, example, tmp_path)


def test_suggested_names():
    assert suggested_name("Beat_Worker") == "beat-worker"
    assert suggested_name("a-very-long-process-name") is None
