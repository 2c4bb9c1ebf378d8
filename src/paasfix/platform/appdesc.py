"""Environment variables in app_desc.yaml: read them as the platform applies them, and set them
through a ruamel.yaml round trip that keeps comments, key order, quoting and indentation.

Where the platform reads them (PLATFORM.md §1.4, §1.5):

- ``spec_version: 2``: a module's ``env_variables``, a list of ``{key, value}`` items with an
  optional ``environment_name`` (``stag``, ``prod``, or ``_global_``, the default);
- ``specVersion: 3``: a module's ``spec.configuration.env``, a list of ``{name, value}``,
  overridden per environment by ``spec.envOverlay.envVariables`` items ``{envName, name, value}``.

Which modules a variable is for is the caller's choice (``scope``):

- ``SCOPE_DEFAULT``: the module a deploy of the default module reads
  (:func:`paasfix.platform.rules.default_module`);
- ``SCOPE_PYTHON``: every module declared with ``language: Python``, for variables the Python
  buildpack reads at build time (in a repository like bk-sops every module builds the same
  Python code, and each one is built with its own variables). When no module says Python, the
  default module.

Values are always written as quoted strings: the platform turns an unquoted ``20.10`` into
``"20.1"`` and rejects ``true`` (PLATFORM.md §1.4). An existing variable is changed where it
stands (every entry of it, in every environment), never added a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from paasfix.platform import rules

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import ScalarString

SCOPE_DEFAULT = "default"
SCOPE_PYTHON = "python"
GLOBAL = "_global_"
ENVIRONMENTS = ("stag", "prod")
"""The environments a module is deployed to; ``_global_`` applies to both."""


class EnvEditError(ValueError):
    """The description has no place the variable can be written to (message says why)."""


@dataclass(frozen=True)
class EnvEntry:
    """One item that sets a variable."""

    module: str
    """Where the module is, as dotted keys (``modules.default``, ``modules[0]``, ``module``)."""
    where: str
    """Where the item is (``module.env_variables[2]``)."""
    environment: str
    """``_global_``, ``stag`` or ``prod``."""
    value: Any
    line: Optional[int] = None
    """1-based line of the item, when the data came from a round trip."""


# -- finding the modules and their lists -------------------------------------------------------


def _is_v3(data: Any) -> bool:
    return bool(rules.spec_version(data) == 3)


def _all_modules(data: Any) -> Iterator[tuple[str, Any]]:
    modules = data.get("modules")
    if isinstance(modules, dict):
        for name, module in modules.items():
            yield f"modules.{name}", module
    elif isinstance(modules, list):
        for index, module in enumerate(modules):
            yield f"modules[{index}]", module
    if data.get("module") is not None:
        yield "module", data["module"]


def target_modules(data: Any, scope: str = SCOPE_DEFAULT) -> list[tuple[str, dict[str, Any]]]:
    """(where, module) of every module a variable in ``scope`` is for."""
    if not isinstance(data, dict):
        return []
    found: list[tuple[str, dict[str, Any]]] = []
    if scope == SCOPE_PYTHON:
        found = [
            (where, module)
            for where, module in _all_modules(data)
            if isinstance(module, dict)
            and isinstance(module.get("language"), str)
            and module["language"].lower() == "python"
        ]
    elif scope != SCOPE_DEFAULT:
        raise ValueError(f"unknown scope {scope!r}")
    if not found:
        where, module = rules.default_module(data)
        if where is not None and isinstance(module, dict):
            found = [(where, module)]
    return found


def _env_list(data: Any, module: dict[str, Any], where: str) -> tuple[Any, str, str]:
    """(the list or None, its dotted place, the name field) of a module's variables."""
    if _is_v3(data):
        spec = module.get("spec")
        config = spec.get("configuration") if isinstance(spec, dict) else None
        items = config.get("env") if isinstance(config, dict) else None
        return items, f"{where}.spec.configuration.env", "name"
    return module.get("env_variables"), f"{where}.env_variables", "key"


def _overlay_list(data: Any, module: dict[str, Any], where: str) -> tuple[Any, str]:
    if not _is_v3(data):
        return None, ""
    spec = module.get("spec")
    overlay = spec.get("envOverlay") if isinstance(spec, dict) else None
    items = overlay.get("envVariables") if isinstance(overlay, dict) else None
    return items, f"{where}.spec.envOverlay.envVariables"


