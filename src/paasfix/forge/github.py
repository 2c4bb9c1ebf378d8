"""GitHub and GitHub Enterprise Server through PyGithub.

Endpoints used (GitHub REST API): ``GET /repos/{owner}/{repo}``, ``GET /orgs/{org}/repos``
(then ``GET /users/{user}/repos`` when the name is a user's), ``GET
/repos/{owner}/{repo}/labels/{name}``, ``GET|POST /repos/{owner}/{repo}/pulls``, ``PATCH
/repos/{owner}/{repo}/pulls/{number}``, and ``POST /repos/{owner}/{repo}/issues/{number}/labels``
and ``.../comments`` (a pull request's labels and comments are its issue's).

The forge URL is the web address (``https://github.com``, ``https://ghe.example.com``); the API
is ``https://api.github.com`` for github.com and ``{url}/api/v3`` for an Enterprise Server.

Rate limits: GitHub answers 429, or 403 with ``retry-after``, with ``x-ratelimit-remaining: 0``
(the primary limit, lifted at ``x-ratelimit-reset``) or with a message naming a rate limit (a
secondary limit, for which GitHub asks for at least a minute). All of them wait with the
shared :class:`~paasfix.forge.retry.Backoff`; any other 403 fails at once.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator, Optional, Sequence
from urllib.parse import urlsplit

from paasfix.forge.base import (
    Forge,
    ForgeError,
    MergeRequest,
    NotFound,
    Repository,
    State,
    requests_failures,
)
from paasfix.forge.retry import RETRIED_STATUSES, Backoff

if TYPE_CHECKING:
    from types import TracebackType

    from github.PaginatedList import PaginatedList
    from github.PullRequest import PullRequest
    from github.Repository import Repository as GitHubRepository
    from typing_extensions import Self
    from urllib3 import BaseHTTPResponse
    from urllib3.connectionpool import ConnectionPool
    from urllib3.util.retry import Retry

    _Retry = Retry
else:
    _Retry = object

SECONDARY_LIMIT_WAIT = "60"
"""Seconds to wait on a secondary rate limit that names no time: GitHub's "at least a minute"."""


def api_url(url: str) -> str:
    """The REST API's base URL for the GitHub at web address ``url``."""
    parts = urlsplit(url)
    if parts.hostname in ("github.com", "www.github.com"):
        return "https://api.github.com"
    if parts.hostname and parts.hostname.startswith("api.") or parts.path.endswith("/api/v3"):
        return url.rstrip("/")
    return url.rstrip("/") + "/api/v3"


def _rate_limit_wait(response: BaseHTTPResponse) -> Optional[str]:
    """How long (seconds, as ``Retry-After`` reads) a GitHub rate limit asks to wait; None when
    the answer is no rate limit."""
    headers = response.headers
    if headers.get("Retry-After"):
        return str(headers["Retry-After"])
    if headers.get("X-RateLimit-Remaining") == "0":
        reset = headers.get("X-RateLimit-Reset", "")
        return str(max(0, int(reset) - int(time.time()) + 1)) if reset.isdigit() else None
    if response.status == 429:
        return None
    try:
        message = json.loads(response.data or b"{}").get("message") or ""
    except (ValueError, AttributeError):
        return None
    return SECONDARY_LIMIT_WAIT if "rate limit" in message.lower() else None


class _GitHubRules(_Retry):
    """urllib3 retry rules for GitHub: a 403 is retried only when it is a rate limit."""

    def increment(
        self,
        method: Optional[str] = None,
        url: Optional[str] = None,
        response: Optional[BaseHTTPResponse] = None,
        error: Optional[Exception] = None,
        _pool: Optional[ConnectionPool] = None,
        _stacktrace: Optional[TracebackType] = None,
    ) -> Self:
        if response is not None and response.status == 403 and _rate_limit_wait(response) is None:
            from github import GithubException

            try:
                data = json.loads(response.data or b"{}")
            except ValueError:
                data = {"message": response.reason}
            raise GithubException(403, data, dict(response.headers))
        return super().increment(method, url, response, error, _pool, _stacktrace)

    def wait_hint(self, response: BaseHTTPResponse) -> Optional[str]:
        if response.status in (403, 429):
            return _rate_limit_wait(response)
        hint: Optional[str] = response.headers.get("Retry-After")
        return hint


def _state(pull: PullRequest) -> State:
    if pull.merged_at is not None:
        return State.MERGED
    return State.OPEN if pull.state == "open" else State.CLOSED


