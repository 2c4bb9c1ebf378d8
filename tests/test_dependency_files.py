"""paasfix.buildpack.dependency_files: the names that stand in for the files a buildpack detects."""

from __future__ import annotations

from paasfix.buildpack.dependency_files import near_miss


def test_near_misses():
    assert near_miss("requirement.txt") == "requirements.txt"
    assert near_miss("Requirments.txt") == "requirements.txt"
    assert near_miss("requirements") == "requirements.txt"
    assert near_miss("PACKAGE.JSON") == "package.json"
    for name in (
        "requirements.txt",
        "requirements-dev.txt",
        "requirements.in",
        "requirements1.txt",
        "requirements.txt.bak",
        ".requirements.txt",
        "README.md",
        "required.txt",
        "setup.cfg",
    ):
        assert near_miss(name) is None, name
