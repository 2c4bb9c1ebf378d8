"""GitLab (and GitLab-compatible company forges) through python-gitlab.

Endpoints used (GitLab REST API v4): ``GET /projects/:id``, ``GET /groups/:id/projects``,
``GET /projects/:id/labels``, ``GET|POST /projects/:id/merge_requests``,
``PUT /projects/:id/merge_requests/:iid`` and ``POST /projects/:id/merge_requests/:iid/notes``.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator, Optional, Sequence

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
    from gitlab.v4.objects import Project

_STATES = {
    "opened": State.OPEN,
    "locked": State.OPEN,
    "closed": State.CLOSED,
    "merged": State.MERGED,
}


class GitLab(Forge):
    kind = "gitlab"
    token_variables = ("PAASFIX_GITLAB_TOKEN", "GITLAB_TOKEN")
    url_variables = ("PAASFIX_GITLAB_URL", "CI_SERVER_URL")
    default_url = "https://gitlab.com"
    git_username = "oauth2"

    def __init__(self, url: str, token: str, backoff: Optional[Backoff] = None):
        super().__init__(url, token, backoff)
        import gitlab

        self._gl = gitlab.Gitlab(
            self.url,
            private_token=token,
            session=self.backoff.session(),
            timeout=60,
            retry_transient_errors=False,
            per_page=100,
        )

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn client errors into a ForgeError whose text holds no secret."""
        import gitlab

        with requests_failures(self, doing, "GitLab"):
            try:
                yield
            except gitlab.exceptions.GitlabError as exc:
                code = exc.response_code
                text = self.redact(f"{doing}: GitLab answered {code}: {exc.error_message}")
                raise (NotFound if code == 404 else ForgeError)(text, code) from None

    def _project(self, repo: Repository) -> Project:
        return self._gl.projects.get(repo.id, lazy=True)

    @staticmethod
    def _repository(attrs: dict[str, Any]) -> Repository:
        return Repository(
            path=attrs["path_with_namespace"],
            id=str(attrs["id"]),
            default_branch=attrs.get("default_branch") or None,
            clone_url=attrs["http_url_to_repo"],
            web_url=attrs["web_url"],
            archived=bool(attrs.get("archived")),
        )

    @staticmethod
    def _merge_request(attrs: dict[str, Any]) -> MergeRequest:
        return MergeRequest(
            number=int(attrs["iid"]),
            state=_STATES.get(attrs["state"], State.CLOSED),
            title=attrs.get("title") or "",
            description=attrs.get("description") or "",
            source_branch=attrs["source_branch"],
            target_branch=attrs["target_branch"],
            web_url=attrs["web_url"],
        )

    def repository(self, path: str) -> Repository:
        with self._errors(f"reading the project {path}"):
            return self._repository(self._gl.projects.get(path).attributes)

    def group_repositories(self, group: str) -> Iterator[Repository]:
        with self._errors(f"listing the projects of the group {group}"):
            listing = self._gl.groups.get(group, lazy=True).projects.list(
                iterator=True,
                include_subgroups=True,
                with_shared=False,
                archived=False,
                order_by="path",
                sort="asc",
            )
            for project in listing:
                yield self._repository(project.attributes)

    def has_label(self, repo: Repository, name: str) -> bool:
        with self._errors(f"reading the labels of {repo.path}"):
            labels = self._project(repo).labels.list(search=name, iterator=True)
            return any(label.name == name for label in labels)

    def merge_requests(self, repo: Repository, source_branch: str) -> list[MergeRequest]:
        with self._errors(f"listing the merge requests of {repo.path}"):
            found = self._project(repo).mergerequests.list(
                source_branch=source_branch,
                state="all",
                order_by="created_at",
                sort="desc",
                iterator=True,
            )
            return [self._merge_request(mr.attributes) for mr in found]

    def create_merge_request(
        self,
        repo: Repository,
        source_branch: str,
        target_branch: str,
        title: str,
        description: str,
        labels: Sequence[str] = (),
    ) -> MergeRequest:
        data = {
            "source_branch": source_branch,
            "target_branch": target_branch,
            "title": title,
            "description": description,
            "remove_source_branch": True,
        }
        if labels:
            data["labels"] = ",".join(labels)
        with self._errors(f"opening a merge request in {repo.path}"):
            return self._merge_request(self._project(repo).mergerequests.create(data).attributes)

    def _update(
        self, repo: Repository, mr: MergeRequest, data: dict[str, Any], doing: str
    ) -> MergeRequest:
        with self._errors(f"{doing} merge request !{mr.number} of {repo.path}"):
            return self._merge_request(self._project(repo).mergerequests.update(mr.number, data))

    def update_merge_request(
        self, repo: Repository, mr: MergeRequest, title: str, description: str
    ) -> MergeRequest:
        return self._update(repo, mr, {"title": title, "description": description}, "updating")

    def close_merge_request(self, repo: Repository, mr: MergeRequest) -> MergeRequest:
        return self._update(repo, mr, {"state_event": "close"}, "closing")

    def comment(self, repo: Repository, mr: MergeRequest, body: str) -> None:
        with self._errors(f"commenting on merge request !{mr.number} of {repo.path}"):
            self._project(repo).mergerequests.get(mr.number, lazy=True).notes.create({"body": body})
