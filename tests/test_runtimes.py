"""paasfix.buildpack.runtimes: stacks, the runtimes a site hosts, choosing a replacement, and reading
runtime.txt / .python-version the way each stack's buildpack reads them."""

from __future__ import annotations

import pytest
from helpers import make_project

from paasfix.buildpack import runtimes
from paasfix.buildpack.runtimes import HEROKU_18, HEROKU_24, PythonVersion, Site
from paasfix.core.errors import PaasfixError
from paasfix.core.text import decode


def v(text: str) -> PythonVersion:
    return runtimes.parse_version(text)


def read(text, kind="runtime.txt", stack=HEROKU_18):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return runtimes.read_runtime_file(decode(kind, raw), kind, stack)


# -- versions and stacks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3.6.12", PythonVersion(3, 6, 12)),
        ("python-3.10.5", PythonVersion(3, 10, 5)),
        (" 3.12 ", PythonVersion(3, 12)),
        ("3", None),
        ("3.6.x", None),
        ("Python-3.6.12", None),
        ("03.6.1", None),
        ("3.6.12rc1", None),
    ],
)
def test_parse_version(text, expected):
    assert runtimes.parse_version(text) == expected


def test_versions_order_by_number_not_text():
    assert v("3.10.5") > v("3.9.13") > v("3.6.12") > v("3.6.8")
    assert str(v("3.6.12")) == "3.6.12" and v("3.6.12").runtime == "python-3.6.12"


@pytest.mark.parametrize(
    "name, stack",
    [
        ("heroku-18", HEROKU_18),
        ("Blueking-18", HEROKU_18),
        ("bionic", HEROKU_18),
        (" heroku-24 ", HEROKU_24),
        ("noble", HEROKU_24),
        ("blueking-noble", HEROKU_24),
    ],
)
def test_stack_aliases(name, stack):
    assert runtimes.get_stack(name) is stack


def test_unknown_stack_names_the_known_ones():
    with pytest.raises(PaasfixError, match="unknown stack 'heroku-22'.*heroku-18.*noble"):
        runtimes.get_stack("heroku-22")


def test_default_site_is_heroku_18_with_the_community_uploads():
    site = runtimes.site_of(dict(runtimes.OPTIONS))
    assert site.stack is HEROKU_18
    assert [str(x) for x in site.runtimes] == ["2.7.18", "3.6.8", "3.6.12", "3.10.5"]
    assert site.default == v("3.10.5")


def test_configured_runtimes_replace_the_default_list():
    site = runtimes.site_of({"stack": "heroku-18", "runtimes": ["python-3.8.6", "3.7.9", "3.7.9"]})
    assert site.runtimes == (v("3.7.9"), v("3.8.6"))
    assert not site.provides(v("3.6.12"))


@pytest.mark.parametrize("value", [["3.6"], ["3.6.x"], [3.6], "nonsense", {"a": 1}, [None]])
def test_invalid_runtimes_setting_is_an_error(value):
    with pytest.raises(PaasfixError, match="runtimes"):
        runtimes.site_runtimes(HEROKU_18, value)


def test_a_single_string_is_a_list_of_one():
    assert runtimes.site_runtimes(HEROKU_18, "3.6.12") == (v("3.6.12"),)


def test_heroku_18_needs_the_exact_release_heroku_24_takes_a_minor():
    bionic = runtimes.site_of({"stack": "heroku-18"})
    noble = runtimes.site_of({"stack": "heroku-24"})
    assert bionic.provides(v("3.6.12")) and not bionic.provides(v("3.6"))
    assert noble.provides(v("3.12")) and noble.provides(v("3.12.12"))
    assert not noble.provides(v("3.12.3")) and not noble.provides(v("3.10"))


def test_heroku_24_refuses_minors_outside_its_range_even_if_listed():
    site = runtimes.site_of({"stack": "heroku-24", "runtimes": ["3.8.20", "3.12.12"]})
    assert not site.provides(v("3.8.20"))


def test_plausible_versions():
    assert HEROKU_18.plausible(v("3.7.3")) and HEROKU_18.plausible(v("3.10.9"))
    assert not HEROKU_18.plausible(v("3.9.1")) and not HEROKU_18.plausible(v("3.10.10"))
    assert HEROKU_24.plausible(v("3.9.20")) and HEROKU_24.plausible(v("3.10"))
    assert not HEROKU_24.plausible(v("3.8.20")) and not HEROKU_24.plausible(v("2.7.18"))


# -- choosing a replacement ------------------------------------------------------------------

HOSTED = tuple(v(x) for x in ("2.7.18", "3.6.8", "3.6.12", "3.10.5"))


