"""Committing a changeset on a branch with git plumbing (sinks.commit, gitrepo): the work tree,
the index and the checked-out branch are left exactly as they were."""

from __future__ import annotations

import subprocess

import git as gitpython
import pytest
from helpers import (
    commit_all,
    git,
    git_repo,
    head,
    make_tree,
    paasfix,
    snapshot,
    status,
    tree_files,
)

from paasfix.core.errors import FileProblem, PaasfixError, UnsafePath
from paasfix.core.gitrepo import CommandTree, head_tree, open_repository
from paasfix.core.tree import EXEC_MODE, FILE_MODE, GitTree
from paasfix.runner import Change
from paasfix.sinks.commit import DEFAULT_BRANCH, TRAILER, commit_changes

MESSAGE = f"Fix deployment problems\n\n- fix-procfile: added a Procfile\n\n{TRAILER} 0.1.0\n"
BRANCH = "refs/heads/" + DEFAULT_BRANCH

FILES = {
    "requirements.txt": "Django==3.2\neventlet==0.31.0\n",
    "app_desc.yml": "spec_version: 2\n",
    "mysite/settings.py": "DEBUG = True\n",
    "notes.txt": "notes\n",
}

CHANGES = [
    Change(
        "requirements.txt",
        b"Django==3.2\neventlet==0.31.0\n",
        b"Django==3.2\neventlet==0.31.0\ngreenlet==1.1.3\n",
        FILE_MODE,
        FILE_MODE,
    ),
    Change("app_desc.yml", b"spec_version: 2\n", None, FILE_MODE, None),
    Change("bin/pre-compile", None, b"#!/bin/bash\nset -e\n", None, EXEC_MODE),
    Change("Procfile", None, b"web: gunicorn mysite.wsgi\r\n", None, FILE_MODE),
]


def expected_tree(base: dict, changes) -> dict:
    result = dict(base)
    for change in changes:
        if change.new is None:
            result.pop(change.path)
        else:
            result[change.path] = (change.new_mode, change.new)
    return result


@pytest.fixture
def repo(tmp_path):
    return git_repo(tmp_path / "repo", FILES)


def make_uncommitted_work(root):
    """A modified tracked file, a staged change and an untracked file."""
    (root / "requirements.txt").write_text("Django==4.2  # mine, not committed\n")
    (root / "mysite/settings.py").write_text("DEBUG = False\n")
    git(root, "add", "mysite/settings.py")
    (root / "local.txt").write_text("untracked\n")


def state(root) -> dict:
    """Everything a user could lose: the index bytes, HEAD, the branches, status, the files."""
    return {
        "index": (root / ".git/index").read_bytes(),
        "HEAD file": (root / ".git/HEAD").read_bytes(),
        "HEAD": head(root),
        "branch": git(root, "symbolic-ref", "-q", "HEAD", check=False),
        "main": head(root, "refs/heads/main"),
        "status": status(root),
        "files": snapshot(root),
    }


def test_commit_leaves_uncommitted_work_index_head_and_branch_untouched(repo):
    make_uncommitted_work(repo)
    before = state(repo)
    assert before["status"] == "M  mysite/settings.py\n M requirements.txt\n?? local.txt\n"
    result = commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE)
    assert result.created
    assert state(repo) == before


def test_commit_is_one_commit_on_the_branch_with_the_changes(repo):
    base = head(repo)
    base_tree = tree_files(repo)
    result = commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE)
    assert result.branch == DEFAULT_BRANCH
    assert result.commit == head(repo, BRANCH)
    assert git(repo, "rev-list", f"{base}..{BRANCH}").split() == [result.commit]
    assert git(repo, "rev-parse", f"{result.commit}^@").split() == [base]
    files = tree_files(repo, result.commit)
    assert files == expected_tree(base_tree, CHANGES)
    assert files["bin/pre-compile"][0] == 0o100755
    assert "app_desc.yml" not in files
    assert git(repo, "log", "-1", "--format=%B", result.commit) == MESSAGE + "\n"
    assert git(repo, "fsck", "--no-progress", "--strict") == ""


def test_commit_keeps_paths_git_would_otherwise_quote(repo):
    odd = ['"quoted".txt', "tab\there.txt", "新しい/設定.py", "line\nbreak.txt"]
    changes = [Change(path, None, b"x\n", None, FILE_MODE) for path in odd]
    result = commit_changes(gitpython.Repo(repo), "HEAD", changes, MESSAGE)
    files = tree_files(repo, result.commit)
    assert all(files[path] == (FILE_MODE, b"x\n") for path in odd)


def test_commit_with_the_same_changes_again_changes_nothing(repo):
    repository = gitpython.Repo(repo)
    first = commit_changes(repository, "HEAD", CHANGES, MESSAGE)
    reflog = git(repo, "reflog", "show", BRANCH)
    again = commit_changes(repository, "HEAD", CHANGES, MESSAGE)
    assert again.created is False
    assert again.commit == first.commit
    assert head(repo, BRANCH) == first.commit
    assert git(repo, "reflog", "show", BRANCH) == reflog


