"""Edits checked before they are accepted (runner.Changeset) and fixes run to a fixpoint
(runner.Runner). The fixers here are small test doubles for plugins, defined in this module."""

from __future__ import annotations

from typing import Optional

import pytest
from helpers import make_tree

from paasfix import registry
from paasfix.core.config import Config
from paasfix.core.errors import FileProblem, FixerBug, PaasfixError, UnsafePath
from paasfix.core.tree import EXEC_MODE, FILE_MODE, DirTree
from paasfix.fixer import MANUAL, UNSAFE, Edit, Fixer
from paasfix.runner import Changeset, Runner


def changeset(tmp_path, files, **kwargs) -> Changeset:
    return Changeset(DirTree(str(make_tree(tmp_path / "repo", files, **kwargs))))


def kept(cs: Changeset) -> dict:
    return dict(cs.tree.files)


# -- checks on single edits ------------------------------------------------------------------


def test_accepted_edit_is_visible_in_the_overlay(tmp_path):
    cs = changeset(tmp_path, {"app.py": "x = 1\n"})
    assert cs.apply("fix-t", [Edit("app.py", b"x = 2\n")]) == ("app.py",)
    assert cs.tree.read("app.py") == b"x = 2\n"
    assert cs.base.read("app.py") == b"x = 1\n"


def test_python_file_that_stops_parsing_is_rejected(tmp_path):
    cs = changeset(tmp_path, {"settings.py": "DEBUG = True\n"})
    with pytest.raises(FixerBug, match="fix-t wrote settings.py, which no longer parses as Python"):
        cs.apply("fix-t", [Edit("settings.py", b"DEBUG = (\n")])
    assert kept(cs) == {}


def test_new_python_file_must_parse(tmp_path):
    cs = changeset(tmp_path, {})
    with pytest.raises(FixerBug, match="no longer parses"):
        cs.apply("fix-t", [Edit("new.py", b"def broken(:\n")])


def test_python_file_that_did_not_parse_before_may_still_not_parse(tmp_path):
    cs = changeset(tmp_path, {"legacy.py": "print 'hello'\n"})
    cs.apply("fix-t", [Edit("legacy.py", b"# -*- coding: utf-8 -*-\nprint 'hello'\n")])
    assert cs.tree.read("legacy.py").startswith(b"# -*-")


def test_yaml_file_that_stops_loading_is_rejected(tmp_path):
    cs = changeset(tmp_path, {"config/settings.yml": "a: 1\n"})
    with pytest.raises(
        FixerBug, match="config/settings.yml, which the platform cannot load as YAML"
    ):
        cs.apply("fix-t", [Edit("config/settings.yml", b"a: [1\n")])
    assert kept(cs) == {}


def test_procfile_that_stops_loading_is_rejected(tmp_path):
    cs = changeset(tmp_path, {"Procfile": "web: gunicorn app\n"})
    with pytest.raises(FixerBug, match="cannot load as YAML"):
        cs.apply("fix-t", [Edit("Procfile", b"web: gunicorn app --bind host: 80\n")])


def test_procfile_edit_that_adds_a_platform_problem_is_rejected(tmp_path):
    cs = changeset(tmp_path, {"Procfile": "web: gunicorn app\n"})
    with pytest.raises(FixerBug) as info:
        cs.apply("fix-t", [Edit("Procfile", b"web: gunicorn app\nCelery_Worker: celery worker\n")])
    assert "the platform rejects" in str(info.value)
    assert "Invalid proc type: Celery_Worker" in str(info.value)
    assert kept(cs) == {}


def test_app_desc_edit_that_adds_a_platform_problem_is_rejected(tmp_path):
    good = "spec_version: 2\nmodule:\n  language: Python\n"
    cs = changeset(tmp_path, {"app_desc.yaml": good})
    with pytest.raises(FixerBug, match="is not a supported language"):
        cs.apply("fix-t", [Edit("app_desc.yaml", good.replace("Python", "Node.js").encode())])
    with pytest.raises(FixerBug, match='app spec version "2" is not supported'):
        cs.apply("fix-t", [Edit("app_desc.yaml", good.replace("2", '"2"').encode())])
    assert kept(cs) == {}


