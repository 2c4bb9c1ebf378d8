"""``paasfix fleet``: the bot over many repositories of one forge.

The repositories come from the command line, a list file (one path or URL a line, ``#``
comments) or a group's listing. Each one runs :func:`paasfix.bot.run.run_repository` on a
pool of threads (the work is git subprocesses and HTTP), with its own forge connection per
thread. Each result is one JSON line, written and flushed as soon as the repository is done,
so an interrupted run can be resumed (``--resume`` skips every repository whose last result
is not an error) and failures re-run alone (``--failed``).

``--shard I/N`` keeps the repositories whose path hashes to ``I`` among ``N`` (SHA-256 of the
lower-cased path, modulo ``N``, 1-based): a repository stays in its shard whatever else is
added to or removed from the list, and the shards of one list partition it exactly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import IO, Any, Iterable, Mapping, Optional, Sequence

import click

from paasfix import registry
from paasfix.bot.cli import bot_options, exit_code, make_options, result_line, setup_logging
from paasfix.bot.run import BotOptions, Outcome, RepoResult, run_repository
from paasfix.core.errors import PaasfixError
from paasfix.forge import connect, forge_kind, split_repository
from paasfix.forge.base import Forge, redact

DEFAULT_JOBS = 4


@dataclass(frozen=True)
class Target:
    """One repository of the fleet."""

    key: str
    """As it was listed (a path or a URL): what results are matched by on a resumed run."""
    path: str
    """The repository's path on the forge."""


# Which repositories


def read_list(lines: Iterable[str]) -> list[str]:
    """The entries of a list file: one a line, blank lines and ``#`` comments left out."""
    entries = []
    for line in lines:
        entry = line.split(" #", 1)[0].strip()
        if entry and not entry.startswith("#"):
            entries.append(entry)
    return entries


def fleet_url(entries: Sequence[str], url: Optional[str]) -> Optional[str]:
    """The one forge a fleet talks to: ``url`` when given, else the origin of the entries
    given as URLs (which must all share it), else None (the forge's variable or site)."""
    if url:
        return url
    origins = sorted(
        {
            origin
            for origin, _ in (split_repository(entry, None) for entry in entries if "://" in entry)
            if origin is not None
        }
    )
    if len(origins) > 1:
        raise PaasfixError(
            "the list names repositories on more than one forge "
            f"({', '.join(origins)}); run one fleet per forge"
        )
    return origins[0] if origins else None


def identity(path: str) -> str:
    """What makes two entries one repository: its path on the forge, whatever the case
    (GitLab, GitHub and Gitea find a repository by its path in any case)."""
    return path.lower()


def targets(
    entries: Sequence[str], url: Optional[str], notes: Optional[list[str]] = None
) -> list[Target]:
    """Each repository once, in order, as a path on the forge at ``url``: an entry that names
    a repository listed before (as a path, a URL, a ``.git`` URL, with a trailing slash or in
    another case) is left out, with a line in ``notes`` saying so. An entry on another forge is
    refused: the token is never sent anywhere else."""
    found: dict[str, Target] = {}
    foreign = []
    for entry in entries:
        where, path = split_repository(entry, url)
        if url and where != url:
            foreign.append(entry)
        elif path and identity(path) in found:
            first = found[identity(path)].key
            if notes is not None and entry != first:
                notes.append(f"'{entry}' names the same repository as '{first}'; it runs once")
        elif path:
            found[identity(path)] = Target(entry, path)
    if foreign:
        raise PaasfixError(
            f"not on the forge {url}: {', '.join(foreign[:5])}"
            + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        )
    return list(found.values())


def with_groups(listed: list[Target], forge: Forge, groups: Sequence[str]) -> list[Target]:
    """``listed`` and then every repository of ``groups`` not listed already."""
    keys = {identity(target.path) for target in listed}
    found = list(listed)
    for group in groups:
        for repo in forge.group_repositories(group):
            if identity(repo.path) not in keys:
                keys.add(identity(repo.path))
                found.append(Target(repo.path, repo.path))
    return found


def parse_shard(
    text: Optional[str], environ: Mapping[str, str] = os.environ
) -> Optional[tuple[int, int]]:
    """``(I, N)`` from ``I/N``, or from GitLab CI's ``CI_NODE_INDEX``/``CI_NODE_TOTAL`` (set
    for ``parallel:`` jobs); None for the whole fleet."""
    if not text:
        if not environ.get("CI_NODE_TOTAL"):
            return None
        text = f"{environ.get('CI_NODE_INDEX', '')}/{environ['CI_NODE_TOTAL']}"
    index, _, total = text.partition("/")
    if not (index.strip().isdigit() and total.strip().isdigit()) or not 1 <= int(index) <= int(
        total
    ):
        raise PaasfixError(f"a shard is I/N with 1 <= I <= N, not '{text}'")
    return int(index), int(total)


