"""paasfix benchmarks: one command that installs the tools, generates the inputs, runs every
case, prints the results and writes them to ``bench/RESULTS.md``.

    python bench/run.py            # the full configuration (about 16 minutes on 2 cores)
    python bench/run.py --quick    # small sizes, a few minutes; written to bench/results-quick.md

paasfix (built from this working tree, as ``pip install .`` installs it), ruff and fixit are
installed into ``bench/.venv``, never into the project's environment. Inputs are generated
into a temporary directory, which is removed afterwards (``--keep`` keeps it). Each command
runs ``--runs`` times, the commands of one case taking turns so that their ratios come from
the same stretch of time; the figures are medians. See :func:`interleaved` for the run that
measures memory and warms the page cache.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import fleet  # noqa: E402
import generate  # noqa: E402
import measure  # noqa: E402
from measure import MB, Series  # noqa: E402

REPO = BENCH.parent
VENV = BENCH / ".venv"
SOURCE_FILES = ("pyproject.toml", "README.md", "src", "fixers")
"""What ``pip install`` needs from the working tree (copied, so the build leaves no files)."""

HEAVY = (
    "click",
    "yaml",
    "ruamel.yaml",
    "requirements",
    "packaging",
    "libcst",
    "git",
    "gitlab",
    "github",
    "requests",
    "jsonschema",
)
"""Third-party modules whose import is worth avoiding where a command does not need them."""

TARGET_MEMORY = 150 * MB


@dataclass
class Config:
    name: str
    sizes: tuple[int, ...]
    runs: int
    startup_runs: int
    log_bytes: int
    fleet_repos: int
    concurrency: tuple[int, ...]
    floor_everywhere: bool = False
    """Measure the clone floor at every concurrency, not only the highest."""


FULL = Config("full", (500, 5_000, 50_000), 5, 20, 1_000 * MB, 200, (1, 4, 8))
QUICK = Config("quick", (200, 1_000, 5_000), 5, 10, 100 * MB, 20, (1, 4, 8))


# --- tools -------------------------------------------------------------------------------


@dataclass
class Tools:
    python: str
    paasfix: str
    ruff: str
    fixit: str

    def versions(self) -> dict[str, str]:
        return {
            "Python": measure.output([self.python, "-c", "import sys; print(sys.version)"]),
            "paasfix": measure.output([self.paasfix, "--version"]).split()[-1],
            "ruff": measure.output([self.ruff, "--version"]).split()[-1],
            "fixit": measure.output([self.fixit, "--version"]).split()[-1],
        }


def install(workdir: Path) -> Tools:
    """bench/.venv with ruff, fixit and paasfix as ``pip install .`` installs it."""
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", str(BENCH / "requirements.txt")], check=True)
    source = workdir / "paasfix-source"
    for name in SOURCE_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(
                src, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
            )
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, source / name)
    subprocess.run(pip + [str(source)], check=True)
    shutil.rmtree(source)
    bin_dir = VENV / "bin"
    return Tools(
        str(python), str(bin_dir / "paasfix"), str(bin_dir / "ruff"), str(bin_dir / "fixit")
    )


# --- running and reporting ---------------------------------------------------------------


@dataclass
class Command:
    label: str
    argv: list[str]
    cwd: Optional[str] = None
    ok: tuple[int, ...] = (0,)
    sample_tree: bool = False
    env: Optional[dict[str, str]] = None
    long: bool = False
    """Runs for many seconds: no separate run for memory (see :func:`interleaved`)."""
    after: Optional[Callable[[], None]] = None
    """Called after each run (to check what it wrote)."""


def interleaved(commands: Sequence[Command], runs: int) -> list[Series]:
    """``runs`` timed rounds of every command in turn. Before them, each command runs once more
    under ``/usr/bin/time`` for its peak memory (which also warms the page cache), except a
    ``long`` one: all its runs are under ``/usr/bin/time``, whose millisecond does not matter
    there, and its first run warms the cache for the others."""
    series = [Series(command.label) for command in commands]
    for command, found in zip(commands, series):
        if not command.long:
            found.memory.append(_run(command, memory=True))
    for _ in range(runs):
        for command, found in zip(commands, series):
            sample = _run(command, memory=command.long)
            found.samples.append(sample)
            if command.long:
                found.memory.append(sample)
    return series


def _run(command: Command, memory: bool) -> measure.Sample:
    sample = measure.run(
        command.argv, command.cwd, command.env, command.ok, command.sample_tree, memory=memory
    )
    if command.after is not None:
        command.after()
    return sample


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def megabytes(value: Optional[int]) -> str:
    return "–" if value is None else f"{value / MB:.0f} MB"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " if index == 0 else " ---: " for index in range(len(header))) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


@dataclass
class Target:
    goal: str
    measured: str
    met: bool


@dataclass
class Report:
    config: Config
    sections: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    peaks: list[tuple[str, int]] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    """Minutes each case took."""

    def add(self, title: str, text: str) -> None:
        section = f"## {title}\n\n{text.strip()}\n"
        self.sections.append(section)
        print("\n" + section, flush=True)

    def memory(self, label: str, series: Series) -> None:
        self.peaks.append((label, series.peak))


# --- 1 and 2: check on large repositories, with ruff and fixit --------------------------


def case_scale(tools: Tools, config: Config, workdir: Path, report: Report) -> None:
    rows = []
    by_size: dict[int, dict[str, Series]] = {}
    for size in config.sizes:
        tree = workdir / f"repo-{size}"
        kinds = generate.write_repository(tree, size)
        ruff_files = len(
            measure.output(
                [tools.ruff, "check", "--no-cache", "--show-files", "."], cwd=str(tree)
            ).splitlines()
        )
        commands = [
            Command("paasfix", [tools.paasfix, "check", "."], str(tree), (0, 1)),
            Command("ruff", [tools.ruff, "check", "--no-cache", "."], str(tree), (0, 1)),
            Command("fixit", [tools.fixit, "lint", "."], str(tree), (0, 1), long=True),
        ]
        found = {series.label: series for series in interleaved(commands, config.runs)}
        by_size[size] = found
        for series in found.values():
            report.memory(f"{series.label} on {size:,} files", series)
        paasfix, ruff, fixit = found["paasfix"], found["ruff"], found["fixit"]
        rows.append(
            [
                f"{size:,} ({kinds.get('.py', 0):,} .py; ruff reads {ruff_files:,})",
                seconds(paasfix.wall),
                megabytes(paasfix.peak),
                seconds(ruff.wall),
                megabytes(ruff.peak),
                seconds(fixit.wall),
                megabytes(fixit.peak),
                f"{paasfix.wall / ruff.wall:.2f}",
                f"{paasfix.wall / fixit.wall:.3f}",
            ]
        )
        shutil.rmtree(tree)
    small, large = min(config.sizes), max(config.sizes)
    growth = by_size[large]["paasfix"].wall / by_size[small]["paasfix"].wall
    ruff_growth = by_size[large]["ruff"].wall / by_size[small]["ruff"].wall
    text = table(
        [
            "files",
            "paasfix check",
            "peak",
            "ruff check",
            "peak",
            "fixit lint",
            "peak",
            "paasfix / ruff",
            "paasfix / fixit",
        ],
        rows,
    )
    text += (
        f"\n\npaasfix on {large:,} files / on {small:,} files: **{growth:.2f}** "
        f"(ruff: {ruff_growth:.2f}).\n\n"
        "Commands, run in the repository: `paasfix check .`, `ruff check --no-cache .` "
        "(ruff's default rules and file discovery, no cache, as on a fresh CI checkout), "
        "`fixit lint .` (fixit's default rules). Exit status 1 (findings) is expected from "
        'all three. "ruff reads" is the number of files `ruff check --show-files` lists: '
        "ruff skips `node_modules` by default and lints the vendored packages."
    )
    report.add("1–2. `check` on large repositories, against ruff and fixit", text)
    large_paasfix, large_ruff = by_size[large]["paasfix"].wall, by_size[large]["ruff"].wall
    report.targets.append(
        Target(
            f"check on {large:,} files at most the time of ruff",
            f"{seconds(large_paasfix)} vs {seconds(large_ruff)} "
            f"({large_paasfix / large_ruff:.2f}×)",
            large_paasfix <= large_ruff,
        )
    )
    report.targets.append(
        Target(f"check {large:,} / {small:,} files at most 1.5", f"{growth:.2f}", growth <= 1.5)
    )


# --- 3: start-up and imports ------------------------------------------------------------


def import_times(text: str) -> dict[str, tuple[int, int]]:
    """``python -X importtime`` output -> module -> (self µs, cumulative µs)."""
    found = {}
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|", 2)
        found[name.strip()] = (int(own), int(cumulative))
    return found


def _package(name: str) -> str:
    for heavy in HEAVY:
        if name == heavy or name.startswith(heavy + "."):
            return heavy
    if name.startswith("paasfix.fixers."):
        return "paasfix.fixers"
    return name.split(".")[0]


def by_package(times: dict[str, tuple[int, int]]) -> dict[str, int]:
    """Self time summed over each package's modules (µs)."""
    sums: dict[str, int] = {}
    for name, (own, _) in times.items():
        key = _package(name)
        sums[key] = sums.get(key, 0) + own
    return sums


