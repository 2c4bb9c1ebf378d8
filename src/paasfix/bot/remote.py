"""git over HTTP(S) with the forge's token: ls-remote, a shallow bare fetch, and a guarded push.

The token reaches git only through the environment of the git process, as an ``extraHeader``
scoped to the repository's URL (``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``): never in a URL,
in argv or in a file. git's messages are redacted before they go anywhere.

What the forge answers is data, never an option: the clone URL must be an http(s) or ssh URL
and branch names must be valid by ``git check-ref-format`` before git sees them, they follow
``--`` on every command line, and git may use no other transport (``GIT_ALLOW_PROTOCOL``).
"""

from __future__ import annotations

import os
import re
import subprocess
from typing import Iterable, Optional, Sequence
from urllib.parse import urlsplit

from paasfix.core.errors import PaasfixError
from paasfix.forge.base import redact

_LAST_LINES = 6
TIMEOUT = 600
"""Seconds one git command may take before the repository counts as failed."""


ALLOWED_PROTOCOLS = ("http", "https", "ssh")
"""The transports the bot lets git use."""

_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")
_REF_FORBIDDEN_RE = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")
_SHA_RE = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


class GitError(PaasfixError):
    """A git command against the forge that failed; the text holds no secret."""


class UnsafeValue(PaasfixError):
    """A URL or a branch name from a forge or a setting that git must not be given."""


