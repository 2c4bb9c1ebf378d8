"""Real files and real git repositories for tests.

Every helper works on a directory under ``tmp_path``; git runs as a subprocess with a fixed
identity given on its command line, so no test depends on the developer's git configuration.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterable, Mapping, Optional, Union

Content = Union[str, bytes]

IDENTITY = ("-c", "user.name=Paasfix Tests", "-c", "user.email=tests@paasfix.invalid")


def make_tree(root: Path, files: Mapping[str, Content], executable: Iterable[str] = (),
              symlinks: Optional[Mapping[str, str]] = None) -> Path:
    """Write ``files`` (path -> text or bytes, written byte for byte) under ``root``.

    Paths in ``executable`` get mode 0755, every other file 0644; ``symlinks`` maps a link's
    path to its target, exactly as ``ln -s`` would be given it.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    executable = set(executable)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        path.chmod(0o755 if rel in executable else 0o644)
    for rel, target in (symlinks or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    return root


def git(path: Path, *args: str, input: Optional[Content] = None, check: bool = True,
        env: Optional[Mapping[str, str]] = None) -> str:
    """Run git in ``path`` and return its standard output (surrogate-escaped text)."""
    data = input.encode("utf-8") if isinstance(input, str) else input
    result = subprocess.run(["git", *IDENTITY, "-C", str(path), *args], input=data,
                            capture_output=True, check=False,
                            env={**os.environ, **env} if env else None)
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout.decode("utf-8", "surrogateescape")


def git_repo(path: Path, files: Optional[Mapping[str, Content]] = None,
             executable: Iterable[str] = (), symlinks: Optional[Mapping[str, str]] = None,
             message: Optional[str] = "initial") -> Path:
    """A git repository on branch ``main`` holding ``files``, committed unless ``message`` is None."""
    make_tree(path, files or {}, executable, symlinks)
    git(path, "init", "-q", "-b", "main")
    if message is not None and (files or symlinks):
        commit_all(path, message)
    return path


def commit_all(path: Path, message: str = "commit") -> str:
    """Stage everything and commit it; the new commit's id."""
    git(path, "add", "-A")
    git(path, "commit", "-q", "--allow-empty", "-m", message)
    return head(path)


def head(path: Path, rev: str = "HEAD") -> str:
    return git(path, "rev-parse", "--verify", "-q", rev).strip()


def status(path: Path) -> str:
    """``git status --porcelain`` including untracked files, without refreshing the index."""
    return git(path, "status", "--porcelain", "--untracked-files=all",
               env={"GIT_OPTIONAL_LOCKS": "0"})


def tree_files(path: Path, rev: str = "HEAD") -> dict[str, tuple[int, bytes]]:
    """Every entry of a commit's tree: path -> (git mode, content; a link's target)."""
    out = {}
    listing = git(path, "ls-tree", "-r", "-z", rev)
    for entry in filter(None, listing.split("\0")):
        meta, name = entry.split("\t", 1)
        mode, _kind, sha = meta.split()
        blob = subprocess.run(["git", "-C", str(path), "cat-file", "blob", sha],
                              capture_output=True, check=True).stdout
        out[name] = (int(mode, 8), blob)
    return out


def disk_files(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``root`` outside ``.git``: path -> (git-style mode, bytes or link target)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git" or dirpath != str(root)]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root).replace(os.sep, "/")
            if os.path.islink(full):
                out[rel] = (0o120000, os.readlink(full).encode())
            else:
                mode = 0o100755 if os.stat(full).st_mode & 0o100 else 0o100644
                out[rel] = (mode, Path(full).read_bytes())
    return out
