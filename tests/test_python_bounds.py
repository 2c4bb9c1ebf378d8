"""Python sources beyond what paasfix analyses (deep expressions, deep brackets, huge files)
are reported like a file that does not parse: one line about the file, never a crash; files
right under the limits are still analysed and fixed."""

from __future__ import annotations

import pytest
from helpers import git_repo, make_tree, paasfix, snapshot

from paasfix.formats import pyast

FORBIDDEN = ("Traceback", "internal error", "bug in the fixer", "Segmentation")

DJANGO_APP = {
    "requirements.txt": "Django==4.2\ngunicorn==22.0.0\n",
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
    "site1/__init__.py": "",
    "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\n"
    "application = get_wsgi_application()\n",
    "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
    "      command: gunicorn site1.wsgi -b :$PORT --log-file -\n",
}
APPS = "INSTALLED_APPS = ['django.contrib.staticfiles']\n"
SETUP_HEAD = "from setuptools import setup\n"
SETUP_CALL = "setup(name='app', setup_requires=['pbr'])\n"


def long_sum(terms: int) -> str:
    return "X = " + " + ".join(["1"] * terms) + "\n"


def nested(depth: int) -> str:
    return "X = " + "[" * depth + "]" * depth + "\n"


def long_and(terms: int) -> str:
    return "X = " + " and ".join(["x"] * terms) + "\n"


def padding(size: int) -> str:
    """Ordinary settings lines, ``size`` bytes of them or a little more."""
    line = "SETTING_{} = {{'name': 'value {}', 'items': [1, 2, 3]}}\n"
    out, total, n = [], 0, 0
    while total < size:
        out.append(line.format(n, n))
        total += len(out[-1])
        n += 1
    return "".join(out)


BEYOND = {
    "sum of 1,000 terms": long_sum(1000),
    "sum of 50,000 terms": long_sum(50_000),
    "brackets 150 deep": nested(150),
    "brackets 1,000 deep": nested(1000),
    "and of 20,000 terms": long_and(20_000),
    "over the size limit": padding(pyast.MAX_BYTES + 1),
}


def lines_about(result, path: str) -> list[str]:
    return [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.startswith((f"{path}:", f"paasfix: error: {path}:"))
    ]


def assert_no_crash(result) -> None:
    output = result.stdout + result.stderr
    assert not any(word in output for word in FORBIDDEN), output
    assert result.returncode in (0, 1, 2), output


def run(tmp_path, name: str, files: dict[str, str], *args: str):
    root = make_tree(tmp_path / name, files)
    return paasfix(*(args or ("check",)), str(root))


@pytest.mark.parametrize("kind", list(BEYOND))
def test_settings_beyond_the_limits_is_reported_like_one_that_does_not_parse(tmp_path, kind):
    broken = run(tmp_path, "broken", {**DJANGO_APP, "site1/settings.py": APPS + "X = (\n"})
    result = run(
        tmp_path,
        "beyond",
        {**DJANGO_APP, "site1/settings.py": APPS + "STATIC_URL = '/s/'\n" + BEYOND[kind]},
    )
    assert_no_crash(result)
    assert result.returncode == broken.returncode
    (line,) = lines_about(result, "site1/settings.py")
    assert "fix-py-collect-static [manual]" in line and "cannot be read" in line
    assert len(lines_about(broken, "site1/settings.py")) == 1


@pytest.mark.parametrize("kind", list(BEYOND))
def test_setup_py_beyond_the_limits_is_reported_like_one_that_does_not_parse(tmp_path, kind):
    broken = run(
        tmp_path,
        "broken",
        {
            **DJANGO_APP,
            "setup.py": SETUP_HEAD + "print 'x'\n" + SETUP_CALL,
            "site1/settings.py": "STATIC_ROOT = 's'\n",
        },
    )
    result = run(
        tmp_path,
        "beyond",
        {
            **DJANGO_APP,
            "setup.py": SETUP_HEAD + BEYOND[kind] + SETUP_CALL,
            "site1/settings.py": "STATIC_ROOT = 's'\n",
        },
    )
    assert_no_crash(result)
    assert result.returncode == broken.returncode == 1
    (line,) = lines_about(result, "setup.py")
    assert "fix-setup-requires-index [manual]" in line and "cannot be read" in line
    assert len(lines_about(broken, "setup.py")) == 1


