"""pipenv's files as the build reads them: the Pipfile's ``[packages]`` and Pipfile.lock's
``default`` section.

The buildpack runs ``pipenv install --system``: with ``--deploy`` when there is a
Pipfile.lock (pipenv then installs exactly the lock's ``default`` section, and fails when the
lock's hash does not match the Pipfile), with ``--skip-lock`` when there is none (pipenv then
installs ``[packages]`` as the Pipfile writes them). ``[dev-packages]`` and the lock's
``develop`` section are never installed by the build.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

from paasfix.buildpack.declaration import PIPFILE, PIPFILE_LOCK, Declaration, exact_version
from paasfix.buildpack.tomldoc import TomlDocument, set_table_entry
from paasfix.core.errors import FileProblem
from paasfix.core.text import TextFile

PIPFILE_NAME = "Pipfile"
LOCK_NAME = "Pipfile.lock"
PACKAGES = "packages"
DEFAULT = "default"

MARKER_KEYS = (
    "os_name",
    "sys_platform",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_version",
    "python_full_version",
    "implementation_name",
    "implementation_version",
)
"""Environment markers pipenv accepts as keys of a package's table (``sys_platform =
"== 'linux'"``) besides ``markers``."""

_SOURCE_KEYS = ("git", "hg", "svn", "bzr", "path", "file")


def _marker(entry: dict[str, Any]) -> str:
    parts = []
    markers = entry.get("markers")
    if isinstance(markers, str) and markers.strip():
        parts.append(markers.strip())
    for key in MARKER_KEYS:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            parts.append(f"{key} {value.strip()}")
    if len(parts) > 1:
        return " and ".join(f"({part})" for part in parts)
    return parts[0] if parts else ""


def _declaration(name: str, value: Any, path: str, line: int, origin: str) -> Declaration:
    """A Pipfile or Pipfile.lock entry (a version string or a table) as a declaration."""
    if isinstance(value, str):
        specifier = "" if value.strip() == "*" else value.strip()
        return Declaration(name, specifier, path, line, origin, exact_version(specifier))
    if not isinstance(value, dict):
        return Declaration(name, "", path, line, origin)
    version = value.get("version")
    specifier = version.strip() if isinstance(version, str) and version.strip() != "*" else ""
    extras = value.get("extras")
    return Declaration(
        name,
        specifier,
        path,
        line,
        origin,
        exact_version(specifier),
        extras=tuple(str(e) for e in extras) if isinstance(extras, list) else (),
        marker=_marker(value),
        url=next(
            (str(value[key]) for key in _SOURCE_KEYS if isinstance(value.get(key), str)), None
        ),
    )


def packages_table(document: TomlDocument) -> dict[str, Any]:
    """The Pipfile's ``[packages]`` table ({} when absent); FileProblem when it is not a
    table."""
    packages = document.data.get(PACKAGES, {})
    if not isinstance(packages, dict):
        raise FileProblem(document.path, f"cannot be read: [{PACKAGES}] is not a table")
    return packages


def pipfile_declarations(document: TomlDocument) -> list[Declaration]:
    """Every entry of ``[packages]``, in the order written."""
    return [
        _declaration(name, value, document.path, document.line(PACKAGES, name), PIPFILE)
        for name, value in packages_table(document).items()
    ]


def installs_project(document: TomlDocument) -> bool:
    """Whether ``[packages]`` installs the app itself (``app = {path = ".", editable = true}``)."""
    for value in packages_table(document).values():
        path = value.get("path") if isinstance(value, dict) else None
        if isinstance(path, str) and path.strip() in (".", "./"):
            return True
    return False


# -- Pipfile.lock ---------------------------------------------------------------------------

_JSON_TOKEN_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:]')


def _lock_lines(text: str, section: str) -> dict[str, int]:
    """The line of each key of the top-level object ``section``, by its (decoded) name."""
    lines: dict[str, int] = {}
    depth = 0
    inside = False
    line = 1
    last = 0
    pending: Optional[re.Match[str]] = None
    for token in _JSON_TOKEN_RE.finditer(text):
        value = token.group(0)
        if value == ":" and pending is not None and depth in (1, 2):
            raw = pending.group(0)
            try:
                key = json.loads(raw) if "\\" in raw else raw[1:-1]
            except ValueError:
                key = raw
            if depth == 1:
                inside = key == section
            elif inside:
                line += text.count("\n", last, pending.start())
                last = pending.start()
                lines.setdefault(key, line)
        if value in "{[":
            depth += 1
        elif value in "}]":
            depth -= 1
        pending = token if value.startswith('"') else None
    return lines


def read_lock(file: TextFile) -> dict[str, Any]:
    """Pipfile.lock's data; FileProblem when it is not a JSON object."""
    try:
        data = json.loads(file.text)
    except ValueError as exc:
        raise FileProblem(file.path, f"cannot be read as JSON: {exc}") from None
    except RecursionError:
        raise FileProblem(file.path, "cannot be read as JSON: it is nested too deeply") from None
    if not isinstance(data, dict):
        raise FileProblem(file.path, "cannot be read: it is not a JSON object")
    return data


def lock_declarations(file: TextFile, data: dict[str, Any]) -> list[Declaration]:
    """Every entry of the lock's ``default`` section: what ``pipenv install --deploy``
    installs."""
    section = data.get(DEFAULT, {})
    if not isinstance(section, dict):
        raise FileProblem(file.path, f'cannot be read: "{DEFAULT}" is not a JSON object')
    lines = _lock_lines(file.text, DEFAULT) if section else {}
    return [
        _declaration(name, value, file.path, lines.get(name, 1), PIPFILE_LOCK)
        for name, value in section.items()
    ]


def lock_python(data: dict[str, Any]) -> Optional[str]:
    """The Python version the lock was made for (``_meta.requires.python_full_version`` or
    ``python_version``), if it names one."""
    meta = data.get("_meta")
    requires = meta.get("requires") if isinstance(meta, dict) else None
    if not isinstance(requires, dict):
        return None
    for key in ("python_full_version", "python_version"):
        value = requires.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# -- edits ----------------------------------------------------------------------------------


def with_package(text: str, name: str, specifier: str) -> Optional[str]:
    """The Pipfile ``text`` with ``name`` required as ``specifier`` (``==1.1.3``, or ``*`` for
    any version) in ``[packages]``: an existing entry keeps its key, its other keys and its
    comment; a new one goes at the end of the table, which is created when missing. None when
    the file cannot be edited (too large, or an entry paasfix does not know how to change).

    A project with a Pipfile.lock needs ``pipenv lock`` afterwards: the build's ``--deploy``
    refuses a lock whose hash no longer matches the Pipfile.
    """
    return set_table_entry(text, (PACKAGES,), name, specifier or "*", create=True)
