"""What the bot writes on the forge: the merge request's title and description, the hidden
marker that tells its own merge requests apart, and the fingerprint of the findings it fixes.

The description is a pure function of the fixes, so an unchanged repository gives a
byte-identical description and the bot has nothing to update.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Optional

from paasfix import registry
from paasfix.core.errors import PaasfixError
from paasfix.fixer import ERROR, MANUAL, UNSAFE, WARNING, Finding, Fixer
from paasfix.runner import Change, Result
from paasfix.sinks.diff import file_diff

TITLE = "Fix BlueKing PaaS deployment problems (paasfix)"
MARKER_ID = "paasfix-bot"
IGNORE_FILE = ".paasfixignore"
_MARKER = re.compile(r"<!--\s*" + MARKER_ID + r"\s+fingerprint=([0-9a-f]{16})\s*-->")


def fingerprint(findings: list[Finding[Any]]) -> str:
    """A stable id of what is fixed: the fixers, paths and messages, in no particular order.
    Line numbers are left out, so an unrelated edit above a problem does not change it."""
    keys = sorted({(f.fixer, f.path or "", f.message) for f in findings})
    return hashlib.sha256(json.dumps(keys).encode("utf-8")).hexdigest()[:16]


def marker(print_: str) -> str:
    return f"<!-- {MARKER_ID} fingerprint={print_} -->"


def read_marker(description: str) -> Optional[str]:
    """The fingerprint in a description the bot wrote, None in anyone else's."""
    found = _MARKER.search(description or "")
    return found.group(1) if found else None


def count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def left(remaining: list[dict[str, Any]]) -> str:
    """What remains, in a few words: ``1 error and 2 warnings remain``."""
    severities = [item.get("severity") for item in remaining]
    parts = [
        count(severities.count(severity), severity)
        for severity in (ERROR, WARNING)
        if severity in severities
    ]
    total = severities.count(ERROR) + severities.count(WARNING)
    return " and ".join(parts) + (" remain" if total > 1 else " remains")


def line_counts(change: Change) -> tuple[int, int]:
    """Lines added and removed, counted in the change's unified diff."""
    added = removed = 0
    in_hunk = False
    for line in file_diff(change).splitlines():
        if line.startswith("@@"):
            in_hunk = True
        elif in_hunk and line.startswith("+"):
            added += 1
        elif in_hunk and line.startswith("-"):
            removed += 1
    return added, removed


def _where(finding: Finding[Any]) -> str:
    if not finding.path:
        return "the repository"
    return f"`{finding.path}:{finding.line}`" if finding.line else f"`{finding.path}`"


def _fixer(fixer_id: str) -> Optional[type[Fixer[Any]]]:
    try:
        return registry.get(fixer_id)
    except PaasfixError:
        return None


def _explanation(fixer_id: str) -> str:
    cls = _fixer(fixer_id)
    if cls is None:
        return ""
    text = cls.explanation()
    return re.sub(r"^(#+) ", lambda m: "#" * min(len(m.group(1)) + 3, 6) + " ", text, flags=re.M)


def _fixed_section(result: Result) -> list[str]:
    lines = ["## What this fixes", ""]
    by_fixer: dict[str, list[Finding[Any]]] = {}
    for applied in result.applied:
        by_fixer.setdefault(applied.finding.fixer, []).append(applied.finding)
    for fixer_id, findings in by_fixer.items():
        title = getattr(_fixer(fixer_id), "title", "")
        lines.append(f"### `{fixer_id}`" + (f": {title}" if title else ""))
        lines.append("")
        lines += [f"- {_where(f)}: {f.message}" for f in findings]
        explanation = _explanation(fixer_id)
        if explanation:
            lines += [
                "",
                "<details><summary>Why, and how safe the fix is</summary>",
                "",
                explanation,
                "",
                "</details>",
            ]
        lines.append("")
    return lines


def _changes_section(changes: list[Change]) -> list[str]:
    lines = ["## Changed files", "", "| file | added | removed |", "| --- | ---: | ---: |"]
    for change in changes:
        added, removed = line_counts(change)
        note = " (new)" if change.old is None else " (deleted)" if change.new is None else ""
        if change.old is not None and change.new is not None and change.old_mode != change.new_mode:
            note = f" (mode {change.new_mode:o})"
        lines.append(f"| `{change.path}`{note} | +{added} | -{removed} |")
    return lines + [""]


def _how(finding: Finding[Any]) -> str:
    if finding.safety == MANUAL:
        return "by hand"
    if finding.safety == UNSAFE:
        return "`paasfix fix --unsafe-fixes` can fix it, but the fix may change behaviour"
    return "not fixed here"


def _remaining_section(result: Result) -> list[str]:
    failing = [f for f in result.findings if f.counts]
    advice = [f for f in result.findings if not f.counts]
    lines = []
    if failing:
        lines += [
            "## Left to do",
            "",
            "These problems remain after this merge request, and paasfix does not fix them "
            "on its own; until they are solved, the build or deploy is expected to fail:",
            "",
        ]
        lines += [
            f"- **{f.severity}** {_where(f)}: {f.message} (`{f.fixer}`, {_how(f)})" for f in failing
        ]
        lines.append("")
    if advice:
        lines += ["## Recommendations not applied", ""]
        lines += [f"- {_where(f)}: {f.message} (`{f.fixer}`, {_how(f)})" for f in advice]
        lines.append("")
    return lines


def description(result: Result, print_: str, opt_out_label: Optional[str]) -> str:
    opt_out = f"add a `{IGNORE_FILE}` file to the default branch"
    if opt_out_label:
        opt_out += f" or the label `{opt_out_label}` to the project"
    if not any(applied.finding.counts for applied in result.applied):
        intro = (
            "paasfix applied recommendations for BlueKing PaaS on this branch; the build and "
            "deploy do not depend on them."
        )
    else:
        intro = (
            "paasfix found problems that keep this application from building or deploying on "
            "BlueKing PaaS, and fixed them on this branch."
        )
    if result.failing:
        intro += " Some problems are left for you to solve: see *Left to do*."
    lines = [
        intro + " Each fix is explained below; please review the diff before merging.",
        "",
        *_fixed_section(result),
        *_changes_section(result.changes),
        *_remaining_section(result),
        "---",
        "paasfix keeps this merge request up to date with the default branch and closes it "
        "when the problems are gone. Close it without merging and these fixes are not "
        f"proposed again. To stop paasfix for this repository, {opt_out}.",
        "",
        marker(print_),
        "",
    ]
    return "\n".join(lines)