def test_new_app_desc_must_be_valid(tmp_path):
    cs = changeset(tmp_path, {})
    with pytest.raises(FixerBug, match="no spec version is specified"):
        cs.apply("fix-t", [Edit("app_desc.yaml", b"module:\n  language: Python\n")])


def test_problems_that_were_already_there_are_not_counted_as_added(tmp_path):
    cs = changeset(tmp_path, {"Procfile": "Web: gunicorn app\nworker_1: celery\n"})
    cs.apply("fix-t", [Edit("Procfile", b"web: gunicorn app\nworker_1: celery\n")])
    assert cs.tree.read("Procfile") == b"web: gunicorn app\nworker_1: celery\n"


def test_procfile_that_did_not_load_may_be_repaired_step_by_step(tmp_path):
    cs = changeset(tmp_path, {"Procfile": "Web: gunicorn app --bind host: 80\n"})
    cs.apply("fix-t", [Edit("Procfile", b'Web: "gunicorn app --bind host: 80"\n')])
    assert cs.tree.read("Procfile") == b'Web: "gunicorn app --bind host: 80"\n'


def test_yaml_that_did_not_load_before_may_still_not_load(tmp_path):
    cs = changeset(tmp_path, {".gitlab-ci.yml": "a: !reference [x, y]\nb: 1\n"})
    cs.apply("fix-t", [Edit(".gitlab-ci.yml", b"a: !reference [x, y]\nb: 2\n")])
    assert cs.tree.read(".gitlab-ci.yml").endswith(b"b: 2\n")


def test_nothing_of_a_rejected_fix_is_kept(tmp_path):
    cs = changeset(tmp_path, {"Procfile": "web: a\n", "requirements.txt": "flask\n"})
    with pytest.raises(FixerBug):
        cs.apply(
            "fix-t",
            [
                Edit("requirements.txt", b"flask\ngunicorn\n"),
                Edit("new.txt", b"new\n"),
                Edit("Procfile", b"web: a\nWeb: b\n"),
            ],
        )
    assert kept(cs) == {}
    assert cs.tree.read("requirements.txt") == b"flask\n"
    assert cs.tree.read("new.txt") is None
    assert cs.changes() == []


def test_binary_content_is_rejected(tmp_path):
    cs = changeset(tmp_path, {"runtime.txt": "python-3.6.2\n"})
    with pytest.raises(FixerBug, match="runtime.txt, which cannot be read: it is a binary file"):
        cs.apply("fix-t", [Edit("runtime.txt", b"python\x00\n")])


def test_fix_that_changes_nothing_is_a_fixer_bug(tmp_path):
    cs = changeset(tmp_path, {"runtime.txt": "python-3.11.9\n"})
    message = "fix-t reported a fixable finding, but its fix changes nothing"
    with pytest.raises(FixerBug, match=message):
        cs.apply("fix-t", [Edit("runtime.txt", b"python-3.11.9\n")])
    with pytest.raises(FixerBug, match=message):
        cs.apply("fix-t", [])
    with pytest.raises(FixerBug, match=message):
        cs.apply("fix-t", [Edit("runtime.txt", b"python-3.11.9\n", FILE_MODE)])


def test_deleting_a_missing_file_is_a_fixer_bug(tmp_path):
    cs = changeset(tmp_path, {})
    with pytest.raises(FixerBug, match="fix-t deletes gone.txt, which does not exist"):
        cs.apply("fix-t", [Edit("gone.txt", None)])


def test_writing_through_a_symlink_is_refused(tmp_path):
    cs = changeset(tmp_path, {"app/Procfile": "web: a\n"}, symlinks={"Procfile": "app/Procfile"})
    with pytest.raises(FileProblem, match="symbolic link"):
        cs.apply("fix-t", [Edit("Procfile", b"web: b\n")])
    assert kept(cs) == {}


def test_writing_into_a_linked_directory_is_refused(tmp_path):
    cs = changeset(tmp_path, {"app/bin/post_compile": "#!/bin/sh\n"}, symlinks={"bin": "app/bin"})
    with pytest.raises(FileProblem, match="symbolic link"):
        cs.apply("fix-t", [Edit("bin/pre_compile", b"#!/bin/sh\n", EXEC_MODE)])
    assert kept(cs) == {}


