"""A write is a transaction (sinks.write): every target is checked before the first byte is
written, a failure part-way undoes what was done, and SIGINT or SIGTERM during the write leave
the repository either as it was or with the whole fix, never with a Procfile lost.

The application is a Django app whose Procfile ``fix`` turns into app_desc.yaml (deleting the
Procfile) while it also edits config/default.py: three changes in two directories. Each case
compares a full snapshot of the repository (bytes and permission bits) with the one before,
or with the result of an uninterrupted fix.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import SAMPLES, make_tree, paasfix, snapshot, start_paasfix

from paasfix import registry
from paasfix.core.config import Config
from paasfix.core.errors import FileProblem
from paasfix.core.tree import FILE_MODE, DirTree
from paasfix.runner import Change, Runner
from paasfix.sinks.write import write_changes

CHANGED = {"Procfile", "app_desc.yaml", "config/default.py"}


def make_app(root: Path, requirements_padding: int = 0) -> Path:
    """The blueapps sample with a Procfile in place of its app_desc.yaml; with
    ``requirements_padding``, a requirements file of that many comment lines that ``fix`` also
    rewrites (a write that takes measurable time)."""
    shutil.copytree(SAMPLES / "blueapps-static-root", root, symlinks=True)
    (root / "app_desc.yaml").unlink()
    (root / "Procfile").write_text("# the process commands\nweb: gunicorn wsgi --bind :$PORT\n")
    if requirements_padding:
        padding = "".join(f"# line {i:07d} {'x' * 60}\n" for i in range(requirements_padding))
        with open(root / "requirements.txt", "a") as out:
            out.write("eventlet==0.31.0\n" + padding)
    return root


def fixed(tmp_path: Path, **options) -> dict:
    """The snapshot of the application after an uninterrupted ``paasfix fix``."""
    root = make_app(tmp_path / "reference", **options)
    result = paasfix("fix", str(root))
    assert result.returncode in (0, 1), result.stderr
    return snapshot(root)


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    assert "internal error" not in stderr and "bug in the fixer" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_the_application_changes_three_files(tmp_path):
    before = snapshot(make_app(tmp_path / "app"))
    after = fixed(tmp_path)
    assert {
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    } == CHANGED
    assert "Procfile" not in after


@pytest.mark.parametrize("obstacle", ["directory", "named pipe", "socket"])
def test_something_else_where_a_file_goes_changes_nothing(tmp_path, obstacle):
    # Outside git, where the Procfile is the only copy of the process commands.
    root = make_app(tmp_path / "app")
    target = root / "app_desc.yaml"
    if obstacle == "directory":
        make_tree(target, {"notes.txt": "mine\n"})
    elif obstacle == "named pipe":
        os.mkfifo(target)
    else:
        server = socket.socket(socket.AF_UNIX)
        try:
            server.bind(str(target))
        except OSError as exc:
            pytest.skip(f"cannot make a socket at {target}: {exc}")
        server.close()
    before = snapshot(root)
    result = paasfix("fix", str(root))
    assert result.returncode == 2
    # paasfix reads the path before it plans to write there, so the obstacle is found then.
    kind = "file" if obstacle == "directory" else "regular file"
    assert one_error_line(result.stderr) == (
        f"paasfix: error: app_desc.yaml: cannot be read: it is a {obstacle}, not a {kind}"
    )
    assert snapshot(root) == before


def test_a_file_where_a_directory_goes_changes_nothing(tmp_path):
    root = make_tree(tmp_path / "app", {"Procfile": "web: a\n", "bin": "not a directory\n"})
    before = snapshot(root)
    with pytest.raises(FileProblem) as info:
        write_changes(
            str(root),
            [
                Change("app_desc.yaml", None, b"spec_version: 2\n", None, FILE_MODE),
                Change("bin/pre-compile", None, b"#!/bin/sh\n", None, FILE_MODE),
                Change("Procfile", b"web: a\n", None, FILE_MODE, None),
            ],
        )
    assert str(info.value) == (
        "bin/pre-compile: cannot be written: bin is a file, not a directory; nothing was changed"
    )
    assert snapshot(root) == before


CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER = 1, 2, 3
PR_CAPBSET_DROP = 24


def obey_permissions() -> None:
    """In a child about to run a command as root: take away the capabilities that let root
    ignore file permissions, so that the command meets them as any user would."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