def in_shard(target: Target, shard: Optional[tuple[int, int]]) -> bool:
    if shard is None:
        return True
    index, total = shard
    digest = hashlib.sha256(target.path.lower().encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total == index - 1


# Results


def read_results(path: str) -> dict[str, dict[str, Any]]:
    """The last result of each target in a results file (a line cut short by an interrupted
    run is skipped); empty when there is no file yet."""
    found: dict[str, dict[str, Any]] = {}
    try:
        with open(path, encoding="utf-8") as stream:
            for line in stream:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(record, dict) or not record.get("outcome"):
                    continue
                target = record.get("target") or record.get("repository")
                if isinstance(target, str):
                    found[target] = record
    except FileNotFoundError:
        pass
    return found


def still_to_do(
    all_targets: Sequence[Target],
    previous: Mapping[str, dict[str, Any]],
    resume: bool,
    failed: bool,
) -> list[Target]:
    """``--failed``: those whose last result is an error; ``--resume``: those without a
    result or whose last one is an error; otherwise all."""

    def outcome(target: Target) -> Optional[str]:
        return (previous.get(target.key) or {}).get("outcome")

    if failed:
        return [t for t in all_targets if outcome(t) == Outcome.ERROR.value]
    if resume:
        return [t for t in all_targets if outcome(t) in (None, Outcome.ERROR.value)]
    return list(all_targets)


class ResultWriter:
    """JSON lines, one per repository, each flushed whole under a lock."""

    def __init__(self, stream: IO[str], secrets: Sequence[str]):
        self.stream = stream
        self.secrets = list(secrets)
        self._lock = threading.Lock()

    def write(self, target: Target, result: RepoResult) -> None:
        record = {"target": target.key, **result.to_dict()}
        line = redact(json.dumps(record, ensure_ascii=False), self.secrets)
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()


# Progress


class Progress:
    """What the fleet is doing, on standard error: one line rewritten in place on a terminal,
    a line per finished repository otherwise."""

    def __init__(
        self, total: int, stream: IO[str], secrets: Sequence[str], live: Optional[bool] = None
    ):
        self.total = total
        self.stream = stream
        self.secrets = list(secrets)
        self.live = stream.isatty() if live is None else live
        self.done = 0
        self.counts: dict[str, int] = {}
        self.attention = 0
        """Repositories where errors or warnings remain, whatever their outcome."""
        self._lock = threading.Lock()

    def finished(self, result: RepoResult) -> None:
        with self._lock:
            self.done += 1
            outcome = result.outcome.value
            self.counts[outcome] = self.counts.get(outcome, 0) + 1
            self.attention += result.needs_attention
            if self.live:
                width = shutil.get_terminal_size((100, 20)).columns - 1
                line = f"[{self.done}/{self.total}] {self.summary()} | {result.repository}"
                self.stream.write("\r\x1b[K" + self._safe(line)[:width])
            else:
                self.stream.write(
                    self._safe(f"[{self.done}/{self.total}] {result_line(result)}") + "\n"
                )
            self.stream.flush()

    def summary(self) -> str:
        text = ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.counts.items()))
        if self.attention:
            text += f"; {self.attention} with errors or warnings left (needs_attention)"
        return text

    def close(self) -> None:
        with self._lock:
            if self.live and self.done:
                self.stream.write("\n")
            self.stream.write(
                f"paasfix fleet: {self.done} of {self.total} repositories"
                + (f": {self.summary()}" if self.counts else "")
                + "\n"
            )
            self.stream.flush()

    def _safe(self, text: str) -> str:
        return redact(text, self.secrets)


# Running


class _Connections(threading.local):
    """One forge connection per thread, made on first use."""

    def __init__(self, kind: str, url: Optional[str]):
        self.kind = kind
        self.url = url
        self.forge: Optional[Forge] = None

    def get(self) -> Forge:
        if self.forge is None:
            self.forge = connect(self.kind, self.url)
        return self.forge


