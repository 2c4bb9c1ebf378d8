"""No dependency file where the buildpack looks for one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import ClassVar, Union

from paasfix.buildpack import runtimes
from paasfix.buildpack.dependency_files import (
    APP_FILES,
    DEV_NAMES,
    PROD_NAMES,
    SKIPPED_DIRS,
    Survey,
    choose_env_file,
    detected_by,
    env_name,
    near_miss,
    unusable,
)
from paasfix.core.errors import UnsafePath
from paasfix.core.text import new_text_file
from paasfix.core.tree import LINK_MODE, join, normalize
from paasfix.fixer import ERROR, INFO, SAFE, Edit, Example, Executable, Finding, Fixer
from paasfix.platform import rules
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

    def _survey(self, project: Project) -> Survey:
        stack, markers, build = self._stack(), self._markers(), project.build_dir
        names = project.listdir(build)
        files = [n for n in names if project.is_file(join(build, n))]
        survey = Survey(build, [], [], [], [], [], [n for n in APP_FILES if n in files])
        for name in files:
            path = join(build, name)
            target, env = near_miss(name), env_name(name)
            advice = unusable(name, stack, set(files))
            if target is not None:
                survey.misspelled.append((path, target))
            if env is not None:
                survey.env_files.append((path, env))
            if advice is not None:
                survey.unusable.append((path, advice))
        requirements_dir = join(build, "requirements")
        for name in project.listdir(requirements_dir):
            path = join(requirements_dir, name)
            if name.endswith(".txt") and project.is_file(path):
                survey.env_files.append((path, name[: -len(".txt")].lower()))
        for name in names:
            directory = join(build, name)
            skipped = name.startswith(".") or name.lower() in SKIPPED_DIRS
            if skipped or not project.is_dir(directory):
                continue
            inside = [n for n in project.listdir(directory) if project.is_file(join(directory, n))]
            found = [m for m in markers if m in inside] + [n for n in inside if near_miss(n)]
            if found:
                survey.subapps.append((directory, found + [n for n in APP_FILES if n in inside]))
        if build:
            survey.at_root = [m for m in markers if project.is_file(m)]
        survey.declared = _declared_source_dir(project)
        return survey

    def detect(self, project: Project) -> Iterator[Finding[NewDependencyFile]]:
        if any(project.is_file(project.path(m)) for m in self._markers()):
            return
        if project.is_file(project.path("Dockerfile")):
            return
        survey = self._survey(project)
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
            if project.tree.mode(path) == LINK_MODE or not _rename_order_safe(path, new):
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
        include = _relative(chosen, survey.build_dir)
        return self.finding(
            f"{where} has no requirements.txt, only {_paths(survey.env_files)}, so no build tool "
            f"is selected ('Unable to select a buildpack'). Create requirements.txt with "
            f"`-r {include}`",
            chosen,
            plan=Include(join(survey.build_dir, "requirements.txt"), include),
        )

    def _manual(self, survey: Survey) -> Finding[NewDependencyFile] | None:
        """A finding that says what to change by hand, or None when nothing points to an app."""
        advice = [f"{path}: {what}" for path, what in survey.unusable]
        declared = [(d, found) for d, found in survey.subapps if d == survey.declared]
        if (len(survey.subapps) == 1 or declared) and not survey.at_root:
            directory, found = (declared or survey.subapps)[0]
            note = (
                " (app_desc.yaml names it as the source directory, but for repository "
                "deploys only the build directory of the module settings counts)"
                if declared
                else ""
            )
            advice.insert(
                0,
                f"the app seems to live in {directory}/ (it has {_and(found)}): "
                f"set the module's build directory (构建目录, in the module "
                f"settings) to '{directory}'{note}, and run paasfix with "
                f"`--build-dir {directory}`",
            )
        elif survey.subapps:
            listed = "; ".join(f"{d}/ has {_and(found)}" for d, found in survey.subapps)
            advice.insert(
                0,
                f"{listed}: set the build directory (构建目录) of each module to "
                "the directory of its app",
            )
        if survey.at_root:
            advice.insert(
                0,
                f"the repository root has {_and(survey.at_root)}, but only the "
                "build directory is uploaded: move the file into it, or set the "
                "build directory back to the root",
            )
        if len(survey.misspelled) > 1 or (survey.misspelled and (survey.env_files or advice)):
            names = ", ".join(f"{path} (for {target})" for path, target in survey.misspelled)
            advice.append(
                f"these names look misspelled: {names}; rename the one the build should use"
            )
        elif survey.misspelled:
            path, target = survey.misspelled[0]
            advice.append(
                f"rename {path} to {target} by hand (paasfix does not rename a "
                "symbolic link, nor change only the case of a name where a "
                "case-insensitive file system could lose the file)"
            )
        if survey.env_files and (advice or choose_env_file(survey.env_files) is None):
            advice.append(_env_advice(survey))
        if not advice and survey.app_files:
            verb = "is" if len(survey.app_files) == 1 else "are"
            advice.append(
                f"{_and(survey.app_files)} {verb} part of a Python app: list its "
                "dependencies in requirements.txt"
            )
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

    examples = (
        Example.fixed(
            "requirement.txt is renamed",
            {"requirement.txt": "Flask==2.0.3\ngunicorn==20.1.0\n", "app.py": "app = None\n"},
            {"requirements.txt": "Flask==2.0.3\ngunicorn==20.1.0\n", "app.py": "app = None\n"},
        ),
        Example.fixed(
            "requirements.text is renamed",
            {"requirements.text": "Django==3.2\n"},
            {"requirements.txt": "Django==3.2\n"},
        ),
        Example.fixed(
            "a capital R is renamed",
            {"Requirements.txt": "Django==3.2\r\n"},
            {"requirements.txt": "Django==3.2\r\n"},
        ),
        Example.fixed(
            "a doubled extension is renamed",
            {"requirements.txt.txt": "requests\n"},
            {"requirements.txt": "requests\n"},
        ),
        Example.fixed(
            "packages.json is renamed",
            {"packages.json": '{"name": "web"}\n', "index.js": "\n"},
            {"package.json": '{"name": "web"}\n', "index.js": "\n"},
        ),
        Example.fixed(
            "Setup.py is renamed, keeping its executable bit",
            {
                "Setup.py": Executable(
                    "#!/usr/bin/env python\nfrom setuptools import setup\nsetup(name='x')\n"
                )
            },
            {
                "setup.py": Executable(
                    "#!/usr/bin/env python\nfrom setuptools import setup\nsetup(name='x')\n"
                )
            },
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
        Example.fixed(
            "in the build directory",
            {"src/requirement.txt": "Flask\n", "README.md": "# app\n"},
            {"src/requirements.txt": "Flask\n", "README.md": "# app\n"},
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
        Example.manual(
            "requirements.in without its compiled file", {"requirements.in": "django\n"}
        ),
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


def _declared_source_dir(project: Project) -> str | None:
    """``source_dir`` (v2) or ``sourceDir`` (v3) of the module app_desc.yaml describes."""
    desc = project.app_desc
    if desc is None or not desc.loaded:
        return None
    _, module = rules.default_module(desc.data)
    if not isinstance(module, dict):
        return None
    value = module.get("source_dir", module.get("sourceDir"))
    if not isinstance(value, str) or not value.strip(" ./"):
        return None
    try:
        return normalize(value.strip().lstrip("/"))
    except UnsafePath:
        return None


def _rename_order_safe(old: str, new: str) -> bool:
    """A rename is written as a deletion and a creation in path order; when only the case
    changes, the deletion has to come first or a case-insensitive file system loses the file."""
    return old.lower() != new.lower() or old < new


def _where(build_dir: str) -> str:
    return (
        f"the build directory {build_dir}"
        if build_dir
        else "the repository root (the build directory)"
    )


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _or(names: Iterable[str]) -> str:
    names = list(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def _env_advice(survey: Survey) -> str:
    files = survey.env_files
    prod = [path for path, env in files if env in PROD_NAMES]
    example = _relative(prod[0] if prod else files[0][0], survey.build_dir)
    if len(files) == 1 and files[0][1] in DEV_NAMES:
        why = f"{files[0][0]} looks like a development set, which paasfix does not pick"
    else:
        why = f"{_and([path for path, _ in files])} are there and no single production set"
    return (
        f"{why}: create requirements.txt that includes the set production needs, such as "
        f"`-r {example}`"
    )


def _relative(path: str, build_dir: str) -> str:
    return path[len(build_dir) + 1 :] if build_dir else path


def _paths(files: list[tuple[str, str]]) -> str:
    return ", ".join(path for path, _ in files)
