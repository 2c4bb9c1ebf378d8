"""poetry's files as the heroku-24 build reads them: pyproject.toml's main dependencies and
poetry.lock.

The heroku-24 buildpack (v285) uses poetry when the build directory has a poetry.lock (and no
Pipfile or requirements.txt, which come first) and runs ``poetry sync --only main``: it
installs the lock's packages of the ``main`` group, without the optional ones (no extras are
asked for) and without other groups (``[tool.poetry.group.dev.dependencies]``,
``[tool.poetry.dev-dependencies]``). The heroku-18 buildpack (v213) does not know poetry.

The main dependencies are declared in ``[tool.poetry.dependencies]`` (poetry 1 and 2; its
``python`` key is the supported Python range, not a package) or, from poetry 2, in PEP 621's
``[project] dependencies``.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from paasfix.buildpack.declaration import POETRY, POETRY_LOCK, Declaration, exact_version
from paasfix.buildpack.project_metadata import pep621_declarations
from paasfix.buildpack.project_metadata import with_dependency as with_pep621_dependency
from paasfix.buildpack.tomldoc import TomlDocument, set_table_entry

LOCK_NAME = "poetry.lock"
MAIN_TABLES = (
    ("tool", "poetry", "dependencies"),
    ("tool", "poetry", "group", "main", "dependencies"),
)
"""Where poetry's own syntax declares the dependencies ``--only main`` installs."""
BACKEND = "poetry.core.masonry.api"

_EXACT_POETRY_RE = re.compile(r"^\s*(?:==?\s*)?([0-9][0-9A-Za-z.+!_-]*)\s*$")


def is_poetry_project(document: TomlDocument) -> bool:
    """Whether pyproject.toml is managed by poetry (a ``[tool.poetry]`` table, or poetry's
    build backend)."""
    backend = document.get("build-system", "build-backend")
    return isinstance(document.get("tool", "poetry"), dict) or backend == BACKEND


def _poetry_version(constraint: str) -> Optional[str]:
    """The version a poetry constraint pins: ``1.2.3`` or ``==1.2.3`` (a bare version is
    exact in poetry), else None."""
    match = _EXACT_POETRY_RE.match(constraint)
    return match.group(1) if match and "*" not in match.group(1) else None


def _constraint(entry: Any) -> tuple[str, tuple[str, ...], str, Optional[str], bool]:
    """(constraint, extras, marker, url, optional) of one poetry dependency value."""
    if isinstance(entry, str):
        constraint = entry.strip()
        return ("" if constraint == "*" else constraint), (), "", None, False
    if not isinstance(entry, dict):
        return "", (), "", None, False
    version = entry.get("version")
    constraint = version.strip() if isinstance(version, str) and version.strip() != "*" else ""
    extras = entry.get("extras")
    extras_tuple = tuple(str(e) for e in extras) if isinstance(extras, list) else ()
    marker = entry.get("markers")
    url = next(
        (
            str(entry[key])
            for key in ("git", "path", "url", "file")
            if isinstance(entry.get(key), str)
        ),
        None,
    )
    optional = entry.get("optional") is True
    return constraint, extras_tuple, marker if isinstance(marker, str) else "", url, optional


def poetry_declarations(document: TomlDocument) -> list[Declaration]:
    """The main dependencies: ``[tool.poetry.dependencies]`` and the ``main`` group in
    poetry's syntax (without ``python`` and optional ones), then ``[project] dependencies``."""
    out = []
    for table in MAIN_TABLES:
        entries = document.get(*table)
        if not isinstance(entries, dict):
            continue
        for name, value in entries.items():
            if name.lower() == "python":
                continue
            # A list of constraints for different Pythons or platforms: each is a declaration.
            for index, entry in enumerate(value if isinstance(value, list) else [value]):
                constraint, extras, marker, url, optional = _constraint(entry)
                if optional:
                    continue
                line_path = (*table, name, index) if isinstance(value, list) else (*table, name)
                out.append(
                    Declaration(
                        name=name,
                        specifier=constraint,
                        path=document.path,
                        line=document.line(*line_path),
                        origin=POETRY,
                        version=_poetry_version(constraint),
                        extras=extras,
                        marker=marker,
                        url=url,
                    )
                )
    return out + pep621_declarations(document)


