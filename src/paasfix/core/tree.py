"""Read-only views of a repository's files: a directory, a git commit, or either plus edits.

Paths are relative POSIX strings (``"src/requirements.txt"``; ``""`` is the root). Nothing
here walks a whole repository: callers ask for the few paths the platform reads.
"""

from __future__ import annotations

import os
import posixpath
import stat
from typing import TYPE_CHECKING, Iterable, Optional

from paasfix.core.errors import FileProblem, UnsafePath
from paasfix.core.text import TextFile, decode

if TYPE_CHECKING:
    from git import Repo
    from git.objects.base import IndexObjUnion

MAX_FILE_SIZE = 2 * 1024 * 1024
"""Files larger than this are not read (no file the platform reads is anywhere near it)."""

FILE_MODE = 0o100644
EXEC_MODE = 0o100755
LINK_MODE = 0o120000
_MAX_LINK_DEPTH = 16


def normalize(path: str) -> str:
    """``a/./b/`` -> ``a/b``; raise UnsafePath for a path that leaves the root."""
    path = path.replace("\\", "/")
    if path.startswith("/"):
        raise UnsafePath(path, "is an absolute path; paths are relative to the repository")
    norm = posixpath.normpath(path) if path else ""
    if norm == ".":
        return ""
    if norm == ".." or norm.startswith("../"):
        raise UnsafePath(path, "leaves the repository")
    return norm


def join(*parts: str) -> str:
    """Join like ``posixpath.join`` (an absolute part starts over), then :func:`normalize`."""
    return normalize(posixpath.join("", *parts))


class Tree:
    """The interface every tree offers."""

    label = ""

    def kind(self, path: str) -> Optional[str]:
        """``"file"``, ``"dir"`` or None, after following links inside the tree."""
        raise NotImplementedError

    def read(self, path: str) -> Optional[bytes]:
        """The bytes of a file, or None when there is no such file."""
        raise NotImplementedError

    def mode(self, path: str) -> Optional[int]:
        """The git file mode of an existing file (0o100644, 0o100755 or 0o120000 for a link)."""
        raise NotImplementedError

    def listdir(self, path: str = "") -> list[str]:
        """Sorted names in a directory (empty when it is not one)."""
        raise NotImplementedError

    def is_file(self, path: str) -> bool:
        return self.kind(path) == "file"

    def is_dir(self, path: str) -> bool:
        return self.kind(path) == "dir"

    def text(self, path: str) -> Optional[TextFile]:
        """The decoded file, None if absent; FileProblem if it is binary or undecodable."""
        raw = self.read(path)
        if raw is None:
            return None
        return decode(normalize(path), raw, self.mode(path) or FILE_MODE)

    def walk_dirs(self, path: str, depth: int) -> Iterable[str]:
        """``path`` and its subdirectories down to ``depth`` levels, breadth first."""
        level = [normalize(path)]
        for current_depth in range(depth + 1):
            nxt: list[str] = []
            for directory in level:
                yield directory
                if current_depth < depth:
                    nxt.extend(
                        join(directory, name)
                        for name in self.listdir(directory)
                        if not name.startswith(".") and self._is_safe_dir(join(directory, name))
                    )
            level = nxt

    def _is_safe_dir(self, path: str) -> bool:
        try:
            return self.is_dir(path)
        except FileProblem:
            return False


def _check_size(path: str, size: int) -> None:
    if size > MAX_FILE_SIZE:
        raise FileProblem(
            path,
            f"is {size / 1048576:.1f} MiB, larger than the {MAX_FILE_SIZE // 1048576} MiB paasfix reads",
        )


_ABSENT = (FileNotFoundError, NotADirectoryError)
"""What ``stat`` and ``listdir`` raise for a path that is not there."""


def not_a_blob(path: str, git_type: str) -> FileProblem:
    """The problem of reading a git tree entry that is a tree or a submodule as a file."""
    what = "a directory" if git_type == "tree" else "a submodule"
    return FileProblem(normalize(path), f"cannot be read: it is {what}, not a file")


def _not_a_file(mode: int) -> str:
    """What a directory entry that is not a regular file is, for a message."""
    if stat.S_ISDIR(mode):
        return "a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "a device, not a regular file"


