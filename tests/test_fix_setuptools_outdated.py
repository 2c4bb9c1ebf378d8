"""fix-setuptools-outdated: which setup_requires entries Python 2.7 cannot satisfy."""

from __future__ import annotations

import pytest

from paasfix.fixers.setuptools_outdated import _needs_modern_setuptools


@pytest.mark.parametrize("item", [
    "setuptools_scm", "setuptools-scm", "SetupTools_SCM[toml]>=3.4", "setuptools_scm<7",
    "setuptools_scm!=5.0.2", "setuptools>=45", "setuptools>44.1.1", "setuptools==45.*",
    "setuptools~=64.0", "setuptools>=64,<70", "setuptools_scm ; python_version < '3'",
])
def test_cannot_be_met_on_python_2(item):
    assert _needs_modern_setuptools(item)


@pytest.mark.parametrize("item", [
    "setuptools_scm<6", "setuptools_scm==5.0.2", "setuptools_scm~=5.0", "setuptools_scm<=5.0.2",
    "setuptools>=40", "setuptools>44", "setuptools>=44.1.1", "setuptools", "setuptools<45",
    "setuptools_scm; python_version >= '3'", "pbr>=1.8", "cffi>=1.0", "not a requirement !",
])
def test_can_be_met_on_python_2(item):
    assert _needs_modern_setuptools(item) is None
