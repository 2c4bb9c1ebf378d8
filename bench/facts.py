"""What rebuilding the Project after each applied fix costs in a ``fix`` run.

    python bench/facts.py            # the sample repositories and a generated 5,000-file one
    python bench/facts.py --files 50000 --runs 9

After each fix the runner builds a new Project over the changed tree, so every fact a later
fixer asks for is read and parsed again, including facts read from files the fix did not touch.
This script measures how much of a ``fix`` run that is. It times every outermost call of a
Project method or cached fact (reading a file, parsing Python or YAML, the requirement chain,
runtimes, hooks, Django settings ...) on the Projects the runner builds after a fix, and
compares it to the whole run. That time is an upper bound on what carrying the unchanged facts
over could save: facts read from the changed files have to be recomputed anyway.

Every fixer runs, with unsafe fixes, on a fresh in-memory overlay of the repository (nothing is
written). Figures are medians of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

from paasfix import registry, runner  # noqa: E402
from paasfix.core.config import Config  # noqa: E402
from paasfix.core.tree import DirTree  # noqa: E402
from paasfix.project import Project  # noqa: E402


@dataclass
class Clock:
    """Time spent in facts, split by the Project they were computed on."""

    first: float = 0.0
    """On the Project of the unchanged tree."""
    rebuilt: float = 0.0
    """On the Projects built after a fix."""
    built: int = 0
    """Projects built in this run."""
    depth: int = 0
    reread: float = 0.0
    """Reading and parsing files (``text``, ``python_ast``) on rebuilt Projects, for files no
    fix changed: what carrying the text and syntax-tree caches over would save."""
    file_depth: int = 0
    changed: set[str] = field(default_factory=set)
    """Paths the fixes of this run changed so far."""


CLOCK = Clock()


class TimedProject(Project):
    """A Project that knows whether it is the first of a run or one rebuilt after a fix."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rebuilt = CLOCK.built > 0
        CLOCK.built += 1


def _timed(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if CLOCK.depth:
            return function(self, *args, **kwargs)
        CLOCK.depth += 1
        start = time.perf_counter()
        try:
            return function(self, *args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            CLOCK.depth -= 1
            if getattr(self, "rebuilt", False):
                CLOCK.rebuilt += spent
            else:
                CLOCK.first += spent

    return wrapper


def _timed_file(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(self: Any, path: str) -> Any:
        if CLOCK.file_depth or not getattr(self, "rebuilt", False) or path in CLOCK.changed:
            return function(self, path)
        CLOCK.file_depth += 1
        start = time.perf_counter()
        try:
            return function(self, path)
        finally:
            CLOCK.reread += time.perf_counter() - start
            CLOCK.file_depth -= 1

    return wrapper


def _recording(commit: Callable[..., tuple[str, ...]]) -> Callable[..., tuple[str, ...]]:
    @functools.wraps(commit)
    def wrapper(self: Any, planned: Any) -> tuple[str, ...]:
        paths = commit(self, planned)
        CLOCK.changed.update(paths)
        return paths

    return wrapper


def instrument() -> None:
    """Time every public method and cached fact of Project (outermost calls only)."""
    for name, value in list(vars(Project).items()):
        if name.startswith("__"):
            continue
        if isinstance(value, cached_property):
            timed = cached_property(_timed(value.func))
            timed.__set_name__(TimedProject, name)
            setattr(TimedProject, name, timed)
        elif callable(value):
            if name in ("text", "python_ast"):
                value = _timed_file(value)
            setattr(TimedProject, name, _timed(value))
    runner.Project = TimedProject  # type: ignore[misc]
    runner.Changeset.commit = _recording(runner.Changeset.commit)  # type: ignore[method-assign]


def one_run(root: Path, fixers: tuple[type, ...]) -> tuple[float, float, float, float, int, int]:
    """(whole run, facts on the first Project, facts on rebuilt ones, files re-read that did
    not change, rebuilds, fixes)."""
    CLOCK.first = CLOCK.rebuilt = CLOCK.reread = 0.0
    CLOCK.built = 0
    CLOCK.changed.clear()
    start = time.perf_counter()
    result = runner.Runner(fixers, Config()).fix(DirTree(str(root)), unsafe=True)
    total = time.perf_counter() - start
    return total, CLOCK.first, CLOCK.rebuilt, CLOCK.reread, CLOCK.built - 1, len(result.applied)


def measure(root: Path, runs: int, fixers: tuple[type, ...]) -> dict[str, float]:
    samples = [one_run(root, fixers) for _ in range(runs)]
    total, first, rebuilt, reread = (statistics.median(s[i] for s in samples) for i in range(4))
    return {
        "total_ms": total * 1000,
        "first_ms": first * 1000,
        "rebuilt_ms": rebuilt * 1000,
        "reread_ms": reread * 1000,
        "rebuilds": samples[0][4],
        "fixes": samples[0][5],
        "share": rebuilt / total if total else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=5000, help="size of the generated repository")
    args = parser.parse_args()
    instrument()
    fixers = registry.all_fixers()
    rows = []
    samples = REPO / "sample_repos"
    for repo in sorted(p for p in samples.iterdir() if p.is_dir() and p.name != "expected"):
        rows.append((repo.name, measure(repo, args.runs, fixers)))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "generated"
        generate.write_repository(root, args.files)
        rows.append((f"generated, {args.files:,} files", measure(root, args.runs, fixers)))
    print(
        "| repository | fixes | rebuilds | fix run | facts, first Project | facts, rebuilt |"
        " of which unchanged files re-read | rebuilt / run |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in rows:
        print(
            f"| {name} | {row['fixes']:.0f} | {row['rebuilds']:.0f} | {row['total_ms']:.1f} ms | "
            f"{row['first_ms']:.1f} ms | {row['rebuilt_ms']:.1f} ms | {row['reread_ms']:.1f} ms | "
            f"{row['share']:.0%} |"
        )
    fixed = [row for _, row in rows if row["fixes"]]
    total = sum(row["total_ms"] for row in fixed)
    rebuilt = sum(row["rebuilt_ms"] for row in fixed)
    reread = sum(row["reread_ms"] for row in fixed)
    if total:
        print(
            f"\nRepositories with fixes: facts recomputed on rebuilt Projects take "
            f"{rebuilt:.1f} ms of {total:.1f} ms ({rebuilt / total:.0%}); re-reading and "
            f"re-parsing files no fix changed {reread:.1f} ms ({reread / total:.0%})."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
