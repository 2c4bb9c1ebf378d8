"""Ask for a pip that installs the wheels of Rust-built dependencies (fix-pip-setuptools-rust)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from paasfix.buildpack import runtimes
from paasfix.buildpack.rust_wheels import (
    DEFAULT_PIP,
    PIP_VARIABLE,
    RUST_MIN_PYTHON,
    needs_phrase,
    new_enough,
    pip_for,
    pip_problem,
    version,
)
from paasfix.buildpack.rust_wheels import needs as rust_needs
from paasfix.core import config
from paasfix.core.errors import FixerBug
from paasfix.fixer import SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.platform import rules
from paasfix.platform.appdesc import SCOPE_PYTHON, EnvEditError, set_env_text
from paasfix.project import Project, YamlFile

if TYPE_CHECKING:
    from packaging.version import Version


class FixPipSetuptoolsRust(Fixer["PipVersion"]):
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
    options: ClassVar[Mapping[str, object]] = {"pip_version": DEFAULT_PIP, **runtimes.OPTIONS}
    option_checks: ClassVar[Mapping[str, Callable[[Any], Any]]] = {
        "pip_version": config.version,
        **runtimes.OPTION_CHECKS,
    }

    def detect(self, project: Project) -> Iterator[Finding[PipVersion]]:
        site = runtimes.site_of(self.settings)
        if site.stack is runtimes.HEROKU_24:
            return
        needs = rust_needs(project.requirements.lines())
        if not needs:
            return
        python = runtimes.requested_version(project.runtime(site.stack), site)
        first = needs[0].line
        names, verb = needs_phrase(needs)
        required = max(need.package.wheels_pip_version for need in needs)
        why = f"{names} {verb} pip {required} or newer to install from wheels, not source"
        if python is not None and python.series < RUST_MIN_PYTHON:
            pinned = next((need for need in needs if not need.pre_rust_allowed), None)
            if pinned is not None:
                package = pinned.package
                instead = (
                    f"pin {package.name}<{package.first}"
                    if package.first
                    else f"remove {package.name}"
                )
                yield self.manual(
                    f"{pinned.text} needs Python 3.6 or newer, but the runtime is Python "
                    f"{python}; {instead} or move the app to Python 3",
                    pinned.line.path,
                    pinned.line.first,
                )
                return
        wanted = pip_for(python, str(self.settings["pip_version"]))
        wanted_version = version(wanted)
        if wanted_version is None or wanted_version < required:
            yield self.manual(
                f"{why}, and pip {wanted} (the pip_version setting, or the newest "
                f"pip the runtime runs) is older; pin them below their first "
                "Rust release where they have one",
                first.path,
                first.first,
            )
            return
        problem = _pip_problem(project.app_desc, required)
        if problem is None:
            return
        advice = f'set {PIP_VARIABLE} to "{wanted}"'
        desc = project.app_desc
        if desc is None:
            yield self.manual(
                f"{why}; {advice} in the module's environment variables "
                "(developer centre: module settings, environment variables) or "
                "in the env_variables of an app_desc.yaml",
                first.path,
                first.first,
            )
            return
        cannot = _cannot_edit(desc, wanted, required)
        if cannot:
            yield self.manual(f"{why}; {advice}, but {cannot}", desc.path)
            return
        yield self.finding(
            f"{why}, and {problem}; {advice} in {desc.path}",
            first.path,
            first.first,
            plan=PipVersion(desc, wanted, required),
        )

    def fix(self, project: Project, finding: Finding[PipVersion]) -> list[Edit]:
        desc, wanted, required = finding.planned
        text = _with_pip(desc.file.text, wanted, required)
        if text is None:
            raise FixerBug(f"{desc.path} has no place for {PIP_VARIABLE}")
        return [Edit(desc.path, desc.file.encode(text))]

    examples = (
        Example.fixed(
            "appended to the module's env_variables, comments and quoting kept",
            {
                "requirements.txt": "Django==3.2.25\ncryptography==3.4.8  # for the SDK\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                "    - key: BKAPP_REGION\n      value: 'ieod'  # region code\n\n"
                "  # web and workers\n  processes:\n    web:\n"
                "      command: gunicorn wsgi -b :$PORT\n",
            },
            {
                "requirements.txt": "Django==3.2.25\ncryptography==3.4.8  # for the SDK\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                "    - key: BKAPP_REGION\n      value: 'ieod'  # region code\n"
                "    - key: PIP_VERSION\n      value: '21.0'\n\n"
                "  # web and workers\n  processes:\n    web:\n"
                "      command: gunicorn wsgi -b :$PORT\n",
            },
        ),
        Example.fixed(
            "an unpinned cryptography gets the newest release; env_variables created",
            {
                "requirements.txt": "cryptography\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n"
                "    web:\n      command: gunicorn wsgi -b :$PORT\n",
            },
            {
                "requirements.txt": "cryptography\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                '  - key: PIP_VERSION\n    value: "21.0"\n  processes:\n'
                "    web:\n      command: gunicorn wsgi -b :$PORT\n",
            },
        ),
        Example.fixed(
            "an unquoted old PIP_VERSION is replaced in place",
            {
                "requirements.txt": "cryptography>=3.3\n",
                "app_desc.yml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                "  - key: PIP_VERSION\n    value: 9.0\n"
                "    description: pip of the build\n",
            },
            {
                "requirements.txt": "cryptography>=3.3\n",
                "app_desc.yml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                '  - key: PIP_VERSION\n    value: "21.0"\n'
                "    description: pip of the build\n",
            },
        ),
        Example.fixed(
            "pip 19.0 is too old for the bcrypt 4 wheels",
            {
                "requirements.txt": "-r requirements/prod.txt\n",
                "requirements/prod.txt": "paramiko==2.11.0\nbcrypt==4.0.1\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                '  - key: PIP_VERSION\n    value: "19.0"\n',
            },
            {
                "requirements.txt": "-r requirements/prod.txt\n",
                "requirements/prod.txt": "paramiko==2.11.0\nbcrypt==4.0.1\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                '  - key: PIP_VERSION\n    value: "21.0"\n',
            },
        ),
        Example.fixed(
            "specVersion 3: spec.configuration.env",
            {
                "requirements.txt": "cryptography==41.0.7\n",
                "app_desc.yaml": "specVersion: 3\nmodules:\n  - name: default\n    isDefault: true\n"
                "    language: Python\n    spec:\n      processes:\n        - name: web\n"
                "          procCommand: gunicorn wsgi -b :$PORT\n"
                "      configuration:\n        env:\n          - name: BKAPP_DEBUG\n"
                '            value: "false"\n',
            },
            {
                "requirements.txt": "cryptography==41.0.7\n",
                "app_desc.yaml": "specVersion: 3\nmodules:\n  - name: default\n    isDefault: true\n"
                "    language: Python\n    spec:\n      processes:\n        - name: web\n"
                "          procCommand: gunicorn wsgi -b :$PORT\n"
                "      configuration:\n        env:\n          - name: BKAPP_DEBUG\n"
                '            value: "false"\n          - name: PIP_VERSION\n'
                '            value: "21.0"\n',
            },
        ),
        Example.fixed(
            "every Python module, not the Node.js one",
            {
                "requirements.txt": "tiktoken==0.5.2\n",
                "app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    is_default: true\n"
                "    language: Python\n  worker:\n    language: Python\n"
                "  frontend:\n    language: NodeJS\n",
            },
            {
                "requirements.txt": "tiktoken==0.5.2\n",
                "app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    is_default: true\n"
                "    language: Python\n    env_variables:\n    - key: PIP_VERSION\n"
                '      value: "21.0"\n  worker:\n    language: Python\n'
                '    env_variables:\n    - key: PIP_VERSION\n      value: "21.0"\n'
                "  frontend:\n    language: NodeJS\n",
            },
        ),
        Example.fixed(
            "Python 2.7 gets the last pip it runs; CRLF kept",
            {
                "requirements.txt": "cryptography\n",
                "runtime.txt": "python-2.7.18\n",
                "app_desc.yaml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n",
            },
            {
                "requirements.txt": "cryptography\n",
                "runtime.txt": "python-2.7.18\n",
                "app_desc.yaml": "spec_version: 2\r\nmodule:\r\n  language: Python\r\n"
                "  env_variables:\r\n  - key: PIP_VERSION\r\n"
                '    value: "20.3.4"\r\n',
            },
        ),
        Example.fixed(
            "an environment's newer value is kept, the other environment gets one",
            {
                "src/requirements.txt": "cryptography~=3.4\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                '  - key: PIP_VERSION\n    value: "22.0.4"\n'
                "    environment_name: stag\n",
            },
            {
                "src/requirements.txt": "cryptography~=3.4\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                '  - key: PIP_VERSION\n    value: "22.0.4"\n'
                "    environment_name: stag\n"
                '  - key: PIP_VERSION\n    value: "21.0"\n',
            },
            build_dir="src",
        ),
        Example.manual(
            "no app_desc.yaml: set it in the developer centre",
            {"requirements.txt": "cryptography==3.4.8\n", "Procfile": "web: gunicorn wsgi\n"},
        ),
        Example.manual(
            "a Rust release pinned on Python 2 cannot be installed at all",
            {
                "requirements.txt": "cryptography==3.4.8\n",
                "runtime.txt": "python-2.7.18\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n",
            },
        ),
        Example.manual(
            "app_desc.yaml without a spec version",
            {"requirements.txt": "bcrypt\n", "app_desc.yaml": "module:\n  language: Python\n"},
        ),
        Example.manual(
            "a configured pip too old for the wheels",
            {
                "requirements.txt": "bcrypt==4.0.1\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n",
            },
            options={"pip_version": "19.0"},
        ),
        Example.clean(
            "pinned below the first Rust release",
            {"requirements.txt": "cryptography==3.3.2\nbcrypt<4\npyOpenSSL==20.0.1\n"},
        ),
        Example.clean(
            "a constraints file keeps cryptography below 3.4",
            {
                "requirements.txt": "-c constraints.txt\ncryptography\n",
                "constraints.txt": "cryptography<3.4\n",
            },
        ),
        Example.clean(
            "cryptography only in a constraints file: nothing installs it",
            {
                "requirements.txt": "-c constraints/prod.txt\nDjango==3.2.25\n",
                "constraints/prod.txt": "cryptography==3.4.8\n",
            },
        ),
        Example.clean(
            "PIP_VERSION already new enough",
            {
                "requirements.txt": "cryptography==3.4.8\nbcrypt==4.0.1\n",
                "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
                '  - key: PIP_VERSION\n    value: "20.2.3"\n',
            },
        ),
        Example.clean(
            "the heroku-24 buildpack brings its own pip",
            {"requirements.txt": "cryptography\n"},
            options={"stack": "heroku-24"},
        ),
        Example.clean(
            "Rust-built packages only where the build does not look",
            {
                "requirements.txt": "Django==3.2.25\n",
                "requirements-dev.txt": "cryptography\n",
                "docs/requirements.txt": "bcrypt\n",
            },
        ),
        Example.clean(
            "a URL requirement is not looked up on the index",
            {
                "requirements.txt": "cryptography @ https://pypi.example.com/packages/cryptography-3.4.8.tar.gz\n"
            },
        ),
    )


class PipVersion(NamedTuple):
    """The app_desc.yaml to set ``PIP_VERSION`` in, the value, and the oldest pip that will do
    (a newer value already there is kept)."""

    desc: YamlFile
    wanted: str
    required: Version


def _with_pip(text: str, wanted: str, required: Version) -> str | None:
    return set_env_text(text, PIP_VARIABLE, wanted, SCOPE_PYTHON, keep=new_enough(required))


def _pip_problem(desc: YamlFile | None, required: Version) -> str | None:
    """Why the pip app_desc.yaml asks for may be too old (None when it is new enough)."""
    if desc is None or not desc.loaded:
        return f"nothing sets {PIP_VARIABLE}"
    return pip_problem(desc.path, desc.data, required)


def _cannot_edit(desc: YamlFile, wanted: str, required: Version) -> str | None:
    """Why app_desc.yaml cannot take the variable (None when it can)."""
    if desc.problem is not None:
        return f"{desc.path} does not load as YAML ({desc.problem.message}); repair it first"
    if rules.spec_version(desc.data) not in rules.SPEC_VERSIONS:
        return f"{desc.path} has no valid spec_version, so the platform does not read it"
    try:
        _with_pip(desc.file.text, wanted, required)
    except EnvEditError as exc:
        return f"{desc.path} has no place for it: {exc}"
    return None