class DirTree(Tree):
    """A directory on disk. Symbolic links are followed only while they stay inside it.

    Links are resolved one path component at a time with the same rules as :class:`GitTree`,
    so a checkout and its commit give the same answers: a link with an absolute target, or one
    that climbs above the root, is unsafe wherever it points.

    A path that is not there is absent; any other failure to look at it (a directory paasfix
    may not search or list, an I/O error) is a FileProblem naming the directory at fault, never
    an absent file.
    """

    def __init__(self, root: str):
        self.root = os.path.realpath(root)
        self.label = root

    def _full(self, rel: str) -> str:
        return os.path.join(self.root, rel) if rel else self.root

    def _resolve(self, path: str) -> str:
        """The path on disk of ``path`` after following links inside the root."""
        rel = normalize(path)
        pending = rel.split("/") if rel else []
        done = ""
        followed = 0
        while pending:
            current = join(done, pending.pop(0))
            full = self._full(current)
            if not os.path.islink(full):
                done = current
                continue
            followed += 1
            if followed > _MAX_LINK_DEPTH:
                raise FileProblem(rel, "has too many levels of symbolic links")
            target = os.readlink(full)
            try:
                resolved = None if os.path.isabs(target) else join(done, target)
            except UnsafePath:
                resolved = None
            if resolved is None:
                raise UnsafePath(
                    rel, "cannot be read: it is a symbolic link that leaves the repository"
                )
            pending = (resolved.split("/") if resolved else []) + pending
            done = ""
        return self._full(done)

    def _unreadable(self, rel: str, exc: OSError) -> FileProblem:
        """The problem of ``rel``, which could not be looked at: named after the first directory
        on its way that cannot be searched, else after ``rel`` itself."""
        parts = rel.split("/") if rel else []
        for end in range(len(parts)):
            try:
                os.stat(self._full("/".join(parts[: end + 1])))
            except _ABSENT:
                break
            except OSError as inner:
                if inner.errno == exc.errno:
                    return FileProblem(
                        "/".join(parts[:end]) or ".", f"cannot be read: {inner.strerror}"
                    )
                break
        return FileProblem(rel or ".", f"cannot be read: {exc.strerror}")

    def _stat(self, path: str) -> Optional[os.stat_result]:
        """``os.stat`` of ``path`` after following links; None when it is not there."""
        real = self._resolve(path)
        try:
            return os.stat(real)
        except _ABSENT:
            return None
        except OSError as exc:
            raise self._unreadable(
                os.path.relpath(real, self.root).replace(os.sep, "/") if real != self.root else "",
                exc,
            ) from None

    def kind(self, path: str) -> Optional[str]:
        st = self._stat(path)
        if st is None:
            return None
        if stat.S_ISDIR(st.st_mode):
            return "dir"
        if stat.S_ISREG(st.st_mode):
            return "file"
        return None

    def read(self, path: str) -> Optional[bytes]:
        real = self._resolve(path)
        st = self._stat(path)
        if st is None:
            return None
        if not stat.S_ISREG(st.st_mode):
            raise FileProblem(normalize(path), f"cannot be read: it is {_not_a_file(st.st_mode)}")
        _check_size(normalize(path), st.st_size)
        try:
            with open(real, "rb") as handle:
                return handle.read()
        except OSError as exc:
            raise FileProblem(normalize(path), f"cannot be read: {exc.strerror}") from None

    def mode(self, path: str) -> Optional[int]:
        rel = normalize(path)
        if not rel:
            return None
        parent, _, name = rel.rpartition("/")
        try:
            st = os.lstat(os.path.join(self._resolve(parent), name))
        except _ABSENT:
            return None
        except OSError as exc:
            raise self._unreadable(rel, exc) from None
        if stat.S_ISLNK(st.st_mode):
            return LINK_MODE
        if not stat.S_ISREG(st.st_mode):
            return None
        return EXEC_MODE if st.st_mode & 0o100 else FILE_MODE

    def listdir(self, path: str = "") -> list[str]:
        real = self._resolve(path)
        try:
            names = os.listdir(real)
        except _ABSENT:
            return []
        except OSError as exc:
            raise FileProblem(normalize(path) or ".", f"cannot be read: {exc.strerror}") from None
        return sorted(name for name in names if name != ".git")


