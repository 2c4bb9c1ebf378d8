"""The three trees (paasfix.core.tree): a directory and a git commit give the same answers for the
same content; the overlay shows edits on top of either."""

from __future__ import annotations

import git as gitpython
import pytest
from helpers import git_repo, make_tree

from paasfix.core.errors import FileProblem, UnsafePath
from paasfix.core.tree import (
    EXEC_MODE,
    FILE_MODE,
    LINK_MODE,
    MAX_FILE_SIZE,
    DirTree,
    GitTree,
    OverlayTree,
    join,
    normalize,
)

FILES = {
    "Procfile": "web: gunicorn app:application\n",
    "app/requirements.txt": "Django==3.2\n",
    "app/bin/post_compile": "#!/bin/sh\necho done\n",
    "app/settings/base.py": "DEBUG = False\n",
    "app/.hidden/x.txt": "hidden\n",
    "docs/a/b/c/deep.txt": "deep\n",
    "empty.txt": "",
    "crlf.txt": b"a\r\nb\r\n",
}
EXECUTABLE = ("app/bin/post_compile",)
SYMLINKS = {
    "requirements.txt": "app/requirements.txt",
    "code": "app",
    "app/settings/self": "../settings",
    "chain": "requirements.txt",
    "dangling": "no/such/file",
    "escape_up": "../outside.txt",
    "escape_deep": "app/../../outside.txt",
    "escape_dir": "../outside_dir",
    "app/escape_nested": "../../outside.txt",
    "loop_a": "loop_b",
    "loop_b": "loop_a",
}


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    base = tmp_path_factory.mktemp("trees")
    make_tree(base, {"outside.txt": "secret\n", "outside_dir/x.txt": "secret\n"})
    root = base / "repo"
    symlinks = dict(
        SYMLINKS, escape_abs=str(base / "outside.txt"), escape_abs_dir=str(base / "outside_dir")
    )
    git_repo(root, FILES, EXECUTABLE, symlinks)
    return root


@pytest.fixture(params=["dir", "git"])
def tree(request, content):
    if request.param == "dir":
        return DirTree(str(content))
    return GitTree(gitpython.Repo(content), "HEAD")


def both(content):
    return DirTree(str(content)), GitTree(gitpython.Repo(content), "HEAD")


# -- normalize -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("", ""),
        (".", ""),
        ("./", ""),
        ("a/./b/", "a/b"),
        ("a//b", "a/b"),
        ("a/b/..", "a"),
        ("a/../b", "b"),
        ("a\\b", "a/b"),
        ("app/", "app"),
    ],
)
def test_normalize_gives_a_clean_relative_path(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["..", "../x", "a/../../x", "a/b/../../..", "..\\x"])
def test_normalize_rejects_paths_that_leave_the_root(raw):
    with pytest.raises(UnsafePath, match="leaves the repository"):
        normalize(raw)


def test_normalize_rejects_absolute_paths():
    with pytest.raises(UnsafePath, match="absolute path"):
        normalize("/etc/passwd")


def test_join_skips_empty_parts_and_normalizes():
    assert join("", "requirements.txt") == "requirements.txt"
    assert join("app", "", "bin/../Procfile") == "app/Procfile"
    with pytest.raises(UnsafePath):
        join("app", "../../x")


# -- DirTree and GitTree agree ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path,kind",
    [
        ("", "dir"),
        ("app", "dir"),
        ("app/bin", "dir"),
        ("Procfile", "file"),
        ("app/requirements.txt", "file"),
        ("empty.txt", "file"),
        ("missing", None),
        ("app/missing/deeper", None),
        ("Procfile/inside", None),
        ("requirements.txt", "file"),
        ("code", "dir"),
        ("code/bin/post_compile", "file"),
        ("chain", "file"),
        ("app/settings/self/base.py", "file"),
        ("dangling", None),
    ],
)
def test_kind(tree, path, kind):
    assert tree.kind(path) == kind
    assert tree.is_file(path) == (kind == "file")
    assert tree.is_dir(path) == (kind == "dir")


def test_read_gives_exact_bytes(tree):
    assert tree.read("crlf.txt") == b"a\r\nb\r\n"
    assert tree.read("empty.txt") == b""
    assert tree.read("app/bin/post_compile") == b"#!/bin/sh\necho done\n"


def test_read_of_a_missing_path_is_none(tree):
    assert tree.read("nothing.txt") is None
    assert tree.read("dangling") is None


