"""Writing a changeset into the work tree as one transaction (every file or none), inside the
repository only, and never over uncommitted work unless the user allows it."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from types import FrameType
from typing import Iterable, Literal, Optional

from paasfix.core.errors import FileProblem, PaasfixError, UnsafePath
from paasfix.core.tree import EXEC_MODE, FILE_MODE
from paasfix.runner import Change


def _git(root: str, *args: str) -> Optional[subprocess.CompletedProcess[bytes]]:
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, check=False)
    except FileNotFoundError:
        return None


def dirty_paths(root: str, paths: Iterable[str]) -> list[str]:
    """Which of ``paths`` have uncommitted changes (empty outside a git work tree)."""
    paths = list(paths)
    if not paths:
        return []
    inside = _git(root, "rev-parse", "--is-inside-work-tree", "--show-prefix")
    if inside is None:
        return []
    if inside.returncode != 0:
        problem = inside.stderr.decode("utf-8", "replace").strip()
        if "not a git repository" in problem:
            return []
        raise PaasfixError(
            f"cannot tell whether {root} has uncommitted changes: git says "
            f"'{problem.splitlines()[0] if problem else inside.returncode}'"
        )
    answers = inside.stdout.decode("utf-8", "surrogateescape").split("\n")
    if answers[0] != "true":
        return []
    prefix = answers[1] if len(answers) > 1 else ""
    status = _git(
        root,
        "--literal-pathspecs",
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--",
        *paths,
    )
    if status is None or status.returncode != 0:
        raise PaasfixError(
            f"git status failed in {root}: "
            f"{status.stderr.decode(errors='replace').strip() if status else ''}"
        )
    entries = [e for e in status.stdout.decode("utf-8", "surrogateescape").split("\0") if e]
    found = [entry[3:] for entry in entries if len(entry) > 3 and entry[2] == " "]
    found = [path[len(prefix) :] if path.startswith(prefix) else path for path in found]
    return found + [path for path in _hidden_changes(root, paths) if path not in found]


def _hidden_changes(root: str, paths: list[str]) -> list[str]:
    """Which of ``paths`` are marked skip-worktree or assume-unchanged (``git status`` does not
    look at them) and differ in the work tree from the index."""
    listing = _git(root, "--literal-pathspecs", "ls-files", "-v", "-z", "--", *paths)
    if listing is None or listing.returncode != 0:
        return []
    marked = [
        entry[2:]
        for entry in listing.stdout.decode("utf-8", "surrogateescape").split("\0")
        if len(entry) > 2 and (entry[0] == "S" or entry[0].islower())
    ]
    if not marked:
        return []
    staged = _git(root, "--literal-pathspecs", "ls-files", "-s", "-z", "--", *marked)
    if staged is None or staged.returncode != 0:
        return marked
    indexed = {}
    for entry in staged.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if "\t" in entry:
            meta, path = entry.split("\t", 1)
            indexed[path] = meta.split()[1]
    present = [
        path
        for path in marked
        if os.path.isfile(os.path.join(root, path)) and not os.path.islink(os.path.join(root, path))
    ]
    hashes: list[str] = []
    if present:
        hashed = _git(root, "hash-object", "--", *present)
        if hashed is None or hashed.returncode != 0:
            return marked
        hashes = hashed.stdout.decode().split()
    same = {path for path, sha in zip(present, hashes) if indexed.get(path) == sha}
    return [path for path in marked if path not in same]


class Interrupted(PaasfixError):
    """SIGINT, SIGTERM or SIGHUP arrived while the changes were being written; the
    transaction was rolled back (``written`` False) or had reached its deletions and was
    finished (``written`` True)."""

    def __init__(self, signum: int, written: bool):
        self.signum = signum
        self.written = written
        name = signal.Signals(signum).name
        outcome = (
            "after the fix was written in full"
            if written
            else "before the write finished; nothing was changed"
        )
        super().__init__(f"interrupted by {name} {outcome}")


_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


class _DeferredSignals:
    """Holds back SIGINT, SIGTERM and SIGHUP while a transaction runs: their arrival is noted,
    and the transaction decides at its next step whether to roll back or to finish. Outside
    the main thread signals cannot be caught, and this does nothing."""

    def __init__(self) -> None:
        self.pending: Optional[int] = None
        self._previous: dict[int, signal._HANDLER] = {}

    def _note(self, signum: int, frame: Optional[FrameType]) -> None:
        if self.pending is None:
            self.pending = signum

    def __enter__(self) -> "_DeferredSignals":
        if threading.current_thread() is threading.main_thread():
            for signum in _SIGNALS:
                self._previous[signum] = signal.signal(signum, self._note)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)


@dataclass
class _Target:
    """One change with the place it goes on disk and what is there now."""

    change: Change
    full: str
    existing: Optional[os.stat_result]


def _target(root: str, path: str) -> str:
    full = os.path.join(root, path)
    parent = os.path.realpath(os.path.dirname(full))
    if parent != root and not parent.startswith(root + os.sep):
        raise UnsafePath(path, "is inside a symbolic link that leaves the repository")
    if os.path.islink(full):
        raise UnsafePath(path, "is a symbolic link; paasfix does not write through links")
    return full


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _refuse(change: Change, why: str) -> FileProblem:
    verb = "deleted" if change.new is None else "written"
    return FileProblem(change.path, f"cannot be {verb}: {why}; nothing was changed")


def _check_parents(root: str, change: Change) -> None:
    """Every directory above ``path`` is a directory, and the deepest one that exists can be
    written to (the rest are created)."""
    parts = change.path.split("/")[:-1]
    deepest = root
    for end in range(1, len(parts) + 1):
        current = os.path.join(root, *parts[:end])
        try:
            st = os.stat(current)
        except FileNotFoundError:
            break
        except OSError as exc:
            raise _refuse(
                change, f"{'/'.join(parts[:end])} cannot be examined: {exc.strerror}"
            ) from None
        if not stat.S_ISDIR(st.st_mode):
            raise _refuse(change, f"{'/'.join(parts[:end])} is a file, not a directory")
        deepest = current
    if not os.access(deepest, os.W_OK | os.X_OK):
        shown = os.path.relpath(deepest, root).replace(os.sep, "/")
        raise _refuse(
            change,
            "no permission to write in "
            + ("the repository's directory" if shown == "." else shown),
        )


def _check(root: str, change: Change) -> _Target:
    """What is on disk where ``change`` goes, refused unless the change can be made and the
    file is exactly what paasfix read."""
    full = _target(root, change.path)
    _check_parents(root, change)
    try:
        existing: Optional[os.stat_result] = os.lstat(full)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise _refuse(change, f"it cannot be examined: {exc.strerror}") from None
    if existing is None:
        if change.old is not None and change.new is not None:
            raise _refuse(change, "it was deleted after paasfix read it")
        return _Target(change, full, None)
    if not stat.S_ISREG(existing.st_mode):
        raise _refuse(change, f"it is {_kind(existing.st_mode)}, not a file")
    if change.old is None:
        raise _refuse(change, "it was created after paasfix read the repository")
    try:
        with open(full, "rb") as handle:
            current = handle.read(len(change.old) + 1)
    except OSError as exc:
        raise _refuse(change, f"it cannot be read: {exc.strerror}") from None
    current_mode = EXEC_MODE if existing.st_mode & 0o100 else FILE_MODE
    if current != change.old or (change.old_mode is not None and current_mode != change.old_mode):
        raise _refuse(change, "it changed after paasfix read it")
    if change.new is not None and not os.access(full, os.W_OK):
        raise _refuse(change, "it is read-only")
    return _Target(change, full, existing)


def _permissions(existing: Optional[os.stat_result], git_mode: int) -> int:
    if existing is not None:
        current = existing.st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        current = 0o666 & ~umask
    if git_mode == EXEC_MODE:
        return current | ((current & 0o444) >> 2)
    return current & ~0o111


def _keep_owner(fd: int, existing: Optional[os.stat_result]) -> None:
    """Give a replacement file the owner and group of the file it replaces, as far as this
    user may (root may give it to anyone; others may keep a group they belong to)."""
    if existing is None:
        return
    if (existing.st_uid, existing.st_gid) == (os.geteuid(), os.getegid()):
        return
    for uid, gid in ((existing.st_uid, existing.st_gid), (-1, existing.st_gid)):
        try:
            os.fchown(fd, uid, gid)
            return
        except PermissionError:
            continue


def _replace(
    full: str, content: bytes, permissions: int, existing: Optional[os.stat_result]
) -> None:
    """Write ``content`` to a temporary file beside ``full``, flush it to disk and rename it
    over ``full``: a reader sees the old file or the new one, never a part."""
    handle, temp = tempfile.mkstemp(dir=os.path.dirname(full), prefix=".paasfix-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            _keep_owner(out.fileno(), existing)
            os.fchmod(out.fileno(), permissions)
            os.fsync(out.fileno())
        os.replace(temp, full)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _rewrite(full: str, content: bytes, permissions: int) -> None:
    """Write ``content`` into the existing file ``full`` itself. Used for a file with other
    hard links: a rename would give ``full`` a new inode and leave the other names on the old
    content, so the file is overwritten where it is, its old bytes kept for a rollback."""
    fd = os.open(full, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        os.ftruncate(fd, 0)
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
        if stat.S_IMODE(os.fstat(fd).st_mode) != permissions:
            os.fchmod(fd, permissions)
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class _Step:
    """One step of a transaction, with what undoing it needs."""

    kind: Literal["made-dir", "created", "removed-dir", "rewrote", "replaced", "deleted"]
    full: str
    old: Optional[bytes] = None
    """The file's content before (``rewrote``, ``replaced``, ``deleted``)."""
    before: Optional[os.stat_result] = None
    """The file's or directory's status before (all but ``made-dir`` and ``created``)."""

    @property
    def content(self) -> bytes:
        assert self.old is not None, f"a {self.kind} step keeps no content"
        return self.old

    @property
    def status(self) -> os.stat_result:
        assert self.before is not None, f"a {self.kind} step keeps no status"
        return self.before


