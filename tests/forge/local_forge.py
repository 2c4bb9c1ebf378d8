"""A forge on 127.0.0.1 for tests: real git over smart HTTP (``git http-backend`` as CGI, for
bare repositories under a directory) and a forge's REST API, in one threaded HTTP server.

Both halves insist on the token: git requests without the expected ``Authorization`` header
get 401, like a real forge. The REST half is any object with
``handle(method, path, query, headers, body) -> (status, headers, body)``; ``fake_gitlab.py``
is GitLab's. Every request line is recorded with its answer's status, so a test can check that no token
travelled in a URL.
"""

from __future__ import annotations

import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional, Protocol
from urllib.parse import unquote, urlsplit

GIT_PREFIX = "/git"


class Api(Protocol):
    def handle(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]: ...


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length else b""


class LocalForge:
    """``start()`` serves until ``stop()``; :attr:`url` is ``http://127.0.0.1:PORT``."""

    def __init__(self, git_root: Path, git_authorization: str, api: Optional[Api] = None):
        self.git_root = Path(git_root)
        self.git_authorization = git_authorization
        self.api = api
        self.request_lines: list[str] = []
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def clone_url(self, path: str) -> str:
        return f"{self.url}{GIT_PREFIX}/{path}.git"

    def start(self) -> "LocalForge":
        forge = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_request(self, code="-", size="-") -> None:
                forge.request_lines.append(f"{self.requestline} {int(code)}")

            def log_message(self, format: str, *args) -> None:
                pass

            def _serve(self) -> None:
                body = _read_body(self)
                headers = dict(self.headers.items())
                parts = urlsplit(self.path)
                if parts.path.startswith(GIT_PREFIX + "/"):
                    status, out_headers, out = forge._git(
                        self.command, parts.path, parts.query, headers, body
                    )
                elif forge.api is not None:
                    status, out_headers, out = forge.api.handle(
                        self.command, parts.path, parts.query, headers, body
                    )
                else:
                    status, out_headers, out = 404, {}, b"not found\n"
                self.send_response(status)
                for name, value in out_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _git(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        lowered = {k.lower(): v for k, v in headers.items()}
        if lowered.get("authorization") != self.git_authorization:
            return 401, {"WWW-Authenticate": 'Basic realm="local forge"'}, b"unauthorized\n"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_PROJECT_ROOT": str(self.git_root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": unquote(path[len(GIT_PREFIX) :]),
            "QUERY_STRING": query,
            "REQUEST_METHOD": method,
            "CONTENT_TYPE": lowered.get("content-type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": "paasfix-bot",
            "REMOTE_ADDR": "127.0.0.1",
            "GIT_PROTOCOL": lowered.get("git-protocol", ""),
            "HTTP_CONTENT_ENCODING": lowered.get("content-encoding", ""),
        }
        result = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=False
        )
        head, _, out = result.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, out = result.stdout.partition(b"\n\n")
        status = 200
        out_headers = {}
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                out_headers[name.strip()] = value.strip()
        return status, out_headers, out


def serve(git_root: Path, git_authorization: str, api_factory: Callable[[str], Api]) -> LocalForge:
    """A started LocalForge whose API object is made knowing the server's URL."""
    forge = LocalForge(git_root, git_authorization).start()
    forge.api = api_factory(forge.url)
    return forge