def test_read_of_a_directory_is_a_file_problem(tree):
    with pytest.raises(FileProblem, match="app: cannot be read: it is a directory, not a file"):
        tree.read("app")


def test_symlinks_inside_the_repository_are_followed(tree):
    assert tree.read("requirements.txt") == b"Django==3.2\n"
    assert tree.read("chain") == b"Django==3.2\n"
    assert tree.read("code/settings/base.py") == b"DEBUG = False\n"
    assert tree.read("app/settings/self/self/base.py") == b"DEBUG = False\n"


@pytest.mark.parametrize(
    "path",
    [
        "escape_up",
        "escape_deep",
        "escape_abs",
        "escape_dir",
        "escape_dir/x.txt",
        "escape_abs_dir/x.txt",
        "app/escape_nested",
        "code/escape_nested",
    ],
)
def test_symlinks_leaving_the_repository_are_unsafe(tree, path):
    with pytest.raises(UnsafePath, match="symbolic link that leaves the repository"):
        tree.kind(path)
    with pytest.raises(UnsafePath):
        tree.read(path)


def test_listing_a_directory_behind_an_escaping_link_is_unsafe(tree):
    with pytest.raises(UnsafePath):
        tree.listdir("escape_abs_dir")


def test_mode_of_a_file_behind_an_escaping_link_is_unsafe(tree):
    with pytest.raises(UnsafePath):
        tree.mode("escape_dir/x.txt")


def test_link_loops_are_a_file_problem(tree):
    with pytest.raises(FileProblem, match="too many levels of symbolic links"):
        tree.read("loop_a")


@pytest.mark.parametrize(
    "path,mode",
    [
        ("Procfile", FILE_MODE),
        ("app/bin/post_compile", EXEC_MODE),
        ("code/bin/post_compile", EXEC_MODE),
        ("requirements.txt", LINK_MODE),
        ("escape_up", LINK_MODE),
        ("dangling", LINK_MODE),
        ("app", None),
        ("", None),
        ("missing", None),
        ("app/missing", None),
    ],
)
def test_mode(tree, path, mode):
    assert tree.mode(path) == mode


def test_listdir_is_sorted_and_the_same_for_both_trees(content):
    dir_tree, git_tree = both(content)
    for path in ("", "app", "app/bin", "code", "docs/a", "app/settings/self"):
        assert dir_tree.listdir(path) == git_tree.listdir(path), path
    assert dir_tree.listdir("app") == [
        ".hidden",
        "bin",
        "escape_nested",
        "requirements.txt",
        "settings",
    ]


def test_listdir_of_the_root_does_not_show_the_git_directory(tree):
    names = tree.listdir("")
    assert ".git" not in names
    assert {"Procfile", "app", "code", "requirements.txt"} <= set(names)


def test_listdir_of_a_file_or_missing_path_is_empty(tree):
    assert tree.listdir("Procfile") == []
    assert tree.listdir("missing") == []


def test_text_decodes_with_the_mode(tree):
    file = tree.text("app/bin/post_compile")
    assert file.path == "app/bin/post_compile"
    assert file.mode == EXEC_MODE
    assert file.text == "#!/bin/sh\necho done\n"
    assert tree.text("./app//requirements.txt").path == "app/requirements.txt"
    assert tree.text("missing") is None


def test_every_answer_is_the_same_for_both_trees(content):
    dir_tree, git_tree = both(content)
    paths = [*FILES, *SYMLINKS, "", "app", "code/bin", "missing", "app/bin/post_compile/x"]

    def answers(tree, path):
        out = []
        for method in (tree.kind, tree.read, tree.mode, tree.listdir):
            try:
                out.append(method(path))
            except FileProblem as exc:
                out.append((type(exc).__name__, exc.path))
        return out

    for path in paths:
        assert answers(dir_tree, path) == answers(git_tree, path), path


def test_git_tree_reads_the_commit_not_the_work_tree(tmp_path):
    root = git_repo(tmp_path / "repo", {"Procfile": "web: old\n"})
    (root / "Procfile").write_text("web: new\n")
    (root / "untracked.txt").write_text("x\n")
    tree = GitTree(gitpython.Repo(root))
    assert tree.read("Procfile") == b"web: old\n"
    assert tree.kind("untracked.txt") is None
    assert tree.label.startswith("HEAD (")


def test_symlink_with_an_absolute_target_inside_the_checkout_is_still_unsafe(tmp_path):
    root = git_repo(
        tmp_path / "repo",
        {"real.txt": "x\n"},
        symlinks={"abs": str(tmp_path / "repo" / "real.txt")},
    )
    for tree in both(root):
        with pytest.raises(UnsafePath):
            tree.read("abs")


