"""Running a command and measuring it: wall time and peak memory, and the machine it ran on.

Peak memory is the largest resident set of the command or any process it waited for, as
``/usr/bin/time -f %M`` reports it. It is measured in a separate run from the wall time: the
wrapper costs about a millisecond, and without it the kernel would count the benchmark's own
memory (a forked child keeps its parent's high-water mark through ``exec``). For commands that
run several processes at once, :class:`TreeSampler` also samples the sum over the whole
process tree.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

MB = 1_000_000
"""Sizes are in MB of 10^6 bytes throughout."""


@dataclass
class Sample:
    wall: float
    """Seconds."""
    peak: int
    """Bytes: the largest resident set of one process."""
    returncode: int
    tree_peak: Optional[int] = None
    """Bytes: the largest sum over the process tree (proportional set sizes), when sampled."""


@dataclass
class Series:
    """Repeated runs of one command."""

    label: str
    samples: list[Sample] = field(default_factory=list)
    """The timed runs."""
    memory: list[Sample] = field(default_factory=list)
    """The runs under ``/usr/bin/time``."""

    @property
    def wall(self) -> float:
        return statistics.median(sample.wall for sample in self.samples)

    @property
    def peak(self) -> int:
        return max(sample.peak for sample in self.memory or self.samples)

    @property
    def tree_peak(self) -> Optional[int]:
        peaks = [
            sample.tree_peak
            for sample in self.samples + self.memory
            if sample.tree_peak is not None
        ]
        return max(peaks) if peaks else None

    @property
    def spread(self) -> tuple[float, float]:
        walls = [sample.wall for sample in self.samples]
        return min(walls), max(walls)


class CommandFailed(Exception):
    pass


TIME = "/usr/bin/time"


def _pss(pid: int) -> int:
    """The process's proportional set size: its resident memory with each shared page divided
    among the processes sharing it (so that a sum over processes counts a page once)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", "rb") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return found


class TreeSampler:
    """Samples the memory of a process and all its descendants every ``interval`` seconds, in
    a thread; :attr:`peak` is the largest sum of their proportional set sizes seen."""

    def __init__(self, pid: int, interval: float = 0.02):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pending, total = [self.pid], 0
            while pending:
                pid = pending.pop()
                total += _pss(pid)
                pending += _children(pid)
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def run(
    argv: Sequence[str],
    cwd: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    ok: Sequence[int] = (0,),
    sample_tree: bool = False,
    memory: bool = False,
) -> Sample:
    """Run ``argv`` once with its output discarded; raise CommandFailed on an exit status not
    in ``ok`` (with the end of its standard error). With ``memory`` it runs under
    ``/usr/bin/time`` for its peak memory (and its wall time includes the wrapper's)."""
    report = None
    if memory and os.path.exists(TIME):
        handle, report = tempfile.mkstemp(prefix="paasfix-bench-time-")
        os.close(handle)
        argv = [TIME, "-f", "%M", "-o", report, *argv]
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env else None,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sampler = TreeSampler(process.pid) if sample_tree else None
    assert process.stderr is not None
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    tree_peak = sampler.stop() if sampler else None
    peak = usage.ru_maxrss * 1024
    if report:
        with open(report, encoding="utf-8") as handle:
            lines = handle.read().split()
        os.unlink(report)
        peak = int(lines[-1]) * 1024
    if process.returncode not in ok:
        tail = error.decode("utf-8", "replace").strip().splitlines()[-5:]
        raise CommandFailed(f"{' '.join(argv)} exited {process.returncode}: " + "\n".join(tail))
    return Sample(wall, peak, process.returncode, tree_peak)


def output(argv: Sequence[str], cwd: Optional[str] = None) -> str:
    return subprocess.run(
        list(argv), cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


# --- the machine -------------------------------------------------------------------------


def _first(path: str, pattern: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            match = re.search(pattern, handle.read(), re.MULTILINE)
    except OSError:
        return None
    return match.group(1).strip() if match else None


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> dict[str, str]:
    memory = _first("/proc/meminfo", r"^MemTotal:\s+(\d+) kB")
    os_name = _first("/etc/os-release", r'^PRETTY_NAME="?([^"\n]*)') or platform.system()
    return {
        "CPU": _first("/proc/cpuinfo", r"^model name\s*:\s*(.*)$") or platform.processor(),
        "cores": str(os.cpu_count()),
        "memory": f"{int(memory) * 1024 / 1e9:.1f} GB" if memory else "unknown",
        "OS": f"{os_name} (Linux {platform.release()})",
        "git": output(["git", "--version"]).replace("git version ", ""),
    }
