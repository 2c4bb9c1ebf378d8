"""Which files a buildpack detects an app by, and the names people give them instead.

The platform's buildpacks look only at the top of the build directory: the Python one for
``requirements.txt``, ``setup.py`` or ``Pipfile`` (more on heroku-24), the Node.js one for
``package.json``. This module knows those names, the misspellings and split requirement sets
that stand in for them, and the dependency files the buildpacks cannot install from. It reads
file names; it knows nothing about the project or its fixers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paasfix.buildpack.runtimes import Stack

PYTHON_FILES = ("requirements.txt", "setup.py", "Pipfile")
"""What the heroku-18 Python buildpack detects an app by (PLATFORM.md §4.2)."""
PYTHON_FILES_24 = PYTHON_FILES + ("Pipfile.lock", "poetry.lock")
"""What the heroku-24 Python buildpack can install from."""
NODE_FILES = ("package.json",)
APP_FILES = ("manage.py", "app.py", "wsgi.py", "main.py", "server.py", "application.py")
"""Entry points of a Python web app, for an app that has no dependency file at all."""

SKIPPED_DIRS = frozenset(
    {
        "bin",
        "build",
        "dist",
        "doc",
        "docs",
        "env",
        "example",
        "examples",
        "node_modules",
        "requirements",
        "scripts",
        "site-packages",
        "static",
        "templates",
        "test",
        "testing",
        "tests",
        "venv",
        "__pycache__",
    }
)
"""Subdirectories that do not hold the app even when they have a dependency file
(``docs/requirements.txt`` is for building the documentation)."""

PROD_NAMES = frozenset({"prod", "production", "prd"})
DEV_NAMES = frozenset(
    {
        "dev",
        "develop",
        "development",
        "local",
        "test",
        "tests",
        "testing",
        "ci",
        "doc",
        "docs",
        "lint",
    }
)
ENV_FILE_RE = re.compile(
    r"^(?:requirements[-_.](?P<a>\w+)|(?P<b>\w+)[-_]requirements)\.txt$", re.IGNORECASE
)
_BACKUP_SUFFIXES = ("~", ".bak", ".orig", ".old", ".swp", ".tmp")


def detected_by(stack: Stack) -> tuple[str, ...]:
    """The files whose presence at the top of the build directory selects a buildpack."""
    python = PYTHON_FILES if stack.name == "heroku-18" else PYTHON_FILES_24
    return python + NODE_FILES


def _distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def near_miss(name: str) -> str | None:
    """The dependency file ``name`` is a misspelling of (``Requirements.txt``,
    ``requirement.txt``, ``requirements.text``, ``packages.json``), or None."""
    if name.startswith(".") or name.endswith(_BACKUP_SUFFIXES):
        return None
    lower = name.lower()
    for target in PYTHON_FILES + NODE_FILES:
        if lower == target.lower():
            return target if name != target else None
    stem, _, ext = lower.partition(".")
    if not stem.isalpha():
        return None
    if ext in ("txt", "text", "tx", "txt.txt", "") and _distance(stem, "requirements") <= 2:
        return "requirements.txt"
    if ext == "json" and _distance(stem, "package") <= 1:
        return "package.json"
    return None


def env_name(name: str) -> str | None:
    match = ENV_FILE_RE.match(name)
    env = (match.group("a") or match.group("b")).lower() if match else None
    return env if env not in (None, "txt", "text") else None


def unusable(name: str, stack: Stack, present: set[str]) -> str | None:
    """What to do about a dependency file that the buildpack does not install from."""
    if name.lower() == "pipenv.lock":
        return (
            "pipenv's lock file is called Pipfile.lock, and the buildpack needs the Pipfile "
            "itself: commit the Pipfile and rename this file to Pipfile.lock"
        )
    if name == "Pipfile.lock" and stack.name == "heroku-18":
        return "heroku-18 detects pipenv projects by the Pipfile: commit the Pipfile next to it"
    if name == "pyproject.toml" and "poetry.lock" not in present:
        return (
            f"the {stack.buildpack} buildpack does not install from pyproject.toml alone: "
            "export the dependencies to requirements.txt (for example `poetry export -f "
            "requirements.txt -o requirements.txt`, `pdm export -o requirements.txt` or "
            "`uv export --no-hashes -o requirements.txt`) and commit it"
        )
    if name == "requirements.in":
        return (
            "the input of pip-compile, which the buildpack does not read: compile it "
            "(`pip-compile requirements.in`) and commit the resulting requirements.txt"
        )
    return None


def choose_env_file(files: list[tuple[str, str]]) -> str | None:
    """The one requirement set to install: the only one, or the only production one."""
    prod = [path for path, env in files if env in PROD_NAMES]
    if len(prod) == 1:
        return prod[0]
    if len(files) == 1 and not prod and files[0][1] not in DEV_NAMES:
        return files[0][0]
    return None


@dataclass
class Survey:
    """What the known places hold when the build directory has no dependency file."""

    build_dir: str
    misspelled: list[tuple[str, str]]
    """(path, the name it should have) in the build directory."""
    env_files: list[tuple[str, str]]
    """(path, environment name) of requirements/<env>.txt and requirements-<env>.txt."""
    subapps: list[tuple[str, list[str]]]
    """(subdirectory, the dependency files it has)."""
    at_root: list[str]
    """Dependency files at the repository root when the build directory is elsewhere."""
    unusable: list[tuple[str, str]]
    """(path, what to do) for dependency files the buildpack cannot install from."""
    app_files: list[str]
    """Entry points of a Python app in the build directory."""
    declared: str | None = None
    """The source directory app_desc.yaml names for the module, when it names one."""
