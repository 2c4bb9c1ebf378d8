"""fix-app-desc: every repaired file loads to exactly what its author meant, edits touch only
the repaired characters, and the repairs work together with fix-procfile in one run."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from helpers import make_tree

from paasfix import registry
from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.fixer import UNSAFE, Example
from paasfix.fixers.app_desc import FixAppDesc
from paasfix.platform import rules
from paasfix.runner import Runner

REMOVE = object()


def replaced_colons(text: str) -> Any:
    """Every full-width colon of these examples stands after a key."""
    return yaml.safe_load(text.replace("：", ":"))


def changed(*changes: tuple[tuple, Any], first: tuple = ()) -> Callable[[str], Any]:
    """The data of the original text with ``changes`` (path, value) made; ``first`` is a
    (key, value) that goes before every other key."""

    def meant(text: str) -> Any:
        data = copy.deepcopy(yaml.safe_load(text))
        for path, value in changes:
            parent = data
            for step in path[:-1]:
                parent = parent[step]
            if value is REMOVE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        return {first[0]: first[1], **data} if first else data

    return meant


ENV = ("module", "env_variables")
V3_MODULE = ("modules", 0, "spec")

MEANT: dict[str, Callable[[str], Any]] = {
    "full-width colons after keys, as in bk-log": replaced_colons,
    "a full-width colon before a value and in a list item": replaced_colons,
    "no spec version: spec_version 2 goes above the first key, under the header comment": changed(
        first=("spec_version", 2)
    ),
    "no version on a file written in the version 3 form": changed(first=("specVersion", 3)),
    "a quoted version becomes a number": changed((("spec_version",), 2)),
    "a quoted specVersion becomes a number": changed((("specVersion",), 3)),
    "language spellings the platform refuses, quotes kept": changed(
        (("modules", "web", "language"), "NodeJS"),
        (("modules", "api", "language"), "Go"),
        (("modules", "jobs", "language"), "Python"),
    ),
    "environment values that YAML types are quoted as written": changed(
        (ENV + (0, "value"), "20.10"),
        (ENV + (1, "value"), "yes"),
        (ENV + (2, "value"), "true"),
        (ENV + (3, "value"), "0022"),
        (ENV + (4, "value"), "2024-05-01"),
        (ENV + (5, "value"), "1_000"),
        (ENV + (6, "value"), ""),
    ),
    "version 3 variables and their per-environment overlay": changed(
        (V3_MODULE + ("configuration", "env", 0, "value"), "off"),
        (V3_MODULE + ("envOverlay", "envVariables", 0, "value"), "1:30"),
    ),
    "a value shared through an anchor is quoted where it is written": changed(
        (("modules", "default", "env_variables", 0, "value"), "20.10"),
        (("modules", "api", "env_variables", 0, "value"), "20.10"),
    ),
    "an empty processes key is removed, the Procfile defines them": changed(
        (("module", "processes"), REMOVE)
    ),
    "an empty flow mapping of processes is removed": changed((("module", "processes"), REMOVE)),
    "every repair of a file without a version, the version last": changed(
        (("module", "language"), "NodeJS"), (ENV + (0, "value"), "16.20"), first=("spec_version", 2)
    ),
    "no version next to a Procfile is an unsafe fix": changed(first=("spec_version", 2)),
    "CRLF line endings and app_desc.yml in the build directory": changed(
        (ENV + (0, "value"), "True")
    ),
}

FIXED = [example for example in FixAppDesc.examples if example.kind == "fixed"]


def _desc_path(example: Example) -> str:
    return next(path for path in example.before if path.rsplit("/", 1)[-1] in rules.APP_DESC_NAMES)


def test_every_fixed_example_says_what_its_author_meant():
    assert set(MEANT) == {example.name for example in FIXED}


@pytest.mark.parametrize("example", FIXED, ids=[example.name for example in FIXED])
def test_the_repaired_file_loads_to_what_the_author_meant(example):
    path = _desc_path(example)
    meant = MEANT[example.name](example.before[path])
    repaired = yaml.safe_load(example.after[path])
    assert repaired == meant
    assert rules.app_desc_problems(repaired) == []


def test_repaired_values_are_text_as_written():
    example = next(e for e in FIXED if e.name.startswith("environment values"))
    values = [
        item["value"]
        for item in yaml.safe_load(example.after["app_desc.yaml"])["module"]["env_variables"]
    ]
    assert values == ["20.10", "yes", "true", "0022", "2024-05-01", "1_000", "", 4]


def test_full_width_colons_are_the_only_characters_that_change():
    example = FIXED[0]
    before, after = example.before["app_desc.yaml"], example.after["app_desc.yaml"]
    assert len(before) == len(after)
    changes = [(a, b) for a, b in zip(before, after) if a != b]
    assert changes == [("：", ":"), ("：", ":")]
    # the comment with a full-width colon is still there, untouched
    assert "# 依赖的服务：监控平台" in after


def _write(root: Path, files: dict[str, str]) -> DirTree:
    return DirTree(str(make_tree(root, files)))


def test_adding_the_version_next_to_a_procfile_waits_for_unsafe_fixes(tmp_path):
    files = {
        "app_desc.yaml": "module:\n  language: Python\n",
        "Procfile": "web: gunicorn wsgi -b :$PORT\n",
    }
    runner = Runner([FixAppDesc], Config())
    safe_only = runner.fix(_write(tmp_path / "a", files))
    assert safe_only.changes == []
    assert [(f.fixer, f.safety) for f in safe_only.findings] == [("fix-app-desc", UNSAFE)]
    unsafe = runner.fix(_write(tmp_path / "b", files), unsafe=True)
    assert [c.new for c in unsafe.changes] == [b"spec_version: 2\nmodule:\n  language: Python\n"]


FLASK = {
    "requirements.txt": "Flask==2.2.5\ngunicorn==20.1.0\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
}


def test_an_empty_processes_key_is_filled_by_fix_procfile_in_the_same_run(tmp_path):
    files = {
        **FLASK,
        "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n",
    }
    result = Runner(registry.all_fixers(), Config()).fix(_write(tmp_path, files))
    assert result.errors == []
    assert [a.finding.fixer for a in result.applied][:2] == ["fix-app-desc", "fix-procfile"]
    new = {c.path: c.new for c in result.changes}
    data = yaml.safe_load(new["app_desc.yaml"])
    assert rules.app_desc_problems(data) == []
    assert rules.processes_of(data) == {"web": "gunicorn app:app -b :$PORT --log-file -"}


def test_a_file_with_full_width_colons_is_readable_for_the_other_fixers(tmp_path):
    """Once the colons are repaired, fix-procfile sees the processes and leaves the file be."""
    files = {
        **FLASK,
        "app_desc.yaml": "spec_version: 2\nmodule：\n  language: Python\n"
        "  processes：\n    web:\n      command: gunicorn app:app\n",
    }
    runner = Runner(registry.all_fixers(), Config())
    before = runner.check(_write(tmp_path, files))
    assert "fix-procfile" not in {f.fixer for f in before.findings}
    result = runner.fix(DirTree(str(tmp_path)))
    assert result.errors == []
    assert {a.finding.fixer for a in result.applied} == {"fix-app-desc"}
    data = yaml.safe_load(result.changes[0].new)
    assert rules.processes_of(data) == {"web": "gunicorn app:app"}
