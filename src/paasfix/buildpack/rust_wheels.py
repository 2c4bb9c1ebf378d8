"""Dependencies partly written in Rust, and the pip that installs their wheels.

Some projects on PyPI build a Rust extension from their source packages (with setuptools-rust
or maturin). Their Linux wheels carry manylinux tags that old pips do not read, so an old pip
takes the source package and the build needs setuptools_rust and a Rust compiler. This module
knows which projects and releases those are, which pip reads their wheels, and the newest pip
each old Python runs. It reads requirement lines and version strings; it knows nothing about
the project or its fixers.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paasfix.buildpack.requirements import RequirementLine
from paasfix.buildpack.runtimes import PythonVersion
from paasfix.core.errors import UnsafePath
from paasfix.core.tree import join
from paasfix.platform.appdesc import SCOPE_PYTHON, env_values

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

PIP_VARIABLE = "PIP_VERSION"
DEFAULT_PIP = "21.0"
"""The FAQ's recommendation. It reads manylinux2010 (pip 19.0), manylinux2014 (19.3) and
manylinux_x_y (20.3) wheel tags, so it takes the wheels of every release in :data:`RUST_BUILT`."""

LAST_PIP = {(2, 7): "20.3.4", (3, 4): "19.1.1", (3, 5): "20.3.4", (3, 6): "21.3.1"}
"""The newest pip each old Python runs: pip 19.2 dropped Python 3.4, 21.0 dropped 2.7 and 3.5,
22.0 dropped 3.6."""
RUST_MIN_PYTHON = (3, 6)
"""Every release in :data:`RUST_BUILT` requires Python 3.6 or newer."""


@dataclass(frozen=True)
class RustBuilt:
    name: str
    """The project name in PEP 503 form."""
    first: str | None
    """The first release whose source build needs Rust (None: every release)."""
    wheels_pip: str
    """The oldest pip that takes the Linux wheels of those releases."""
    source: str

    @property
    def wheels_pip_version(self) -> Version:
        from packaging.version import Version

        return Version(self.wheels_pip)


RUST_BUILT = (
    RustBuilt(
        "cryptography",
        "3.4",
        "19.0",
        "3.4 added a Rust extension whose sdist imports setuptools_rust (pyca/cryptography "
        "#5779); 42.0 builds with maturin instead; wheels are manylinux2010 and newer",
    ),
    RustBuilt(
        "bcrypt",
        "4.0",
        "19.3",
        "4.0.0 changelog: implemented in Rust, building from source needs a Rust compiler, "
        "no more manylinux2010 wheels (manylinux2014 and manylinux_2_28 instead)",
    ),
    RustBuilt(
        "tiktoken",
        None,
        "19.3",
        "every release's setup.py builds tiktoken._tiktoken with "
        "setuptools_rust.RustExtension (openai/tiktoken); its Linux wheels are "
        "manylinux2014",
    ),
)


def version(text: object) -> Version | None:
    """``text`` as a version (None when it is not one)."""
    from packaging.version import InvalidVersion, Version

    try:
        return Version(str(text))
    except InvalidVersion:
        return None


def allowed_versions(lines: Sequence[RequirementLine]) -> SpecifierSet | None:
    """The versions every line naming the project allows, as one specifier set (None when a
    specifier cannot be read)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(
            ",".join(f"{op}{version}" for line in lines for op, version in line.specs)
        )
    except InvalidSpecifier:
        return None


def _candidates(specifiers: SpecifierSet, *extra: str) -> list[Version]:
    mentioned = [spec.version.removesuffix(".*") for spec in specifiers]
    return [v for v in (version(text) for text in (*extra, *mentioned)) if v is not None]


def reaches(specifiers: SpecifierSet, first: str | None) -> tuple[bool, bool]:
    """(whether a Rust-built release can satisfy ``specifiers``, whether an older one can)."""
    start = version(first or "0")
    if start is None:
        return False, False
    points = _candidates(specifiers, str(start), "9999")
    newer = any(v >= start and specifiers.contains(v, prereleases=True) for v in points)
    older = first is not None and any(
        v < start and specifiers.contains(v, prereleases=True) for v in _candidates(specifiers, "0")
    )
    return newer, older


def new_enough(required: Version) -> Callable[[object], bool]:
    """Whether a ``PIP_VERSION`` value asks for ``required`` or newer."""

    def accepts(value: object) -> bool:
        found = version(value) if isinstance(value, str) else None
        return found is not None and found >= required

    return accepts


def pip_for(python: PythonVersion | None, wanted: str) -> str:
    """``wanted``, or the newest pip ``python`` can run when that is older."""
    last = LAST_PIP.get(python.series) if python is not None else None
    if last is None:
        return wanted
    wanted_version, last_version = version(wanted), version(last)
    if wanted_version is None or last_version is None or wanted_version <= last_version:
        return wanted
    return last


@dataclass(frozen=True)
class Need:
    """A Rust-built project the build installs, as the first line naming it asks for it."""

    package: RustBuilt
    line: RequirementLine
    pre_rust_allowed: bool

    @property
    def text(self) -> str:
        return f"{self.line.name}" + ",".join(op + spec for op, spec in self.line.specs)


def constraint_files(lines: Sequence[RequirementLine]) -> set[str]:
    """Files included with ``-c``: they limit versions but install nothing."""
    found = set()
    for line in lines:
        if line.kind == "constraint" and line.target and "://" not in line.target:
            try:
                found.add(join(posixpath.dirname(line.path), line.target))
            except UnsafePath:
                continue
    return found


def needs(lines: Sequence[RequirementLine]) -> list[Need]:
    """The Rust-built projects that ``lines`` (every line the build reads, in order) install in
    a release built with Rust."""
    found = []
    constraints = constraint_files(lines)
    for package in RUST_BUILT:
        named = [line for line in lines if line.key == package.name and line.kind == "requirement"]
        installed = [line for line in named if line.path not in constraints]
        if not installed:
            continue
        specifiers = allowed_versions(named)
        if specifiers is None:
            continue
        newer, older = reaches(specifiers, package.first)
        if newer:
            found.append(Need(package, installed[0], older))
    return found


def pip_problem(path: str, data: Any, required: Version) -> str | None:
    """Why the pip that app_desc.yaml at ``path`` (loaded as ``data``) asks for may be too old
    for wheels that need pip ``required`` (None when it is new enough)."""
    values = env_values(data, PIP_VARIABLE, SCOPE_PYTHON)
    if not any(value is not None for by_env in values.values() for value in by_env.values()):
        return f"{path} sets no {PIP_VARIABLE}"
    accepts = new_enough(required)
    for module, by_environment in values.items():
        for environment, value in by_environment.items():
            if value is None:
                return f"{path} sets no {PIP_VARIABLE} for {environment} in {module}"
            if not accepts(value):
                shown = value if isinstance(value, str) else f"{value} (a number, not a string)"
                return f"{path} sets {PIP_VARIABLE} to {shown} for {environment} in {module}"
    return None


def needs_phrase(found: Sequence[Need]) -> tuple[str, str]:
    """The requirements of ``found`` as a sentence's subject, and its verb ("needs"/"need")."""
    texts = [need.text for need in found]
    if len(texts) == 1:
        return texts[0], "needs"
    return ", ".join(texts[:-1]) + " and " + texts[-1], "need"
