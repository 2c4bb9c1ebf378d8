"""Parsed facts about an application repository, each read and parsed once, on first use.

A Project only looks where the platform looks (the build directory, the repository root for
app_desc.yaml and the Procfile fallback, the requirement files the build installs), so the cost
of a check does not grow with unrelated files.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Iterator, Optional, Union

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
from paasfix.platform import processes, rules

if TYPE_CHECKING:
    from paasfix.buildpack.dependencies import BuildDependencies
    from paasfix.buildpack.setuppy import SetupPy
    from paasfix.python_apps.django import CannotInfer, DjangoProject
    from paasfix.python_apps.process_inference import Inference

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
        self._process_files: dict[str, Optional[YamlFile]] = {}
        self._runtimes: dict[str, Optional[RuntimeFile]] = {}
        """runtime(stack), by the stack's name."""
        self._compile_hooks: dict[str, CompileHook] = {}
        """compile_hook(stage), by the stage."""
        self._dependencies: dict[str, BuildDependencies] = {}
        """dependencies(stack), by the stack's name."""

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

    def process_file(self, path: str) -> Optional[YamlFile]:
        """A Procfile or app_desc.yaml at ``path``, loaded as the platform loads it (None if
        absent); raises FileProblem for a file too large to be one."""
        path = normalize(path)
        if path not in self._process_files:
            self._process_files[path] = self._load_process_file(path)
        return self._process_files[path]

    def _load_process_file(self, path: str) -> Optional[YamlFile]:
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
                found = self.process_file(join(directory, name))
                if found is not None:
                    return found
        return None

    @cached_property
    def procfile(self) -> Optional[YamlFile]:
        """The Procfile in the build directory, else at the repository root (§2.1)."""
        for directory in dict.fromkeys([self.build_dir, ""]):
            found = self.process_file(join(directory, rules.PROCFILE_NAME))
            if found is not None:
                return found
        return None

    @cached_property
    def app_desc_processes(self) -> Optional[dict[str, str]]:
        desc = self.app_desc
        if desc is None or not desc.loaded:
            return None
        return rules.processes_of(desc.data)

    @cached_property
    def procfile_definition(self) -> Optional[processes.Definition]:
        """The processes of the Procfile in use, when it loads as a mapping of processes."""
        procfile = self.procfile
        if procfile is None or not procfile.loaded:
            return None
        return processes.procfile_definition(procfile.path, procfile.file.text, procfile.data)

    @cached_property
    def app_desc_definition(self) -> Optional[processes.Definition]:
        """The processes of app_desc.yaml's default module, when the platform uses them (the
        file loads and has a supported spec version)."""
        desc = self.app_desc
        if desc is None or not desc.loaded:
            return None
        return processes.app_desc_definition(desc.path, desc.file.text, desc.data)

    @cached_property
    def process_inference(self) -> Union["Inference", "CannotInfer"]:
        """How the application starts, read from its code (never run), or why that is not
        certain."""
        from paasfix.python_apps.django import CannotInfer
        from paasfix.python_apps.process_inference import infer

        required = None
        if self.requirements.files:
            required = frozenset(line.key for line in self.requirements.lines() if line.key)
        try:
            return infer(self, required, self.is_python)
        except CannotInfer as why:
            return why

    @cached_property
    def language(self) -> str:
        """The language an app_desc.yaml written for the build directory names (Python when
        unsure)."""
        from paasfix.python_apps.process_inference import guess_language

        return guess_language(self, self.is_python)

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
        file = self.text(self.path("setup.py"))
        if file is None:
            return None
        from paasfix.buildpack.setuppy import analyse

        return analyse(file.path, file.text)

    @cached_property
    def django(self) -> Optional["DjangoProject"]:
        """The manage.py files the build finds, the settings modules each gives Django per
        environment (app_desc.yaml's ``DJANGO_SETTINGS_MODULE`` wins where manage.py lets it),
        and each module's settings chain; None when there is no manage.py."""
        from paasfix.python_apps import django

        manage_files = django.manage_py_files(self)
        if not manage_files:
            return None
        desc = self.app_desc
        overrides = {}
        if desc is not None and desc.loaded:
            document = desc.roundtrip
            overrides = django.settings_overrides(desc.path, desc.data, lambda: document().data)
        return django.read_django(self, manage_files, overrides)

    @cached_property
    def runtime_txt(self) -> Optional[TextFile]:
        return self.text(self.path("runtime.txt"))

    def runtime(self, stack: Stack) -> Optional[RuntimeFile]:
        """The file that chooses the app's Python on ``stack`` (runtime.txt, else where the
        stack reads it .python-version), read once per stack; None when there is none."""
        if stack.name not in self._runtimes:
            self._runtimes[stack.name] = read_runtime(self.text, self.build_dir, stack)
        return self._runtimes[stack.name]

    def dependencies(self, stack: Stack) -> "BuildDependencies":
        """What the build on ``stack`` installs, from which files, and where each requirement
        is declared (requirement files, Pipfile and Pipfile.lock, poetry, PEP 621, setup.py
        and setup.cfg, in the buildpack's precedence), read once per stack."""
        if stack.name not in self._dependencies:
            from paasfix.buildpack.dependencies import read_build_dependencies

            self._dependencies[stack.name] = read_build_dependencies(
                self, stack, lambda: self.requirements.files, lambda: self.setup_py
            )
        return self._dependencies[stack.name]

    def compile_hook(self, stage: str) -> CompileHook:
        """Which script the build runs for ``stage`` (``pre_compile`` or ``post_compile``),
        looked up once per stage."""
        if stage not in self._compile_hooks:
            self._compile_hooks[stage] = compile_hook(self.tree, self.build_dir, stage)
        return self._compile_hooks[stage]

    def option(self, name: str, default: Any = None) -> Any:
        return self.config.options.get(name, default)
