"""No dependency file where the buildpack looks for one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar, Union

from paasfix.buildpack import runtimes
from paasfix.buildpack.dependency_files import (
    Survey,
    choose_env_file,
    declared_source_dir,
    detected_by,
    rename_order_safe,
)
from paasfix.buildpack.dependency_files import survey as dependency_survey
from paasfix.core.text import new_text_file
from paasfix.core.tree import LINK_MODE, join
from paasfix.fixer import ERROR, INFO, SAFE, Edit, Example, Executable, FileSpec, Finding, Fixer
from paasfix.project import Project


class FixUnableSelectBuildpack(Fixer["NewDependencyFile"]):
    """
    ## What goes wrong

    The platform uploads only the build directory (the repository root unless the module's
    build directory, 构建目录, says otherwise) and the buildpacks decide from its top level
    what kind of app it is. The Python buildpack on `heroku-18` needs `requirements.txt`,
    `setup.py` or `Pipfile` there (on `heroku-24` it installs from those, `Pipfile.lock` or
    `poetry.lock`); the Node.js one needs `package.json`. When none is there, the build fails
    with `Unable to select a buildpack` (or, on `heroku-24`, `Couldn't find any supported
    Python package manager files`). That happens when the file has a slightly different name
    (`requirement.txt`, `Requirements.txt`, `requirements.text`), when the dependencies are
    split into `requirements/prod.txt` and friends with nothing at the top, or when the app
    lives in a subdirectory such as `src/`.

    ## The fix

    paasfix looks only in the places that explain the failure: the top of the build
    directory, its `requirements/` directory, the top of each direct subdirectory, and the
    repository root. When there is exactly one clear candidate in the build directory:

    - a misspelled file is renamed, keeping its content and mode;
    - for split requirements, a `requirements.txt` is created that includes the one to
      install with `-r` (the only file, or the single `prod`/`production` one).

    When the app lives in a subdirectory, or there are several candidates, or the dependency
    file is one the buildpack cannot install from (`pyproject.toml` alone, `requirements.in`,
    `Pipenv.lock`), the finding says what to change: usually the module's build directory
    (构建目录 in the module settings; `--build-dir` for paasfix). A note also reminds BlueKing
    V7 administrators that no build tool can be selected before the PaaS runtimes were
    uploaded to the artifact repository.

    ## Safety

    Safe: the renamed file and the new `requirements.txt` make the buildpack install exactly
    the dependencies that were already written down, and nothing else changes.
    """

    id = "fix-unable-select-buildpack"
    title = "The build directory has no dependency file the buildpack detects"
    safety = SAFE
    severity = ERROR
    options: ClassVar[Mapping[str, object]] = dict(runtimes.OPTIONS)
    option_checks = runtimes.OPTION_CHECKS
    log_patterns = (
        r"Unable to select a buildpack",
        r"Couldn't find any supported Python package manager files",
    )

    def _stack(self) -> runtimes.Stack:
        return runtimes.get_stack(self.settings[runtimes.STACK_KEY])

    def _markers(self) -> tuple[str, ...]:
        return detected_by(self._stack())

    def detect(self, project: Project) -> Iterator[Finding[NewDependencyFile]]:
        if any(project.is_file(project.path(m)) for m in self._markers()):
            return
        if project.is_file(project.path("Dockerfile")):
            return
        desc = project.app_desc
        declared = declared_source_dir(desc.data) if desc is not None and desc.loaded else None
        survey = dependency_survey(project.tree, project.build_dir, self._stack(), declared)
        finding = self._fixable(project, survey) or self._manual(survey)
        if finding is not None:
            yield finding
            yield self.manual(UPLOAD_NOTE, severity=INFO)

    def _fixable(self, project: Project, survey: Survey) -> Finding[NewDependencyFile] | None:
        """A finding with a fix when there is exactly one clear candidate."""
        if survey.subapps or survey.at_root or survey.unusable:
            return None
        where = _where(survey.build_dir)
        if len(survey.misspelled) == 1 and not survey.env_files:
            path, target = survey.misspelled[0]
            new = join(survey.build_dir, target)
            if project.tree.mode(path) == LINK_MODE or not rename_order_safe(path, new):
                return None
            return self.finding(
                f"{path} looks like a misspelled {target}: the build tools look for the exact "
                f"name in {where}, so none is selected ('Unable to select a buildpack'). "
                f"Rename it to {target}",
                path,
                plan=Rename(path, new),
            )
        chosen = choose_env_file(survey.env_files)
        if survey.misspelled or chosen is None:
            return None
        include = survey.relative(chosen)
        return self.finding(
            f"{where} has no requirements.txt, only {_paths(survey.env_files)}, so no build tool "
            f"is selected ('Unable to select a buildpack'). Create requirements.txt with "
            f"`-r {include}`",
            chosen,
            plan=Include(join(survey.build_dir, "requirements.txt"), include),
        )

    def _manual(self, survey: Survey) -> Finding[NewDependencyFile] | None:
        """A finding that says what to change by hand, or None when nothing points to an app."""
        advice = survey.advice()
        if not advice:
            return None
        return self.manual(
            f"{_where(survey.build_dir)} has no {_or(self._markers())}, so the "
            "build fails with 'Unable to select a buildpack'; " + "; ".join(advice),
            survey.build_dir or None,
        )

    def fix(self, project: Project, finding: Finding[NewDependencyFile]) -> list[Edit]:
        plan = finding.planned
        if isinstance(plan, Rename):
            return [
                Edit(plan.path, None),
                Edit(plan.target, project.tree.read(plan.path), project.tree.mode(plan.path)),
            ]
        return [Edit(plan.path, new_text_file(f"-r {plan.include}\n"))]


@dataclass(frozen=True)
class Rename:
    """Rename a misspelled dependency file to the name the buildpack looks for."""

    path: str
    target: str


@dataclass(frozen=True)
class Include:
    """Create ``path`` (a requirements.txt) that includes the requirement set to install."""

    path: str
    include: str
    """The set, relative to the build directory, as ``-r`` names it."""


NewDependencyFile = Union[Rename, Include]


UPLOAD_NOTE = (
    "on BlueKing V7, also confirm that the step 'Upload PaaS Runtimes to Artifact Repository' "
    f"of the deployment guide was done ({runtimes.UPLOAD_GUIDE}): without the uploaded "
    "buildpacks and runtimes no build tool can be selected for any app"
)


def _where(build_dir: str) -> str:
    return (
        f"the build directory {build_dir}"
        if build_dir
        else "the repository root (the build directory)"
    )


def _or(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _paths(files: list[tuple[str, str]]) -> str:
    return ", ".join(path for path, _ in files)


def _renamed(
    path: str,
    content: FileSpec,
    others: Mapping[str, FileSpec] | None = None,
    *,
    name: str | None = None,
    target: str = "requirements.txt",
    build_dir: str = "",
) -> Example:
    """An example where the misspelled file ``path`` is renamed to ``target``, content and mode
    kept, and the ``others`` files stay as they are."""
    return Example.fixed(
        name or f"{path} is renamed",
        {path: content, **(others or {})},
        {target: content, **(others or {})},
        build_dir=build_dir,
    )


FixUnableSelectBuildpack.examples = (
    _renamed("requirement.txt", "Flask==2.0.3\ngunicorn==20.1.0\n", {"app.py": "app = None\n"}),
    _renamed("requirements.text", "Django==3.2\n"),
    _renamed("Requirements.txt", "Django==3.2\r\n", name="a capital R is renamed"),
    _renamed("requirements.txt.txt", "requests\n", name="a doubled extension is renamed"),
    _renamed("packages.json", '{"name": "web"}\n', {"index.js": "\n"}, target="package.json"),
    _renamed(
        "Setup.py",
        Executable("#!/usr/bin/env python\nfrom setuptools import setup\nsetup(name='x')\n"),
        name="Setup.py is renamed, keeping its executable bit",
        target="setup.py",
    ),
    Example.fixed(
        "the production requirements are included",
        {
            "requirements/base.txt": "Django==3.2\n",
            "requirements/dev.txt": "-r base.txt\npytest\n",
            "requirements/prod.txt": "-r base.txt\ngunicorn\n",
        },
        {
            "requirements.txt": "-r requirements/prod.txt\n",
            "requirements/base.txt": "Django==3.2\n",
            "requirements/dev.txt": "-r base.txt\npytest\n",
            "requirements/prod.txt": "-r base.txt\ngunicorn\n",
        },
    ),
    Example.fixed(
        "the only file of requirements/ is included",
        {"requirements/base.txt": "Flask\n"},
        {"requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "Flask\n"},
    ),
    Example.fixed(
        "requirements-production.txt is included",
        {"requirements-production.txt": "Flask\n", "requirements-dev.txt": "pytest\n"},
        {
            "requirements.txt": "-r requirements-production.txt\n",
            "requirements-production.txt": "Flask\n",
            "requirements-dev.txt": "pytest\n",
        },
    ),
    _renamed(
        "src/requirement.txt",
        "Flask\n",
        {"README.md": "# app\n"},
        name="in the build directory",
        target="src/requirements.txt",
        build_dir="src",
    ),
    Example.manual(
        "the app lives in src/",
        {
            "src/requirements.txt": "Django==3.2\n",
            "src/manage.py": "import os\n",
            "README.md": "# shop\n",
        },
    ),
    Example.manual(
        "app_desc.yaml names the source directory",
        {
            "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n"
            "  source_dir: ./backend\n",
            "backend/requirements.txt": "Django\n",
            "tools/setup.py": "\n",
        },
    ),
    Example.manual(
        "two modules in subdirectories",
        {"backend/requirements.txt": "Django\n", "frontend/package.json": "{}\n"},
    ),
    Example.manual(
        "two misspelled names", {"requirement.txt": "Flask\n", "Requirements.txt": "Flask\n"}
    ),
    Example.manual(
        "several requirement sets and no production one",
        {"requirements/base.txt": "Django\n", "requirements/dev.txt": "pytest\n"},
    ),
    Example.manual(
        "two production sets",
        {"requirements/prod.txt": "Django\n", "requirements-production.txt": "x\n"},
    ),
    Example.manual(
        "a lone development file is not installed on the platform",
        {"requirements/dev.txt": "Django\npytest\n"},
    ),
    Example.manual(
        "the file is at the root, the build directory elsewhere",
        {"requirements.txt": "Django\n", "web/manage.py": "import os\n"},
        build_dir="web",
    ),
    Example.manual(
        "pyproject.toml alone",
        {"pyproject.toml": "[project]\nname = 'x'\n", "app.py": "app = 1\n"},
    ),
    Example.manual("Pipenv.lock instead of a Pipfile", {"Pipenv.lock": "{}\n"}),
    Example.manual(
        "Pipfile.lock without the Pipfile on heroku-18",
        {"Pipfile.lock": '{"_meta": {}}\n', "app.py": "app = 1\n"},
    ),
    Example.manual("requirements.in without its compiled file", {"requirements.in": "django\n"}),
    Example.manual(
        "a Python app without any dependency file",
        {"manage.py": "import os\n", "shop/settings.py": "DEBUG = False\n"},
    ),
    Example.manual(
        "a case-only rename that a case-insensitive file system could lose",
        {"pipfile": '[packages]\nflask = "*"\n'},
    ),
    Example.manual(
        "a misspelled name and an app in src/",
        {"requirement.txt": "Flask\n", "src/requirements.txt": "Flask\n"},
    ),
    Example.manual(
        "an app in a subdirectory of the build directory",
        {"services/api/requirements.txt": "Flask\n", "services/api/app.py": "app = 1\n"},
        build_dir="services",
        message="set the module's build directory (构建目录, in the module "
        "settings) to 'services/api'",
    ),
    Example.clean(
        "requirements.txt at the root",
        {"requirements.txt": "Flask\n", "requirement.txt": "old\n"},
    ),
    Example.clean("setup.py is enough", {"setup.py": "from setuptools import setup\n"}),
    Example.clean("a Pipfile is enough", {"Pipfile": "[packages]\n"}),
    Example.clean("a Node.js app", {"package.json": "{}\n", "index.js": "\n"}),
    Example.clean(
        "the app in the configured build directory",
        {"src/requirements.txt": "Django\n", "src/manage.py": "import os\n"},
        build_dir="src",
    ),
    Example.clean(
        "docs/requirements.txt is not the app",
        {"docs/requirements.txt": "sphinx\n", "README.md": "# lib\n"},
    ),
    Example.clean("a repository with nothing to build", {"README.md": "# notes\n"}),
    Example.clean(
        "only the known places are looked at",
        {
            "services/api/requirements.txt": "Flask\n",
            "docs/requirements.txt": "sphinx\n",
            "README.md": "# monorepo\n",
        },
    ),
    Example.clean(
        "a Dockerfile build",
        {"Dockerfile": "FROM python:3.11\n", "src/requirements.txt": "Flask\n"},
    ),
    Example.clean(
        "requirements-dev.txt next to requirements.txt",
        {"requirements.txt": "Flask\n", "requirements-dev.txt": "pytest\n"},
    ),
    Example.clean(
        "heroku-24 installs from Pipfile.lock",
        {"Pipfile.lock": '{"_meta": {}}\n'},
        options={"stack": "heroku-24"},
    ),
    Example.clean(
        "heroku-24 installs from poetry.lock",
        {"pyproject.toml": "[tool.poetry]\n", "poetry.lock": "\n"},
        options={"stack": "heroku-24"},
    ),
    Example.clean(
        "a backup copy is not a misspelling",
        {"requirements.txt~": "Flask\n", "README.md": "# x\n"},
    ),
)
