"""Give easy_install the build's package index when setup.py has setup_requires."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, ClassVar

from paasfix.buildpack.hooks import PRE_COMPILE, plan_block
from paasfix.buildpack.setup_requires import DEFAULT_MIRROR, index_hook_body, plain_url
from paasfix.core import config
from paasfix.fixer import ERROR, INFO, SAFE, Edit, Example, Executable, Finding, Fixer
from paasfix.project import Project


class FixSetupRequiresIndex(Fixer[tuple[Edit, ...]]):
    """
    ## What goes wrong

    Packages named in `setup_requires` of `setup.py` are not installed by pip but by
    setuptools' own installer, easy_install, while pip runs `setup.py`. easy_install does not
    read pip's configuration: the platform gives pip its package index (`PIP_INDEX_URL`, a
    mirror inside the site's network), but easy_install still goes to the public PyPI. Behind
    the platform's network that download hangs, so the build stops at `Running setup.py ...`,
    or fails with easy_install's `Download error on https://pypi.org/simple/...` and
    `Could not find suitable distribution`.

    ## The fix

    Adds a block, between `# >>> paasfix: ...` and `# <<< paasfix: ...` marker lines, to the
    pre-compile hook, which runs before anything is installed. At build time the block writes
    `~/.pydistutils.cfg` with an `[easy_install]` section whose `index_url` is the build's
    `PIP_INDEX_URL`, or the configured `mirror` when the build sets none (by default the
    Tencent mirror the platform's documentation names). easy_install reads that file; newer
    setuptools versions, which hand `setup_requires` to pip, pass the same index on.

    The block goes into `bin/pre_compile` when it exists (the build runs that one), otherwise
    into `bin/pre-compile`, which is created as an executable bash script with `set -e` when it
    does not exist. In an existing hook the block is inserted after the `#!` line and its `set`
    lines; nothing else in the script changes. A later run finds the block by its markers and
    only brings it up to date. paasfix itself never writes a home directory: the hook does, on
    the build machine.

    When `setup_requires` is computed (a condition, a function call), paasfix cannot tell
    whether it is empty at build time and only reports it, with the lines to add.

    ## Safety

    Safe: the file the hook writes only tells easy_install to use the same package index as
    pip. It fixes the network problem only: a package in `setup_requires` may still fail to
    install for other reasons (see `fix-setuptools-outdated`).
    """

    id = "fix-setup-requires-index"
    title = "setup_requires is fetched from the public PyPI, ignoring pip's index"
    after = ("fix-compile-hook", "fix-py-runtime-error", "fix-setuptools-outdated")
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"Download error on https?://pypi\.(python\.)?org/simple/",
        r"Couldn't find index page for '[^']+' \(maybe misspelled\?\)",
        r"No local packages or working download links found for",
        r"Could not find suitable distribution for Requirement\.parse",
    )
    options: ClassVar[Mapping[str, object]] = {"mirror": DEFAULT_MIRROR}
    option_checks: ClassVar[Mapping[str, Callable[[Any], Any]]] = {"mirror": config.http_url}

    def detect(self, project: Project) -> Iterator[Finding[tuple[Edit, ...]]]:
        setup = project.setup_py
        if setup is None:
            return
        if not setup.parsed:
            if setup.mentions_setup_requires:
                yield self.manual(
                    f"{setup.path} passes setup_requires but paasfix cannot parse it "
                    f"({setup.error}); {self._instructions(project)}",
                    setup.path,
                )
            return
        literal = [r for r in setup.setup_requires if r.literal and r.items]
        dynamic = [r for r in setup.setup_requires if not r.literal]
        if not literal and not dynamic:
            return
        mirror = self.settings["mirror"]
        if not plain_url(mirror):
            yield self.manual(
                f"the 'mirror' setting ({mirror!r}) must be an http(s) URL without "
                "spaces, quotes or shell characters",
                setup.path,
            )
            return
        target = project.compile_hook(PRE_COMPILE).target
        if target is None:
            yield self.manual(
                f"{setup.path} has setup_requires, but {project.path('bin')} is not "
                "a directory, so no pre-compile hook can be added",
                setup.path,
            )
            return
        plan = plan_block(project.tree, target, PURPOSE, index_hook_body(mirror))
        if plan.problem is not None:
            yield self.manual(plan.problem, target)
            return
        if plan.edit is None:
            return
        if literal:
            first = literal[0]
            yield self.finding(
                f"setup_requires ({_listed(first.items)}) is installed by easy_install from the "
                f"public PyPI, not from pip's index, which hangs or fails on the platform; "
                f"{'create' if plan.creates else 'extend'} {target} to write "
                "~/.pydistutils.cfg with the build's index",
                setup.path,
                first.line,
                plan=(plan.edit,),
            )
            return
        first = dynamic[0]
        yield self.manual(
            f"setup_requires is computed ({first.code}), so paasfix cannot tell whether the build "
            f"installs anything with it; if it does, {self._instructions(project)}",
            setup.path,
            first.line,
            severity=INFO,
        )

    def _instructions(self, project: Project) -> str:
        target = project.compile_hook(PRE_COMPILE).target or "bin/pre-compile"
        mirror = self.settings["mirror"]
        if not plain_url(mirror):
            mirror = DEFAULT_MIRROR
        return f"add to {target} (executable, bash): " + "; ".join(
            line for line in index_hook_body(mirror).splitlines() if not line.startswith("#")
        )

    def fix(self, project: Project, finding: Finding[tuple[Edit, ...]]) -> list[Edit]:
        return list(finding.planned)


def _block(mirror: str = DEFAULT_MIRROR) -> str:
    """The block as the examples expect it, written out."""
    return (
        "# >>> paasfix: easy_install index for setup_requires >>>\n"
        "# setup_requires is fetched by easy_install, which ignores pip's settings: point it\n"
        "# at the index pip uses (PIP_INDEX_URL, set by the platform), else at a mirror.\n"
        "# The file is read with %-interpolation, so a % in the URL is written as %%.\n"
        'paasfix_index_url="${PIP_INDEX_URL:-' + mirror + '}"\n'
        "printf '[easy_install]\\nindex_url = %s\\n' \"${paasfix_index_url//\\%/%%}\" "
        '> "$HOME/.pydistutils.cfg"\n'
        "# <<< paasfix: easy_install index for setup_requires <<<\n"
    )


FixSetupRequiresIndex.examples = (
    Example.fixed(
        "a new bin/pre-compile writes ~/.pydistutils.cfg",
        {
            "setup.py": 'from setuptools import setup\n\nsetup(\n    name="shop",\n'
            '    setup_requires=["setuptools_scm"],\n    use_scm_version=True,\n)\n'
        },
        {
            "setup.py": 'from setuptools import setup\n\nsetup(\n    name="shop",\n'
            '    setup_requires=["setuptools_scm"],\n    use_scm_version=True,\n)\n',
            "bin/pre-compile": Executable("#!/usr/bin/env bash\nset -e\n\n" + _block()),
        },
    ),
    Example.fixed(
        "an existing bin/pre_compile wins and keeps its commands",
        {
            "setup.py": "import setuptools\nsetuptools.setup(setup_requires=('pbr>=1.8',), pbr=True)\n",
            "bin/pre_compile": Executable(
                '#!/bin/bash\nset -eo pipefail\n\necho "building $BKPAAS_APP_ID"\nexit 0\n'
            ),
            "bin/pre-compile": "#!/bin/bash\necho ignored\n",
        },
        {
            "setup.py": "import setuptools\nsetuptools.setup(setup_requires=('pbr>=1.8',), pbr=True)\n",
            "bin/pre_compile": Executable(
                "#!/bin/bash\nset -eo pipefail\n\n"
                + _block()
                + '\necho "building $BKPAAS_APP_ID"\nexit 0\n'
            ),
            "bin/pre-compile": "#!/bin/bash\necho ignored\n",
        },
    ),
    Example.fixed(
        "an existing hyphen hook is extended and made executable, a configured mirror",
        {
            "src/setup.py": "from setuptools import setup as s\nREQS = ['cffi>=1.0']\n"
            "s(name='api', setup_requires=REQS)\n",
            "src/bin/pre-compile": "#!/usr/bin/env bash\r\npip --version\r\n",
        },
        {
            "src/setup.py": "from setuptools import setup as s\nREQS = ['cffi>=1.0']\n"
            "s(name='api', setup_requires=REQS)\n",
            "src/bin/pre-compile": Executable(
                (
                    "#!/usr/bin/env bash\n\n"
                    + _block("https://pypi.example.corp/simple/")
                    + "\npip --version\n"
                ).replace("\n", "\r\n")
            ),
        },
        options={"mirror": "https://pypi.example.corp/simple/"},
        build_dir="src",
    ),
    Example.fixed(
        "an outdated block is brought up to date",
        {
            "setup.py": "from setuptools import setup\nsetup(setup_requires='pytest-runner')\n",
            "bin/pre-compile": Executable(
                "#!/usr/bin/env bash\nset -e\n\n"
                "# >>> paasfix: easy_install index for setup_requires >>>\n"
                'paasfix_index_url="${PIP_INDEX_URL:-https://old.example/simple/}"\n'
                "# <<< paasfix: easy_install index for setup_requires <<<\n"
                "echo done\n"
            ),
        },
        {
            "setup.py": "from setuptools import setup\nsetup(setup_requires='pytest-runner')\n",
            "bin/pre-compile": Executable(
                "#!/usr/bin/env bash\nset -e\n\n" + _block() + "echo done\n"
            ),
        },
    ),
    Example.manual(
        "computed setup_requires is reported with the lines to add",
        {
            "setup.py": "import sys\nfrom setuptools import setup\n"
            "needs_pytest = {'pytest', 'test'}.intersection(sys.argv)\n"
            "setup(setup_requires=['pytest-runner'] if needs_pytest else [])\n"
        },
    ),
    Example.manual(
        "a Python 2 only setup.py that passes setup_requires",
        {
            "setup.py": "from setuptools import setup\nprint 'building'\n"
            "setup(setup_requires=['setuptools_scm'])\n"
        },
    ),
    Example.manual(
        "a damaged block is left to a person",
        {
            "setup.py": "from setuptools import setup\nsetup(setup_requires=['pbr'])\n",
            "bin/pre-compile": Executable(
                "#!/usr/bin/env bash\n"
                "# >>> paasfix: easy_install index for setup_requires >>>\necho half\n"
            ),
        },
    ),
    Example.clean(
        "setup_requires only in a comment and a string",
        {
            "setup.py": '"""Build with setup_requires=["setuptools_scm"] if needed."""\n'
            "from setuptools import setup\n"
            "# setup_requires=['setuptools_scm']\n"
            "setup(name='shop', description='no setup_requires')\n"
        },
    ),
    Example.clean(
        "empty setup_requires",
        {"setup.py": "from setuptools import setup\nsetup(name='shop', setup_requires=[])\n"},
    ),
    Example.clean("no setup.py", {"requirements.txt": "Django==3.2.25\n"}),
    Example.clean(
        "setup.py outside the build directory",
        {
            "setup.py": "from setuptools import setup\nsetup(setup_requires=['pbr'])\n",
            "app/requirements.txt": "flask\n",
        },
        build_dir="app",
    ),
    Example.clean(
        "the hook already has the block",
        {
            "setup.py": "from setuptools import setup\nsetup(setup_requires=['setuptools_scm'])\n",
            "bin/pre_compile": "#!/bin/bash\n" + _block() + "python manage.py check\n",
        },
    ),
)


PURPOSE = "easy_install index for setup_requires"
"""What the block in the hook is for: its marker lines name it."""


def _listed(items: Iterable[str]) -> str:
    return ", ".join(f"'{item}'" for item in items)