# -- size limit ------------------------------------------------------------------------------


def test_files_larger_than_the_limit_are_not_read(tmp_path):
    root = git_repo(
        tmp_path / "repo",
        {"big.txt": b"x" * (MAX_FILE_SIZE + 1), "limit.txt": b"y" * MAX_FILE_SIZE},
    )
    for tree in both(root):
        with pytest.raises(FileProblem) as info:
            tree.read("big.txt")
        assert info.value.path == "big.txt"
        assert "larger than the 2 MiB paasfix reads" in str(info.value)
        assert len(tree.read("limit.txt")) == MAX_FILE_SIZE
        assert tree.kind("big.txt") == "file"


# -- walk_dirs -------------------------------------------------------------------------------


def test_walk_dirs_goes_breadth_first_down_to_the_depth(tree):
    assert list(tree.walk_dirs("docs", 0)) == ["docs"]
    assert list(tree.walk_dirs("docs", 1)) == ["docs", "docs/a"]
    assert list(tree.walk_dirs("docs", 3)) == ["docs", "docs/a", "docs/a/b", "docs/a/b/c"]
    assert list(tree.walk_dirs("docs", 10)) == ["docs", "docs/a", "docs/a/b", "docs/a/b/c"]


def test_walk_dirs_skips_hidden_directories_and_follows_inside_links(tree):
    found = list(tree.walk_dirs("", 1))
    assert found[0] == ""
    assert "app" in found and "code" in found and "docs" in found
    assert all(not d.startswith(".") for d in found)
    assert "app/.hidden" not in list(tree.walk_dirs("app", 1))


def test_walk_dirs_skips_links_that_leave_the_repository(tree):
    found = list(tree.walk_dirs("", 1))
    assert "escape_dir" not in found and "escape_abs_dir" not in found


# -- OverlayTree -----------------------------------------------------------------------------


@pytest.fixture
def overlay(content):
    return OverlayTree(DirTree(str(content)))


def test_overlay_reads_the_base_until_written(overlay):
    assert overlay.read("Procfile") == b"web: gunicorn app:application\n"
    overlay.set("Procfile", b"web: new\n")
    assert overlay.read("Procfile") == b"web: new\n"
    assert overlay.base.read("Procfile") == b"web: gunicorn app:application\n"
    assert overlay.mode("Procfile") == FILE_MODE


def test_overlay_sees_modes_of_written_files(overlay):
    overlay.set("bin/pre-compile", b"#!/bin/sh\n", EXEC_MODE)
    assert overlay.mode("bin/pre-compile") == EXEC_MODE
    assert overlay.text("bin/pre-compile").mode == EXEC_MODE


def test_overlay_sees_deletions(overlay):
    overlay.set("Procfile", None)
    assert overlay.read("Procfile") is None
    assert overlay.kind("Procfile") is None
    assert overlay.mode("Procfile") is None
    assert "Procfile" not in overlay.listdir("")
    overlay.set("app/requirements.txt", None)
    assert "requirements.txt" not in overlay.listdir("app")
    assert "bin" in overlay.listdir("app")


def test_overlay_sees_new_directories(overlay):
    overlay.set("new/deeper/file.txt", b"x\n")
    assert overlay.kind("new") == "dir"
    assert overlay.kind("new/deeper") == "dir"
    assert overlay.kind("new/deeper/file.txt") == "file"
    assert "new" in overlay.listdir("")
    assert overlay.listdir("new") == ["deeper"]
    assert overlay.listdir("new/deeper") == ["file.txt"]
    assert list(overlay.walk_dirs("new", 5)) == ["new", "new/deeper"]


def test_overlay_adds_files_to_existing_directories(overlay):
    overlay.set("app/bin/pre_compile", b"#!/bin/sh\n", EXEC_MODE)
    assert overlay.listdir("app/bin") == ["post_compile", "pre_compile"]


def test_overlay_normalizes_paths(overlay):
    overlay.set("./app//runtime.txt", b"python-3.11.9\n")
    assert overlay.read("app/runtime.txt") == b"python-3.11.9\n"
    assert "app/runtime.txt" in overlay.files


def test_overlay_new_file_then_deleted_is_gone(overlay):
    overlay.set("tmp/x", b"1")
    overlay.set("tmp/x", None)
    assert overlay.kind("tmp/x") is None
    assert overlay.kind("tmp") is None
    assert "tmp" not in overlay.listdir("")