def test_writing_through_a_symlink_that_leaves_the_repository_is_refused(tmp_path):
    make_tree(tmp_path, {"outside.txt": "x\n"})
    cs = changeset(tmp_path, {}, symlinks={"requirements.txt": "../outside.txt"})
    with pytest.raises(FileProblem, match="symbolic link"):
        cs.apply("fix-t", [Edit("requirements.txt", b"flask\n")])
    assert (tmp_path / "outside.txt").read_text() == "x\n"


def test_escaping_path_is_refused(tmp_path):
    cs = changeset(tmp_path, {})
    with pytest.raises(UnsafePath):
        cs.apply("fix-t", [Edit("../evil.txt", b"x\n")])


# -- the net changes -------------------------------------------------------------------------


def test_changes_lists_new_modified_deleted_and_mode_changes(tmp_path):
    cs = changeset(
        tmp_path,
        {"a.txt": "a\n", "b.txt": "b\n", "bin/hook": "#!/bin/sh\n", "bin/run": "#!/bin/sh\n"},
        executable=["bin/run"],
    )
    cs.apply(
        "fix-t",
        [
            Edit("a.txt", b"A\n"),
            Edit("b.txt", None),
            Edit("bin/hook", b"#!/bin/sh\n", EXEC_MODE),
            Edit("new/c.txt", b"c\n"),
        ],
    )
    cs.apply("fix-t", [Edit("bin/run", b"#!/bin/sh\necho\n")])
    changes = {c.path: (c.old, c.new, c.old_mode, c.new_mode) for c in cs.changes()}
    assert changes == {
        "a.txt": (b"a\n", b"A\n", FILE_MODE, FILE_MODE),
        "b.txt": (b"b\n", None, FILE_MODE, None),
        "bin/hook": (b"#!/bin/sh\n", b"#!/bin/sh\n", FILE_MODE, EXEC_MODE),
        "bin/run": (b"#!/bin/sh\n", b"#!/bin/sh\necho\n", EXEC_MODE, EXEC_MODE),
        "new/c.txt": (None, b"c\n", None, FILE_MODE),
    }
    assert [c.path for c in cs.changes()] == sorted(changes)


def test_a_change_undone_by_a_later_fix_is_not_a_change(tmp_path):
    cs = changeset(tmp_path, {"a.txt": "a\n"})
    cs.apply("fix-t", [Edit("a.txt", b"b\n"), Edit("tmp.txt", b"t\n")])
    cs.apply("fix-u", [Edit("a.txt", b"a\n"), Edit("tmp.txt", None)])
    assert cs.changes() == []


# -- the runner ------------------------------------------------------------------------------


class TestFixer(Fixer):
    """A base for the doubles below: findings carry nothing, fixes edit one file."""

    __test__ = False
    title = "test double"

    def edit_text(self, project, path: str, text: str, mode: Optional[int] = None) -> list[Edit]:
        return [Edit(path, text.encode("utf-8"), mode)]

    @staticmethod
    def read(project, path: str) -> Optional[str]:
        raw = project.tree.read(path)
        return None if raw is None else raw.decode("utf-8")


class CountUp(TestFixer):
    """Counts counter.txt up to 3, one step per fix."""

    id = "fix-test-count"
    after = ("fix-test-summary",)

    def detect(self, project):
        value = int(self.read(project, "counter.txt") or "0")
        if value < 3:
            yield self.finding(f"counter is {value}", "counter.txt")

    def fix(self, project, finding):
        value = int(self.read(project, "counter.txt") or "0")
        return self.edit_text(project, "counter.txt", str(value + 1))


class CopyCounter(TestFixer):
    """Keeps copy.txt equal to counter.txt with a mark: it must see CountUp's edits."""

    id = "fix-test-copy"
    after = ("fix-test-count",)

    def detect(self, project):
        counter = self.read(project, "counter.txt")
        if counter is not None and self.read(project, "copy.txt") != counter + "!":
            yield self.finding("copy is stale", "copy.txt")

    def fix(self, project, finding):
        return self.edit_text(project, "copy.txt", self.read(project, "counter.txt") + "!")


