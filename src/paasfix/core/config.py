"""Configuration: ``[tool.paasfix]`` in pyproject.toml or ``paasfix.toml``; the command line wins.

Every value is checked before a fixer sees it. A fixer's option is checked against the type of
its declared default (a bool must be a TOML boolean, a list a list of strings), or by the check
the fixer declares for it in ``option_checks`` (:func:`version`, :func:`http_url`, ...). A
check takes the value and returns it (normalised), or raises ValueError with the reason.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional
from urllib.parse import urlsplit

from paasfix.core.errors import PaasfixError

if TYPE_CHECKING:
    from paasfix.core.tree import Tree

Check = Callable[[Any], Any]
"""A setting's check: the value (normalised) back, or ValueError saying what is wrong."""

MAX_SETTINGS_SIZE = 1024 * 1024
"""Settings files larger than this are refused unread."""
MAX_TEXT = 4096
"""The longest string a setting may hold, in characters."""
MAX_ITEMS = 1000
"""The most items a list setting may hold."""

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+){0,3}$")


class SettingsError(PaasfixError):
    """Bad settings: one line per bad setting, each naming its file (or option) and key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _shown(value: Any) -> str:
    """``value`` as a message names it: its TOML kind, and a short copy of a scalar."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        copy = value if len(value) <= 40 else value[:40] + "..."
        return f"the string {copy!r}"
    if isinstance(value, int):
        return "an integer" if len(str(abs(value))) > 20 else f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def boolean(value: Any) -> bool:
    """true or false, as a TOML boolean (the string ``'false'`` is not one)."""
    if not isinstance(value, bool):
        raise ValueError(f"must be a boolean (true or false, without quotes), not {_shown(value)}")
    return value


def string(value: Any) -> str:
    """A string of at most :data:`MAX_TEXT` characters without control characters."""
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {_shown(value)}")
    if _CONTROL_RE.search(value):
        raise ValueError("must not hold control characters (a line break, a tab, NUL, ...)")
    if len(value) > MAX_TEXT:
        raise ValueError(f"must be at most {MAX_TEXT} characters long, not {len(value)}")
    return value


def strings(value: Any) -> list[str]:
    """A list of strings (a single string is a list of one), at most :data:`MAX_ITEMS`."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"must be a list of strings, not {_shown(value)}")
    if len(value) > MAX_ITEMS:
        raise ValueError(f"must have at most {MAX_ITEMS} items, not {len(value)}")
    for index, item in enumerate(value):
        try:
            string(item)
        except ValueError as exc:
            raise ValueError(f"item {index + 1} {exc}") from None
    return list(value)


def integer(low: int, high: int) -> Check:
    """A check for an integer from ``low`` to ``high``."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be an integer, not {_shown(value)}")
        if not low <= value <= high:
            raise ValueError(f"must be from {low} to {high}, not {_shown(value)}")
        return value

    return check


