"""Where the time of ``paasfix check PATH`` goes, measured inside one process.

    python bench/phases.py PATH      # prints one JSON object: phase -> milliseconds

The phases follow what ``paasfix check`` does: import click and the engine, load the fixers
(importing their modules, then checking their declarations), then run each fixer's
``detect`` (each fixer's time is listed). Creating dataclasses, which Python compiles at
every start, is timed on the side (it happens inside the imports).
"""

from __future__ import annotations

import json
import sys
import time

STARTED = time.perf_counter()

import dataclasses  # noqa: E402

_created = [0.0]
_dataclass = dataclasses.dataclass


def _timed_dataclass(cls=None, /, **options):
    """dataclasses.dataclass, adding the time it takes to ``_created``."""

    def wrap(klass):
        begin = time.perf_counter()
        try:
            return _dataclass(**options)(klass)
        finally:
            _created[0] += time.perf_counter() - begin

    return wrap if cls is None else wrap(cls)


dataclasses.dataclass = _timed_dataclass


def main(path: str) -> dict[str, float]:
    phases: dict[str, float] = {}
    last = STARTED

    def mark(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases[name] = (now - last) * 1000
        last = now

    import click  # noqa: F401

    mark("import click")
    from paasfix import cli, registry
    from paasfix.project import Project
    from paasfix.runner import Runner

    mark("import the engine (paasfix.cli and what it imports)")
    registry._builtin() + registry._plugins()
    mark("import the fixer modules")
    registry.all_fixers()
    mark("check the fixers' declarations")
    tree, config, fixers = cli._prepare(path, (), (), None, None, None)
    runner = Runner(fixers, config)
    project = Project(tree, config)
    mark("read the settings")
    detect: dict[str, float] = {}
    for fixer in runner.fixers:
        begin = time.perf_counter()
        list(fixer.detect(project))
        detect[fixer.id] = (time.perf_counter() - begin) * 1000
    mark("detect (all fixers)")
    for fixer_id, spent in detect.items():
        phases[f"detect of {fixer_id} (part of the above)"] = spent
    phases["creating dataclasses (part of the imports above)"] = _created[0] * 1000
    return phases


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
