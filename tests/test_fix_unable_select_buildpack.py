"""fix-unable-select-buildpack: what examples cannot show (symbolic links, the commit a rename
makes, and that only the known places are looked at)."""

from __future__ import annotations

from helpers import git, git_repo, make_tree, paasfix
from paasfix.config import Config
from paasfix.fixer import MANUAL
from paasfix.fixers.unable_select_buildpack import FixUnableSelectBuildpack, near_miss
from paasfix.runner import Runner
from paasfix.tree import DirTree


def check(root, build_dir=""):
    return Runner([FixUnableSelectBuildpack], Config(build_dir=build_dir)).check(DirTree(str(root)))


def test_a_misspelled_symbolic_link_is_reported_not_renamed(tmp_path):
    root = make_tree(tmp_path / "app", {"deps/all.txt": "Flask\n", "app.py": "app = 1\n"},
                     symlinks={"requirement.txt": "deps/all.txt"})
    found = check(root).findings
    assert [f.safety for f in found] == [MANUAL, MANUAL]
    assert "rename requirement.txt to requirements.txt by hand" in found[0].message
    result = Runner([FixUnableSelectBuildpack], Config()).fix(DirTree(str(root)), unsafe=True)
    assert result.changes == [] and result.errors == []


def test_the_rename_commit_keeps_the_blob_and_its_mode(tmp_path):
    repo = git_repo(tmp_path / "repo", {"Requirements.txt": "Flask==2.0.3\r\ngunicorn\r\n",
                                        "app.py": "app = 1\n"}, executable=["Requirements.txt"])
    before = git(repo, "ls-tree", "HEAD", "Requirements.txt").split()
    result = paasfix("fix", "--commit", "--select", "fix-unable-select-buildpack", str(repo))
    assert result.returncode == 0, result.stderr
    tree = git(repo, "ls-tree", "paasfix/autofix")
    after = git(repo, "ls-tree", "paasfix/autofix", "requirements.txt").split()
    assert "Requirements.txt" not in tree
    assert after[:3] == before[:3]
    assert after[0] == "100755"


def test_only_known_places_are_looked_at(tmp_path):
    root = make_tree(tmp_path / "app", {"services/api/requirements.txt": "Flask\n",
                                        "docs/requirements.txt": "sphinx\n",
                                        "README.md": "# monorepo\n"})
    assert check(root).findings == []


def test_a_subdirectory_of_the_build_directory(tmp_path):
    root = make_tree(tmp_path / "app", {"services/api/requirements.txt": "Flask\n",
                                        "services/api/app.py": "app = 1\n"})
    found = check(root, build_dir="services").findings
    assert found and "set the module's build directory (构建目录, in the module settings) to " \
                     "'services/api'" in found[0].message


def test_near_misses():
    assert near_miss("requirement.txt") == "requirements.txt"
    assert near_miss("Requirments.txt") == "requirements.txt"
    assert near_miss("requirements") == "requirements.txt"
    assert near_miss("PACKAGE.JSON") == "package.json"
    for name in ("requirements.txt", "requirements-dev.txt", "requirements.in",
                 "requirements1.txt", "requirements.txt.bak", ".requirements.txt", "README.md",
                 "required.txt", "setup.cfg"):
        assert near_miss(name) is None, name
