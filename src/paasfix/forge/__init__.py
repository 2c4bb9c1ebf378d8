"""Forges the bot talks to: one module per forge, all behind :class:`paasfix.forge.base.Forge`.

:func:`connect` picks the forge class, takes its token from the environment and its URL from
the command line, the environment or the forge's default. Each forge module is imported only
when it is used, with its client library.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Mapping, Optional
from urllib.parse import urlsplit

from paasfix.core.errors import PaasfixError

if TYPE_CHECKING:
    from paasfix.forge.base import Forge
    from paasfix.forge.retry import Backoff

FORGES = {
    "gitlab": "paasfix.forge.gitlab:GitLab",
    "github": "paasfix.forge.github:GitHub",
    "gitea": "paasfix.forge.gitea:Gitea",
}
"""Forge kind -> ``module:class`` implementing :class:`paasfix.forge.base.Forge`."""

PUBLIC_HOSTS = {
    "gitlab.com": "gitlab",
    "github.com": "github",
    "gitea.com": "gitea",
    "codeberg.org": "gitea",
}
"""Public forges whose kind the host name tells."""


def forge_kind(kind: Optional[str], url: Optional[str]) -> str:
    """The forge's kind: ``kind`` when given, else the kind of a public forge at ``url``,
    else GitLab."""
    if kind:
        return kind
    host = (urlsplit(url).hostname or "") if url else ""
    return PUBLIC_HOSTS.get(host.removeprefix("www."), "gitlab")


def forge_class(kind: str) -> type[Forge]:
    try:
        module, _, name = FORGES[kind].partition(":")
    except KeyError:
        raise PaasfixError(f"unknown forge '{kind}' (known: {', '.join(sorted(FORGES))})") from None
    cls: type[Forge] = getattr(importlib.import_module(module), name)
    return cls


def connect(
    kind: str,
    url: Optional[str] = None,
    backoff: Optional[Backoff] = None,
    environ: Mapping[str, str] = os.environ,
) -> Forge:
    """A :class:`~paasfix.forge.base.Forge` of ``kind`` with the token from the environment."""
    cls = forge_class(kind)
    token = next((environ[name] for name in cls.token_variables if environ.get(name)), None)
    if not token:
        raise PaasfixError(f"no {kind} token: set {' or '.join(cls.token_variables)}")
    url = (
        url
        or next((environ[name] for name in cls.url_variables if environ.get(name)), None)
        or cls.default_url
    )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PaasfixError(f"the {kind} URL must be an http(s) URL, not '{url}'")
    if parts.username or parts.password:
        raise PaasfixError(
            f"the {kind} URL must not hold credentials; the token comes from "
            f"{cls.token_variables[0]}"
        )
    return cls(url, token, backoff)


def split_repository(argument: str, url: Optional[str]) -> tuple[Optional[str], str]:
    """``(forge URL or None, repository path)`` from what the user typed: a path such as
    ``group/app``, or the repository's web or clone URL (the forge URL is then its origin,
    unless ``url`` is given and the argument is under it). ``group/app``, ``group/app/``,
    ``.../group/app.git`` give the same path."""
    argument = argument.strip()
    if "://" not in argument:
        return url, _repository_path(argument)
    parts = urlsplit(argument)
    if parts.username or parts.password:
        raise PaasfixError("the repository URL must not hold credentials")
    base = urlsplit(url).path.rstrip("/") if url else ""
    if url and same_origin(argument, url) and parts.path.startswith(base + "/"):
        return url, _repository_path(parts.path[len(base) :])
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}", _repository_path(parts.path)


def _repository_path(path: str) -> str:
    """``group//app.git/`` -> ``group/app``: the path a forge knows the repository by."""
    path = "/".join(part for part in path.split("/") if part)
    return path[:-4] if path.endswith(".git") else path


def same_origin(a: Optional[str], b: Optional[str]) -> bool:
    """Whether two URLs are on the same forge: the same scheme, host (in any case) and port."""
    if a is None or b is None:
        return a == b

    def origin(url: str) -> tuple[str, str, Optional[int]]:
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            port = None
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        return parts.scheme.lower(), (parts.hostname or "").lower(), port or default

    return origin(a) == origin(b)