@pytest.fixture
def as_user(tmp_path):
    """How to start a command so that file permissions stop it (nothing to do unless root)."""
    if os.geteuid() != 0:
        return {}
    probe = tmp_path / "probe"
    probe.mkdir(mode=0o555)
    try:
        tried = subprocess.run(
            ["sh", "-c", f"echo x > {probe}/x"],
            preexec_fn=obey_permissions,
            capture_output=True,
            check=False,
        )
    except subprocess.SubprocessError as exc:
        pytest.skip(f"running as root and cannot drop CAP_DAC_OVERRIDE: {exc}")
    finally:
        probe.chmod(0o755)
    if tried.returncode == 0:
        pytest.skip("running as root and permissions still do not apply without CAP_DAC_OVERRIDE")
    return {"preexec_fn": obey_permissions}


@pytest.mark.parametrize(
    "read_only, message",
    [
        ("config", "config/default.py: cannot be written: no permission to write in config"),
        ("config/default.py", "config/default.py: cannot be written: it is read-only"),
        ("", "Procfile: cannot be deleted: no permission to write in the repository's directory"),
    ],
)
def test_no_permission_changes_nothing(tmp_path, as_user, read_only, message):
    root = make_app(tmp_path / "app")
    target = root / read_only
    target.chmod(0o555 if target.is_dir() else 0o444)
    before = snapshot(root)
    process = start_paasfix("fix", str(root), **as_user)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert one_error_line(err.decode()) == f"paasfix: error: {message}; nothing was changed"
    assert snapshot(root) == before
    if target.is_dir():
        target.chmod(0o755)


@pytest.mark.parametrize(
    "path, edit, message",
    [
        (
            "config/default.py",
            lambda p: p.write_bytes(p.read_bytes() + b"DEBUG = False\n"),
            "cannot be written: it changed after paasfix read it",
        ),
        (
            "Procfile",
            lambda p: p.write_text("web: gunicorn wsgi\nbeat: celery beat\n"),
            "cannot be deleted: it changed after paasfix read it",
        ),
        (
            "Procfile",
            lambda p: p.chmod(0o755),
            "cannot be deleted: it changed after paasfix read it",
        ),
        (
            "config/default.py",
            lambda p: p.unlink(),
            "cannot be written: it was deleted after paasfix read it",
        ),
        (
            "app_desc.yaml",
            lambda p: p.write_text("spec_version: 2\n"),
            "cannot be written: it was created after paasfix read the repository",
        ),
    ],
)
def test_a_file_changed_after_it_was_read_changes_nothing(tmp_path, path, edit, message):
    root = make_app(tmp_path / "app")
    result = Runner(registry.all_fixers(), Config()).fix(DirTree(str(root)))
    assert {change.path for change in result.changes} == CHANGED
    edit(root / path)
    before = snapshot(root)
    with pytest.raises(FileProblem) as info:
        write_changes(str(root), result.changes)
    assert str(info.value) == f"{path}: {message}; nothing was changed"
    assert snapshot(root) == before


WRITE_THREE = """
import sys
import time
from paasfix.core.errors import PaasfixError
from paasfix.runner import Change
from paasfix.sinks.write import write_changes

F = 0o100644
try:
    write_changes(sys.argv[1], [
        Change("linked.txt", b"old\\n", b"new\\n", F, F),
        Change("new/deeper/made.txt", None, b"made\\n", None, F),
        Change("big.txt", b"small\\n", b"x" * 65536, F, F),
        Change("last.txt", b"last\\n", b"changed\\n", F, F),
        Change("Procfile", b"web: a\\n", None, F, None),
    ])
except PaasfixError as exc:
    print(exc, file=sys.stderr)
    sys.exit(2)
"""


def limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))


