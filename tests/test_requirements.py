"""Requirement files read line by line as pip reads them (paasfix.buildpack.requirements), and the set of
files a build installs (Project.requirements)."""

from __future__ import annotations

import pytest
from helpers import make_project

from paasfix.buildpack.requirements import canonical, parse_file, parse_line
from paasfix.core.text import decode


def parse(text: str, path: str = "requirements.txt"):
    return parse_file(decode(path, text.encode("utf-8"))).lines


def one(line: str):
    return parse_line("requirements.txt", 1, 1, line)


# -- logical lines ---------------------------------------------------------------------------


def test_continuation_lines_are_joined_into_one_logical_line():
    lines = parse("Django==3.2 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nsix\n")
    assert [(line.first, line.last) for line in lines] == [(1, 3), (4, 4)]
    assert lines[0].name == "Django" and lines[0].specs == [("==", "3.2")]
    assert lines[0].hashes
    assert lines[1].name == "six" and not lines[1].hashes


def test_line_numbers_count_blank_and_comment_lines():
    lines = parse("\n# heading\n\nflask\n")
    assert [line.kind for line in lines] == ["blank", "blank", "blank", "requirement"]
    assert lines[3].first == lines[3].last == 4


def test_crlf_file_lines():
    lines = parse_file(decode("r.txt", b"a==1\r\nb \\\r\n  ==2\r\n")).lines
    assert [(line.name, line.specs, line.first, line.last) for line in lines] == [
        ("a", [("==", "1")], 1, 1),
        ("b", [("==", "2")], 2, 3),
    ]


def test_a_comment_line_ending_in_a_backslash_does_not_swallow_the_next_line():
    lines = parse("# see docs \\\nrequests\n")
    assert [line.kind for line in lines] == ["blank", "requirement"]
    assert lines[1].name == "requests" and lines[1].first == 2


def test_a_backslash_on_the_last_line_is_dropped():
    lines = parse("gunicorn \\")
    assert lines[0].kind == "requirement" and lines[0].name == "gunicorn"


# -- comments --------------------------------------------------------------------------------


def test_comment_after_whitespace_is_split_off():
    line = one("Django==3.2  # LTS")
    assert line.text == "Django==3.2"
    assert line.comment == "  # LTS"
    assert line.specs == [("==", "3.2")]


def test_full_line_comment_is_blank():
    line = one("# Django==1.0")
    assert line.kind == "blank" and line.name is None and line.comment == "# Django==1.0"


def test_url_fragment_is_not_a_comment():
    line = one("git+https://example.com/x/repo.git#egg=my_pkg")
    assert line.kind == "url"
    assert line.comment == ""
    assert line.name == "my_pkg" and line.key == "my-pkg"


def test_egg_fragment_then_a_real_comment():
    line = one("https://example.com/p.zip#egg=pkg  # pinned build")
    assert line.text == "https://example.com/p.zip#egg=pkg"
    assert line.comment == "  # pinned build"
    assert line.name == "pkg"


# -- includes and options --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,kind,target",
    [
        ("-r base.txt", "include", "base.txt"),
        ("-rbase.txt", "include", "base.txt"),
        ("--requirement base.txt", "include", "base.txt"),
        ("--requirement=reqs/base.txt", "include", "reqs/base.txt"),
        ("--requirement = base.txt", "include", "base.txt"),
        ("-c constraints.txt", "constraint", "constraints.txt"),
        ("--constraint=constraints.txt", "constraint", "constraints.txt"),
        ("-r base.txt  # shared", "include", "base.txt"),
    ],
)
def test_include_and_constraint_lines(text, kind, target):
    line = one(text)
    assert (line.kind, line.target, line.name) == (kind, target, None)


@pytest.mark.parametrize(
    "text",
    [
        "--index-url https://pypi.example/simple",
        "-i https://pypi.example/simple",
        "--require-hashes",
        "--no-binary :all:",
        "--trusted-host pypi.example",
    ],
)
def test_other_pip_options(text):
    line = one(text)
    assert line.kind == "option" and line.name is None and line.target is None


def test_editable_lines():
    vcs = one("-e git+https://example.com/x/repo.git@main#egg=My.Pkg")
    assert vcs.kind == "editable" and vcs.name == "My.Pkg" and vcs.key == "my-pkg"
    local = one("-e .")
    assert local.kind == "editable" and local.name is None
    long = one("--editable=./libs/thing#egg=thing")
    assert long.kind == "editable" and long.name == "thing"


# -- requirements, URLs and paths ------------------------------------------------------------


def test_extras_and_markers():
    line = one('requests[security,socks]>=2.0,<3 ; python_version < "3.8"')
    assert line.kind == "requirement"
    assert line.name == "requests"
    assert sorted(line.specs) == [("<", "3"), (">=", "2.0")]
    assert line.pinned


def test_unpinned_requirement():
    line = one("celery")
    assert line.kind == "requirement" and line.specs == [] and not line.pinned


def test_hash_options_do_not_become_part_of_the_requirement():
    line = one("eventlet==0.31.0 --hash=sha256:" + "0" * 64)
    assert line.kind == "requirement"
    assert line.name == "eventlet" and line.specs == [("==", "0.31.0")]
    assert line.hashes


