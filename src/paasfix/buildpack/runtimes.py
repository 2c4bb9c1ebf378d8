"""Python runtimes per stack, and reading the files that choose one (PLATFORM.md §4.1-4.3, §2.6).

Two stacks run Python apps on BlueKing PaaS:

- ``heroku-18`` (bionic; also called blueking-18): heroku-buildpack-python v213. runtime.txt
  must hold an exact ``python-X.Y.Z``; the runtime is downloaded from the site's artifact
  repository, so only the versions the site uploaded exist. The community upload set is
  2.7.18, 3.6.8, 3.6.12 and 3.10.5; the default is 3.10.5. ``.python-version`` is not read.
- ``heroku-24`` (noble): heroku-buildpack-python v285. runtime.txt may hold ``python-X.Y`` or
  ``python-X.Y.Z``; without runtime.txt, ``.python-version`` (``X.Y`` or ``X.Y.Z``, comment lines
  allowed) is read. The site hosts 3.11.14, 3.12.12 and 3.13.11; the buildpack knows 3.9-3.13.

Two settings describe a site: ``stack`` and ``runtimes`` (the versions the site uploaded; when
given, they replace the stack's default list). Fixers that read them declare :data:`OPTIONS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional

from paasfix.core.config import string
from paasfix.core.errors import PaasfixError
from paasfix.core.tree import join

if TYPE_CHECKING:
    from paasfix.core.text import TextFile

STACK_KEY = "stack"
RUNTIMES_KEY = "runtimes"
DEFAULT_STACK = "heroku-18"
DEFAULT_RUNTIMES: tuple[str, ...] = ()
"""Empty: the stack's own list of runtimes."""
OPTIONS: Mapping[str, Any] = {STACK_KEY: DEFAULT_STACK, RUNTIMES_KEY: DEFAULT_RUNTIMES}
"""The configuration keys, with their defaults, for a fixer's ``options``."""

RUNTIME_TXT = "runtime.txt"
PYTHON_VERSION_FILE = ".python-version"

UPLOAD_GUIDE = "DeploymentGuides/7.1/paas-upload-runtimes.md"
UPLOAD_PATH = "bkpaas3-platform-assets/runtimes/python"


@dataclass(frozen=True, order=True)
class PythonVersion:
    """``3.6.12``; ``patch`` is None for a version written as ``3.6``."""

    major: int
    minor: int
    patch: Optional[int] = None

    def __str__(self) -> str:
        short = f"{self.major}.{self.minor}"
        return short if self.patch is None else f"{short}.{self.patch}"

    @property
    def runtime(self) -> str:
        """The runtime.txt form: ``python-3.6.12``."""
        return f"python-{self}"

    @property
    def series(self) -> tuple[int, int]:
        return self.major, self.minor


_VERSION_RE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?")


def parse_version(text: str) -> Optional[PythonVersion]:
    """``3.6.12``, ``3.6``, ``python-3.6.12`` -> a version; anything else -> None."""
    text = text.strip()
    if text.startswith("python-"):
        text = text[len("python-") :]
    match = _VERSION_RE.fullmatch(text)
    if not match:
        return None
    major, minor, patch = match.groups()
    return PythonVersion(int(major), int(minor), None if patch is None else int(patch))


def _versions(*specs: str) -> tuple[PythonVersion, ...]:
    """``"3.6.6-12"`` is 3.6.6 to 3.6.12; ``"3.10.5"`` is one version."""
    out = []
    for spec in specs:
        first, _, last = spec.partition("-")
        start = parse_version(first)
        if start is None or start.patch is None:
            raise ValueError(f"{spec!r} does not start with a full Python version")
        end = start.patch if not last else int(last)
        out += [PythonVersion(start.major, start.minor, p) for p in range(start.patch, end + 1)]
    return tuple(sorted(out))


