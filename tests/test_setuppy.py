"""Reading setup.py's setup() calls and setup_requires without running it (paasfix.buildpack.setuppy)."""

from __future__ import annotations

import pytest
from helpers import make_tree

from paasfix.buildpack.setuppy import DYNAMIC, LITERAL, analyse
from paasfix.core.config import Config
from paasfix.core.tree import DirTree
from paasfix.project import Project


def requires(source: str):
    result = analyse("setup.py", source)
    assert result.parsed, result.error
    return [(r.kind, r.items) for r in result.setup_requires]


@pytest.mark.parametrize(
    "source",
    [
        'from setuptools import setup\nsetup(name="x", setup_requires=["setuptools_scm", "pbr>=1"])\n',
        'from setuptools import setup as s\ns(setup_requires=("setuptools_scm", "pbr>=1"))\n',
        'import setuptools\nsetuptools.setup(setup_requires=["setuptools_scm", "pbr>=1"])\n',
        'import setuptools as st\nst.setup(setup_requires={"setuptools_scm", "pbr>=1"})\n',
        'from distutils.core import setup\nsetup(setup_requires=["setuptools_scm", "pbr>=1"])\n',
        'from setuptools import *\nsetup(setup_requires=["setuptools_scm", "pbr>=1"])\n',
        "try:\n    from setuptools import setup\nexcept ImportError:\n"
        '    from distutils.core import setup\nsetup(setup_requires=["setuptools_scm", "pbr>=1"])\n',
        'from setuptools import setup\nsetup(setup_requires="setuptools_scm\\n# a comment\\npbr>=1  # why\\n")\n',
        'from setuptools import setup\nsetup(setup_requires=["setuptools_" "scm", \'pbr>=1\'])\n',
    ],
)
def test_literal_setup_requires_in_every_spelling_of_setup(source):
    assert requires(source) == [(LITERAL, ("setuptools_scm", "pbr>=1"))]


def test_name_bound_once_at_module_level_is_followed():
    source = (
        'from setuptools import setup\n\nSETUP_REQUIRES = ["setuptools_scm"]\n\n'
        'def main():\n    setup(\n        name="x",\n        setup_requires=SETUP_REQUIRES,\n'
        '    )\n\nif __name__ == "__main__":\n    main()\n'
    )
    result = analyse("setup.py", source)
    (found,) = result.setup_requires
    assert (found.kind, found.items, found.line) == (LITERAL, ("setuptools_scm",), 8)
    assert found.code == '["setuptools_scm"]'
    assert result.calls[0].line == 6


@pytest.mark.parametrize(
    "source, items",
    [
        ('REQ = ["a"]\nREQ.append("b")\nsetup(setup_requires=REQ)\n', ()),
        ('REQ = ["a"]\nREQ += ["b"]\nsetup(setup_requires=REQ)\n', ()),
        ('REQ = ["a"]\nif x:\n    REQ = []\nsetup(setup_requires=REQ)\n', ()),
        ('REQ = ["a"]\nREQ[0] = "b"\nsetup(setup_requires=REQ)\n', ()),
        ("from reqs import REQ\nsetup(setup_requires=REQ)\n", ()),
        ('setup(setup_requires=["pytest-runner"] if "test" in sys.argv else [])\n', ()),
        ('setup(setup_requires=["setuptools_scm"] + EXTRA)\n', ()),
        ('setup(setup_requires=["setuptools_scm", EXTRA])\n', ("setuptools_scm",)),
        ('setup(setup_requires=["setuptools_scm", *EXTRA])\n', ("setuptools_scm",)),
        ('v = "1"\nsetup(setup_requires=[f"pbr=={v}"])\n', ()),
        ("setup(setup_requires=get_requirements())\n", ()),
        ('setup(setup_requires=[b"pbr"])\n', ()),
    ],
)
def test_values_that_are_not_literal_are_dynamic(source, items):
    assert requires("from setuptools import setup\n" + source) == [(DYNAMIC, items)]


def test_empty_setup_requires_is_literal_and_empty():
    assert requires("from setuptools import setup\nsetup(setup_requires=[])\n") == [(LITERAL, ())]


def test_comments_and_strings_do_not_count():
    source = (
        '"""Install with setup_requires=["x"] if you like."""\n'
        'from setuptools import setup\n# setup_requires=["setuptools_scm"]\n'
        'setup(name="x", description="no setup_requires here")  # setup_requires\n'
    )
    result = analyse("setup.py", source)
    assert len(result.calls) == 1
    assert result.setup_requires == []


def test_a_function_of_our_own_called_setup_is_not_setuptools():
    source = 'def setup(**kw):\n    pass\n\nsetup(setup_requires=["x"])\n'
    assert analyse("setup.py", source).calls == ()


def test_options_passed_with_double_star_are_read():
    source = (
        'from setuptools import setup\nOPTIONS = {"name": "x", "setup_requires": ["scm"]}\n'
        'META = dict(name="y")\nsetup(**OPTIONS)\nsetup(**META)\nsetup(**load())\n'
    )
    calls = analyse("setup.py", source).calls
    assert calls[0].setup_requires.items == ("scm",)
    assert calls[0].setup_requires.line == 4
    assert calls[1].setup_requires is None and not calls[1].opaque_kwargs
    assert calls[2].setup_requires is None and calls[2].opaque_kwargs


def test_python_2_only_file_reports_why_and_whether_it_mentions_the_keyword():
    mentioning = (
        'from setuptools import setup\nprint "building"\n'
        'setup(name="x", setup_requires=["setuptools_scm"])\n'
    )
    result = analyse("setup.py", mentioning)
    assert not result.parsed
    assert result.error.startswith("line 2:")
    assert result.mentions_setup_requires
    as_key = 'print "x"\nopts = {"setup_requires": ["scm"]}\n'
    assert analyse("setup.py", as_key).mentions_setup_requires
    only_comment = (
        'from setuptools import setup\nprint "setup_requires"\n'
        '# setup_requires=["x"]\nsetup(name="x")\n'
    )
    assert not analyse("setup.py", only_comment).mentions_setup_requires


def test_project_reads_setup_py_of_the_build_directory(tmp_path):
    make_tree(
        tmp_path,
        {
            "setup.py": 'from setuptools import setup\nsetup(setup_requires=["root"])\n',
            "app/setup.py": 'from setuptools import setup\nsetup(setup_requires=["app"])\n',
        },
    )
    project = Project(DirTree(str(tmp_path)), Config(build_dir="app"))
    assert project.setup_py.path == "app/setup.py"
    assert project.setup_py.setup_requires[0].items == ("app",)
    root = Project(DirTree(str(tmp_path)), Config())
    assert root.setup_py.setup_requires[0].items == ("root",)


def test_no_setup_py(tmp_path):
    make_tree(tmp_path, {"requirements.txt": "Django\n"})
    assert Project(DirTree(str(tmp_path)), Config()).setup_py is None