def number(value: Any) -> float:
    """A finite number (an integer or a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be a number, not {_shown(value)}")
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"must be a finite number, not {_shown(value)}")
    return value


def version(value: Any) -> str:
    """A release number written as a string, such as ``"21.0"`` or ``"20.3.4"``."""
    if not isinstance(value, str):
        raise ValueError(f'must be a version in quotes such as "21.0", not {_shown(value)}')
    if not _VERSION_RE.match(string(value)):
        raise ValueError(f'must be a version such as "21.0", not {_shown(value)}')
    return value


def http_url(value: Any) -> str:
    """An http(s) URL with a host, without spaces or credentials."""
    url = string(value)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise ValueError(f"must be an http(s) URL, not {_shown(value)}") from None
    if parts.scheme not in ("http", "https") or not host or " " in url:
        raise ValueError(f"must be an http(s) URL, not {_shown(value)}")
    if parts.username or parts.password:
        raise ValueError("must not hold a user name or password")
    return url


def directory(value: Any) -> str:
    """A directory of the repository, relative to its root, outside ``.git``: ``""`` for the
    root itself. An absolute path or one that leaves the repository is refused."""
    path = string(value).strip().replace("\\", "/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:/", path):
        raise ValueError(
            f"must be a directory relative to the repository, not the absolute path {value!r}"
        )
    path = posixpath.normpath(path) if path else ""
    if path == ".":
        path = ""
    if path == ".." or path.startswith("../"):
        raise ValueError(
            f"must be a directory inside the repository; {value!r} leaves the repository"
        )
    if any(part.lower() == ".git" for part in path.split("/")):
        raise ValueError(f"must not be git's own directory .git or inside it: {value!r}")
    return path


def check_for(default: Any) -> Check:
    """The check of an option from the type of its declared default."""
    if isinstance(default, bool):
        return boolean
    if isinstance(default, int):
        return integer(-(2**63), 2**63 - 1)
    if isinstance(default, float):
        return number
    if isinstance(default, str):
        return string
    if isinstance(default, (list, tuple)):
        return strings
    return lambda value: value


GENERAL_KEYS: Mapping[str, Check] = {
    "select": strings,
    "ignore": strings,
    "unsafe_fixes": boolean,
    "build_dir": directory,
    "propose_recommendations": boolean,
}


@dataclass
class Config:
    select: Optional[list[str]] = None
    ignore: list[str] = field(default_factory=list)
    unsafe_fixes: bool = False
    build_dir: str = ""
    propose_recommendations: bool = False
    """The bot opens a merge request whose fixes only apply recommendations (info findings)."""
    options: dict[str, Any] = field(default_factory=dict)
    """Fixer options (``keep_procfile``, ``stack``, ...), by their underscore names."""
    source: Optional[str] = None
    """Where the file settings came from, for messages."""


def _key(name: str) -> str:
    return name.replace("-", "_")


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    # Imported here: most repositories have no settings file to parse.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PaasfixError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        raise PaasfixError(
            f"{source}: cannot be read: arrays or tables nested too deeply for the TOML parser"
        ) from None


def settings_from_text(name: str, text: str, source: str) -> Optional[dict[str, Any]]:
    """The paasfix table of a pyproject.toml or paasfix.toml text (None when it has none)."""
    data = _parse_toml(text, source)
    tool = data.get("tool")
    table = tool.get("paasfix") if isinstance(tool, dict) else None
    if name == "pyproject.toml":
        return table if isinstance(table, dict) else None
    return table if isinstance(table, dict) else data


def build_config(
    settings: Mapping[str, Any],
    source: Optional[str],
    option_checks: Mapping[str, Check],
    overrides: Mapping[str, Any],
) -> Config:
    """Check the file settings against the known keys and their checks, and merge the
    command-line overrides (checked the same way). Every bad setting is reported, one line
    each, in one :class:`SettingsError`."""
    checks = {_key(name): check for name, check in option_checks.items()}
    config = Config(source=source)
    problems = []
    where = f"{source}: " if source else ""
    for raw_key, value in settings.items():
        key = _key(raw_key)
        check = GENERAL_KEYS.get(key) or checks.get(key)
        if check is None:
            known = sorted(set(GENERAL_KEYS) | set(checks))
            problems.append(f"{where}unknown setting '{raw_key}' (known: {', '.join(known)})")
            continue
        try:
            value = check(value)
        except ValueError as exc:
            problems.append(f"{where}'{raw_key}' {exc}")
            continue
        if key in GENERAL_KEYS:
            setattr(config, key, value)
        else:
            config.options[key] = value
    for raw_key, value in overrides.items():
        if value is None or value == () or value == []:
            continue
        key = _key(raw_key)
        check = GENERAL_KEYS.get(key) or checks.get(key) or check_for(value)
        try:
            value = check(value)
        except ValueError as exc:
            problems.append(f"--{raw_key.replace('_', '-')} {exc}")
            continue
        if key in GENERAL_KEYS:
            setattr(config, key, value)
        else:
            config.options[key] = value
    if problems:
        raise SettingsError(problems)
    return config


def command_line_directory(value: Optional[str], root: str) -> Optional[str]:
    """``--build-dir`` relative to the repository at ``root``: an absolute path is taken
    when it names a place inside the repository (after following links), and refused
    otherwise; a relative one is left for :func:`directory` to check."""
    if not value or not os.path.isabs(value):
        return value
    real_root = os.path.realpath(root)
    real = os.path.realpath(value)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise SettingsError(
            [f"--build-dir must be a directory inside the repository ({real_root}), not {value!r}"]
        )
    return os.path.relpath(real, real_root).replace(os.sep, "/")


def _too_large(source: str) -> PaasfixError:
    return PaasfixError(
        f"{source}: cannot be read: larger than the "
        f"{MAX_SETTINGS_SIZE // 1048576} MiB a settings file may have"
    )


def read_settings(tree: Tree, config_path: Optional[str]) -> tuple[dict[str, Any], Optional[str]]:
    """The settings table and its source: ``--config`` if given, else the repository's files.
    A settings file over :data:`MAX_SETTINGS_SIZE` is refused without being read whole."""
    if config_path:
        try:
            with open(config_path, "rb") as handle:
                raw = handle.read(MAX_SETTINGS_SIZE + 1)
        except OSError as exc:
            raise PaasfixError(f"{config_path}: cannot be read: {exc.strerror}") from None
        if len(raw) > MAX_SETTINGS_SIZE:
            raise _too_large(config_path)
        try:
            content = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise PaasfixError(f"{config_path}: cannot be read: not UTF-8 text") from None
        name = "pyproject.toml" if config_path.endswith("pyproject.toml") else "paasfix.toml"
        return settings_from_text(name, content, config_path) or {}, config_path
    for name in ("paasfix.toml", "pyproject.toml"):
        file = tree.text(name)
        if file is None:
            continue
        if len(file.text.encode("utf-8", "replace")) > MAX_SETTINGS_SIZE:
            raise _too_large(name)
        settings = settings_from_text(name, file.text, name)
        if settings is not None:
            return settings, name
    return {}, None