def test_commit_with_new_changes_replaces_its_own_commit(repo):
    repository = gitpython.Repo(repo)
    first = commit_changes(repository, "HEAD", CHANGES, MESSAGE)
    second = commit_changes(repository, "HEAD", CHANGES[:1], MESSAGE)
    assert second.created and second.commit != first.commit
    assert git(repo, "rev-parse", f"{second.commit}^@").split() == [head(repo)]
    assert head(repo, BRANCH) == second.commit


def test_commit_follows_a_moved_head(repo):
    repository = gitpython.Repo(repo)
    commit_changes(repository, "HEAD", CHANGES, MESSAGE)
    (repo / "notes.txt").write_text("more notes\n")
    new_head = commit_all(repo, "more work")
    result = commit_changes(repository, "HEAD", CHANGES, MESSAGE)
    assert result.created
    assert git(repo, "rev-parse", f"{result.commit}^@").split() == [new_head]
    assert tree_files(repo, result.commit)["notes.txt"] == (0o100644, b"more notes\n")


def test_branch_with_someone_elses_commit_is_refused(repo):
    repository = gitpython.Repo(repo)
    commit_changes(repository, "HEAD", CHANGES, MESSAGE)
    git(repo, "checkout", "-q", DEFAULT_BRANCH)
    (repo / "notes.txt").write_text("reviewer's fix\n")
    theirs = commit_all(repo, "reviewer adds a commit")
    git(repo, "checkout", "-q", "main")
    with pytest.raises(PaasfixError, match="its last commit was not made by paasfix"):
        commit_changes(repository, "HEAD", CHANGES[:1], MESSAGE)
    assert head(repo, BRANCH) == theirs


def test_existing_unrelated_branch_is_refused(repo):
    git(repo, "branch", "feature")
    with pytest.raises(PaasfixError, match="'feature' already exists"):
        commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE, branch="feature")
    assert head(repo, "refs/heads/feature") == head(repo)


def test_committing_to_the_checked_out_branch_is_refused(repo):
    before = state(repo)
    with pytest.raises(PaasfixError, match="'main' is the checked-out branch"):
        commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE, branch="main")
    assert state(repo) == before


def test_committing_to_a_branch_checked_out_in_another_worktree_is_refused(repo, tmp_path):
    commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE)
    git(repo, "worktree", "add", "-q", str(tmp_path / "other"), DEFAULT_BRANCH)
    tip = head(repo, BRANCH)
    with pytest.raises(PaasfixError, match="checked out"):
        commit_changes(gitpython.Repo(repo), "HEAD", CHANGES[:1], MESSAGE)
    assert head(repo, BRANCH) == tip
    assert status(tmp_path / "other") == ""


def test_invalid_branch_name_is_refused(repo):
    with pytest.raises(PaasfixError, match="'bad..name' is not a valid branch name"):
        commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE, branch="bad..name")


def test_commit_from_a_detached_head(repo):
    commit_all(repo, "second")
    first = head(repo, "HEAD~1")
    git(repo, "checkout", "-q", "--detach", first)
    result = commit_changes(gitpython.Repo(repo), "HEAD", CHANGES[:1], MESSAGE)
    assert git(repo, "rev-parse", f"{result.commit}^@").split() == [first]
    assert head(repo) == first


def test_message_without_the_trailer_still_marks_the_commit_as_ours(repo):
    repository = gitpython.Repo(repo)
    first = commit_changes(repository, "HEAD", CHANGES, "Fix things\n")
    assert TRAILER in git(repo, "log", "-1", "--format=%B", first.commit)
    second = commit_changes(repository, "HEAD", CHANGES[:1], "Fix fewer things\n")
    assert second.created


def test_no_configured_identity_uses_the_fallback(repo):
    unset = subprocess.run(["git", "-C", str(repo), "config", "user.name"], capture_output=True)
    assert unset.returncode == 1
    result = commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE)
    assert (
        git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", result.commit).strip()
        == "paasfix <paasfix@localhost>|paasfix <paasfix@localhost>"
    )


def test_configured_identity_is_used(repo):
    git(repo, "config", "user.name", "Repo Owner")
    git(repo, "config", "user.email", "owner@example.test")
    result = commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE)
    assert (
        git(repo, "log", "-1", "--format=%an <%ae>", result.commit).strip()
        == "Repo Owner <owner@example.test>"
    )


def test_identity_from_any_git_configuration_source_is_used(repo, tmp_path, monkeypatch):
    other = tmp_path / "other.gitconfig"
    other.write_text("[user]\n\tname = Global Person\n\temail = global@example.test\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(other))
    result = commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE)
    assert (
        git(repo, "log", "-1", "--format=%an <%ae>", result.commit).strip()
        == "Global Person <global@example.test>"
    )


def test_identity_from_the_environment_is_used(repo, monkeypatch):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Bot")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "bot@example.test")
    result = commit_changes(gitpython.Repo(repo), "HEAD", CHANGES, MESSAGE)
    assert (
        git(repo, "log", "-1", "--format=%an <%ae>|%cn", result.commit).strip()
        == "Bot <bot@example.test>|paasfix"
    )


