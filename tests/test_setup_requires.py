"""paasfix.buildpack.setup_requires: which setup_requires entries Python 2.7 cannot satisfy, and which
mirror settings can be written into a hook."""

from __future__ import annotations

import pytest

from paasfix.buildpack.setup_requires import plain_url, python2_blocker


@pytest.mark.parametrize(
    "item",
    [
        "setuptools_scm",
        "setuptools-scm",
        "SetupTools_SCM[toml]>=3.4",
        "setuptools_scm<7",
        "setuptools_scm!=5.0.2",
        "setuptools>=45",
        "setuptools>44.1.1",
        "setuptools==45.*",
        "setuptools~=64.0",
        "setuptools>=64,<70",
        "setuptools_scm ; python_version < '3'",
    ],
)
def test_cannot_be_met_on_python_2(item):
    assert python2_blocker(item)


@pytest.mark.parametrize(
    "item",
    [
        "setuptools_scm<6",
        "setuptools_scm==5.0.2",
        "setuptools_scm~=5.0",
        "setuptools_scm<=5.0.2",
        "setuptools>=40",
        "setuptools>44",
        "setuptools>=44.1.1",
        "setuptools",
        "setuptools<45",
        "setuptools_scm; python_version >= '3'",
        "pbr>=1.8",
        "cffi>=1.0",
        "not a requirement !",
    ],
)
def test_can_be_met_on_python_2(item):
    assert python2_blocker(item) is None


@pytest.mark.parametrize(
    "value, plain",
    [
        ("https://mirrors.cloud.tencent.com/pypi/simple/", True),
        ("http://pypi.example.corp/simple/?x=1&y=%20", True),
        ("https://x.example/simple/ --evil", False),
        ("http://a/$(id)", False),
        ('https://a/"b', False),
        ("ftp://mirror.example/", False),
        (42, False),
    ],
)
def test_plain_url(value, plain):
    assert plain_url(value) is plain
