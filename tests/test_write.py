"""Writing a changeset into the work tree (sinks.write): atomic, mode-preserving, inside the
repository only, and never over uncommitted work unless allowed."""

from __future__ import annotations

import os
import stat

import pytest
from helpers import commit_all, git, git_repo, make_tree, status

from paasfix.core.errors import PaasfixError, UnsafePath
from paasfix.core.tree import EXEC_MODE, FILE_MODE
from paasfix.runner import Change
from paasfix.sinks.write import dirty_paths, write_changes


def change(path, new, old=b"", new_mode=FILE_MODE, old_mode=FILE_MODE) -> Change:
    return Change(
        path, old, new, old_mode if old is not None else None, new_mode if new is not None else None
    )


def perms(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def repo(tmp_path):
    return git_repo(
        tmp_path / "repo",
        {
            "Procfile": "web: a\n",
            "requirements.txt": "flask\n",
            "bin/post_compile": "#!/bin/sh\n",
            "app/settings.py": "DEBUG = True\n",
        },
        executable=["bin/post_compile"],
    )


def test_writes_new_bytes(repo):
    write_changes(str(repo), [change("Procfile", b"web: b\r\n", b"web: a\n")])
    assert (repo / "Procfile").read_bytes() == b"web: b\r\n"


def test_write_replaces_the_file_and_leaves_no_temporary_file(repo):
    inode = os.stat(repo / "Procfile").st_ino
    write_changes(str(repo), [change("Procfile", b"web: b\n", b"web: a\n")])
    assert (repo / "Procfile").read_bytes() == b"web: b\n"
    assert os.stat(repo / "Procfile").st_ino != inode
    assert not [p for p in os.listdir(repo) if p.startswith(".paasfix-")]


def test_a_file_with_hard_links_is_rewritten_in_place(repo):
    os.link(repo / "Procfile", repo.parent / "hardlink")
    inode = os.stat(repo / "Procfile").st_ino
    write_changes(str(repo), [change("Procfile", b"web: b\n", b"web: a\n")])
    assert (repo / "Procfile").read_bytes() == b"web: b\n"
    assert (repo.parent / "hardlink").read_bytes() == b"web: b\n"
    assert os.stat(repo / "Procfile").st_ino == inode


def test_keeps_the_permissions_of_an_existing_file(repo):
    os.chmod(repo / "Procfile", 0o640)
    os.chmod(repo / "bin/post_compile", 0o750)
    write_changes(
        str(repo),
        [
            change("Procfile", b"web: b\n", b"web: a\n"),
            change(
                "bin/post_compile",
                b"#!/bin/sh\nexit\n",
                b"#!/bin/sh\n",
                new_mode=EXEC_MODE,
                old_mode=EXEC_MODE,
            ),
        ],
        allow_dirty=True,
    )
    assert perms(repo / "Procfile") == 0o640
    assert perms(repo / "bin/post_compile") == 0o750


def test_sets_the_exec_bit_for_an_executable_mode(repo):
    write_changes(str(repo), [change("requirements.txt", b"flask\n", b"flask\n", EXEC_MODE)])
    assert perms(repo / "requirements.txt") == 0o755


def test_clears_the_exec_bit_for_a_plain_mode(repo):
    write_changes(
        str(repo),
        [change("bin/post_compile", b"#!/bin/sh\n", b"#!/bin/sh\n", FILE_MODE, EXEC_MODE)],
    )
    assert perms(repo / "bin/post_compile") == 0o644


def test_new_files_follow_the_umask_and_create_directories(repo, umask_022):
    write_changes(
        str(repo),
        [
            change("deep/er/new.txt", b"x\n", None),
            change("bin/pre-compile", b"#!/bin/sh\n", None, EXEC_MODE),
        ],
    )
    assert (repo / "deep/er/new.txt").read_bytes() == b"x\n"
    assert perms(repo / "deep/er/new.txt") == 0o644
    assert perms(repo / "bin/pre-compile") == 0o755


def test_deletes_files(repo):
    write_changes(str(repo), [change("Procfile", None, b"web: a\n")])
    assert not (repo / "Procfile").exists()


def test_deleting_the_last_file_of_a_directory_removes_the_directory(repo):
    make_tree(repo, {"deploy/hooks/old.sh": "echo\n", "deploy/keep.txt": "keep\n"})
    commit_all(repo)
    write_changes(str(repo), [change("deploy/hooks/old.sh", None, b"echo\n")])
    assert not (repo / "deploy/hooks").exists()
    assert (repo / "deploy/keep.txt").read_bytes() == b"keep\n"


def test_deleting_a_file_already_gone_is_not_an_error(repo):
    (repo / "Procfile").unlink()
    write_changes(str(repo), [change("Procfile", None, b"web: a\n")], allow_dirty=True)
    assert not (repo / "Procfile").exists()


def test_result_is_a_clean_commit_of_the_changes(repo):
    write_changes(
        str(repo),
        [
            change("Procfile", b"web: b\n", b"web: a\n"),
            change("requirements.txt", None, b"flask\n"),
            change("bin/pre-compile", b"#!/bin/sh\n", None, EXEC_MODE),
        ],
    )
    assert sorted(status(repo).splitlines()) == [
        " D requirements.txt",
        " M Procfile",
        "?? bin/pre-compile",
    ]
    commit_all(repo, "fixed")
    assert git(repo, "ls-files", "-s", "bin/pre-compile").startswith("100755 ")


@pytest.mark.parametrize(
    "make_dirty,shown",
    [
        (lambda r: (r / "Procfile").write_text("web: mine\n"), "Procfile"),
        (
            lambda r: ((r / "Procfile").write_text("web: staged\n"), git(r, "add", "Procfile")),
            "Procfile",
        ),
        (lambda r: (r / "Procfile").unlink(), "Procfile"),
        (lambda r: (r / "bin/pre-compile").write_text("mine\n"), "bin/pre-compile"),
    ],
)
def test_refuses_to_overwrite_uncommitted_changes(repo, make_dirty, shown):
    make_dirty(repo)
    before = {p: (repo / p).read_bytes() for p in ("requirements.txt", "app/settings.py")}
    changes = [
        change("requirements.txt", b"flask\ngunicorn\n"),
        change("Procfile", b"web: fixed\n"),
        change("bin/pre-compile", b"#!/bin/sh\n", None, EXEC_MODE),
        change("app/new.py", b"x = 1\n", None),
    ]
    with pytest.raises(PaasfixError) as info:
        write_changes(str(repo), changes)
    message = str(info.value)
    assert message.startswith(f"refusing to overwrite uncommitted changes in {shown}")
    assert "--allow-dirty" in message
    assert {p: (repo / p).read_bytes() for p in before} == before
    assert not (repo / "app/new.py").exists()


def test_dirty_files_elsewhere_do_not_matter(repo):
    (repo / "app/settings.py").write_text("DEBUG = False\n")
    (repo / "notes.txt").write_text("mine\n")
    write_changes(str(repo), [change("Procfile", b"web: b\n", b"web: a\n")])
    assert (repo / "Procfile").read_bytes() == b"web: b\n"
    assert (repo / "app/settings.py").read_text() == "DEBUG = False\n"


def test_allow_dirty_overwrites(repo):
    (repo / "Procfile").write_text("web: mine\n")
    write_changes(str(repo), [change("Procfile", b"web: b\n", b"web: mine\n")], allow_dirty=True)
    assert (repo / "Procfile").read_bytes() == b"web: b\n"


def test_dirty_paths_lists_only_the_dirty_targets(repo):
    (repo / "Procfile").write_text("mine\n")
    (repo / "untracked.txt").write_text("x\n")
    (repo / "app/settings.py").write_text("x\n")
    git(repo, "add", "app/settings.py")
    assert sorted(
        dirty_paths(
            str(repo),
            ["Procfile", "untracked.txt", "app/settings.py", "requirements.txt", "missing.txt"],
        )
    ) == ["Procfile", "app/settings.py", "untracked.txt"]
    assert dirty_paths(str(repo), []) == []


def test_dirty_paths_are_relative_to_a_subdirectory_root(tmp_path):
    repo = git_repo(
        tmp_path / "mono", {"services/api/Procfile": "web: a\n", "Procfile": "web: root\n"}
    )
    (repo / "services/api/Procfile").write_text("web: mine\n")
    root = str(repo / "services/api")
    assert dirty_paths(root, ["Procfile"]) == ["Procfile"]
    with pytest.raises(PaasfixError, match="uncommitted changes in Procfile;"):
        write_changes(root, [change("Procfile", b"web: b\n", b"web: mine\n")])
    write_changes(str(repo), [change("Procfile", b"web: new root\n", b"web: root\n")])
    assert (repo / "Procfile").read_text() == "web: new root\n"


def test_pathspec_characters_in_names_are_taken_literally(repo):
    (repo / "a[1].txt").write_text("mine\n")
    commit_all(repo, "bracket file")
    (repo / "a1.txt").write_text("untracked, unrelated\n")
    write_changes(str(repo), [change("a[1].txt", b"fixed\n", b"mine\n")])
    assert (repo / "a[1].txt").read_text() == "fixed\n"


def test_refuses_a_directory_link_that_leaves_the_repository(tmp_path):
    make_tree(tmp_path / "outside", {"x.txt": "secret\n"})
    repo = git_repo(tmp_path / "repo", {"a.txt": "a\n"}, symlinks={"out": "../outside"})
    with pytest.raises(UnsafePath, match="leaves the repository"):
        write_changes(
            str(repo),
            [change("a.txt", b"b\n", b"a\n"), change("out/x.txt", b"pwned\n", b"secret\n")],
        )
    assert (tmp_path / "outside/x.txt").read_text() == "secret\n"
    assert (repo / "a.txt").read_text() == "a\n"


def test_refuses_to_write_through_a_file_link(tmp_path):
    make_tree(tmp_path / "outside", {"x.txt": "secret\n"})
    repo = git_repo(
        tmp_path / "repo",
        {"real.txt": "r\n"},
        symlinks={"inside": "real.txt", "outside": "../outside/x.txt"},
    )
    for path in ("inside", "outside"):
        with pytest.raises(UnsafePath, match="symbolic link"):
            write_changes(str(repo), [change(path, b"new\n")])
    assert (repo / "real.txt").read_text() == "r\n"
    assert (tmp_path / "outside/x.txt").read_text() == "secret\n"
    assert os.readlink(repo / "inside") == "real.txt"


def test_writes_outside_a_git_repository(tmp_path):
    root = make_tree(tmp_path / "plain", {"Procfile": "web: a\n"})
    assert dirty_paths(str(root), ["Procfile"]) == []
    write_changes(
        str(root), [change("Procfile", b"web: b\n", b"web: a\n"), change("new/x", b"x\n", None)]
    )
    assert (root / "Procfile").read_text() == "web: b\n"
    assert (root / "new/x").read_text() == "x\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs to give the repository to another user")