def run_one(
    connections: _Connections, target: Target, options: BotOptions, secrets: Sequence[str]
) -> RepoResult:
    """The bot on one repository; whatever goes wrong becomes that repository's error."""
    try:
        return run_repository(connections.get(), target.path, options)
    except Exception as exc:
        if options.debug:
            sys.stderr.write(redact(traceback.format_exc(), secrets))
        message = redact(f"internal error: {type(exc).__name__}: {exc}", secrets)
        return RepoResult(
            repository=target.path,
            branch=options.branch,
            dry_run=options.dry_run,
            error=message,
            message=message,
        )


def run_fleet(
    connections: _Connections,
    todo: Sequence[Target],
    options: BotOptions,
    jobs: int,
    writer: ResultWriter,
    progress: Progress,
) -> list[RepoResult]:
    """Every target on ``jobs`` threads; each result is written as soon as it is known."""
    registry.all_fixers()
    results = []
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="paasfix-fleet")
    try:
        futures = {
            pool.submit(run_one, connections, target, options, writer.secrets): target
            for target in todo
        }
        for future in as_completed(futures):
            result = future.result()
            writer.write(futures[future], result)
            progress.finished(result)
            results.append(result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


@click.command(name="fleet", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("repositories", nargs=-1)
@click.option(
    "--repos",
    "list_file",
    type=click.File("r", encoding="utf-8"),
    metavar="FILE",
    help="Repositories, one path or URL a line ('#' comments; '-' for stdin).",
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="NAME",
    help="Every repository of this GitLab group (with subgroups), GitHub "
    "organisation or Gitea organisation or user (repeatable).",
)
@bot_options
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    default=DEFAULT_JOBS,
    show_default=True,
    help="Repositories worked on at once.",
)
@click.option(
    "--results",
    "results_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Write the JSON lines here (default: standard output).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Skip the repositories whose last result in --results is not an error.",
)
@click.option(
    "--failed",
    is_flag=True,
    help="Run only the repositories whose last result in --results is an error.",
)
@click.option(
    "--shard",
    metavar="I/N",
    help="Only the I-th of N shards (default: CI_NODE_INDEX/CI_NODE_TOTAL).",
)
def fleet(
    repositories: tuple[str, ...],
    list_file: Optional[IO[str]],
    groups: tuple[str, ...],
    kind: Optional[str],
    url: Optional[str],
    branch: str,
    opt_out_label: str,
    labels: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    unsafe_fixes: Optional[bool],
    propose_recommendations: Optional[bool],
    dry_run: bool,
    verbose: bool,
    debug: bool,
    jobs: int,
    results_path: Optional[str],
    resume: bool,
    failed: bool,
    shard: Optional[str],
) -> None:
    """Run the bot over many repositories of one forge: REPOSITORIES, a --repos list and
    --group listings. One JSON result per repository is written as it is done."""
    if (resume or failed) and not results_path:
        raise click.UsageError("--resume and --failed read the results of --results FILE")
    if resume and failed:
        raise click.UsageError("--resume and --failed do not go together")
    previous = read_results(results_path) if results_path and (resume or failed) else {}
    entries = list(repositories) + (read_list(list_file) if list_file else [])
    if failed and not entries and not groups:
        entries = [
            key for key, record in previous.items() if record.get("outcome") == Outcome.ERROR.value
        ]
    elif not entries and not groups:
        raise click.UsageError("name repositories, a --repos FILE or a --group")
    url = fleet_url(entries, url)
    kind = forge_kind(kind, url)
    forge = connect(kind, url)
    setup_logging(forge, verbose)
    if not verbose:
        logging.getLogger("paasfix").addHandler(logging.NullHandler())
    notes: list[str] = []
    listed = with_groups(targets(entries, url, notes), forge, groups)
    for note in notes:
        click.echo(f"paasfix fleet: {forge.redact(note)}", err=True)
    todo = still_to_do(
        [t for t in listed if in_shard(t, parse_shard(shard))], previous, resume, failed
    )
    options = make_options(
        branch,
        opt_out_label,
        labels,
        select,
        ignore,
        unsafe_fixes,
        propose_recommendations,
        dry_run,
        debug,
    )
    stream = (
        open(results_path, "a" if resume or failed else "w", encoding="utf-8")
        if results_path
        else sys.stdout
    )
    progress = Progress(len(todo), sys.stderr, forge.secrets())
    try:
        results = run_fleet(
            _Connections(kind, forge.url),
            todo,
            options,
            jobs,
            ResultWriter(stream, forge.secrets()),
            progress,
        )
    finally:
        progress.close()
        if stream is not sys.stdout:
            stream.close()
    sys.exit(exit_code(results))
