"""A SARIF 2.1.0 log (code scanning in GitHub, GitLab and editors).

One run: ``tool.driver`` describes paasfix and has a rule per fixer that ran (its id, title,
explanation and default level); each finding is a result with its rule, level, message,
location and a fingerprint, and a fixable finding carries its fix as a SARIF ``fixes`` entry:
byte-exact replacements in each file, computed by running the fix in memory.
"""

from __future__ import annotations

import base64
import difflib
import json
import os
from typing import Any, Mapping, Optional, Sequence

from paasfix import __version__
from paasfix.fixer import ERROR, INFO, MANUAL, UNSAFE, WARNING, Finding, Fixer
from paasfix.runner import Change, Result
from paasfix.sinks.report import fingerprints

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
LEVELS = {ERROR: "error", WARNING: "warning", INFO: "note"}
ROOT_ID = "SRCROOT"
DOCS_BASE_VARIABLE = "PAASFIX_DOCS_URL"
"""Where paasfix's source tree is browsable (e.g. its repository's web page for a branch): the
fixers' documentation links (``docs/fixers.md#id``) are made absolute against it, as SARIF's
``helpUri`` must be."""


def _camel(fixer_id: str) -> str:
    return "".join(part.capitalize() for part in fixer_id.split("-")[1:])


def _first_paragraph(text: str) -> str:
    return " ".join(text.split("\n\n", 1)[0].split())


def rule(fixer: type[Fixer[Any]]) -> dict[str, Any]:
    """A ``reportingDescriptor`` from a fixer class."""
    what = fixer.explanation_section("What goes wrong")
    found = {
        "id": fixer.id,
        "name": _camel(fixer.id),
        "shortDescription": {"text": fixer.title},
        "fullDescription": {"text": _first_paragraph(what) or fixer.title},
        "help": {"text": fixer.explanation(), "markdown": fixer.explanation()},
        "defaultConfiguration": {"level": LEVELS[fixer.severity]},
        "properties": {"safety": fixer.safety, "tags": ["deployment", "blueking-paas"]},
    }
    url = fixer.docs_url()
    if "://" not in url and os.environ.get(DOCS_BASE_VARIABLE):
        url = os.environ[DOCS_BASE_VARIABLE].rstrip("/") + "/" + url
    if "://" in url:  # SARIF wants an absolute URI
        found["helpUri"] = url
    return found


def _artifact(path: str) -> dict[str, Any]:
    return {"uri": _quote(path), "uriBaseId": ROOT_ID}


def _location(path: str, line: Optional[int] = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _artifact(path)}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _content(raw: bytes) -> dict[str, Any]:
    try:
        return {"text": raw.decode("utf-8")}
    except UnicodeDecodeError:
        return {"binary": base64.b64encode(raw).decode("ascii")}


def replacements(old: bytes, new: bytes) -> list[dict[str, Any]]:
    """The smallest line-wise replacements that turn ``old`` into ``new``, as byte regions
    of ``old`` (which keeps CRLF, a byte-order mark and any encoding exact)."""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    offsets = [0]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line))
    out = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        replacement = {
            "deletedRegion": {"byteOffset": offsets[i1], "byteLength": offsets[i2] - offsets[i1]}
        }
        inserted = b"".join(new_lines[j1:j2])
        if inserted:
            replacement["insertedContent"] = _content(inserted)
        out.append(replacement)
    return out


def _fix(finding: Finding[Any], changes: Sequence[Change]) -> Optional[dict[str, Any]]:
    artifact_changes = []
    notes = []
    for change in changes:
        if change.new is None:
            notes.append(f"delete {change.path}")
        elif change.old is None:
            notes.append(f"create {change.path}")
        if (change.new_mode or 0) & 0o111 and not (change.old_mode or 0) & 0o111:
            notes.append(f"make {change.path} executable")
        edits = replacements(change.old or b"", change.new or b"")
        if edits:
            artifact_changes.append(
                {"artifactLocation": _artifact(change.path), "replacements": edits}
            )
    if not artifact_changes:
        return None
    how = "paasfix fix" + (" --unsafe-fixes" if finding.safety == UNSAFE else "")
    text = f"{how} --select {finding.fixer}" + (f" ({'; '.join(notes)})" if notes else "")
    return {"description": {"text": text}, "artifactChanges": artifact_changes}


def to_sarif(
    result: Result,
    root: str,
    fixers: Sequence[type[Fixer[Any]]],
    proposals: Mapping[int, Sequence[Change]],
) -> str:
    """``proposals`` maps the index of a finding in ``result.findings`` to its fix's changes."""
    rules = [rule(fixer) for fixer in fixers]
    index_of = {r["id"]: index for index, r in enumerate(rules)}
    results = []
    for index, (finding, fingerprint) in enumerate(
        zip(result.findings, fingerprints(result.findings))
    ):
        item: dict[str, Any] = {
            "ruleId": finding.fixer,
            "level": LEVELS[finding.severity],
            "kind": "fail",
            "message": {"text": finding.message},
            "partialFingerprints": {"paasfix/v1": fingerprint},
            "properties": {"safety": finding.safety},
        }
        if finding.fixer in index_of:
            item["ruleIndex"] = index_of[finding.fixer]
        if finding.path is not None:
            item["locations"] = [_location(finding.path, finding.line)]
        fix = _fix(finding, proposals.get(index, ())) if finding.safety != MANUAL else None
        if fix:
            item["fixes"] = [fix]
        results.append(item)
    root_uri = "file://" + _quote(os.path.abspath(root).replace(os.sep, "/").rstrip("/") + "/")
    run = {
        "tool": {
            "driver": {
                "name": "paasfix",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {ROOT_ID: {"uri": root_uri}},
        "invocations": [
            {
                "executionSuccessful": not result.errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": error}} for error in result.errors
                ],
            }
        ],
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/:")