@dataclass(frozen=True)
class Stack:
    name: str
    aliases: tuple[str, ...]
    buildpack: str
    default: PythonVersion
    runtimes: tuple[PythonVersion, ...]
    """What a site hosts unless it says otherwise."""
    known: tuple[PythonVersion, ...]
    """Builds that exist for the stack and that a site may have uploaded besides ``runtimes``."""
    minors: Optional[tuple[tuple[int, int], ...]]
    """The minor versions the buildpack accepts at all (None: whatever the site hosts)."""
    short_versions: bool
    """Whether ``python-X.Y`` (without the patch) is accepted."""
    reads_python_version_file: bool
    missing: str
    """What the build prints when the runtime is not there (``{runtime}`` and ``{stack}``)."""

    def missing_message(self, version: PythonVersion) -> str:
        return self.missing.format(runtime=version.runtime, stack=self.name)

    def plausible(self, version: PythonVersion) -> bool:
        """Whether a site could host ``version`` for this stack by uploading it."""
        if self.minors is not None:
            return version.series in self.minors
        if version.patch is None:
            return any(v.series == version.series for v in self.known)
        return version in self.known


HEROKU_18 = Stack(
    name="heroku-18",
    aliases=(
        "heroku-18",
        "heroku18",
        "blueking-18",
        "bionic",
        "ubuntu-18",
        "ubuntu18",
        "blueking",
        "blueking-cloudnative",
    ),
    buildpack="heroku-buildpack-python v213",
    default=PythonVersion(3, 10, 5),
    runtimes=_versions("2.7.18", "3.6.8", "3.6.12", "3.10.5"),
    known=_versions("2.7.16-18", "3.6.6-12", "3.7.0-9", "3.8.0-6", "3.10.5-9"),
    minors=None,
    short_versions=False,
    reads_python_version_file=False,
    missing="Requested runtime ({runtime}) is not available for this stack ({stack}).",
)

HEROKU_24 = Stack(
    name="heroku-24",
    aliases=(
        "heroku-24",
        "heroku24",
        "blueking-24",
        "noble",
        "ubuntu-24",
        "ubuntu24",
        "blueking-noble",
    ),
    buildpack="heroku-buildpack-python v285",
    default=PythonVersion(3, 13, 11),
    runtimes=_versions("3.11.14", "3.12.12", "3.13.11"),
    known=(),
    minors=((3, 9), (3, 10), (3, 11), (3, 12), (3, 13)),
    short_versions=True,
    reads_python_version_file=True,
    missing="Error: The requested Python version isn't available.",
)

STACKS = (HEROKU_18, HEROKU_24)


def get_stack(name: Any) -> Stack:
    """The stack called ``name`` (any alias, any case); PaasfixError for an unknown one."""
    key = str(name).strip().lower()
    for stack in STACKS:
        if key in stack.aliases:
            return stack
    names = ", ".join(alias for stack in STACKS for alias in stack.aliases)
    raise PaasfixError(f"unknown stack '{name}' in the '{STACK_KEY}' setting (known: {names})")


def site_runtimes(stack: Stack, configured: Any = DEFAULT_RUNTIMES) -> tuple[PythonVersion, ...]:
    """The runtimes the site hosts: the ``runtimes`` setting if given, else the stack's list."""
    if not configured:
        return stack.runtimes
    if isinstance(configured, str):
        configured = [configured]
    if not isinstance(configured, (list, tuple)):
        raise PaasfixError(
            f"the '{RUNTIMES_KEY}' setting must be a list of Python versions "
            'such as ["3.6.12", "3.10.5"]'
        )
    out = []
    for item in configured:
        version = parse_version(str(item)) if isinstance(item, (str, int, float)) else None
        if version is None or version.patch is None:
            raise PaasfixError(
                f"'{item}' in the '{RUNTIMES_KEY}' setting is not a full Python "
                "version such as 3.6.12"
            )
        out.append(version)
    return tuple(sorted(set(out)))


