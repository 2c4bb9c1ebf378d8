"""The part of GitHub's REST API that paasfix uses, kept in memory, for the real PyGithub client
to talk to. It answers under ``/api/v3`` as a GitHub Enterprise Server does.

Implemented as GitHub documents them (docs.github.com/rest): ``GET /repos/{owner}/{repo}``,
``GET /orgs/{org}/repos`` and ``GET /users/{username}/repos`` (``type``, ``sort``,
``direction``), ``GET /repos/{owner}/{repo}/labels/{name}``, ``GET /repos/{owner}/{repo}/pulls``
(``state``, ``head`` as ``owner:branch``, ``base``, ``sort``, ``direction``), ``POST`` of the
same (422 when the head branch is missing or an open pull request already has the same head
and base), ``GET`` and ``PATCH /repos/{owner}/{repo}/pulls/{number}`` (``title``, ``body``,
``state``, ``base``), ``POST /repos/{owner}/{repo}/issues/{number}/labels`` (an array of names
or ``{"labels": [...]}``; a label that does not exist yet is created), and ``GET`` and ``POST
/repos/{owner}/{repo}/issues/{number}/comments``. Lists take ``page``/``per_page`` (30 by
default, 100 at most) and link their pages with ``Link``. The token comes as ``Authorization:
token ...`` or ``Bearer ...``; a wrong one answers 401 "Bad credentials".

A pull request's state is ``open`` or ``closed``; a merged one is closed with ``merged_at`` set.
"""

from __future__ import annotations

from typing import Any

from fake_forge import FakeForge, HttpError, Project, bearer

API = "/api/v3"
_REPO = API + r"/repos/([^/]+/[^/]+)"
DOCS = "https://docs.github.com/rest"


