"""Ask for a pip that installs the wheels of Rust-built dependencies (fix-pip-setuptools-rust)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Iterator, Optional

from paasfix import config, platform, runtimes
from paasfix.appdesc import SCOPE_PYTHON, EnvEditError, env_values, set_env_text
from paasfix.errors import UnsafePath
from paasfix.fixer import SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.project import Project, YamlFile
from paasfix.requirements import RequirementLine
from paasfix.tree import join

PIP_VARIABLE = "PIP_VERSION"
DEFAULT_PIP = "21.0"
"""The FAQ's recommendation. It reads manylinux2010 (pip 19.0), manylinux2014 (19.3) and
manylinux_x_y (20.3) wheel tags, so it takes the wheels of every release in :data:`RUST_BUILT`."""

LAST_PIP = {(2, 7): "20.3.4", (3, 4): "19.1.1", (3, 5): "20.3.4", (3, 6): "21.3.1"}
"""The newest pip each old Python runs: pip 19.2 dropped Python 3.4, 21.0 dropped 2.7 and 3.5,
22.0 dropped 3.6."""
RUST_MIN_PYTHON = (3, 6)
"""Every release in :data:`RUST_BUILT` requires Python 3.6 or newer."""


@dataclass(frozen=True)
class RustBuilt:
    name: str
    """The project name in PEP 503 form."""
    first: Optional[str]
    """The first release whose source build needs Rust (None: every release)."""
    wheels_pip: str
    """The oldest pip that takes the Linux wheels of those releases."""
    source: str


RUST_BUILT = (
    RustBuilt("cryptography", "3.4", "19.0",
              "3.4 added a Rust extension whose sdist imports setuptools_rust (pyca/cryptography "
              "#5779); 42.0 builds with maturin instead; wheels are manylinux2010 and newer"),
    RustBuilt("bcrypt", "4.0", "19.3",
              "4.0.0 changelog: implemented in Rust, building from source needs a Rust compiler, "
              "no more manylinux2010 wheels (manylinux2014 and manylinux_2_28 instead)"),
    RustBuilt("tiktoken", None, "19.3",
              "every release's setup.py builds tiktoken._tiktoken with "
              "setuptools_rust.RustExtension (openai/tiktoken); its Linux wheels are "
              "manylinux2014"),
)


def _version(text: str):
    from packaging.version import InvalidVersion, Version

    try:
        return Version(str(text))
    except InvalidVersion:
        return None


def _allowed(lines: list[RequirementLine]):
    """The versions every line naming the project allows, as one specifier set (None when a
    specifier cannot be read)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(",".join(f"{op}{version}" for line in lines
                                     for op, version in line.specs))
    except InvalidSpecifier:
        return None


def _candidates(specifiers, *extra: str) -> list:
    mentioned = [spec.version.removesuffix(".*") for spec in specifiers]
    return [v for v in (_version(text) for text in (*extra, *mentioned)) if v is not None]


def _reaches(specifiers, first: Optional[str]) -> tuple[bool, bool]:
    """(whether a Rust-built release can satisfy ``specifiers``, whether an older one can)."""
    start = _version(first or "0")
    points = _candidates(specifiers, str(start), "9999")
    newer = any(v >= start and specifiers.contains(v, prereleases=True) for v in points)
    older = first is not None and any(
        v < start and specifiers.contains(v, prereleases=True)
        for v in _candidates(specifiers, "0"))
    return newer, older


@dataclass(frozen=True)
class _Need:
    package: RustBuilt
    line: RequirementLine
    pre_rust_allowed: bool

    @property
    def text(self) -> str:
        return self.line.name + ",".join(op + version for op, version in self.line.specs)


def _constraint_files(project: Project) -> set[str]:
    """Files included with ``-c``: they limit versions but install nothing."""
    found = set()
    for line in project.requirements.lines():
        if line.kind == "constraint" and line.target and "://" not in line.target:
            try:
                found.add(join(posixpath.dirname(line.path), line.target))
            except UnsafePath:
                continue
    return found


