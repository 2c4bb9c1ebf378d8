"""The fleet case's parts: repositories on a local forge, and the floor of cloning them.

    python bench/fleet.py serve ROOT LIST         # prints the URL; serves until stdin closes
    python bench/fleet.py clone URL LIST DEST --jobs N [--bare]

The forge is the test suite's (``tests/forge``): real git over smart HTTP (``git http-backend``)
and GitLab's REST API in memory, on 127.0.0.1 only. Both need the token, as a real forge does.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

TOKEN = "paasfix-bench-token"
"""A token for the local forge only."""
GIT_USER = "oauth2"
"""The user name paasfix's GitLab client gives git with the token."""
SIZES = (200, 500, 1_000, 2_000)
"""Generated repository sizes, in turn; ``node_modules`` is left out, as its .gitignore says,
so the committed repositories have about 75 to 440 files."""
STAMP = "1700000000 +0000"


def basic_header(user: str = GIT_USER, token: str = TOKEN) -> str:
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def _fast_import_stream(files: dict[str, str], message: str) -> bytes:
    """One commit on ``main`` holding ``files``, for ``git fast-import``."""
    out = [
        f"commit refs/heads/main\nauthor Bench <bench@localhost> {STAMP}\n"
        f"committer Bench <bench@localhost> {STAMP}\n".encode()
    ]
    data = message.encode()
    out.append(b"data %d\n%s\n" % (len(data), data))
    for path, text in sorted(files.items()):
        mode = "100755" if path == "manage.py" else "100644"
        content = text.encode("utf-8")
        out.append(
            b"M %s inline %s\ndata %d\n%s\n" % (mode.encode(), path.encode(), len(content), content)
        )
    return b"".join(out)


def committed_files(index: int) -> dict[str, str]:
    """The files of the ``index``-th repository."""
    return {
        name: text
        for name, text in generate.repository_files(SIZES[index % len(SIZES)], seed=index).items()
        if not name.startswith("frontend/node_modules/")
    }


def make_fleet(root: Path, count: int) -> list[str]:
    """``count`` bare repositories under ``root`` (``bench/app-000.git``, ...), each one commit
    of a generated application; returns their paths on the forge."""
    paths = []
    for index in range(count):
        path = f"bench/app-{index:03d}"
        files = committed_files(index)
        bare = root / f"{path}.git"
        bare.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
        subprocess.run(
            ["git", "--git-dir", str(bare), "fast-import", "--quiet"],
            check=True,
            input=_fast_import_stream(files, f"{path}: initial version"),
        )
        paths.append(path)
    return paths


def serve(root: Path, paths: Sequence[str]) -> None:
    """Serve the repositories under ``root`` with GitLab's API; print the URL, then serve
    until standard input is closed."""
    sys.path.insert(0, str(BENCH.parent / "tests" / "forge"))
    from http.server import BaseHTTPRequestHandler

    from fake_gitlab import FakeGitLab
    from local_forge import serve as serve_forge

    # The server writes an answer's headers and body separately; with Nagle's algorithm the
    # body then waits for the client's delayed acknowledgement (40 ms on Linux), a stall no
    # real forge has. Every answer goes out at once instead.
    BaseHTTPRequestHandler.disable_nagle_algorithm = True

    server = serve_forge(root, basic_header(), lambda url: FakeGitLab(url, TOKEN, root))
    for path in paths:
        server.api.add_project(path)
    print(server.url, flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


def git_auth_env() -> dict[str, str]:
    """git's configuration for the token, in the environment (not on a command line)."""
    return {
        **os.environ,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "http.extraHeader",
        "GIT_CONFIG_VALUE_0": f"Authorization: {basic_header()}",
        "GIT_TERMINAL_PROMPT": "0",
    }


def clone_all(url: str, paths: Sequence[str], dest: Path, jobs: int, bare: bool) -> None:
    """``git clone --depth 1`` of every repository, ``jobs`` at a time."""
    env = git_auth_env()
    dest.mkdir(parents=True, exist_ok=True)

    def clone(index_path: tuple[int, str]) -> None:
        index, path = index_path
        argv = [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            *(["--bare"] if bare else []),
            f"{url}/git/{path}.git",
            str(dest / str(index)),
        ]
        subprocess.run(argv, env=env, check=True, stdin=subprocess.DEVNULL)

    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(clone, enumerate(paths)))
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    serving = commands.add_parser("serve")
    serving.add_argument("root")
    serving.add_argument("list")
    cloning = commands.add_parser("clone")
    cloning.add_argument("url")
    cloning.add_argument("list")
    cloning.add_argument("dest")
    cloning.add_argument("--jobs", type=int, default=1)
    cloning.add_argument("--bare", action="store_true")
    args = parser.parse_args(argv)
    paths = Path(args.list).read_text().split()
    if args.command == "serve":
        serve(Path(args.root), paths)
    else:
        clone_all(args.url, paths, Path(args.dest), args.jobs, args.bare)
    return 0


if __name__ == "__main__":
    sys.exit(main())
