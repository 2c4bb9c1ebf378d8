"""A local forge with repositories in it, and what people do to them, for the bot's tests.

:class:`Scene` owns a :class:`local_forge.LocalForge` (real git over smart HTTP) with a fake
REST API, creates projects from the sample repositories (a bare repository served by
``git http-backend``), and plays the humans: commits pushed to a branch with real git, merge
requests closed in the fake's state. Everything the bot prints or returns is kept in
:attr:`Scene.outputs`, so the token check can read it all.

The scenarios run against every fake forge. A fake forge (``fake_gitlab.FakeGitLab``,
``fake_github.FakeGitHub``, ``fake_gitea.FakeGitea``, all on ``fake_forge.FakeForge``) is made
with ``(url, token, git_root)``, serves its bare repositories as ``{git_root}/{path}.git`` at
``{url}/git/{path}.git``, and offers:

- ``kind`` (the :attr:`paasfix.forge.base.Forge.kind` it imitates), ``handle(...)`` for
  :class:`local_forge.LocalForge`, ``calls`` (every ``(method, path)`` answered) and
  ``unknown`` (requests for endpoints it does not implement);
- ``add_project(path, default_branch="main", archived=False, labels=(), clone_url=None)``
  (``clone_url``: what the forge answers instead of the repository's own URL);
- ``merge_requests(path)``: oldest first, as dicts with ``number``, ``state`` (``open``,
  ``closed``, ``merged``), ``title``, ``description``, ``source_branch``, ``target_branch``,
  ``labels``, ``web_url`` and ``updated_at``;
- ``comments(path, number)``: their bodies; ``close_merge_request(path, number)``, as the owner;
- ``fail(endpoint, status, times=1, headers=None, message=None)`` with an endpoint named
  ``repository``, ``labels``, ``list merge requests``, ``create merge request`` or
  ``group repositories``.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Mapping, Optional

from helpers import SAMPLES, commit_all, git, init_repo, make_tree, paasfix
from local_forge import LocalForge

from paasfix.bot.run import BotOptions, RepoResult, run_repository
from paasfix.forge.retry import Backoff
from paasfix.sinks.commit import DEFAULT_BRANCH

TOKEN = "glpat-Zq81vXk3TmN0Hj5Ywe9R"
"""Distinctive, so that any copy of it in any output is found."""


def basic_header(user: str, token: str = TOKEN) -> str:
    return "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()


def token_forms(token: str = TOKEN) -> list[str]:
    """The token and every encoding of it a careless program might print."""
    return [token] + [
        basic_header(user, token).split(" ", 1)[1]
        for user in ("oauth2", "x-access-token", "paasfix-bot")
    ]


class Scene:
    def __init__(self, tmp: Path, server: LocalForge, forge_class, api):
        self.kind = forge_class.kind
        self.tmp = tmp
        self.server = server
        self.forge_class = forge_class
        self.api = api
        self.sleeps: list[float] = []
        self.outputs: list[str] = []
        self._work = 0

    # Repositories

    def bare(self, path: str) -> Path:
        return self.server.git_root / f"{path}.git"

    def add_repo(
        self,
        path: str,
        sample: str = "django-celery-procfile",
        extra: Optional[Mapping[str, str]] = None,
        **project,
    ):
        """A project whose default branch ``main`` holds the sample (plus ``extra`` files)."""
        work = self.tmp / "seed" / path
        init_repo(work, SAMPLES / sample)
        if extra:
            make_tree(work, extra)
            commit_all(work, "extra files")
        return self.publish(work, path, **project)

    def publish(self, work: Path, path: str, **project):
        """A project ``path`` on the forge whose repository is a bare clone of ``work``."""
        self.bare(path).parent.mkdir(parents=True, exist_ok=True)
        git(self.tmp, "clone", "-q", "--bare", str(work), str(self.bare(path)))
        return self.api.add_project(path, **project)

    def merge_requests(self, path: str, state: Optional[str] = None) -> list[dict]:
        return [mr for mr in self.api.merge_requests(path) if state in (None, mr["state"])]

    def tip(self, path: str, branch: str = DEFAULT_BRANCH) -> Optional[str]:
        found = git(
            self.bare(path), "rev-parse", "--verify", "-q", f"refs/heads/{branch}", check=False
        )
        return found.strip() or None

    def show(self, path: str, rev: str, fmt: str = "%B") -> str:
        return git(self.bare(path), "show", "-s", f"--format={fmt}", rev)

    def clone(self, path: str, branch: str = "main") -> Path:
        """A work tree of ``branch``, straight from the bare repository (as a person would)."""
        self._work += 1
        work = self.tmp / f"work{self._work}"
        git(self.tmp, "clone", "-q", "--branch", branch, str(self.bare(path)), str(work))
        return work

    def human_push(
        self,
        path: str,
        branch: str,
        files: Mapping[str, str],
        message: str = "A change by a person",
    ) -> str:
        """Commit ``files`` on ``branch`` as a person and push it."""
        work = self.clone(path, branch)
        make_tree(work, files)
        commit_all(work, message)
        git(work, "push", "-q", "origin", f"HEAD:refs/heads/{branch}")
        return self.tip(path, branch)

    # Running the bot

    def forge(self, token: str = TOKEN, attempts: int = 4):
        backoff = Backoff(attempts=attempts, base=1.0, sleep=self.sleeps.append)
        return self.forge_class(self.server.url, token, backoff)

    def run(self, path: str, token: str = TOKEN, attempts: int = 4, **options) -> RepoResult:
        result = run_repository(self.forge(token, attempts), path, BotOptions(**options))
        self.outputs.append(json.dumps(result.to_dict()))
        return result

    def cli(self, *args: str, token: str = TOKEN) -> subprocess.CompletedProcess:
        """The real ``paasfix`` command, with the token and URL in its environment only (and
        none of the developer's own forge variables)."""
        cls = self.forge_class
        env = dict.fromkeys(cls.token_variables + cls.url_variables)
        env.update(
            PAASFIX_FORGE=self.kind,
            **{cls.token_variables[0]: token, cls.url_variables[0]: self.server.url},
        )
        result = paasfix(*args, env=env)
        self.outputs += [result.stdout, result.stderr]
        return result


def git_recorder(bin_dir: Path, log: Path) -> str:
    """A ``git`` in ``bin_dir`` that appends its argv to ``log`` and runs the real git; put
    ``bin_dir`` first on PATH to see every git command line the bot and the server run."""
    real = shutil.which("git")
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    script.chmod(0o755)
    return str(bin_dir)