class _Transaction:
    """The writes of one changeset, each recorded so that it can be undone."""

    def __init__(self, root: str):
        self.root = root
        self.undo: list[_Step] = []
        self.directories: set[str] = set()

    def _make_parents(self, full: str) -> None:
        missing = []
        directory = os.path.dirname(full)
        while not os.path.isdir(directory):
            missing.append(directory)
            directory = os.path.dirname(directory)
        for directory in reversed(missing):
            os.mkdir(directory)
            self.undo.append(_Step("made-dir", directory))
            self.directories.add(os.path.dirname(directory))

    def write(self, target: _Target) -> None:
        change, full, existing = target.change, target.full, target.existing
        assert change.new is not None
        self._make_parents(full)
        permissions = _permissions(existing, change.new_mode or 0)
        if existing is not None and existing.st_nlink > 1:
            self.undo.append(_Step("rewrote", full, change.old, existing))
            _rewrite(full, change.new, permissions)
            return
        _replace(full, change.new, permissions, existing)
        self.undo.append(
            _Step("replaced", full, change.old, existing)
            if existing is not None
            else _Step("created", full)
        )
        self.directories.add(os.path.dirname(full))

    def delete(self, target: _Target) -> None:
        """Delete a file, then the directories it leaves empty (git does not keep empty ones)."""
        full = target.full
        if target.existing is None:
            return
        os.unlink(full)
        self.undo.append(_Step("deleted", full, target.change.old, target.existing))
        self.directories.add(os.path.dirname(full))
        directory = os.path.dirname(full)
        while directory != self.root and directory.startswith(self.root + os.sep):
            try:
                st = os.stat(directory)
                os.rmdir(directory)
            except OSError:
                break
            self.undo.append(_Step("removed-dir", directory, before=st))
            directory = os.path.dirname(directory)
            self.directories.add(directory)

    def sync(self) -> None:
        for directory in sorted(self.directories):
            _sync_directory(directory)

    def rollback(self) -> list[str]:
        """Undo every step taken, newest first; what could not be restored, one phrase each."""
        failed = []
        for step in reversed(self.undo):
            try:
                _undo(step)
            except OSError as exc:
                failed.append(_unrestored(self.root, step, exc))
        self.sync()
        return failed


