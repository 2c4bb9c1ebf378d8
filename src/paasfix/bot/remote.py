"""git over HTTP(S) with the forge's token: ls-remote, a shallow bare fetch, and a guarded push.

The token reaches git only through the environment of the git process, as an ``extraHeader``
scoped to the repository's URL (``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n``): never in a URL,
in argv or in a file. git's messages are redacted before they go anywhere.
"""

from __future__ import annotations

import os
import subprocess
from typing import Iterable, Optional, Sequence

from ..errors import PaasfixError
from ..forge.base import redact

_LAST_LINES = 6
TIMEOUT = 600
"""Seconds one git command may take before the repository counts as failed."""


class GitError(PaasfixError):
    """A git command against the forge that failed; the text holds no secret."""


class Remote:
    def __init__(self, url: str, header: str, secrets: Sequence[str]):
        self.url = url
        self._header = header
        self._secrets = list(secrets)

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        index = int(env.get("GIT_CONFIG_COUNT") or 0)
        env[f"GIT_CONFIG_KEY_{index}"] = f"http.{self.url}.extraHeader"
        env[f"GIT_CONFIG_VALUE_{index}"] = self._header
        env["GIT_CONFIG_COUNT"] = str(index + 1)
        env["GIT_TERMINAL_PROMPT"] = "0"
        env.pop("GIT_ASKPASS", None)
        return env

    def _git(self, doing: str, args: list[str], git_dir: Optional[str] = None) -> str:
        command = ["git", "-c", "credential.helper=", "-c", "core.askPass="]
        if git_dir:
            command += ["--git-dir", git_dir]
        try:
            result = subprocess.run(command + args, capture_output=True, env=self._env(),
                                    check=False, stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise GitError(f"{doing} took longer than {TIMEOUT} seconds") from None
        if result.returncode != 0:
            lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = "; ".join(line.strip() for line in lines[-_LAST_LINES:] if line.strip())
            raise GitError(redact(f"{doing} failed: {detail or f'git exited {result.returncode}'}",
                                  self._secrets))
        return result.stdout.decode("utf-8", "replace")

    def heads(self, branches: Iterable[str]) -> dict[str, str]:
        """branch -> commit, for those of ``branches`` that exist on the remote."""
        refs = {f"refs/heads/{branch}": branch for branch in branches}
        out = self._git("git ls-remote", ["ls-remote", "--heads", self.url, *refs])
        found = {}
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref in refs:
                found[refs[ref]] = sha
        return found

    def fetch(self, git_dir: str, branches: Iterable[str]) -> None:
        """A new bare repository at ``git_dir`` holding the tip commit of each branch (depth 1),
        as the local branch of the same name."""
        subprocess.run(["git", "init", "-q", "--bare", git_dir], check=True, capture_output=True)
        refspecs = [f"+refs/heads/{b}:refs/heads/{b}" for b in branches]
        self._git("git fetch", ["fetch", "-q", "--depth", "1", "--no-tags", self.url, *refspecs],
                  git_dir)

    def push(self, git_dir: str, commit: str, branch: str, expected: Optional[str]) -> None:
        """Point the remote ``branch`` at ``commit``, only if it still is at ``expected``
        (None: only if it does not exist), so nobody's newer commit is ever overwritten."""
        ref = f"refs/heads/{branch}"
        self._git("git push", ["push", "-q", f"--force-with-lease={ref}:{expected or ''}",
                               self.url, f"{commit}:{ref}"], git_dir)
