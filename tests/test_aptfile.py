"""The Aptfile read as the apt build tool reads it, and as its author meant it (paasfix.buildpack.aptfile)."""

from __future__ import annotations

from helpers import make_tree

from paasfix.buildpack.aptfile import is_url, package_name, parse
from paasfix.core.config import Config
from paasfix.core.text import decode
from paasfix.core.tree import DirTree
from paasfix.project import Project


def aptfile(raw: bytes):
    return parse(decode("Aptfile", raw))


def test_column_zero_comments_and_repo_lines_are_not_packages():
    apt = aptfile(b"# build deps\n:repo:deb http://ppa.example/ubuntu bionic main\nlibpq-dev\n")
    assert [line.kind for line in apt.lines] == ["comment", "repo", "packages"]
    assert apt.requested == ["libpq-dev"]
    assert apt.repos == ["deb http://ppa.example/ubuntu bionic main"]
    assert apt.misread_lines() == []


def test_several_packages_per_line_split_on_spaces_and_tabs():
    apt = aptfile(b"libssl-dev default-libmysqlclient-dev\tlibxml2-dev")
    assert apt.requested == ["libssl-dev", "default-libmysqlclient-dev", "libxml2-dev"]
    assert apt.packages == apt.requested
    assert apt.lines[0].number == 1 and not apt.lines[0].misread


def test_an_inline_comment_becomes_package_names():
    line = aptfile(b"libssl-dev  # for mysqlclient\n").lines[0]
    assert line.requested == ("libssl-dev", "#", "for", "mysqlclient")
    assert line.packages == ("libssl-dev",)
    assert line.comment == "# for mysqlclient"
    assert line.inline_comment and line.misread


def test_indented_comment_and_repo_lines_are_read_as_packages():
    apt = aptfile(b"  # note\n\t:repo:deb http://x bionic main\n")
    assert apt.requested == ["#", "note", ":repo:deb", "http://x", "bionic", "main"]
    assert [line.intended for line in apt.lines] == ["comment", "repo"]
    assert apt.packages == []
    assert all(line.misread for line in apt.lines)


def test_crlf_leaves_a_carriage_return_in_the_last_word():
    apt = aptfile(b"# deps\r\nlibssl-dev\r\n\r\nnetcat")
    assert apt.requested == ["libssl-dev\r", "\r", "netcat"]
    assert apt.packages == ["libssl-dev", "netcat"]
    assert apt.carriage_returns == (1, 2, 3)
    assert [line.number for line in apt.misread_lines()] == [2, 3]


def test_a_byte_order_mark_sticks_to_the_first_word():
    apt = aptfile(b"\xef\xbb\xbf# deps\nlibssl-dev\n")
    assert apt.bom
    assert apt.lines[0].kind == "packages" and apt.lines[0].intended == "comment"
    assert apt.requested == ["\ufeff#", "deps", "libssl-dev"]


def test_deb_urls_and_package_names():
    url = "https://example.invalid/debs/libmysqlclient-dev_5.7.42-0ubuntu0.18.04.1_amd64.deb"
    assert is_url(url) and not is_url("libssl-dev")
    assert package_name(url) == "libmysqlclient-dev"
    assert package_name("libssl-dev=1.1.1-1ubuntu2.1~18.04.23") == "libssl-dev"
    assert package_name("libssl-dev:amd64") == "libssl-dev"
    apt = aptfile((url + "\nlibssl-dev:amd64\n").encode())
    assert apt.provides("libmysqlclient-dev") and apt.provides("libssl-dev")
    assert not apt.provides("default-libmysqlclient-dev")


def test_project_reads_the_aptfile_of_the_build_directory_only(tmp_path):
    root = make_tree(
        tmp_path,
        {"Aptfile": "netcat\n", "src/Aptfile": "libpq-dev\n", "src/requirements.txt": "psycopg2\n"},
    )
    assert Project(DirTree(str(root))).aptfile.packages == ["netcat"]
    inside = Project(DirTree(str(root)), Config(build_dir="src")).aptfile
    assert inside.path == "src/Aptfile" and inside.packages == ["libpq-dev"]
    assert Project(DirTree(str(root)), Config(build_dir="src/..")).aptfile.path == "Aptfile"
    (root / "Aptfile").unlink()
    assert Project(DirTree(str(root))).aptfile is None
