"""What a forge answers is data, never an option for git: hostile clone URLs and branch names
from each local forge (real client libraries, real git over HTTP on 127.0.0.1) give that
repository one error line, run no command, push nothing, open nothing, and the fleet goes on.

A hostile value that reached git as an option would run ``touch MARKER`` on this machine;
every test checks that the marker file was never created."""

from __future__ import annotations

import json
import subprocess

import pytest

from paasfix.bot.remote import UnsafeValue, check_branch, check_forge_host, check_url
from paasfix.bot.run import Outcome

REPO = "acme/orders"
GOOD = "acme/billing"


def hostile_urls(marker, scene) -> dict[str, str]:
    """name -> a clone URL a lying forge (or a proxy) might answer."""
    return {
        "upload-pack option": f"--upload-pack=touch {marker}",
        "upload-pack option without spaces": f"--upload-pack=touch${{IFS}}{marker}",
        "ext transport": f"ext::sh -c touch% {marker}",
        "ext transport without spaces": f"ext::touch%{marker}",
        "local file": f"file://{scene.bare(GOOD)}",
        "local path": str(scene.bare(GOOD)),
        "ssh host taken as an option": f"ssh://-oProxyCommand=touch%20{marker}/x.git",
        "credentials in the URL": scene.server.clone_url(GOOD).replace(
            "http://", "http://user:secret@"
        ),
        "a line break": scene.server.clone_url(GOOD) + f"\n--upload-pack=touch {marker}",
    }


