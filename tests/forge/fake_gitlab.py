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

import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import parse_qs, quote, unquote, urlencode

JSON = {"Content-Type": "application/json"}

ENDPOINTS = {
    "repository": ("GET", r"^/api/v4/projects/[^/]+$"),
    "labels": ("GET", r"^/api/v4/projects/[^/]+/labels$"),
    "list merge requests": ("GET", r"^/api/v4/projects/[^/]+/merge_requests$"),
    "create merge request": ("POST", r"^/api/v4/projects/[^/]+/merge_requests$"),
    "group repositories": ("GET", r"^/api/v4/groups/[^/]+/projects$"),
}
"""Endpoints by the names of the fake-forge contract, for :meth:`FakeGitLab.fail`."""

_STATES = {"opened": "open", "closed": "closed", "merged": "merged", "locked": "open"}


@dataclass
class Fault:
    method: str
    path: re.Pattern
    status: int
    headers: dict[str, str]
    times: int
    message: str


@dataclass
class Project:
    id: int
    path: str
    default_branch: Optional[str] = "main"
    archived: bool = False
    labels: list[str] = field(default_factory=list)
    merge_requests: list[dict] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        return self.path.rpartition("/")[0]


class HttpError(Exception):
    def __init__(self, status: int, message: Any):
        super().__init__(status, message)
        self.status = status
        self.message = message