def _needs(project: Project) -> list[_Need]:
    needs = []
    constraints = _constraint_files(project)
    for package in RUST_BUILT:
        lines = [line for line in project.requirements.named(package.name)
                 if line.kind == "requirement"]
        installed = [line for line in lines if line.path not in constraints]
        if not installed:
            continue
        specifiers = _allowed(lines)
        if specifiers is None:
            continue
        newer, older = _reaches(specifiers, package.first)
        if newer:
            needs.append(_Need(package, installed[0], older))
    return needs


def _new_enough(required):
    """Whether a ``PIP_VERSION`` value asks for ``required`` or newer."""
    def accepts(value) -> bool:
        version = _version(value) if isinstance(value, str) else None
        return version is not None and version >= required
    return accepts


def _with_pip(text: str, wanted: str, required) -> Optional[str]:
    return set_env_text(text, PIP_VARIABLE, wanted, SCOPE_PYTHON, keep=_new_enough(required))


def _names(needs: list[_Need]) -> tuple[str, str]:
    texts = [need.text for need in needs]
    if len(texts) == 1:
        return texts[0], "needs"
    return ", ".join(texts[:-1]) + " and " + texts[-1], "need"


def _pip_problem(desc: Optional[YamlFile], required) -> Optional[str]:
    """Why the pip app_desc.yaml asks for may be too old (None when it is new enough)."""
    if desc is None or not desc.loaded:
        return f"nothing sets {PIP_VARIABLE}"
    values = env_values(desc.data, PIP_VARIABLE, SCOPE_PYTHON)
    if not any(value is not None for by_env in values.values() for value in by_env.values()):
        return f"{desc.path} sets no {PIP_VARIABLE}"
    accepts = _new_enough(required)
    for module, by_environment in values.items():
        for environment, value in by_environment.items():
            if value is None:
                return f"{desc.path} sets no {PIP_VARIABLE} for {environment} in {module}"
            if not accepts(value):
                shown = value if isinstance(value, str) else f"{value} (a number, not a string)"
                return (f"{desc.path} sets {PIP_VARIABLE} to {shown} for {environment} in "
                        f"{module}")
    return None


def _cannot_edit(desc: YamlFile, wanted: str, required) -> Optional[str]:
    """Why app_desc.yaml cannot take the variable (None when it can)."""
    if not desc.loaded:
        return f"{desc.path} does not load as YAML ({desc.problem.message}); repair it first"
    if platform.spec_version(desc.data) not in platform.SPEC_VERSIONS:
        return f"{desc.path} has no valid spec_version, so the platform does not read it"
    try:
        _with_pip(desc.file.text, wanted, required)
    except EnvEditError as exc:
        return f"{desc.path} has no place for it: {exc}"
    return None


def _pip_for(python: Optional[runtimes.PythonVersion], wanted: str) -> str:
    """``wanted``, or the newest pip ``python`` can run when that is older."""
    last = LAST_PIP.get(python.series) if python is not None else None
    if last is None or _version(wanted) is None or _version(wanted) <= _version(last):
        return wanted
    return last


