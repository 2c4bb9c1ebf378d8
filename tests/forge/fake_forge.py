"""What every fake forge shares: projects and their merge requests in memory, comments, injected
faults, the log of requests, routing, and pages linked by ``Link`` headers.

A fake forge (``fake_gitlab.FakeGitLab``, ``fake_github.FakeGitHub``, ``fake_gitea.FakeGitea``)
subclasses :class:`FakeForge` and adds what its forge documents: the routes, the JSON it
answers, the header that carries the token, the paging parameters, and how a merge request
reads in the fake-forge contract of ``bot_support.py``. Endpoint methods take the route's
groups and ``params`` (query) and ``data`` (body), and return ``(status, JSON, headers)`` or
raise :class:`HttpError`.
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Optional, Sequence
from urllib.parse import parse_qs, unquote, urlencode

JSON = {"Content-Type": "application/json"}


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
    clone_url: Optional[str] = None
    """What the forge answers as the clone URL; None for the repository's own on the server."""
    merge_requests: list[dict] = field(default_factory=list)
    """In the forge's own JSON form, oldest first."""

    @property
    def namespace(self) -> str:
        return self.path.rpartition("/")[0]

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]


class HttpError(Exception):
    def __init__(self, status: int, message: Any, headers: Optional[dict[str, str]] = None):
        super().__init__(status, message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class FakeForge:
    kind: ClassVar[str] = ""
    ENDPOINTS: ClassVar[dict[str, tuple[str, str]]] = {}
    """Endpoints by the names of the fake-forge contract, for :meth:`fail`."""
    ROUTES: ClassVar[list[tuple[str, str, str]]] = []
    """``(method, path pattern, endpoint method name without its leading _)``."""
    PER_PAGE: ClassVar[tuple[str, int, int]] = ("per_page", 20, 100)
    """The query parameter for the page size, its default and its largest value."""
    NUMBER_KEY: ClassVar[str] = "number"
    """The key of a merge request's number in the forge's JSON (GitLab's is ``iid``)."""

    def __init__(self, url: str, token: str, git_root: Path):
        self.url = url
        self.token = token
        self.git_root = Path(git_root)
        self.projects: dict[int, Project] = {}
        self.notes: dict[tuple[int, int], list[dict]] = {}
        """Comments by (project id, merge request number), in the forge's JSON form."""
        self.faults: list[Fault] = []
        self.calls: list[tuple[str, str]] = []
        """Every (method, path) answered, faults included."""
        self.unknown: list[tuple[str, str]] = []
        """Requests for endpoints this fake does not implement: paasfix must use none."""
        self.users: set[str] = set()
        """Owners that are users rather than organisations, for the forges that list the
        repositories of the two at different addresses."""
        self._clock = 0
        self._lock = threading.Lock()

    # What tests use to set the scene

    def add_project(
        self,
        path: str,
        default_branch: Optional[str] = "main",
        archived: bool = False,
        labels: Sequence[str] = (),
        clone_url: Optional[str] = None,
    ) -> Project:
        project = Project(
            id=len(self.projects) + 1,
            path=path,
            default_branch=default_branch,
            archived=archived,
            labels=list(labels),
            clone_url=clone_url,
        )
        self.projects[project.id] = project
        return project

    def project(self, path: str) -> Project:
        return next(p for p in self.projects.values() if p.path == path)

    def clone_url(self, project: Project) -> str:
        """The clone URL the forge answers for ``project``."""
        return project.clone_url or f"{self.url}/git/{project.path}.git"

    def fail(
        self,
        endpoint: str,
        status: int,
        times: int = 1,
        headers: Optional[dict[str, str]] = None,
        message: Optional[str] = None,
    ) -> None:
        """Answer the next ``times`` requests to ``endpoint`` (a name in :attr:`ENDPOINTS`)
        with ``status``."""
        method, pattern = self.ENDPOINTS[endpoint]
        self.faults.append(
            Fault(
                method,
                re.compile(pattern),
                status,
                headers or {},
                times,
                message or f"{status} injected",
            )
        )

    def merge_requests(self, path: str) -> list[dict]:
        """The project's merge requests, oldest first, in the contract's terms."""
        return [self.contract(mr) for mr in self.project(path).merge_requests]

    def comments(self, path: str, number: int) -> list[str]:
        return [note["body"] for note in self.notes.get((self.project(path).id, number), [])]

    def close_merge_request(self, path: str, number: int) -> None:
        """As the owner closing it in the web interface, without merging."""
        mr = self.mr_by_number(self.project(path), number)
        mr.update(state="closed", closed_at=self.now(), updated_at=self.now())

    # What each forge defines

    def contract(self, mr: dict) -> dict:
        """A merge request in the forge's JSON form, in the contract's terms."""
        raise NotImplementedError

    def authorized(self, headers: dict[str, str]) -> bool:
        """Whether the request (its headers, lower-cased names) carries the token."""
        raise NotImplementedError

    def error_body(self, status: int, message: Any) -> dict:
        return {"message": message}

    def page_headers(self, page: int, per_page: int, pages: int, total: int) -> dict[str, str]:
        """Headers a list answer has besides ``Link``."""
        return {}

    # The HTTP side

    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.calls.append((method, path))
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and fault.path.search(path):
                    fault.times -= 1
                    return self._answer_error(HttpError(fault.status, fault.message, fault.headers))
            lowered = {k.lower(): v for k, v in headers.items()}
            if not self.authorized(lowered):
                return self._answer_error(self.unauthorized())
            params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
            data = _body(lowered.get("content-type", ""), body)
            try:
                status, answer, extra = self._route(method, path, params, data)
            except HttpError as exc:
                return self._answer_error(exc)
            return status, {**JSON, **extra}, json.dumps(answer).encode()

    def unauthorized(self) -> HttpError:
        return HttpError(401, "401 Unauthorized")

    def _answer_error(self, exc: HttpError) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps(self.error_body(exc.status, exc.message)).encode()
        return exc.status, {**JSON, **exc.headers}, body

    def _route(self, method: str, path: str, params: dict, data: Any):
        for verb, pattern, name in self.ROUTES:
            found = re.fullmatch(pattern, path)
            if verb == method and found:
                groups = [unquote(group) for group in found.groups()]
                return getattr(self, "_" + name)(*groups, params=params, data=data)
        self.unknown.append((method, path))
        raise HttpError(404, "Not Found")

    # Helpers for the endpoints

    def now(self) -> str:
        self._clock += 1
        return f"2024-01-01T00:{self._clock // 60:02d}:{self._clock % 60:02d}Z"

    def branch_exists(self, project: Project, branch: str) -> Optional[str]:
        """The branch's commit in the project's bare repository, None if there is none."""
        result = subprocess.run(
            [
                "git",
                "--git-dir",
                str(self.git_root / f"{project.path}.git"),
                "rev-parse",
                "--verify",
                "-q",
                f"refs/heads/{branch}",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip() or None

    def by_path(self, path: str, missing: str = "Not Found") -> Project:
        for project in self.projects.values():
            if project.path.lower() == path.lower():
                return project
        raise HttpError(404, missing)

    def in_namespace(self, owner: str, missing: str = "Not Found") -> list[Project]:
        """The projects directly under ``owner``; 404 when there are none at all."""
        found = [p for p in self.projects.values() if p.namespace.lower() == owner.lower()]
        if not found:
            raise HttpError(404, missing)
        return found

    def owned(self, owner: str, organisation: bool) -> list[Project]:
        """The projects of ``owner`` asked for as an organisation's (or a user's): 404 when
        the owner has none or is of the other kind."""
        if organisation and owner in self.users:
            raise HttpError(404, "Not Found")
        return self.in_namespace(owner)

    def mr_by_number(self, project: Project, number) -> dict:
        for mr in project.merge_requests:
            if mr[self.NUMBER_KEY] == int(number):
                return mr
        raise HttpError(404, "Not Found")

    def add_note(self, project: Project, number: int, note: dict) -> dict:
        notes = self.notes.setdefault((project.id, int(number)), [])
        note = {"id": len(notes) + 1, **note}
        notes.append(note)
        return note

    def page(self, path: str, params: dict, items: list) -> tuple[int, list, dict]:
        """One page of ``items`` as ``(200, page, headers)`` with the forge's ``Link`` header
        (``next``, ``prev``, ``first``, ``last``) and its :meth:`page_headers`."""
        name, default, largest = self.PER_PAGE
        per_page = max(1, min(largest, int(params.get(name) or default)))
        page = max(1, int(params.get("page") or 1))
        pages = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]

        def link(number: int) -> str:
            return f"{self.url}{path}?{urlencode({**params, 'page': number, name: per_page})}"

        links = [f'<{link(page - 1)}>; rel="prev"'] if page > 1 else []
        if page < pages:
            links.append(f'<{link(page + 1)}>; rel="next"')
        links += [f'<{link(1)}>; rel="first"', f'<{link(pages)}>; rel="last"']
        headers = {"Link": ", ".join(links), **self.page_headers(page, per_page, pages, len(items))}
        return 200, chunk, headers


def flag(value: Optional[str]) -> Optional[bool]:
    """A boolean query parameter (``true``, ``True``, ``1``, ...), None when absent."""
    if value is None:
        return None
    return value.strip().lower() in ("true", "1", "t", "yes")


def bearer(headers: dict[str, str], *schemes: str) -> str:
    """The token of an ``Authorization: <scheme> <token>`` header, for any of ``schemes``."""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() in schemes else ""


def _body(content_type: str, body: bytes) -> Any:
    if not body:
        return {}
    if "json" in content_type:
        return json.loads(body)
    return {k: v[-1] for k, v in parse_qs(body.decode()).items()}
