"""What the platform does with a broken app_desc.yaml, in words: what it refuses, the message it
stops the deploy with, and what a person has to change where paasfix does not repair it
(renaming a process or a variable changes what refers to it; a null value may mean empty or
absent)."""

from __future__ import annotations

from typing import Any

from paasfix.formats.yamlio import YamlProblem
from paasfix.platform import rules
from paasfix.platform.appdesc_repairs import ENV_VALUES, Repair, RepairGroup


def advice(path: str, problem: rules.Problem) -> str:
    """The problem in the file at ``path``, with what to change."""
    text = f"{path}: {str(problem).rstrip('.')}"
    if problem.kind == "process-name":
        return (
            f"{text}; rename the process here and wherever it is referred to (paasfix does "
            "not rename processes)"
        )
    if problem.kind == "env-key":
        return (
            f"{text}; rename the variable here and in the code that reads it (paasfix does "
            "not rename variables)"
        )
    if problem.kind == "env-value" and "null" in problem.message:
        return f'{text}; give it a quoted value ("" for an empty one) or remove the entry'
    if problem.kind == "env-value":
        return (
            f"{text}; paasfix leaves it because quoting it would change other data too (an "
            "anchor or a tag on the value): write this value in quotes yourself"
        )
    if problem.kind == "language":
        return text
    return f"{text}; the platform refuses the file until this is corrected"


def unreadable(path: str, problem: YamlProblem, fullwidth: list[int]) -> str:
    """app_desc.yaml at ``path`` does not load because of ``problem``; ``fullwidth``: the lines
    with a full-width colon that paasfix cannot replace."""
    hint = (
        f" (line {', '.join(map(str, fullwidth))} has a full-width colon ：; where it ends a key, "
        "YAML needs `:` followed by a blank)"
        if fullwidth
        else ""
    )
    at = f", line {problem.line}" if problem.line else ""
    return (
        f"{path} cannot be read as YAML ({problem.message}{at}), so the platform stops every "
        f'deploy with `file "{path.rpartition("/")[2]}"\'s format is not YAML`; correct that '
        f"line{hint}"
    )


def fullwidth_colons(path: str, repairs: list[Repair]) -> str:
    """app_desc.yaml does not load because of the full-width colons that ``repairs`` replace."""
    where = ", ".join(f"line {repair.line} `{repair.what}`" for repair in repairs)
    verb = "has" if len(repairs) == 1 else "have"
    return (
        f"{path} cannot be read as YAML: {where} {verb} a full-width colon (：) where YAML needs "
        "`:`; replace it with `:`"
    )


def not_a_mapping(path: str, data: Any) -> str:
    what = "is empty" if data is None else "is not a mapping of keys to values"
    return (
        f"{path} {what}, so the platform refuses it (must be dict type); write the description "
        "or remove the file"
    )


def repaired_values(path: str, group: RepairGroup) -> str:
    """What the repairs of ``group`` change, as one message."""
    details = "; ".join(repair.what for repair in group.repairs if repair.what)
    if group.kind != ENV_VALUES:
        return f"{path}: {details}"
    return (
        f"{path}: environment variable values that YAML does not read as written: {details}; "
        "quote them exactly as written"
    )


def missing_version(path: str, current: Any, has_procfile: bool, repair: str) -> str:
    """app_desc.yaml has no version the platform accepts (``current``: the one it has); the
    platform then ignores it for a Procfile, or fails; ``repair`` says what to write."""
    state = "has no spec version" if current is None else "has a spec version the platform refuses"
    detail = (
        "no spec version is specified"
        if current is None
        else f'app spec version "{current}" is not supported'
    )
    effect = (
        "the platform ignores it and uses only the Procfile"
        if has_procfile
        else "the deploy fails with `the procfile data is empty and the app desc data is "
        f"invalid, detail: {detail}`"
    )
    return f"{path} {state}, so {effect}; {repair}"
