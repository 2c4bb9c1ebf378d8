"""Write dotted requirement names with hyphens, the same project under PEP 503."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from paasfix.buildpack.requirements import RequirementLine, canonical
from paasfix.core.errors import FixerBug
from paasfix.core.text import TextFile
from paasfix.fixer import SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.project import Project


class FixPythonPackageWithDot(Fixer["DottedName"]):
    """
    ## What goes wrong

    Package indexes publish every project under its normalised name (PEP 503): lower case, with
    each run of `.`, `_` and `-` turned into one `-`, so `blueking.component.open` lives at
    `/simple/blueking-component-open/`. Old pip releases (the platform's FAQ names those before
    19.0) can ask for the name with its dots, an address newer indexes do not answer. The build
    then stops with `No matching distribution found for blueking.component.open`, although the
    package is there.

    ## The fix

    Writes the name of each such requirement with hyphens instead of dots
    (`zope.interface==5.4.0` becomes `zope-interface==5.4.0`) in every requirement file the
    build installs, `requirements.txt` and the files it includes with `-r` or `-c`. The version,
    extras, markers, `--hash` options, comments and line endings stay as they were, and so does
    every other line. URLs, local paths, `-e` lines and `#egg=` fragments are not touched: pip
    does not look those names up on the index.

    The other remedy, a newer pip through the `PIP_VERSION` variable, depends on the buildpack
    honouring that variable; the hyphenated name works with every pip.

    ## Safety

    Safe: both spellings name the same project, and pip installs the same distribution for
    either. Code imports modules, not project names, so nothing else changes.
    """

    id = "fix-python-package-with-dot"
    title = "Requirement names with dots are not found by old pip"
    after = ("fix-unable-select-buildpack",)
    safety = SAFE
    severity = WARNING
    log_patterns = (
        r"No matching distribution found for (blueking\.component\.|bkapigw\.)",
        r"No matching distribution found for [A-Za-z0-9_-]+\.[A-Za-z][A-Za-z0-9._-]*",
    )

    def detect(self, project: Project) -> Iterator[Finding[DottedName]]:
        for line in project.requirements.lines():
            if line.kind != "requirement" or not line.name or "." not in line.name:
                continue
            where = _locate(project, line)
            hyphenated = line.name.replace(".", "-")
            if where is None:
                yield self.manual(
                    f"write the requirement {line.name} as {hyphenated}: old pip "
                    "cannot find names with dots on the index",
                    line.path,
                    line.first,
                )
                continue
            yield self.finding(
                f"{line.name} has dots in its name, which old pip (before 19.0) "
                f"may not find on the index; {hyphenated} is the same project",
                line.path,
                line.first,
                plan=where,
            )

    def fix(self, project: Project, finding: Finding[DottedName]) -> list[Edit]:
        where = finding.planned
        file = _text_of(project, where.path)
        lines = file.lines
        text = lines[where.index]
        name = text[where.start : where.end].replace(".", "-")
        lines[where.index] = text[: where.start] + name + text[where.end :]
        return [Edit(file.path, file.encode("".join(lines)))]

    examples = (
        Example.fixed(
            "dotted names hyphenated, everything else kept",
            {
                "requirements.txt": "# BlueKing SDKs\nblueking.component.open==0.2.5  # ESB\n"
                "Zope.Interface[test] >= 5.4 ; python_version >= '3.6'\n"
                "Django==3.2.25\n"
            },
            {
                "requirements.txt": "# BlueKing SDKs\nblueking-component-open==0.2.5  # ESB\n"
                "Zope-Interface[test] >= 5.4 ; python_version >= '3.6'\n"
                "Django==3.2.25\n"
            },
            message="blueking-component-open is the same project",
            path="requirements.txt",
            line=2,
        ),
        Example.fixed(
            "hashes, continuation lines, CRLF and no final newline",
            {
                "requirements.txt": "bkapigw.demo==1.0.1 \\\r\n    --hash=sha256:"
                + "a" * 64
                + "\r\nsix==1.16.0"
            },
            {
                "requirements.txt": "bkapigw-demo==1.0.1 \\\r\n    --hash=sha256:"
                + "a" * 64
                + "\r\nsix==1.16.0"
            },
        ),
        Example.fixed(
            "in an included file and a constraints file",
            {
                "requirements.txt": "-r requirements/base.txt\n-c constraints.txt\n",
                "requirements/base.txt": "  ruamel.yaml\n",
                "constraints.txt": "ruamel.yaml.clib<0.3\n",
            },
            {
                "requirements.txt": "-r requirements/base.txt\n-c constraints.txt\n",
                "requirements/base.txt": "  ruamel-yaml\n",
                "constraints.txt": "ruamel-yaml-clib<0.3\n",
            },
        ),
        Example.fixed(
            "in the build directory",
            {"src/requirements.txt": "zc.lockfile==2.0\n", "requirements.txt": "zc.buildout\n"},
            {"src/requirements.txt": "zc-lockfile==2.0\n", "requirements.txt": "zc.buildout\n"},
            build_dir="src",
        ),
        Example.clean(
            "names without dots",
            {
                "requirements.txt": "zope-interface==5.4.0\nblueking_component_open==0.2.5\n"
                "python-dateutil>=2.8  # 2.8.2\n"
            },
        ),
        Example.clean(
            "dotted URLs, paths and an editable egg name",
            {
                "requirements.txt": "-e git+https://git.example.com/sdk/blueking.component.git#egg=blueking.component\n"
                "https://pypi.example.com/packages/zope.interface-5.4.0.tar.gz\n"
                "./vendor/bkapigw.demo-1.0.1.tar.gz\n"
                "bkapi.client @ https://pypi.example.com/packages/bkapi.client-1.0.tar.gz\n"
                "--index-url https://mirrors.tencent.com/pypi/simple/\n"
            },
        ),
        Example.clean(
            "a dotted name only in a comment",
            {
                "requirements.txt": "# zope.interface comes with Twisted\nTwisted==22.10.0  "
                "# pulls zope.interface\n"
            },
        ),
        Example.clean(
            "dotted name in a file the build does not install",
            {"requirements.txt": "Django==3.2.25\n", "requirements-dev.txt": "zope.testing\n"},
        ),
    )


@dataclass(frozen=True)
class DottedName:
    """Where a dotted requirement name is written."""

    path: str
    index: int
    """0-based index of the physical line that holds the name."""
    start: int
    end: int


_NAME_RE = re.compile(r"[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _locate(project: Project, line: RequirementLine) -> DottedName | None:
    """Where the name is written on its line, when it is the line's first token."""
    text = _text_of(project, line.path).lines[line.first - 1]
    match = _NAME_RE.match(text)
    if match is None or canonical(match.group(1)) != line.key:
        return None
    return DottedName(line.path, line.first - 1, match.start(1), match.end(1))


def _text_of(project: Project, path: str) -> TextFile:
    """The requirement file ``path`` the build installs."""
    found = project.requirements.file(path)
    if found is None:
        raise FixerBug(f"{path} is not one of the requirement files the build installs")
    return found.file
