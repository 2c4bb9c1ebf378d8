"""Process commands read the way a shell runs them: which programs they start, in which
directory, and whether the shell waits for them.

Only what can be read for certain is read: a command that does not split into words, or a
script with control structures, gives less information rather than a guess. Nothing is run.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, replace
from typing import Iterable, Optional, Sequence

SEPARATORS = frozenset({"&&", "||", ";", ";;", "&", "(", ")", "\n"})
PIPES = frozenset({"|", "|&"})
_REDIRECT_RE = re.compile(r"^(?:[<>]+&?|&>>?|>&|<&)$")
_ASSIGNMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON_RE = re.compile(r"^python(\d(\.\d+)?)?$")
SHELLS = frozenset({"bash", "sh", "dash", "zsh", "ash"})
PREFIXES = frozenset({"exec", "nohup", "time", "command"})
_STRUCTURE_RE = re.compile(
    r"^\s*(if|then|else|elif|fi|for|while|until|do|done|case|esac|"
    r"function|select|\{|\}|\(|\))(\s|$|;)|<<|\(\)\s*\{"
)


@dataclass(frozen=True)
class Invocation:
    """One program a command starts."""

    argv: tuple[str, ...]
    """The program and its arguments, without ``exec``, ``nohup``, ``env`` or variable
    assignments before it."""
    background: bool = False
    """Started with ``&``: the shell does not wait for it."""
    final: bool = True
    """Part of the command's last pipeline, the one the process lives as long as."""
    cwd: Optional[str] = ""
    """The directory it runs in, relative to where the command starts (after ``cd``); None when
    it cannot be known."""
    line: Optional[int] = None
    """In a script: the line it is written on."""


