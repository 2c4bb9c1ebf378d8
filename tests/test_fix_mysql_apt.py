"""fix-aptfile-format and fix-pkg-install-mysql-python together, through the real command line.

The examples run each fixer alone; what only shows when they run together is the order: the
Aptfile is made readable (LF, comments on their own lines) before the MySQL packages are added,
so the added lines do not inherit CRLF endings. The diff of a CRLF file must still apply.
"""

from __future__ import annotations

import json
import subprocess

from helpers import git, git_repo, paasfix, tree_files

from paasfix import registry

AFTER = b"# TLS\nlibssl-dev\ndefault-libmysqlclient-dev\n"
FILES = {
    "requirements.txt": "Django==3.2.25\r\nmysqlclient==2.1.1\r\n",
    "Aptfile": b"libssl-dev  # TLS\r\n",
}


MINE = "fix-aptfile-format,fix-pkg-install-mysql-python,fix-apt-buildpack-order"


def selected(command: str, *args: str, select: str = MINE) -> subprocess.CompletedProcess:
    """The real command with only these fixers."""
    return paasfix(command, "--select", select, *args)


def findings(repo) -> dict[str, str]:
    report = json.loads(selected("check", str(repo), "--format", "json").stdout)
    return {f["fixer"]: f["safety"] for f in report["findings"]}


def test_the_format_fixer_runs_first():
    order = [cls.id for cls in registry.all_fixers()]
    assert order.index("fix-aptfile-format") < order.index("fix-pkg-install-mysql-python")


def test_fix_makes_a_crlf_aptfile_readable_and_complete(tmp_path):
    repo = git_repo(tmp_path / "repo", FILES)
    assert findings(repo) == {
        "fix-aptfile-format": "safe",
        "fix-pkg-install-mysql-python": "safe",
        "fix-apt-buildpack-order": "manual",
    }

    result = selected("fix", str(repo))

    assert result.returncode == 0, result.stderr
    assert (repo / "Aptfile").read_bytes() == AFTER
    assert (repo / "requirements.txt").read_bytes() == FILES["requirements.txt"].encode()
    assert findings(repo) == {"fix-apt-buildpack-order": "manual"}


def test_the_diff_of_a_crlf_aptfile_applies(tmp_path):
    repo = git_repo(tmp_path / "repo", FILES)
    diff = selected("fix", "--diff", str(repo))
    assert diff.returncode == 1
    assert "-libssl-dev  # TLS\r\n" in diff.stdout

    git(repo, "apply", "--index", "-", input=diff.stdout)

    assert (repo / "Aptfile").read_bytes() == AFTER


def test_fix_commit_records_lf_endings(tmp_path):
    repo = git_repo(tmp_path / "repo", FILES)
    result = selected("fix", "--commit", str(repo))
    assert result.returncode == 0, result.stderr
    assert tree_files(repo, "paasfix/autofix")["Aptfile"] == (0o100644, AFTER)
    assert (repo / "Aptfile").read_bytes() == FILES["Aptfile"], "the work tree is not touched"


def test_the_mysql_fixer_alone_keeps_the_file_s_own_line_endings(tmp_path):
    repo = git_repo(tmp_path / "repo", FILES)
    result = selected("fix", str(repo), select="fix-pkg-install-mysql-python")
    assert result.returncode == 0, result.stderr
    assert (repo / "Aptfile").read_bytes() == b"libssl-dev  # TLS\r\ndefault-libmysqlclient-dev\r\n"
    assert "fix-aptfile-format" in findings(repo)