def _line_of(items: Any, index: int) -> Optional[int]:
    lc = getattr(items, "lc", None)
    try:
        return lc.item(index)[0] + 1 if lc is not None else None
    except (KeyError, TypeError, AttributeError):
        return None


def _items_named(items: Any, field: str, name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict) and item.get(field) == name:
                yield index, item


# -- reading --------------------------------------------------------------------------------


def _module_items(
    data: Any, module: dict[str, Any], where: str, name: str
) -> Iterator[tuple[list[Any], int, str, str]]:
    """(list, index, dotted place, environment) of every item of a module setting ``name``."""
    v3 = _is_v3(data)
    items, at, field = _env_list(data, module, where)
    for index, item in _items_named(items, field, name):
        environment = GLOBAL if v3 else item.get("environment_name") or GLOBAL
        yield items, index, f"{at}[{index}]", environment
    overlay, at = _overlay_list(data, module, where)
    for index, item in _items_named(overlay, "name", name):
        yield overlay, index, f"{at}[{index}]", item.get("envName") or GLOBAL


def env_entries(data: Any, name: str, scope: str = SCOPE_DEFAULT) -> list[EnvEntry]:
    """Every item that sets ``name`` in the modules of ``scope``, in file order."""
    entries = []
    for where, module in target_modules(data, scope):
        for items, index, place, environment in _module_items(data, module, where, name):
            entries.append(
                EnvEntry(
                    where, place, environment, items[index].get("value"), _line_of(items, index)
                )
            )
    return entries


def env_values(data: Any, name: str, scope: str = SCOPE_DEFAULT) -> dict[str, dict[str, Any]]:
    """For each module of ``scope``: environment -> the value ``name`` has there (None: unset).

    An entry for one environment is the more specific one and wins over a ``_global_`` one.
    """
    result: dict[str, dict[str, Any]] = {
        where: dict.fromkeys(ENVIRONMENTS) for where, _ in target_modules(data, scope)
    }
    entries = env_entries(data, name, scope)
    for specific in (False, True):
        for entry in entries:
            if (entry.environment != GLOBAL) != specific:
                continue
            for environment in ENVIRONMENTS:
                if entry.environment in (GLOBAL, environment):
                    result[entry.module][environment] = entry.value
    return result


# -- writing --------------------------------------------------------------------------------


Keep = Optional[Callable[[Any], bool]]
"""Which current values to leave alone (for example a version that is already new enough)."""


def set_env_text(
    text: str, name: str, value: str, scope: str = SCOPE_DEFAULT, keep: Keep = None
) -> Optional[str]:
    """``text`` with ``name`` set to ``value``; None when it already is. Raises EnvEditError."""
    from paasfix.formats.yamlio import RoundTrip

    document = RoundTrip(text)
    if not set_env(document.data, name, value, scope, keep):
        return None
    return document.dump()


def set_env(
    data: Any, name: str, value: str, scope: str = SCOPE_DEFAULT, keep: Keep = None
) -> list[str]:
    """Set ``name`` to the quoted string ``value`` in round-trip ``data``; where it changed.

    Every existing entry of ``name`` is updated in place, except those whose value ``keep``
    accepts; a ``_global_`` entry is appended when some environment would otherwise stay
    without one.
    """
    if not isinstance(value, str):
        raise TypeError("environment variable values are strings")
    modules = target_modules(data, scope)
    if not modules:
        raise EnvEditError("app_desc.yaml defines no module to set the variable in")
    changed: list[str] = []
    seen: set[int] = set()
    for where, module in modules:
        changed += _set_in_module(data, module, where, name, value, seen, keep)
    return changed


def _set_in_module(
    data: Any, module: dict[str, Any], where: str, name: str, value: str, seen: set[int], keep: Keep
) -> list[str]:
    items, at, field = _env_list(data, module, where)
    if items is not None and not isinstance(items, list):
        raise EnvEditError(f"{at} is not a list")
    changed = []
    covered: set[str] = set()
    for found, index, place, environment in _module_items(data, module, where, name):
        covered.update(ENVIRONMENTS if environment == GLOBAL else (environment,))
        item = found[index]
        if id(item) not in seen:
            seen.add(id(item))
            if keep is not None and keep(item.get("value")):
                continue
            if _set_value(item, value):
                changed.append(place)
    if covered >= set(ENVIRONMENTS):
        return changed
    if not items:
        _create_env_list(data, module, where, _new_item([], field, name, value))
        return changed + [f"{at}[0]"]
    _append_item(items, _new_item(items, field, name, value))
    return changed + [f"{at}[{len(items) - 1}]"]