@dataclass(frozen=True)
class Site:
    """The configured stack and the runtimes its site hosts."""

    stack: Stack
    runtimes: tuple[PythonVersion, ...]

    @property
    def default(self) -> PythonVersion:
        """The version used when the app names none."""
        return self.stack.default

    @property
    def servable(self) -> tuple[PythonVersion, ...]:
        """The hosted runtimes the stack's buildpack accepts."""
        return tuple(v for v in self.runtimes if self.provides(v))

    def provides(self, version: PythonVersion) -> bool:
        """Whether the stack serves ``version`` as written (``3.12`` means any 3.12.x)."""
        if self.stack.minors is not None and version.series not in self.stack.minors:
            return False
        if version.patch is None:
            return self.stack.short_versions and any(
                v.series == version.series for v in self.runtimes
            )
        return version in self.runtimes


def _stack_setting(value: Any) -> str:
    """The check of the ``stack`` setting: the name of a known stack."""
    try:
        name = string(value)
        get_stack(name)
    except PaasfixError:
        known = ", ".join(stack.aliases[0] for stack in STACKS)
        raise ValueError(
            f"names an unknown stack {value!r} (known: {known} and their aliases)"
        ) from None
    return name


OPTION_CHECKS = {STACK_KEY: _stack_setting}
"""The checks of :data:`OPTIONS` beyond their defaults' types, for a fixer's
``option_checks``. ``runtimes`` is a list of strings; :func:`site_runtimes` reads each."""


def site_of(settings: Mapping[str, Any]) -> Site:
    """The :class:`Site` a fixer's settings describe (the keys of :data:`OPTIONS`)."""
    stack = get_stack(settings.get(STACK_KEY, DEFAULT_STACK))
    return Site(stack, site_runtimes(stack, settings.get(RUNTIMES_KEY, DEFAULT_RUNTIMES)))


# -- choosing a replacement ------------------------------------------------------------------


def nearest_patch(
    version: PythonVersion, available: Iterable[PythonVersion]
) -> Optional[PythonVersion]:
    """The available release of the same minor closest to ``version``.

    The nearest newer patch first (it only adds fixes), else the newest older one. For a
    version without a patch, the newest release of that minor.
    """
    same = sorted(v for v in available if v.series == version.series)
    if not same:
        return None
    if version.patch is None:
        return same[-1]
    newer = [v for v in same if v.patch is not None and v.patch >= version.patch]
    return newer[0] if newer else same[-1]


def nearest_other_minor(
    version: PythonVersion, available: Iterable[PythonVersion]
) -> Optional[PythonVersion]:
    """The newest release of the closest other minor of the same major, newer minors first.

    A newer minor keeps the syntax the code already uses; an older one may not have it.
    """
    others = [v for v in available if v.major == version.major and v.minor != version.minor]
    newer = [v for v in others if v.minor > version.minor]
    if newer:
        minor = min(v.minor for v in newer)
    elif others:
        minor = max(v.minor for v in others)
    else:
        return None
    return max(v for v in others if v.minor == minor)


def python3_runtime(site: Site) -> Optional[PythonVersion]:
    """A Python 3 runtime the site serves: the stack's default if hosted, else the newest."""
    if site.default in site.servable:
        return site.default
    threes = [v for v in site.servable if v.major == 3]
    return max(threes) if threes else None


def upload_note(version: PythonVersion, site: Site) -> str:
    """The advice for a version the stack can run but the site may not have uploaded."""
    return (
        f"on BlueKing V7 a Python runtime exists only if the site uploaded it to the "
        f"artifact repository ({UPLOAD_PATH}, see {UPLOAD_GUIDE}); python-{version} is a "
        f"{site.stack.name} runtime that is not in this site's list. If your site uploaded "
        f"it, add it to the '{RUNTIMES_KEY}' setting of paasfix"
    )


def replacement(version: PythonVersion, site: Site) -> Optional[PythonVersion]:
    """The hosted version to move ``version`` to: the nearest patch of its minor, else the
    nearest other minor of its major (kept without a patch where the stack reads a minor alone);
    None when the site hosts nothing of that major."""
    same = nearest_patch(version, site.servable)
    if same is not None:
        return same
    other = nearest_other_minor(version, site.servable)
    if other is not None and version.patch is None and site.stack.short_versions:
        other = PythonVersion(other.major, other.minor)
    return other


