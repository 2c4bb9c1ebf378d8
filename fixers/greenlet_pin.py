"""Pin greenlet 1.1.3 next to eventlet 0.31.0."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from paasfix.buildpack.requirements import RequirementLine
from paasfix.core.errors import FixerBug
from paasfix.fixer import ERROR, SAFE, Edit, Example, Finding, Fixer
from paasfix.project import Project


class FixGreenletPin(Fixer["GreenletPin"]):
    """
    ## What goes wrong

    Projects made from the old BlueKing Python development framework list
    `eventlet==0.31.0` in `requirements.txt`. That eventlet release accepts any greenlet, so pip
    takes the newest one. greenlet 2.x has no prebuilt package for the platform's old build
    images and compiling it there fails with `error: command 'gcc' failed with exit status 1`,
    which stops the build.

    ## The fix

    Adds `greenlet==1.1.3`, the last release that builds there, on the line after
    `eventlet==0.31.0`, in the same requirement file, keeping every other line as it was. A
    `greenlet` line without a version gets the version instead. Nothing happens when any
    requirement file the build installs already gives greenlet a version: that choice is yours.

    Requirement files that use `--hash` are reported instead of edited, because pip then needs
    the hashes of greenlet too.

    ## Safety

    Safe: greenlet 1.1.3 is what eventlet 0.31.0 was released and tested with.
    """

    id = "fix-greenlet-pin"
    title = "eventlet 0.31.0 needs greenlet pinned to 1.1.3"
    after = ("fix-unable-select-buildpack",)
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"Failed building wheel for greenlet",
        r"Running setup\.py install for greenlet( \.\.\. |: finished with status ')error",
        r"Building wheel for greenlet \(setup\.py\)( \.\.\. |: finished with status ')error",
        r"Failed to build( installable wheels for some pyproject\.toml based projects)?.*\bgreenlet\b",
        r"greenlet/greenlet\.cpp[^\n]*\n(?:[^\n]*\n){0,2}[^\n]*error: command '(?:[\w.-]*-)?gcc' failed",
    )

    def detect(self, project: Project) -> Iterator[Finding[GreenletPin]]:
        requirements = project.requirements
        eventlets = [
            line
            for line in requirements.named("eventlet")
            if line.kind == "requirement" and _pins_exactly(line, EVENTLET_VERSION)
        ]
        if not eventlets:
            return
        greenlets = [line for line in requirements.named("greenlet") if line.kind == "requirement"]
        if any(line.pinned for line in greenlets):
            return
        eventlet = eventlets[0]
        where = greenlets[0] if greenlets else eventlet
        file = requirements.file(where.path)
        if where.hashes or (file is not None and any(line.hashes for line in file.lines)):
            yield self.manual(
                f"eventlet=={EVENTLET_VERSION} pulls in the newest greenlet, which fails to build "
                f"on the platform; add {GREENLET_PIN} with its --hash values to {where.path}",
                where.path,
                where.first,
            )
            return
        message = (
            f"eventlet=={EVENTLET_VERSION} pulls in greenlet 2.x, which fails to compile on "
            f"the platform; pin {GREENLET_PIN}"
        )
        lines = file.file.lines if file is not None else []
        yield self.finding(message, where.path, where.first, plan=_plan(where, lines))

    def fix(self, project: Project, finding: Finding[GreenletPin]) -> list[Edit]:
        plan = finding.planned
        file = project.requirements.file(plan.path)
        if file is None:
            raise FixerBug(f"{self.id}: {plan.path} is no longer a requirement file")
        lines = file.file.lines
        index = plan.line
        if plan.column is not None:
            text = lines[index]
            lines[index] = (
                text[: plan.column] + GREENLET_PIN[len("greenlet") :] + text[plan.column :]
            )
        elif not lines[index].endswith("\n"):
            lines[index] += "\n"
            lines.insert(index + 1, GREENLET_PIN)
        else:
            lines.insert(index + 1, GREENLET_PIN + "\n")
        return [Edit(file.path, file.file.encode("".join(lines)))]

    examples = (
        Example.fixed(
            "pin added after eventlet, comments kept",
            {
                "requirements.txt": "# web\nDjango==3.2.25  # LTS\neventlet==0.31.0\ngunicorn==20.1.0\n"
            },
            {
                "requirements.txt": "# web\nDjango==3.2.25  # LTS\neventlet==0.31.0\ngreenlet==1.1.3\ngunicorn==20.1.0\n"
            },
            message="pin greenlet==1.1.3",
            path="requirements.txt",
            line=3,
        ),
        Example.fixed(
            "CRLF file stays CRLF",
            {"requirements.txt": "celery==4.4.7\r\neventlet==0.31.0\r\n"},
            {"requirements.txt": "celery==4.4.7\r\neventlet==0.31.0\r\ngreenlet==1.1.3\r\n"},
        ),
        Example.fixed(
            "no final newline stays without one",
            {"requirements.txt": "eventlet==0.31.0"},
            {"requirements.txt": "eventlet==0.31.0\ngreenlet==1.1.3"},
        ),
        Example.fixed(
            "eventlet in an included file, with a comment and a marker",
            {
                "requirements.txt": "-r requirements/base.txt\n",
                "requirements/base.txt": "Eventlet == 0.31.0 ; python_version >= '3.6'  # async\n",
            },
            {
                "requirements.txt": "-r requirements/base.txt\n",
                "requirements/base.txt": "Eventlet == 0.31.0 ; python_version >= '3.6'  # async\ngreenlet==1.1.3\n",
            },
        ),
        Example.fixed(
            "a greenlet line without a version gets the version",
            {"requirements.txt": "eventlet==0.31.0\ngreenlet  # needed by eventlet\n"},
            {"requirements.txt": "eventlet==0.31.0\ngreenlet==1.1.3  # needed by eventlet\n"},
        ),
        Example.fixed(
            "continuation lines are kept together",
            {"requirements.txt": "eventlet==0.31.0 \\\n    ; python_version >= '3'\nsix\n"},
            {
                "requirements.txt": "eventlet==0.31.0 \\\n    ; python_version >= '3'\ngreenlet==1.1.3\nsix\n"
            },
        ),
        Example.fixed(
            "in the build directory",
            {
                "src/requirements.txt": "eventlet==0.31.0\n",
                "requirements.txt": "eventlet==0.31.0\n",
            },
            {
                "src/requirements.txt": "eventlet==0.31.0\ngreenlet==1.1.3\n",
                "requirements.txt": "eventlet==0.31.0\n",
            },
            build_dir="src",
        ),
        Example.manual(
            "hash-checked requirements are reported, not edited",
            {"requirements.txt": "eventlet==0.31.0 --hash=sha256:" + "0" * 64 + "\n"},
        ),
        Example.clean(
            "greenlet pinned in another installed file",
            {
                "requirements.txt": "-r base.txt\neventlet==0.31.0\n",
                "base.txt": "greenlet==1.1.2\n",
            },
        ),
        Example.clean(
            "greenlet pinned by a constraints file",
            {
                "requirements.txt": "-c constraints.txt\neventlet==0.31.0\n",
                "constraints.txt": "greenlet<2\n",
            },
        ),
        Example.clean("a newer eventlet", {"requirements.txt": "eventlet==0.33.3\n"}),
        Example.clean("a range of eventlet versions", {"requirements.txt": "eventlet>=0.31.0\n"}),
        Example.clean(
            "eventlet only in a file the build does not install",
            {"requirements.txt": "Django==3.2\n", "requirements-dev.txt": "eventlet==0.31.0\n"},
        ),
        Example.clean("no requirements at all", {"app.py": "print('hello')\n"}),
    )


@dataclass(frozen=True)
class GreenletPin:
    """Where the pin goes in a requirement file."""

    path: str
    line: int
    """0-based index of the physical line: the greenlet line that gets the version, or the
    last line of eventlet's requirement, after which the pin is added."""
    column: int | None
    """Where the version goes on a greenlet line (None: a new line is added)."""


EVENTLET_VERSION = "0.31.0"
GREENLET_PIN = "greenlet==1.1.3"


def _plan(line: RequirementLine, lines: list[str]) -> GreenletPin:
    """The version after the name of a greenlet line, else a new line after eventlet's."""
    if line.key != "greenlet" or not line.name:
        return GreenletPin(line.path, line.last - 1, None)
    head = re.match(rf"\s*{re.escape(line.name)}(\s*\[[^\]]*\])?", lines[line.first - 1])
    if head is None:
        raise FixerBug(f"the requirement {line.name} is not at the start of its line")
    return GreenletPin(line.path, line.first - 1, head.end())


def _pins_exactly(line: RequirementLine, version: str) -> bool:
    if len(line.specs) != 1 or line.specs[0][0] not in ("==", "==="):
        return False
    if line.specs[0][1] == version:
        return True
    from packaging.version import InvalidVersion, Version

    try:
        return Version(line.specs[0][1]) == Version(version)
    except InvalidVersion:
        return False
