"""Real files, real git repositories and the real ``paasfix`` command, for tests.

Every helper works on a directory under ``tmp_path``. git and paasfix run as subprocesses with
a fixed identity in their environment (the autouse fixture in conftest.py removes the
developer's git configuration), so no test depends on who runs it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence, Union

from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.fixer import Executable
from paasfix.project import Project

SAMPLES = Path(__file__).resolve().parent.parent / "sample_repos"

Content = Union[str, bytes]

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.test",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.test",
}

LINK_MODE = 0o120000


# -- files --------------------------------------------------------------------------------------


def make_tree(
    root: Path,
    files: Mapping[str, Union[Content, Executable]],
    executable: Iterable[str] = (),
    symlinks: Optional[Mapping[str, str]] = None,
) -> Path:
    """Write ``files`` (path -> text or bytes, written byte for byte) under ``root``.

    Paths in ``executable`` and :class:`paasfix.fixer.Executable` values (as in fixer examples)
    get mode 0755, every other file 0644; ``symlinks`` maps a link's path to its target,
    exactly as ``ln -s`` would be given it.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    executable = set(executable)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        runnable = rel in executable or isinstance(content, Executable)
        if isinstance(content, Executable):
            content = content.content
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        path.chmod(0o755 if runnable else 0o644)
    for rel, target in (symlinks or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    return root


def make_project(
    root: Path,
    files: Mapping[str, Union[Content, Executable]],
    build_dir: str = "",
    *,
    executable: Iterable[str] = (),
    symlinks: Optional[Mapping[str, str]] = None,
) -> Project:
    """The :class:`paasfix.project.Project` of a directory ``root`` holding ``files``."""
    return Project(
        DirTree(str(make_tree(root, files, executable, symlinks))), Config(build_dir=build_dir)
    )


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``root`` outside ``.git``: path -> (mode, bytes), a symbolic link as
    (0o120000, its target). The mode is git's form (0o100644) with the exact permission bits,
    so that any change of them shows. A named pipe, socket or device is its file type and
    permission bits with no content (reading it could block)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git" or dirpath != str(root)]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            st = os.lstat(full)
            if os.path.islink(full):
                out[rel] = (LINK_MODE, os.readlink(full).encode())
            elif not stat.S_ISREG(st.st_mode):
                out[rel] = (stat.S_IFMT(st.st_mode) | (st.st_mode & 0o7777), b"")
            else:
                out[rel] = (0o100000 | (st.st_mode & 0o777), Path(full).read_bytes())
    return dict(sorted(out.items()))


# -- git ------------------------------------------------------------------------------------------


Environment = Mapping[str, Optional[str]]
"""Variables to set on top of this process's environment; None removes one."""


def _environment(env: Optional[Environment]) -> dict[str, str]:
    """This process's environment with the test identity and ``env`` on top."""
    environment = {**os.environ, **GIT_IDENTITY}
    for name, value in (env or {}).items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def _run(
    command: list[str],
    input: Optional[Content] = None,
    env: Optional[Environment] = None,
    cwd: Optional[Path] = None,
) -> subprocess.CompletedProcess:
    """Run with the test identity; text output whose line endings are kept exactly (no
    universal newlines, undecodable bytes surrogate-escaped)."""
    data = input.encode("utf-8", "surrogateescape") if isinstance(input, str) else input
    result = subprocess.run(
        command, capture_output=True, check=False, input=data, cwd=cwd, env=_environment(env)
    )
    result.stdout = result.stdout.decode("utf-8", "surrogateescape")
    result.stderr = result.stderr.decode("utf-8", "surrogateescape")
    return result


def git(
    path: Path,
    *args: str,
    input: Optional[Content] = None,
    check: bool = True,
    env: Optional[Environment] = None,
) -> str:
    """Run git in ``path`` and return its standard output; unless ``check`` is False, a
    failure is an AssertionError with git's message."""
    result = _run(["git", "-C", str(path), *args], input, env)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout


def git_repo(
    path: Path,
    files: Optional[Mapping[str, Content]] = None,
    executable: Iterable[str] = (),
    symlinks: Optional[Mapping[str, str]] = None,
    message: Optional[str] = "initial",
) -> Path:
    """A git repository on branch ``main`` holding ``files`` (and whatever ``path`` already
    holds), committed unless ``message`` is None."""
    make_tree(path, files or {}, executable, symlinks)
    git(path, "init", "-q", "-b", "main")
    if message is not None:
        commit_all(path, message)
    return path


def init_repo(path: Path, source: Path) -> Path:
    """A git repository at ``path`` holding a copy of the directory ``source`` (a sample
    application), committed."""
    shutil.copytree(source, path, symlinks=True)
    return git_repo(path)


def commit_all(path: Path, message: str = "commit") -> str:
    """Stage everything and commit it; the new commit's id."""
    git(path, "add", "-A")
    git(path, "commit", "-q", "--allow-empty", "-m", message)
    return head(path)


def head(path: Path, rev: str = "HEAD") -> str:
    return git(path, "rev-parse", "--verify", "-q", rev).strip()


def status(path: Path) -> str:
    """``git status --porcelain`` including untracked files, without refreshing the index."""
    return git(
        path, "status", "--porcelain", "--untracked-files=all", env={"GIT_OPTIONAL_LOCKS": "0"}
    )


def tree_files(path: Path, rev: str = "HEAD") -> dict[str, tuple[int, bytes]]:
    """Every entry of a commit's tree: path -> (git mode, content; a link's target)."""
    out = {}
    listing = git(path, "ls-tree", "-r", "-z", rev)
    for entry in filter(None, listing.split("\0")):
        meta, name = entry.split("\t", 1)
        mode, _kind, sha = meta.split()
        blob = subprocess.run(
            ["git", "-C", str(path), "cat-file", "blob", sha], capture_output=True, check=True
        ).stdout
        out[name] = (int(mode, 8), blob)
    return out


# -- the command ----------------------------------------------------------------------------------


def paasfix(
    *args: str,
    cwd: Optional[Path] = None,
    input: Optional[Content] = None,
    env: Optional[Environment] = None,
    prefix: Sequence[str] = (),
) -> subprocess.CompletedProcess:
    """The real ``paasfix`` command (``python -m paasfix``), run through the command
    ``prefix`` when one is given (``setpriv ...``)."""
    return _run(
        [*prefix, sys.executable, "-m", "paasfix", *args],
        input,
        {"NO_COLOR": "1", **(env or {})},
        cwd,
    )


def start_paasfix(
    *args: str, cwd: Optional[Path] = None, env: Optional[Environment] = None, **popen
) -> subprocess.Popen:
    """The real ``paasfix`` command started in the background (for tests that signal it or
    run it as another user); its output is bytes on pipes."""
    return subprocess.Popen(
        [sys.executable, "-m", "paasfix", *args],
        cwd=cwd,
        env=_environment({"NO_COLOR": "1", **(env or {})}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,
    )
