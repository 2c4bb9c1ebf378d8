"""The fixer contract: what a fixer declares, what it finds, and the edits it returns.

A fixer reads a :class:`~paasfix.project.Project` and returns :class:`Finding` objects from
``detect`` and :class:`Edit` objects from ``fix``. It never touches the file system or git.
Built-in fixers live in ``paasfix.fixers``; third-party ones register under the entry-point
group ``paasfix.fixers`` and are written the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Generic,
    Iterable,
    Mapping,
    Optional,
    TypeVar,
    Union,
)

from paasfix.core.edit import Edit as Edit
from paasfix.core.errors import FixerBug

if TYPE_CHECKING:
    from paasfix.project import Project

SAFE = "safe"
UNSAFE = "unsafe"
MANUAL = "manual"
SAFETIES = (SAFE, UNSAFE, MANUAL)

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

ID_PATTERN = re.compile(r"^fix(-[a-z0-9]+)+$")
DOCS_URL = "docs/fixers.md#{id}"
"""Where a fixer is documented, relative to the paasfix source tree."""
EXPLANATION_SECTIONS = ("What goes wrong", "The fix", "Safety")


PlanT = TypeVar("PlanT")
"""What one fixer's ``fix`` needs to repair one of its findings: a type of the fixer's own
(a dataclass, a tuple of :class:`Edit`, a value), declared as ``Fixer[ThePlan]``."""


@dataclass(frozen=True)
class Finding(Generic[PlanT]):
    """One problem found in the repository, with the plan of its repair when it has one."""

    fixer: str
    message: str
    path: Optional[str] = None
    line: Optional[int] = None
    severity: str = ERROR
    safety: str = SAFE
    """``safe``/``unsafe``: ``fix`` can repair it; ``manual``: a person has to act."""
    plan: Optional[PlanT] = field(default=None, compare=False, repr=False)
    """How ``fix`` repairs it (``None`` for a manual finding); typed by the fixer."""

    @property
    def fixable(self) -> bool:
        return self.safety != MANUAL

    @property
    def counts(self) -> bool:
        """Whether it makes ``check`` fail (``info`` findings are recommendations)."""
        return self.severity != INFO

    @property
    def planned(self) -> PlanT:
        """The plan of a fixable finding (a fixable finding without one is a fixer bug)."""
        if self.plan is None:
            raise FixerBug(f"{self.fixer} reported a fixable finding without a plan to fix it")
        return self.plan


FileSpec = Union[str, bytes, "Executable"]


@dataclass(frozen=True)
class Executable:
    """A file in an example tree that has the executable bit."""

    content: Union[str, bytes]


@dataclass(frozen=True)
class Example:
    """A small repository before and (for fixable examples) after the fix.

    Build them with :meth:`fixed`, :meth:`manual` and :meth:`clean`. The generic tests run every
    example of every fixer.
    """

    name: str
    before: Mapping[str, FileSpec]
    after: Optional[Mapping[str, FileSpec]] = None
    kind: str = "fixed"
    options: Mapping[str, Any] = field(default_factory=dict)
    """Fixer settings for this example."""
    unsafe: bool = False
    """Apply unsafe fixes too (as ``--unsafe-fixes``)."""
    build_dir: str = ""
    message: Optional[str] = None
    """A part of the message of a finding that ``before`` gives (checked when set)."""
    path: Optional[str] = None
    """The file that finding names (checked when set)."""
    line: Optional[int] = None
    """The line that finding names (checked when set)."""

    @classmethod
    def fixed(
        cls,
        name: str,
        before: Mapping[str, FileSpec],
        after: Mapping[str, FileSpec],
        *,
        options: Optional[Mapping[str, Any]] = None,
        unsafe: bool = False,
        build_dir: str = "",
        message: Optional[str] = None,
        path: Optional[str] = None,
        line: Optional[int] = None,
    ) -> "Example":
        """``before`` is detected (with ``message`` at ``path``:``line`` when given) and fixing
        it gives exactly ``after``."""
        return cls(
            name, before, after, "fixed", options or {}, unsafe, build_dir, message, path, line
        )

    @classmethod
    def manual(
        cls,
        name: str,
        before: Mapping[str, FileSpec],
        *,
        options: Optional[Mapping[str, Any]] = None,
        build_dir: str = "",
        message: Optional[str] = None,
        path: Optional[str] = None,
        line: Optional[int] = None,
    ) -> "Example":
        """``before`` is detected, but only as a manual finding (with ``message`` at
        ``path``:``line`` when given): fixing changes nothing."""
        return cls(
            name, before, None, "manual", options or {}, False, build_dir, message, path, line
        )

    @classmethod
    def clean(
        cls,
        name: str,
        before: Mapping[str, FileSpec],
        *,
        options: Optional[Mapping[str, Any]] = None,
        build_dir: str = "",
    ) -> "Example":
        """Nothing may be detected in ``before``."""
        return cls(name, before, None, "clean", options or {}, False, build_dir)

    def expects(self, finding: "Finding[Any]") -> bool:
        """Whether ``finding`` is the one this example states (any finding when it states
        none)."""
        return (
            (self.message is None or self.message in finding.message)
            and (self.path is None or self.path == finding.path)
            and (self.line is None or self.line == finding.line)
        )


class Fixer(Generic[PlanT]):
    """Base class of every fixer; ``PlanT`` is the type of its findings' plans.

    The class docstring is the fixer's explanation, in Markdown, with the sections
    ``## What goes wrong``, ``## The fix`` and ``## Safety``.
    """

    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    safety: ClassVar[str] = SAFE
    """The safety of the fix this fixer offers (individual findings may be ``manual``)."""
    severity: ClassVar[str] = ERROR
    after: ClassVar[tuple[str, ...]] = ()
    """Ids of the fixers that run before this one when both run: those whose fixes change
    what this one reads. The runner orders fixers by these relations (by id where none
    applies) and refuses a cycle."""
    log_patterns: ClassVar[tuple[str, ...]] = ()
    """Regular expressions for the platform's build and deploy logs (``paasfix diagnose``),
    matched case-insensitively on each line, without colour codes; a pattern may go on over
    the next three lines with an explicit ``\\n``."""
    options: ClassVar[Mapping[str, Any]] = {}
    """Configuration keys this fixer reads, with their defaults."""
    option_checks: ClassVar[Mapping[str, Any]] = {}
    """Checks (:mod:`paasfix.core.config`) for some of :attr:`options`; the others are checked
    against the type of their default."""
    examples: ClassVar[tuple[Example, ...]] = ()

    def __init__(self, options: Optional[Mapping[str, Any]] = None):
        merged = dict(self.options)
        merged.update({k: v for k, v in (options or {}).items() if k in self.options})
        self.settings = merged

    @classmethod
    def explanation(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def explanation_section(cls, title: str) -> str:
        """The text of the explanation's ``## title`` section ('' when it has none)."""
        return sections(cls.explanation()).get(title, "")

    @classmethod
    def docs_url(cls) -> str:
        return DOCS_URL.format(id=cls.id)

    def finding(
        self,
        message: str,
        path: Optional[str] = None,
        line: Optional[int] = None,
        *,
        severity: Optional[str] = None,
        safety: Optional[str] = None,
        plan: Optional[PlanT] = None,
    ) -> Finding[PlanT]:
        return Finding(
            fixer=self.id,
            message=message,
            path=path,
            line=line,
            severity=severity or self.severity,
            safety=safety or self.safety,
            plan=plan,
        )

    def manual(
        self,
        message: str,
        path: Optional[str] = None,
        line: Optional[int] = None,
        *,
        severity: Optional[str] = None,
    ) -> Finding[PlanT]:
        return self.finding(message, path, line, severity=severity, safety=MANUAL)

    def detect(self, project: "Project") -> Iterable[Finding[PlanT]]:
        raise NotImplementedError

    def fix(self, project: "Project", finding: Finding[PlanT]) -> list[Edit]:
        raise NotImplementedError