class GitHub(Forge):
    kind = "github"
    token_variables = ("PAASFIX_GITHUB_TOKEN", "GITHUB_TOKEN")
    url_variables = ("PAASFIX_GITHUB_URL", "GITHUB_SERVER_URL")
    default_url = "https://github.com"
    git_username = "x-access-token"

    def __init__(self, url: str, token: str, backoff: Optional[Backoff] = None):
        super().__init__(url, token, backoff)
        import github

        retry = self.backoff.urllib3_retry(RETRIED_STATUSES | {403}, _GitHubRules)
        self._gh = github.Github(
            auth=github.Auth.Token(token),
            base_url=api_url(self.url),
            timeout=60,
            per_page=100,
            retry=retry,
            lazy=True,
            user_agent="paasfix",
            seconds_between_requests=None,
        )

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn client errors into a ForgeError whose text holds no secret."""
        import github

        with requests_failures(self, doing, "GitHub"):
            try:
                yield
            except github.GithubException as exc:
                text = self.redact(f"{doing}: GitHub answered {exc.status}: {_message(exc.data)}")
                raise (NotFound if exc.status == 404 else ForgeError)(text, exc.status) from None

    def _repo(self, repo: Repository) -> GitHubRepository:
        """The repository as a lazy PyGithub object: no request until a method sends one."""
        return self._gh.get_repo(repo.id)

    @staticmethod
    def _repository(item: GitHubRepository) -> Repository:
        """From a PyGithub repository; reading its attributes sends at most the one request
        of a lazy object (items of a listing are complete already)."""
        return Repository(
            path=item.full_name,
            id=item.full_name,
            default_branch=item.default_branch or None,
            clone_url=item.clone_url,
            web_url=item.html_url,
            archived=bool(item.archived),
        )

    @staticmethod
    def _merge_request(pull: PullRequest) -> MergeRequest:
        return MergeRequest(
            number=pull.number,
            state=_state(pull),
            title=pull.title or "",
            description=pull.body or "",
            source_branch=pull.head.ref,
            target_branch=pull.base.ref,
            web_url=pull.html_url,
        )

    def repository(self, path: str) -> Repository:
        with self._errors(f"reading the repository {path}"):
            return self._repository(self._gh.get_repo(path).complete())

    def group_repositories(self, group: str) -> Iterator[Repository]:
        with self._errors(f"listing the repositories of {group}"):
            for item in self._listing(group):
                if not item.archived:
                    yield self._repository(item)

    def _listing(self, group: str) -> PaginatedList[GitHubRepository]:
        """The organisation's repositories, or the user's when ``group`` names a user. The
        first page is read here; a PaginatedList keeps what it has read, so iterating it again
        sends no request for that page."""
        listing = self._gh.get_organization(group).get_repos(type="all", sort="full_name")
        try:
            next(iter(listing), None)
        except _not_found():
            listing = self._gh.get_user(group, lazy=True).get_repos(type="owner", sort="full_name")
        return listing

    def has_label(self, repo: Repository, name: str) -> bool:
        with self._errors(f"reading the labels of {repo.path}"):
            try:
                return self._repo(repo).get_label(name).raw_data.get("name") == name
            except _not_found():
                return False

    def merge_requests(self, repo: Repository, source_branch: str) -> list[MergeRequest]:
        owner = repo.path.split("/", 1)[0]
        with self._errors(f"listing the pull requests of {repo.path}"):
            pulls = self._repo(repo).get_pulls(
                state="all", head=f"{owner}:{source_branch}", sort="created", direction="desc"
            )
            return [self._merge_request(pull) for pull in pulls if pull.head.ref == source_branch]

    def create_merge_request(
        self,
        repo: Repository,
        source_branch: str,
        target_branch: str,
        title: str,
        description: str,
        labels: Sequence[str] = (),
    ) -> MergeRequest:
        with self._errors(f"opening a pull request in {repo.path}"):
            pull = self._repo(repo).create_pull(
                base=target_branch, head=source_branch, title=title, body=description
            )
            if labels:
                pull.add_to_labels(*labels)
            return self._merge_request(pull)

    def _edit(
        self, repo: Repository, mr: MergeRequest, doing: str, edit: Callable[[PullRequest], None]
    ) -> MergeRequest:
        with self._errors(f"{doing} pull request #{mr.number} of {repo.path}"):
            pull = self._repo(repo).get_pull(mr.number)
            edit(pull)
            return self._merge_request(pull)

    def update_merge_request(
        self, repo: Repository, mr: MergeRequest, title: str, description: str
    ) -> MergeRequest:
        return self._edit(
            repo, mr, "updating", lambda pull: pull.edit(title=title, body=description)
        )

    def close_merge_request(self, repo: Repository, mr: MergeRequest) -> MergeRequest:
        return self._edit(repo, mr, "closing", lambda pull: pull.edit(state="closed"))

    def comment(self, repo: Repository, mr: MergeRequest, body: str) -> None:
        with self._errors(f"commenting on pull request #{mr.number} of {repo.path}"):
            self._repo(repo).get_issue(mr.number).create_comment(body)


def _not_found() -> type[Exception]:
    from github import UnknownObjectException

    return UnknownObjectException


def _message(data: object) -> str:
    """GitHub's error text: the message and each validation error's."""
    if not isinstance(data, dict):
        return str(data)
    details = [
        error.get("message") or error.get("code") or ""
        for error in data.get("errors") or []
        if isinstance(error, dict)
    ]
    return "; ".join(part for part in [data.get("message") or "", *details] if part)
