"""Finding the fixers: the built-in ``paasfix.fixers`` package and the ``paasfix.fixers``
entry-point group, loaded the same way."""

from __future__ import annotations

import bisect
import importlib
import inspect
import os
import pkgutil
import sys
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable, Iterable, Mapping, Optional

from paasfix.core.errors import PaasfixError
from paasfix.fixer import Fixer, check_fixer_class, check_log_patterns

ENTRY_POINT_GROUP = "paasfix.fixers"


def _classes_in(obj: object) -> list[type[Fixer[Any]]]:
    if inspect.isclass(obj) and issubclass(obj, Fixer) and obj is not Fixer:
        return [obj]
    if isinstance(obj, ModuleType):
        return [
            value
            for value in vars(obj).values()
            if inspect.isclass(value)
            and issubclass(value, Fixer)
            and value is not Fixer
            and value.__module__ == obj.__name__
            and value.id
        ]
    raise PaasfixError(f"entry point {obj!r} is neither a fixer class nor a module of fixers")


def _builtin() -> list[type[Fixer[Any]]]:
    package = importlib.import_module("paasfix.fixers")
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("_"):
            found += _classes_in(importlib.import_module(f"paasfix.fixers.{info.name}"))
    return found


def _may_have_plugins() -> bool:
    """False only when no installed distribution can declare a ``paasfix.fixers`` entry point.

    ``importlib.metadata`` takes tens of milliseconds to import and to read every
    distribution's metadata, which every run would pay for plugins that are rarely installed.
    This looks where it looks (the ``*.dist-info`` and ``*.egg-info`` directories of each
    ``sys.path`` directory) and only for the group's name in their ``entry_points.txt``. When
    it meets a place it does not read this way (a zip file, an egg, a finder of its own), it
    answers True, and ``importlib.metadata`` decides.
    """
    from importlib.machinery import PathFinder

    group = ENTRY_POINT_GROUP.encode()
    if any(
        getattr(finder, "find_distributions", None) is not None and finder is not PathFinder
        for finder in sys.meta_path
    ):
        return True
    for entry in sys.path:
        try:
            root = os.fspath(entry) or "."
            if not os.path.isdir(root):
                if os.path.exists(root):
                    return True
                continue
            names = os.listdir(root)
        except (TypeError, OSError):
            return True
        if root.lower().endswith(".egg"):
            return True
        for name in names:
            if name.lower().endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(root, name, "entry_points.txt"), "rb") as handle:
                        if group in handle.read():
                            return True
                except OSError:
                    continue
    return False


def _plugins() -> list[type[Fixer[Any]]]:
    if not _may_have_plugins():
        return []
    from importlib.metadata import entry_points

    found = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            found += _classes_in(entry.load())
        except PaasfixError:
            raise
        except Exception as exc:  # a broken plugin must not hide the built-in fixers' report
            raise PaasfixError(
                f"the fixer plugin '{entry.name}' ({entry.value}) failed to load: "
                f"{type(exc).__name__}: {exc}"
            ) from None
    return found


@lru_cache(maxsize=None)
def all_fixers() -> tuple[type[Fixer[Any]], ...]:
    """Every fixer, in the order they run (:func:`run_order`); a declaration error is
    reported, not skipped."""
    by_id: dict[str, type[Fixer[Any]]] = {}
    for cls in _builtin() + _plugins():
        problems = check_fixer_class(cls)
        if problems:
            raise PaasfixError(f"fixer {cls.__module__}.{cls.__name__} is invalid: {problems[0]}")
        if cls.id in by_id and by_id[cls.id] is not cls:
            raise PaasfixError(
                f"two fixers have the id '{cls.id}': {by_id[cls.id].__module__} "
                f"and {cls.__module__}"
            )
        by_id[cls.id] = cls
    return run_order(by_id)


@lru_cache(maxsize=None)
def log_readers() -> tuple[type[Fixer[Any]], ...]:
    """Every fixer, as :func:`all_fixers` gives them, once their log patterns are known to
    compile (checked only by the commands that read a log)."""
    fixers = all_fixers()
    for cls in fixers:
        problems = check_log_patterns(cls)
        if problems:
            raise PaasfixError(f"fixer {cls.__module__}.{cls.__name__} is invalid: {problems[0]}")
    return fixers


def run_order(by_id: Mapping[str, type[Fixer[Any]]]) -> tuple[type[Fixer[Any]], ...]:
    """The fixers in an order that keeps every ``after`` relation, by id where no relation
    decides (a fixer named in ``after`` that is not installed is no relation)."""
    waiting = {
        fixer_id: {other for other in cls.after if other in by_id and other != fixer_id}
        for fixer_id, cls in by_id.items()
    }
    ordered: list[type[Fixer[Any]]] = []
    ready = sorted(fixer_id for fixer_id, needs in waiting.items() if not needs)
    while ready:
        fixer_id = ready.pop(0)
        ordered.append(by_id[fixer_id])
        del waiting[fixer_id]
        for other, needs in waiting.items():
            if fixer_id in needs:
                needs.discard(fixer_id)
                if not needs:
                    bisect.insort(ready, other)
    if waiting:
        raise PaasfixError(f"the fixers' 'after' relations form a cycle: {_cycle(waiting)}")
    return tuple(ordered)


def _cycle(waiting: Mapping[str, set[str]]) -> str:
    """One cycle among fixers that each wait for another, as 'a -> b -> a'."""
    path = [min(waiting)]
    while True:
        step = min(waiting[path[-1]])
        if step in path:
            loop = path[path.index(step) :] + [step]
            return " -> ".join(loop)
        path.append(step)


def option_names() -> set[str]:
    return {name for cls in all_fixers() for name in cls.options}


def option_checks() -> dict[str, Callable[[Any], Any]]:
    """Every fixer option -> its check: the one its fixer declares in ``option_checks``, else
    one for the type of its default (:func:`paasfix.core.config.check_for`)."""
    from paasfix.core.config import check_for

    checks: dict[str, Callable[[Any], Any]] = {}
    for cls in all_fixers():
        for name, default in cls.options.items():
            if name not in checks:
                checks[name] = cls.option_checks.get(name) or check_for(default)
    return checks


def get(fixer_id: str) -> type[Fixer[Any]]:
    for cls in all_fixers():
        if cls.id == fixer_id:
            return cls
    raise PaasfixError(f"no fixer '{fixer_id}' (see 'paasfix fixers')")


def _matches(fixer_id: str, patterns: Iterable[str]) -> bool:
    return any(
        fixer_id == p or (p.endswith("*") and fixer_id.startswith(p[:-1])) or p == "ALL"
        for p in patterns
    )


def selected(select: Optional[Iterable[str]], ignore: Iterable[str]) -> list[type[Fixer[Any]]]:
    """The fixers chosen by ``--select``/``--ignore`` (exact ids, ``prefix*`` or ``ALL``)."""
    fixers = all_fixers()
    known = {cls.id for cls in fixers}
    for pattern in [*(select or []), *ignore]:
        if pattern != "ALL" and not pattern.endswith("*") and pattern not in known:
            raise PaasfixError(f"no fixer '{pattern}' (see 'paasfix fixers')")
    chosen = [cls for cls in fixers if select is None or _matches(cls.id, select)]
    return [cls for cls in chosen if not _matches(cls.id, ignore)]
