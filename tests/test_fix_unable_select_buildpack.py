"""fix-unable-select-buildpack: what examples cannot show (symbolic links, the commit a rename
makes)."""

from __future__ import annotations

from helpers import git, git_repo, make_tree, paasfix

from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.fixer import MANUAL
from paasfix.fixers.unable_select_buildpack import FixUnableSelectBuildpack
from paasfix.runner import Runner


def check(root, build_dir=""):
    return Runner([FixUnableSelectBuildpack], Config(build_dir=build_dir)).check(DirTree(str(root)))


def test_a_misspelled_symbolic_link_is_reported_not_renamed(tmp_path):
    root = make_tree(
        tmp_path / "app",
        {"deps/all.txt": "Flask\n", "app.py": "app = 1\n"},
        symlinks={"requirement.txt": "deps/all.txt"},
    )
    found = check(root).findings
    assert [f.safety for f in found] == [MANUAL, MANUAL]
    assert "rename requirement.txt to requirements.txt by hand" in found[0].message
    result = Runner([FixUnableSelectBuildpack], Config()).fix(DirTree(str(root)), unsafe=True)
    assert result.changes == [] and result.errors == []


def test_the_rename_commit_keeps_the_blob_and_its_mode(tmp_path):
    repo = git_repo(
        tmp_path / "repo",
        {"Requirements.txt": "Flask==2.0.3\r\ngunicorn\r\n", "app.py": "app = 1\n"},
        executable=["Requirements.txt"],
    )
    before = git(repo, "ls-tree", "HEAD", "Requirements.txt").split()
    result = paasfix("fix", "--commit", "--select", "fix-unable-select-buildpack", str(repo))
    assert result.returncode == 0, result.stderr
    tree = git(repo, "ls-tree", "paasfix/autofix")
    after = git(repo, "ls-tree", "paasfix/autofix", "requirements.txt").split()
    assert "Requirements.txt" not in tree
    assert after[:3] == before[:3]
    assert after[0] == "100755"
