"""A git-style unified diff of a changeset, which ``git apply`` accepts."""

from __future__ import annotations

import difflib
from typing import Iterable, Optional

from paasfix.core.text import split_lines
from paasfix.runner import Change

CONTEXT = 3


def _lines(raw: Optional[bytes]) -> list[str]:
    return split_lines(raw.decode("utf-8", "surrogateescape")) if raw else []


def _range(start: int, stop: int) -> str:
    length = stop - start
    first = start + 1
    if length == 1:
        return str(first)
    if length == 0:
        first -= 1
    return f"{first},{length}"


def _emit(prefix: str, line: str) -> list[str]:
    if line.endswith("\n"):
        return [prefix + line]
    return [prefix + line + "\n", "\\ No newline at end of file\n"]


def file_diff(change: Change) -> str:
    a = f"a/{change.path}"
    b = f"b/{change.path}"
    out = [f"diff --git {a} {b}\n"]
    if change.old is None:
        out.append(f"new file mode {change.new_mode:o}\n")
    elif change.new is None:
        out.append(f"deleted file mode {change.old_mode:o}\n")
    elif change.old_mode != change.new_mode:
        out.append(f"old mode {change.old_mode:o}\nnew mode {change.new_mode:o}\n")
    old, new = _lines(change.old), _lines(change.new)
    if old == new:
        return "".join(out)
    out.append(f"--- {a if change.old is not None else '/dev/null'}\n")
    out.append(f"+++ {b if change.new is not None else '/dev/null'}\n")
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for group in matcher.get_grouped_opcodes(CONTEXT):
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for line in old[i1:i2]:
                    out += _emit(" ", line)
                continue
            for line in old[i1:i2]:
                out += _emit("-", line)
            for line in new[j1:j2]:
                out += _emit("+", line)
    return "".join(out)


def _rename_diff(deleted: Change, created: Change) -> str:
    out = [f"diff --git a/{deleted.path} b/{created.path}\n"]
    if deleted.old_mode != created.new_mode:
        out.append(f"old mode {deleted.old_mode:o}\nnew mode {created.new_mode:o}\n")
    out.append(f"similarity index 100%\nrename from {deleted.path}\nrename to {created.path}\n")
    return "".join(out)


def unified_diff(changes: Iterable[Change]) -> str:
    """The patch of ``changes``; a file deleted and created elsewhere unchanged is a rename."""
    changes = list(changes)
    created: dict[bytes, Change] = {}
    for change in changes:
        if change.old is None and change.new is not None:
            created.setdefault(change.new, change)
    renamed = {}
    for change in changes:
        if change.new is None and change.old in created and created[change.old].path not in renamed:
            renamed[created.pop(change.old).path] = change
    moved_away = {deleted.path for deleted in renamed.values()}
    out = []
    for change in changes:
        if change.path in renamed:
            out.append(_rename_diff(renamed[change.path], change))
        elif change.path not in moved_away:
            out.append(file_diff(change))
    return "".join(out)
