"""Configuration: ``[tool.paasfix]`` in pyproject.toml or ``paasfix.toml``; the command line wins."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Optional

from .errors import PaasfixError

GENERAL_KEYS = {
    "select": list,
    "ignore": list,
    "unsafe_fixes": bool,
    "build_dir": str,
}


@dataclass
class Config:
    select: Optional[list[str]] = None
    ignore: list[str] = field(default_factory=list)
    unsafe_fixes: bool = False
    build_dir: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    """Fixer options (``keep_procfile``, ``stack``, ...), by their underscore names."""
    source: Optional[str] = None
    """Where the file settings came from, for messages."""


def _key(name: str) -> str:
    return name.replace("-", "_")


def _parse_toml(text: str, source: str) -> dict:
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
        raise PaasfixError(f"{source}: cannot be read: arrays or tables nested too deeply "
                           "for the TOML parser") from None


def settings_from_text(name: str, text: str, source: str) -> Optional[dict]:
    """The paasfix table of a pyproject.toml or paasfix.toml text (None when it has none)."""
    data = _parse_toml(text, source)
    if name == "pyproject.toml":
        tool = data.get("tool")
        table = tool.get("paasfix") if isinstance(tool, dict) else None
        return table if isinstance(table, dict) else None
    if isinstance(data.get("tool"), dict) and isinstance(data["tool"].get("paasfix"), dict):
        return data["tool"]["paasfix"]
    return data


def build_config(
    settings: Mapping[str, Any],
    source: Optional[str],
    option_names: Iterable[str],
    overrides: Mapping[str, Any],
) -> Config:
    """Check the file settings against the known keys and merge the command-line overrides."""
    known_options = {_key(n) for n in option_names}
    config = Config(source=source)
    for raw_key, value in settings.items():
        key = _key(raw_key)
        where = f"{source}: " if source else ""
        if key in GENERAL_KEYS:
            expected = GENERAL_KEYS[key]
            if expected is list and isinstance(value, str):
                value = [value]
            if not isinstance(value, expected) or expected is list and not all(
                    isinstance(item, str) for item in value):
                raise PaasfixError(f"{where}'{raw_key}' must be a {expected.__name__}")
            setattr(config, key, value)
        elif key in known_options:
            config.options[key] = value
        else:
            known = sorted(set(GENERAL_KEYS) | known_options)
            raise PaasfixError(f"{where}unknown setting '{raw_key}' (known: {', '.join(known)})")
    for key, value in overrides.items():
        if value is None or value == () or value == []:
            continue
        if key in GENERAL_KEYS:
            setattr(config, key, list(value) if GENERAL_KEYS[key] is list else value)
        else:
            config.options[_key(key)] = value
    return config


def read_settings(tree, config_path: Optional[str]) -> tuple[dict, Optional[str]]:
    """The settings table and its source: ``--config`` if given, else the repository's files."""
    if config_path:
        try:
            with open(config_path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise PaasfixError(f"{config_path}: cannot read the configuration: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise PaasfixError(f"{config_path}: the configuration is not UTF-8 text") from None
        name = "pyproject.toml" if config_path.endswith("pyproject.toml") else "paasfix.toml"
        return settings_from_text(name, text, config_path) or {}, config_path
    for name in ("paasfix.toml", "pyproject.toml"):
        file = tree.text(name)
        if file is None:
            continue
        settings = settings_from_text(name, file.text, name)
        if settings is not None:
            return settings, name
    return {}, None