def _in_main_group(package: dict[str, Any]) -> bool:
    groups = package.get("groups")
    if isinstance(groups, list):
        return "main" in groups
    category = package.get("category")
    return category is None or category == "main"


def lock_declarations(document: TomlDocument) -> list[Declaration]:
    """The packages of poetry.lock that ``poetry sync --only main`` installs."""
    packages = document.get("package")
    if not isinstance(packages, list):
        return []
    names = _package_name_lines(document.text)
    out = []
    for index, package in enumerate(packages):
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        if package.get("optional") is True or not _in_main_group(package):
            continue
        version = package.get("version")
        version_text = str(version) if isinstance(version, str) else None
        source = package.get("source")
        url = source.get("url") if isinstance(source, dict) else None
        marker = package.get("markers")
        if isinstance(marker, dict):
            marker = marker.get("main")
        out.append(
            Declaration(
                name=package["name"],
                specifier=f"=={version_text}" if version_text else "",
                path=document.path,
                line=names[index] if index < len(names) else document.line("package", index),
                origin=POETRY_LOCK,
                version=exact_version(f"=={version_text}") if version_text else None,
                marker=marker if isinstance(marker, str) else "",
                url=url if isinstance(url, str) else None,
            )
        )
    return out


_PACKAGE_RE = re.compile(r"^\[\[\s*package\s*\]\][ \t]*(?:#.*)?$", re.MULTILINE)
_NAME_RE = re.compile(r"^name\s*=", re.MULTILINE)


def _package_name_lines(text: str) -> list[int]:
    """The line of ``name`` in each ``[[package]]`` of poetry.lock, in order (poetry writes
    it first in every package): found by two searches, not by walking the whole lock."""
    out = []
    line = 1
    last = 0
    for header in _PACKAGE_RE.finditer(text):
        name = _NAME_RE.search(text, header.end())
        at = name.start() if name is not None else header.start()
        line += text.count("\n", last, at)
        last = at
        out.append(line)
    return out


def lock_version(document: TomlDocument) -> Optional[str]:
    """poetry.lock's ``[metadata] lock-version`` (``2.1`` is written by poetry 2)."""
    value = document.get("metadata", "lock-version")
    return value if isinstance(value, str) else None


def uses_pep621(document: TomlDocument) -> bool:
    """Whether the main dependencies are declared in ``[project]`` rather than in poetry's
    own table (poetry 2)."""
    own = document.get(*MAIN_TABLES[0])
    has_own = isinstance(own, dict) and any(name.lower() != "python" for name in own)
    return not has_own and isinstance(document.get("project", "dependencies"), list)


def with_dependency(document: TomlDocument, text: str, name: str, constraint: str) -> Optional[str]:
    """pyproject.toml's ``text`` with ``name`` required as ``constraint`` (poetry's syntax:
    ``1.1.3`` is exact) where the project declares its main dependencies: poetry's table, or
    ``[project] dependencies`` (where ``constraint`` is written as ``==1.1.3`` when it is a
    bare version). None when the file cannot be edited. poetry.lock must be regenerated
    afterwards (:func:`paasfix.buildpack.lockfiles.regenerate_command`)."""
    if uses_pep621(document):
        exact = _poetry_version(constraint)
        specifier = f"=={exact}" if exact else constraint.strip()
        if specifier.startswith("^") or (
            specifier.startswith("~") and not specifier.startswith("~=")
        ):
            return None
        return with_pep621_dependency(text, f"{name}{specifier}")
    return set_table_entry(text, MAIN_TABLES[0], name, constraint or "*")