class FixPipSetuptoolsRust(Fixer):
    """
    ## What goes wrong

    Some dependencies are written partly in Rust: `cryptography` from 3.4, `bcrypt` from 4.0,
    `tiktoken`. Their source packages are built with setuptools-rust and a Rust compiler;
    normally nobody builds them, because PyPI has ready-made wheels. An old pip does not
    recognise the tags of those wheels (manylinux2010 needs pip 19.0, manylinux2014 pip 19.3),
    takes the source package instead, and the build fails with
    `ModuleNotFoundError: No module named 'setuptools_rust'` (on Python 2:
    `ImportError: No module named setuptools_rust`). An unpinned `cryptography` gets the newest
    release, so it counts too; a pin below the first Rust release does not.

    ## The fix

    Sets the `PIP_VERSION` environment variable, which the platform's Python buildpack has used
    to choose the pip of the build, to `"21.0"` (the recommended version; on a Python 2.7 or
    3.5 runtime `"20.3.4"`, the last pip those run). The FAQ also mentions 19.0, but that pip
    does not read the manylinux2014 wheels that bcrypt 4 ships; 21.0 reads every wheel tag these
    packages use. The value goes into app_desc.yaml as a quoted string, in every Python
    module's `env_variables` (spec_version 2) or `spec.configuration.env` (specVersion 3); an
    existing `PIP_VERSION` that is too old is changed where it stands, and comments, order and
    quoting stay as they were. Without app_desc.yaml, paasfix says where to set the variable
    instead: the module's environment variables in the developer centre.

    Be aware that current buildpacks probably ignore `PIP_VERSION`. As far as their code shows,
    the heroku-18 buildpack removes the variable before it installs pip and pins a pip of its
    own (20.3.4 to 22.2.2, depending on the Python version), and the heroku-24 buildpack
    installs the pip it ships with. Those pips already take the wheels, so the variable matters
    on older platform versions, and nothing is reported for the heroku-24 stack. If the error
    appears although `PIP_VERSION` is set, pin the dependency below its first Rust release (for
    example `cryptography<3.4`) instead.

    A `PIP_VERSION` set only in the developer centre is invisible to paasfix; ignore this
    fixer (`--ignore fix-pip-setuptools-rust`) in that case.

    ## Safety

    Safe: a newer pip installs the same versions of the same requirements, from wheels instead
    of source packages. On a Python 2 runtime, a requirement pinned to a Rust release cannot be
    installed at all (those releases need Python 3.6); that is reported for you to decide.
    """

    id = "fix-pip-setuptools-rust"
    title = "Rust-built dependencies need a pip that installs their wheels"
    after = ("fix-app-desc", "fix-unable-select-buildpack", "fix-py-runtime-error")
    safety = SAFE
    severity = WARNING
    log_patterns = (
        r"ModuleNotFoundError: No module named 'setuptools_rust'",
        r"ImportError: No module named '?setuptools_rust'?",
    )
    options = {"pip_version": DEFAULT_PIP, **runtimes.OPTIONS}
    option_checks = {"pip_version": config.version, **runtimes.OPTION_CHECKS}

    def detect(self, project: Project) -> Iterator[Finding]:
        site = runtimes.site_of(self.settings)
        if site.stack is runtimes.HEROKU_24:
            return
        needs = _needs(project)
        if not needs:
            return
        python = runtimes.requested_version(project, site)
        first = needs[0].line
        names, verb = _names(needs)
        required = max(_version(need.package.wheels_pip) for need in needs)
        why = f"{names} {verb} pip {required} or newer to install from wheels, not source"
        if python is not None and python.series < RUST_MIN_PYTHON:
            pinned = next((need for need in needs if not need.pre_rust_allowed), None)
            if pinned is not None:
                package = pinned.package
                instead = f"pin {package.name}<{package.first}" if package.first \
                    else f"remove {package.name}"
                yield self.manual(
                    f"{pinned.text} needs Python 3.6 or newer, but the runtime is Python "
                    f"{python}; {instead} or move the app to Python 3",
                    pinned.line.path, pinned.line.first)
                return
        wanted = _pip_for(python, str(self.settings["pip_version"]))
        if _version(wanted) is None or _version(wanted) < required:
            yield self.manual(f"{why}, and pip {wanted} (the pip_version setting, or the newest "
                              f"pip the runtime runs) is older; pin them below their first "
                              "Rust release where they have one", first.path, first.first)
            return
        problem = _pip_problem(project.app_desc, required)
        if problem is None:
            return
        advice = f"set {PIP_VARIABLE} to \"{wanted}\""
        desc = project.app_desc
        if desc is None:
            yield self.manual(f"{why}; {advice} in the module's environment variables "
                              "(developer centre: module settings, environment variables) or "
                              "in the env_variables of an app_desc.yaml", first.path, first.first)
            return
        cannot = _cannot_edit(desc, wanted, required)
        if cannot:
            yield self.manual(f"{why}; {advice}, but {cannot}", desc.path)
            return
        yield self.finding(f"{why}, and {problem}; {advice} in {desc.path}",
                           first.path, first.first, plan=(wanted, required))

    def fix(self, project: Project, finding: Finding) -> list[Edit]:
        desc = project.app_desc
        wanted, required = finding.planned
        return [Edit(desc.path, desc.file.encode(_with_pip(desc.file.text, wanted, required)))]

    examples = (
        Example.fixed(
            "appended to the module's env_variables, comments and quoting kept",
            {"requirements.txt": "Django==3.2.25\ncryptography==3.4.8  # for the SDK\n",
             "app_desc.yaml":
                 "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                 "    - key: BKAPP_REGION\n      value: 'ieod'  # region code\n\n"
                 "  # web and workers\n  processes:\n    web:\n"
                 "      command: gunicorn wsgi -b :$PORT\n"},
            {"requirements.txt": "Django==3.2.25\ncryptography==3.4.8  # for the SDK\n",
             "app_desc.yaml":
                 "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                 "    - key: BKAPP_REGION\n      value: 'ieod'  # region code\n"
                 "    - key: PIP_VERSION\n      value: '21.0'\n\n"
                 "  # web and workers\n  processes:\n    web:\n"
                 "      command: gunicorn wsgi -b :$PORT\n"},
        ),
        Example.fixed(
            "an unpinned cryptography gets the newest release; env_variables created",
            {"requirements.txt": "cryptography\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                              "    web:\n      command: gunicorn wsgi -b :$PORT\n"},
            {"requirements.txt": "cryptography\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "  - key: PIP_VERSION\n    value: \"21.0\"\n  processes:\n"
                              "    web:\n      command: gunicorn wsgi -b :$PORT\n"},
        ),
        Example.fixed(
            "an unquoted old PIP_VERSION is replaced in place",
            {"requirements.txt": "cryptography>=3.3\n",
             "app_desc.yml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                             "  - key: PIP_VERSION\n    value: 9.0\n"
                             "    description: pip of the build\n"},
            {"requirements.txt": "cryptography>=3.3\n",
             "app_desc.yml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                             "  - key: PIP_VERSION\n    value: \"21.0\"\n"
                             "    description: pip of the build\n"},
        ),
        Example.fixed(
            "pip 19.0 is too old for the bcrypt 4 wheels",
            {"requirements.txt": "-r requirements/prod.txt\n",
             "requirements/prod.txt": "paramiko==2.11.0\nbcrypt==4.0.1\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "  - key: PIP_VERSION\n    value: \"19.0\"\n"},
            {"requirements.txt": "-r requirements/prod.txt\n",
             "requirements/prod.txt": "paramiko==2.11.0\nbcrypt==4.0.1\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "  - key: PIP_VERSION\n    value: \"21.0\"\n"},
        ),
        Example.fixed(
            "specVersion 3: spec.configuration.env",
            {"requirements.txt": "cryptography==41.0.7\n",
             "app_desc.yaml":
                 "specVersion: 3\nmodules:\n  - name: default\n    isDefault: true\n"
                 "    language: Python\n    spec:\n      processes:\n        - name: web\n"
                 "          procCommand: gunicorn wsgi -b :$PORT\n"
                 "      configuration:\n        env:\n          - name: BKAPP_DEBUG\n"
                 "            value: \"false\"\n"},
            {"requirements.txt": "cryptography==41.0.7\n",
             "app_desc.yaml":
                 "specVersion: 3\nmodules:\n  - name: default\n    isDefault: true\n"
                 "    language: Python\n    spec:\n      processes:\n        - name: web\n"
                 "          procCommand: gunicorn wsgi -b :$PORT\n"
                 "      configuration:\n        env:\n          - name: BKAPP_DEBUG\n"
                 "            value: \"false\"\n          - name: PIP_VERSION\n"
                 "            value: \"21.0\"\n"},
        ),
        Example.fixed(
            "every Python module, not the Node.js one",
            {"requirements.txt": "tiktoken==0.5.2\n",
             "app_desc.yaml":
                 "spec_version: 2\nmodules:\n  default:\n    is_default: true\n"
                 "    language: Python\n  worker:\n    language: Python\n"
                 "  frontend:\n    language: NodeJS\n"},
            {"requirements.txt": "tiktoken==0.5.2\n",
             "app_desc.yaml":
                 "spec_version: 2\nmodules:\n  default:\n    is_default: true\n"
                 "    language: Python\n    env_variables:\n    - key: PIP_VERSION\n"
                 "      value: \"21.0\"\n  worker:\n    language: Python\n"
                 "    env_variables:\n    - key: PIP_VERSION\n      value: \"21.0\"\n"
                 "  frontend:\n    language: NodeJS\n"},
        ),
        Example.fixed(
            "Python 2.7 gets the last pip it runs; CRLF kept",
            {"requirements.txt": "cryptography\n", "runtime.txt": "python-2.7.18\n",
             "app_desc.yaml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n"},
            {"requirements.txt": "cryptography\n", "runtime.txt": "python-2.7.18\n",
             "app_desc.yaml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n"
                              "  env_variables:\r\n  - key: PIP_VERSION\r\n"
                              "    value: \"20.3.4\"\r\n"},
        ),
        Example.fixed(
            "an environment's newer value is kept, the other environment gets one",
            {"src/requirements.txt": "cryptography~=3.4\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "  - key: PIP_VERSION\n    value: \"22.0.4\"\n"
                              "    environment_name: stag\n"},
            {"src/requirements.txt": "cryptography~=3.4\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "  - key: PIP_VERSION\n    value: \"22.0.4\"\n"
                              "    environment_name: stag\n"
                              "  - key: PIP_VERSION\n    value: \"21.0\"\n"},
            build_dir="src",
        ),
        Example.manual(
            "no app_desc.yaml: set it in the developer centre",
            {"requirements.txt": "cryptography==3.4.8\n", "Procfile": "web: gunicorn wsgi\n"},
        ),
        Example.manual(
            "a Rust release pinned on Python 2 cannot be installed at all",
            {"requirements.txt": "cryptography==3.4.8\n", "runtime.txt": "python-2.7.18\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"},
        ),
        Example.manual(
            "app_desc.yaml without a spec version",
            {"requirements.txt": "bcrypt\n",
             "app_desc.yaml": "module:\n  language: Python\n"},
        ),
        Example.manual(
            "a configured pip too old for the wheels",
            {"requirements.txt": "bcrypt==4.0.1\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"},
            options={"pip_version": "19.0"},
        ),
        Example.clean(
            "pinned below the first Rust release",
            {"requirements.txt": "cryptography==3.3.2\nbcrypt<4\npyOpenSSL==20.0.1\n"},
        ),
        Example.clean(
            "a constraints file keeps cryptography below 3.4",
            {"requirements.txt": "-c constraints.txt\ncryptography\n",
             "constraints.txt": "cryptography<3.4\n"},
        ),
        Example.clean(
            "cryptography only in a constraints file: nothing installs it",
            {"requirements.txt": "-c constraints/prod.txt\nDjango==3.2.25\n",
             "constraints/prod.txt": "cryptography==3.4.8\n"},
        ),
        Example.clean(
            "PIP_VERSION already new enough",
            {"requirements.txt": "cryptography==3.4.8\nbcrypt==4.0.1\n",
             "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                              "  - key: PIP_VERSION\n    value: \"20.2.3\"\n"},
        ),
        Example.clean(
            "the heroku-24 buildpack brings its own pip",
            {"requirements.txt": "cryptography\n"},
            options={"stack": "heroku-24"},
        ),
        Example.clean(
            "Rust-built packages only where the build does not look",
            {"requirements.txt": "Django==3.2.25\n", "requirements-dev.txt": "cryptography\n",
             "docs/requirements.txt": "bcrypt\n"},
        ),
        Example.clean(
            "a URL requirement is not looked up on the index",
            {"requirements.txt":
                "cryptography @ https://pypi.example.com/packages/cryptography-3.4.8.tar.gz\n"},
        ),
    )
