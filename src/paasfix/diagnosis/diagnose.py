"""``paasfix diagnose``: which fixers a build or deploy log points to.

The platform shows a failed deploy as a log, not as a list of problems. Every fixer declares
the log lines its problem produces (its ``log_patterns``, in the platform's old and current
wording); this module reads a log (see :mod:`paasfix.diagnosis.logscan` for how a large one is read
quickly and in bounded memory) and says which fixers match, on which lines, and what they
explain.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Optional, Sequence

from paasfix.diagnosis.logscan import Hit, Scanner, open_log
from paasfix.fixer import MANUAL, UNSAFE, Fixer

JSON_VERSION = 1
DEFAULT_LINES = 3


@dataclass(frozen=True)
class Match:
    """A fixer whose log patterns matched, with the first lines they matched."""

    fixer: type[Fixer[Any]]
    hits: tuple[Hit, ...]
    more: bool
    """More lines matched than are kept."""


@dataclass(frozen=True)
class Diagnosis:
    log: str
    """The log's name as given (``-`` is standard input)."""
    lines: int
    """Lines read (a scan stops early once every fixer has all the lines it keeps)."""
    matches: tuple[Match, ...]
    """In the order of their first matching line."""

    @property
    def fixer_ids(self) -> list[str]:
        return [match.fixer.id for match in self.matches]


def diagnose(
    log: str,
    fixers: Sequence[type[Fixer[Any]]],
    limit: int = DEFAULT_LINES,
    stdin: Optional[BinaryIO] = None,
) -> Diagnosis:
    """Match the log file ``log`` (``-`` for ``stdin``) against ``fixers``' log patterns."""
    scanner = Scanner([(cls.id, cls.log_patterns) for cls in fixers], limit)
    if log == "-":
        scan = scanner.scan(open_log(stdin or sys.stdin.buffer))
    else:
        scan = scanner.scan_file(log)
    order = {cls.id: index for index, cls in enumerate(fixers)}
    matches = [
        Match(cls, tuple(scan.hits[cls.id]), cls.id in scan.more)
        for cls in fixers
        if scan.hits.get(cls.id)
    ]
    matches.sort(key=lambda match: (match.hits[0].line, order[match.fixer.id]))
    return Diagnosis(log, scan.lines, tuple(matches))


def _fix_label(cls: type[Fixer[Any]]) -> str:
    if cls.safety == MANUAL:
        return "to do by hand"
    return "fixable with --unsafe-fixes" if cls.safety == UNSAFE else "fixable"


def _first_paragraph(text: str) -> str:
    return text.split("\n\n", 1)[0]


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else "" for line in text.splitlines())


def to_text(diagnosis: Diagnosis, style: Callable[..., str], fixing: bool = False) -> str:
    """For people: each matching fixer, its log lines, and why it fails and what fixes it
    (and, unless ``fixing`` follows, how to apply the fixes)."""
    name = "standard input" if diagnosis.log == "-" else diagnosis.log
    read = f"{diagnosis.lines:,} line{'' if diagnosis.lines == 1 else 's'} read"
    if not diagnosis.matches:
        return (
            f"{name}: no fixer recognises this log ({read}). paasfix knows the platform "
            "messages listed by `paasfix explain ID`; this failure is not one of them.\n"
        )
    count = len(diagnosis.matches)
    out = [
        f"{name}: {count} fixer{'' if count == 1 else 's'} recognise{'s' if count == 1 else ''}"
        f" this log ({read}).",
        "",
    ]
    for match in diagnosis.matches:
        cls = match.fixer
        out.append(
            f"{style(cls.id, fg='blue', bold=True)}: {cls.title} "
            f"[{cls.severity}, {_fix_label(cls)}]"
        )
        width = len(str(match.hits[-1].line))
        for hit in match.hits:
            out.append(f"  {style(f'line {hit.line:>{width}}', bold=True)}: {hit.text}")
        if match.more:
            out.append("  (and more lines)")
        out.append("")
        out.append(f"  {style('What goes wrong', bold=True)}")
        out.append(_indent(cls.explanation_section("What goes wrong")))
        out.append("")
        out.append(f"  {style('The fix', bold=True)}")
        out.append(_indent(_first_paragraph(cls.explanation_section("The fix"))))
        out.append(f"    (more: `paasfix explain {cls.id}`)")
        out.append("")
    if fixing:
        return "\n".join(out) + "\n"
    ids = ",".join(diagnosis.fixer_ids)
    out.append(
        f"To apply these fixes: `paasfix diagnose {_quoted(diagnosis.log)} --fix PATH`, "
        f"or `paasfix fix --select {ids} PATH`."
    )
    return "\n".join(out) + "\n"


def _quoted(log: str) -> str:
    import shlex

    return shlex.quote(log)


def to_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """For programs: ``version``, ``log``, ``lines`` and ``matches`` (each with ``fixer``,
    ``title``, ``severity``, ``safety``, ``docs``, ``lines`` [{``line``, ``text``,
    ``pattern``}], ``more`` and ``explanation``)."""
    return {
        "version": JSON_VERSION,
        "log": diagnosis.log,
        "lines": diagnosis.lines,
        "matches": [
            {
                "fixer": match.fixer.id,
                "title": match.fixer.title,
                "severity": match.fixer.severity,
                "safety": match.fixer.safety,
                "docs": match.fixer.docs_url(),
                "lines": [
                    {"line": hit.line, "text": hit.text, "pattern": hit.pattern}
                    for hit in match.hits
                ],
                "more": match.more,
                "explanation": match.fixer.explanation(),
            }
            for match in diagnosis.matches
        ],
    }