def test_a_repository_git_refuses_to_read_is_an_error_not_a_clean_tree(repo):
    (repo / "Procfile").write_text("web: mine\n")
    for dirpath, _dirnames, filenames in os.walk(repo):
        for name in [dirpath, *(os.path.join(dirpath, n) for n in filenames)]:
            os.lchown(name, 12345, 12345)
    with pytest.raises(PaasfixError, match="dubious ownership"):
        write_changes(str(repo), [change("Procfile", b"web: b\n")])
    assert (repo / "Procfile").read_text() == "web: mine\n"


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_refuses_files_git_status_is_told_not_to_look_at(repo, flag):
    git(repo, "update-index", flag, "Procfile", "requirements.txt")
    (repo / "Procfile").write_text("web: mine\n")
    assert status(repo) == ""
    assert dirty_paths(str(repo), ["Procfile", "requirements.txt"]) == ["Procfile"]
    with pytest.raises(PaasfixError, match="uncommitted changes in Procfile;"):
        write_changes(
            str(repo),
            [
                change("requirements.txt", b"flask\ngunicorn\n", b"flask\n"),
                change("Procfile", b"web: b\n", b"web: mine\n"),
            ],
        )
    assert (repo / "Procfile").read_text() == "web: mine\n"
    assert (repo / "requirements.txt").read_text() == "flask\n"


def test_a_marked_file_missing_from_the_work_tree_counts_as_changed(repo):
    git(repo, "update-index", "--skip-worktree", "Procfile")
    (repo / "Procfile").unlink()
    assert dirty_paths(str(repo), ["Procfile"]) == ["Procfile"]
