"""Gitea (and Forgejo, which speaks the same API) through its REST API v1, with requests.

Endpoints used (``{url}/api/v1``): ``GET /repos/{owner}/{repo}``, ``GET /orgs/{org}/repos``
(then ``GET /users/{username}/repos`` when the name is a user's), ``GET|POST
/repos/{owner}/{repo}/labels``, ``GET|POST /repos/{owner}/{repo}/pulls``, ``PATCH
/repos/{owner}/{repo}/pulls/{index}`` and ``POST /repos/{owner}/{repo}/issues/{index}/comments``.

Gitea cannot filter pull requests by head branch, so the bot's are found by reading every
pull request of the repository (newest first, 50 a page). Labels are given to a new pull
request by id; one the repository does not have yet is created first, as GitLab and GitHub
do by themselves.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence
from urllib.parse import quote

from paasfix.forge.base import (
    Forge,
    ForgeError,
    MergeRequest,
    NotFound,
    Repository,
    State,
    requests_failures,
)
from paasfix.forge.retry import Backoff

if TYPE_CHECKING:
    import requests

PAGE_SIZE = 50
"""Gitea's largest page (``MAX_RESPONSE_ITEMS``) unless the server raised it."""
NEW_LABEL_COLOR = "#ededed"


def _state(pull: dict[str, Any]) -> State:
    if pull.get("merged"):
        return State.MERGED
    return State.OPEN if pull.get("state") == "open" else State.CLOSED


def _repo_path(repo: str) -> str:
    owner, _, name = repo.partition("/")
    return f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}"


