"""``fix --interactive``: show each fix as a diff and ask before applying it.

The runner asks through its ``decide`` hook; this module is the terminal side of it. The
questions and diffs go to standard error, so that ``--diff`` still prints only the diff on
standard output; answers are read from standard input, one line each.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Optional, TextIO

import click

from paasfix.fixer import Finding
from paasfix.runner import Change, Stop

HELP = """y - apply this fix
n - do not apply this fix
a - apply this fix and the rest of this fixer's fixes
d - apply none of this fixer's fixes from now on
q - apply no more fixes (the ones accepted so far are kept)
? - print this help"""


class Prompter:
    """A ``decide(finding, changes)`` callback that asks the person at the terminal."""

    def __init__(self, render_diff: Callable[[str], bytes], answers: Optional[TextIO] = None):
        self.render_diff = render_diff
        self.answers = answers
        self.always: dict[str, bool] = {}

    def __call__(self, finding: Finding[Any], changes: list[Change]) -> bool:
        if finding.fixer in self.always:
            return self.always[finding.fixer]
        from paasfix.sinks.diff import unified_diff
        from paasfix.sinks.report import format_finding

        click.echo("\n" + format_finding(finding, lambda text, **_: text), err=True)
        sys.stderr.flush()
        sys.stderr.buffer.write(self.render_diff(unified_diff(changes)))
        sys.stderr.buffer.flush()
        answers = self.answers or sys.stdin
        while True:
            click.echo("Apply this fix [y,n,a,d,q,?]? ", nl=False, err=True)
            line = answers.readline()
            if not answers.isatty():  # answers piped in: show them, as a terminal would
                click.echo(line.rstrip("\n"), err=True)
            if not line:  # end of input: as `q`
                raise Stop()
            answer = line.strip().lower()[:1]
            if answer in ("y", "n"):
                return answer == "y"
            if answer in ("a", "d"):
                self.always[finding.fixer] = answer == "a"
                return answer == "a"
            if answer == "q":
                raise Stop()
            click.echo(HELP, err=True)
