"""What the build installs: which dependency files the Python buildpack of a stack uses, in
its order of precedence, and every requirement they declare.

heroku-18 (hpy v213, ``bin/steps/pipenv`` and ``bin/compile``):

1. a ``Pipfile``: pipenv installs, ``--deploy`` from Pipfile.lock when there is one,
   ``--skip-lock`` from the Pipfile otherwise; requirements.txt is then not read;
2. ``requirements.txt``: ``pip install -r requirements.txt``;
3. ``setup.py`` alone: the buildpack writes ``-e .`` into requirements.txt and installs the
   project.

poetry.lock, pyproject.toml alone and uv.lock are not read on heroku-18.

heroku-24 (hpy v285, ``lib/package_manager.sh``): the first of ``Pipfile.lock``, ``Pipfile``
(both pipenv), ``requirements.txt`` (pip) and ``poetry.lock`` (poetry, ``poetry sync --only
main``) wins, with a warning naming the others; ``setup.py`` is the fallback when there is
none of them. uv.lock is not read.

Whichever file is used, the project itself is installed when a requirement file or the
Pipfile names it (``-e .``, ``.``, ``{path = "."}``) and by the setup.py fallback; its
``install_requires`` and ``[project] dependencies`` are then installed too. Development
requirements (``[dev-packages]``, the lock's ``develop``, poetry's other groups) never are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional, Sequence, TypeVar

from paasfix.buildpack import lockfiles, pipfile, poetry, project_metadata
from paasfix.buildpack.declaration import REQUIREMENTS, Declaration, exact_version
from paasfix.buildpack.requirements import RequirementFile, RequirementLine, canonical
from paasfix.buildpack.runtimes import HEROKU_18, Stack
from paasfix.buildpack.tomldoc import TomlDocument
from paasfix.buildpack.tomldoc import load as load_toml
from paasfix.core.errors import FileProblem
from paasfix.core.sources import Sources
from paasfix.core.text import TextFile

if TYPE_CHECKING:
    from paasfix.buildpack.setuppy import SetupPy

_T = TypeVar("_T")

PIP = "pip"
PIPENV = "pipenv"
POETRY = "poetry"
NONE = "none"
"""No file the buildpack installs from: the build fails (``Couldn't find any supported
Python package manager files`` on heroku-24; no Python app detected on heroku-18)."""

REQUIREMENTS_TXT = "requirements.txt"
PYPROJECT = "pyproject.toml"
SETUP_PY = "setup.py"
SETUP_CFG = "setup.cfg"
UV_LOCK = "uv.lock"

_EXTRAS_RE = re.compile(r"^[A-Za-z0-9._-]+\s*\[([^\]]*)\]")
_EDITABLE_RE = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s+|(?=\.))")
_PROJECT_LOCATIONS = (".", "./", "file:.", "file:./")


@dataclass(frozen=True)
class IgnoredFile:
    """A dependency file in the build directory that this build does not install from."""

    path: str
    why: str


@dataclass(frozen=True)
class BuildDependencies:
    """What the build of one stack installs, and where each requirement is declared."""

    stack: str
    """The stack's name (``heroku-18``, ``heroku-24``)."""
    manager: str
    """:data:`PIP`, :data:`PIPENV`, :data:`POETRY` or :data:`NONE`."""
    command: str
    """What the buildpack runs to install (empty for :data:`NONE`)."""
    installs_from: tuple[str, ...] = ()
    """The files the build installs from: the one that chose the manager first (the lock when
    one is used), then the files it brings in (``-r`` includes, the project's metadata)."""
    installed: tuple[Declaration, ...] = ()
    """Every requirement the build installs, as the files it installs from state it: a
    lock's entries (with every locked dependency) when a lock is used."""
    declarations: tuple[Declaration, ...] = ()
    """The requirements as people declare them, where a change belongs: requirement-file
    lines, the Pipfile's ``[packages]``, poetry's main dependencies, ``[project]
    dependencies``, ``install_requires``. Without a lock this is :attr:`installed`."""
    installs_project: bool = False
    """Whether the app is installed as a project (``-e .``, ``.``, the setup.py fallback)."""
    lock: Optional[lockfiles.Lock] = None
    """The lock of the manager used (pipenv, poetry), present or not; None for pip."""
    ignored: tuple[IgnoredFile, ...] = ()
    """Dependency files present that this build does not read, with why."""
    problems: tuple[FileProblem, ...] = ()
    """Dependency files that cannot be read (``Pipfile: cannot be read as TOML: ...``)."""

    @property
    def locked(self) -> bool:
        """Whether the build installs from a lock file (a change of the declarations then
        needs the lock written again: :attr:`lock` ``.command``)."""
        return self.lock is not None and self.lock.used_by_build

    def installs(self, name: str) -> list[Declaration]:
        """How the build installs project ``name``: its entries in the files installed
        from ([] when it is not installed, as far as the files say)."""
        key = canonical(name)
        return [d for d in self.installed if d.key == key]

    def declared(self, name: str) -> list[Declaration]:
        """Where project ``name`` is declared by hand, in the order the files are read."""
        key = canonical(name)
        return [d for d in self.declarations if d.key == key]

    def pinned_version(self, name: str) -> Optional[Declaration]:
        """The declaration that fixes the version of ``name`` the build installs (its
        :attr:`Declaration.version`): the lock's entry when a lock is used, else the first
        exact pin; None when the version is left open."""
        for found in self.installs(name):
            if found.version is not None:
                return found
        return None

    def where(self, name: str) -> Optional[Declaration]:
        """Where a finding about ``name`` should point: its first hand-written declaration,
        else its entry in the lock (a dependency of a dependency), else None."""
        declared = self.declared(name)
        if declared:
            return declared[0]
        installed = self.installs(name)
        return installed[0] if installed else None

    def ignores(self, name: str) -> Optional[IgnoredFile]:
        """The ignored file called ``name`` (a file name such as ``uv.lock``), if any."""
        return next((i for i in self.ignored if i.path.rpartition("/")[2] == name), None)