def test_paths_with_spaces_and_non_ascii_names(repo):
    changes = [
        Change("docs/ça va.md", None, "é\n".encode(), None, FILE_MODE),
        Change("notes.txt", b"notes\n", None, FILE_MODE, None),
    ]
    result = commit_changes(gitpython.Repo(repo), "HEAD", changes, MESSAGE)
    files = tree_files(repo, result.commit)
    assert files["docs/ça va.md"] == (0o100644, "é\n".encode())
    assert "notes.txt" not in files


# -- opening the repository ------------------------------------------------------------------


def test_head_tree_reads_the_head_commit(repo):
    (repo / "notes.txt").write_text("uncommitted\n")
    tree = head_tree(open_repository(str(repo)))
    assert tree.read("notes.txt") == b"notes\n"


def test_empty_repository_has_no_head_tree(tmp_path):
    root = git_repo(tmp_path / "empty", {"a.txt": "a\n"}, message=None)
    with pytest.raises(PaasfixError, match="no commits yet"):
        head_tree(open_repository(str(root)))


def test_commit_in_an_empty_repository_is_a_clear_error(tmp_path):
    root = git_repo(tmp_path / "empty", {"a.txt": "a\n"}, message=None)
    with pytest.raises(PaasfixError, match="no commits yet"):
        commit_changes(gitpython.Repo(root), "HEAD", CHANGES[:1], MESSAGE)


def test_open_repository_needs_the_top_of_a_work_tree(repo, tmp_path):
    with pytest.raises(PaasfixError, match="not the top of a git repository"):
        open_repository(str(repo / "mysite"))
    (tmp_path / "plain").mkdir()
    with pytest.raises(PaasfixError, match="not the top of a git repository"):
        open_repository(str(tmp_path / "plain"))
    with pytest.raises(PaasfixError, match="not the top of a git repository"):
        open_repository(str(tmp_path / "missing"))


def sha256_repo(path, files):
    """A git repository whose objects are named by SHA-256, holding ``files``, committed."""
    make_tree(path, files)
    git(path, "init", "-q", "-b", "main", "--object-format=sha256")
    commit_all(path, "initial")
    return path


def test_fix_commit_works_in_a_sha256_repository(tmp_path):
    repo = sha256_repo(
        tmp_path / "repo",
        {
            "Procfile": "web: gunicorn app:app\n",
            "requirements.txt": "flask\ngunicorn\n",
            "app.py": "app = None\n",
        },
    )
    base = head(repo)
    assert len(base) == 64
    before = state(repo)
    result = paasfix("fix", "--commit", str(repo))
    assert result.returncode == 0, result.stderr
    commit = head(repo, BRANCH)
    assert len(commit) == 64
    assert result.stderr.splitlines()[-1] == f"committed {commit[:12]} on branch {DEFAULT_BRANCH}"
    assert git(repo, "rev-parse", f"{commit}^@").split() == [base]
    files = tree_files(repo, commit)
    assert "Procfile" not in files and "app_desc.yaml" in files
    assert git(repo, "fsck", "--no-progress", "--strict") == ""
    assert state(repo) == before
    again = paasfix("fix", "--commit", str(repo))
    assert again.stderr.splitlines()[-1] == (
        f"already up to date: {commit[:12]} on branch {DEFAULT_BRANCH}"
    )


def test_a_sha256_empty_repository_has_no_head_tree(tmp_path):
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "--object-format=sha256")
    with pytest.raises(PaasfixError, match="no commits yet"):
        head_tree(open_repository(str(repo)))


def test_the_command_tree_reads_a_commit_as_gitpython_does(tmp_path):
    repo = git_repo(
        tmp_path / "repo",
        {"Procfile": "web: a\n", "src/app.py": "x = 1\n", "src/bin/run": "#!/bin/sh\n"},
        executable=["src/bin/run"],
        symlinks={
            "code": "src",
            "up": "../outside",
            "abs": "/etc/passwd",
            "src/self": "../src/app.py",
        },
    )
    git(repo, "commit", "-q", "--allow-empty", "-m", "again")
    ours, theirs = CommandTree(str(repo / ".git")), GitTree(gitpython.Repo(repo))
    paths = [
        "",
        "Procfile",
        "src",
        "src/app.py",
        "src/bin/run",
        "code",
        "code/app.py",
        "code/bin",
        "src/self",
        "missing",
        "Procfile/x",
        "src/app.py/x",
    ]
    for path in paths:
        assert ours.kind(path) == theirs.kind(path), path
        if ours.kind(path) == "dir":
            for tree in (ours, theirs):
                with pytest.raises(FileProblem, match="it is a directory"):
                    tree.read(path)
        else:
            assert ours.read(path) == theirs.read(path), path
        assert ours.mode(path) == theirs.mode(path), path
        assert ours.listdir(path) == theirs.listdir(path), path
    for path in ("up", "abs", "up/x"):
        for tree in (ours, theirs):
            with pytest.raises(UnsafePath):
                tree.read(path)
