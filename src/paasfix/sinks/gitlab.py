"""The GitLab Code Quality report: a JSON array of issues, shown in merge requests.

Each issue has ``description``, ``check_name`` (the fixer id), ``fingerprint`` (stable while
the problem stays), ``severity`` and ``location`` (``path`` and ``lines.begin``). Paths are
relative to ``$CI_PROJECT_DIR`` when it is set (GitLab resolves them against the project),
otherwise to the repository that was checked.
"""

from __future__ import annotations

import json
import os
from typing import Optional

from paasfix.fixer import ERROR, INFO, WARNING
from paasfix.runner import Result
from paasfix.sinks.report import fingerprints

SEVERITIES = {ERROR: "critical", WARNING: "major", INFO: "info"}
"""A finding that fails the deploy is critical; a warning, major; a recommendation, info."""


def report_path(root: str, path: Optional[str], project_dir: Optional[str]) -> str:
    """``path`` (relative to ``root``) as GitLab wants it; a finding about the whole
    repository points at the repository's own directory."""
    if not project_dir:
        return path or "."
    full = os.path.realpath(os.path.join(root, path or ""))
    base = os.path.realpath(project_dir)
    if full != base and not full.startswith(base.rstrip(os.sep) + os.sep):
        return path or "."
    return os.path.relpath(full, base).replace(os.sep, "/")


def to_gitlab(result: Result, root: str, project_dir: Optional[str] = None) -> str:
    if project_dir is None:
        project_dir = os.environ.get("CI_PROJECT_DIR")
    issues = []
    for finding, fingerprint in zip(result.findings, fingerprints(result.findings)):
        issues.append(
            {
                "type": "issue",
                "description": f"{finding.message} ({finding.fixer}"
                f"{', fix by hand' if not finding.fixable else ''})",
                "check_name": finding.fixer,
                "fingerprint": fingerprint,
                "severity": SEVERITIES[finding.severity],
                "categories": ["Bug Risk"],
                "location": {
                    "path": report_path(root, finding.path, project_dir),
                    "lines": {"begin": finding.line or 1},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