class Gitea(Forge):
    kind = "gitea"
    token_variables = ("PAASFIX_GITEA_TOKEN", "GITEA_TOKEN")
    url_variables = ("PAASFIX_GITEA_URL", "GITEA_URL")
    default_url = "https://gitea.com"
    git_username = "oauth2"
    """Any name: Gitea takes the token from the password."""

    def __init__(self, url: str, token: str, backoff: Optional[Backoff] = None):
        super().__init__(url, token, backoff)
        self.api = self.url + "/api/v1"
        self._session = self.backoff.session()
        self._session.headers.update(
            {
                "Authorization": f"token {token}",
                "Accept": "application/json",
                "User-Agent": "paasfix",
            }
        )

    # HTTP

    def _send(
        self,
        method: str,
        path: str,
        doing: str,
        params: Optional[dict[str, Any]] = None,
        json: Any = None,
    ) -> requests.Response:
        with requests_failures(self, doing, "Gitea"):
            response = self._session.request(
                method, self.api + path, params=params, json=json, timeout=60
            )
        if response.status_code >= 400:
            text = self.redact(
                f"{doing}: Gitea answered {response.status_code}: {_message(response)}"
            )
            raise (NotFound if response.status_code == 404 else ForgeError)(
                text, response.status_code
            )
        return response

    def _call(self, method: str, path: str, doing: str, json: Any = None) -> Any:
        return self._send(method, path, doing, json=json).json()

    def _pages(
        self, path: str, doing: str, params: Optional[dict[str, Any]] = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list, page after page while the ``Link`` header names a next one
        (the page number is counted here, so the token only goes where paasfix sends it)."""
        page = 1
        while True:
            response = self._send(
                "GET", path, doing, {**(params or {}), "page": page, "limit": PAGE_SIZE}
            )
            yield from response.json() or []
            if "next" not in response.links:
                return
            page += 1

    # The interface

    @staticmethod
    def _repository(data: dict[str, Any]) -> Repository:
        return Repository(
            path=data["full_name"],
            id=data["full_name"],
            default_branch=None if data.get("empty") else data.get("default_branch") or None,
            clone_url=data["clone_url"],
            web_url=data["html_url"],
            archived=bool(data.get("archived")),
        )

    @staticmethod
    def _merge_request(data: dict[str, Any]) -> MergeRequest:
        return MergeRequest(
            number=int(data["number"]),
            state=_state(data),
            title=data.get("title") or "",
            description=data.get("body") or "",
            source_branch=data["head"]["ref"],
            target_branch=data["base"]["ref"],
            web_url=data["html_url"],
        )

    def repository(self, path: str) -> Repository:
        return self._repository(
            self._call("GET", _repo_path(path), f"reading the repository {path}")
        )

    def group_repositories(self, group: str) -> Iterator[Repository]:
        doing = f"listing the repositories of {group}"
        listing = self._pages(f"/orgs/{quote(group, safe='')}/repos", doing)
        try:
            first = next(listing, None)
        except NotFound:
            listing = self._pages(f"/users/{quote(group, safe='')}/repos", doing)
            first = next(listing, None)
        if first is None:
            return
        for data in chain([first], listing):
            if not data.get("archived"):
                yield self._repository(data)

    def _labels(self, repo: Repository) -> dict[str, int]:
        """The repository's labels: name -> id."""
        labels = self._pages(f"{_repo_path(repo.id)}/labels", f"reading the labels of {repo.path}")
        return {label["name"]: int(label["id"]) for label in labels}

    def has_label(self, repo: Repository, name: str) -> bool:
        return name in self._labels(repo)

    def merge_requests(self, repo: Repository, source_branch: str) -> list[MergeRequest]:
        pulls = self._pages(
            f"{_repo_path(repo.id)}/pulls",
            f"listing the pull requests of {repo.path}",
            {"state": "all"},
        )
        mine = [
            self._merge_request(pull)
            for pull in pulls
            if pull["head"]["ref"] == source_branch and _same_repository(pull)
        ]
        return sorted(mine, key=lambda mr: mr.number, reverse=True)

    def _label_ids(self, repo: Repository, names: Sequence[str]) -> list[int]:
        known = self._labels(repo)
        for name in names:
            if name not in known:
                label = self._call(
                    "POST",
                    f"{_repo_path(repo.id)}/labels",
                    f"creating the label {name} in {repo.path}",
                    {"name": name, "color": NEW_LABEL_COLOR},
                )
                known[name] = int(label["id"])
        return [known[name] for name in names]

    def create_merge_request(
        self,
        repo: Repository,
        source_branch: str,
        target_branch: str,
        title: str,
        description: str,
        labels: Sequence[str] = (),
    ) -> MergeRequest:
        data: dict[str, Any] = {
            "head": source_branch,
            "base": target_branch,
            "title": title,
            "body": description,
        }
        if labels:
            data["labels"] = self._label_ids(repo, labels)
        return self._merge_request(
            self._call(
                "POST",
                f"{_repo_path(repo.id)}/pulls",
                f"opening a pull request in {repo.path}",
                data,
            )
        )

    def _edit(
        self, repo: Repository, mr: MergeRequest, doing: str, data: dict[str, Any]
    ) -> MergeRequest:
        return self._merge_request(
            self._call(
                "PATCH",
                f"{_repo_path(repo.id)}/pulls/{mr.number}",
                f"{doing} pull request #{mr.number} of {repo.path}",
                data,
            )
        )

    def update_merge_request(
        self, repo: Repository, mr: MergeRequest, title: str, description: str
    ) -> MergeRequest:
        return self._edit(repo, mr, "updating", {"title": title, "body": description})

    def close_merge_request(self, repo: Repository, mr: MergeRequest) -> MergeRequest:
        return self._edit(repo, mr, "closing", {"state": "closed"})

    def comment(self, repo: Repository, mr: MergeRequest, body: str) -> None:
        self._call(
            "POST",
            f"{_repo_path(repo.id)}/issues/{mr.number}/comments",
            f"commenting on pull request #{mr.number} of {repo.path}",
            {"body": body},
        )


def _same_repository(pull: dict[str, Any]) -> bool:
    """Whether the pull request's head branch lives in the repository itself (not a fork)."""
    head, base = pull.get("head") or {}, pull.get("base") or {}
    if head.get("repo_id") is None or base.get("repo_id") is None:
        return True
    return bool(head["repo_id"] == base["repo_id"])


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict):
        return str(data.get("message") or data.get("errors") or response.reason or "")
    return str(data)
