"""The programs the processes of a repository run: each command read the way a shell runs it,
and a shell script the command starts (``bash bin/start_web.sh``) read line by line when it is
in the repository.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace

from paasfix.core.errors import UnsafePath
from paasfix.core.sources import Sources
from paasfix.core.tree import join
from paasfix.formats.commands import (
    SHELLS,
    Invocation,
    argv_invocations,
    invocations,
    program,
    read_script,
    script_path,
)
from paasfix.platform.processes import Definition, Process
from paasfix.python_apps.server_targets import PYTHONPATH, Target, target


@dataclass
class Group:
    """Processes with the same name and command, in app_desc.yaml and the Procfile."""

    name: str
    processes: list[Process]

    @property
    def first(self) -> Process:
        return self.processes[0]

    @property
    def where(self) -> str:
        return " and ".join(process.path for process in self.processes)


@dataclass
class Run:
    """One program a process starts, directly or from a script it runs."""

    group: Group
    invocation: Invocation
    program: str
    args: list[str]
    script: str | None = None
    """The script the program is started from (None: the process command itself)."""
    structured: bool = False
    """The script has control structures, so which commands run is not read."""
    sets_pythonpath: bool = False
    """The command or script sets PYTHONPATH, so modules may come from anywhere."""

    @property
    def direct(self) -> bool:
        return self.script is None

    @property
    def foreground(self) -> bool:
        """Whether the process lives as long as this program does."""
        return self.invocation.final and not self.structured

    @property
    def path(self) -> str:
        return self.script or self.group.first.path

    @property
    def line(self) -> int | None:
        return self.invocation.line if self.script else self.group.first.line

    @property
    def target(self) -> Target | None:
        """The application module or file the program loads, when the command says it."""
        return target(self.program, self.args, self.invocation.argv, self.invocation.cwd)

    @property
    def said(self) -> str:
        """What the process runs, in words: its command, and the line of the script that
        starts this program."""
        said = f"the process `{self.group.name}` runs `{self.group.first.text}`"
        if self.script is None:
            return said
        line = f" line {self.invocation.line}" if self.invocation.line else ""
        return f"{said}, and {self.script}{line} runs `{shlex.join(self.invocation.argv)}`"


def groups(definitions: Sequence[Definition]) -> list[Group]:
    """The processes of the definitions, those with the same name and command together."""
    found: dict[tuple[str, str], Group] = {}
    for definition in definitions:
        for process in definition.processes:
            key = (process.key, process.text)
            found.setdefault(key, Group(str(process.name), [])).processes.append(process)
    return list(found.values())


def script_file(build_dir: str, invocation: Invocation) -> str | None:
    """The repository path of the shell script an invocation runs, when it reads as one."""
    path = script_path(invocation.argv)
    if path is None or invocation.cwd is None or path.startswith(("/", "~")) or "$" in path:
        return None
    if not (path.endswith(".sh") or posixpath.basename(invocation.argv[0]) in SHELLS):
        return None
    try:
        return join(build_dir, invocation.cwd, path)
    except UnsafePath:
        return None


def runs(group: Group, sources: Sources) -> list[Run]:
    """Every program the group's command starts, and those of the scripts it runs in the
    repository."""
    process = group.first
    if process.shell:
        if not isinstance(process.command, str):
            return []
        found = invocations(process.command)
    else:
        found = argv_invocations(process.argv or ())
    result = []
    pythonpath = PYTHONPATH in process.text
    for invocation in found:
        result.append(Run(group, invocation, *program(invocation.argv), sets_pythonpath=pythonpath))
        result += _script_runs(group, invocation, pythonpath, sources)
    return result


def _script_runs(
    group: Group,
    invocation: Invocation,
    pythonpath: bool,
    sources: Sources,
) -> list[Run]:
    path = script_file(sources.build_dir, invocation)
    file = sources.text(path) if path is not None and sources.is_file(path) else None
    text = file.text if file is not None else None
    script = read_script(text) if text is not None else None
    if text is None or script is None:
        return []
    result = []
    for inner in script.invocations:
        inner = replace(
            inner,
            background=inner.background or invocation.background,
            final=inner.final and invocation.final,
        )
        result.append(
            Run(
                group,
                inner,
                *program(inner.argv),
                script=path,
                structured=script.structured,
                sets_pythonpath=pythonpath or PYTHONPATH in text,
            )
        )
    return result
