"""The requirement lines paasfix reads without requirements-parser give exactly what
requirements-parser gives: every line below is parsed both ways and compared.

Before version 26, packaging gave several specifiers of one line in an arbitrary order (a
set); there only the order is allowed to differ.
"""

from __future__ import annotations

import itertools
import subprocess
import sys

import packaging
import pytest
from helpers import SAMPLES

from paasfix.buildpack import requirements
from paasfix.buildpack.requirements import _logical_lines, parse_line

NAMES = (
    "Django",
    "django",
    "a",
    "Z",
    "9",
    "zope.interface",
    "python_dateutil",
    "Flask-SQLAlchemy",
    "ruamel.yaml.clib",
    "x1",
    "A.b-C_d",
    "pkg--name",
    "pkg__name",
    "pkg..name",
    "-pkg",
    "pkg-",
    "pkg.",
    "_pkg",
    "pkg_",
    ".pkg",
    "Ωmega",
    "pkg+x",
    "pkg!",
    "pkg/x",
)
OPERATORS = ("==", "!=", "<=", ">=", "~=", "<", ">", "===", "=", "<>", "=>", "=<", "~", "!")
VERSIONS = (
    "0",
    "1",
    "01",
    "1.0",
    "1.0.0",
    "3.2.25",
    "1.02.003",
    "10.20.30.40",
    "2020.1",
    "1.0.*",
    "1.*",
    "1.0+local",
    "1.0a1",
    "1.0rc2",
    "1.0.post1",
    "1.0.dev3",
    "1!2.0",
    "v1.0",
    "1.",
    ".1",
    "1..0",
    "",
    "abc",
    "1.0-1",
    "1_0",
    "١.٢",
    "1.0 ",
)
SPACES = ("", " ", "  ", "\t", " \t ")
RANGES = (
    (">=", "2.28"),
    ("<", "3"),
    ("!=", "2.29.0"),
    ("~=", "1.4"),
    ("~=", "1"),
    ("==", "1.*"),
    ("<=", "4.0a1"),
    ("==", "3.2.25"),
    (">", "0"),
    ("<", ""),
    ("=", "1"),
)
ORDER_KEPT = int(packaging.__version__.split(".")[0]) >= 26


def _lines():
    for name, operator, version in itertools.product(NAMES, OPERATORS, VERSIONS):
        yield f"{name}{operator}{version}"
    for name in NAMES:
        yield name
        for before, after in itertools.product(SPACES, SPACES):
            yield f"{name}{before}=={after}1.0"
            yield f"{name}{before}~={after}2"
            yield f"{name}{before}>={after}1.4.2"
    for first, second in itertools.product(RANGES, RANGES):
        for comma in (",", ", ", " , ", "\t,", ",,", ""):
            yield f"requests{first[0]}{first[1]}{comma}{second[0]}{second[1]}"
    for first, second, third in itertools.product(RANGES[:4], RANGES[:4], RANGES[4:8]):
        yield "Django " + ", ".join(op + version for op, version in (first, second, third))
    for extra in (
        "Django>=3.2,<4",
        "Django>=3.2, <4",
        "requests[socks]==2.31.0",
        "requests [socks] >= 2",
        "pywin32==306; sys_platform == 'win32'",
        "Django==3.2 ;python_version>'3'",
        "Django (==3.2)",
        "Django==3.2 3.3",
        "Django==3.2,",
        "Django,==3.2",
        "Django==",
        "Django>=",
        "==3.2",
        "Django 3.2",
        "Django==3.2.25 garbage",
        "greenlet==1.1.3\\",
        "gunicorn==20.1.0 --hash=sha256:00",
        "eventlet==0.31.0  ",
        "Django===3.2",
        "Django==3.2.*",
        "Django!=3.2.*",
        "Django~=3",
        "Django~=3.2",
        "Django~=3.2.1",
        "Django<4.0.0a0",
    ):
        yield extra
    for path in sorted(SAMPLES.rglob("*.txt")):
        if "expected" not in path.parts:
            for _, _, raw in _logical_lines(path.read_text(encoding="utf-8", errors="replace")):
                yield raw


LINES = sorted(set(_lines()))


def _slowly(monkeypatch, raw: str):
    with monkeypatch.context() as patched:
        patched.setattr(requirements, "_simple_requirement", lambda spec: None)
        return parse_line("requirements.txt", 1, 1, raw)


def test_every_line_parses_the_same_with_and_without_the_fast_path(monkeypatch):
    fast_path_used = 0
    for raw in LINES:
        fast, slow = parse_line("requirements.txt", 1, 1, raw), _slowly(monkeypatch, raw)
        if not ORDER_KEPT:
            fast.specs.sort()
            slow.specs.sort()
        assert fast == slow, raw
        if requirements._simple_requirement(raw.strip()) is not None:
            fast_path_used += 1
    assert fast_path_used > 1000, "the comparison must cover many lines the fast path takes"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Django==3.2.25", ("Django", [("==", "3.2.25")])),
        ("celery >= 5.2", ("celery", [(">=", "5.2")])),
        ("gunicorn", ("gunicorn", [])),
        ("zope.interface~=5.4", ("zope.interface", [("~=", "5.4")])),
        ("requests>=2.28,<3", ("requests", [(">=", "2.28"), ("<", "3")])),
        ("Django >= 3.2 , != 3.2.1, < 4", ("Django", [(">=", "3.2"), ("!=", "3.2.1"), ("<", "4")])),
    ],
)
def test_common_lines_take_the_fast_path(raw, expected):
    assert requirements._simple_requirement(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Django~=3",
        "Django>=3.2,<4.0a1",
        "Django==3.2.*",
        "Django>=3.2,",
        "Django>=3.2,,<4",
        "Django>=3.2<4",
        "requests[socks]==2.31",
        "pywin32==306; sys_platform=='win32'",
        "Django==3.2a1",
        "Django===3.2",
    ],
)
def test_other_lines_go_to_requirements_parser(raw):
    assert requirements._simple_requirement(raw) is None


def test_a_check_of_plain_pins_does_not_import_requirements_parser():
    code = (
        "import sys\nfrom paasfix.cli import main\n"
        f"sys.argv = ['paasfix', 'check', {str(SAMPLES / 'django-celery-procfile')!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    loaded = set(run.stderr.split())
    assert "paasfix.buildpack.requirements" in loaded
    assert not {"requirements", "packaging.requirements"} & loaded