def listed(site: Site) -> str:
    return ", ".join(str(v) for v in site.servable)


def why_not_served(version: PythonVersion, site: Site) -> str:
    """Why the stack cannot serve ``version``, in the words its build would use."""
    stack = site.stack
    if stack.minors is not None and version.series not in stack.minors:
        newest = max(stack.minors)
        if version.series < min(stack.minors):
            return (
                f"the {stack.buildpack} build stops with 'The requested Python version has "
                f"reached end-of-life': it runs Python {min(stack.minors)[0]}."
                f"{min(stack.minors)[1]} to {newest[0]}.{newest[1]} only"
            )
        return (
            f"the {stack.buildpack} build does not know Python {version.major}."
            f"{version.minor} ('The requested Python version isn't recognised')"
        )
    if version.patch is None and not stack.short_versions:
        return (
            f"{stack.name} needs the exact release: its build downloads "
            f"{version.runtime}.tar.gz, which does not exist, and stops with "
            f"'{stack.missing_message(version).rstrip('.')}'"
        )
    return (
        f"this site hosts only {listed(site)} for {stack.name}, so the build stops with "
        f"'{stack.missing_message(version).rstrip('.')}'"
    )


def no_candidate_advice(version: PythonVersion, site: Site) -> str:
    """What to do when the site hosts nothing of the same major version."""
    advice = f"Choose one of {listed(site)}"
    if version.major < 3:
        advice += ", which means porting the app to Python 3 first"
    else:
        advice += " (the app and its pinned dependencies must support it)"
    if site.stack.plausible(version):
        advice += (
            f", or upload a Python {version.major}.{version.minor} runtime for "
            f"{site.stack.name} and list it in the 'runtimes' setting"
        )
    return advice


# -- reading runtime.txt and .python-version -------------------------------------------------


@dataclass(frozen=True)
class FormatProblem:
    line: int
    """1-based line of the file."""
    message: str
    certain: bool = True
    """False when the build only may misread it (whitespace the stack may or may not strip)."""


@dataclass(frozen=True)
class RuntimeFile:
    """runtime.txt or .python-version, read as the stack's buildpack reads it."""

    path: str
    kind: str
    """``runtime.txt`` or ``.python-version``."""
    file: "TextFile"
    version: Optional[PythonVersion]
    """The version the file asks for, read leniently (``Python-3.6``, ``"3.6.12"``); None when
    it names no version or several different ones."""
    line: Optional[int]
    """The line of that version."""
    version_lines: tuple[int, ...]
    """Every line that names a version."""
    problems: tuple[FormatProblem, ...]
    """What the buildpack rejects or may misread, in line order."""
    unknown: tuple[int, ...]
    """Lines that are neither a version, a comment nor blank."""

    @property
    def recoverable(self) -> bool:
        """Whether rewriting the file around :attr:`version` loses nothing but comments."""
        return self.version is not None and not self.unknown

    def written(self, version: PythonVersion) -> str:
        """``version`` as this kind of file writes it (``python-3.6.12`` or ``3.12``)."""
        return version.runtime if self.kind == RUNTIME_TXT else str(version)

    def text_for(self, version: PythonVersion) -> str:
        """The file's text naming ``version`` in the form the stack reads, as little changed as
        possible: runtime.txt becomes the single line; in .python-version the comment lines stay
        and an inline comment moves to its own line."""
        end = "\n" if self.file.text.endswith("\n") else ""
        if self.kind == RUNTIME_TXT:
            return version.runtime + end
        out = []
        for number, original in enumerate(self.file.lines, 1):
            if number not in self.version_lines:
                out.append(original)
                continue
            comment = _inline_comment(original)
            if comment:
                out.append(f"# {comment}\n")
            if number == self.line:
                out.append(f"{version}\n" if original.endswith("\n") else str(version))
        return "".join(out)