def sections(markdown: str) -> dict[str, str]:
    """The ``## Title`` sections of a Markdown text: title -> body without surrounding blanks."""
    found: dict[str, list[str]] = {}
    current: Optional[list[str]] = None
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("## ") and not fenced:
            current = found.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in found.items()}


def check_fixer_class(cls: type[Fixer[Any]]) -> list[str]:
    """What is wrong with a fixer class's declaration (empty when nothing is)."""
    problems = []
    name = getattr(cls, "__name__", repr(cls))
    if not ID_PATTERN.match(getattr(cls, "id", "") or ""):
        problems.append(f"{name}: id {cls.id!r} must look like 'fix-some-thing'")
    if not cls.title:
        problems.append(f"{name}: no title")
    if cls.safety not in SAFETIES:
        problems.append(f"{name}: safety {cls.safety!r} is not one of {SAFETIES}")
    if cls.severity not in SEVERITIES:
        problems.append(f"{name}: severity {cls.severity!r} is not one of {SEVERITIES}")
    explanation = cls.explanation()
    for section in EXPLANATION_SECTIONS:
        if f"## {section}" not in explanation:
            problems.append(f"{name}: the explanation has no '## {section}' section")
    for key in cls.option_checks:
        if key not in cls.options:
            problems.append(f"{name}: option_checks names '{key}', which is not in options")
    return problems


def check_log_patterns(cls: type[Fixer[Any]]) -> list[str]:
    """Which of a fixer class's log patterns do not compile (empty when all do).

    Separate from :func:`check_fixer_class` because compiling every fixer's patterns costs
    more than the rest of the declaration checks together: they are checked when a log is
    read, not at every start.
    """
    problems = []
    for pattern in cls.log_patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            name = getattr(cls, "__name__", repr(cls))
            problems.append(f"{name}: log pattern {pattern!r} does not compile: {exc}")
    return problems