class Summarise(TestFixer):
    """Runs before the others and summarises copy.txt: needs a second pass to settle."""

    id = "fix-test-summary"

    def detect(self, project):
        copy = self.read(project, "copy.txt")
        if copy is not None and self.read(project, "summary.txt") != f"{len(copy)} chars\n":
            yield self.finding("summary is stale", "summary.txt")

    def fix(self, project, finding):
        copy = self.read(project, "copy.txt")
        return self.edit_text(project, "summary.txt", f"{len(copy)} chars\n")


class Boom(TestFixer):
    id = "fix-test-boom"

    def detect(self, project):
        yield self.finding("always", "x.txt")

    def fix(self, project, finding):
        raise RuntimeError("kaput")


class BoomOnDetect(TestFixer):
    id = "fix-test-boom-detect"

    def detect(self, project):
        raise KeyError("missing")


class DoesNothing(TestFixer):
    id = "fix-test-nothing"

    def detect(self, project):
        yield self.finding("something", "counter.txt")

    def fix(self, project, finding):
        return [Edit("counter.txt", project.tree.read("counter.txt"))]


class BreaksPython(TestFixer):
    id = "fix-test-break-python"

    def detect(self, project):
        if "# fixed" not in (self.read(project, "app.py") or ""):
            yield self.finding("app.py needs a mark", "app.py")

    def fix(self, project, finding):
        return [Edit("marker.txt", b"marker\n"), Edit("app.py", b"# fixed\ndef (\n")]


class Manual(TestFixer):
    id = "fix-test-manual"

    def detect(self, project):
        yield self.manual("do it by hand", "Procfile")

    def fix(self, project, finding):
        raise AssertionError("a manual finding must not be fixed")


class Unsafe(TestFixer):
    id = "fix-test-unsafe"
    safety = UNSAFE

    def detect(self, project):
        if self.read(project, "runtime.txt") != "python-3.11.9\n":
            yield self.finding("old Python", "runtime.txt")

    def fix(self, project, finding):
        return self.edit_text(project, "runtime.txt", "python-3.11.9\n")


class Forever(TestFixer):
    id = "fix-test-forever"

    def detect(self, project):
        yield self.finding("never satisfied", "n.txt")

    def fix(self, project, finding):
        return self.edit_text(project, "n.txt", (self.read(project, "n.txt") or "") + "x")


class SetOne(TestFixer):
    id = "fix-test-one"

    def detect(self, project):
        if self.read(project, "v.txt") != "1":
            yield self.finding("v must be 1", "v.txt")

    def fix(self, project, finding):
        return self.edit_text(project, "v.txt", "1")


class SetTwo(SetOne):
    id = "fix-test-two"

    def detect(self, project):
        if self.read(project, "v.txt") != "2":
            yield self.finding("v must be 2", "v.txt")

    def fix(self, project, finding):
        return self.edit_text(project, "v.txt", "2")


def run_fix(tmp_path, fixers, files=None, unsafe=False, debug=False):
    root = make_tree(tmp_path / "repo", files or {})
    ordered = registry.run_order({cls.id: cls for cls in fixers})
    return Runner(ordered, Config(), debug).fix(DirTree(str(root)), unsafe=unsafe)


def test_runner_reaches_a_fixpoint_with_later_fixers_on_top_of_earlier_edits(tmp_path):
    result = run_fix(tmp_path, [CountUp, CopyCounter, Summarise], {"counter.txt": "0"})
    changes = {c.path: c.new for c in result.changes}
    assert changes == {"counter.txt": b"3", "copy.txt": b"3!", "summary.txt": b"2 chars\n"}
    assert [a.finding.fixer for a in result.applied] == [
        "fix-test-count",
        "fix-test-count",
        "fix-test-count",
        "fix-test-copy",
        "fix-test-summary",
    ]
    assert result.findings == [] and result.errors == []


def test_runner_check_reports_without_changing(tmp_path):
    root = make_tree(tmp_path / "repo", {"counter.txt": "1"})
    result = Runner([CountUp, CopyCounter], Config()).check(DirTree(str(root)))
    assert [(f.fixer, f.message) for f in result.findings] == [
        ("fix-test-count", "counter is 1"),
        ("fix-test-copy", "copy is stale"),
    ]
    assert result.changes == [] and result.applied == []
    assert (root / "counter.txt").read_text() == "1"


