"""fix-compile-hook on real files: a repaired hook really runs, links are left alone."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from helpers import git, git_repo, make_tree, paasfix

from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.fixer import MANUAL
from paasfix.fixers.compile_hook import FixCompileHook
from paasfix.runner import Runner

BASH = shutil.which("bash")


def run(path, cwd) -> subprocess.CompletedProcess:
    """Start a hook the way the buildpack does: made executable, then run from bash."""
    os.chmod(path, 0o755)
    return subprocess.run(
        [BASH, "-c", f'"{path}"'],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        timeout=30,
        check=False,
    )


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_crlf_hook_fails_before_and_runs_after(tmp_path):
    script = b'#!/usr/bin/env bash\r\nset -e\r\necho "hook ran" > ran.txt\r\n'
    root = make_tree(tmp_path / "repo", {"bin/post_compile": script})
    hook = root / "bin" / "post_compile"
    assert run(hook, root).returncode != 0
    assert not (root / "ran.txt").exists()

    result = Runner([FixCompileHook], Config()).fix(DirTree(str(root)))
    assert result.errors == []
    (change,) = result.changes
    hook.write_bytes(change.new)
    done = run(hook, root)
    assert done.returncode == 0, done.stderr
    assert (root / "ran.txt").read_text() == "hook ran\n"


def test_symlinked_hook_is_reported_not_edited(tmp_path):
    root = make_tree(
        tmp_path / "repo",
        {"scripts/post_compile.sh": "#!/bin/bash\r\necho hi\r\n"},
        symlinks={"bin/post_compile": "../scripts/post_compile.sh"},
    )
    runner = Runner([FixCompileHook], Config())
    findings = runner.check(DirTree(str(root))).findings
    assert [(f.path, f.safety) for f in findings] == [("bin/post_compile", MANUAL)]
    assert "symbolic link" in findings[0].message
    result = runner.fix(DirTree(str(root)))
    assert (result.errors, result.changes) == ([], [])


def test_both_spellings_with_a_link_are_reported(tmp_path):
    root = make_tree(
        tmp_path / "repo",
        {"bin/pre_compile": "#!/bin/bash\necho a\n"},
        symlinks={"bin/pre-compile": "pre_compile"},
    )
    findings = Runner([FixCompileHook], Config()).check(DirTree(str(root))).findings
    assert [(f.path, f.safety) for f in findings] == [("bin/pre-compile", MANUAL)]


def test_cli_diff_of_a_crlf_hook_applies_and_matches_fix(tmp_path):
    """End to end with bytes: the diff keeps the \\r that the fix removes."""
    script = b"#!/bin/bash\r\necho built > build_info.txt\r\n"
    files = {"requirements.txt": "Django==3.2.25\n", "bin/post_compile": script}
    repo = git_repo(tmp_path / "repo", files, ["bin/post_compile"])
    command = ["fix", "--select", "fix-compile-hook"]
    diff = paasfix(*command, "--diff", str(repo))
    assert diff.returncode == 1, diff.stderr
    assert "-#!/bin/bash\r\n" in diff.stdout and "+#!/bin/bash\n" in diff.stdout

    git(repo, "apply", "-", input=diff.stdout)
    patched = (repo / "bin" / "post_compile").read_bytes()
    git(repo, "checkout", "--", "bin/post_compile")

    fixed = paasfix(*command, str(repo))
    assert fixed.returncode == 0, fixed.stderr
    assert (repo / "bin" / "post_compile").read_bytes() == patched == script.replace(b"\r", b"")
    assert os.stat(repo / "bin" / "post_compile").st_mode & 0o111
