"""Parsed facts about an application repository, each read and parsed once, on first use.

A Project only looks where the platform looks (the build directory, the repository root for
app_desc.yaml and the Procfile fallback, the requirement files the build installs), so the cost
of a check does not grow with unrelated files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterator, Optional

from paasfix.buildpack.aptfile import APTFILE_NAME, Aptfile
from paasfix.buildpack.aptfile import parse as parse_aptfile
from paasfix.buildpack.hooks import CompileHook, compile_hook
from paasfix.buildpack.requirements import RequirementFile, RequirementLine, canonical, parse_file
from paasfix.buildpack.runtimes import RuntimeFile, Stack, read_runtime
from paasfix.core.config import Config
from paasfix.core.errors import FileProblem, PaasfixError, UnsafePath
from paasfix.core.text import TextFile
from paasfix.core.tree import Tree, join, normalize
from paasfix.formats import pyast
from paasfix.formats.yamlio import MAX_DOCUMENT_SIZE, RoundTrip, YamlProblem, platform_load
from paasfix.platform import rules

if TYPE_CHECKING:
    from paasfix.buildpack.dependencies import BuildDependencies
    from paasfix.buildpack.setuppy import SetupPy

PYTHON_MARKERS = ("requirements.txt", "setup.py", "Pipfile")
"""Files that make the heroku-18 Python buildpack detect an app (PLATFORM.md §4.2)."""


@dataclass
class YamlFile:
    """A YAML file the platform reads, loaded exactly as the platform loads it."""

    path: str
    file: TextFile
    data: Any = None
    problem: Optional[YamlProblem] = None

    @property
    def loaded(self) -> bool:
        return self.problem is None

    def roundtrip(self) -> RoundTrip:
        """A fresh ruamel.yaml document to edit (each call parses again)."""
        return RoundTrip(self.file.text)


@dataclass
class RequirementSet:
    """The requirement files the build installs, in the order pip reads them."""

    files: list[RequirementFile] = field(default_factory=list)
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    """(path, line, message) for includes that cannot be followed."""

    def lines(self) -> list[RequirementLine]:
        return [line for f in self.files for line in f.lines]

    def named(self, name: str) -> list[RequirementLine]:
        key = canonical(name)
        return [line for line in self.lines() if line.key == key]

    def file(self, path: str) -> Optional[RequirementFile]:
        return next((f for f in self.files if f.path == path), None)


class Project:
    def __init__(self, tree: Tree, config: Optional[Config] = None):
        self.tree = tree
        self.config = config or Config()
        self._texts: dict[str, Optional[TextFile]] = {}
        self._asts: dict[str, Optional[ast.Module]] = {}
        self._ast_errors: dict[str, Exception] = {}
        self.facts: dict[tuple[object, ...], Any] = {}
        """What engine modules derive from the files, kept for the life of the project (keys
        start with the name of what is kept)."""

    # -- files ------------------------------------------------------------------------------

    @cached_property
    def build_dir(self) -> str:
        raw = (self.config.build_dir or "").strip().lstrip("/")
        try:
            path = normalize(raw)
        except UnsafePath:
            raise PaasfixError(f"build directory '{raw}' leaves the repository") from None
        if path and not self.tree.is_dir(path):
            raise PaasfixError(f"build directory '{path}' does not exist in the repository")
        return path

    def path(self, *names: str) -> str:
        """A path inside the build directory."""
        return join(self.build_dir, *names)

    def text(self, path: str) -> Optional[TextFile]:
        """A decoded file (None if absent). Raises FileProblem for binary or broken files."""
        path = normalize(path)
        if path not in self._texts:
            self._texts[path] = self.tree.text(path)
        return self._texts[path]

    def exists(self, path: str) -> bool:
        try:
            return self.tree.kind(path) is not None
        except UnsafePath:
            return True

    def is_file(self, path: str) -> bool:
        return self.tree.is_file(path)

    def is_dir(self, path: str) -> bool:
        return self.tree.is_dir(path)

    def listdir(self, path: str) -> list[str]:
        return self.tree.listdir(path)

    # -- process definitions ----------------------------------------------------------------

    def _yaml(self, path: str) -> Optional[YamlFile]:
        file = self.text(path)
        if file is None:
            return None
        if len(file.raw) > MAX_DOCUMENT_SIZE:
            raise FileProblem(
                path,
                f"cannot be read: it is {len(file.raw) / 1024:,.0f} KiB, "
                f"larger than the {MAX_DOCUMENT_SIZE // 1024} KiB paasfix "
                "reads in a process definition (the platform takes at most "
                f"{rules.MAX_PROCESSES} processes per module)",
            )
        try:
            return YamlFile(path, file, platform_load(file.text))
        except YamlProblem as problem:
            return YamlFile(path, file, None, problem)

    @cached_property
    def app_desc(self) -> Optional[YamlFile]:
        """app_desc.yaml (or .yml) at the repository root, else in the build directory (§3)."""
        for directory in dict.fromkeys(["", self.build_dir]):
            for name in rules.APP_DESC_NAMES:
                found = self._yaml(join(directory, name))
                if found is not None:
                    return found
        return None

    @cached_property
    def procfile(self) -> Optional[YamlFile]:
        """The Procfile in the build directory, else at the repository root (§2.1)."""
        for directory in dict.fromkeys([self.build_dir, ""]):
            found = self._yaml(join(directory, rules.PROCFILE_NAME))
            if found is not None:
                return found
        return None

    @cached_property
    def app_desc_processes(self) -> Optional[dict[str, str]]:
        desc = self.app_desc
        if desc is None or not desc.loaded:
            return None
        return rules.processes_of(desc.data)

    # -- Python -----------------------------------------------------------------------------

    @cached_property
    def is_python(self) -> bool:
        return any(self.is_file(self.path(name)) for name in PYTHON_MARKERS)

    @cached_property
    def requirements(self) -> RequirementSet:
        """``requirements.txt`` in the build directory and every file it includes with -r/-c,
        in the order pip reads them.

        Each file is read once, and the chain is followed without recursion, however deep it
        is. pip follows includes by recursion without looking for loops: an include that leads
        back to a file being read is one of :attr:`RequirementSet.problems` (pip 23.2 fails on
        it with RecursionError, as it does on a chain of about a thousand files).
        """
        result = RequirementSet()
        seen: set[str] = set()
        chain: list[tuple[str, Iterator[RequirementLine]]] = []
        on_chain: set[str] = set()

        def enter(path: str, origin: Optional[tuple[str, int]]) -> None:
            if path in on_chain:
                if origin is not None:
                    paths = [p for p, _ in chain]
                    loop = " -> ".join(paths[paths.index(path) :] + [path])
                    result.problems.append(
                        (
                            origin[0],
                            origin[1],
                            f"includes {path}, which "
                            f"leads back to this file ({loop}); pip follows "
                            "such a loop until it fails",
                        )
                    )
                return
            if path in seen:
                return
            seen.add(path)
            inside = not self.build_dir or path.startswith(self.build_dir + "/")
            file = self.text(path) if inside else None
            if file is None:
                if origin is not None:
                    why = (
                        "does not exist"
                        if inside
                        else "is outside the build directory, so the build cannot read it"
                    )
                    result.problems.append((origin[0], origin[1], f"includes {path}, which {why}"))
                return
            parsed = parse_file(file)
            result.files.append(parsed)
            chain.append((path, iter(parsed.lines)))
            on_chain.add(path)

        enter(self.path("requirements.txt"), None)
        while chain:
            path, lines = chain[-1]
            line = next(
                (
                    line
                    for line in lines
                    if line.kind in ("include", "constraint")
                    and line.target
                    and "://" not in line.target
                ),
                None,
            )
            if line is None or not line.target:
                chain.pop()
                on_chain.discard(path)
                continue
            try:
                target = join(path.rpartition("/")[0], line.target)
            except UnsafePath:
                result.problems.append(
                    (path, line.first, f"includes {line.target}, which leaves the repository")
                )
                continue
            enter(target, (path, line.first))
        return result

    def python_ast(self, path: str) -> Optional[ast.Module]:
        """The module's syntax tree; None when absent, unreadable, or when it does not parse
        or is beyond what paasfix analyses (:func:`python_error` says why)."""
        path = normalize(path)
        if path not in self._asts:
            module = None
            try:
                file = self.text(path)
                if file is not None:
                    module = pyast.parse(file.text, filename=path)
            except (SyntaxError, ValueError) as exc:
                self._ast_errors[path] = exc
            except FileProblem:
                module = None
            self._asts[path] = module
        return self._asts[path]

    def python_error(self, path: str) -> Optional[Exception]:
        """The SyntaxError (or ValueError) that kept :meth:`python_ast` from giving a tree."""
        self.python_ast(path)
        return self._ast_errors.get(normalize(path))

    @cached_property
    def aptfile(self) -> Optional[Aptfile]:
        """The Aptfile in the build directory (the only one the apt build tool reads, §5)."""
        file = self.text(self.path(APTFILE_NAME))
        return parse_aptfile(file) if file is not None else None

    @cached_property
    def setup_py(self) -> Optional["SetupPy"]:
        """setup.py in the build directory, analysed as source (never run); None if absent."""
        from paasfix.buildpack.setuppy import analyse

        file = self.text(self.path("setup.py"))
        return None if file is None else analyse(file.path, file.text)

    @cached_property
    def runtime_txt(self) -> Optional[TextFile]:
        return self.text(self.path("runtime.txt"))

    def runtime(self, stack: Stack) -> Optional[RuntimeFile]:
        """The file that chooses the app's Python on ``stack`` (runtime.txt, else where the
        stack reads it .python-version), read once per stack; None when there is none."""
        key = ("runtime", stack.name)
        if key not in self.facts:
            self.facts[key] = read_runtime(self.text, self.build_dir, stack)
        found: Optional[RuntimeFile] = self.facts[key]
        return found

    def dependencies(self, stack: Stack) -> "BuildDependencies":
        """What the build on ``stack`` installs, from which files, and where each requirement
        is declared (requirement files, Pipfile and Pipfile.lock, poetry, PEP 621, setup.py
        and setup.cfg, in the buildpack's precedence), read once per stack."""
        key = ("dependencies", stack.name)
        if key not in self.facts:
            from paasfix.buildpack.dependencies import read_build_dependencies

            self.facts[key] = read_build_dependencies(
                self, stack, lambda: self.requirements.files, lambda: self.setup_py
            )
        found: BuildDependencies = self.facts[key]
        return found

    def compile_hook(self, stage: str) -> CompileHook:
        """Which script the build runs for ``stage`` (``pre_compile`` or ``post_compile``),
        looked up once per stage."""
        key = ("compile_hook", stage)
        if key not in self.facts:
            self.facts[key] = compile_hook(self.tree, self.build_dir, stage)
        hook: CompileHook = self.facts[key]
        return hook

    def option(self, name: str, default: Any = None) -> Any:
        return self.config.options.get(name, default)
