"""Which compile hook the build runs, and paasfix's marked blocks in hook scripts (paasfix.buildpack.hooks)."""

from __future__ import annotations

import pytest
from helpers import make_project

from paasfix.buildpack.hooks import (
    NEW_HOOK_HEADER,
    POST_COMPILE,
    PRE_COMPILE,
    begin_marker,
    block_text,
    commands,
    end_marker,
    plan_block,
)
from paasfix.core.tree import EXEC_MODE, FILE_MODE, OverlayTree
from paasfix.project import Project

PURPOSE = "test block"
BODY = "echo from paasfix\n"


def apply(project: Project, plan) -> Project:
    overlay = OverlayTree(project.tree)
    overlay.set(plan.edit.path, plan.edit.content, plan.edit.mode)
    return Project(overlay, project.config)


# -- which hook runs ---------------------------------------------------------------------------


def test_underscore_wins_over_hyphen(tmp_path):
    project = make_project(tmp_path, {"bin/pre_compile": "a\n", "bin/pre-compile": "b\n"})
    hook = project.compile_hook(PRE_COMPILE)
    assert hook.active == "bin/pre_compile"
    assert hook.ignored == "bin/pre-compile"
    assert hook.target == "bin/pre_compile"


def test_hyphen_runs_alone(tmp_path):
    project = make_project(tmp_path, {"bin/post-compile": "a\n"})
    hook = project.compile_hook(POST_COMPILE)
    assert (hook.active, hook.ignored, hook.target) == (
        "bin/post-compile",
        None,
        "bin/post-compile",
    )


def test_no_hook_targets_a_new_hyphen_script_in_the_build_dir(tmp_path):
    project = make_project(
        tmp_path, {"src/setup.py": "", "bin/pre_compile": "x\n"}, build_dir="src"
    )
    hook = project.compile_hook(PRE_COMPILE)
    assert hook.active is None
    assert hook.target == "src/bin/pre-compile"


def test_bin_that_is_a_file_cannot_hold_hooks(tmp_path):
    project = make_project(tmp_path, {"bin": "not a directory\n"})
    assert project.compile_hook(PRE_COMPILE).target is None


def test_unknown_stage_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        make_project(tmp_path, {}).compile_hook("pre-compile")


# -- blocks ------------------------------------------------------------------------------------


def test_new_hook_is_bash_with_set_e_and_executable(tmp_path):
    project = make_project(tmp_path, {})
    plan = plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY)
    assert plan.creates and plan.problem is None
    assert plan.edit.mode == EXEC_MODE
    assert plan.edit.content.decode() == NEW_HOOK_HEADER + "\n" + block_text(PURPOSE, BODY)
    assert plan.edit.content.startswith(b"#!/usr/bin/env bash\nset -e\n")


def test_block_goes_after_shebang_and_set_lines_and_keeps_the_rest(tmp_path):
    original = "#!/bin/bash\nset -eu\n\n# migrate\npython manage.py migrate\nexit 0\n"
    project = make_project(tmp_path, {"bin/pre_compile": original})
    plan = plan_block(project.tree, "bin/pre_compile", PURPOSE, BODY)
    assert plan.edit.content.decode() == (
        "#!/bin/bash\nset -eu\n\n"
        + block_text(PURPOSE, BODY)
        + "\n# migrate\npython manage.py migrate\nexit 0\n"
    )
    assert plan.edit.mode == EXEC_MODE
    assert not plan.creates


def test_second_plan_changes_nothing(tmp_path):
    project = make_project(
        tmp_path, {"bin/pre_compile": "#!/bin/sh\necho hi\n"}, executable=["bin/pre_compile"]
    )
    once = apply(project, plan_block(project.tree, "bin/pre_compile", PURPOSE, BODY))
    again = plan_block(once.tree, "bin/pre_compile", PURPOSE, BODY)
    assert again.edit is None and again.problem is None