def refs(scene, path: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(scene.bare(path)), "for-each-ref"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.parametrize(
    "name",
    [
        "upload-pack option",
        "upload-pack option without spaces",
        "ext transport",
        "ext transport without spaces",
        "local file",
        "local path",
        "ssh host taken as an option",
        "credentials in the URL",
        "a line break",
    ],
)
def test_a_hostile_clone_url_runs_nothing_and_is_one_error(scene, tmp_path, git_argv_log, name):
    marker = tmp_path / "marker"
    scene.add_repo(GOOD)
    before = refs(scene, GOOD)
    url = hostile_urls(marker, scene)[name]
    scene.add_repo(REPO, clone_url=url)

    result = scene.run(REPO)

    assert not marker.exists()
    assert result.outcome == Outcome.ERROR
    assert result.error.startswith("the clone URL ")
    assert "\n" not in result.error
    assert scene.merge_requests(REPO) == []
    assert refs(scene, GOOD) == before
    assert "ls-remote" not in git_argv_log.read_text()


def test_a_clone_url_on_another_host_never_gets_the_token(scene, git_argv_log):
    scene.add_repo(GOOD)
    elsewhere = scene.server.clone_url(GOOD).replace("://127.0.0.1:", "://localhost:")
    assert elsewhere != scene.server.clone_url(GOOD)
    scene.add_repo(REPO, clone_url=elsewhere)

    result = scene.run(REPO)

    assert result.outcome == Outcome.ERROR
    assert result.error == (
        f"the clone URL {elsewhere!r} is on localhost, not on the forge's "
        "host 127.0.0.1; the forge's token is only sent to the forge"
    )
    assert "ls-remote" not in git_argv_log.read_text()
    assert scene.merge_requests(REPO) == []


def test_a_forge_api_host_lets_the_token_go_to_its_web_host():
    assert (
        check_forge_host("https://github.com/a/b.git", "https://api.github.com")
        == "https://github.com/a/b.git"
    )
    assert (
        check_forge_host("ssh://git@elsewhere/a/b.git", "https://gitlab.example")
        == "ssh://git@elsewhere/a/b.git"
    )
    with pytest.raises(UnsafeValue, match="is on evil.example, not on the forge's host"):
        check_forge_host("https://evil.example/a/b.git", "https://api.github.com")


@pytest.mark.parametrize(
    "branch,problem",
    [
        ("-x", "starts with '-'"),
        ("--upload-pack=touch MARKER", "starts with '-'"),
        ("main..evil", "holds '..'"),
        ("main@{1}", "holds '@{'"),
        ("refs/../../x", "holds '..'"),
    ],
)
def test_a_hostile_default_branch_is_refused_before_git_runs(
    scene, tmp_path, git_argv_log, branch, problem
):
    marker = tmp_path / "marker"
    scene.add_repo(REPO, default_branch=branch.replace("MARKER", str(marker)))

    result = scene.run(REPO)

    assert not marker.exists()
    assert result.outcome == Outcome.ERROR
    assert result.error.startswith("the forge's default branch ")
    assert result.error.endswith(f"is not a valid branch name: it {problem}")
    assert scene.merge_requests(REPO) == []
    assert "ls-remote" not in git_argv_log.read_text()


def test_the_fleet_goes_on_past_a_hostile_repository(scene, tmp_path):
    marker = tmp_path / "marker"
    scene.add_repo(GOOD)
    scene.add_repo(REPO, clone_url=f"--upload-pack=touch {marker}")
    results = tmp_path / "results.jsonl"

    command = scene.cli("fleet", "--results", str(results), REPO, GOOD)

    records = {r["target"]: r for r in map(json.loads, results.read_text().splitlines())}
    scene.outputs.append(results.read_text())
    assert command.returncode == 2
    assert records[REPO]["outcome"] == "error"
    assert records[REPO]["error"].startswith("the clone URL '--upload-pack=touch ")
    assert records[GOOD]["outcome"] == "created"
    assert not marker.exists()
    assert [mr["source_branch"] for mr in scene.merge_requests(GOOD)] == ["paasfix/autofix"]


@pytest.mark.parametrize("scene", ["gitlab"], indirect=True)
def test_a_bot_branch_that_git_could_take_as_an_option_is_a_usage_error(scene):
    scene.add_repo(REPO)

    command = scene.cli("mr", "--branch=-x", REPO)

    assert command.returncode == 2
    assert command.stderr == (
        "paasfix: error: the bot's branch '-x' is not a valid branch name: it starts with '-'\n"
    )
    assert scene.merge_requests(REPO) == []


@pytest.mark.parametrize("scene", ["gitlab"], indirect=True)
def test_git_runs_with_the_url_after_a_double_dash(scene, git_argv_log):
    scene.add_repo(REPO)

    assert scene.run(REPO).outcome == Outcome.CREATED

    url = scene.server.clone_url(REPO)
    lines = [line for line in git_argv_log.read_text().splitlines() if f" {url}" in line]
    assert {line.split(" -- ")[0].split()[-1] for line in lines} >= {"--heads", "--no-tags"}
    assert lines and all(f" -- {url}" in line for line in lines)
    assert any(" push " in line for line in lines)


@pytest.mark.parametrize("scene", ["gitlab"], indirect=True)
def test_bad_settings_in_the_repository_are_its_one_error_line(scene):
    scene.add_repo(REPO, extra={"paasfix.toml": "keep-procfile = 'false'\nbuild-dir = '.git'\n"})

    result = scene.run(REPO)

    assert result.outcome == Outcome.ERROR
    assert result.error == (
        "paasfix.toml: 'keep-procfile' must be a boolean (true or false, without quotes), not "
        "the string 'false'; paasfix.toml: 'build-dir' must not be git's own directory .git or "
        "inside it: '.git'"
    )
    assert scene.merge_requests(REPO) == []


# -- the checks themselves -------------------------------------------------------------------

BRANCH_NAMES = [
    "main",
    "feature/x",
    "release-1.2",
    "über",
    "@",
    "a@b",
    "x.y/z",
    "-x",
    "a..b",
    "a b",
    "a\tb",
    "a~1",
    "a^",
    "a:b",
    "a?",
    "a*",
    "a[b",
    "a\\b",
    "a.lock",
    "x/y.lock",
    "x/.hidden",
    ".hidden",
    "a/",
    "/a",
    "a//b",
    "a.",
    "a@{1}",
    "HEAD",
    "a\x7fb",
    "",
]


@pytest.mark.parametrize("name", BRANCH_NAMES)
def test_branch_names_are_judged_as_git_check_ref_format_judges_them(tmp_path, name):
    git_says = (
        subprocess.run(
            ["git", "check-ref-format", "--branch", name],
            cwd=tmp_path,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    try:
        check_branch(name)
        accepted = True
    except UnsafeValue:
        accepted = False
    assert accepted == git_says


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/git/a.git",
        "https://gitlab.example.com/group/sub/app.git",
        "ssh://git@gitlab.example.com:2222/group/app.git",
    ],
)
def test_http_and_ssh_urls_are_accepted(url):
    assert check_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "-",
        "--upload-pack=x",
        "ext::sh -c x",
        "file:///srv/a.git",
        "/srv/a.git",
        "git@gitlab.example.com:group/app.git",
        "git://example.com/a.git",
        "http://",
        "http://-x/a.git",
        "https://example.com/a b.git",
        "https://example.com/a\x00.git",
        "https://u:p@example.com/a.git",
        "http://[::1/a.git",
    ],
)
def test_other_urls_are_refused(url):
    with pytest.raises(UnsafeValue, match="^the clone URL "):
        check_url(url)