def test_fixer_that_raises_while_fixing_is_an_error_without_traceback(tmp_path):
    result = run_fix(tmp_path, [Boom, CountUp], {"counter.txt": "2"})
    assert result.errors == [
        "fix-test-boom failed while fixing (RuntimeError: kaput); this is a bug in the fixer"
    ]
    assert "Traceback" not in "".join(result.errors)
    assert {c.path: c.new for c in result.changes} == {"counter.txt": b"3"}
    assert [f.fixer for f in result.findings] == ["fix-test-boom"]


def test_fixer_that_raises_while_detecting_is_an_error(tmp_path):
    result = run_fix(tmp_path, [BoomOnDetect, CountUp], {"counter.txt": "2"})
    assert result.errors == [
        "fix-test-boom-detect failed on this repository (KeyError: 'missing'); "
        "this is a bug in the fixer, rerun with --debug for details"
    ]
    assert {c.path: c.new for c in result.changes} == {"counter.txt": b"3"}


def test_debug_lets_the_exception_through(tmp_path):
    with pytest.raises(RuntimeError, match="kaput"):
        run_fix(tmp_path, [Boom], debug=True)


def test_fix_that_changes_nothing_is_reported_and_nothing_is_kept(tmp_path):
    result = run_fix(tmp_path, [DoesNothing], {"counter.txt": "0"})
    assert result.errors == [
        "fix-test-nothing reported a fixable finding, but its fix changes "
        "nothing; this is a bug in the fixer, nothing it changed was kept"
    ]
    assert result.changes == []


def test_fix_that_breaks_python_keeps_none_of_its_edits(tmp_path):
    result = run_fix(tmp_path, [BreaksPython, CountUp], {"app.py": "x = 1\n", "counter.txt": "2"})
    assert len(result.errors) == 1
    assert result.errors[0].startswith("fix-test-break-python wrote app.py, which no longer parses")
    assert [c.path for c in result.changes] == ["counter.txt"]


def test_manual_findings_are_reported_not_fixed(tmp_path):
    result = run_fix(tmp_path, [Manual])
    assert [(f.fixer, f.safety) for f in result.findings] == [("fix-test-manual", MANUAL)]
    assert result.changes == [] and result.errors == []


def test_unsafe_fixes_only_when_asked(tmp_path):
    result = run_fix(tmp_path, [Unsafe], {"runtime.txt": "python-2.7.18\n"})
    assert result.changes == [] and [f.fixer for f in result.findings] == ["fix-test-unsafe"]
    result = run_fix(tmp_path / "again", [Unsafe], {"runtime.txt": "python-2.7.18\n"}, unsafe=True)
    assert [c.new for c in result.changes] == [b"python-3.11.9\n"] and result.findings == []


def test_fixer_that_never_settles_is_a_fixer_bug(tmp_path):
    with pytest.raises(
        FixerBug, match="fix-test-forever still finds something to fix after 50 passes"
    ):
        run_fix(tmp_path, [Forever])


def test_fixers_that_undo_each_other_are_a_fixer_bug(tmp_path):
    with pytest.raises(FixerBug, match="did not settle"):
        run_fix(tmp_path, [SetOne, SetTwo])


def test_fixers_are_ordered_by_their_relations_and_a_cycle_is_refused():
    class First(Fixer):
        id = "fix-test-first"
        after = ("fix-test-second",)

    class Second(Fixer):
        id = "fix-test-second"
        after = ("fix-test-third", "fix-not-installed")

    class Third(Fixer):
        id = "fix-test-third"

    order = registry.run_order({cls.id: cls for cls in (First, Second, Third)})
    assert [cls.id for cls in order] == ["fix-test-third", "fix-test-second", "fix-test-first"]

    class Loop(Fixer):
        id = "fix-test-third"
        after = ("fix-test-first",)

    with pytest.raises(
        PaasfixError,
        match="cycle: fix-test-first -> fix-test-second -> fix-test-third -> fix-test-first",
    ):
        registry.run_order({cls.id: cls for cls in (First, Second, Loop)})
