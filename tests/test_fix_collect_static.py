"""fix-py-collect-static with a real Django: the build's collectstatic command fails before the
fix and collects the files after it, every fixed settings module gives Django the STATIC_ROOT
the fixer meant, and edited settings modules only gain lines."""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import SAMPLES, init_repo, make_tree, paasfix

from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.fixer import Example
from paasfix.fixers.collect_static import FixPyCollectStatic
from paasfix.project import Project
from paasfix.runner import Runner

FIXED = [
    pytest.param(example, id=example.name)
    for example in FixPyCollectStatic.examples
    if example.kind == "fixed"
]

COLLECTED = {
    # sample -> (a static file of the application, where collectstatic puts it, the
    # environment the build would have)
    "blueapps-static-root": (
        "home_application/static/home_application/css/index.css",
        "staticfiles/home_application/css/index.css",
        {},
    ),
    # The build installs psycopg2 from the requirements; SQLite stands in for it here.
    "cookiecutter-static-root": (
        "blog/static/blog/css/project.css",
        "staticfiles/blog/css/project.css",
        {"DATABASE_ENGINE": "django.db.backends.sqlite3"},
    ),
}


def _environment(extra: dict[str, str]) -> dict[str, str]:
    """The build's environment for Python: the build directory on PYTHONPATH (PLATFORM.md
    §4.6), none of this machine's Django or BlueKing variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BKPAAS_"))
    }
    return {**env, "PYTHONPATH": ".", **extra}


def collectstatic(root: Path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    """The command the Python build runs, with a real Django."""
    return subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--traceback"],
        cwd=root,
        env=_environment(extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("sample", sorted(COLLECTED))
def test_collectstatic_fails_before_the_fix_and_collects_after_it(sample, tmp_path):
    source, collected, extra = COLLECTED[sample]
    repo = init_repo(tmp_path / sample, SAMPLES / sample)

    before = collectstatic(repo, extra)
    assert before.returncode != 0
    assert "without having set the STATIC_ROOT setting" in before.stderr
    assert not (repo / collected).exists()

    fixed = paasfix("fix", str(repo))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr

    after = collectstatic(repo, extra)
    assert after.returncode == 0, after.stderr
    assert "static file" in after.stdout and "copied" in after.stdout
    assert (repo / collected).read_bytes() == (repo / source).read_bytes()


def _fix(example: Example, root: Path):
    runner = Runner(
        [FixPyCollectStatic], Config(build_dir=example.build_dir, options=dict(example.options))
    )
    result = runner.fix(DirTree(str(make_tree(root, example.before))))
    assert result.errors == []
    assert result.applied
    return result


def _only_insertions(old: bytes, new: bytes) -> list[str]:
    """The lines ``new`` adds to ``old``; fails if any line of ``old`` changed or went away."""
    old_lines = old.decode("utf-8").splitlines(keepends=True)
    new_lines = new.decode("utf-8").splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    inserted = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        assert tag in ("equal", "insert"), (tag, old_lines[i1:i2], new_lines[j1:j2])
        if tag == "insert":
            inserted += new_lines[j1:j2]
    return inserted


@pytest.mark.parametrize("example", FIXED)
def test_edited_settings_only_gain_lines(example, tmp_path):
    result = _fix(example, tmp_path / "repo")
    for change in result.changes:
        assert change.path.endswith(".py") and change.old is not None
        inserted = [line.strip() for line in _only_insertions(change.old, change.new)]
        assert any(line.startswith("STATIC_ROOT = ") for line in inserted)
        assert set(inserted) <= {"", "import os", 'STATIC_URL = "/static/"'} | {
            line for line in inserted if line.startswith("STATIC_ROOT = ")
        }


@pytest.mark.parametrize("sample", sorted(COLLECTED))
def test_sample_settings_only_gain_lines(sample, tmp_path):
    repo = init_repo(tmp_path / sample, SAMPLES / sample)
    pristine = {path: path.read_bytes() for path in repo.rglob("*.py")}
    assert paasfix("fix", str(repo)).returncode == 0
    changed = [path for path, old in pristine.items() if path.read_bytes() != old]
    assert changed
    for path in changed:
        assert _only_insertions(pristine[path], path.read_bytes())


def _static_root(code_dir: Path, settings: str) -> str:
    """STATIC_ROOT as Django sees it when it imports ``settings``."""
    probe = "from django.conf import settings\nprint(settings.STATIC_ROOT)\n"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=code_dir,
        capture_output=True,
        text=True,
        timeout=60,
        env=_environment({"DJANGO_SETTINGS_MODULE": settings}),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("example", FIXED)
def test_django_reads_the_static_root_next_to_manage_py(example, tmp_path):
    """Path, str and ``__file__`` forms all point Django at one folder: ``staticfiles`` beside
    manage.py (or the ``static_root`` option's path)."""
    root = tmp_path / "repo"
    result = _fix(example, root)
    for change in result.changes:
        (root / change.path).write_bytes(change.new)
    project = Project(DirTree(str(root)), Config(build_dir=example.build_dir))
    code_dir = root / project.django.manage.code_dir
    settings = result.applied[0].finding.planned.settings
    expected = example.options.get("static_root") or os.path.realpath(code_dir / "staticfiles")
    assert os.path.realpath(_static_root(code_dir, settings)) == expected


@pytest.mark.parametrize(
    "line",
    [
        " !     Error while running '$ python manage.py collectstatic --noinput'.",
        " !     Error while running '$ python src/manage.py collectstatic --noinput'.",
        "Error: Unable to generate Django static files.",
        "django.core.exceptions.ImproperlyConfigured: You're using the staticfiles app without "
        "having set the STATIC_ROOT setting to a filesystem path.",
    ],
)
def test_log_patterns_match_the_build_messages(line):
    assert any(
        re.search(pattern, line, re.IGNORECASE) for pattern in FixPyCollectStatic.log_patterns
    )
