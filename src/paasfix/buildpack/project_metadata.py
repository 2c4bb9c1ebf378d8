"""What installing the app as a project (``pip install -e .`` or ``.``) installs: the
``[project] dependencies`` of pyproject.toml (PEP 621), ``install_requires`` in setup.cfg's
``[options]`` and in setup.py's ``setup()`` call.

The build installs the project when a requirement file names it (``-e .``, ``.``), when a
Pipfile does (``{path = "."}``), or when setup.py is the only dependency file (the buildpack
then installs it by itself). Then setuptools (or the project's build backend) installs these
requirements too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from paasfix.buildpack.declaration import (
    PEP_621,
    SETUP_CFG,
    SETUP_PY,
    Declaration,
    exact_version,
)
from paasfix.buildpack.tomldoc import TomlDocument, set_array_item
from paasfix.core.errors import FileProblem
from paasfix.core.text import TextFile

if TYPE_CHECKING:
    from paasfix.buildpack.setuppy import SetupPy

PROJECT = "project"
DEPENDENCIES = "dependencies"


def parse_pep508(text: str, path: str, line: int, origin: str) -> Optional[Declaration]:
    """A PEP 508 requirement string as a declaration; None when it is not one."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    specifier = str(requirement.specifier)
    return Declaration(
        name=requirement.name,
        specifier=specifier,
        path=path,
        line=line,
        origin=origin,
        version=exact_version(specifier) if len(requirement.specifier) == 1 else None,
        extras=tuple(sorted(requirement.extras)),
        marker=str(requirement.marker) if requirement.marker else "",
        url=requirement.url,
    )


def requirement_name(text: str) -> Optional[str]:
    """The project a PEP 508 string names, or None."""
    match = re.match(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)", text)
    return match.group(1) if match else None


def dynamic_dependencies(document: TomlDocument) -> bool:
    """Whether ``[project]`` leaves its dependencies to the build backend (``dynamic``)."""
    dynamic = document.get(PROJECT, "dynamic")
    return isinstance(dynamic, list) and DEPENDENCIES in dynamic


def pep621_declarations(document: TomlDocument) -> list[Declaration]:
    """Every item of ``[project] dependencies`` ([] when there is none); FileProblem when it
    is not a list of strings."""
    items = document.get(PROJECT, DEPENDENCIES)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise FileProblem(
            document.path, "cannot be read: [project] dependencies is not a list of strings"
        )
    out = []
    for index, item in enumerate(items):
        found = parse_pep508(
            item, document.path, document.line(PROJECT, DEPENDENCIES, index), PEP_621
        )
        if found is not None:
            out.append(found)
    return out


def with_dependency(text: str, requirement: str, *, after: Optional[str] = None) -> Optional[str]:
    """pyproject.toml's ``text`` with ``requirement`` (a PEP 508 string) in ``[project]
    dependencies``: it replaces the item for the same project, else follows the item for
    project ``after``, else ends the list. None when there is no such list or the file cannot
    be edited."""
    from paasfix.buildpack.requirements import canonical

    name = requirement_name(requirement)
    if name is None:
        return None
    key = canonical(name)

    def same(item: str, project: str) -> bool:
        found = requirement_name(item)
        return found is not None and canonical(found) == canonical(project)

    return set_array_item(
        text,
        (PROJECT, DEPENDENCIES),
        requirement,
        lambda item: same(item, key),
        after=(lambda item: same(item, after)) if after else None,
    )


# -- setup.cfg ------------------------------------------------------------------------------

_SECTION_RE = re.compile(r"^\[([^\]]+)\]")
_KEY_RE = re.compile(r"^([A-Za-z0-9_.-]+)\s*[=:]\s*(.*)$")


def setup_cfg_declarations(file: TextFile) -> list[Declaration]:
    """``install_requires`` of setup.cfg's ``[options]``, one declaration per line, as
    configparser reads it (a value continues on indented lines; whole-line comments are
    skipped). A ``file:`` value is not followed."""
    section = None
    collecting = False
    out: list[Declaration] = []
    for number, raw in enumerate(file.text.split("\n"), 1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line[0] in " \t":
            stripped = line.strip()
            if collecting and not stripped.startswith(("#", ";")):
                _setup_cfg_item(stripped, file.path, number, out)
            continue
        collecting = False
        if line.startswith(("#", ";")):
            continue
        header = _SECTION_RE.match(line)
        if header:
            section = header.group(1).strip()
            continue
        key = _KEY_RE.match(line)
        if key and section == "options" and key.group(1).replace("-", "_") == "install_requires":
            collecting = True
            value = key.group(2).strip()
            if value.startswith("file:"):
                collecting = False
            elif value:
                _setup_cfg_item(value, file.path, number, out)
    return out


def _setup_cfg_item(text: str, path: str, line: int, out: list[Declaration]) -> None:
    text = re.split(r"\s#", text, maxsplit=1)[0].strip()
    found = parse_pep508(text, path, line, SETUP_CFG) if text else None
    if found is not None:
        out.append(found)


# -- setup.py -------------------------------------------------------------------------------


def setup_py_declarations(setup: SetupPy) -> list[Declaration]:
    """The literal ``install_requires`` items of setup.py's ``setup()`` calls (a
    :class:`paasfix.buildpack.setuppy.SetupPy`)."""
    out = []
    for call in setup.calls:
        requires = call.install_requires
        if requires is None:
            continue
        for index, item in enumerate(requires.items):
            line = requires.item_lines[index] if index < len(requires.item_lines) else requires.line
            found = parse_pep508(item, setup.path, line, SETUP_PY)
            if found is not None:
                out.append(found)
    return out
