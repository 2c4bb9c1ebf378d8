"""Parsed facts about a repository (paasfix.project): where the platform looks for its files."""

from __future__ import annotations

import pytest
from helpers import make_project

from paasfix.core.errors import FileProblem, PaasfixError

V2 = "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n      command: {}\n"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("", ""),
        ("app", "app"),
        ("/app/", "app"),
        ("./app", "app"),
        (" app ", "app"),
        ("app/../app", "app"),
    ],
)
def test_build_dir_is_normalized(tmp_path, raw, expected):
    assert make_project(tmp_path, {"app/x": ""}, raw).build_dir == expected


def test_build_dir_must_exist_and_stay_inside(tmp_path):
    with pytest.raises(PaasfixError, match="build directory 'nope' does not exist"):
        make_project(tmp_path, {"app/x": ""}, "nope").build_dir
    with pytest.raises(PaasfixError, match="build directory '../up' leaves the repository"):
        make_project(tmp_path / "b", {"app/x": ""}, "../up").build_dir
    with pytest.raises(PaasfixError, match="does not exist"):
        make_project(tmp_path / "c", {"app": ""}, "app").build_dir


def test_path_is_inside_the_build_dir(tmp_path):
    p = make_project(tmp_path, {"src/x": ""}, "src")
    assert p.path("requirements.txt") == "src/requirements.txt"
    assert p.path("bin", "post_compile") == "src/bin/post_compile"


def test_app_desc_at_the_root_wins_over_the_build_dir(tmp_path):
    p = make_project(
        tmp_path, {"app_desc.yaml": V2.format("root"), "src/app_desc.yaml": V2.format("src")}, "src"
    )
    assert p.app_desc.path == "app_desc.yaml"
    assert p.app_desc_processes == {"web": "root"}


def test_app_desc_in_the_build_dir_and_yml_spelling(tmp_path):
    p = make_project(tmp_path, {"src/app_desc.yml": V2.format("src")}, "src")
    assert p.app_desc.path == "src/app_desc.yml"
    assert p.app_desc.loaded and p.app_desc.data["spec_version"] == 2
    p = make_project(
        tmp_path / "b", {"app_desc.yml": V2.format("yml"), "app_desc.yaml": V2.format("yaml")}
    )
    assert p.app_desc.path == "app_desc.yaml"


def test_procfile_in_the_build_dir_wins_over_the_root(tmp_path):
    p = make_project(tmp_path, {"Procfile": "web: root\n", "src/Procfile": "web: src\n"}, "src")
    assert p.procfile.path == "src/Procfile" and p.procfile.data == {"web": "src"}
    p = make_project(tmp_path / "b", {"Procfile": "web: root\n", "src/x": ""}, "src")
    assert p.procfile.path == "Procfile"


def test_only_the_exact_procfile_name_is_read(tmp_path):
    files = {"procfile": "web: a\n", "Procfile.txt": "web: a\n"}
    assert make_project(tmp_path, files).procfile is None


def test_yaml_that_does_not_load_is_kept_with_its_problem(tmp_path):
    p = make_project(tmp_path, {"Procfile": "web: gunicorn app --bind host: 80\n"})
    assert not p.procfile.loaded
    assert p.procfile.data is None
    assert p.procfile.problem.message == "mapping values are not allowed here"
    assert p.procfile.problem.line == 1
    assert p.procfile.file.text == "web: gunicorn app --bind host: 80\n"


def test_undecodable_procfile_is_a_file_problem(tmp_path):
    with pytest.raises(FileProblem, match="Procfile: cannot be read: it is a binary file"):
        make_project(tmp_path, {"Procfile": b"\x00\x01"}).procfile


def test_is_python_looks_in_the_build_dir(tmp_path):
    assert make_project(tmp_path, {"requirements.txt": ""}).is_python
    assert make_project(tmp_path / "b", {"src/setup.py": ""}, "src").is_python
    assert make_project(tmp_path / "c", {"Pipfile": ""}).is_python
    assert not make_project(tmp_path / "d", {"setup.py": "", "src/app.py": ""}, "src").is_python


def test_python_ast_is_none_when_missing_or_broken(tmp_path):
    p = make_project(tmp_path, {"ok.py": "x = 1\n", "py2.py": "print 'x'\n", "bin.py": b"\x00"})
    assert p.python_ast("ok.py").body[0].targets[0].id == "x"
    assert p.python_ast("py2.py") is None
    assert p.python_ast("bin.py") is None
    assert p.python_ast("missing.py") is None


def test_exists_counts_escaping_links_as_existing(tmp_path):
    p = make_project(tmp_path, {"a": ""}, symlinks={"out": "../../elsewhere"})
    assert p.exists("out")
    assert p.exists("a") and not p.exists("b")


def test_runtime_txt_in_the_build_dir(tmp_path):
    p = make_project(
        tmp_path, {"runtime.txt": "python-2.7\n", "src/runtime.txt": "python-3.11.9\n"}, "src"
    )
    assert p.runtime_txt.text == "python-3.11.9\n"
