"""setup_requires that needs a setuptools Python 2 cannot have."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from paasfix.buildpack import runtimes
from paasfix.buildpack.runtimes import PythonVersion, RuntimeFile
from paasfix.buildpack.setup_requires import python2_blocker
from paasfix.fixer import ERROR, UNSAFE, Edit, Example, Finding, Fixer
from paasfix.project import Project

if TYPE_CHECKING:
    from paasfix.buildpack.setuppy import SetupPy


class FixSetuptoolsOutdated(Fixer["Python3Runtime"]):
    """
    ## What goes wrong

    The packages in `setup_requires` are installed while `setup.py` runs, with whatever
    setuptools the Python runtime has. On Python 2.7 that can be setuptools 44 at the newest:
    every later release needs Python 3. Some build tools need more. setuptools_scm, which
    derives the version from git, needs Python 3 and setuptools 45 or later from its version
    6 on, and without a version limit the build fetches the newest one; a `setuptools>=45`
    (or higher) requirement can never be met at all. The build then fails with
    `SetuptoolsOutdatedWarning: your setuptools is too old`, or with a requirement nothing
    can satisfy. Upgrading setuptools is not possible on Python 2, so the way out is to run
    the app on Python 3.

    ## The fix

    Moves `runtime.txt` to a Python 3 runtime that the configured `stack` provides (the
    stack's default when the site hosts it, otherwise the newest Python 3 in the `runtimes`
    setting). When the site hosts no Python 3 runtime, it says so instead.

    The code itself must be ready for Python 3 before this change is deployed: its syntax,
    its libraries (pinned versions that support Python 3), `str`/`bytes` handling, and
    anything else the port needs. paasfix checks none of that.

    An upper bound that keeps setuptools_scm on a release for Python 2 (`setuptools_scm<6`)
    is an alternative that paasfix does not choose for you.

    ## Safety

    Unsafe: it changes the Python version the app runs on. Applied only with
    `--unsafe-fixes`.
    """

    id = "fix-setuptools-outdated"
    title = "setup_requires needs a setuptools that Python 2 cannot have"
    after = ("fix-py-runtime-error",)
    safety = UNSAFE
    severity = ERROR
    log_patterns = (
        r"SetuptoolsOutdatedWarning",
        r"your setuptools is too old",
        r"Package 'setuptools[-_]scm' requires a different Python: 2\.",
    )
    options: ClassVar[Mapping[str, object]] = dict(runtimes.OPTIONS)
    option_checks = runtimes.OPTION_CHECKS

    def detect(self, project: Project) -> Iterator[Finding[Python3Runtime]]:
        setup = project.setup_py
        if setup is None or not setup.parsed:
            return
        first = _first_reason(setup)
        if first is None:
            return
        reason, line = first
        site = runtimes.site_of(self.settings)
        runtime = project.runtime(site.stack)
        if runtime is None or runtime.version is None or runtime.version.major != 2:
            return
        target = runtimes.python3_runtime(site)
        if target is None:
            yield self.manual(
                f"{reason} ({setup.path}, line {line}), but the app runs Python "
                f"{runtime.version} and this site hosts no Python 3 runtime for "
                f"{site.stack.name}: upload one, list it in the 'runtimes' setting, and move "
                f"{runtime.path} to it once the code runs on Python 3",
                runtime.path,
                runtime.line,
            )
            return
        yield self.finding(
            f"{reason} ({setup.path}, line {line}), but {runtime.path} asks for Python "
            f"{runtime.version}; move it to {target.runtime} (the code must be ready for "
            "Python 3)",
            runtime.path,
            runtime.line,
            plan=Python3Runtime(runtime, target),
        )

    def fix(self, project: Project, finding: Finding[Python3Runtime]) -> list[Edit]:
        runtime, target = finding.planned
        stack = runtimes.site_of(self.settings).stack
        text = runtime.text_for(target)
        return [Edit(runtime.path, runtimes.encode_runtime_file(runtime, text, stack))]

    examples = (
        Example.fixed(
            "setuptools_scm on Python 2.7 moves to the stack's Python 3",
            {
                "setup.py": "from setuptools import setup\n\nsetup(\n    name='billing',\n"
                "    use_scm_version=True,\n    setup_requires=['setuptools_scm'],\n)\n",
                "runtime.txt": "python-2.7.18\n",
            },
            {
                "setup.py": "from setuptools import setup\n\nsetup(\n    name='billing',\n"
                "    use_scm_version=True,\n    setup_requires=['setuptools_scm'],\n)\n",
                "runtime.txt": "python-3.10.5\n",
            },
            unsafe=True,
        ),
        Example.fixed(
            "a setuptools floor above 44, runtime.txt without a final newline",
            {
                "setup.py": "import setuptools\nsetuptools.setup(\n"
                "    setup_requires='setuptools>=45\\nwheel',\n)\n",
                "runtime.txt": "python-2.7.16",
            },
            {
                "setup.py": "import setuptools\nsetuptools.setup(\n"
                "    setup_requires='setuptools>=45\\nwheel',\n)\n",
                "runtime.txt": "python-3.10.5",
            },
            unsafe=True,
        ),
        Example.fixed(
            "the newest Python 3 the site uploaded when the default is not there",
            {
                "setup.py": "from setuptools import setup\n"
                "SETUP_REQUIRES = ['setuptools-scm>=3.3']\n"
                "setup(setup_requires=SETUP_REQUIRES)\n",
                "runtime.txt": "python-2.7.18\n",
            },
            {
                "setup.py": "from setuptools import setup\n"
                "SETUP_REQUIRES = ['setuptools-scm>=3.3']\n"
                "setup(setup_requires=SETUP_REQUIRES)\n",
                "runtime.txt": "python-3.6.12\n",
            },
            options={"runtimes": ["2.7.18", "3.6.8", "3.6.12"]},
            unsafe=True,
        ),
        Example.fixed(
            "a partly computed setup_requires that names setuptools_scm",
            {
                "src/setup.py": "from setuptools import setup\n"
                "setup(setup_requires=['setuptools_scm[toml]', *EXTRA])\n",
                "src/runtime.txt": "python-2.7.18\n",
            },
            {
                "src/setup.py": "from setuptools import setup\n"
                "setup(setup_requires=['setuptools_scm[toml]', *EXTRA])\n",
                "src/runtime.txt": "python-3.10.5\n",
            },
            build_dir="src",
            unsafe=True,
        ),
        Example.manual(
            "no Python 3 runtime on the site",
            {
                "setup.py": "from setuptools import setup\nsetup(setup_requires=['setuptools_scm'])\n",
                "runtime.txt": "python-2.7.18\n",
            },
            options={"runtimes": ["2.7.18"]},
        ),
        Example.clean(
            "setuptools_scm kept below 6",
            {
                "setup.py": "from setuptools import setup\n"
                "setup(setup_requires=['setuptools_scm<6', 'setuptools>=40.0'])\n",
                "runtime.txt": "python-2.7.18\n",
            },
        ),
        Example.clean(
            "setuptools_scm only for Python 3",
            {
                "setup.py": "from setuptools import setup\n"
                "setup(setup_requires=['setuptools_scm; python_version >= \"3\"'])\n",
                "runtime.txt": "python-2.7.18\n",
            },
        ),
        Example.clean(
            "already on Python 3",
            {
                "setup.py": "from setuptools import setup\nsetup(setup_requires=['setuptools_scm'])\n",
                "runtime.txt": "python-3.6.12\n",
            },
        ),
        Example.clean(
            "no runtime.txt: the stack's default Python 3",
            {
                "setup.py": "from setuptools import setup\nsetup(setup_requires=['setuptools_scm'])\n"
            },
        ),
        Example.clean(
            "setuptools_scm only in a comment",
            {
                "setup.py": "from setuptools import setup\n"
                "# setup_requires=['setuptools_scm']\nsetup(name='billing')\n",
                "runtime.txt": "python-2.7.18\n",
            },
        ),
    )


class Python3Runtime(NamedTuple):
    """The runtime file to move, and the Python 3 release it moves to."""

    runtime: RuntimeFile
    target: PythonVersion


def _first_reason(setup: SetupPy) -> tuple[str, int] | None:
    """(why, line) for the first setup_requires entry Python 2 cannot satisfy."""
    for found in setup.setup_requires:
        for item in found.items:
            reason = python2_blocker(item)
            if reason:
                return reason, found.line
    return None
