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
from typing import Any

from paasfix.buildpack.runtimes import Stack
from paasfix.core.errors import UnsafePath
from paasfix.core.tree import Tree, join, normalize
from paasfix.platform import rules

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

    def advice(self) -> list[str]:
        """What to change by hand, most important first (empty when nothing points to an
        app)."""
        advice = [f"{path}: {what}" for path, what in self.unusable]
        declared = [(d, found) for d, found in self.subapps if d == self.declared]
        if (len(self.subapps) == 1 or declared) and not self.at_root:
            directory, found = (declared or self.subapps)[0]
            note = (
                " (app_desc.yaml names it as the source directory, but for repository "
                "deploys only the build directory of the module settings counts)"
                if declared
                else ""
            )
            advice.insert(
                0,
                f"the app seems to live in {directory}/ (it has {_and(found)}): "
                f"set the module's build directory (构建目录, in the module "
                f"settings) to '{directory}'{note}, and run paasfix with "
                f"`--build-dir {directory}`",
            )
        elif self.subapps:
            listed = "; ".join(f"{d}/ has {_and(found)}" for d, found in self.subapps)
            advice.insert(
                0,
                f"{listed}: set the build directory (构建目录) of each module to "
                "the directory of its app",
            )
        if self.at_root:
            advice.insert(
                0,
                f"the repository root has {_and(self.at_root)}, but only the "
                "build directory is uploaded: move the file into it, or set the "
                "build directory back to the root",
            )
        if len(self.misspelled) > 1 or (self.misspelled and (self.env_files or advice)):
            names = ", ".join(f"{path} (for {target})" for path, target in self.misspelled)
            advice.append(
                f"these names look misspelled: {names}; rename the one the build should use"
            )
        elif self.misspelled:
            path, target = self.misspelled[0]
            advice.append(
                f"rename {path} to {target} by hand (paasfix does not rename a "
                "symbolic link, nor change only the case of a name where a "
                "case-insensitive file system could lose the file)"
            )
        if self.env_files and (advice or choose_env_file(self.env_files) is None):
            advice.append(self.env_advice())
        if not advice and self.app_files:
            verb = "is" if len(self.app_files) == 1 else "are"
            advice.append(
                f"{_and(self.app_files)} {verb} part of a Python app: list its "
                "dependencies in requirements.txt"
            )
        return advice

    def relative(self, path: str) -> str:
        """``path`` as seen from the build directory (as ``-r`` in its requirements.txt names
        it)."""
        return path[len(self.build_dir) + 1 :] if self.build_dir else path

    def env_advice(self) -> str:
        """What to do about the requirement sets when none of them is clearly the one."""
        files = self.env_files
        prod = [path for path, env in files if env in PROD_NAMES]
        example = self.relative(prod[0] if prod else files[0][0])
        if len(files) == 1 and files[0][1] in DEV_NAMES:
            why = f"{files[0][0]} looks like a development set, which paasfix does not pick"
        else:
            why = f"{_and([path for path, _ in files])} are there and no single production set"
        return (
            f"{why}: create requirements.txt that includes the set production needs, such as "
            f"`-r {example}`"
        )


def survey(tree: Tree, build_dir: str, stack: Stack, declared: str | None) -> Survey:
    """Look where a missing dependency file may be: the top of the build directory, its
    ``requirements/`` directory, the top of each direct subdirectory and the repository root.
    ``declared`` is the source directory app_desc.yaml names, if any."""
    markers = detected_by(stack)
    names = tree.listdir(build_dir)
    files = [n for n in names if tree.is_file(join(build_dir, n))]
    found = Survey(build_dir, [], [], [], [], [], [n for n in APP_FILES if n in files])
    for name in files:
        path = join(build_dir, name)
        target, env = near_miss(name), env_name(name)
        advice = unusable(name, stack, set(files))
        if target is not None:
            found.misspelled.append((path, target))
        if env is not None:
            found.env_files.append((path, env))
        if advice is not None:
            found.unusable.append((path, advice))
    requirements_dir = join(build_dir, "requirements")
    for name in tree.listdir(requirements_dir):
        path = join(requirements_dir, name)
        if name.endswith(".txt") and tree.is_file(path):
            found.env_files.append((path, name[: -len(".txt")].lower()))
    for name in names:
        directory = join(build_dir, name)
        skipped = name.startswith(".") or name.lower() in SKIPPED_DIRS
        if skipped or not tree.is_dir(directory):
            continue
        inside = [n for n in tree.listdir(directory) if tree.is_file(join(directory, n))]
        has = [m for m in markers if m in inside] + [n for n in inside if near_miss(n)]
        if has:
            found.subapps.append((directory, has + [n for n in APP_FILES if n in inside]))
    if build_dir:
        found.at_root = [m for m in markers if tree.is_file(m)]
    found.declared = declared
    return found


def declared_source_dir(app_desc: Any) -> str | None:
    """``source_dir`` (v2) or ``sourceDir`` (v3) of the module a loaded app_desc.yaml
    describes."""
    _, module = rules.default_module(app_desc)
    if not isinstance(module, dict):
        return None
    value = module.get("source_dir", module.get("sourceDir"))
    if not isinstance(value, str) or not value.strip(" ./"):
        return None
    try:
        return normalize(value.strip().lstrip("/"))
    except UnsafePath:
        return None


def rename_order_safe(old: str, new: str) -> bool:
    """A rename is written as a deletion and a creation in path order; when only the case
    changes, the deletion has to come first or a case-insensitive file system loses the file."""
    return old.lower() != new.lower() or old < new


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
