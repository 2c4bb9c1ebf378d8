"""The part of Gitea's REST API v1 that paasfix uses, kept in memory, for paasfix's Gitea client
to talk to.

Implemented as Gitea documents them (its Swagger at ``/api/swagger``): ``GET
/repos/{owner}/{repo}`` (``empty`` for a repository without commits), ``GET /orgs/{org}/repos``
and ``GET /users/{username}/repos``, ``GET`` and ``POST /repos/{owner}/{repo}/labels``, ``GET
/repos/{owner}/{repo}/pulls`` (``state``; newest first; no filter by branch), ``POST`` of the same
(``labels`` as ids; 404 when a branch is missing, 409 when an unmerged pull request already has
the same head and base), ``GET`` and ``PATCH /repos/{owner}/{repo}/pulls/{index}`` (``title``,
``body``, ``state``; the edit answers 201), and ``GET`` and ``POST
/repos/{owner}/{repo}/issues/{index}/comments``. Lists take ``page``/``limit`` (30 by default,
50 at most) and answer ``Link`` and ``X-Total-Count``. The token comes as ``Authorization:
token ...`` or ``Bearer ...``.
"""

from __future__ import annotations

from typing import Any

from fake_forge import FakeForge, HttpError, Project, bearer

API = "/api/v1"
_REPO = API + r"/repos/([^/]+/[^/]+)"


