"""The part of GitLab's REST API v4 that paasfix uses, kept in memory, for the real
python-gitlab client to talk to.

Implemented as GitLab documents them (docs.gitlab.com/api): ``GET /projects/:id`` (numeric id
or URL-encoded path), ``GET /groups/:id/projects`` (``include_subgroups``, ``archived``,
``order_by``, ``sort``), ``GET /projects/:id/labels`` (``search``), ``GET`` and ``POST
/projects/:id/merge_requests`` (``state``, ``source_branch``, ``target_branch``, ``order_by``,
``sort``; 409 when an open merge request already exists for the branches), ``GET`` and ``PUT
/projects/:id/merge_requests/:iid`` (``title``, ``description``, ``state_event``, ``labels``),
``GET`` and ``POST /projects/:id/merge_requests/:iid/notes``. Lists are paginated with
``page``/``per_page`` and answer GitLab's headers (``X-Page``, ``X-Per-Page``, ``X-Total``,
``X-Total-Pages``, ``X-Next-Page``, ``X-Prev-Page``, ``Link``). Authentication is the
``PRIVATE-TOKEN`` header (or ``Authorization: Bearer``).

Tests change the state directly to play the people: close a merge request, add a label; and
queue answers such as 429 with ``Retry-After`` or 500 with :meth:`FakeGitLab.fail`. The
methods tests use are the fake-forge contract described in ``bot_support.py``.
"""

from __future__ import annotations

from urllib.parse import quote

from fake_forge import FakeForge, HttpError, Project, bearer, flag

_STATES = {"opened": "open", "closed": "closed", "merged": "merged", "locked": "open"}


