"""Running fixers over a tree: detection, and fixes applied to an in-memory changeset until
nothing changes. The result goes to exactly one sink (report, diff, write, commit, forge)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Sequence

from paasfix.core.config import Config
from paasfix.core.errors import FileProblem, FixerBug, PaasfixError
from paasfix.core.text import decode
from paasfix.core.tree import FILE_MODE, LINK_MODE, OverlayTree, Tree, normalize
from paasfix.fixer import SAFE, UNSAFE, Edit, Finding, Fixer
from paasfix.formats import pyast
from paasfix.formats.yamlio import YamlProblem, platform_load
from paasfix.platform import rules
from paasfix.project import Project

_Key = tuple[str, Optional[str], Optional[int], str]
"""What tells findings apart for the ``decide`` hook: fixer, path, line and message."""

MAX_PASSES = 10
"""Passes over all fixers before fixers that keep undoing each other's edits are a bug."""
MAX_FIXER_PASSES = 50
"""Passes of one fixer (it finds, then fixes what it found, one fix at a time) before a fixer
whose fixes keep giving it more to fix is a bug. Independent findings are fixed in one pass,
however many there are; only fixes that reveal further findings take more."""


@dataclass(frozen=True)
class Change:
    """The net change to one file."""

    path: str
    old: Optional[bytes]
    new: Optional[bytes]
    old_mode: Optional[int]
    new_mode: Optional[int]


@dataclass(frozen=True)
class Applied:
    finding: Finding[Any]
    paths: tuple[str, ...]


@dataclass
class Result:
    label: str
    build_dir: str
    findings: list[Finding[Any]] = field(default_factory=list)
    """What is (still) found: everything for ``check``, what remains after ``fix``."""
    applied: list[Applied] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def failing(self) -> list[Finding[Any]]:
        return [f for f in self.findings if f.counts]


def _is_yaml(path: str) -> bool:
    name = posixpath.basename(path)
    return name == rules.PROCFILE_NAME or name.endswith((".yaml", ".yml"))


def _python_parses(raw: Optional[bytes], path: str) -> bool:
    if raw is None:
        return False
    try:
        pyast.parse(decode(path, raw).text, filename=path)
        return True
    except (SyntaxError, ValueError, FileProblem):
        return False


def _platform_problems(path: str, raw: bytes) -> Optional[set[rules.Problem]]:
    """The platform problems of a process-definition file (None if it does not load)."""
    name = posixpath.basename(path)
    try:
        data = platform_load(decode(path, raw).text)
    except (YamlProblem, FileProblem):
        return None
    if name == rules.PROCFILE_NAME:
        return set(rules.procfile_problems(data))
    if name in rules.APP_DESC_NAMES:
        return set(rules.app_desc_problems(data, name))
    return set()


