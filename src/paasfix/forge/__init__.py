"""Forges the bot talks to: one module per forge, all behind :class:`paasfix.forge.base.Forge`.

:func:`connect` picks the forge class, takes its token from the environment and its URL from
the command line, the environment or the forge's default. Each forge module is imported only
when it is used, with its client library.
"""

from __future__ import annotations

import importlib
import os
from typing import Mapping, Optional
from urllib.parse import urlsplit

from ..errors import PaasfixError

FORGES = {
    "gitlab": "paasfix.forge.gitlab:GitLab",
    "github": "paasfix.forge.github:GitHub",
    "gitea": "paasfix.forge.gitea:Gitea",
}
"""Forge kind -> ``module:class`` implementing :class:`paasfix.forge.base.Forge`."""

PUBLIC_HOSTS = {"gitlab.com": "gitlab", "github.com": "github", "gitea.com": "gitea",
                "codeberg.org": "gitea"}
"""Public forges whose kind the host name tells."""


def forge_kind(kind: Optional[str], url: Optional[str]) -> str:
    """The forge's kind: ``kind`` when given, else the kind of a public forge at ``url``,
    else GitLab."""
    if kind:
        return kind
    host = (urlsplit(url).hostname or "") if url else ""
    return PUBLIC_HOSTS.get(host.removeprefix("www."), "gitlab")


def forge_class(kind: str):
    try:
        module, _, name = FORGES[kind].partition(":")
    except KeyError:
        raise PaasfixError(f"unknown forge '{kind}' (known: {', '.join(sorted(FORGES))})") from None
    return getattr(importlib.import_module(module), name)


def connect(kind: str, url: Optional[str] = None, backoff=None,
            environ: Mapping[str, str] = os.environ):
    """A :class:`~paasfix.forge.base.Forge` of ``kind`` with the token from the environment."""
    cls = forge_class(kind)
    token = next((environ[name] for name in cls.token_variables if environ.get(name)), None)
    if not token:
        raise PaasfixError(f"no {kind} token: set {' or '.join(cls.token_variables)}")
    url = url or next((environ[name] for name in cls.url_variables if environ.get(name)), None) \
        or cls.default_url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PaasfixError(f"the {kind} URL must be an http(s) URL, not '{url}'")
    if parts.username or parts.password:
        raise PaasfixError(f"the {kind} URL must not hold credentials; the token comes from "
                           f"{cls.token_variables[0]}")
    return cls(url, token, backoff)


def split_repository(argument: str, url: Optional[str]) -> tuple[Optional[str], str]:
    """``(forge URL or None, repository path)`` from what the user typed: a path such as
    ``group/app``, or the repository's web or clone URL (the forge URL is then its origin,
    unless ``url`` is given and the argument starts with it)."""
    argument = argument.strip()
    if "://" not in argument:
        return url, argument.strip("/")
    if url and argument.startswith(url.rstrip("/") + "/"):
        path = argument[len(url.rstrip("/")) + 1:]
    else:
        parts = urlsplit(argument)
        if parts.username or parts.password:
            raise PaasfixError("the repository URL must not hold credentials")
        url = f"{parts.scheme}://{parts.netloc}"
        path = parts.path
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    return url, path
