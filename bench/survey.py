"""Run ``paasfix check --format json`` over checked-out repositories and print one table.

    python bench/survey.py LIST [--paasfix PATH] [--root DIR] [--json OUT]

LIST has one checkout per line: a directory (relative to ``--root``, by default the list's own
directory), optionally followed by a build directory inside it; blank lines and lines starting
with ``#`` are skipped::

    TencentBlueKing+bk-sops
    wsvincent+djangoforbeginners ch16-deployment

For each line the script prints the checkout's commit (12 hex digits, read with git) and every
finding of warning or error severity as ``fixer path:line``; info findings are counted in their
own column. Nothing is fetched: the checkouts must already exist, which is what makes a run
repeatable (``git clone`` each repository and check out the commit named in docs/survey.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence


@dataclass(frozen=True)
class Entry:
    directory: Path
    build_dir: Optional[str]

    @property
    def label(self) -> str:
        name = self.directory.name
        return f"{name} ({self.build_dir})" if self.build_dir else name


def read_list(path: Path, root: Path) -> list[Entry]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        build_dir = words[1] if len(words) > 1 else None
        entries.append(Entry(root / words[0], build_dir))
    return entries


def commit_of(directory: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(directory), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()[:12] if done.returncode == 0 else "-"


def check(paasfix: str, entry: Entry) -> dict[str, Any]:
    command = [paasfix, "check", "--format", "json", str(entry.directory)]
    if entry.build_dir:
        command[4:4] = ["--build-dir", entry.build_dir]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        result: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        message = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"findings": [], "errors": [message], "exit": done.returncode}
    result["exit"] = done.returncode
    return result


def describe(finding: dict[str, Any]) -> str:
    where = finding.get("path") or "-"
    if finding.get("line"):
        where = f"{where}:{finding['line']}"
    return f"{finding['fixer']} {finding['severity']} {where}"


def table(rows: Sequence[tuple[Entry, str, dict[str, Any]]]) -> str:
    lines = ["| repository | commit | exit | warnings and errors | info |", "|---|---|---|---|---|"]
    for entry, commit, result in rows:
        findings = result.get("findings", [])
        serious = [describe(f) for f in findings if f.get("severity") != "info"]
        infos = sum(1 for f in findings if f.get("severity") == "info")
        cell = "<br>".join(serious + [f"error: {e}" for e in result.get("errors", [])]) or "-"
        lines.append(f"| {entry.label} | {commit} | {result['exit']} | {cell} | {infos} |")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("list", type=Path, help="file naming one checkout per line")
    parser.add_argument("--root", type=Path, help="directory the list's paths are relative to")
    parser.add_argument("--paasfix", default=shutil.which("paasfix") or "paasfix")
    parser.add_argument("--json", type=Path, help="also write every result to this file")
    args = parser.parse_args(argv)
    root = args.root or args.list.resolve().parent
    rows = []
    for entry in read_list(args.list, root):
        if not entry.directory.is_dir():
            print(f"{entry.directory}: not a directory", file=sys.stderr)
            continue
        rows.append((entry, commit_of(entry.directory), check(args.paasfix, entry)))
    print(table(rows))
    if args.json:
        dump = {entry.label: {"commit": commit, **result} for entry, commit, result in rows}
        args.json.write_text(
            json.dumps(dump, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