class Changeset:
    """Edits on top of a base tree, each checked before it is accepted."""

    def __init__(self, base: Tree):
        self.base = base
        self.tree = OverlayTree(base)

    def plan(self, fixer_id: str, edits: Sequence[Edit]) -> list[Change]:
        """What ``edits`` would change on top of the edits so far, each change checked; nothing
        is applied (see :meth:`commit`)."""
        planned = []
        for edit in edits:
            path = normalize(edit.path)
            parts = path.split("/")
            for end in range(1, len(parts) + 1):
                if self.tree.mode("/".join(parts[:end])) == LINK_MODE:
                    raise FileProblem(
                        path, "is or is inside a symbolic link; paasfix does not edit through links"
                    )
            current = self.tree.read(path)
            current_mode = self.tree.mode(path)
            mode = edit.mode or current_mode or FILE_MODE
            if edit.content is None and current is None:
                raise FixerBug(f"{fixer_id} deletes {path}, which does not exist")
            if edit.content == current and (edit.content is None or mode == current_mode):
                continue
            self._check(fixer_id, path, current, edit.content)
            planned.append(
                Change(
                    path,
                    current,
                    edit.content,
                    current_mode,
                    None if edit.content is None else mode,
                )
            )
        if not planned:
            raise FixerBug(f"{fixer_id} reported a fixable finding, but its fix changes nothing")
        return planned

    def commit(self, planned: Sequence[Change]) -> tuple[str, ...]:
        """Apply changes made by :meth:`plan`; the paths changed."""
        for change in planned:
            self.tree.set(change.path, change.new, change.new_mode or FILE_MODE)
        return tuple(change.path for change in planned)

    def apply(self, fixer_id: str, edits: Sequence[Edit]) -> tuple[str, ...]:
        return self.commit(self.plan(fixer_id, edits))

    @staticmethod
    def _check(fixer_id: str, path: str, old: Optional[bytes], new: Optional[bytes]) -> None:
        if new is None:
            return
        try:
            decode(path, new)
        except FileProblem as exc:
            raise FixerBug(f"{fixer_id} wrote {path}, which {exc.problem}") from None
        if (
            path.endswith(".py")
            and (old is None or _python_parses(old, path))
            and not _python_parses(new, path)
        ):
            raise FixerBug(f"{fixer_id} wrote {path}, which no longer parses as Python")
        if _is_yaml(path):
            before = _platform_problems(path, old) if old is not None else set()
            if before is None:
                return
            after = _platform_problems(path, new)
            if after is None:
                raise FixerBug(f"{fixer_id} wrote {path}, which the platform cannot load as YAML")
            added = after - before
            if added:
                raise FixerBug(
                    f"{fixer_id} wrote {path}, which the platform rejects: "
                    f"{sorted(added, key=str)[0]}"
                )

    def changes(self) -> list[Change]:
        out = []
        for path in sorted(self.tree.files):
            new, mode = self.tree.files[path]
            old = self.base.read(path)
            old_mode = self.base.mode(path) if old is not None else None
            new_mode = None if new is None else mode
            if old == new and old_mode == new_mode:
                continue
            out.append(Change(path, old, new, old_mode, new_mode))
        return out