@pytest.mark.parametrize(
    "wanted, expected",
    [
        ("3.6.7", "3.6.8"),
        ("3.6.9", "3.6.12"),
        ("3.6.15", "3.6.12"),
        ("3.6", "3.6.12"),
        ("2.7.3", "2.7.18"),
        ("3.9.1", None),
        ("3.10.9", "3.10.5"),
    ],
)
def test_nearest_patch(wanted, expected):
    found = runtimes.nearest_patch(v(wanted), HOSTED)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize(
    "wanted, expected",
    [
        ("3.9.1", "3.10.5"),
        ("3.7.3", "3.10.5"),
        ("3.11.2", "3.10.5"),
        ("3.5.2", "3.6.12"),
        ("2.6.9", "2.7.18"),
        ("4.0.0", None),
    ],
)
def test_nearest_other_minor_prefers_newer_minors(wanted, expected):
    found = runtimes.nearest_other_minor(v(wanted), HOSTED)
    assert (str(found) if found else None) == expected


def test_python3_runtime():
    assert runtimes.python3_runtime(Site(HEROKU_18, HOSTED)) == v("3.10.5")
    assert runtimes.python3_runtime(Site(HEROKU_18, (v("2.7.18"), v("3.6.8"), v("3.6.12")))) == v(
        "3.6.12"
    )
    assert runtimes.python3_runtime(Site(HEROKU_18, (v("2.7.18"),))) is None
    assert runtimes.python3_runtime(runtimes.site_of({"stack": "noble"})) == v("3.13.11")


# -- reading the files -----------------------------------------------------------------------


def test_problems_carry_their_line_numbers():
    found = read("\npython-3.6.12\n# pinned for prod\nfoo\n")
    assert [(p.line, p.certain) for p in found.problems] == [(3, True), (4, True)]
    assert found.version == v("3.6.12") and found.line == 2
    assert found.unknown == (4,) and not found.recoverable


def test_whitespace_is_a_warning_on_heroku_18_only():
    bionic = read(" python-3.6.12 \r\n")
    assert bionic.problems and not any(p.certain for p in bionic.problems)
    assert read(" python-3.12 \r\n\r\n", stack=HEROKU_24).problems == ()


def test_empty_lines_and_a_missing_newline_are_fine():
    assert read("\n\npython-3.6.12\n\n").problems == ()
    assert read("python-3.6.12").problems == ()


@pytest.mark.parametrize(
    "text", ["python-3.6.12\npython-3.10.5\n", "", "# only a comment\n", "pypy3.6-7.3.1\n"]
)
def test_no_single_version(text):
    found = read(text)
    assert found.problems and not found.recoverable


def test_python_version_file_allows_comments_but_not_the_prefix():
    assert read("# pinned\n3.12\n", ".python-version", HEROKU_24).problems == ()
    found = read("python-3.12\n", ".python-version", HEROKU_24)
    assert found.version == v("3.12") and "bare version" in found.problems[0].message


def test_text_for_keeps_python_version_comments():
    found = read("# pinned\n3.12.3  # same as CI\n", ".python-version", HEROKU_24)
    assert found.text_for(v("3.12.12")) == "# pinned\n# same as CI\n3.12.12\n"


def test_encoding_drops_the_bom_and_crlf_on_heroku_18():
    found = read(b"\xef\xbb\xbfPython-3.6.12\r\n")
    text = found.text_for(found.version)
    assert runtimes.encode_runtime_file(found, text, HEROKU_18) == b"python-3.6.12\n"
    noble = read(b"Python-3.12\r\n", stack=HEROKU_24)
    assert (
        runtimes.encode_runtime_file(noble, noble.text_for(noble.version), HEROKU_24)
        == b"python-3.12\r\n"
    )


def test_heroku_24_reads_python_version_only_without_runtime_txt(tmp_path):
    both = make_project(
        tmp_path / "a", {"runtime.txt": "python-3.12\n", ".python-version": "3.13\n"}
    )
    assert both.runtime(HEROKU_24).kind == "runtime.txt"
    only = make_project(tmp_path / "b", {".python-version": "3.13\n"})
    assert only.runtime(HEROKU_24).version == v("3.13")
    assert only.runtime(HEROKU_18) is None


def test_requested_version_is_the_default_without_a_file(tmp_path):
    site = runtimes.site_of({})
    empty = make_project(tmp_path / "a", {"requirements.txt": "flask\n"})
    assert runtimes.requested_version(empty.runtime(site.stack), site) == v("3.10.5")
    in_src = make_project(
        tmp_path / "b",
        {"src/runtime.txt": "python-2.7.18\n", "runtime.txt": "python-3.6.12\n"},
        build_dir="src",
    )
    assert runtimes.requested_version(in_src.runtime(site.stack), site) == v("2.7.18")


def test_servable_leaves_out_what_the_buildpack_refuses():
    site = runtimes.site_of({"stack": "heroku-24", "runtimes": ["3.8.20", "3.12.12"]})
    assert site.servable == (v("3.12.12"),)
    assert runtimes.python3_runtime(site) == v("3.12.12")