# -- requirement files ----------------------------------------------------------------------


def _location(line: RequirementLine) -> str:
    """Where an editable or URL/path line installs from, without extras and options."""
    text = _EDITABLE_RE.sub("", line.text).strip() if line.kind == "editable" else line.text
    text = re.split(r"\s|;|#", text, maxsplit=1)[0]
    return text.split("[", 1)[0]


def names_project(line: RequirementLine) -> bool:
    """Whether a requirement line installs the app itself (``-e .``, ``.``, ``.[prod]``)."""
    return line.kind in ("editable", "url") and _location(line) in _PROJECT_LOCATIONS


def requirement_declaration(line: RequirementLine) -> Optional[Declaration]:
    """A requirement-file line as a declaration; None for lines that name no project."""
    if not line.name:
        return None
    specifier = ",".join(op + version for op, version in line.specs)
    body = line.text.split(";", 1)
    extras = _EXTRAS_RE.match(body[0].strip())
    url = None
    if line.kind in ("editable", "url"):
        url = _location(line) or None
    return Declaration(
        name=line.name,
        specifier=specifier,
        path=line.path,
        line=line.first,
        origin=REQUIREMENTS,
        version=exact_version(specifier) if len(line.specs) == 1 else None,
        extras=tuple(e.strip() for e in extras.group(1).split(",") if e.strip()) if extras else (),
        marker=body[1].split(" --", 1)[0].strip() if len(body) > 1 else "",
        url=url,
        requirement_line=line,
    )


# -- reading --------------------------------------------------------------------------------


class _Reader:
    """Reads each dependency file once, keeping what cannot be read as a problem."""

    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.problems: list[FileProblem] = []
        self._toml: dict[str, Optional[TomlDocument]] = {}

    def path(self, name: str) -> str:
        return self.sources.path(name)

    def is_file(self, name: str) -> bool:
        return self.sources.is_file(self.path(name))

    def text(self, name: str) -> Optional[TextFile]:
        try:
            return self.sources.text(self.path(name))
        except FileProblem as problem:
            self.problems.append(problem)
            return None

    def toml(self, name: str) -> Optional[TomlDocument]:
        if name not in self._toml:
            file = self.text(name) if self.is_file(name) else None
            document = None
            if file is not None:
                try:
                    document = load_toml(file)
                except FileProblem as problem:
                    self.problems.append(problem)
            self._toml[name] = document
        return self._toml[name]

    def attempt(self, read: Callable[[_T], list[Declaration]], argument: _T) -> list[Declaration]:
        """``read(argument)``, or [] when it raises FileProblem (which is kept)."""
        try:
            return read(argument)
        except FileProblem as problem:
            self.problems.append(problem)
            return []