def check_url(url: str, what: str = "the clone URL") -> str:
    """``url`` when it is an http(s) or ssh URL git can take as a repository and nothing else:
    a scheme git knows, a host, no credentials, no whitespace or control characters."""
    shown = repr(url) if isinstance(url, str) else type(url).__name__
    if not isinstance(url, str) or not url:
        raise UnsafeValue(f"{what} {shown} is not a URL")
    if url.startswith("-") or _CONTROL_RE.search(url):
        raise UnsafeValue(
            f"{what} {shown} is not a URL git may fetch from: it starts with '-' "
            "or holds spaces or control characters"
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
        password = parts.password
    except ValueError:
        raise UnsafeValue(f"{what} {shown} is not a valid URL") from None
    if parts.scheme.lower() not in ALLOWED_PROTOCOLS:
        raise UnsafeValue(f"{what} {shown} is not an http(s) or ssh URL")
    if not host or host.startswith("-"):
        raise UnsafeValue(f"{what} {shown} has no valid host")
    if parts.scheme.lower() != "ssh" and (parts.username or password):
        raise UnsafeValue(f"{what} {shown} holds credentials; the token is sent as a header")
    return url


def check_forge_host(url: str, forge_url: str) -> str:
    """``url`` when an http(s) clone URL is on the forge's own host, where the token may go: the
    host of ``forge_url``, or ``<host>`` for an API served from ``api.<host>`` (GitHub). A
    forge or a proxy that answers a clone URL elsewhere would otherwise receive the token."""
    parts, forge = urlsplit(url), urlsplit(forge_url)
    if parts.scheme.lower() not in ("http", "https"):
        return url
    host, forge_host = (parts.hostname or "").lower(), (forge.hostname or "").lower()
    allowed = {forge_host}
    if forge_host.startswith("api."):
        allowed.add(forge_host[len("api.") :])
    if host not in allowed:
        raise UnsafeValue(
            f"the clone URL {url!r} is on {host}, not on the forge's host "
            f"{forge_host}; the forge's token is only sent to the forge"
        )
    return url


def check_branch(name: str, what: str = "branch") -> str:
    """``name`` when it is a valid branch name as ``git check-ref-format --branch`` reads it
    (and not ``HEAD``, which git refuses as a branch): nothing git could take as an option."""
    shown = repr(name) if isinstance(name, str) else type(name).__name__
    problem = _branch_problem(name) if isinstance(name, str) else "is not text"
    if problem:
        raise UnsafeValue(f"{what} {shown} is not a valid branch name: it {problem}")
    return name


def _branch_problem(name: str) -> Optional[str]:
    if not name:
        return "is empty"
    if name.startswith("-"):
        return "starts with '-'"
    if name == "HEAD":
        return "is HEAD"
    if _REF_FORBIDDEN_RE.search(name):
        return "holds a space, a control character or one of ~ ^ : ? * [ \\"
    if ".." in name:
        return "holds '..'"
    if "@{" in name:
        return "holds '@{'"
    if name.endswith("."):
        return "ends with '.'"
    components = name.split("/")
    if any(not part for part in components):
        return "has an empty path component (a leading, trailing or double '/')"
    if any(part.startswith(".") for part in components):
        return "has a path component that starts with '.'"
    if any(part.endswith(".lock") for part in components):
        return "has a path component that ends with '.lock'"
    return None


class Remote:
    """One repository on a forge; ``url`` is checked with :func:`check_url` first."""

    def __init__(self, url: str, header: str, secrets: Sequence[str]):
        self.url = check_url(url)
        self._header = header
        self._secrets = list(secrets)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        index = int(env.get("GIT_CONFIG_COUNT") or 0)
        env[f"GIT_CONFIG_KEY_{index}"] = f"http.{self.url}.extraHeader"
        env[f"GIT_CONFIG_VALUE_{index}"] = self._header
        env["GIT_CONFIG_COUNT"] = str(index + 1)
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_ALLOW_PROTOCOL"] = ":".join(ALLOWED_PROTOCOLS)
        env.pop("GIT_ASKPASS", None)
        return env

    def _git(self, doing: str, args: list[str], git_dir: Optional[str] = None) -> str:
        command = ["git", "-c", "credential.helper=", "-c", "core.askPass="]
        if git_dir:
            command += ["--git-dir", git_dir]
        try:
            result = subprocess.run(
                command + args,
                capture_output=True,
                env=self._env(),
                check=False,
                stdin=subprocess.DEVNULL,
                timeout=TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise GitError(f"{doing} took longer than {TIMEOUT} seconds") from None
        if result.returncode != 0:
            lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = "; ".join(line.strip() for line in lines[-_LAST_LINES:] if line.strip())
            raise GitError(
                redact(
                    f"{doing} failed: {detail or f'git exited {result.returncode}'}", self._secrets
                )
            )
        return result.stdout.decode("utf-8", "replace")

    def heads(self, branches: Iterable[str]) -> dict[str, str]:
        """branch -> commit, for those of ``branches`` that exist on the remote."""
        refs = {f"refs/heads/{check_branch(branch)}": branch for branch in branches}
        out = self._git("git ls-remote", ["ls-remote", "--heads", "--", self.url, *refs])
        found = {}
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref in refs and _SHA_RE.match(sha):
                found[refs[ref]] = sha
        return found

    def fetch(self, git_dir: str, branches: Iterable[str]) -> None:
        """A new bare repository at ``git_dir`` holding the tip commit of each branch (depth 1),
        as the local branch of the same name."""
        subprocess.run(["git", "init", "-q", "--bare", git_dir], check=True, capture_output=True)
        refspecs = [f"+refs/heads/{b}:refs/heads/{b}" for b in map(check_branch, branches)]
        self._git(
            "git fetch",
            ["fetch", "-q", "--depth", "1", "--no-tags", "--", self.url, *refspecs],
            git_dir,
        )

    def push(self, git_dir: str, commit: str, branch: str, expected: Optional[str]) -> None:
        """Point the remote ``branch`` at ``commit``, only if it still is at ``expected``
        (None: only if it does not exist), so nobody's newer commit is ever overwritten."""
        ref = f"refs/heads/{check_branch(branch)}"
        for sha in (commit, expected):
            if sha is not None and not _SHA_RE.match(sha):
                raise UnsafeValue(f"{sha!r} is not a commit id")
        self._git(
            "git push",
            [
                "push",
                "-q",
                f"--force-with-lease={ref}:{expected or ''}",
                "--",
                self.url,
                f"{commit}:{ref}",
            ],
            git_dir,
        )
