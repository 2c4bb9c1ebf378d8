"""Running the real ``paasfix`` command and real git in temporary repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Optional

SAMPLES = Path(__file__).resolve().parent.parent / "sample_repos"

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.test",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.test",
}


def _run(command: list[str], input: Optional[str], **kwargs) -> subprocess.CompletedProcess:
    """Run with text output whose line endings are kept exactly (no universal newlines)."""
    result = subprocess.run(command, capture_output=True, check=False,
                            input=None if input is None else input.encode("utf-8", "surrogateescape"),
                            **kwargs)
    result.stdout = result.stdout.decode("utf-8", "surrogateescape")
    result.stderr = result.stderr.decode("utf-8", "surrogateescape")
    return result


def git(repo: Path, *args: str, input: Optional[str] = None) -> subprocess.CompletedProcess:
    return _run(["git", "-C", str(repo), *args], input, env={**os.environ, **GIT_IDENTITY})


def init_repo(path: Path, source: Optional[Path] = None) -> Path:
    """A git repository at ``path`` with ``source`` copied in and committed."""
    if source is not None:
        shutil.copytree(source, path, symlinks=True)
    else:
        path.mkdir(parents=True)
    for args in (("init", "-q", "-b", "main"), ("add", "-A"),
                 ("commit", "-q", "--allow-empty", "-m", "initial")):
        result = git(path, *args)
        assert result.returncode == 0, result.stderr
    return path


def paasfix(*args: str, cwd: Optional[Path] = None, input: Optional[str] = None
            ) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_IDENTITY, "NO_COLOR": "1"}
    return _run([sys.executable, "-m", "paasfix", *args], input, cwd=cwd, env=env)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root`` (outside .git) with its bytes and permission bits."""
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if rel == ".git" or rel.startswith(".git/") or path.is_dir() and not path.is_symlink():
            continue
        if path.is_symlink():
            files[rel] = (os.readlink(path).encode(), 0o120000)
        else:
            files[rel] = (path.read_bytes(), path.stat().st_mode & 0o777)
    return files