class FakeGitea(FakeForge):
    kind = "gitea"
    ENDPOINTS = {
        "repository": ("GET", rf"^{API}/repos/[^/]+/[^/]+$"),
        "labels": ("GET", rf"^{API}/repos/[^/]+/[^/]+/labels$"),
        "list merge requests": ("GET", rf"^{API}/repos/[^/]+/[^/]+/pulls$"),
        "create merge request": ("POST", rf"^{API}/repos/[^/]+/[^/]+/pulls$"),
        "group repositories": ("GET", rf"^{API}/(orgs|users)/[^/]+/repos$"),
    }
    ROUTES = [
        ("GET", _REPO, "get_repo"),
        ("GET", API + r"/(orgs|users)/([^/]+)/repos", "owner_repos"),
        ("GET", _REPO + r"/labels", "list_labels"),
        ("POST", _REPO + r"/labels", "create_label"),
        ("GET", _REPO + r"/pulls", "list_pulls"),
        ("POST", _REPO + r"/pulls", "create_pull"),
        ("GET", _REPO + r"/pulls/(\d+)", "get_pull"),
        ("PATCH", _REPO + r"/pulls/(\d+)", "update_pull"),
        ("GET", _REPO + r"/issues/(\d+)/comments", "list_comments"),
        ("POST", _REPO + r"/issues/(\d+)/comments", "create_comment"),
    ]
    PER_PAGE = ("limit", 30, 50)

    def contract(self, mr: dict) -> dict:
        state = "merged" if mr["merged"] else mr["state"]
        return {
            "number": mr["number"],
            "state": state,
            "title": mr["title"],
            "description": mr["body"],
            "source_branch": mr["head"]["ref"],
            "target_branch": mr["base"]["ref"],
            "labels": [label["name"] for label in mr["labels"]],
            "web_url": mr["html_url"],
            "updated_at": mr["updated_at"],
        }

    def authorized(self, headers: dict[str, str]) -> bool:
        return bearer(headers, "token", "bearer") == self.token

    def unauthorized(self) -> HttpError:
        return HttpError(401, "token is required")

    def error_body(self, status: int, message: Any) -> dict:
        return {"message": message, "url": f"{self.url}/api/swagger"}

    def page_headers(self, page: int, per_page: int, pages: int, total: int) -> dict[str, str]:
        return {"X-Total-Count": str(total)}

    # JSON

    def _repo_json(self, project: Project) -> dict:
        return {
            "id": project.id,
            "name": project.name,
            "full_name": project.path,
            "owner": {"login": project.namespace},
            "private": False,
            "fork": False,
            "mirror": False,
            "empty": project.default_branch is None,
            "archived": project.archived,
            "default_branch": project.default_branch or "main",
            "html_url": f"{self.url}/{project.path}",
            "clone_url": self.clone_url(project),
        }

    @staticmethod
    def _label_json(project: Project, name: str) -> dict:
        return {
            "id": project.labels.index(name) + 1,
            "name": name,
            "color": "ededed",
            "description": "",
            "exclusive": False,
        }

    def _part(self, project: Project, branch: str) -> dict:
        return {
            "label": branch,
            "ref": branch,
            "sha": self.branch_exists(project, branch),
            "repo_id": project.id,
            "repo": self._repo_json(project),
        }

    # Endpoints

    def _get_repo(self, path: str, params: dict, data: Any):
        return 200, self._repo_json(self.by_path(path)), {}

    def _owner_repos(self, where: str, owner: str, params: dict, data: Any):
        projects = sorted(self.owned(owner, where == "orgs"), key=lambda p: p.id)
        return self.page(
            f"{API}/{where}/{owner}/repos", params, [self._repo_json(p) for p in projects]
        )

    def _list_labels(self, path: str, params: dict, data: Any):
        project = self.by_path(path)
        return self.page(
            f"{API}/repos/{project.path}/labels",
            params,
            [self._label_json(project, name) for name in project.labels],
        )

    def _create_label(self, path: str, params: dict, data: Any):
        project = self.by_path(path)
        if not data.get("name") or not data.get("color"):
            raise HttpError(422, "name and color are required")
        if data["name"] not in project.labels:
            project.labels.append(data["name"])
        return 201, self._label_json(project, data["name"]), {}

    def _list_pulls(self, path: str, params: dict, data: Any):
        project = self.by_path(path)
        state = params.get("state", "open")
        found = [mr for mr in project.merge_requests if state in ("all", mr["state"])]
        found.sort(key=lambda mr: mr["number"], reverse=params.get("sort") != "oldest")
        return self.page(f"{API}/repos/{project.path}/pulls", params, found)

    def _create_pull(self, path: str, params: dict, data: Any):
        project = self.by_path(path)
        if not data.get("title"):
            raise HttpError(422, "[Title]: Required")
        if data.get("head") == data.get("base"):
            raise HttpError(
                422, "Invalid PullRequest: There are no changes between the head and the base"
            )
        for branch in (data.get("head") or "", data.get("base") or ""):
            if not branch or not self.branch_exists(project, branch):
                raise HttpError(404, "The target couldn't be found.")
        for mr in project.merge_requests:
            if (
                not mr["merged"]
                and mr["state"] == "open"
                and mr["head"]["ref"] == data["head"]
                and mr["base"]["ref"] == data["base"]
            ):
                raise HttpError(
                    409,
                    "pull request already exists for these targets "
                    f"[id: {mr['id']}, issue_id: {mr['number']}]",
                )
        by_id = {index + 1: name for index, name in enumerate(project.labels)}
        number = len(project.merge_requests) + 1
        now = self.now()
        mr = {
            "id": 1000 * project.id + number,
            "number": number,
            "state": "open",
            "title": data["title"],
            "body": data.get("body") or "",
            "url": f"{self.url}/{project.path}/pulls/{number}",
            "html_url": f"{self.url}/{project.path}/pulls/{number}",
            "head": self._part(project, data["head"]),
            "base": self._part(project, data["base"]),
            "labels": [
                self._label_json(project, by_id[i]) for i in data.get("labels") or [] if i in by_id
            ],
            "user": {"login": "paasfix-bot"},
            "merged": False,
            "merged_at": None,
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
        }
        project.merge_requests.append(mr)
        return 201, mr, {}

    def _get_pull(self, path: str, number: str, params: dict, data: Any):
        return 200, self.mr_by_number(self.by_path(path), number), {}

    def _update_pull(self, path: str, number: str, params: dict, data: Any):
        mr = self.mr_by_number(self.by_path(path), number)
        if data.get("title"):
            mr["title"] = data["title"]
        if data.get("body") is not None:
            mr["body"] = data["body"]
        if data.get("state") == "closed" and mr["state"] == "open":
            mr.update(state="closed", closed_at=self.now())
        elif data.get("state") == "open" and mr["state"] == "closed" and not mr["merged"]:
            mr.update(state="open", closed_at=None)
        mr["updated_at"] = self.now()
        return 201, mr, {}

    def _list_comments(self, path: str, number: str, params: dict, data: Any):
        project = self.by_path(path)
        self.mr_by_number(project, number)
        return 200, self.notes.get((project.id, int(number)), []), {}

    def _create_comment(self, path: str, number: str, params: dict, data: Any):
        project = self.by_path(path)
        self.mr_by_number(project, number)
        if not data.get("body"):
            raise HttpError(422, "[Body]: Required")
        note = self.add_note(
            project,
            int(number),
            {
                "body": data["body"],
                "user": {"login": "paasfix-bot"},
                "created_at": self.now(),
                "issue_url": f"{self.url}/{project.path}/issues/{number}",
            },
        )
        return 201, note, {}