@pytest.mark.parametrize(
    "text,name",
    [
        ("pkg @ https://example.com/pkg-1.0.zip", "pkg"),
        ("pkg@https://example.com/pkg-1.0.zip", "pkg"),
        ("Pkg[extra] @ https://example.com/pkg.zip", "Pkg"),
        ("pkg @ git+https://example.com/x/pkg.git@v1.0", "pkg"),
    ],
)
def test_direct_references_name_the_project(text, name):
    line = one(text)
    assert line.kind == "url"
    assert line.name == name


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/downloads/thing-1.0.tar.gz",
        "git+https://github.com/org/repo.git@v1.0",
        "git+ssh://git@github.com/org/repo.git",
        "./vendor/thing",
        "../shared/lib",
        "/opt/wheels/thing-1.0-py3-none-any.whl",
        "vendor/thing-1.0.tar.gz",
        "thing-1.0-py3-none-any.whl",
        "~/src/thing",
        "file:///opt/src/thing",
    ],
)
def test_urls_and_paths_without_a_project_name(text):
    line = one(text)
    assert line.kind == "url"
    assert line.name is None
    assert line.specs == []


@pytest.mark.parametrize(
    "name,key",
    [
        ("Django", "django"),
        ("MySQL-python", "mysql-python"),
        ("zope.interface", "zope-interface"),
        ("Django_Rest.Framework", "django-rest-framework"),
        ("a--b__c..d", "a-b-c-d"),
    ],
)
def test_names_are_compared_in_pep503_form(name, key):
    assert canonical(name) == key
    assert one(f"{name}==1.0").key == key


# -- the files a build installs --------------------------------------------------------------


def test_includes_are_followed_relative_to_the_including_file(tmp_path):
    reqs = make_project(
        tmp_path,
        {
            "requirements.txt": "-r requirements/prod.txt\nflask\n",
            "requirements/prod.txt": "-r base.txt\n--constraint=../constraints.txt\ngunicorn\n",
            "requirements/base.txt": "Django==3.2\n",
            "constraints.txt": "six==1.16\n",
        },
    ).requirements
    assert [f.path for f in reqs.files] == [
        "requirements.txt",
        "requirements/prod.txt",
        "requirements/base.txt",
        "constraints.txt",
    ]
    assert reqs.problems == []
    assert [line.path for line in reqs.named("django")] == ["requirements/base.txt"]
    assert reqs.file("requirements/prod.txt").requirements()[0].name == "gunicorn"
    assert [line.name for line in reqs.lines() if line.name] == [
        "flask",
        "gunicorn",
        "Django",
        "six",
    ]
    assert reqs.file("missing.txt") is None


def test_named_matches_any_spelling(tmp_path):
    reqs = make_project(
        tmp_path, {"requirements.txt": "MySQL_python==1.2.5\nmysql-python\n"}
    ).requirements
    assert [line.first for line in reqs.named("mysql.python")] == [1, 2]


def test_missing_include_is_reported_with_where_it_was_included(tmp_path):
    reqs = make_project(tmp_path, {"requirements.txt": "flask\n-r dev.txt\n"}).requirements
    assert [f.path for f in reqs.files] == ["requirements.txt"]
    assert reqs.problems == [("requirements.txt", 2, "includes dev.txt, which does not exist")]


def test_include_outside_the_build_directory_is_reported(tmp_path):
    reqs = make_project(
        tmp_path,
        {
            "app/requirements.txt": "-r ../shared/base.txt\n",
            "shared/base.txt": "Django==3.2\n",
        },
        build_dir="app",
    ).requirements
    assert [f.path for f in reqs.files] == ["app/requirements.txt"]
    assert len(reqs.problems) == 1
    path, line, message = reqs.problems[0]
    assert (path, line) == ("app/requirements.txt", 1)
    assert "shared/base.txt" in message and "outside the build directory" in message


@pytest.mark.parametrize("include", ["../../elsewhere.txt", "/etc/requirements.txt"])
def test_include_leaving_the_repository_is_reported(tmp_path, include):
    reqs = make_project(
        tmp_path, {"app/requirements.txt": f"flask\n\n-r {include}\n"}, build_dir="app"
    ).requirements
    assert reqs.problems == [
        ("app/requirements.txt", 3, f"includes {include}, which leaves the repository")
    ]


def test_include_cycles_end(tmp_path):
    reqs = make_project(
        tmp_path,
        {
            "requirements.txt": "-r a.txt\n",
            "a.txt": "-r b.txt\nflask\n",
            "b.txt": "-r a.txt\n-r ./requirements.txt\nsix\n",
        },
    ).requirements
    assert [f.path for f in reqs.files] == ["requirements.txt", "a.txt", "b.txt"]
    assert reqs.problems == [
        (
            "b.txt",
            1,
            "includes a.txt, which leads back to this file (a.txt -> b.txt -> a.txt); "
            "pip follows such a loop until it fails",
        ),
        (
            "b.txt",
            2,
            "includes requirements.txt, which leads back to this file (requirements.txt "
            "-> a.txt -> b.txt -> requirements.txt); pip follows such a loop until it "
            "fails",
        ),
    ]


def test_a_diamond_of_includes_is_not_a_loop(tmp_path):
    reqs = make_project(
        tmp_path,
        {
            "requirements.txt": "-r a.txt\n-r b.txt\n",
            "a.txt": "-r common.txt\n",
            "b.txt": "-r common.txt\n",
            "common.txt": "six\n",
        },
    ).requirements
    assert [f.path for f in reqs.files] == ["requirements.txt", "a.txt", "common.txt", "b.txt"]
    assert reqs.problems == []


def test_url_includes_are_not_followed(tmp_path):
    files = {"requirements.txt": "-r https://example.com/reqs.txt\n"}
    reqs = make_project(tmp_path, files).requirements
    assert [f.path for f in reqs.files] == ["requirements.txt"]
    assert reqs.problems == []


def test_no_requirements_file(tmp_path):
    reqs = make_project(tmp_path, {"setup.py": "from setuptools import setup\n"}).requirements
    assert reqs.files == [] and reqs.problems == []
