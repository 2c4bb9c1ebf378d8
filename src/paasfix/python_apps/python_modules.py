"""Whether the application module or file a command names
(:class:`~paasfix.python_apps.server_targets.Target`) is where Python will look for it, in a
repository tree."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from paasfix.buildpack.requirements import RequirementLine, canonical
from paasfix.core.errors import UnsafePath
from paasfix.core.sources import Sources
from paasfix.core.tree import Tree, join
from paasfix.python_apps.process_runs import Run, script_file
from paasfix.python_apps.server_targets import Target

PACKAGE_FILES = ("setup.py", "setup.cfg", "pyproject.toml")
"""Files that make the build directory a package the build installs."""


def standard_library(top: str) -> bool:
    """Whether ``top`` is a top-level module of Python's standard library."""
    return top in getattr(sys, "stdlib_module_names", ())


def installed_by_build(
    top: str, requirements: Sequence[RequirementLine], tree: Tree, build_dir: str
) -> bool:
    """Whether the build may install a top-level module ``top`` that is not in the build
    directory: a requirement of that name, or a local package (an editable or URL requirement,
    or the build directory's own setup.py, setup.cfg or pyproject.toml)."""
    return (
        any(line.key == canonical(top) for line in requirements)
        or any(line.kind in ("editable", "url") for line in requirements)
        or any(tree.is_file(join(build_dir, name)) for name in PACKAGE_FILES)
    )


def _exists(tree: Tree, *parts: str) -> bool:
    """Whether the tree has this path (a path that leaves it counts as existing: it cannot be
    told)."""
    try:
        return tree.kind(join(*parts)) is not None
    except UnsafePath:
        return True


def missing_files(
    tree: Tree, build_dir: str, target: Target, elsewhere: Callable[[str], bool]
) -> list[str] | None:
    """The files looked for (repository paths), when ``target`` is in none of its directories
    under ``build_dir``; None when it is there, or when its top-level module is not in the build
    directory at all and may be installed another way (the standard library, or
    ``elsewhere(top)``)."""
    for directory in target.dirs:
        if any(_exists(tree, build_dir, path) for path in target.candidates(directory)):
            return None
        if target.kind == "module" and tree.is_dir(
            join(build_dir, directory, *target.name.split("."))
        ):
            return None
    if target.kind == "module":
        top = target.name.split(".")[0]
        if not any(
            _exists(tree, build_dir, d, top) or _exists(tree, build_dir, d, top + ".py")
            for d in target.dirs
        ) and (standard_library(top) or elsewhere(top)):
            return None
    return [join(build_dir, path) for path in target.candidates(target.dirs[0])]


def missing_for(run: Run, sources: Sources, elsewhere: Callable[[str], bool]) -> list[str] | None:
    """The files the program of ``run`` needs that the build directory lacks: those of its
    application module or file (see :func:`missing_files`), else the shell script the command
    runs; None when nothing is missing, or it cannot be told."""
    target = run.target
    missing = missing_files(sources.tree, sources.build_dir, target, elsewhere) if target else None
    script = script_file(sources.build_dir, run.invocation) if run.direct else None
    if missing is None and script is not None and not sources.exists(script):
        return [script]
    return missing
