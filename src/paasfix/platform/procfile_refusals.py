"""What the platform refuses in a Procfile, each with the line to change and what to write.

The platform reads a Procfile as YAML (PLATFORM.md §2.1): the file must load, be a mapping of
process names to commands, use names in its alphabet and define at most
:data:`~paasfix.platform.rules.MAX_PROCESSES` processes. A name written twice loads, but only
its last command is kept. Lines that YAML misreads as something else than ``name: command``
(:meth:`~paasfix.platform.procfile_lines.ProcfileLines.misread`) are left out here: they are
repaired by quoting, not by the author's choice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from paasfix.formats.yamlio import YamlProblem
from paasfix.platform import rules
from paasfix.platform.procfile_layout import read_layout
from paasfix.platform.procfile_lines import ProcfileLines


@dataclass(frozen=True)
class Refusal:
    """One thing in a Procfile that a person has to change."""

    message: str
    line: Optional[int] = None
    fatal: bool = True
    """False when the platform deploys, but not what the file says (a repeated name)."""


def refusals(
    path: str, text: str, data: Any, problem: Optional[YamlProblem], example: str
) -> list[Refusal]:
    """What the platform refuses in the Procfile at ``path`` (``text``, loaded as ``data``, or
    not loaded because of ``problem``); ``example`` is a ``name: command`` line to show."""
    if problem is not None:
        if ProcfileLines.of(text).misread():
            return []
        return [
            Refusal(
                f"{path} cannot be read as YAML ({problem.message}), and the platform reads the "
                "Procfile as YAML, so the deploy fails. Quote the command on that line (needed "
                "when it contains ': ' or ' #', or starts with a quote, *, &, [ or {)",
                problem.line,
            )
        ]
    if not isinstance(data, dict):
        what = "is empty" if data is None else "is not a list of `name: command` lines"
        return [
            Refusal(
                f"{path} {what}; write one `name: command` line per process, with a space "
                f"after the colon, e.g. `{example}`",
                1,
            )
        ]
    layout = read_layout(text)
    lines: dict[str, list[int]] = {}
    for name, line in layout.keys if layout else []:
        lines.setdefault(repr(name), []).append(line)
    misread = {entry.name for entry, _ in ProcfileLines.of(text).misread()}
    found = [
        _refused_name(path, problem, data, lines)
        for problem in rules.procfile_problems(data)
        if not (problem.kind == "command" and problem.where in misread)
    ]
    for name, at in lines.items():
        if len(at) > 1:
            found.append(
                Refusal(
                    f"{path} defines the process {name} {len(at)} times (lines "
                    f"{', '.join(map(str, at))}); the platform silently keeps only the last "
                    "one. Delete the others or give them their own names",
                    at[0],
                    fatal=False,
                )
            )
    return found


def _refused_name(
    path: str, problem: rules.Problem, data: dict[Any, Any], lines: dict[str, list[int]]
) -> Refusal:
    name = next((key for key in data if str(key) == problem.where), problem.where)
    line = lines.get(repr(name), [None])[-1]
    if problem.kind == "process-count":
        return Refusal(
            f"{path}: {problem.message}; move the extra processes to another module or merge them"
        )
    if problem.kind == "command":
        return Refusal(f"{path}: the process {name!r}: {problem.message}; give it a command", line)
    if not isinstance(name, str):
        return Refusal(
            f"{path}: YAML reads the process name {name!r} as {type(name).__name__}, not as a "
            "name; choose a name with a lower-case letter in it",
            line,
        )
    message = (
        f"{path}: the platform refuses the process name {name!r}: names use only lower-case "
        "letters, digits and '-', start with a letter or digit, and have at most "
        f"{rules.PROC_NAME_MAX} characters"
    )
    suggestion = suggested_name(name)
    if suggestion and suggestion not in data:
        message += f" (for example {suggestion!r})"
    return Refusal(message + "; rename it here and wherever it is referred to", line)


def suggested_name(name: str) -> Optional[str]:
    """The name in the platform's alphabet, when that alone makes it valid."""
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return text if text and not rules.proc_name_problems(text, "") else None