def _project_declarations(
    reader: _Reader, setup_py: Callable[[], Optional[SetupPy]]
) -> list[Declaration]:
    """What installing the app as a project installs."""
    out: list[Declaration] = []
    document = reader.toml(PYPROJECT)
    if document is not None:
        if poetry.is_poetry_project(document):
            out += reader.attempt(poetry.poetry_declarations, document)
        else:
            out += reader.attempt(project_metadata.pep621_declarations, document)
    if reader.is_file(SETUP_CFG):
        cfg = reader.text(SETUP_CFG)
        if cfg is not None:
            out += project_metadata.setup_cfg_declarations(cfg)
    if reader.is_file(SETUP_PY):
        setup = setup_py()
        if setup is not None:
            out += project_metadata.setup_py_declarations(setup)
    return out


def _manager(stack: Stack, present: set[str]) -> tuple[str, Optional[str]]:
    """(the manager, the file that chose it) on ``stack``."""
    if stack is HEROKU_18:
        order = [("Pipfile", PIPENV), (REQUIREMENTS_TXT, PIP)]
    else:
        order = [
            (pipfile.LOCK_NAME, PIPENV),
            (pipfile.PIPFILE_NAME, PIPENV),
            (REQUIREMENTS_TXT, PIP),
            (poetry.LOCK_NAME, POETRY),
        ]
    for name, manager in order:
        if name in present:
            return manager, name
    if SETUP_PY in present:
        return PIP, SETUP_PY
    return NONE, None


_CANDIDATES = (
    pipfile.PIPFILE_NAME,
    pipfile.LOCK_NAME,
    REQUIREMENTS_TXT,
    poetry.LOCK_NAME,
    UV_LOCK,
    PYPROJECT,
    SETUP_PY,
    SETUP_CFG,
)


def read_build_dependencies(
    sources: Sources,
    stack: Stack,
    requirement_files: Callable[[], Sequence[RequirementFile]],
    setup_py: Callable[[], Optional[SetupPy]] = lambda: None,
) -> BuildDependencies:
    """What the build on ``stack`` installs from the build directory of ``sources``.

    ``requirement_files`` gives requirements.txt and its ``-r``/``-c`` files in the order pip
    reads them (the Project's requirement set), asked only when pip installs from them; ``setup_py`` gives setup.py analysed as
    source (:func:`paasfix.buildpack.setuppy.analyse`) when it is needed.
    """
    reader = _Reader(sources)
    present = {name for name in _CANDIDATES if reader.is_file(name)}
    manager, chosen = _manager(stack, present)
    installs_from: list[str] = []
    installed: list[Declaration] = []
    declarations: list[Declaration] = []
    project = False
    lock = None
    command = ""

    if manager == PIPENV:
        document = reader.toml(pipfile.PIPFILE_NAME)
        has_lock = pipfile.LOCK_NAME in present
        if document is not None:
            declarations += reader.attempt(pipfile.pipfile_declarations, document)
            try:
                project = pipfile.installs_project(document)
            except FileProblem:
                pass  # the same problem is already kept by pipfile_declarations
        lock = lockfiles.Lock(
            lockfiles.PIPENV,
            reader.path(pipfile.LOCK_NAME),
            has_lock,
            lockfiles.regenerate_command(lockfiles.PIPENV),
            has_lock,
        )
        if has_lock:
            command = "pipenv install --system --deploy"
            installs_from.append(reader.path(pipfile.LOCK_NAME))
            lock_file = reader.text(pipfile.LOCK_NAME)
            if lock_file is not None:
                installed += reader.attempt(_pipfile_lock, lock_file)
            if pipfile.PIPFILE_NAME in present:
                installs_from.append(reader.path(pipfile.PIPFILE_NAME))
        else:
            command = "pipenv install --system --skip-lock"
            installs_from.append(reader.path(pipfile.PIPFILE_NAME))
    elif manager == POETRY:
        command = "poetry sync --only main"
        installs_from.append(reader.path(poetry.LOCK_NAME))
        lock_document = reader.toml(poetry.LOCK_NAME)
        if lock_document is not None:
            installed += reader.attempt(poetry.lock_declarations, lock_document)
        document = reader.toml(PYPROJECT)
        if document is not None:
            installs_from.append(reader.path(PYPROJECT))
            declarations += reader.attempt(poetry.poetry_declarations, document)
        lock = lockfiles.Lock(
            lockfiles.POETRY,
            reader.path(poetry.LOCK_NAME),
            True,
            lockfiles.regenerate_command(
                lockfiles.POETRY, poetry.lock_version(lock_document) if lock_document else None
            ),
            True,
        )
    elif manager == PIP and chosen == REQUIREMENTS_TXT:
        command = "pip install -r requirements.txt"
        for parsed in requirement_files():
            installs_from.append(parsed.path)
            for line in parsed.lines:
                project = project or names_project(line)
                found = requirement_declaration(line)
                if found is not None:
                    declarations.append(found)
    elif manager == PIP:
        command = "pip install --editable ."
        project = True

    if project:
        declarations += _project_declarations(reader, setup_py)
        for name in (PYPROJECT, SETUP_CFG, SETUP_PY):
            if name in present and reader.path(name) not in installs_from:
                installs_from.append(reader.path(name))
    if lock is None or not lock.used_by_build:
        installed = list(declarations)

    ignored = _ignored(stack, manager, chosen, present, project, reader)
    return BuildDependencies(
        stack=stack.name,
        manager=manager,
        command=command,
        installs_from=tuple(installs_from),
        installed=tuple(installed),
        declarations=tuple(declarations),
        installs_project=project,
        lock=lock,
        ignored=tuple(ignored),
        problems=tuple(reader.problems),
    )