class GitTree(Tree):
    """The tree of one git commit, read through GitPython without a checkout."""

    def __init__(self, repo: Repo, rev: str = "HEAD"):
        self.repo = repo
        self.commit = repo.commit(rev)
        self.label = f"{rev} ({self.commit.hexsha[:12]})"
        self._root = self.commit.tree

    def _lookup(self, path: str, depth: int = 0) -> Optional[IndexObjUnion]:
        """The object at ``path`` after following links, or None."""
        rel = normalize(path)
        if not rel:
            return self._root
        obj: IndexObjUnion = self._root
        parts = rel.split("/")
        for index, part in enumerate(parts):
            if obj.type != "tree":
                return None
            try:
                obj = obj / part
            except KeyError:
                return None
            if obj.mode == LINK_MODE:
                if depth >= _MAX_LINK_DEPTH:
                    raise FileProblem(rel, "has too many levels of symbolic links")
                target = obj.data_stream.read().decode("utf-8", "surrogateescape")
                base = "/".join(parts[:index])
                try:
                    resolved = join(base, target) if not target.startswith("/") else None
                except UnsafePath:
                    resolved = None
                if resolved is None:
                    raise UnsafePath(
                        rel, "cannot be read: it is a symbolic link that leaves the repository"
                    )
                rest = "/".join(parts[index + 1 :])
                return self._lookup(join(resolved, rest), depth + 1)
        return obj

    def kind(self, path: str) -> Optional[str]:
        obj = self._lookup(path)
        if obj is None:
            return None
        return "dir" if obj.type == "tree" else "file" if obj.type == "blob" else None

    def read(self, path: str) -> Optional[bytes]:
        obj = self._lookup(path)
        if obj is None:
            return None
        if obj.type != "blob":
            raise not_a_blob(path, obj.type)
        _check_size(normalize(path), obj.size)
        data: bytes = obj.data_stream.read()
        return data

    def mode(self, path: str) -> Optional[int]:
        rel = normalize(path)
        parent, _, name = rel.rpartition("/")
        obj = self._lookup(parent)
        if obj is None or obj.type != "tree":
            return None
        try:
            entry = obj / name
        except KeyError:
            return None
        return entry.mode if entry.type == "blob" else None

    def listdir(self, path: str = "") -> list[str]:
        obj = self._lookup(path)
        if obj is None or obj.type != "tree":
            return []
        return sorted(item.name for item in obj)


class OverlayTree(Tree):
    """A base tree with edits on top: what the repository looks like after the fixes so far."""

    def __init__(self, base: Tree):
        self.base = base
        self.label = base.label
        self.files: dict[str, tuple[Optional[bytes], int]] = {}

    def set(self, path: str, content: Optional[bytes], mode: int = FILE_MODE) -> None:
        self.files[normalize(path)] = (content, mode)

    def _dirs_written(self, path: str) -> bool:
        prefix = path + "/" if path else ""
        return any(p.startswith(prefix) and c is not None for p, (c, _) in self.files.items())

    def kind(self, path: str) -> Optional[str]:
        rel = normalize(path)
        if rel in self.files:
            return "file" if self.files[rel][0] is not None else None
        base = self.base.kind(rel)
        if base is None and self._dirs_written(rel):
            return "dir"
        return base

    def read(self, path: str) -> Optional[bytes]:
        rel = normalize(path)
        if rel in self.files:
            return self.files[rel][0]
        return self.base.read(rel)

    def mode(self, path: str) -> Optional[int]:
        rel = normalize(path)
        if rel in self.files:
            content, mode = self.files[rel]
            return mode if content is not None else None
        return self.base.mode(rel)

    def listdir(self, path: str = "") -> list[str]:
        rel = normalize(path)
        names = set(self.base.listdir(rel))
        prefix = rel + "/" if rel else ""
        for written, (content, _) in self.files.items():
            if written.startswith(prefix):
                name = written[len(prefix) :].split("/", 1)[0]
                if content is not None:
                    names.add(name)
                elif "/" not in written[len(prefix) :]:
                    names.discard(name)
        return sorted(names)
