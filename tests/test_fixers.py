"""The contract every fixer keeps, checked on its own examples.

For each fixer: its declaration is complete, it has examples of both kinds, and for each
example: ``before`` is detected, fixing it gives ``after`` exactly (bytes and modes), ``after``
is not detected, and fixing ``after`` changes nothing. Manual examples are detected but never
edited; clean examples detect nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_tree

from paasfix import registry
from paasfix.core.config import Config
from paasfix.core.tree import EXEC_MODE, FILE_MODE, DirTree
from paasfix.fixer import MANUAL, Example, Executable, check_fixer_class, check_log_patterns
from paasfix.runner import Runner

FIXERS = registry.all_fixers()
CASES = [
    pytest.param(cls, example, id=f"{cls.id}: {example.name}")
    for cls in FIXERS
    for example in cls.examples
]


def _spec(value) -> tuple[bytes, int]:
    if isinstance(value, Executable):
        content, mode = value.content, EXEC_MODE
    else:
        content, mode = value, FILE_MODE
    return (content.encode("utf-8") if isinstance(content, str) else content), mode


def materialize(root: Path, files) -> DirTree:
    return DirTree(str(make_tree(root, files)))


def _config(example: Example) -> Config:
    return Config(
        build_dir=example.build_dir, options=dict(example.options), unsafe_fixes=example.unsafe
    )


def _apply(files, changes) -> dict[str, tuple[bytes, int]]:
    tree = {path: _spec(value) for path, value in files.items()}
    for change in changes:
        if change.new is None:
            del tree[change.path]
        else:
            tree[change.path] = (change.new, change.new_mode)
    return tree


def _show(tree: dict[str, tuple[bytes, int]]) -> dict[str, tuple[str, str]]:
    return {
        path: (content.decode("utf-8", "replace"), oct(mode))
        for path, (content, mode) in sorted(tree.items())
    }


@pytest.mark.parametrize("cls", FIXERS, ids=[cls.id for cls in FIXERS])
def test_declaration_is_complete(cls):
    assert check_fixer_class(cls) == []
    assert check_log_patterns(cls) == []
    kinds = {example.kind for example in cls.examples}
    assert kinds & {"fixed", "manual"}, f"{cls.id} has no example that it detects"
    assert "clean" in kinds, f"{cls.id} has no example that it must not detect"
    names = [example.name for example in cls.examples]
    assert len(names) == len(set(names)), f"{cls.id} has two examples with the same name"
    camel = "".join(word.capitalize() for word in cls.id.split("-"))
    assert cls.__name__ == camel, f"{cls.__name__} must be named {camel}, after its id"
    known = {other.id for other in FIXERS}
    assert set(cls.after) <= known, f"{cls.id} runs after fixers that do not exist"


def test_fixers_run_after_what_they_declare():
    position = {cls.id: index for index, cls in enumerate(FIXERS)}
    for cls in FIXERS:
        for other in cls.after:
            assert position[other] < position[cls.id], (other, cls.id)


@pytest.mark.parametrize("cls, example", CASES)
def test_example(cls, example, tmp_path):
    runner = Runner([cls], _config(example))
    before = materialize(tmp_path / "before", example.before)
    found = runner.check(before)
    assert found.errors == []

    if example.kind == "clean":
        assert found.findings == []
        return

    assert found.findings, "the example is not detected"
    stated = [f for f in found.findings if example.expects(f)]
    assert stated, (
        f"no finding has {example.message!r} at {example.path}:{example.line}: "
        f"{[(f.message, f.path, f.line) for f in found.findings]}"
    )
    if example.kind == "manual":
        assert any(f.safety == MANUAL for f in found.findings)
        result = runner.fix(before, unsafe=True)
        assert result.errors == []
        assert result.changes == [], "a manual example must not be edited"
        return

    result = runner.fix(before, unsafe=example.unsafe)
    assert result.errors == []
    assert result.applied, "nothing was fixed"
    assert _show(_apply(example.before, result.changes)) == _show(
        {path: _spec(value) for path, value in example.after.items()}
    )

    after = materialize(tmp_path / "after", example.after)
    remaining = runner.check(after)
    assert remaining.errors == []
    assert [f for f in remaining.findings if f.safety != MANUAL] == [], "after is still detected"
    again = runner.fix(after, unsafe=example.unsafe)
    assert again.changes == [], "a second fix changed something"