def test_block_is_updated_in_place(tmp_path):
    text = "#!/bin/bash\necho before\n" + block_text(PURPOSE, "old\n") + "echo after\n"
    project = make_project(tmp_path, {"bin/pre_compile": text}, executable=["bin/pre_compile"])
    plan = plan_block(project.tree, "bin/pre_compile", PURPOSE, BODY)
    assert plan.edit.content.decode() == (
        "#!/bin/bash\necho before\n" + block_text(PURPOSE, BODY) + "echo after\n"
    )


def test_crlf_hook_keeps_its_bytes_and_line_endings(tmp_path):
    raw = b"#!/bin/bash\r\necho one\r\necho two\r\n"
    project = make_project(tmp_path, {"bin/pre_compile": raw})
    edit = plan_block(project.tree, "bin/pre_compile", PURPOSE, BODY).edit
    expected = "#!/bin/bash\n\n" + block_text(PURPOSE, BODY) + "\necho one\necho two\n"
    assert edit.content == expected.replace("\n", "\r\n").encode()


def test_script_without_shebang_gets_the_block_on_top(tmp_path):
    project = make_project(tmp_path, {"bin/pre-compile": "echo hi"})
    edit = plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY).edit
    assert edit.content.decode() == block_text(PURPOSE, BODY) + "\necho hi"


def test_shebang_only_without_final_newline(tmp_path):
    project = make_project(tmp_path, {"bin/pre-compile": "#!/bin/bash"})
    edit = plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY).edit
    assert edit.content.decode() == "#!/bin/bash\n\n" + block_text(PURPOSE, BODY)


def test_empty_existing_hook_is_written_as_a_new_one(tmp_path):
    project = make_project(tmp_path, {"bin/pre-compile": "\n\n"})
    plan = plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY)
    assert plan.edit.content.decode() == NEW_HOOK_HEADER + "\n" + block_text(PURPOSE, BODY)
    assert not plan.creates


def test_other_purposes_are_left_alone(tmp_path):
    other = block_text("something else", "echo other\n")
    project = make_project(tmp_path, {"bin/pre-compile": "#!/bin/bash\n" + other})
    edit = plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY).edit
    assert other in edit.content.decode()
    assert edit.content.decode().count(begin_marker(PURPOSE)) == 1


@pytest.mark.parametrize(
    "text",
    [
        "#!/bin/bash\n" + begin_marker(PURPOSE) + "\necho half\n",
        "#!/bin/bash\n" + end_marker(PURPOSE) + "\n" + begin_marker(PURPOSE) + "\n",
        "#!/bin/bash\n" + block_text(PURPOSE, "a\n") + block_text(PURPOSE, "b\n"),
    ],
)
def test_damaged_block_is_a_problem_not_an_edit(tmp_path, text):
    project = make_project(tmp_path, {"bin/pre-compile": text})
    plan = plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY)
    assert plan.edit is None
    assert "damaged" in plan.problem and "bin/pre-compile" in plan.problem


def test_symlinked_hook_is_a_problem(tmp_path):
    project = make_project(
        tmp_path,
        {"scripts/hook.sh": "#!/bin/bash\n"},
        symlinks={"bin/pre-compile": "../scripts/hook.sh"},
    )
    plan = plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY)
    assert plan.edit is None and "symbolic link" in plan.problem


def test_unchanged_block_in_non_executable_hook_needs_no_edit(tmp_path):
    text = "#!/bin/bash\n\n" + block_text(PURPOSE, BODY)
    project = make_project(tmp_path, {"bin/pre-compile": text})
    assert project.tree.mode("bin/pre-compile") == FILE_MODE
    assert plan_block(project.tree, "bin/pre-compile", PURPOSE, BODY).edit is None


def test_commands_skip_comments_blank_and_set_lines():
    script = "#!/bin/bash\nset -e\n\n# note\n  set -o pipefail\necho hi\n  # indented\n"
    assert commands(script) == ["echo hi"]


def test_purpose_must_be_one_plain_line():
    with pytest.raises(ValueError):
        block_text("two\nlines", BODY)