def _pipfile_lock(file: TextFile) -> list[Declaration]:
    return pipfile.lock_declarations(file, pipfile.read_lock(file))


def _declares_dependencies(document: Optional[TomlDocument]) -> bool:
    if document is None:
        return False
    return (
        poetry.is_poetry_project(document)
        or isinstance(document.get("project", "dependencies"), list)
        or project_metadata.dynamic_dependencies(document)
    )


def _ignored(
    stack: Stack,
    manager: str,
    chosen: Optional[str],
    present: set[str],
    project: bool,
    reader: _Reader,
) -> list[IgnoredFile]:
    out = []
    first = f"the build uses {chosen}" if chosen else "the build finds no file to install from"

    def add(name: str, why: str) -> None:
        out.append(IgnoredFile(reader.path(name), why))

    if UV_LOCK in present:
        add(UV_LOCK, f"neither Python buildpack installs with uv; {first}")
    if stack is HEROKU_18:
        if poetry.LOCK_NAME in present:
            add(poetry.LOCK_NAME, f"{stack.buildpack} does not install with poetry; {first}")
        if pipfile.LOCK_NAME in present and pipfile.PIPFILE_NAME not in present:
            add(
                pipfile.LOCK_NAME,
                f"{stack.buildpack} uses Pipfile.lock only with the Pipfile next to it; {first}",
            )
        if REQUIREMENTS_TXT in present and manager == PIPENV:
            add(
                REQUIREMENTS_TXT,
                "the Pipfile comes first: pipenv installs and requirements.txt is not read",
            )
    else:
        order = [pipfile.LOCK_NAME, pipfile.PIPFILE_NAME, REQUIREMENTS_TXT, poetry.LOCK_NAME]
        for name in order:
            if (
                name in present
                and name != chosen
                and not (manager == PIPENV and name in (pipfile.LOCK_NAME, pipfile.PIPFILE_NAME))
            ):
                add(name, f"{stack.buildpack} uses the first of {', '.join(order)}: {first}")
    if PYPROJECT in present and not project and manager != POETRY:
        if _declares_dependencies(reader.toml(PYPROJECT)):
            add(PYPROJECT, f"the build does not install the project from pyproject.toml; {first}")
    if SETUP_PY in present and not project and chosen != SETUP_PY:
        add(SETUP_PY, f"the build does not install the project (no -e . or .); {first}")
    return out