def test_deep_setup_py_without_setup_requires_says_nothing_about_it(tmp_path):
    result = run(
        tmp_path,
        "repo",
        {
            **DJANGO_APP,
            "setup.py": SETUP_HEAD + long_sum(50_000) + "setup(name='app')\n",
            "site1/settings.py": "STATIC_ROOT = 's'\n",
        },
    )
    assert_no_crash(result)
    assert result.returncode == 0, result.stdout
    assert lines_about(result, "setup.py") == []


def test_files_right_under_the_limits_are_analysed(tmp_path):
    settings = APPS + padding(pyast.MAX_BYTES - 2048) + long_sum(90) + "STATIC_URL = '/s/'\n"
    setup = SETUP_HEAD + padding(pyast.MAX_BYTES - 2048) + long_sum(90) + SETUP_CALL
    assert len(settings.encode()) <= pyast.MAX_BYTES and len(setup.encode()) <= pyast.MAX_BYTES
    result = run(tmp_path, "repo", {**DJANGO_APP, "site1/settings.py": settings, "setup.py": setup})
    assert_no_crash(result)
    (about_settings,) = lines_about(result, "site1/settings.py")
    assert "STATIC_ROOT is set nowhere" in about_settings
    (about_setup,) = lines_about(result, "setup.py")
    assert "setup_requires ('pbr') is installed by easy_install" in about_setup


def test_settings_under_the_edit_limit_is_fixed(tmp_path):
    settings = APPS + padding(pyast.MAX_EDIT_BYTES - 2048) + "STATIC_URL = '/s/'\n"
    root = make_tree(tmp_path / "repo", {**DJANGO_APP, "site1/settings.py": settings})
    result = paasfix("fix", str(root))
    assert_no_crash(result)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\nSTATIC_ROOT = " in (root / "site1/settings.py").read_text()


def test_settings_over_the_edit_limit_is_a_manual_finding_and_nothing_written(tmp_path):
    """paasfix reads the file and finds STATIC_ROOT missing, but says to add it by hand."""
    settings = APPS + padding(pyast.MAX_EDIT_BYTES + 1024) + "STATIC_URL = '/s/'\n"
    root = git_repo(make_tree(tmp_path / "repo", {**DJANGO_APP, "site1/settings.py": settings}))
    before = snapshot(root)
    size = f"{len(settings.encode()) // 1024} KiB"
    limit = f"{pyast.MAX_EDIT_BYTES // 1024} KiB"
    for args in (("check",), ("fix",), ("fix", "--diff")):
        result = paasfix(*args, str(root))
        assert_no_crash(result)
        assert result.returncode == (0 if "--diff" in args else 1), result.stdout + result.stderr
        about = lines_about(result, "site1/settings.py")
        assert len(about) == 1, about
        assert "[manual]" in about[0]
        assert about[0].endswith(
            f"by hand (site1/settings.py is {size}, larger than the {limit} paasfix edits)"
        )
    assert snapshot(root) == before


@pytest.mark.parametrize(
    "source, line, needle",
    [
        (long_sum(1000), 1, "nested more than"),
        ("A = 1\n" + long_and(20_000), 2, "nested more than"),
        (long_sum(50_000), 1, "too deeply for Python"),
        (
            "x = 1\n" * (pyast.MAX_BYTES // 6 + 1),
            1,
            f"larger than the {pyast.MAX_BYTES // 1024} KiB",
        ),
    ],
)
def test_parse_refuses_sources_beyond_the_limits(source, line, needle):
    with pytest.raises(pyast.TooComplex) as refused:
        pyast.parse(source)
    assert refused.value.lineno == line
    assert refused.value.msg.startswith("cannot be read: ") and needle in refused.value.msg


def test_parse_accepts_what_is_right_under_the_limits():
    assert pyast.parse(long_sum(95)).body
    assert pyast.parse(long_and(95)).body
    assert pyast.parse("x = 1\n" * (pyast.MAX_BYTES // 6)).body