def words(command: str) -> Optional[list[str]]:
    """The shell words of ``command``, with ``&&``, ``|``, ``;`` and ``&`` as words of their own;
    None when the quotes do not balance."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    for index, token in enumerate(tokens):
        if token.startswith("#"):
            return tokens[:index]
    return tokens


def _without_redirections(tokens: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for token in tokens:
        if skip:
            skip = False
            continue
        if _REDIRECT_RE.match(token):
            if out and out[-1].isdigit():
                out.pop()
            skip = True
            continue
        out.append(token)
    return out


def strip_prefixes(argv: Sequence[str]) -> list[str]:
    """``argv`` without ``exec``/``nohup``/``env`` and ``NAME=value`` words in front."""
    argv = list(argv)
    while argv:
        head = argv[0]
        if head in PREFIXES or _ASSIGNMENT_RE.match(head):
            argv.pop(0)
        elif head == "env":
            argv.pop(0)
            while argv and (argv[0].startswith("-") or _ASSIGNMENT_RE.match(argv[0])):
                argv.pop(0)
        else:
            break
    return argv


def shell_string(argv: Sequence[str]) -> Optional[str]:
    """The command string of ``sh -c STRING`` (any shell, any short options with ``c``)."""
    if not argv or posixpath.basename(argv[0]) not in SHELLS:
        return None
    for index, arg in enumerate(argv[1:], start=1):
        if not arg.startswith("-"):
            return None
        if not arg.startswith("--") and "c" in arg[1:]:
            return argv[index + 1] if index + 1 < len(argv) else None
    return None


def _pipelines(tokens: list[str]) -> list[tuple[list[list[str]], bool]]:
    """The pipelines of a word list, each with whether it is run in the background."""
    result: list[tuple[list[list[str]], bool]] = []
    pipeline: list[list[str]] = []
    segment: list[str] = []
    for token in tokens + [";"]:
        if token in PIPES:
            pipeline.append(segment)
            segment = []
        elif token in SEPARATORS:
            pipeline.append(segment)
            if any(pipeline):
                result.append(([s for s in pipeline if s], token == "&"))
            pipeline, segment = [], []
        else:
            segment.append(token)
    return result


def _cd(argv: list[str], cwd: Optional[str]) -> Optional[str]:
    if cwd is None or len(argv) != 2 or argv[1].startswith(("/", "~", "-")) or "$" in argv[1]:
        return None
    joined = posixpath.normpath(posixpath.join(cwd, argv[1]))
    return None if joined.startswith("..") else ("" if joined == "." else joined)


def read_words(
    tokens: list[str], cwd: Optional[str] = ""
) -> tuple[list[Invocation], Optional[str]]:
    """The invocations of a word list, and the directory it ends in."""
    found: list[Invocation] = []
    pipelines = _pipelines(tokens)
    for number, (pipeline, background) in enumerate(pipelines):
        final = number == len(pipelines) - 1
        for segment in pipeline:
            argv = strip_prefixes(_without_redirections(segment))
            if not argv:
                continue
            if argv[0] == "cd":
                cwd = _cd(argv, cwd)
                continue
            inner = shell_string(argv)
            inner_words = words(inner) if inner is not None else None
            if inner_words is not None:
                nested, _ = read_words(inner_words, cwd)
                found += [
                    replace(
                        item, background=item.background or background, final=item.final and final
                    )
                    for item in nested
                ]
                continue
            found.append(Invocation(tuple(argv), background, final, cwd))
    return found, cwd


def invocations(command: str, cwd: Optional[str] = "") -> list[Invocation]:
    """The programs a one-line shell command starts (empty when it does not split into words)."""
    tokens = words(command)
    return read_words(tokens, cwd)[0] if tokens is not None else []


def argv_invocations(argv: Sequence[str]) -> list[Invocation]:
    """The programs a command given as a list of words starts (no shell reads the list, so
    ``&`` or ``;`` in it are plain arguments); a ``sh -c`` string in it is read as a command."""
    argv = strip_prefixes(argv)
    if not argv:
        return []
    inner = shell_string(argv)
    inner_words = words(inner) if inner is not None else None
    if inner_words is not None:
        return read_words(inner_words)[0]
    return [Invocation(tuple(argv))]


def flat_words(command: str) -> Optional[list[str]]:
    """The words of ``command`` with each ``sh -c`` string replaced by its own words."""
    tokens = words(command)
    if tokens is None:
        return None
    out: list[str] = []
    for index, token in enumerate(tokens):
        previous = tokens[:index]
        argv = strip_prefixes(previous[_segment_start(previous) :])
        if argv and shell_string(argv + [token]) == token:
            inner = flat_words(token)
            if inner is None:
                return None
            out += inner
        else:
            out.append(token)
    return out


def _segment_start(tokens: list[str]) -> int:
    for index in range(len(tokens) - 1, -1, -1):
        if tokens[index] in SEPARATORS or tokens[index] in PIPES:
            return index + 1
    return 0


@dataclass(frozen=True)
class Script:
    """A shell script's commands, as far as they can be read."""

    invocations: tuple[Invocation, ...]
    structured: bool
    """It has control structures (if, loops, functions, here-documents): which commands run,
    and which one the process lives as long as, is not read."""


