"""What only GitHub or only Gitea does, through the real clients against the local fakes:
GitHub's API address, its rate limits answered with 403, listings of a user's repositories,
labels by id on Gitea, and finding the bot's pull request among many others on Gitea."""

from __future__ import annotations

import copy
import time

import pytest
from test_bot import REPO

from paasfix.bot.run import Outcome
from paasfix.forge import connect, forge_kind
from paasfix.forge.github import SECONDARY_LIMIT_WAIT, api_url

SECRET = "ghp-HostsTestSecret456"

github_only = pytest.mark.parametrize("scene", ["github"], indirect=True)
gitea_only = pytest.mark.parametrize("scene", ["gitea"], indirect=True)
github_and_gitea = pytest.mark.parametrize("scene", ["github", "gitea"], indirect=True)


@pytest.mark.parametrize(
    "url, api",
    [
        ("https://github.com", "https://api.github.com"),
        ("https://github.com/", "https://api.github.com"),
        ("https://ghe.example.test", "https://ghe.example.test/api/v3"),
        ("https://ghe.example.test/api/v3", "https://ghe.example.test/api/v3"),
        ("https://api.github.com", "https://api.github.com"),
    ],
)
def test_the_github_api_address_follows_from_the_web_address(url, api):
    assert api_url(url) == api


@pytest.mark.parametrize(
    "kind, url, expected",
    [
        (None, None, "gitlab"),
        (None, "https://github.com", "github"),
        (None, "https://www.github.com", "github"),
        (None, "https://codeberg.org", "gitea"),
        (None, "https://gitea.com", "gitea"),
        (None, "https://git.example.test", "gitlab"),
        ("gitea", "https://github.com", "gitea"),
    ],
)
def test_the_forge_kind_is_given_or_told_by_a_public_host(kind, url, expected):
    assert forge_kind(kind, url) == expected


@pytest.mark.parametrize(
    "kind, environ, url",
    [
        (
            "github",
            {"GITHUB_TOKEN": "second", "PAASFIX_GITHUB_TOKEN": SECRET},
            "https://github.com",
        ),
        (
            "github",
            {"GITHUB_TOKEN": SECRET, "GITHUB_SERVER_URL": "https://ghe.example.test"},
            "https://ghe.example.test",
        ),
        ("gitea", {"GITEA_TOKEN": "second", "PAASFIX_GITEA_TOKEN": SECRET}, "https://gitea.com"),
        (
            "gitea",
            {"GITEA_TOKEN": SECRET, "GITEA_URL": "https://git.example.test/"},
            "https://git.example.test",
        ),
    ],
)
def test_token_and_url_come_from_the_forges_variables(kind, environ, url):
    forge = connect(kind, environ=environ)
    assert forge.url == url and forge.secrets()[0] == SECRET
    assert SECRET not in repr(forge)


@github_only
def test_github_primary_rate_limit_waits_until_the_reset(scene):
    scene.add_repo(REPO)
    reset = str(int(time.time()) + 30)
    scene.api.fail(
        "list merge requests",
        403,
        message="API rate limit exceeded for user.",
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
    )

    result = scene.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    [wait] = scene.sleeps
    assert 29 <= wait <= 32


@github_only
def test_github_secondary_rate_limit_waits_as_asked_or_a_minute(scene):
    scene.add_repo(REPO)
    scene.api.fail(
        "repository",
        403,
        headers={"Retry-After": "9"},
        message="You have exceeded a secondary rate limit.",
    )
    scene.api.fail(
        "create merge request",
        403,
        message="You have exceeded a secondary rate limit. Please wait a few minutes "
        "before you try again.",
    )

    result = scene.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    assert scene.sleeps == [9.0, float(SECONDARY_LIMIT_WAIT)]
    assert len(scene.merge_requests(REPO)) == 1


@github_only
def test_github_forbidden_without_a_rate_limit_fails_at_once(scene):
    scene.add_repo(REPO)
    scene.api.fail(
        "create merge request", 403, times=5, message="Resource not accessible by integration"
    )

    result = scene.run(REPO)

    assert result.outcome == Outcome.ERROR
    assert "GitHub answered 403: Resource not accessible by integration" in result.error
    assert scene.sleeps == []


@github_only
def test_github_validation_errors_are_spelled_out(scene):
    scene.add_repo(REPO)
    forge = scene.forge()
    repo = forge.repository(REPO)

    with pytest.raises(Exception) as caught:
        forge.create_merge_request(repo, "no-such-branch", "main", "title", "body")

    assert "GitHub answered 422: Validation Failed; invalid" in str(caught.value)


@github_and_gitea
def test_a_users_repositories_are_listed_when_the_name_is_no_organisation(scene):
    scene.api.users.add("someone")
    for path in ("someone/one", "someone/two", "acme/three"):
        scene.api.add_project(path)
    scene.api.add_project("someone/old", archived=True)

    found = [repo.path for repo in scene.forge().group_repositories("someone")]

    assert sorted(found) == ["someone/one", "someone/two"]


@github_and_gitea
def test_an_unknown_organisation_is_not_found(scene):
    scene.api.add_project("acme/one")

    with pytest.raises(Exception) as caught:
        list(scene.forge().group_repositories("nobody"))

    assert type(caught.value).__name__ == "NotFound" and "404" in str(caught.value)


@gitea_only
def test_gitea_gives_existing_labels_by_id_and_creates_missing_ones(scene):
    scene.add_repo(REPO, labels=["bug", "automation"])

    result = scene.run(REPO, labels=["automation", "paasfix"])

    assert result.outcome == Outcome.CREATED, result
    [mr] = scene.merge_requests(REPO)
    assert mr["labels"] == ["automation", "paasfix"]
    assert scene.api.project(REPO).labels == ["bug", "automation", "paasfix"]


@gitea_only
def test_gitea_finds_the_bots_pull_request_among_many_others(scene):
    scene.add_repo(REPO)
    first = scene.run(REPO)
    project = scene.api.project(REPO)
    [mine] = project.merge_requests
    for number in range(2, 80):
        other = copy.deepcopy(mine)
        other.update(
            number=number,
            id=mine["id"] + number,
            title=f"Feature {number}",
            body="A person's change",
        )
        other["head"]["ref"] = f"feature-{number}"
        project.merge_requests.append(other)

    again = scene.run(REPO)

    assert again.outcome == Outcome.UNCHANGED, again
    assert again.merge_request == first.merge_request
    pages = [call for call in scene.api.calls if call == ("GET", f"/api/v1/repos/{REPO}/pulls")]
    assert len(pages) == 1 + 2, "one page on the first run, two of 50 on the second"