_LENIENT_RE = re.compile(
    r"""^["']?(?:python[-_ ]?|py)?v?(?P<version>\d+\.\d+(?:\.\d+)?)["']?$""", re.IGNORECASE
)
_INLINE_COMMENT_RE = re.compile(r"\s#\s?(.*)$")


def _inline_comment(line: str) -> str:
    match = _INLINE_COMMENT_RE.search(line.rstrip("\n"))
    return match.group(1).strip() if match else ""


def _lenient_version(line: str) -> Optional[PythonVersion]:
    body = _INLINE_COMMENT_RE.sub("", line).strip()
    match = _LENIENT_RE.match(body)
    if not match:
        return None
    major, minor, *rest = (int(part) for part in match.group("version").split("."))
    return PythonVersion(major, minor, rest[0] if rest else None)


def _is_comment(line: str) -> bool:
    return line.strip().startswith("#")


_LONE_CR_RE = re.compile(r"\r(?!\n)")
_CR_BEFORE_TEXT_RE = re.compile(r"\r(?!\n)[^\n]*?\S")
"""A carriage return alone with more text after it on the same ``\\n`` line."""


def _decoded(file: "TextFile") -> str:
    return file.raw[len(file.bom) :].decode(file.encoding)


def read_runtime_file(file: "TextFile", kind: str, stack: Stack) -> RuntimeFile:
    """Read ``file`` (a runtime.txt or .python-version) as ``stack`` reads it.

    Both buildpacks read runtime.txt whole and strip the blanks around it (v213's
    ``runtime-fixer``, v285's ``[[:space:]]*`` around its pattern), so any line ending there is
    only a blank. v285 reads .python-version line by line with bash's ``read``, which ends a
    line at ``\\n`` only: a ``\\r`` alone (old Mac line endings) joins the lines around it, and
    a version after a comment that way is part of the comment.
    """
    decoded = _decoded(file)
    raw_lines = decoded.split("\n")
    lines = file.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    found: list[tuple[int, PythonVersion]] = []
    unknown: list[int] = []
    problems: list[FormatProblem] = []
    if file.bom:
        problems.append(
            FormatProblem(
                1,
                f"{kind} starts with a byte-order mark, which the "
                "build reads as part of the version",
            )
        )
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            if line and kind == RUNTIME_TXT and not stack.short_versions:
                problems.append(
                    FormatProblem(
                        number,
                        f"line {number} holds only spaces; the "
                        "build deletes empty lines, not this one",
                        False,
                    )
                )
            continue
        if _is_comment(line):
            if kind == RUNTIME_TXT:
                problems.append(
                    FormatProblem(
                        number,
                        f"line {number} is a comment; runtime.txt "
                        "has no comments, the whole file is the version",
                    )
                )
            continue
        version = _lenient_version(line)
        if version is None:
            unknown.append(number)
            problems.append(
                FormatProblem(number, f"line {number} ({stripped!r}) is not a Python version")
            )
            continue
        found.append((number, version))
        problems += _line_problems(kind, stack, number, line, version)
    if (
        kind == RUNTIME_TXT
        and not stack.short_versions
        and any(raw.endswith("\r") for raw in raw_lines)
    ):
        endings = "old Mac (CR)" if _LONE_CR_RE.search(decoded) else "Windows (CRLF)"
        problems.append(
            FormatProblem(
                1,
                f"runtime.txt has {endings} line endings; the "
                "carriage return may be read as part of the version",
                False,
            )
        )
    joined = _CR_BEFORE_TEXT_RE.search(decoded) if kind == PYTHON_VERSION_FILE else None
    if joined:
        number = len(re.findall(r"\r\n?|\n", decoded[: joined.start()])) + 1
        problems.append(
            FormatProblem(
                number,
                f"line {number} ends with a carriage return alone "
                "(old Mac line endings); the build ends lines at \\n only "
                "and reads it and the next line as one",
            )
        )
    versions = {version for _, version in found}
    if len(found) > 1:
        what = "versions" if len(versions) > 1 else "copies of the version"
        problems.append(
            FormatProblem(
                found[1][0],
                f"{kind} names {len(found)} {what} (lines "
                f"{', '.join(str(n) for n, _ in found)}); it must name one",
            )
        )
    if not found:
        problems.append(FormatProblem(1, f"{kind} names no Python version"))
    chosen, chosen_line = (found[0][1], found[0][0]) if len(versions) == 1 else (None, None)
    problems.sort(key=lambda p: p.line)
    return RuntimeFile(
        file.path,
        kind,
        file,
        chosen,
        chosen_line,
        tuple(n for n, _ in found),
        tuple(problems),
        tuple(unknown),
    )