def read_script(text: str) -> Optional[Script]:
    """The commands of a shell script, line by line; None when a line does not split into words."""
    structured = False
    found: list[Invocation] = []
    cwd: Optional[str] = ""
    lines = _logical_lines(text)
    for number, (line_number, line) in enumerate(lines):
        if _STRUCTURE_RE.search(line):
            structured = True
        line_words = words(line)
        if line_words is None:
            return None
        on_line, cwd = read_words(line_words, cwd)
        last = number == len(lines) - 1
        found += [replace(item, final=item.final and last, line=line_number) for item in on_line]
    if structured:
        found = [replace(item, final=False) for item in found]
    return Script(tuple(found), structured)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(1-based number of the first line, text) of every command line: continuation lines
    joined, blank and comment lines left out."""
    result: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not pending:
            start = number
        if line.endswith("\\") and not line.lstrip().startswith("#"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if line.strip() and not line.lstrip().startswith("#"):
            result.append((start, line))
    if pending.strip():
        result.append((start, pending))
    return result


def python_target(argv: Sequence[str]) -> tuple[Optional[str], Optional[str], list[str]]:
    """For ``python [options] -m MODULE ...`` -> (MODULE, None, rest); for
    ``python [options] FILE ...`` -> (None, FILE, rest); otherwise (None, None, [])."""
    if not argv or not _PYTHON_RE.match(posixpath.basename(argv[0])):
        return None, None, []
    index = 1
    while index < len(argv):
        arg = argv[index]
        if arg == "-m":
            if index + 1 < len(argv):
                return argv[index + 1], None, list(argv[index + 2 :])
            return None, None, []
        if arg.startswith("-m") and len(arg) > 2:
            return arg[2:], None, list(argv[index + 1 :])
        if arg in ("-c",) or arg == "-":
            return None, None, []
        if arg in ("-W", "-X"):
            index += 2
            continue
        if arg.startswith("-"):
            index += 1
            continue
        return None, arg, list(argv[index + 1 :])
    return None, None, []


def program(argv: Sequence[str]) -> tuple[str, list[str]]:
    """The program an invocation runs and its arguments: ``gunicorn`` for ``gunicorn ...``,
    ``/app/.heroku/python/bin/gunicorn ...`` and ``python -m gunicorn ...``; a Python file for
    ``python manage.py ...``."""
    module, file, rest = python_target(argv)
    if module is not None:
        return module, rest
    if file is not None:
        return file, rest
    return posixpath.basename(argv[0]), list(argv[1:])


def script_path(argv: Sequence[str]) -> Optional[str]:
    """The script an invocation runs (``bash bin/start.sh``, ``./bin/start.sh``,
    ``bin/start.sh``), as written; None for anything else."""
    if not argv:
        return None
    if posixpath.basename(argv[0]) in SHELLS:
        rest = [arg for arg in argv[1:] if not arg.startswith("-")]
        if rest and shell_string(argv) is None:
            return rest[0]
        return None
    head = argv[0]
    if "/" in head or head.endswith(".sh"):
        return head
    return None


@dataclass
class Options:
    """Command-line options read with a list of the options that take a value."""

    values: dict[str, list[str]]
    """Every value given to an option, by the option's name as written (``-b``, ``--bind``)."""
    flags: list[str]
    positionals: list[str]
    certain: bool
    """False when an unknown option stands before a word that might be its value."""

    def get(self, *names: str) -> list[str]:
        return [value for name in names for value in self.values.get(name, [])]

    def has(self, *names: str) -> bool:
        return any(name in self.flags or name in self.values for name in names)


def parse_options(
    args: Iterable[str], with_value: frozenset[str], flags: frozenset[str] = frozenset()
) -> Options:
    """Read ``args`` like an argparse/click command line (``--opt value``, ``--opt=value``,
    ``-o value``, ``-ovalue``)."""
    result = Options({}, [], [], True)
    args = list(args)
    index = 0
    unknown_before = False
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            result.positionals += args[index:]
            break
        if arg.startswith("--") and "=" in arg:
            name, _, value = arg.partition("=")
            result.values.setdefault(name, []).append(value)
            unknown_before = False
        elif arg in with_value:
            if index < len(args):
                result.values.setdefault(arg, []).append(args[index])
                index += 1
            unknown_before = False
        elif (
            arg.startswith("-")
            and not arg.startswith("--")
            and len(arg) > 2
            and arg[:2] in with_value
        ):
            result.values.setdefault(arg[:2], []).append(arg[2:])
            unknown_before = False
        elif arg.startswith("-") and arg != "-":
            result.flags.append(arg)
            unknown_before = arg not in flags
        else:
            if unknown_before:
                result.certain = False
            result.positionals.append(arg)
            unknown_before = False
    return result