def test_a_failure_part_way_restores_what_was_written(tmp_path):
    # The file size limit makes the third write fail for root too (Python ignores SIGXFSZ,
    # so the write fails with EFBIG); the first rewrote a hard-linked file in place and the
    # second created two directories.
    root = make_tree(
        tmp_path / "app",
        {"linked.txt": "old\n", "big.txt": "small\n", "last.txt": "last\n", "Procfile": "web: a\n"},
    )
    os.link(root / "linked.txt", tmp_path / "other-name.txt")
    (root / "last.txt").chmod(0o600)
    before = snapshot(root)
    result = subprocess.run(
        [sys.executable, "-c", WRITE_THREE, str(root)],
        capture_output=True,
        preexec_fn=limit_file_size,
        text=True,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert one_error_line(result.stderr) == (
        "big.txt: cannot be written: File too large; nothing was changed"
    )
    assert snapshot(root) == before
    assert not (root / "new").exists()
    assert (tmp_path / "other-name.txt").read_text() == "old\n"
    assert os.stat(root / "linked.txt").st_ino == os.stat(tmp_path / "other-name.txt").st_ino


def test_a_failed_write_in_the_command_restores_what_was_written(tmp_path):
    # app_desc.yaml (94 bytes) fits under the limit, config/default.py does not.
    root = make_app(tmp_path / "app")
    before = snapshot(root)
    process = start_paasfix(
        "fix", str(root), preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))
    )
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert one_error_line(err.decode()) == (
        "paasfix: error: config/default.py: cannot be written: File too large; nothing was changed"
    )
    assert snapshot(root) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_owner_and_mode_of_a_replaced_file_are_kept(tmp_path):
    root = make_app(tmp_path / "app")
    settings = root / "config/default.py"
    os.chown(settings, 12345, 23456)
    settings.chmod(0o640)
    inode = os.stat(settings).st_ino
    result = paasfix("fix", str(root))
    assert result.returncode in (0, 1), result.stderr
    reference = fixed(tmp_path)
    assert snapshot(root) == {
        **reference,
        "config/default.py": (0o100640, reference["config/default.py"][1]),
    }
    st = os.stat(settings)
    assert (st.st_uid, st.st_gid) == (12345, 23456)
    assert st.st_ino != inode


def test_a_file_with_another_hard_link_is_rewritten_in_place(tmp_path):
    root = make_app(tmp_path / "app")
    settings = root / "config/default.py"
    os.link(settings, tmp_path / "settings-elsewhere.py")
    inode = os.stat(settings).st_ino
    result = paasfix("fix", str(root))
    assert result.returncode in (0, 1), result.stderr
    assert snapshot(root) == fixed(tmp_path)
    assert os.stat(settings).st_ino == inode
    assert (tmp_path / "settings-elsewhere.py").read_bytes() == settings.read_bytes()


SPREAD_RUNS, WRITE_PHASE_RUNS = 3, 8


def is_writing(root: Path) -> bool:
    """Whether ``fix`` has begun its writes (a temporary file or the new app_desc.yaml)."""
    return any(name.startswith(".paasfix-") or name == "app_desc.yaml" for name in os.listdir(root))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_leaves_the_repository_as_it_was_or_fixed(tmp_path, signum):
    # A requirements file near the read limit (which the fix also rewrites) makes the write
    # phase long enough to be hit. Some signals are sent at moments spread over the length of
    # one uninterrupted run, the others when the first write has begun, plus 0 to 14 ms.
    template = make_app(tmp_path / "template", requirements_padding=16000)
    before = snapshot(template)
    reference = shutil.copytree(template, tmp_path / "reference", symlinks=True)
    started = time.monotonic()
    complete = paasfix("fix", str(reference))
    length = time.monotonic() - started
    assert complete.returncode in (0, 1), complete.stderr
    after = snapshot(reference)
    assert {
        path for path in before.keys() | after.keys() if before.get(path) != after.get(path)
    } == CHANGED | {"requirements.txt"}

    outcomes = []
    for run in range(SPREAD_RUNS + WRITE_PHASE_RUNS):
        root = shutil.copytree(template, tmp_path / f"run{run}", symlinks=True)
        process = start_paasfix("fix", str(root))
        if run < SPREAD_RUNS:
            time.sleep(length * (0.2 + 0.9 * run / (SPREAD_RUNS - 1)))
        else:
            while process.poll() is None and not is_writing(root):
                pass
            time.sleep(0.002 * (run - SPREAD_RUNS))
        process.send_signal(signum)
        _out, err = process.communicate(timeout=120)
        stderr = err.decode("utf-8", "replace")
        state = snapshot(root)
        outcome = "unchanged" if state == before else "fixed" if state == after else "broken"
        outcomes.append((outcome, process.returncode, stderr.strip().splitlines()[-1:]))
        assert outcome != "broken", outcomes
        assert "internal error" not in stderr and "bug in the fixer" not in stderr, stderr
        assert process.returncode in (0, 1, 128 + signum, -signum), outcomes
        if "interrupted by" in stderr:
            assert one_error_line(stderr).startswith(
                f"paasfix: interrupted by {signal.Signals(signum).name} "
            )
            assert ("nothing was changed" in stderr) == (outcome == "unchanged"), outcomes
        leftovers = [
            name
            for _dir, _dirs, names in os.walk(root)
            for name in names
            if name.startswith(".paasfix-")
        ]
        assert leftovers == [], outcomes
