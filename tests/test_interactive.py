"""``fix --interactive`` and the runner's ``decide`` hook behind it.

The runner asks before each fix with the changes it makes on top of the fixes accepted so far;
only accepted fixes are applied. The command shows each diff on standard error and reads one
answer per line from standard input (answers are piped in here, as a person would type them).
"""

from __future__ import annotations

from helpers import SAMPLES, init_repo, paasfix, snapshot

from paasfix import registry
from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.runner import Runner, Stop

APTFILE = "Aptfile"
ORIGINAL = (
    "# System packages for the build, installed by the apt build tool\n"
    "libssl-dev  # TLS for the MySQL client\n"
)
COMMENT_MOVED = (
    "# System packages for the build, installed by the apt build tool\n"
    "# TLS for the MySQL client\n"
    "libssl-dev\n"
)


def _runner(*ids: str) -> Runner:
    return Runner(registry.selected(list(ids), []), Config())


def test_declined_fixes_are_not_applied_and_later_ones_build_on_accepted_ones():
    asked = []

    def decide(finding, changes):
        asked.append((finding.fixer, [(c.path, c.old, c.new) for c in changes]))
        return finding.fixer == "fix-aptfile-format"

    tree = DirTree(str(SAMPLES / "django-mysql"))
    result = _runner("fix-aptfile-format", "fix-pkg-install-mysql-python").fix(tree, decide=decide)
    assert [a.finding.fixer for a in result.applied] == ["fix-aptfile-format"]
    assert [(c.path, c.new.decode()) for c in result.changes] == [(APTFILE, COMMENT_MOVED)]
    assert [fixer for fixer, _ in asked] == ["fix-aptfile-format", "fix-pkg-install-mysql-python"]
    ((path, old, new),) = asked[1][1]
    assert path == APTFILE and old.decode() == COMMENT_MOVED
    assert new.decode() == COMMENT_MOVED + "default-libmysqlclient-dev\n"
    assert "fix-pkg-install-mysql-python" in {f.fixer for f in result.findings}


def test_a_declined_finding_is_not_offered_again():
    asked = []

    def decide(finding, changes):
        asked.append(finding.fixer)
        return False

    result = _runner("fix-aptfile-format").fix(
        DirTree(str(SAMPLES / "django-mysql")), decide=decide
    )
    assert asked == ["fix-aptfile-format"]
    assert result.applied == [] and result.changes == []
    assert [f.fixer for f in result.findings] == ["fix-aptfile-format"]


def test_stop_keeps_what_was_accepted_and_still_reports_what_remains():
    def decide(finding, changes):
        if finding.fixer == "fix-aptfile-format":
            return True
        raise Stop()

    result = _runner("fix-aptfile-format", "fix-pkg-install-mysql-python").fix(
        DirTree(str(SAMPLES / "django-mysql")), decide=decide
    )
    assert [a.finding.fixer for a in result.applied] == ["fix-aptfile-format"]
    assert "fix-pkg-install-mysql-python" in {f.fixer for f in result.findings}


# --- the command --------------------------------------------------------------------------


def _fix_interactively(tmp_path, answers: str, *args: str):
    repo = init_repo(tmp_path / "repo", SAMPLES / "django-mysql")
    run = paasfix(
        "fix",
        "-i",
        "--select",
        "fix-aptfile-format,fix-pkg-install-mysql-python",
        *args,
        str(repo),
        input=answers,
    )
    assert "Traceback" not in run.stderr
    return repo, run


def test_yes_to_one_and_no_to_the_other(tmp_path):
    repo, run = _fix_interactively(tmp_path, "n\ny\n")
    assert run.returncode == 1  # the declined finding remains
    assert (repo / APTFILE).read_text() == ORIGINAL + "default-libmysqlclient-dev\n"
    assert "+# TLS for the MySQL client" in run.stderr  # the first fix's diff was shown
    assert run.stderr.count("Apply this fix [y,n,a,d,q,?]?") == 2
    assert "Fixed 1 problem in 1 file." in run.stdout


def test_the_second_diff_is_computed_on_top_of_the_first(tmp_path):
    repo, run = _fix_interactively(tmp_path, "y\ny\n")
    assert run.returncode == 0, run.stderr
    assert (repo / APTFILE).read_text() == COMMENT_MOVED + "default-libmysqlclient-dev\n"
    second = run.stderr.split("Apply this fix")[1]
    assert " libssl-dev\n+default-libmysqlclient-dev" in second


def test_help_then_quit_applies_nothing(tmp_path):
    repo, run = _fix_interactively(tmp_path, "?\nq\n")
    assert "apply none of this fixer's fixes from now on" in run.stderr
    assert (repo / APTFILE).read_text() == ORIGINAL
    assert run.returncode == 1


def test_end_of_input_is_quit(tmp_path):
    pristine = snapshot(SAMPLES / "django-mysql")
    repo, run = _fix_interactively(tmp_path, "")
    assert snapshot(repo) == pristine
    assert run.returncode == 1


def test_with_diff_only_the_accepted_fix_is_printed_on_standard_output(tmp_path):
    repo, run = _fix_interactively(tmp_path, "y\nn\n", "--diff")
    assert run.returncode == 1
    assert run.stdout.startswith("diff --git a/Aptfile b/Aptfile\n")
    assert "+# TLS for the MySQL client" in run.stdout
    assert "default-libmysqlclient-dev" not in run.stdout
    assert (repo / APTFILE).read_text() == ORIGINAL


def test_all_of_a_fixers_fixes(tmp_path):
    repo = init_repo(tmp_path / "repo", SAMPLES / "django-celery-procfile")
    expected = init_repo(tmp_path / "expected", SAMPLES / "django-celery-procfile")
    run = paasfix("fix", "--interactive", str(repo), input="a\nd\n")
    assert "Traceback" not in run.stderr
    assert run.stderr.count("Apply this fix") == 2
    assert "fix-greenlet-pin" in run.stderr.split("Apply this fix")[0]
    reference = paasfix("fix", "--select", "fix-greenlet-pin", str(expected))
    assert run.returncode == reference.returncode == 0  # the Procfile note left is info
    assert snapshot(repo) == snapshot(expected) != snapshot(SAMPLES / "django-celery-procfile")