class FakeGitHub(FakeForge):
    kind = "github"
    ENDPOINTS = {
        "repository": ("GET", rf"^{API}/repos/[^/]+/[^/]+$"),
        "labels": ("GET", rf"^{API}/repos/[^/]+/[^/]+/labels/[^/]+$"),
        "list merge requests": ("GET", rf"^{API}/repos/[^/]+/[^/]+/pulls$"),
        "create merge request": ("POST", rf"^{API}/repos/[^/]+/[^/]+/pulls$"),
        "group repositories": ("GET", rf"^{API}/(orgs|users)/[^/]+/repos$"),
    }
    ROUTES = [
        ("GET", _REPO, "get_repo"),
        ("GET", API + r"/(orgs|users)/([^/]+)/repos", "owner_repos"),
        ("GET", _REPO + r"/labels/([^/]+)", "get_label"),
        ("GET", _REPO + r"/pulls", "list_pulls"),
        ("POST", _REPO + r"/pulls", "create_pull"),
        ("GET", _REPO + r"/pulls/(\d+)", "get_pull"),
        ("PATCH", _REPO + r"/pulls/(\d+)", "update_pull"),
        ("POST", _REPO + r"/issues/(\d+)/labels", "add_labels"),
        ("GET", _REPO + r"/issues/(\d+)/comments", "list_comments"),
        ("POST", _REPO + r"/issues/(\d+)/comments", "create_comment"),
    ]
    PER_PAGE = ("per_page", 30, 100)

    def contract(self, mr: dict) -> dict:
        state = "merged" if mr["merged_at"] else mr["state"]
        return {
            "number": mr["number"],
            "state": state,
            "title": mr["title"],
            "description": mr["body"] or "",
            "source_branch": mr["head"]["ref"],
            "target_branch": mr["base"]["ref"],
            "labels": [label["name"] for label in mr["labels"]],
            "web_url": mr["html_url"],
            "updated_at": mr["updated_at"],
        }

    def authorized(self, headers: dict[str, str]) -> bool:
        return bearer(headers, "token", "bearer") == self.token

    def unauthorized(self) -> HttpError:
        return HttpError(401, "Bad credentials")

    def error_body(self, status: int, message: Any) -> dict:
        if isinstance(message, list):
            return {"message": "Validation Failed", "errors": message, "documentation_url": DOCS}
        return {"message": message, "documentation_url": DOCS}

    # JSON

    def _api(self, path: str) -> str:
        return f"{self.url}{API}{path}"

    def _repo_json(self, project: Project) -> dict:
        owner_type = "User" if project.namespace in self.users else "Organization"
        return {
            "id": project.id,
            "node_id": f"R_{project.id}",
            "name": project.name,
            "full_name": project.path,
            "private": False,
            "owner": {"login": project.namespace, "type": owner_type},
            "html_url": f"{self.url}/{project.path}",
            "url": self._api(f"/repos/{project.path}"),
            "clone_url": self.clone_url(project),
            "default_branch": project.default_branch or "main",
            "archived": project.archived,
            "disabled": False,
            "fork": False,
            "size": 0 if project.default_branch is None else 1,
        }

    def _label_json(self, project: Project, name: str) -> dict:
        return {
            "id": project.labels.index(name) + 1,
            "name": name,
            "color": "ededed",
            "default": False,
            "description": None,
            "url": self._api(f"/repos/{project.path}/labels/{name}"),
        }

    def _part(self, project: Project, branch: str) -> dict:
        return {
            "label": f"{project.namespace}:{branch}",
            "ref": branch,
            "sha": self.branch_exists(project, branch),
            "repo": self._repo_json(project),
            "user": {"login": project.namespace},
        }

    # Endpoints

    def _get_repo(self, path: str, params: dict, data: Any):
        return 200, self._repo_json(self.by_path(path)), {}

    def _owner_repos(self, where: str, owner: str, params: dict, data: Any):
        projects = sorted(
            self.owned(owner, where == "orgs"),
            key=lambda p: p.path.lower(),
            reverse=params.get("direction") == "desc",
        )
        return self.page(
            f"{API}/{where}/{owner}/repos", params, [self._repo_json(p) for p in projects]
        )

    def _get_label(self, path: str, name: str, params: dict, data: Any):
        project = self.by_path(path)
        if name not in project.labels:
            raise HttpError(404, "Not Found")
        return 200, self._label_json(project, name), {}

    def _list_pulls(self, path: str, params: dict, data: Any):
        project = self.by_path(path)
        state = params.get("state", "open")
        found = [mr for mr in project.merge_requests if state in ("all", mr["state"])]
        if "head" in params:
            found = [mr for mr in found if mr["head"]["label"] == params["head"]]
        if "base" in params:
            found = [mr for mr in found if mr["base"]["ref"] == params["base"]]
        key = "updated_at" if params.get("sort") == "updated" else "created_at"
        found.sort(
            key=lambda mr: (mr[key], mr["number"]),
            reverse=params.get("direction", "desc") == "desc",
        )
        return self.page(f"{API}/repos/{project.path}/pulls", params, found)

    def _create_pull(self, path: str, params: dict, data: Any):
        project = self.by_path(path)
        for key in ("head", "base", "title"):
            if not data.get(key):
                raise HttpError(
                    422, [{"resource": "PullRequest", "field": key, "code": "missing_field"}]
                )
        head = data["head"].rpartition(":")[2]
        for key, branch in (("head", head), ("base", data["base"])):
            if not self.branch_exists(project, branch):
                raise HttpError(422, [{"resource": "PullRequest", "field": key, "code": "invalid"}])
        for mr in project.merge_requests:
            if (
                mr["state"] == "open"
                and mr["head"]["ref"] == head
                and mr["base"]["ref"] == data["base"]
            ):
                raise HttpError(
                    422,
                    [
                        {
                            "resource": "PullRequest",
                            "code": "custom",
                            "message": "A pull request already exists for "
                            f"{project.namespace}:{head}.",
                        }
                    ],
                )
        number = len(project.merge_requests) + 1
        now = self.now()
        url = self._api(f"/repos/{project.path}/pulls/{number}")
        mr = {
            "id": 1000 * project.id + number,
            "number": number,
            "state": "open",
            "title": data["title"],
            "body": data.get("body") or "",
            "url": url,
            "html_url": f"{self.url}/{project.path}/pull/{number}",
            "issue_url": self._api(f"/repos/{project.path}/issues/{number}"),
            "head": self._part(project, head),
            "base": self._part(project, data["base"]),
            "labels": [],
            "user": {"login": "paasfix-bot"},
            "draft": bool(data.get("draft")),
            "maintainer_can_modify": bool(data.get("maintainer_can_modify")),
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "merged_at": None,
        }
        project.merge_requests.append(mr)
        return 201, mr, {}

    def _get_pull(self, path: str, number: str, params: dict, data: Any):
        mr = self.mr_by_number(self.by_path(path), number)
        return 200, {**mr, "merged": mr["merged_at"] is not None}, {}

    def _update_pull(self, path: str, number: str, params: dict, data: Any):
        project = self.by_path(path)
        mr = self.mr_by_number(project, number)
        for key in ("title", "body"):
            if key in data:
                mr[key] = data[key]
        if "base" in data:
            mr["base"] = self._part(project, data["base"])
        if data.get("state") == "closed" and mr["state"] == "open":
            mr.update(state="closed", closed_at=self.now())
        elif data.get("state") == "open" and mr["state"] == "closed" and not mr["merged_at"]:
            mr.update(state="open", closed_at=None)
        mr["updated_at"] = self.now()
        return 200, {**mr, "merged": mr["merged_at"] is not None}, {}

    def _add_labels(self, path: str, number: str, params: dict, data: Any):
        project = self.by_path(path)
        mr = self.mr_by_number(project, number)
        names = data if isinstance(data, list) else data.get("labels") or []
        for name in names:
            if name not in project.labels:
                project.labels.append(name)
            if name not in [label["name"] for label in mr["labels"]]:
                mr["labels"].append(self._label_json(project, name))
        return 200, mr["labels"], {}

    def _list_comments(self, path: str, number: str, params: dict, data: Any):
        project = self.by_path(path)
        self.mr_by_number(project, number)
        notes = self.notes.get((project.id, int(number)), [])
        return self.page(f"{API}/repos/{project.path}/issues/{number}/comments", params, notes)

    def _create_comment(self, path: str, number: str, params: dict, data: Any):
        project = self.by_path(path)
        self.mr_by_number(project, number)
        if not data.get("body"):
            raise HttpError(
                422, [{"resource": "IssueComment", "field": "body", "code": "missing_field"}]
            )
        note = self.add_note(
            project,
            int(number),
            {
                "body": data["body"],
                "user": {"login": "paasfix-bot"},
                "created_at": self.now(),
                "html_url": f"{self.url}/{project.path}/pull/{number}#issuecomment",
            },
        )
        return 201, note, {}