def _undo(step: _Step) -> None:
    kind, full = step.kind, step.full
    if kind == "made-dir":
        os.rmdir(full)
    elif kind == "created":
        os.unlink(full)
    elif kind == "removed-dir":
        st = step.status
        os.mkdir(full, stat.S_IMODE(st.st_mode))
        os.chmod(full, stat.S_IMODE(st.st_mode))
        if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(full, st.st_uid, st.st_gid)
            except PermissionError:
                pass
    elif kind == "rewrote":
        _rewrite(full, step.content, stat.S_IMODE(step.status.st_mode))
    else:
        _replace(full, step.content, stat.S_IMODE(step.status.st_mode), step.status)


def _unrestored(root: str, step: _Step, exc: OSError) -> str:
    """A phrase about a step that could not be undone; an old file's content is saved to a
    temporary file (or, failing that, quoted) so that it is never lost."""
    path = os.path.relpath(step.full, root).replace(os.sep, "/")
    if step.kind in ("made-dir", "created", "removed-dir"):
        return f"{path} ({exc.strerror})"
    content = step.content
    try:
        handle, copy = tempfile.mkstemp(prefix="paasfix-" + os.path.basename(step.full) + "-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        return f"{path} ({exc.strerror}; its old content is in {copy})"
    except OSError:
        return (
            f"{path} ({exc.strerror}; its old content was: "
            f"{content.decode('utf-8', 'backslashreplace')!r})"
        )


def write_changes(root: str, changes: list[Change], allow_dirty: bool = False) -> None:
    """Apply ``changes`` under ``root`` as one transaction: all of them or none.

    Every target is checked before the first byte is written (see :func:`_check`); then new
    and changed files are written, and deletions come last. A failure undoes what was done
    and raises a one-line error saying that nothing was changed. SIGINT, SIGTERM and SIGHUP
    are held back meanwhile: before the deletions they roll the transaction back, during
    them it is finished; either way :class:`Interrupted` says which.
    """
    root = os.path.realpath(root)
    if not allow_dirty:
        dirty = dirty_paths(root, [c.path for c in changes])
        if dirty:
            shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
            raise PaasfixError(
                f"refusing to overwrite uncommitted changes in {shown}; commit or "
                "stash them first, or pass --allow-dirty"
            )
    with _DeferredSignals() as signals:
        targets = [_check(root, change) for change in changes]
        if signals.pending is not None:
            raise Interrupted(signals.pending, False)
        transaction = _Transaction(root)
        current: Optional[_Target] = None
        try:
            for current in (t for t in targets if t.change.new is not None):
                transaction.write(current)
                if signals.pending is not None:
                    break
            else:
                transaction.sync()
                for current in (t for t in targets if t.change.new is None):
                    transaction.delete(current)
                transaction.sync()
                current = None
        except BaseException as exc:
            failed = transaction.rollback()
            if isinstance(exc, OSError) and current is not None:
                raise _failure(current.change, exc, failed) from None
            if failed:
                raise PaasfixError(
                    f"writing the fix failed ({type(exc).__name__}) and could "
                    f"not all be undone: {'; '.join(failed)}"
                ) from exc
            raise
        if current is not None:
            failed = transaction.rollback()
            if failed:
                raise PaasfixError(
                    f"interrupted by {signal.Signals(signals.pending).name}; the "
                    f"writes could not all be undone: {'; '.join(failed)}"
                )
            raise Interrupted(signals.pending, False)
    if signals.pending is not None:
        raise Interrupted(signals.pending, True)


def _failure(change: Change, exc: OSError, failed: list[str]) -> PaasfixError:
    """The one line for a write that failed part-way, after the rollback."""
    why = exc.strerror or str(exc)
    verb = "deleted" if change.new is None else "written"
    if not failed:
        return FileProblem(change.path, f"cannot be {verb}: {why}; nothing was changed")
    return FileProblem(
        change.path,
        f"cannot be {verb}: {why}; undoing the other writes failed for {'; '.join(failed)}",
    )