class FakeGitLab(FakeForge):
    kind = "gitlab"
    ENDPOINTS = {
        "repository": ("GET", r"^/api/v4/projects/[^/]+$"),
        "labels": ("GET", r"^/api/v4/projects/[^/]+/labels$"),
        "list merge requests": ("GET", r"^/api/v4/projects/[^/]+/merge_requests$"),
        "create merge request": ("POST", r"^/api/v4/projects/[^/]+/merge_requests$"),
        "group repositories": ("GET", r"^/api/v4/groups/[^/]+/projects$"),
    }
    ROUTES = [
        ("GET", r"/api/v4/projects/([^/]+)", "get_project"),
        ("GET", r"/api/v4/groups/([^/]+)/projects", "group_projects"),
        ("GET", r"/api/v4/projects/([^/]+)/labels", "labels"),
        ("GET", r"/api/v4/projects/([^/]+)/merge_requests", "list_mrs"),
        ("POST", r"/api/v4/projects/([^/]+)/merge_requests", "create_mr"),
        ("GET", r"/api/v4/projects/([^/]+)/merge_requests/(\d+)", "get_mr"),
        ("PUT", r"/api/v4/projects/([^/]+)/merge_requests/(\d+)", "update_mr"),
        ("GET", r"/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes", "list_notes"),
        ("POST", r"/api/v4/projects/([^/]+)/merge_requests/(\d+)/notes", "create_note"),
    ]
    PER_PAGE = ("per_page", 20, 100)
    NUMBER_KEY = "iid"

    def contract(self, mr: dict) -> dict:
        return {
            "number": mr["iid"],
            "state": _STATES[mr["state"]],
            "title": mr["title"],
            "description": mr["description"],
            "source_branch": mr["source_branch"],
            "target_branch": mr["target_branch"],
            "labels": mr["labels"],
            "web_url": mr["web_url"],
            "updated_at": mr["updated_at"],
        }

    def authorized(self, headers: dict[str, str]) -> bool:
        return (headers.get("private-token") or bearer(headers, "bearer")) == self.token

    def page_headers(self, page: int, per_page: int, pages: int, total: int) -> dict[str, str]:
        return {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Total": str(total),
            "X-Total-Pages": str(pages),
            "X-Next-Page": str(page + 1) if page < pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
        }

    # Endpoints

    def _find(self, ident: str) -> Project:
        for project in self.projects.values():
            if str(project.id) == ident or project.path == ident:
                return project
        raise HttpError(404, "404 Project Not Found")

    def _project_json(self, project: Project) -> dict:
        return {
            "id": project.id,
            "path": project.path.rpartition("/")[2],
            "path_with_namespace": project.path,
            "name": project.path.rpartition("/")[2],
            "default_branch": project.default_branch,
            "archived": project.archived,
            "empty_repo": project.default_branch is None,
            "http_url_to_repo": self.clone_url(project),
            "web_url": f"{self.url}/{project.path}",
            "namespace": {"full_path": project.namespace},
        }

    def _get_project(self, ident: str, params: dict, data: dict):
        return 200, self._project_json(self._find(ident)), {}

    def _group_projects(self, ident: str, params: dict, data: dict):
        group = ident
        if not any(
            p.namespace == group or p.namespace.startswith(group + "/")
            for p in self.projects.values()
        ):
            raise HttpError(404, "404 Group Not Found")
        subgroups = flag(params.get("include_subgroups")) is True
        found = [
            p
            for p in self.projects.values()
            if p.namespace == group or subgroups and p.namespace.startswith(group + "/")
        ]
        archived = flag(params.get("archived"))
        if archived is not None:
            found = [p for p in found if p.archived == archived]
        if params.get("order_by") == "path":
            found.sort(key=lambda p: p.path, reverse=params.get("sort") == "desc")
        return self.page(
            f"/api/v4/groups/{quote(group, safe='')}/projects",
            params,
            [self._project_json(p) for p in found],
        )

    def _labels(self, ident: str, params: dict, data: dict):
        project = self._find(ident)
        search = params.get("search", "").lower()
        labels = [
            {"id": index + 1, "name": name, "color": "#428BCA", "description": None}
            for index, name in enumerate(project.labels)
            if search in name.lower()
        ]
        return self.page(f"/api/v4/projects/{project.id}/labels", params, labels)

    def _list_mrs(self, ident: str, params: dict, data: dict):
        project = self._find(ident)
        state = params.get("state", "all")
        found = [mr for mr in project.merge_requests if state in ("all", mr["state"])]
        found = [
            mr
            for mr in found
            if all(
                mr[key] == params[key]
                for key in ("source_branch", "target_branch")
                if key in params
            )
        ]
        order = params.get("order_by", "created_at")
        found.sort(key=lambda mr: mr[order], reverse=params.get("sort", "desc") == "desc")
        return self.page(f"/api/v4/projects/{project.id}/merge_requests", params, found)

    def _create_mr(self, ident: str, params: dict, data: dict):
        project = self._find(ident)
        missing = [key for key in ("source_branch", "target_branch", "title") if not data.get(key)]
        if missing:
            raise HttpError(400, f"{missing[0]} is missing")
        for key in ("source_branch", "target_branch"):
            if not self.branch_exists(project, data[key]):
                raise HttpError(
                    400, [f'{key.split("_")[0].title()} branch "{data[key]}" does not exist']
                )
        for mr in project.merge_requests:
            if (
                mr["state"] == "opened"
                and mr["source_branch"] == data["source_branch"]
                and mr["target_branch"] == data["target_branch"]
            ):
                raise HttpError(
                    409,
                    [
                        "Another open merge request already exists for this "
                        f"source branch: !{mr['iid']}"
                    ],
                )
        iid = len(project.merge_requests) + 1
        now = self.now()
        labels = data.get("labels") or []
        if isinstance(labels, str):
            labels = [name for name in labels.split(",") if name]
        mr = {
            "id": 1000 * project.id + iid,
            "iid": iid,
            "project_id": project.id,
            "title": data["title"],
            "description": data.get("description") or "",
            "state": "opened",
            "source_branch": data["source_branch"],
            "target_branch": data["target_branch"],
            "labels": labels,
            "force_remove_source_branch": bool(data.get("remove_source_branch")),
            "sha": self.branch_exists(project, data["source_branch"]),
            "created_at": now,
            "updated_at": now,
            "closed_at": None,
            "merged_at": None,
            "web_url": f"{self.url}/{project.path}/-/merge_requests/{iid}",
            "author": {"username": "paasfix-bot"},
        }
        project.merge_requests.append(mr)
        return 201, mr, {}

    def _merge_request(self, project: Project, iid) -> dict:
        return self.mr_by_number(project, iid)

    def _get_mr(self, ident: str, iid: str, params: dict, data: dict):
        return 200, self._merge_request(self._find(ident), iid), {}

    def _update_mr(self, ident: str, iid: str, params: dict, data: dict):
        mr = self._merge_request(self._find(ident), iid)
        for key in ("title", "description", "target_branch"):
            if key in data:
                mr[key] = data[key]
        event = data.get("state_event")
        if event == "close" and mr["state"] == "opened":
            mr.update(state="closed", closed_at=self.now())
        elif event == "reopen" and mr["state"] == "closed":
            mr.update(state="opened", closed_at=None)
        mr["updated_at"] = self.now()
        return 200, mr, {}

    def _list_notes(self, ident: str, iid: str, params: dict, data: dict):
        project = self._find(ident)
        self._merge_request(project, iid)
        notes = self.notes.get((project.id, int(iid)), [])
        return self.page(f"/api/v4/projects/{project.id}/merge_requests/{iid}/notes", params, notes)

    def _create_note(self, ident: str, iid: str, params: dict, data: dict):
        project = self._find(ident)
        self._merge_request(project, iid)
        if not data.get("body"):
            raise HttpError(400, "body is missing")
        note = self.add_note(
            project,
            int(iid),
            {
                "body": data["body"],
                "system": False,
                "noteable_type": "MergeRequest",
                "noteable_iid": int(iid),
                "created_at": self.now(),
                "author": {"username": "paasfix-bot"},
            },
        )
        return 201, note, {}