def traced_imports(
    tools: Tools, args: Sequence[str], cwd: Optional[str] = None, ok: Sequence[int] = (0, 1)
) -> dict[str, tuple[int, int]]:
    result = subprocess.run(
        [tools.python, "-X", "importtime", tools.paasfix, *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if result.returncode not in ok:
        raise measure.CommandFailed(
            f"paasfix {' '.join(args)} exited {result.returncode}: {result.stderr[-500:]}"
        )
    return import_times(result.stderr)


def case_startup(
    tools: Tools,
    config: Config,
    workdir: Path,
    report: Report,
    commands_for_imports: Sequence[tuple[str, list[str], Optional[str]]],
) -> None:
    small = workdir / "small-repo"
    generate.write_repository(small, 0)
    commands = [
        Command("python -c pass", [tools.python, "-c", "pass"]),
        Command("python -c 'import click'", [tools.python, "-c", "import click"]),
        Command("paasfix --help", [tools.paasfix, "--help"]),
        Command(
            "paasfix check (small repository)", [tools.paasfix, "check", str(small)], ok=(0, 1)
        ),
    ]
    series = interleaved(commands, config.startup_runs)
    floor = series[0].wall
    rows = [[s.label, seconds(s.wall), f"{s.wall / floor:.1f}×", megabytes(s.peak)] for s in series]
    for s in series[2:]:
        report.memory(s.label, s)
    check = series[3]
    text = (
        f"The small repository is the generated application alone "
        f"({sum(1 for p in small.rglob('*') if p.is_file())} files: Django, Celery, "
        f"a Procfile, requirements with an include). {config.startup_runs} runs each.\n\n"
    )
    text += table(["command", "wall (median)", "/ python -c pass", "peak"], rows)

    phase_runs = [
        json.loads(measure.output([tools.python, str(BENCH / "phases.py"), str(small)]))
        for _ in range(config.runs)
    ]

    def median(name: str) -> float:
        return sorted(run.get(name, 0.0) for run in phase_runs)[len(phase_runs) // 2]

    detects = [name for name in phase_runs[0] if name.startswith("detect of ")]
    slowest = sorted(detects, key=median, reverse=True)[:3]
    shown: list[str] = []
    for name in phase_runs[0]:
        if name not in detects:
            shown.append(name)
        if name == "detect (all fixers)":
            shown += slowest
    phase_rows = [[name, f"{median(name):.1f} ms"] for name in shown]
    text += (
        "\n\nWhere the time of `check` on the small repository goes, inside one process "
        f"(`bench/phases.py`, median of {config.runs}; the interpreter's own start is "
        "`python -c pass` above):\n\n"
    )
    text += table(["phase", "time"], phase_rows)

    runs = [by_package(traced_imports(tools, ["check", str(small)])) for _ in range(config.runs)]
    keys = sorted(
        {key for run in runs for key in run},
        key=lambda key: -sorted(run.get(key, 0) for run in runs)[len(runs) // 2],
    )
    median = {key: sorted(run.get(key, 0) for run in runs)[len(runs) // 2] for key in keys}
    total = sum(median.values())
    text += (
        f"\n\nImport time of `paasfix check` on the small repository "
        f"(`python -X importtime`, self time summed per package, median of {config.runs};"
        " importtime itself slows imports down, so compare the shares; it does not list "
        "modules imported with `importlib.import_module`, such as the fixer modules "
        f"themselves): {total / 1000:.0f} ms in all.\n\n"
    )
    text += table(
        ["package", "import time", "share"],
        [
            [f"`{key}`", f"{median[key] / 1000:.1f} ms", f"{median[key] / total:.0%}"]
            for key in keys[:15]
        ],
    )

    presence = []
    for label, args, cwd in commands_for_imports:
        times = by_package(traced_imports(tools, args, cwd))
        presence.append(
            [f"`paasfix {label}`"]
            + [f"{times[heavy] / 1000:.0f} ms" if heavy in times else "–" for heavy in HEAVY]
        )
    text += (
        "\n\nWhich heavy modules each command imports (self time summed over the "
        "package, under importtime; – means not imported):\n\n"
    )
    text += table(["command", *[f"`{heavy}`" for heavy in HEAVY]], presence)
    report.add("3. Start-up", text)
    report.targets.append(
        Target(
            "check on a small repository at most 3× `python -c pass`",
            f"{seconds(check.wall)} vs {seconds(floor)} ({check.wall / floor:.1f}×)",
            check.wall <= 3 * floor,
        )
    )


# --- 4: fleet ----------------------------------------------------------------------------


def _start_forge(tools: Tools, root: Path, listing: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [tools.python, str(BENCH / "fleet.py"), "serve", str(root), str(listing)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        server.kill()
        raise measure.CommandFailed(f"the local forge did not start (it said {url!r})")
    return server, url


class FleetResults:
    """The ``--results`` file of fleet runs: after each run, its outcomes are counted and the
    file removed (the fleet appends to it); an error outcome stops the benchmark."""

    def __init__(self, path: Path):
        self.path = path
        self.outcomes: dict[str, int] = {}

    def check(self) -> None:
        counts: dict[str, int] = {}
        errors = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            counts[record["outcome"]] = counts.get(record["outcome"], 0) + 1
            if record["outcome"] == "error":
                errors.append(f"{record['target']}: {record.get('error')}")
        self.path.unlink()
        if errors:
            raise measure.CommandFailed("the fleet failed on " + "; ".join(errors[:3]))
        self.outcomes = counts


def _clone_floor(
    tools: Tools, url: str, listing: Path, dest: Path, jobs: int, bare: bool = False
) -> Command:
    label = f"git clone --depth 1{' --bare' if bare else ''}, {jobs} at a time"
    argv = [
        tools.python,
        str(BENCH / "fleet.py"),
        "clone",
        url,
        str(listing),
        str(dest),
        "--jobs",
        str(jobs),
        *(["--bare"] if bare else []),
    ]
    return Command(label, argv, sample_tree=True, long=True)


def case_fleet(tools: Tools, config: Config, workdir: Path, report: Report) -> None:
    root = workdir / "forge"
    paths = fleet.make_fleet(root, config.fleet_repos)
    listing = workdir / "fleet.txt"
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    sizes = [len(fleet.committed_files(index)) for index in range(len(paths))]
    results = FleetResults(workdir / "results.jsonl")
    server, url = _start_forge(tools, root, listing)
    top = max(config.concurrency)
    try:
        env = {
            **os.environ,
            "PAASFIX_FORGE": "gitlab",
            "PAASFIX_GITLAB_TOKEN": fleet.TOKEN,
            "PAASFIX_GITLAB_URL": url,
        }
        rows = []
        for jobs in config.concurrency:
            commands = [
                Command(
                    f"paasfix fleet --dry-run --jobs {jobs}",
                    [
                        tools.paasfix,
                        "fleet",
                        "--dry-run",
                        "--jobs",
                        str(jobs),
                        "--repos",
                        str(listing),
                        "--results",
                        str(results.path),
                    ],
                    env=env,
                    sample_tree=True,
                    long=True,
                    after=results.check,
                )
            ]
            if jobs == top or config.floor_everywhere:
                commands.append(_clone_floor(tools, url, listing, workdir / "clones", jobs))
            if jobs == top:
                commands.append(
                    _clone_floor(tools, url, listing, workdir / "clones", jobs, bare=True)
                )
            series = interleaved(commands, config.runs)
            report.memory(series[0].label, series[0])
            bot = series[0]
            row = [
                str(jobs),
                seconds(bot.wall),
                f"{bot.wall / len(paths) * 1000:.0f} ms",
                megabytes(bot.peak),
                megabytes(bot.tree_peak),
            ]
            for floor in series[1:]:
                row.append(f"{seconds(floor.wall)} (**{bot.wall / floor.wall:.2f}**)")
            rows.append(row + ["–"] * (7 - len(row)))
            if jobs == top:
                floor = series[1]
                report.targets.append(
                    Target(
                        f"fleet --dry-run at concurrency {jobs} at most 1.3× the clone floor",
                        f"{seconds(bot.wall)} vs {seconds(floor.wall)} "
                        f"({bot.wall / floor.wall:.2f}×; against `--bare`: "
                        f"{bot.wall / series[2].wall:.2f}×)",
                        bot.wall <= 1.3 * floor.wall,
                    )
                )
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=30)
    outcome_text = ", ".join(f"{count} {name}" for name, count in sorted(results.outcomes.items()))
    text = table(
        [
            "jobs",
            "paasfix fleet --dry-run",
            "per repository",
            "peak",
            "peak (all processes)",
            "git clone --depth 1 (fleet / it)",
            "git clone --depth 1 --bare (fleet / it)",
        ],
        rows,
    )
    text += "\n\n" + " ".join(
        part
        for part in [
            f"{len(paths)} repositories ({sum(sizes):,} files in all, {min(sizes)} to {max(sizes)}",
            "each: the generated application with its assets and vendored code, without",
            "node_modules, one commit each), served from 127.0.0.1 by the test suite's local forge",
            "(`tests/forge/local_forge.py`: `git http-backend` behind a Python HTTP server, and",
            "GitLab's API from `tests/forge/fake_gitlab.py`), which require the token.",
            f"Every run's results are read: {outcome_text}, no error. The floor clones every",
            "repository with `git clone --depth 1` from a pool of threads of the same size",
            "(`bench/fleet.py clone`); `--bare` skips the checkout, as the bot does.",
            ""
            if config.floor_everywhere
            else f"The floor is measured at {top} jobs only, to keep the whole benchmark near 20",
            ""
            if config.floor_everywhere
            else "minutes (`--floor-everywhere` measures it at each concurrency).",
            "The server shares the two cores with the command measured, for both. Every run is",
            'under `/usr/bin/time`. "All processes" sums the proportional set sizes of the',
            "command's process tree (git included; a shared page counts once), sampled every",
            "20 ms.",
        ]
        if part
    )
    report.add("4. `fleet --dry-run` over many repositories", text)


# --- 5: diagnose -------------------------------------------------------------------------


def case_diagnose(tools: Tools, config: Config, workdir: Path, report: Report) -> None:
    log = workdir / "build.log"
    size = generate.write_log(log, config.log_bytes)
    command = Command("paasfix diagnose", [tools.paasfix, "diagnose", str(log)], sample_tree=True)
    series = interleaved([command], config.runs)[0]
    report.memory("paasfix diagnose", series)
    throughput = size / series.wall / MB
    low, high = series.spread
    text = table(
        [
            "log",
            "wall (median)",
            "min – max",
            "throughput",
            "peak (largest process)",
            "peak (all processes)",
        ],
        [
            [
                f"{size / MB:,.0f} MB",
                seconds(series.wall),
                f"{seconds(low)} – {seconds(high)}",
                f"{throughput:.0f} MB/s",
                megabytes(series.peak),
                megabytes(series.tree_peak),
            ]
        ],
    )
    text += (
        "\n\nThe log: pip, gcc and webpack output with ANSI colours, Chinese progress "
        "lines, one line in eight ending in CRLF, and five lines that fixers recognise "
        "near the start, the middle and the end (so the whole log is read). It is in the "
        'page cache. "All processes" sums the proportional set sizes of the process tree '
        "(a shared page counts once), sampled every 20 ms."
    )
    report.add("5. `diagnose` on a large log", text)
    report.targets.append(
        Target("diagnose at 100 MB/s or more", f"{throughput:.0f} MB/s", throughput >= 100)
    )
    log.unlink()


# --- the report --------------------------------------------------------------------------


def header(
    tools: Tools,
    config: Config,
    elapsed: float,
    loads: tuple[str, str],
    durations: dict[str, float],
) -> str:
    rows = [[key, value] for key, value in measure.machine().items()]
    rows.append(["load average (1, 5, 15 min)", f"{loads[0]} at the start, {loads[1]} at the end"])
    rows += [[key, value] for key, value in tools.versions().items()]
    sizes = ", ".join(f"{size:,}" for size in config.sizes)
    return (
        "# Benchmark results\n\n"
        f"Written by `python bench/run.py{'' if config is FULL else ' --' + config.name}` "
        f"on {datetime.date.today().isoformat()} ({config.name} configuration: repositories "
        f"of {sizes} files, a {config.log_bytes / MB:,.0f} MB log, {config.fleet_repos} "
        f"repositories for the fleet; medians of {config.runs} runs, {config.startup_runs} "
        f"for start-up; the whole run took {elapsed / 60:.0f} minutes, in minutes: "
        + ", ".join(f"{case} {minutes:.1f}" for case, minutes in durations.items())
        + "). "
        "Sizes are in MB of 10^6 bytes. Peak memory is the largest resident set of one "
        "process, from `/usr/bin/time -f %M`, in one more, untimed run of each command that "
        "also warms the page cache; commands that run for many seconds (fixit, the fleet and "
        "the clones) run under it every time instead.\n\n" + table(["", ""], rows) + "\n"
    )


def targets_section(report: Report) -> str:
    """The targets, the memory one last (over every command measured)."""
    worst = max(report.peaks, key=lambda item: item[1]) if report.peaks else ("", 0)
    memory = Target(
        "peak memory under 150 MB in every case",
        f"largest: {megabytes(worst[1])} ({worst[0]})",
        worst[1] < TARGET_MEMORY,
    )
    rows = [
        [target.goal, target.measured, "met" if target.met else "**missed**"]
        for target in [*report.targets, memory]
    ]
    return "## Targets\n\n" + table(["target", "measured", ""], rows) + "\n"


CASES = ("scale", "startup", "fleet", "diagnose")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}"
    )
    parser.add_argument("--runs", type=int, help="timed runs per command (at least 5)")
    parser.add_argument("--sizes", help="repository sizes, comma-separated")
    parser.add_argument("--log-mb", type=int, help="size of the generated log")
    parser.add_argument("--fleet-repos", type=int, help="repositories for the fleet case")
    parser.add_argument(
        "--floor-everywhere",
        action="store_true",
        help="measure the clone floor at every concurrency (adds minutes)",
    )
    parser.add_argument(
        "--workdir", help="where inputs are generated (default: a temporary directory)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated inputs")
    parser.add_argument(
        "--output",
        help="default: bench/RESULTS.md for the full "
        "configuration, bench/results-NAME.md otherwise",
    )
    args = parser.parse_args(argv)

    config = QUICK if args.quick else FULL
    overrides = {
        "runs": args.runs,
        "log_bytes": args.log_mb and args.log_mb * MB,
        "fleet_repos": args.fleet_repos,
        "floor_everywhere": args.floor_everywhere,
        "sizes": args.sizes and tuple(int(s) for s in args.sizes.split(",")),
    }
    overrides = {key: value for key, value in overrides.items() if value}
    cases = [case.strip() for case in args.cases.split(",") if case.strip()]
    if overrides or cases != list(CASES):
        config = Config(**{**config.__dict__, **overrides, "name": "custom"})
    if config.runs < 5:
        parser.error("--runs must be at least 5")
    unknown = set(cases) - set(CASES)
    if unknown:
        parser.error(f"unknown case {sorted(unknown)[0]!r}")
    output = (
        Path(args.output)
        if args.output
        else (BENCH / "RESULTS.md" if config is FULL else BENCH / f"results-{config.name}.md")
    )

    started = datetime.datetime.now()
    load_at_start = measure.load()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="paasfix-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if not os.path.exists(measure.TIME):
        print(
            f"warning: no {measure.TIME} (Debian and Ubuntu: apt-get install time); peak "
            "memory will include this script's own, which a child keeps through exec",
            file=sys.stderr,
        )
    try:
        print(f"installing paasfix, ruff and fixit into {VENV}", flush=True)
        tools = install(workdir)
        report = Report(config)
        small_log = workdir / "small.log"
        generate.write_log(small_log, 2 * MB)
        imports = [
            ("--help", ["--help"], None),
            ("check", ["check", "."], str(workdir / "small-repo")),
            ("fix --diff", ["fix", "--diff", "."], str(workdir / "small-repo")),
            ("diagnose", ["diagnose", str(small_log)], None),
            ("explain", ["explain", "fix-procfile"], None),
            ("fixers", ["fixers"], None),
            ("mr --help", ["mr", "--help"], None),
            ("fleet --help", ["fleet", "--help"], None),
        ]
        steps: dict[str, Callable[[], None]] = {
            "scale": lambda: case_scale(tools, config, workdir, report),
            "startup": lambda: case_startup(tools, config, workdir, report, imports),
            "fleet": lambda: case_fleet(tools, config, workdir, report),
            "diagnose": lambda: case_diagnose(tools, config, workdir, report),
        }
        for case in cases:
            print(f"\n-- {case}", flush=True)
            case_started = datetime.datetime.now()
            steps[case]()
            report.durations[case] = (datetime.datetime.now() - case_started).total_seconds() / 60
        elapsed = (datetime.datetime.now() - started).total_seconds()
        targets = targets_section(report)
        print("\n" + targets)
        loads = (load_at_start, measure.load())
        output.write_text(
            "\n".join(
                [
                    header(tools, config, elapsed, loads, report.durations),
                    *sorted(report.sections),
                    targets,
                ]
            ),
            encoding="utf-8",
        )
        print(f"written to {output}")
    finally:
        if args.keep:
            print(f"inputs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