def _line_problems(
    kind: str, stack: Stack, number: int, line: str, version: PythonVersion
) -> list[FormatProblem]:
    """What is wrong with the way a version line is written."""
    problems = []
    body = _INLINE_COMMENT_RE.sub("", line).strip()
    if _INLINE_COMMENT_RE.search(line):
        problems.append(
            FormatProblem(
                number,
                f"line {number} has a comment after the version, "
                "which the build reads as part of it",
            )
        )
    if body[:1] in "\"'":
        problems.append(FormatProblem(number, f"line {number} quotes the version"))
    unquoted = body.strip("\"'")
    if kind == RUNTIME_TXT:
        expected = "python-"
        if not unquoted.startswith(expected):
            if unquoted.lower().startswith("python-"):
                problems.append(
                    FormatProblem(
                        number,
                        f"line {number} writes "
                        f"'{unquoted[:7]}'; the prefix is lower-case "
                        "'python-'",
                    )
                )
            elif unquoted[:1].isdigit():
                problems.append(FormatProblem(number, f"line {number} has no 'python-' prefix"))
            else:
                problems.append(
                    FormatProblem(
                        number,
                        f"line {number} writes '{unquoted}'; the form is '{version.runtime}'",
                    )
                )
        if not stack.short_versions and line != line.strip():
            problems.append(
                FormatProblem(
                    number,
                    f"line {number} has spaces around the version, "
                    "which the build may read as part of it",
                    False,
                )
            )
    elif not unquoted[:1].isdigit():
        problems.append(
            FormatProblem(
                number,
                f"line {number} writes '{unquoted}'; "
                f".python-version holds the bare version ('{version}')",
            )
        )
    return problems


def read_runtime(
    text: Callable[[str], Optional["TextFile"]], build_dir: str, stack: Stack
) -> Optional[RuntimeFile]:
    """The file that chooses the app's Python on ``stack``, read as its buildpack reads it:
    runtime.txt in ``build_dir``, else (where the stack reads it) .python-version; ``text``
    gives a decoded file (a Tree's, or a cache of them). None when neither exists: the
    stack's default is used."""
    file = text(join(build_dir, RUNTIME_TXT))
    if file is not None:
        return read_runtime_file(file, RUNTIME_TXT, stack)
    if stack.reads_python_version_file:
        file = text(join(build_dir, PYTHON_VERSION_FILE))
        if file is not None:
            return read_runtime_file(file, PYTHON_VERSION_FILE, stack)
    return None


def requested_version(runtime: Optional[RuntimeFile], site: Site) -> Optional[PythonVersion]:
    """The Python version the build would try to use: that of ``runtime`` (the file read by
    :func:`read_runtime`, leniently), else the stack's default. None when the file names no
    single version."""
    if runtime is None:
        return site.default
    return runtime.version


def encode_runtime_file(runtime: RuntimeFile, text: str, stack: Stack) -> bytes:
    """The bytes to write for ``text``: UTF-8 without a byte-order mark; on heroku-18, or when
    a line ends with a carriage return alone, with ``\\n`` line endings, elsewhere keeping the
    file's own."""
    lone_cr = _LONE_CR_RE.search(_decoded(runtime.file)) is not None
    if runtime.file.bom or lone_cr or (runtime.kind == RUNTIME_TXT and not stack.short_versions):
        newline = runtime.file.newline if stack.short_versions and not lone_cr else "\n"
        return text.replace("\n", newline).encode("utf-8")
    return runtime.file.encode(text)