class Runner:
    def __init__(self, fixers: Iterable[type[Fixer[Any]]], config: Config, debug: bool = False):
        self.config = config
        self.fixers = [cls(config.options) for cls in fixers]
        self.debug = debug

    def _detect(self, fixer: Fixer[Any], project: Project, errors: list[str]) -> list[Finding[Any]]:
        try:
            return list(fixer.detect(project))
        except FileProblem as exc:
            _add(errors, str(exc))
        except PaasfixError:
            raise
        except Exception as exc:
            if self.debug:
                raise
            _add(
                errors,
                f"{fixer.id} failed on this repository ({type(exc).__name__}: {exc}); "
                "this is a bug in the fixer, rerun with --debug for details",
            )
        return []

    def check(self, tree: Tree) -> Result:
        project = Project(tree, self.config)
        result = Result(tree.label, project.build_dir)
        for fixer in self.fixers:
            result.findings += self._detect(fixer, project, result.errors)
        return result

    def _plan(
        self,
        fixer: Fixer[Any],
        project: Project,
        changeset: Changeset,
        finding: Finding[Any],
        errors: list[str],
    ) -> Optional[list[Change]]:
        """The changes ``finding``'s fix makes on top of ``changeset`` (None, with the error
        recorded, when the fix fails)."""
        try:
            return changeset.plan(fixer.id, fixer.fix(project, finding))
        except FileProblem as exc:
            _add(errors, str(exc))
        except FixerBug as exc:
            _add(errors, f"{exc}; this is a bug in the fixer, nothing it changed was kept")
        except PaasfixError:
            raise
        except Exception as exc:
            if self.debug:
                raise
            _add(
                errors,
                f"{fixer.id} failed while fixing ({type(exc).__name__}: {exc}); "
                "this is a bug in the fixer",
            )
        return None

    def fix(self, tree: Tree, unsafe: bool = False, decide: Optional[Decide] = None) -> Result:
        """Apply fixes until nothing fixable is found.

        ``decide(finding, changes)``, when given, is asked before each fix is applied, with the
        changes it makes on top of the fixes accepted so far; a fix it declines is not applied
        and that finding is not offered again. It may raise :class:`Stop` to apply no more.
        """
        run = _FixRun(Changeset(tree), self.config, {SAFE, UNSAFE} if unsafe else {SAFE}, decide)
        result = Result(tree.label, run.project.build_dir)
        try:
            for _ in range(MAX_PASSES):
                progress = [self._fix_all(fixer, run, result) for fixer in self.fixers]
                if not any(progress):
                    break
            else:
                raise FixerBug(
                    f"the fixes did not settle after {MAX_PASSES} passes "
                    f"(last: {result.applied[-1].finding.fixer}); this is a bug"
                )
        except Stop:
            pass
        for fixer in self.fixers:
            result.findings += self._detect_in(run, fixer, result.errors)
        result.changes = run.changeset.changes()
        return result

    def _detect_in(
        self, run: "_FixRun", fixer: Fixer[Any], errors: list[str]
    ) -> list[Finding[Any]]:
        """``fixer``'s findings on the project of ``run``; detected again only when the project
        changed since the last time (a fix was applied), since a fixer finds the same things in
        the same project."""
        known = run.detected.get(fixer.id)
        if known is None or known[0] is not run.project:
            found: list[str] = []
            known = (run.project, self._detect(fixer, run.project, found), found)
            run.detected[fixer.id] = known
        for error in known[2]:
            _add(errors, error)
        return known[1]

    def _fix_all(self, fixer: Fixer[Any], run: "_FixRun", result: Result) -> bool:
        """Apply ``fixer``'s fixes one at a time, detecting again after each, until it finds
        nothing more to fix; whether any was applied.

        A pass of the fixer takes as many fixes as it found when the pass began; what it still
        finds after them starts its next pass (see :data:`MAX_FIXER_PASSES`).
        """
        fixes = 0
        passes = 0
        left = 0
        while run.fixable(fixer):
            findings = [
                f
                for f in self._detect_in(run, fixer, result.errors)
                if f.safety in run.allowed and _key(f) not in run.declined
            ]
            if not findings:
                break
            if left == 0:
                if passes == MAX_FIXER_PASSES:
                    raise FixerBug(
                        f"{fixer.id} still finds something to fix after "
                        f"{MAX_FIXER_PASSES} passes; this is a bug in the fixer"
                    )
                passes += 1
                left = len(findings)
            left -= 1
            finding = findings[0]
            planned = self._plan(fixer, run.project, run.changeset, finding, result.errors)
            if planned is None:
                run.broken.add(fixer.id)
            elif run.decide is not None and not run.decide(finding, planned):
                run.declined.add(_key(finding))
            else:
                result.applied.append(Applied(finding, run.changeset.commit(planned)))
                run.project = Project(run.changeset.tree, self.config)
                fixes += 1
        return fixes > 0

    def preview(
        self, tree: Tree, findings: Sequence[Finding[Any]], unsafe: bool = False
    ) -> dict[int, list[Change]]:
        """Each fixable finding's own fix on the untouched ``tree``, by the finding's index in
        ``findings``: what a report can offer as a suggested change. Nothing is applied; a fix
        that fails is left out."""
        allowed = {SAFE, UNSAFE} if unsafe else {SAFE}
        project = Project(tree, self.config)
        by_id = {fixer.id: fixer for fixer in self.fixers}
        out = {}
        for index, finding in enumerate(findings):
            fixer = by_id.get(finding.fixer)
            if fixer is None or finding.safety not in allowed:
                continue
            planned = self._plan(fixer, project, Changeset(tree), finding, [])
            if planned:
                out[index] = planned
        return out


@dataclass
class _FixRun:
    """The state of one ``fix``: the changeset, the project on top of it, and what was
    refused (a fixer that failed, findings the ``decide`` hook declined)."""

    changeset: Changeset
    config: Config
    allowed: set[str]
    decide: Optional["Decide"]
    broken: set[str] = field(default_factory=set)
    declined: set[_Key] = field(default_factory=set)
    detected: dict[str, tuple[Project, list[Finding[Any]], list[str]]] = field(default_factory=dict)
    """Per fixer id: the project it last ran on, what it found there and the errors."""

    def __post_init__(self) -> None:
        self.project = Project(self.changeset.tree, self.config)

    def fixable(self, fixer: Fixer[Any]) -> bool:
        return fixer.id not in self.broken


class Stop(Exception):
    """Raised by a ``decide`` callback: apply no more fixes (those accepted are kept)."""


Decide = Callable[[Finding[Any], list[Change]], bool]


def _key(finding: Finding[Any]) -> _Key:
    return (finding.fixer, finding.path, finding.line, finding.message)


def _add(errors: list[str], message: str) -> None:
    if message not in errors:
        errors.append(message)
