"""Pin greenlet 1.1.3 next to eventlet 0.31.0."""

from __future__ import annotations

import re

from paasfix.fixer import ERROR, SAFE, Edit, Example, Finding, Fixer
from paasfix.project import Project
from paasfix.requirements import RequirementLine

EVENTLET_VERSION = "0.31.0"
GREENLET_PIN = "greenlet==1.1.3"


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


class FixGreenletPin(Fixer):
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

    def detect(self, project: Project):
        requirements = project.requirements
        eventlets = [line for line in requirements.named("eventlet")
                     if line.kind == "requirement" and _pins_exactly(line, EVENTLET_VERSION)]
        if not eventlets:
            return
        greenlets = [line for line in requirements.named("greenlet") if line.kind == "requirement"]
        if any(line.pinned for line in greenlets):
            return
        eventlet = eventlets[0]
        where = greenlets[0] if greenlets else eventlet
        if where.hashes or any(line.hashes for line in requirements.file(where.path).lines):
            yield self.manual(
                f"eventlet=={EVENTLET_VERSION} pulls in the newest greenlet, which fails to build "
                f"on the platform; add {GREENLET_PIN} with its --hash values to {where.path}",
                where.path, where.first)
            return
        message = (f"eventlet=={EVENTLET_VERSION} pulls in greenlet 2.x, which fails to compile on "
                   f"the platform; pin {GREENLET_PIN}")
        yield self.finding(message, where.path, where.first, plan=where)

    def fix(self, project: Project, finding: Finding) -> list[Edit]:
        line: RequirementLine = finding.planned
        file = project.requirements.file(line.path).file
        lines = file.lines
        if line.key == "greenlet":
            index = line.first - 1
            head = re.match(rf"\s*{re.escape(line.name)}(\s*\[[^\]]*\])?", lines[index])
            cut = head.end()
            lines[index] = lines[index][:cut] + GREENLET_PIN[len("greenlet"):] + lines[index][cut:]
        else:
            end = line.last - 1
            if not lines[end].endswith("\n"):
                lines[end] += "\n"
                lines.insert(end + 1, GREENLET_PIN)
            else:
                lines.insert(end + 1, GREENLET_PIN + "\n")
        return [Edit(file.path, file.encode("".join(lines)))]

    examples = (
        Example.fixed(
            "pin added after eventlet, comments kept",
            {"requirements.txt": "# web\nDjango==3.2.25  # LTS\neventlet==0.31.0\ngunicorn==20.1.0\n"},
            {"requirements.txt":
                "# web\nDjango==3.2.25  # LTS\neventlet==0.31.0\ngreenlet==1.1.3\ngunicorn==20.1.0\n"},
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
            {"requirements.txt": "-r requirements/base.txt\n",
             "requirements/base.txt": "Eventlet == 0.31.0 ; python_version >= '3.6'  # async\n"},
            {"requirements.txt": "-r requirements/base.txt\n",
             "requirements/base.txt":
                 "Eventlet == 0.31.0 ; python_version >= '3.6'  # async\ngreenlet==1.1.3\n"},
        ),
        Example.fixed(
            "a greenlet line without a version gets the version",
            {"requirements.txt": "eventlet==0.31.0\ngreenlet  # needed by eventlet\n"},
            {"requirements.txt": "eventlet==0.31.0\ngreenlet==1.1.3  # needed by eventlet\n"},
        ),
        Example.fixed(
            "continuation lines are kept together",
            {"requirements.txt": "eventlet==0.31.0 \\\n    ; python_version >= '3'\nsix\n"},
            {"requirements.txt": "eventlet==0.31.0 \\\n    ; python_version >= '3'\ngreenlet==1.1.3\nsix\n"},
        ),
        Example.fixed(
            "in the build directory",
            {"src/requirements.txt": "eventlet==0.31.0\n", "requirements.txt": "eventlet==0.31.0\n"},
            {"src/requirements.txt": "eventlet==0.31.0\ngreenlet==1.1.3\n",
             "requirements.txt": "eventlet==0.31.0\n"},
            build_dir="src",
        ),
        Example.manual(
            "hash-checked requirements are reported, not edited",
            {"requirements.txt": "eventlet==0.31.0 --hash=sha256:" + "0" * 64 + "\n"},
        ),
        Example.clean(
            "greenlet pinned in another installed file",
            {"requirements.txt": "-r base.txt\neventlet==0.31.0\n", "base.txt": "greenlet==1.1.2\n"},
        ),
        Example.clean(
            "greenlet pinned by a constraints file",
            {"requirements.txt": "-c constraints.txt\neventlet==0.31.0\n",
             "constraints.txt": "greenlet<2\n"},
        ),
        Example.clean("a newer eventlet", {"requirements.txt": "eventlet==0.33.3\n"}),
        Example.clean("a range of eventlet versions", {"requirements.txt": "eventlet>=0.31.0\n"}),
        Example.clean(
            "eventlet only in a file the build does not install",
            {"requirements.txt": "Django==3.2\n", "requirements-dev.txt": "eventlet==0.31.0\n"},
        ),
        Example.clean("no requirements at all", {"app.py": "print('hello')\n"}),
    )
