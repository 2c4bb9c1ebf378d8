"""The build's compile hooks (PLATFORM.md §4.4) and the marked blocks paasfix keeps in them.

Both Python buildpacks run ``bin/pre_compile`` before Python is installed and
``bin/post_compile`` at the end of the build (after ``chmod +x``). BlueKing also accepts the
hyphen spellings ``bin/pre-compile`` and ``bin/post-compile``: when ``bin/`` exists and the
underscore file does not, it generates an underscore wrapper that runs the hyphen script. So
with both spellings present only the underscore one runs.

A *block* is a run of lines paasfix owns inside a hook, between a begin and an end marker that
name paasfix and the block's purpose. Everything outside the markers is the author's and is
kept byte for byte; the block is inserted once and then only updated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from paasfix.core.edit import Edit
from paasfix.core.errors import UnsafePath
from paasfix.core.text import new_text_file
from paasfix.core.tree import EXEC_MODE, LINK_MODE, join
from paasfix.formats import pyast

if TYPE_CHECKING:
    from paasfix.core.tree import Tree

PRE_COMPILE = "pre_compile"
POST_COMPILE = "post_compile"
STAGES = (PRE_COMPILE, POST_COMPILE)
HOOK_DIR = "bin"

SHEBANG = "#!/usr/bin/env bash"
NEW_HOOK_HEADER = f"{SHEBANG}\nset -e\n"
"""How a hook paasfix creates begins: bash, stopping at the first failing command."""

_SET_LINE_RE = re.compile(r"^\s*set\s+[-+]")


def hyphen_name(stage: str) -> str:
    return stage.replace("_", "-")


@dataclass(frozen=True)
class CompileHook:
    """The two spellings of one hook in the build directory, and which one the build runs."""

    stage: str
    underscore: str
    """Path of ``bin/<stage>`` (``bin/pre_compile``)."""
    hyphen: str
    """Path of the hyphen spelling (``bin/pre-compile``)."""
    has_underscore: bool
    has_hyphen: bool
    bin_is_dir: bool
    """False when ``bin`` exists as something other than a directory (no hook can live there)."""

    @property
    def active(self) -> Optional[str]:
        """The script the build runs, None when there is none."""
        if self.has_underscore:
            return self.underscore
        return self.hyphen if self.has_hyphen else None

    @property
    def ignored(self) -> Optional[str]:
        """The hyphen script when both spellings exist: the build never runs it."""
        return self.hyphen if self.has_underscore and self.has_hyphen else None

    @property
    def target(self) -> Optional[str]:
        """Where to put commands for this stage: the script that runs, else a new hyphen
        script (the platform's documented name). None when ``bin`` is not a directory."""
        if self.active is not None:
            return self.active
        return self.hyphen if self.bin_is_dir else None


def compile_hook(tree: "Tree", build_dir: str, stage: str) -> CompileHook:
    """What ``build_dir`` holds for ``stage`` (``pre_compile`` or ``post_compile``)."""
    if stage not in STAGES:
        raise ValueError(f"unknown hook stage {stage!r}")
    directory = join(build_dir, HOOK_DIR)
    underscore = join(build_dir, HOOK_DIR, stage)
    hyphen = join(build_dir, HOOK_DIR, hyphen_name(stage))
    bin_is_dir = tree.is_dir(directory) or not _exists(tree, directory)
    return CompileHook(
        stage, underscore, hyphen, tree.is_file(underscore), tree.is_file(hyphen), bin_is_dir
    )


def _exists(tree: "Tree", path: str) -> bool:
    try:
        return tree.kind(path) is not None
    except UnsafePath:
        return True


# -- marked blocks -----------------------------------------------------------------------------


def begin_marker(purpose: str) -> str:
    return f"# >>> paasfix: {purpose} >>>"


def end_marker(purpose: str) -> str:
    return f"# <<< paasfix: {purpose} <<<"


def block_text(purpose: str, body: str) -> str:
    """The block's lines, markers included, each ending in ``\\n``."""
    if "\n" in purpose or ">>>" in purpose or "<<<" in purpose:
        raise ValueError(f"a block purpose is one line without markers: {purpose!r}")
    inner = body if body.endswith("\n") or not body else body + "\n"
    return f"{begin_marker(purpose)}\n{inner}{end_marker(purpose)}\n"


def find_block(lines: list[str], purpose: str) -> tuple[Optional[tuple[int, int]], Optional[str]]:
    """((first, last) line indexes of the block, markers included, or None; a problem or None).

    A problem is a begin marker without its end marker (or the reverse), or two blocks.
    """
    begins = [i for i, line in enumerate(lines) if line.strip() == begin_marker(purpose)]
    ends = [i for i, line in enumerate(lines) if line.strip() == end_marker(purpose)]
    if not begins and not ends:
        return None, None
    if len(begins) == 1 and len(ends) == 1 and begins[0] < ends[0]:
        return (begins[0], ends[0]), None
    where = ", ".join(str(i + 1) for i in sorted(begins + ends))
    return None, (
        f"its paasfix block '{purpose}' is damaged (marker lines {where}); remove "
        "the block's lines, markers included, and run paasfix again"
    )


def has_shebang(text: str) -> bool:
    return text.startswith("#!")


def commands(text: str) -> list[str]:
    """The lines of a shell script that do something: not blank, not comments, not ``set``."""
    return [
        line
        for line in text.split("\n")
        if line.strip() and not line.lstrip().startswith("#") and not _SET_LINE_RE.match(line)
    ]


SHELL_WORDS = frozenset(
    ". [ [[ apt-get bash case cat cd celery chmod cp curl django-admin echo exit export false "
    "find for git grep if ln ls make mkdir mv node npm pip pip2 pip3 printf python python2 "
    "python3 rm sed sh source tar test touch trap true unset wget while yarn".split()
)
"""Words a shell script's first command typically starts with."""
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def clearly_shell(text: str) -> bool:
    """A script without ``#!`` whose commands are shell: it is not valid Python, and its first
    command starts like a shell command (a known command, a variable assignment, a path)."""
    found = commands(text)
    if not found:
        return False
    try:
        pyast.parse(text)
        return False
    except (SyntaxError, ValueError):
        pass
    first = found[0].strip()
    word = re.split(r"[\s;|&()]", first, maxsplit=1)[0]
    return (
        word in SHELL_WORDS
        or bool(_ASSIGNMENT_RE.match(first))
        or word.startswith(("./", "bin/", "$"))
    )


def same_script(a: str, b: str) -> bool:
    """Whether two hook scripts run the same commands (they differ at most in surrounding
    blank space)."""
    return a.strip() == b.strip()


def first_crlf_line(raw: bytes) -> int:
    """The line number of the first CRLF line ending in ``raw`` (which has one)."""
    return raw[: raw.index(b"\r\n")].count(b"\n") + 1


def _insertion_point(lines: list[str]) -> int:
    """After the shebang, the ``set`` lines that follow it, and the blank lines after them, so
    that the block runs before the author's commands (and before any early ``exit``)."""
    index = 0
    if lines and has_shebang(lines[0]):
        index = 1
        while index < len(lines) and _SET_LINE_RE.match(lines[index]):
            index += 1
        while index < len(lines) and not lines[index].strip():
            index += 1
    return index


def _with_block(text: str, purpose: str, body: str) -> tuple[Optional[str], Optional[str]]:
    """(the script's new text, or None when it already has the block; a problem or None)."""
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    span, problem = find_block(lines, purpose)
    block = block_text(purpose, body).splitlines(keepends=True)
    if problem is not None:
        return None, problem
    if span is not None:
        first, last = span
        if lines[first : last + 1] == block:
            return None, None
        return "".join(lines[:first] + block + lines[last + 1 :]), None
    index = _insertion_point(lines)
    before, after = lines[:index], lines[index:]
    if before and not before[-1].endswith("\n"):
        before[-1] += "\n"
    if before and before[-1].strip():
        block = ["\n"] + block
    if after:
        block = block + ["\n"]
    return "".join(before + block + after), None


@dataclass(frozen=True)
class BlockPlan:
    """What it takes to have a block in a hook: a write, nothing (it is there), or a problem
    that a person has to solve."""

    path: str
    edit: Optional[Edit] = None
    """The script's new content, executable."""
    problem: Optional[str] = None
    creates: bool = False


def plan_block(tree: "Tree", path: str, purpose: str, body: str) -> BlockPlan:
    """The write that inserts or updates the block ``purpose`` holding ``body`` in the hook script
    at ``path``.

    A missing script is created as bash with ``set -e``; an existing one keeps every byte
    outside the block and its line endings. A script that changes becomes executable. A script
    that already holds the block exactly gets no write.
    """
    if tree.mode(path) == LINK_MODE:
        return BlockPlan(
            path, problem=f"{path} is a symbolic link; paasfix does not edit through links"
        )
    file = tree.text(path)
    if file is None or not file.text.strip():
        text = NEW_HOOK_HEADER + "\n" + block_text(purpose, body)
        return BlockPlan(path, Edit(path, new_text_file(text), EXEC_MODE), creates=file is None)
    new_text, problem = _with_block(file.text, purpose, body)
    if problem is not None:
        return BlockPlan(path, problem=f"{path}: {problem}")
    if new_text is None:
        return BlockPlan(path)
    return BlockPlan(path, Edit(path, file.encode(new_text), EXEC_MODE))
