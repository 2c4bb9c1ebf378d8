"""Line endings, bytes, include chains and the fixpoint cap, through the real command line on
real git repositories.

Every file here is read as the tool that reads it on the platform: pip and PyYAML end a line at
``\\r``, ``\\n`` and ``\\r\\n``, the shell (Aptfile, .python-version) at ``\\n`` only. What
paasfix writes keeps each line's own ending. Large inputs are checked for the result only;
their time is measured in bench/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from helpers import git_repo, paasfix, snapshot

FLASK_APP = "from flask import Flask\n\napp = Flask(__name__)\n"
PROCFILE = "web: gunicorn app:app\n"


def findings(result: subprocess.CompletedProcess) -> list[tuple[str, str, int]]:
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert report["errors"] == []
    return [(f["fixer"], f["path"], f["line"]) for f in report["findings"]]


def fixed(repo, *args: str) -> subprocess.CompletedProcess:
    """``paasfix fix`` that must leave nothing to fix and report no error."""
    result = paasfix("fix", *args, str(repo))
    assert (result.returncode, result.stderr) == (0, ""), result.stdout
    assert "bug in the fixer" not in result.stdout
    return result


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    assert "Traceback" not in result.stderr + result.stdout
    return [line for line in result.stderr.splitlines() if line.startswith("paasfix: ")]


# -- old Mac (CR-only) and mixed line endings ---------------------------------------------------


def test_cr_only_requirements_and_procfile_read_as_pip_and_yaml_read_them(tmp_path):
    repo = git_repo(
        tmp_path / "repo",
        {
            "requirements.txt": b"flask\rgunicorn\reventlet==0.31.0\r",
            "Procfile": b"# the site\rweb: gunicorn app:app  # front\rworker: celery -A app worker\r",
            "app.py": FLASK_APP,
        },
    )
    found = findings(paasfix("check", "--format", "json", str(repo)))
    assert ("fix-greenlet-pin", "requirements.txt", 3) in found
    messages = paasfix("check", str(repo)).stdout
    assert "add gunicorn" not in messages and "add celery" in messages

    fixed(repo)
    assert (
        repo / "requirements.txt"
    ).read_bytes() == b"flask\rgunicorn\reventlet==0.31.0\rgreenlet==1.1.3\rcelery\r"
    assert not (repo / "Procfile").exists()
    assert (repo / "app_desc.yaml").read_bytes() == (
        b"spec_version: 2\rmodule:\r  language: Python\r  processes:\r    # the site\r"
        b"    web:\r      command: gunicorn app:app  # front\r"
        b"    worker:\r      command: celery -A app worker\r"
    )
    assert findings(paasfix("check", "--format", "json", str(repo))) == []


def test_mixed_endings_keep_each_line_its_own(tmp_path):
    repo = git_repo(
        tmp_path / "repo",
        {
            "requirements.txt": b"flask\r\ngunicorn\reventlet==0.31.0\r\nbkapigw.demo==1.0\n",
            "Procfile": PROCFILE,
            "app.py": FLASK_APP,
        },
    )
    fixed(repo, "--select", "fix-greenlet-pin,fix-python-package-with-dot")
    assert (
        (repo / "requirements.txt").read_bytes()
        == b"flask\r\ngunicorn\reventlet==0.31.0\r\ngreenlet==1.1.3\r\nbkapigw-demo==1.0\n"
    )


def test_cr_only_aptfile_is_one_line_to_the_buildpack_and_three_to_its_author(tmp_path):
    repo = git_repo(
        tmp_path / "repo",
        {
            "requirements.txt": "mysqlclient==2.1.1\n",
            "Aptfile": b"# MySQL\rlibssl-dev\rnetcat\r",
        },
    )
    select = ("--select", "fix-aptfile-format,fix-pkg-install-mysql-python")
    check = paasfix("check", *select, str(repo))
    assert "does not list default-libmysqlclient-dev;" in check.stdout
    assert findings(paasfix("check", "--format", "json", *select, str(repo))) == [
        ("fix-aptfile-format", "Aptfile", 1),
        ("fix-pkg-install-mysql-python", "requirements.txt", 1),
    ]
    fixed(repo, *select)
    assert (
        repo / "Aptfile"
    ).read_bytes() == b"# MySQL\nlibssl-dev\nnetcat\ndefault-libmysqlclient-dev\n"


def test_cr_only_runtime_txt_names_its_version(tmp_path):
    repo = git_repo(
        tmp_path / "repo", {"requirements.txt": "flask\n", "runtime.txt": b"python-3.6.12\r"}
    )
    assert findings(
        paasfix("check", "--format", "json", "--select", "fix-py-runtime-error", str(repo))
    ) == [("fix-py-runtime-error", "runtime.txt", 1)]
    assert "old Mac (CR) line endings" in paasfix("check", str(repo)).stdout
    fixed(repo, "--select", "fix-py-runtime-error")
    assert (repo / "runtime.txt").read_bytes() == b"python-3.6.12\n"


def test_cr_only_python_version_hides_the_version_in_a_comment_for_bash(tmp_path):
    repo = git_repo(
        tmp_path / "repo",
        {
            "requirements.txt": "flask\n",
            ".python-version": b"# pinned for the site\r3.12\r",
            "paasfix.toml": 'stack = "heroku-24"\n',
        },
    )
    check = paasfix("check", "--select", "fix-py-runtime-error", str(repo))
    assert check.returncode == 1
    assert "line 1 ends with a carriage return alone" in check.stdout
    fixed(repo, "--select", "fix-py-runtime-error")
    assert (repo / ".python-version").read_bytes() == b"# pinned for the site\n3.12\n"


# -- size and number --------------------------------------------------------------------------


def test_a_ten_thousand_line_requirements_file_is_fixed_exactly(tmp_path):
    lines = [b"" if n % 2 else f"pkg-{n}=={n}.0".encode() for n in range(10000)]
    lines[5000] = b"eventlet==0.31.0"
    lines[9000] = b"bk.tools==2.0"
    raw = b"\r\n".join(lines) + b"\r\n"
    repo = git_repo(
        tmp_path / "repo", {"requirements.txt": raw, "Procfile": PROCFILE, "app.py": FLASK_APP}
    )
    fixed(repo, "--select", "fix-greenlet-pin,fix-python-package-with-dot")
    expected = raw.replace(b"eventlet==0.31.0\r\n", b"eventlet==0.31.0\r\ngreenlet==1.1.3\r\n")
    assert (repo / "requirements.txt").read_bytes() == expected.replace(
        b"bk.tools==2.0", b"bk-tools==2.0"
    )


def test_a_hundred_and_twenty_dotted_names_are_fixed_in_one_run(tmp_path):
    names = [f"bk.pkg{n}" for n in range(120)]
    repo = git_repo(
        tmp_path / "repo",
        {"requirements.txt": "".join(f"{name}==1.{n}\n" for n, name in enumerate(names))},
    )
    result = fixed(repo, "--select", "fix-python-package-with-dot")
    assert "Fixed 120 problems in 1 file" in result.stdout
    assert (repo / "requirements.txt").read_text() == "".join(
        f"{name.replace('.', '-')}==1.{n}\n" for n, name in enumerate(names)
    )


def test_a_fifteen_hundred_deep_include_chain_is_followed_to_its_end(tmp_path):
    files = {f"reqs/r{n}.txt": f"-r r{n + 1}.txt\n" for n in range(1500)}
    files["reqs/r1500.txt"] = "flask\neventlet==0.31.0\n"
    files["requirements.txt"] = "-r reqs/r0.txt\n"
    repo = git_repo(tmp_path / "repo", files)
    assert ("fix-greenlet-pin", "reqs/r1500.txt", 2) in findings(
        paasfix("check", "--format", "json", str(repo))
    )
    fixed(repo, "--select", "fix-greenlet-pin")
    assert (repo / "reqs/r1500.txt").read_text() == "flask\neventlet==0.31.0\ngreenlet==1.1.3\n"


# -- bytes that are not text, directories that cannot be read ---------------------------------


@pytest.mark.parametrize(
    "content, why",
    [
        (
            b"flask\n" * 1600 + b"gunicorn\x00\n",
            "cannot be read: it is a binary file (a NUL byte at byte 9609), not text",
        ),
        (
            b"flask\r" * 1600 + b"caf\xe9\r",
            "cannot be read: it is not valid UTF-8 text (line 1601, byte 9604 of the file); "
            "save it as UTF-8",
        ),
    ],
    ids=["NUL after 9 KiB", "Latin-1 byte after 9 KiB"],
)
def test_bytes_that_are_not_text_late_in_a_file_are_one_line(tmp_path, content, why):
    repo = git_repo(
        tmp_path / "repo", {"requirements.txt": content, "Procfile": PROCFILE, "app.py": FLASK_APP}
    )
    before = snapshot(repo)
    for args in (("check",), ("fix", "--diff"), ("fix",), ("fix", "--commit")):
        result = paasfix(*args, str(repo))
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert error_lines(result) == [f"paasfix: error: requirements.txt: {why}"], args
    assert snapshot(repo) == before


def _without_permission_override() -> list[str]:
    """A command prefix under which permission bits apply: none for an ordinary user; for
    root, setpriv dropping the capabilities that let root read any directory."""
    if os.geteuid() != 0:
        return []
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    if (
        shutil.which("setpriv") is None
        or subprocess.run([*prefix, "true"], capture_output=True, check=False).returncode != 0
    ):
        pytest.skip("running as root without setpriv to drop the permission override")
    return prefix


def test_a_settings_directory_that_cannot_be_read_is_one_line_naming_it(tmp_path):
    prefix = _without_permission_override()
    repo = git_repo(
        tmp_path / "repo",
        {
            "requirements.txt": "Django==4.2\ngunicorn==22.0.0\n",
            "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'site1.settings')\n",
            "site1/__init__.py": "",
            "site1/settings/__init__.py": "STATIC_URL = '/static/'\n",
            "site1/wsgi.py": "from django.core.wsgi import get_wsgi_application\n"
            "application = get_wsgi_application()\n",
        },
    )
    before = snapshot(repo)
    os.chmod(repo / "site1/settings", 0)
    try:
        for args in (("check",), ("fix", "--diff"), ("fix",)):
            result = paasfix(*args, str(repo), prefix=prefix)
            assert result.returncode == 2, (args, result.stdout, result.stderr)
            assert error_lines(result) == [
                "paasfix: error: site1/settings: cannot be read: Permission denied"
            ], args
    finally:
        os.chmod(repo / "site1/settings", 0o755)
    assert snapshot(repo) == before