def _quoted(value: str, like: Any = None) -> ScalarString:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    quoted: ScalarString  # ruamel.yaml's constructors are typed as returning Any
    if isinstance(like, SingleQuotedScalarString) and "'" not in value:
        quoted = SingleQuotedScalarString(value)
    else:
        quoted = DoubleQuotedScalarString(value)
    return quoted


def _set_value(item: dict[str, Any], value: str) -> bool:
    current = item.get("value")
    if isinstance(current, str) and str(current) == value:
        return False
    item["value"] = _quoted(value, current)
    return True


def _new_item(items: list[Any], field: str, name: str, value: str) -> CommentedMap:
    from ruamel.yaml.comments import CommentedMap

    style = next(
        (
            item.get("value")
            for item in items
            if isinstance(item, dict) and isinstance(item.get("value"), str)
        ),
        None,
    )
    return CommentedMap([(field, name), ("value", _quoted(value, style))])


def _create_env_list(data: Any, module: dict[str, Any], where: str, item: Any) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    items = CommentedSeq([item])
    if not _is_v3(data):
        heading = [key for key in module if key in ("is_default", "language", "source_dir")]
        after = heading[-1] if heading else None
        _put_key(module, "env_variables", items, after)
        return
    spec = module.get("spec")
    if not isinstance(spec, dict):
        raise EnvEditError(f"{where} has no spec mapping to hold spec.configuration.env")
    config = spec.get("configuration")
    if config is None:
        _put_key(spec, "configuration", CommentedMap([("env", items)]), None)
    elif isinstance(config, dict):
        _put_key(config, "env", items, None)
    else:
        raise EnvEditError(f"{where}.spec.configuration is not a mapping")


# -- keeping comments where they belong ------------------------------------------------------
#
# ruamel.yaml attaches the comment lines that follow a node (blank lines, a comment heading the
# next key) to the last scalar before them. A node inserted after that scalar would land below
# those lines, so they are moved to the end of the inserted node.


def _last_key(container: Any) -> Any:
    return list(container.keys())[-1] if isinstance(container, dict) else len(container) - 1


def _tail_slot(container: Any, key: Any) -> tuple[dict[Any, Any], Any, int]:
    """(``ca.items``, key, position) of the comment after the end of ``container[key]``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    value = container[key]
    if isinstance(value, (CommentedMap, CommentedSeq)) and len(value):
        return _tail_slot(value, _last_key(value))
    return container.ca.items, key, 2 if isinstance(container, dict) else 0


def _move_trailing_lines(slot: tuple[dict[Any, Any], Any, int], target: tuple[Any, Any]) -> None:
    """Move the comment lines held in ``slot`` to after entry ``target``; an end-of-line
    comment stays where it is."""
    from ruamel.yaml.tokens import CommentToken

    items, key, position = slot
    slots = items.get(key)
    token = slots[position] if slots and len(slots) > position else None
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return
    cut = token.value.index("\n") + 1
    own, rest = token.value[:cut], token.value[cut:]
    if not rest:
        return
    token.value = own
    to_items, to_key, to_position = _tail_slot(*target)
    to_slots = to_items.setdefault(to_key, [None, None, None, None])
    to_slots[to_position] = CommentToken("\n" + rest, token.start_mark, None)


def _append_item(items: Any, item: Any) -> None:
    slot = _tail_slot(items, len(items) - 1)
    items.append(item)
    _move_trailing_lines(slot, (items, len(items) - 1))


def _put_key(mapping: Any, key: str, value: Any, after: Optional[str]) -> None:
    """Give ``mapping`` the new entry ``key`` after ``after`` (else last); an entry already
    there with an empty value is filled where it stands."""
    slot: Optional[tuple[dict[Any, Any], Any, int]]
    if key in mapping:
        slot = _tail_slot(mapping, key)
        mapping[key] = value
    else:
        keys = list(mapping.keys())
        position = keys.index(after) + 1 if after in keys else len(keys)
        slot = _tail_slot(mapping, keys[position - 1]) if position else None
        mapping.insert(position, key, value)
    if slot is not None:
        _move_trailing_lines(slot, (mapping, key))
