"""The interface every forge offers the bot, and what it answers with.

One module per forge implements :class:`Forge` (``gitlab.py`` with python-gitlab; GitHub and
Gitea follow the same shape). The bot only ever talks to this interface: it finds its own merge
requests by source branch (and a marker it keeps in the description), creates, updates, comments
on and closes them, reads the project's labels, and lists a group's repositories.

A forge holds a token. The token never leaves through this interface except as the git
``Authorization`` header (:meth:`Forge.git_http_header`); every message that may quote a client
library or a server goes through :meth:`Forge.redact` first.
"""

from __future__ import annotations

import base64
import enum
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar, Iterable, Iterator, Optional, Sequence

from paasfix.core.errors import PaasfixError
from paasfix.forge.retry import Backoff

REDACTED = "[redacted]"


class ForgeError(PaasfixError):
    """A forge request that failed; its text is already free of secrets."""

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.status = status


class NotFound(ForgeError):
    """The repository (or group) does not exist, or the token may not see it."""


class State(str, enum.Enum):
    """A merge request's state, the same words for every forge."""

    OPEN = "open"
    CLOSED = "closed"
    """Closed without being merged."""
    MERGED = "merged"


@dataclass(frozen=True)
class Repository:
    """One repository as the forge describes it."""

    path: str
    """The full path people type: ``group/subgroup/app`` or ``org/app``."""
    id: str
    """The forge's own identifier (GitLab's project id; the path where the forge has none)."""
    default_branch: Optional[str]
    """None for an empty repository."""
    clone_url: str
    """The HTTP(S) URL git fetches from and pushes to; it never holds credentials."""
    web_url: str
    archived: bool = False


@dataclass(frozen=True)
class MergeRequest:
    """A merge request (GitLab) or pull request (GitHub, Gitea)."""

    number: int
    """The number people see in the repository (GitLab's ``iid``, GitHub's and Gitea's number)."""
    state: State
    title: str
    description: str
    source_branch: str
    target_branch: str
    web_url: str


class Forge(ABC):
    """A connection to one forge with one token.

    Every method raises :class:`ForgeError` (or :class:`NotFound`) with a redacted message;
    rate limits and 5xx answers are retried by the implementation with its :class:`Backoff`
    before an error is raised.
    """

    kind: ClassVar[str] = ""
    """``gitlab``, ``github`` or ``gitea``."""
    token_variables: ClassVar[tuple[str, ...]] = ()
    """Environment variables that may hold the token, the first one set wins."""
    url_variables: ClassVar[tuple[str, ...]] = ()
    """Environment variables that may hold the forge's URL."""
    default_url: ClassVar[str] = ""
    git_username: ClassVar[str] = ""
    """The user name git sends with the token (GitLab: ``oauth2``; GitHub: ``x-access-token``)."""

    def __init__(self, url: str, token: str, backoff: Optional[Backoff] = None):
        self.url = url.rstrip("/")
        self._token = token
        self.backoff = backoff or Backoff()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"

    # Repositories

    @abstractmethod
    def repository(self, path: str) -> Repository:
        """The repository at ``path``; :class:`NotFound` if there is none the token can see."""

    @abstractmethod
    def group_repositories(self, group: str) -> Iterator[Repository]:
        """Every repository of a group (GitLab, with subgroups) or organisation (GitHub,
        Gitea) that is not archived, following the forge's pagination."""

    @abstractmethod
    def has_label(self, repo: Repository, name: str) -> bool:
        """Whether the repository defines the label ``name`` (the opt-out label)."""

    # Merge requests

    @abstractmethod
    def merge_requests(self, repo: Repository, source_branch: str) -> list[MergeRequest]:
        """The merge requests from ``source_branch`` in every state, newest first."""

    @abstractmethod
    def create_merge_request(
        self,
        repo: Repository,
        source_branch: str,
        target_branch: str,
        title: str,
        description: str,
        labels: Sequence[str] = (),
    ) -> MergeRequest:
        """Open a merge request; the branch has been pushed already."""

    @abstractmethod
    def update_merge_request(
        self, repo: Repository, mr: MergeRequest, title: str, description: str
    ) -> MergeRequest:
        """Replace the title and the description of an open merge request."""

    @abstractmethod
    def close_merge_request(self, repo: Repository, mr: MergeRequest) -> MergeRequest:
        """Close without merging."""

    @abstractmethod
    def comment(self, repo: Repository, mr: MergeRequest, body: str) -> None:
        """Add a comment (a GitLab note) to a merge request."""

    # Secrets

    def git_http_header(self) -> str:
        """The ``Authorization`` header git sends to :attr:`Repository.clone_url` (HTTP Basic
        with :attr:`git_username` and the token, which every forge's git server accepts)."""
        pair = f"{self.git_username}:{self._token}".encode("utf-8")
        return "Authorization: Basic " + base64.b64encode(pair).decode("ascii")

    def secrets(self) -> list[str]:
        """Every form of the token that could show up in a message."""
        if not self._token:
            return []
        return [self._token, self.git_http_header().split(" ", 2)[2]]

    def redact(self, text: str) -> str:
        return redact(text, self.secrets())


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced (longest first, so no part of one survives)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


@contextmanager
def requests_failures(forge: Forge, doing: str, name: str) -> Iterator[None]:
    """requests' own failures as a :class:`ForgeError` with a redacted text: the attempts of
    the forge's backoff spent on rate limits or server errors, or no answer at all. ``name`` is
    the forge's, as people write it."""
    import requests

    try:
        yield
    except requests.exceptions.RetryError as exc:
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        raise ForgeError(
            forge.redact(
                f"{doing}: {name} still failed after {forge.backoff.attempts} attempts ({reason})"
            )
        ) from None
    except requests.exceptions.RequestException as exc:
        raise ForgeError(forge.redact(f"{doing}: {type(exc).__name__}: {exc}")) from None
