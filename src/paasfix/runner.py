"""Running fixers over a tree: detection, and fixes applied to an in-memory changeset until
nothing changes. The result goes to exactly one sink (report, diff, write, commit, forge)."""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass, field
from typing import Iterable, Optional, Sequence

from . import platform
from .config import Config
from .errors import FileProblem, FixerBug, PaasfixError
from .fixer import MANUAL, SAFE, UNSAFE, Edit, Finding, Fixer
from .project import Project
from .text import decode
from .tree import FILE_MODE, LINK_MODE, OverlayTree, Tree, normalize
from .yamlio import YamlProblem, platform_load

MAX_PASSES = 10
MAX_FIXES_PER_FIXER = 50


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
    finding: Finding
    paths: tuple[str, ...]


@dataclass
class Result:
    label: str
    build_dir: str
    findings: list[Finding] = field(default_factory=list)
    """What is (still) found: everything for ``check``, what remains after ``fix``."""
    applied: list[Applied] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.counts]


def _is_yaml(path: str) -> bool:
    name = posixpath.basename(path)
    return name == platform.PROCFILE_NAME or name.endswith((".yaml", ".yml"))


def _python_parses(raw: Optional[bytes], path: str) -> bool:
    if raw is None:
        return False
    try:
        ast.parse(decode(path, raw).text, filename=path)
        return True
    except (SyntaxError, ValueError, FileProblem):
        return False


def _platform_problems(path: str, raw: bytes) -> Optional[set]:
    """The platform problems of a process-definition file (None if it does not load)."""
    name = posixpath.basename(path)
    try:
        data = platform_load(decode(path, raw).text)
    except (YamlProblem, FileProblem):
        return None
    if name == platform.PROCFILE_NAME:
        return set(platform.procfile_problems(data))
    if name in platform.APP_DESC_NAMES:
        return set(platform.app_desc_problems(data, name))
    return set()


class Changeset:
    """Edits on top of a base tree, each checked before it is accepted."""

    def __init__(self, base: Tree):
        self.base = base
        self.tree = OverlayTree(base)

    def apply(self, fixer_id: str, edits: Sequence[Edit]) -> tuple[str, ...]:
        planned = []
        for edit in edits:
            path = normalize(edit.path)
            parts = path.split("/")
            for end in range(1, len(parts) + 1):
                if self.tree.mode("/".join(parts[:end])) == LINK_MODE:
                    raise FileProblem(path, "is or is inside a symbolic link; paasfix does not "
                                            "edit through links")
            current = self.tree.read(path)
            current_mode = self.tree.mode(path)
            mode = edit.mode or current_mode or FILE_MODE
            if edit.content is None and current is None:
                raise FixerBug(f"{fixer_id} deletes {path}, which does not exist")
            if edit.content == current and (edit.content is None or mode == current_mode):
                continue
            self._check(fixer_id, path, current, edit.content)
            planned.append((path, edit.content, mode))
        if not planned:
            raise FixerBug(f"{fixer_id} reported a fixable finding, but its fix changes nothing")
        for path, content, mode in planned:
            self.tree.set(path, content, mode)
        return tuple(path for path, _, _ in planned)

    @staticmethod
    def _check(fixer_id: str, path: str, old: Optional[bytes], new: Optional[bytes]) -> None:
        if new is None:
            return
        try:
            decode(path, new)
        except FileProblem as exc:
            raise FixerBug(f"{fixer_id} wrote {path} that {exc.problem}") from None
        if path.endswith(".py") and (old is None or _python_parses(old, path)) \
                and not _python_parses(new, path):
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
                raise FixerBug(f"{fixer_id} wrote {path}, which the platform rejects: "
                               f"{sorted(added, key=str)[0]}")

    def changes(self) -> list[Change]:
        out = []
        for path in sorted(self.tree.files):
            new, new_mode = self.tree.files[path]
            old = self.base.read(path)
            old_mode = self.base.mode(path) if old is not None else None
            if new is None:
                new_mode = None
            if old == new and old_mode == new_mode:
                continue
            out.append(Change(path, old, new, old_mode, new_mode))
        return out


class Runner:
    def __init__(self, fixers: Iterable[type[Fixer]], config: Config, debug: bool = False):
        self.config = config
        self.fixers = [cls(config.options) for cls in fixers]
        self.debug = debug

    def _detect(self, fixer: Fixer, project: Project, errors: list[str]) -> list[Finding]:
        try:
            return list(fixer.detect(project))
        except FileProblem as exc:
            _add(errors, str(exc))
        except PaasfixError:
            raise
        except Exception as exc:
            if self.debug:
                raise
            _add(errors, f"{fixer.id} failed on this repository ({type(exc).__name__}: {exc}); "
                         "this is a bug in the fixer, rerun with --debug for details")
        return []

    def check(self, tree: Tree) -> Result:
        project = Project(tree, self.config)
        result = Result(tree.label, project.build_dir)
        for fixer in self.fixers:
            result.findings += self._detect(fixer, project, result.errors)
        return result

    def fix(self, tree: Tree, unsafe: bool = False) -> Result:
        allowed = {SAFE, UNSAFE} if unsafe else {SAFE}
        changeset = Changeset(tree)
        project = Project(changeset.tree, self.config)
        result = Result(tree.label, project.build_dir)
        broken: set[str] = set()
        for _ in range(MAX_PASSES):
            progress = False
            for fixer in self.fixers:
                if fixer.id in broken:
                    continue
                for _count in range(MAX_FIXES_PER_FIXER + 1):
                    findings = [f for f in self._detect(fixer, project, result.errors)
                                if f.safety in allowed and f.safety != MANUAL]
                    if not findings:
                        break
                    if _count == MAX_FIXES_PER_FIXER:
                        raise FixerBug(f"{fixer.id} still finds something to fix after "
                                       f"{MAX_FIXES_PER_FIXER} fixes; this is a bug in the fixer")
                    finding = findings[0]
                    try:
                        edits = fixer.fix(project, finding)
                        paths = changeset.apply(fixer.id, edits)
                    except FileProblem as exc:
                        _add(result.errors, str(exc))
                        broken.add(fixer.id)
                        break
                    except FixerBug as exc:
                        _add(result.errors, f"{exc}; this is a bug in the fixer, nothing it "
                                            "changed was kept")
                        broken.add(fixer.id)
                        break
                    except PaasfixError:
                        raise
                    except Exception as exc:
                        if self.debug:
                            raise
                        _add(result.errors, f"{fixer.id} failed while fixing ({type(exc).__name__}: "
                                            f"{exc}); this is a bug in the fixer")
                        broken.add(fixer.id)
                        break
                    result.applied.append(Applied(finding, paths))
                    project = Project(changeset.tree, self.config)
                    progress = True
            if not progress:
                break
        else:
            raise FixerBug(f"the fixes did not settle after {MAX_PASSES} passes "
                           f"(last: {result.applied[-1].finding.fixer}); this is a bug")
        for fixer in self.fixers:
            result.findings += self._detect(fixer, project, result.errors)
        result.changes = changeset.changes()
        return result


def _add(errors: list[str], message: str) -> None:
    if message not in errors:
        errors.append(message)
