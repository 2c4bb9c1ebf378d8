"""docs/fixers.md is generated from the fixers and must be up to date (as django-upgrade's
docs test does): a fixer that is added or changed without regenerating it fails here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from paasfix import docs
from paasfix.fixer import DOCS_URL

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "fixers.md"
FIXERS = docs.builtin_fixers()


def _anchor(heading: str) -> str:
    """The anchor GitHub and GitLab give a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_docs_are_up_to_date():
    assert DOCS.read_text(encoding="utf-8") == docs.render(FIXERS), (
        "docs/fixers.md is out of date: run `python -m paasfix.docs`"
    )


@pytest.mark.parametrize("cls", FIXERS, ids=[cls.id for cls in FIXERS])
def test_every_fixer_is_documented_where_its_docs_link_points(cls):
    text = DOCS.read_text(encoding="utf-8")
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert cls.id in headings
    path, _, anchor = DOCS_URL.format(id=cls.id).partition("#")
    assert (ROOT / path) == DOCS and _anchor(cls.id) == anchor
    section = text.split(f"\n## {cls.id}\n", 1)[1].split("\n## ", 1)[0]
    assert cls.title in section and "### What goes wrong" in section
    assert "### Example" in section
    for pattern in cls.log_patterns:
        assert pattern in section


def test_the_command_checks_and_writes(tmp_path):
    target = tmp_path / "fixers.md"
    command = [sys.executable, "-m", "paasfix.docs"]
    assert subprocess.run([*command, "--check", str(target)], capture_output=True).returncode == 1
    assert subprocess.run([*command, str(target)], capture_output=True).returncode == 0
    assert target.read_text(encoding="utf-8") == DOCS.read_text(encoding="utf-8")
    assert subprocess.run([*command, "--check", str(target)], capture_output=True).returncode == 0