class FakeGitLab:
    kind = "gitlab"

    def __init__(self, url: str, token: str, git_root: Path):
        self.url = url
        self.token = token
        self.git_root = Path(git_root)
        self.projects: dict[int, Project] = {}
        self.notes: dict[tuple[int, int], list[dict]] = {}
        self.faults: list[Fault] = []
        self.calls: list[tuple[str, str]] = []
        """Every (method, path) answered, faults included."""
        self.unknown: list[tuple[str, str]] = []
        """Requests for endpoints this fake does not implement: paasfix must use none."""
        self._clock = 0
        self._lock = threading.Lock()

    # What tests use to set the scene

    def add_project(self, path: str, default_branch: Optional[str] = "main",
                    archived: bool = False, labels: Sequence[str] = ()) -> Project:
        project = Project(id=len(self.projects) + 1, path=path, default_branch=default_branch,
                          archived=archived, labels=list(labels))
        self.projects[project.id] = project
        return project

    def project(self, path: str) -> Project:
        return next(p for p in self.projects.values() if p.path == path)

    def fail(self, endpoint: str, status: int, times: int = 1,
             headers: Optional[dict[str, str]] = None, message: Optional[str] = None) -> None:
        """Answer the next ``times`` requests to ``endpoint`` (a name in :data:`ENDPOINTS`)
        with ``status``."""
        method, pattern = ENDPOINTS[endpoint]
        self.faults.append(Fault(method, re.compile(pattern), status, headers or {}, times,
                                 message or f"{status} injected"))

    def merge_requests(self, path: str) -> list[dict]:
        """The project's merge requests, oldest first, in the contract's terms."""
        return [{"number": mr["iid"], "state": _STATES[mr["state"]], "title": mr["title"],
                 "description": mr["description"], "source_branch": mr["source_branch"],
                 "target_branch": mr["target_branch"], "labels": mr["labels"],
                 "web_url": mr["web_url"], "updated_at": mr["updated_at"]}
                for mr in self.project(path).merge_requests]

    def comments(self, path: str, number: int) -> list[str]:
        return [note["body"] for note in self.notes.get((self.project(path).id, number), [])]

    def close_merge_request(self, path: str, number: int) -> None:
        """As the owner closing it in the web interface, without merging."""
        mr = self._mr(self.project(path), number)
        mr.update(state="closed", closed_at=self._now(), updated_at=self._now())

    # The HTTP side

    def handle(self, method: str, path: str, query: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.calls.append((method, path))
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and fault.path.search(path):
                    fault.times -= 1
                    return fault.status, {**JSON, **fault.headers}, json.dumps(
                        {"message": fault.message}).encode()
            lowered = {k.lower(): v for k, v in headers.items()}
            given = lowered.get("private-token") or lowered.get("authorization", "").removeprefix(
                "Bearer ")
            if given != self.token:
                return 401, JSON, b'{"message": "401 Unauthorized"}'
            params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
            data = _body(lowered.get("content-type", ""), body)
            try:
                status, answer, extra = self._route(method, path, params, data)
            except HttpError as exc:
                return exc.status, JSON, json.dumps({"message": exc.message}).encode()
            return status, {**JSON, **extra}, json.dumps(answer).encode()

    _ROUTES = [
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

    def _route(self, method: str, path: str, params: dict, data: dict):
        for verb, pattern, name in self._ROUTES:
            found = re.fullmatch(pattern, path)
            if verb == method and found:
                return getattr(self, "_" + name)(*found.groups(), params=params, data=data)
        self.unknown.append((method, path))
        raise HttpError(404, "404 Not Found")

    # Endpoints

    def _find(self, ident: str) -> Project:
        ident = unquote(ident)
        for project in self.projects.values():
            if str(project.id) == ident or project.path == ident:
                return project
        raise HttpError(404, "404 Project Not Found")

    def _project_json(self, project: Project) -> dict:
        return {
            "id": project.id, "path": project.path.rpartition("/")[2],
            "path_with_namespace": project.path, "name": project.path.rpartition("/")[2],
            "default_branch": project.default_branch, "archived": project.archived,
            "empty_repo": project.default_branch is None,
            "http_url_to_repo": f"{self.url}/git/{project.path}.git",
            "web_url": f"{self.url}/{project.path}",
            "namespace": {"full_path": project.namespace},
        }

    def _get_project(self, ident: str, params: dict, data: dict):
        return 200, self._project_json(self._find(ident)), {}

    def _group_projects(self, ident: str, params: dict, data: dict):
        group = unquote(ident)
        if not any(p.namespace == group or p.namespace.startswith(group + "/")
                   for p in self.projects.values()):
            raise HttpError(404, "404 Group Not Found")
        subgroups = _flag(params.get("include_subgroups")) is True
        found = [p for p in self.projects.values()
                 if p.namespace == group or subgroups and p.namespace.startswith(group + "/")]
        archived = _flag(params.get("archived"))
        if archived is not None:
            found = [p for p in found if p.archived == archived]
        if params.get("order_by") == "path":
            found.sort(key=lambda p: p.path, reverse=params.get("sort") == "desc")
        return self._page(f"/api/v4/groups/{quote(group, safe='')}/projects", params,
                          [self._project_json(p) for p in found])

    def _labels(self, ident: str, params: dict, data: dict):
        project = self._find(ident)
        search = params.get("search", "").lower()
        labels = [{"id": index + 1, "name": name, "color": "#428BCA", "description": None}
                  for index, name in enumerate(project.labels) if search in name.lower()]
        return self._page(f"/api/v4/projects/{project.id}/labels", params, labels)

    def _list_mrs(self, ident: str, params: dict, data: dict):
        project = self._find(ident)
        state = params.get("state", "all")
        found = [mr for mr in project.merge_requests if state in ("all", mr["state"])]
        found = [mr for mr in found if all(mr[key] == params[key]
                                           for key in ("source_branch", "target_branch")
                                           if key in params)]
        order = params.get("order_by", "created_at")
        found.sort(key=lambda mr: mr[order], reverse=params.get("sort", "desc") == "desc")
        return self._page(f"/api/v4/projects/{project.id}/merge_requests", params, found)

    def _create_mr(self, ident: str, params: dict, data: dict):
        project = self._find(ident)
        missing = [key for key in ("source_branch", "target_branch", "title") if not data.get(key)]
        if missing:
            raise HttpError(400, f"{missing[0]} is missing")
        for key in ("source_branch", "target_branch"):
            if not self._branch_exists(project, data[key]):
                raise HttpError(400, [f"{key.split('_')[0].title()} branch "
                                      f"\"{data[key]}\" does not exist"])
        for mr in project.merge_requests:
            if mr["state"] == "opened" and mr["source_branch"] == data["source_branch"] \
                    and mr["target_branch"] == data["target_branch"]:
                raise HttpError(409, ["Another open merge request already exists for this "
                                      f"source branch: !{mr['iid']}"])
        iid = len(project.merge_requests) + 1
        now = self._now()
        labels = data.get("labels") or []
        if isinstance(labels, str):
            labels = [name for name in labels.split(",") if name]
        mr = {
            "id": 1000 * project.id + iid, "iid": iid, "project_id": project.id,
            "title": data["title"], "description": data.get("description") or "",
            "state": "opened", "source_branch": data["source_branch"],
            "target_branch": data["target_branch"], "labels": labels,
            "force_remove_source_branch": bool(data.get("remove_source_branch")),
            "sha": self._branch_exists(project, data["source_branch"]),
            "created_at": now, "updated_at": now, "closed_at": None, "merged_at": None,
            "web_url": f"{self.url}/{project.path}/-/merge_requests/{iid}",
            "author": {"username": "paasfix-bot"},
        }
        project.merge_requests.append(mr)
        return 201, mr, {}

    def _mr(self, project: Project, iid) -> dict:
        for mr in project.merge_requests:
            if mr["iid"] == int(iid):
                return mr
        raise HttpError(404, "404 Not found")

    def _get_mr(self, ident: str, iid: str, params: dict, data: dict):
        return 200, self._mr(self._find(ident), iid), {}

    def _update_mr(self, ident: str, iid: str, params: dict, data: dict):
        mr = self._mr(self._find(ident), iid)
        for key in ("title", "description", "target_branch"):
            if key in data:
                mr[key] = data[key]
        event = data.get("state_event")
        if event == "close" and mr["state"] == "opened":
            mr.update(state="closed", closed_at=self._now())
        elif event == "reopen" and mr["state"] == "closed":
            mr.update(state="opened", closed_at=None)
        mr["updated_at"] = self._now()
        return 200, mr, {}

    def _list_notes(self, ident: str, iid: str, params: dict, data: dict):
        project = self._find(ident)
        self._mr(project, iid)
        notes = self.notes.get((project.id, int(iid)), [])
        return self._page(f"/api/v4/projects/{project.id}/merge_requests/{iid}/notes", params,
                          notes)

    def _create_note(self, ident: str, iid: str, params: dict, data: dict):
        project = self._find(ident)
        self._mr(project, iid)
        if not data.get("body"):
            raise HttpError(400, "body is missing")
        notes = self.notes.setdefault((project.id, int(iid)), [])
        note = {"id": len(notes) + 1, "body": data["body"], "system": False,
                "noteable_type": "MergeRequest", "noteable_iid": int(iid),
                "created_at": self._now(), "author": {"username": "paasfix-bot"}}
        notes.append(note)
        return 201, note, {}

    # Helpers

    def _now(self) -> str:
        self._clock += 1
        return f"2024-01-01T00:{self._clock // 60:02d}:{self._clock % 60:02d}.000Z"

    def _branch_exists(self, project: Project, branch: str) -> Optional[str]:
        result = subprocess.run(["git", "--git-dir", str(self.git_root / f"{project.path}.git"),
                                 "rev-parse", "--verify", "-q", f"refs/heads/{branch}"],
                                capture_output=True, text=True, check=False)
        return result.stdout.strip() or None

    def _page(self, path: str, params: dict, items: list) -> tuple[int, list, dict]:
        per_page = max(1, min(100, int(params.get("per_page") or 20)))
        page = max(1, int(params.get("page") or 1))
        pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]

        def link(number: int) -> str:
            return f"{self.url}{path}?{urlencode({**params, 'page': number, 'per_page': per_page})}"

        links = [f'<{link(page - 1)}>; rel="prev"'] if page > 1 else []
        if page < pages:
            links.append(f'<{link(page + 1)}>; rel="next"')
        links += [f'<{link(1)}>; rel="first"', f'<{link(pages)}>; rel="last"']
        headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(items)),
                   "X-Total-Pages": str(pages), "X-Next-Page": str(page + 1) if page < pages else "",
                   "X-Prev-Page": str(page - 1) if page > 1 else "", "Link": ", ".join(links)}
        return 200, chunk, headers


def _flag(value: Optional[str]) -> Optional[bool]:
    """A boolean parameter as GitLab's API reads it (``true``, ``True``, ``1``, ...)."""
    if value is None:
        return None
    return value.strip().lower() in ("true", "1", "t", "yes")


def _body(content_type: str, body: bytes) -> dict:
    if not body:
        return {}
    if "json" in content_type:
        return json.loads(body)
    return {k: v[-1] for k, v in parse_qs(body.decode()).items()}
