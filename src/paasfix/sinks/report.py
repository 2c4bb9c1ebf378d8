"""Reports of findings: text for people, JSON for programs (the GitLab and SARIF reports
are in their own modules)."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Callable, Optional, Sequence

from paasfix.fixer import DOCS_URL, INFO, MANUAL, SAFE, UNSAFE, Finding
from paasfix.runner import Result

JSON_VERSION = 1

_SEVERITY_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
_DIGITS = re.compile(r"\d+")


def finding_dict(finding: Finding[Any]) -> dict[str, Any]:
    return {
        "fixer": finding.fixer,
        "severity": finding.severity,
        "path": finding.path,
        "line": finding.line,
        "message": finding.message,
        "safety": finding.safety,
        "docs": DOCS_URL.format(id=finding.fixer),
    }


def result_dict(result: Result, root: str, fixed: bool = False) -> dict[str, Any]:
    """The JSON report as a dict: ``version``, ``root``, ``build_dir``, ``findings``,
    ``errors``, and for ``fix`` also ``fixed`` and ``changed``."""
    data = {
        "version": JSON_VERSION,
        "root": root,
        "build_dir": result.build_dir,
        "findings": [finding_dict(f) for f in result.findings],
        "errors": list(result.errors),
    }
    if fixed:
        data["fixed"] = [finding_dict(a.finding) for a in result.applied]
        data["changed"] = [c.path for c in result.changes]
    return data


def to_json(result: Result, root: str, fixed: bool = False) -> str:
    return json.dumps(result_dict(result, root, fixed), indent=2, ensure_ascii=False) + "\n"


def fingerprints(findings: Sequence[Finding[Any]]) -> list[str]:
    """A fingerprint per finding that stays the same while the problem does: from the fixer,
    the file and the message with its numbers left out (so that a line moving, or a version
    in the message changing, keeps it), plus a counter for identical ones in one file."""
    import hashlib

    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in findings:
        key = (finding.fixer, finding.path or "", _DIGITS.sub("#", finding.message))
        out.append(hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest())
        seen[key] += 1
    return out


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _location(finding: Finding[Any]) -> str:
    if finding.path is None:
        return "(repository)"
    return f"{finding.path}:{finding.line}" if finding.line else finding.path


def format_finding(finding: Finding[Any], style: Callable[..., str]) -> str:
    tag = {SAFE: "", UNSAFE: " [unsafe fix]", MANUAL: " [manual]"}[finding.safety]
    severity = style(finding.severity, fg=_SEVERITY_COLOURS.get(finding.severity), bold=True)
    return (
        f"{style(_location(finding), bold=True)}: {severity} "
        f"{style(finding.fixer, fg='blue')}{tag} {finding.message}"
    )


def summary(result: Result, fixed: Optional[int] = None, preview: bool = False) -> str:
    """The closing line; ``preview`` words it for a fix that was only shown (``--diff``)."""
    findings = result.findings
    parts = []
    if fixed is not None and result.errors:
        parts.append("No file was changed because of the errors reported.")
    elif fixed is not None:
        parts.append(
            f"{'Would fix' if preview else 'Fixed'} {_plural(fixed, 'problem')}"
            + (f" in {_plural(len(result.changes), 'file')}." if fixed else ".")
        )
    if not findings and result.errors and fixed is None:
        parts.append("No other problem found, but the errors above stopped part of the check.")
        return " ".join(parts)
    if not findings:
        parts.append(
            "No problems found."
            if fixed is None
            else "Nothing would be left to fix."
            if preview
            else "Nothing left to fix."
        )
        return " ".join(parts)
    kinds = Counter(f.safety for f in findings)
    infos = sum(1 for f in findings if f.severity == INFO)
    remain = "would remain" if preview else "remain" if len(findings) > 1 else "remains"
    head = (
        f"Found {_plural(len(findings), 'problem')}"
        if fixed is None
        else f"{_plural(len(findings), 'problem')} {remain}"
    )
    details = []
    if kinds[SAFE]:
        details.append(f"{kinds[SAFE]} fixable with `paasfix fix`")
    if kinds[UNSAFE]:
        details.append(f"{kinds[UNSAFE]} with `paasfix fix --unsafe-fixes`")
    if kinds[MANUAL]:
        details.append(f"{kinds[MANUAL]} to do by hand")
    if infos:
        details.append(f"{infos} of them recommendations")
    parts.append(f"{head} ({', '.join(details)}).")
    return " ".join(parts)


def to_text(
    result: Result, style: Callable[..., str], fixed: Optional[int] = None, preview: bool = False
) -> str:
    lines = [format_finding(f, style) for f in result.findings]
    if fixed:
        verb = "would fix" if preview else "fixed"
        lines = [f"{verb}: {a.finding.fixer}: {a.finding.message}" for a in result.applied] + lines
    lines.append(summary(result, fixed, preview))
    return "\n".join(lines) + "\n"


def commit_message(result: Result) -> str:
    """The commit message: one line per fix applied, with why, and the paasfix trailer."""
    from paasfix import __version__
    from paasfix.sinks.commit import TRAILER

    lines = ["Fix deployment problems found by paasfix", ""]
    for applied in result.applied:
        where = f" ({applied.finding.path})" if applied.finding.path else ""
        lines.append(f"- {applied.finding.fixer}{where}: {applied.finding.message}")
    lines += ["", f"{TRAILER} {__version__}", ""]
    return "\n".join(lines)
