"""Bad input gets one clear line (exit 2) or a manual finding, never a traceback, and nothing
is ever written outside the repository."""

from __future__ import annotations

import json
import os

import pytest
from helpers import git, git_repo, make_tree, paasfix, snapshot

DJANGO_APP = {
    "requirements.txt": "Django==4.2\ngunicorn==22.0.0\neventlet==0.31.0\n",
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site1.settings')\n",
    "site1/__init__.py": "",
    "site1/settings.py": "STATIC_URL = '/static/'\nSTATIC_ROOT = '/tmp'\n",
    "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\n"
    "application = get_wsgi_application()\n",
}


def assert_one_clear_line(result, *needles):
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("paasfix: ")]
    assert len(errors) == 1, result.stderr
    for needle in needles:
        assert needle in errors[0]


@pytest.fixture
def repo(tmp_path):
    return make_tree(tmp_path / "repo", DJANGO_APP)


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("Procfile", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("app_desc.yaml", b"\x00\x01\x02spec_version: 2", "binary"),
        (
            "requirements.txt",
            "Django==4.2\n# caf\xe9\neventlet==0.31.0\n".encode("latin-1"),
            "UTF-8",
        ),
    ],
)
def test_unreadable_file_is_one_error_line(repo, name, content, needle):
    (repo / name).write_bytes(content)
    git_repo(repo)
    before = snapshot(repo)
    for args in (("check",), ("fix",), ("fix", "--diff"), ("fix", "--commit")):
        result = paasfix(*args, str(repo))
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert_one_clear_line(result, name, needle)
    assert snapshot(repo) == before


def test_check_with_an_error_does_not_say_no_problems(repo):
    (repo / "requirements.txt").write_text("Django==4.2\ngunicorn==22.0.0\n")
    (repo / "Procfile").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = paasfix("check", str(repo))
    assert result.returncode == 2
    assert "No problems found" not in result.stdout
    assert "errors above stopped part of the check" in result.stdout


def test_symlink_leaving_the_repository(repo, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("web: echo secret\n")
    os.symlink(outside, repo / "Procfile")
    os.symlink("../outside.txt", repo / "requirements-extra.txt")
    (repo / "requirements.txt").write_text("-r requirements-extra.txt\neventlet==0.31.0\n")
    git_repo(repo)
    before, outside_before = snapshot(repo), outside.read_bytes()
    for args in (("check",), ("fix",), ("fix", "--commit")):
        result = paasfix(*args, str(repo))
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert "leaves the repository" in result.stderr
    assert snapshot(repo) == before
    assert outside.read_bytes() == outside_before


def test_unparseable_procfile_is_a_manual_finding(repo):
    (repo / "Procfile").write_text(
        "web: gunicorn site1.wsgi --log-format 'a: b' -b :$PORT\n"
        "  --workers 2\n"
        "worker: celery -A site1 worker: -l info\n"
    )
    git_repo(repo)
    before = snapshot(repo)
    result = paasfix("check", str(repo), "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    procfile = [f for f in findings if f["path"] == "Procfile"]
    assert procfile and all(f["safety"] == "manual" for f in procfile)
    assert paasfix("fix", str(repo)).returncode == 1
    assert snapshot(repo)["Procfile"] == before["Procfile"]


def test_huge_file_is_refused(repo):
    (repo / "requirements.txt").write_text("eventlet==0.31.0\n" + "# padding\n" * 300_000)
    result = paasfix("check", str(repo))
    assert result.returncode == 2
    assert_one_clear_line(result, "requirements.txt", "MiB")


def test_empty_repository(tmp_path):
    repo = git_repo(tmp_path / "empty")
    result = paasfix("check", str(repo))
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1)
    bare = tmp_path / "unborn"
    bare.mkdir()
    git(bare, "init", "-q")
    committed = paasfix("fix", "--commit", str(bare))
    assert committed.returncode == 2
    assert_one_clear_line(committed, "no commits")


@pytest.mark.parametrize(
    "args, needle",
    [
        (("check", "/nonexistent/path"), "no such directory"),
        (("check", "--select", "fix-nothing-like-this", "."), "no fixer 'fix-nothing-like-this'"),
        (("check", "--build-dir", "missing", "."), "build directory 'missing' does not exist"),
        (("check", "--build-dir", "../..", "."), "leaves the repository"),
        (("explain", "fix-unknown"), "no fixer 'fix-unknown'"),
        (("check", "--format", "xml", "."), "'xml' is not one of"),
        (("chek", "."), "No such command 'chek'"),
        (("fix", "--diff", "--commit", "."), "--diff and --commit cannot be used together"),
    ],
)
def test_usage_errors(repo, args, needle):
    result = paasfix(*args, cwd=repo)
    assert result.returncode == 2
    assert_one_clear_line(result, needle)


@pytest.mark.parametrize(
    "name, text, needle",
    [
        ("paasfix.toml", "keep-procfil = true\n", "unknown setting 'keep-procfil'"),
        ("paasfix.toml", "select = [\n", "not valid TOML"),
        (
            "pyproject.toml",
            "[tool.paasfix]\nunsafe-fixes = 'yes'\n",
            "'unsafe-fixes' must be a bool",
        ),
    ],
)
def test_configuration_errors(repo, name, text, needle):
    (repo / name).write_text(text)
    result = paasfix("check", str(repo))
    assert result.returncode == 2
    assert_one_clear_line(result, needle)


def test_commit_outside_git_is_an_error(repo):
    result = paasfix("fix", "--commit", str(repo))
    assert result.returncode == 2
    assert_one_clear_line(result, "not the top of a git repository")
