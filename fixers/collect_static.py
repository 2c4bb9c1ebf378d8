"""fix-py-collect-static: give the settings the build imports a STATIC_ROOT, so that the build's
``manage.py collectstatic`` step has somewhere to put the static files (how the static files
settings behave is :mod:`paasfix.python_apps.staticfiles`)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Union

from paasfix.fixer import ERROR, SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.formats import pyast
from paasfix.formats.python_insert import insert_statements
from paasfix.platform.appdesc import ENVIRONMENTS
from paasfix.project import Project
from paasfix.python_apps import django
from paasfix.python_apps.staticfiles import (
    DISABLED_MARKER,
    FOLDER,
    StaticRootInsertion,
    collectstatic_disabled,
    empty_static_root,
    static_root_insertion,
    static_root_missing,
)


class FixPyCollectStatic(Fixer[StaticRootInsertion]):
    """
    ## What goes wrong

    When the application is a Django project, the Python build runs
    `python manage.py collectstatic --noinput` with the `manage.py` closest to the build
    directory (up to three levels down), so Django imports the settings module `manage.py`
    names (or the `DJANGO_SETTINGS_MODULE` set in app_desc.yaml). Without a `STATIC_ROOT`
    setting Django has nowhere to collect the static files to and stops with
    `ImproperlyConfigured: You're using the staticfiles app without having set the
    STATIC_ROOT setting`; the build fails with `Error while running '$ python manage.py
    collectstatic --noinput'` (heroku-18 images) or `Error: Unable to generate Django static
    files.` (heroku-24).

    ## The fix

    paasfix reads the settings module without running it, together with every module of the
    repository it takes settings from: `from .base import *`, a settings package's
    `__init__.py`, and the BlueKing framework's layout, where `settings.py` imports
    `config.<environment>` under a computed name and copies its settings. When none of them
    sets `STATIC_ROOT`, it adds one line right after `STATIC_URL`, in the module that sets it:

    - `STATIC_ROOT = BASE_DIR / "staticfiles"` when `BASE_DIR` is a `pathlib.Path`;
    - `STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")` when it is a string, with
      `import os` after the module's imports if the module does not import os yet;
    - without a usable `BASE_DIR`, the same directory (next to `manage.py`) computed from
      `__file__`.

    The static files then stay inside the application, where WhiteNoise or the web server
    finds them at run time. The platform's FAQ suggests `STATIC_ROOT = '/tmp'`; that makes the
    build pass, but the files collected there are not part of the deployed application. Set
    the option `static_root` (for example `static_root = "/tmp"`) to write that path instead.

    When there is no `STATIC_URL` either, both settings are added at the end of the settings
    module, since collectstatic needs both.

    Nothing is reported when `STATIC_ROOT` may be set somewhere paasfix cannot see (a star
    import from an installed package, `globals().update(...)`, django-split-settings), when the
    static files go to a storage that does not use `STATIC_ROOT` (S3, for one), when
    `django.contrib.staticfiles` is not installed, or when `DISABLE_COLLECTSTATIC` is set in
    app_desc.yaml for every environment (the build then skips collectstatic). A settings module
    that does not parse, or a choice between settings modules that paasfix cannot make, is
    reported with the file and line to look at.

    ## Safety

    Safe: the build failed before, and the new line only tells `collectstatic` where to write.
    Every other byte of the settings module stays as it was.
    """

    id = "fix-py-collect-static"
    title = "Django settings need STATIC_ROOT for the build's collectstatic step"
    after = ("fix-app-desc",)
    safety = SAFE
    severity = ERROR
    log_patterns = (
        r"Error while running .*? collectstatic",
        r"Unable to generate Django static files",
        (
            r"ImproperlyConfigured: You're using the staticfiles app without having set the "
            r"STATIC_ROOT setting"
        ),
        r"without having set the required STATIC_URL setting",
    )
    options: ClassVar[Mapping[str, Any]] = {"static_root": ""}

    def detect(self, project: Project) -> Iterator[Finding[StaticRootInsertion]]:
        disabled = self._disabled_environments(project)
        if disabled >= set(ENVIRONMENTS):
            return
        manage_files = django.manage_py_files(project)
        if len(manage_files) > 1:
            yield from self._several(project, manage_files, disabled)
            return
        for manage in manage_files:
            results = self._outcomes(project, manage, disabled)
            if isinstance(results, Unclear):
                yield self._unclear(results)
                return
            seen: set[Outcome] = set()
            for outcome, environments in results:
                if outcome is None or outcome in seen:
                    continue
                seen.add(outcome)
                yield self._finding(project, outcome, environments)

    def fix(self, project: Project, finding: Finding[StaticRootInsertion]) -> list[Edit]:
        plan = finding.planned
        file = project.text(plan.path)
        assert file is not None, f"{plan.path} was read when the finding was made"
        text = insert_statements(
            django.editable(project, plan.path), plan.after, plan.lines, plan.import_os
        )
        return [Edit(plan.path, file.encode(text))]

    @staticmethod
    def _disabled_environments(project: Project) -> set[str]:
        """The environments whose builds skip collectstatic (PLATFORM.md §4.5)."""
        if project.is_file(project.path(*DISABLED_MARKER)):
            return set(ENVIRONMENTS)
        desc = project.app_desc
        return collectstatic_disabled(desc.data) if desc is not None and desc.loaded else set()

    def _outcomes(
        self,
        project: Project,
        manage: str,
        disabled: set[str],
    ) -> Unclear | list[tuple[Outcome, tuple[str, ...]]]:
        tree = project.python_ast(manage)
        if tree is None:
            error = django.syntax_error(project, manage)
            if error is None or not project.requirements.named("django"):
                return []
            return Unclear(
                f"{manage} does not parse as Python ({error[1]}, line {error[0]}); the "
                "build runs it for collectstatic, which then fails",
                manage,
                error[0],
                ERROR,
            )
        if not django.is_django_manage(tree):
            return []
        code_dir = posixpath.dirname(manage)
        results: list[tuple[Outcome, tuple[str, ...]]] = []
        for choice in django.build_settings(project, manage, tree):
            environments = tuple(e for e in choice.environments if e not in disabled)
            if not environments:
                continue
            outcomes = [self._outcome(project, code_dir, name) for name in choice.modules]
            if len(set(outcomes)) > 1:
                missing = [name for name, outcome in zip(choice.modules, outcomes) if outcome]
                return Unclear(
                    f"{choice.source} chooses between the settings modules "
                    f"{', '.join(choice.modules)} at run time, and STATIC_ROOT is not certainly "
                    f"set in {', '.join(missing)}; paasfix cannot tell which one the build uses. "
                    "Set STATIC_ROOT in every one of them",
                    choice.source,
                    choice.line,
                )
            results.append((outcomes[0], environments))
        return results

    def _outcome(self, project: Project, code_dir: str, name: str) -> Outcome:
        chain = django.settings_chain(project, code_dir, name)
        if chain is None:
            return None
        if chain.broken:
            path, line, message = chain.broken[0]
            return Unclear(
                f"{path} does not parse as Python ({message}, line {line}); the "
                f"build imports it through the settings module `{name}`, so paasfix "
                "cannot tell whether STATIC_ROOT is set. If the build's collectstatic "
                "step fails, make it importable and set STATIC_ROOT",
                path,
                line,
            )
        if chain.blind:
            return None
        empty = empty_static_root(chain)
        if empty is not None:
            return Unclear(
                f"{empty.path} sets STATIC_ROOT to an empty value, so the build's "
                "collectstatic step fails; set it to the directory the static "
                f'files are collected in, e.g. BASE_DIR / "{FOLDER}"',
                empty.path,
                empty.line,
                ERROR,
            )
        if not static_root_missing(chain):
            return None

        def text_of(path: str) -> str | None:
            file = project.text(path)
            return file.text if file is not None else None

        insertion = static_root_insertion(
            chain, code_dir, self.settings["static_root"] or "", text_of
        )
        if isinstance(insertion, StaticRootInsertion):
            return insertion
        where = ", ".join(f"{b.path} line {b.line}" for b in insertion)
        return Unclear(
            f"STATIC_ROOT is set nowhere in the settings module `{chain.name}` and "
            f"the modules it takes settings from, and STATIC_URL is set only in "
            f"modules that some environments do not import ({where}); set "
            "STATIC_ROOT in a module that every environment imports",
            insertion[0].path,
            insertion[0].line,
        )

    def _several(
        self, project: Project, files: list[str], disabled: set[str]
    ) -> Iterator[Finding[StaticRootInsertion]]:
        unsettled = []
        for manage in files:
            results = self._outcomes(project, manage, disabled)
            if isinstance(results, Unclear) or any(outcome for outcome, _ in results):
                unsettled.append(manage)
        if unsettled:
            yield self.manual(
                f"there are several manage.py files at the same depth ({', '.join(files)}) and "
                "the build runs collectstatic with one of them; STATIC_ROOT is not certainly set "
                f"in the settings of {', '.join(unsettled)}. Set it there, or keep one manage.py",
                files[0],
                severity=WARNING,
            )

    def _unclear(self, unclear: Unclear) -> Finding[StaticRootInsertion]:
        return self.manual(unclear.message, unclear.path, unclear.line, severity=unclear.severity)

    def _finding(
        self,
        project: Project,
        outcome: StaticRootInsertion | Unclear,
        environments: tuple[str, ...],
    ) -> Finding[StaticRootInsertion]:
        if isinstance(outcome, Unclear):
            return self._unclear(outcome)
        where = "at the end of" if outcome.after is None else "after STATIC_URL in"
        scope = (
            ""
            if set(environments) == set(ENVIRONMENTS)
            else f" for the {' and '.join(environments)} environment"
        )
        unset = "STATIC_URL and STATIC_ROOT are" if len(outcome.lines) > 1 else "STATIC_ROOT is"
        description = " and ".join(f"`{line}`" for line in outcome.lines)
        message = (
            f"{unset} set nowhere in the settings the build uses{scope} "
            f"(`{outcome.settings}` and the modules it takes settings from), so the build's "
            f"collectstatic step fails; add {description} {where} {outcome.path}"
        )
        file = project.text(outcome.path)
        too_large = pyast.too_large_to_edit(file.text) if file is not None else None
        if too_large is not None:
            return self.manual(
                f"{message} by hand ({outcome.path} is {too_large})", outcome.path, outcome.after
            )
        return self.finding(message, outcome.path, outcome.after, plan=outcome)


@dataclass(frozen=True)
class Unclear:
    """A person has to look: why, and where."""

    message: str
    path: str | None
    line: int | None
    severity: str = WARNING


Outcome = Union[StaticRootInsertion, Unclear, None]
"""What the settings a build imports need: STATIC_ROOT inserted, a person, or nothing (it is
set, may be set somewhere paasfix cannot see, or is not needed)."""


_MANAGE_PY = """#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""
_APPS = """INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
]
"""


def _django(
    settings: str, files: dict[str, str], requirements: str = "Django==4.2.16\n", where: str = ""
) -> dict[str, str]:
    """A Django project: requirements, a manage.py that names ``settings``, and ``files``."""
    tree = {
        f"{where}requirements.txt": requirements,
        f"{where}manage.py": _MANAGE_PY.format(settings=settings),
    }
    parts = settings.split(".")
    for end in range(1, len(parts)):
        tree[where + "/".join(parts[:end]) + "/__init__.py"] = ""
    tree.update({where + path: text for path, text in files.items()})
    return tree


def _added(tree: dict[str, str], path: str, after: str, line: str) -> dict[str, str]:
    """``tree`` with ``line`` inserted after the first line of ``path`` that starts with
    ``after``."""
    lines = tree[path].split("\n")
    index = next(number for number, text in enumerate(lines) if text.startswith(after))
    lines.insert(index + 1, line)
    return {**tree, path: "\n".join(lines)}


def _crlf(tree: dict[str, str], path: str) -> dict[str, str]:
    return {**tree, path: tree[path].replace("\n", "\r\n")}


def _disable(extra: str = "") -> str:
    return (
        "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
        f'    - key: DISABLE_COLLECTSTATIC\n      value: "1"{extra}\n'
    )


_PATH_ROOT = 'STATIC_ROOT = BASE_DIR / "staticfiles"'
_TEXT_ROOT = 'STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")'
_FROM_FILE = "os.path.dirname(os.path.dirname(os.path.abspath(__file__)))"


_STARTPROJECT = (
    '''"""Settings of the shop project."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "insecure"
'''
    + _APPS
    + """
# Static files (CSS, JavaScript, Images)
STATIC_URL = "static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
"""
)
_SHOP = _django("shop.settings", {"shop/settings.py": _STARTPROJECT})
_OLD_STYLE = _django(
    "portal.settings",
    {
        "portal/settings.py": """# -*- coding: utf-8 -*-
from os.path import abspath, dirname

BASE_DIR = dirname(dirname(abspath(__file__)))

"""
        + _APPS
        + """STATIC_URL = '/static/'  # served by whitenoise
LANGUAGE_CODE = 'zh-hans'
"""
    },
    requirements="Django==1.11.29\nwhitenoise==4.1.4\n",
)
_BASE = (
    """import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure")
"""
    + _APPS
    + """STATIC_URL = "/static/"
"""
)
_PACKAGE = _django(
    "config.settings",
    {
        "config/settings/__init__.py": "from .base import *  # noqa\n",
        "config/settings/base.py": _BASE,
    },
)
_COOKIECUTTER = _django(
    "config.settings.production",
    {
        "config/settings/base.py": "from pathlib import Path\n\n"
        "BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent\n"
        'APPS_DIR = BASE_DIR / "blog"\n'
        + _APPS
        + 'STATIC_URL = "/static/"\nSTATICFILES_DIRS = [str(APPS_DIR / "static")]\n',
        "config/settings/local.py": 'from .base import *  # noqa\n\nSTATIC_ROOT = BASE_DIR / "dev"\n',
        "config/settings/production.py": "from .base import *  # noqa\n\nDEBUG = False\n",
    },
)
_BLUEAPPS_SETTINGS = '''"""Do not edit: put your settings in config/."""
import os

ENVIRONMENT = os.environ.get("BKPAAS_ENVIRONMENT", "dev")
DJANGO_CONF_MODULE = "config.{env}".format(env=ENVIRONMENT)

_module = __import__(DJANGO_CONF_MODULE, globals(), locals(), ["*"])
for _setting in dir(_module):
    if _setting == _setting.upper():
        locals()[_setting] = getattr(_module, _setting)
'''
_BLUEAPPS = {
    "requirements.txt": "Django==3.2.25\n",
    "manage.py": _MANAGE_PY.format(settings="settings"),
    "settings.py": _BLUEAPPS_SETTINGS,
    "config/__init__.py": "import os\n\nAPP_CODE = 'inventory'\n"
    "BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n",
    "config/default.py": "from config import APP_CODE, BASE_DIR  # noqa\n\nSECRET_KEY = 'x'\n"
    + _APPS
    + "STATIC_URL = '/static/'\n",
    "config/dev.py": "from config.default import *  # noqa\n\nDEBUG = True\n",
    "config/prod.py": "from config.default import *  # noqa\n\nDEBUG = False\n",
}
_ENVIRONMENTS = _django(
    "mysite.settings.dev",
    {
        "mysite/settings/base.py": _BASE,
        "mysite/settings/dev.py": 'from .base import *  # noqa\n\nSTATIC_ROOT = "static"\n',
        "mysite/settings/prod.py": "from .base import *  # noqa\n\nDEBUG = False\n",
    },
)
_IN_SRC = _django("shop.settings", {"shop/settings.py": _STARTPROJECT}, where="src/")
_CDN = _django(
    "site_app.settings",
    {
        "site_app/settings.py": "import os\nimport pathlib\n\nBASE_DIR = pathlib.Path(__file__).parents[1]\n"
        + _APPS
        + "if os.environ.get('CDN'):\n    STATIC_URL = os.environ['CDN']\nelse:\n"
        "    STATIC_URL = '/static/'\n\nUSE_TZ = True\n"
    },
)
_NO_BASE = _django(
    "web.settings",
    {"web/settings.py": '"""Web settings."""\n' + _APPS + 'STATIC_URL = "/assets/"\n'},
)
_WITH_LOCAL = (
    "from .base import *  # noqa\n\ntry:\n    from .local import *  # noqa\n"
    "except ImportError:\n    pass\n"
)
_PROD_SETTINGS = (
    "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
    "    - key: DJANGO_SETTINGS_MODULE\n      value: mysite.settings.prod\n"
)


FixPyCollectStatic.examples = (
    Example.fixed(
        "startproject settings with a pathlib BASE_DIR",
        _SHOP,
        _added(_SHOP, "shop/settings.py", "STATIC_URL", _PATH_ROOT),
        message='add `STATIC_ROOT = BASE_DIR / "staticfiles"` after STATIC_URL in shop/settings.py',
        line=13,
    ),
    Example.fixed(
        "string BASE_DIR from os.path functions: import os added, quotes and comments kept",
        _OLD_STYLE,
        _added(
            _added(_OLD_STYLE, "portal/settings.py", "from os.path", "import os"),
            "portal/settings.py",
            "STATIC_URL",
            _TEXT_ROOT.replace('"', "'"),
        ),
        message="add `STATIC_ROOT = os.path.join(BASE_DIR, 'staticfiles')` after STATIC_URL",
        line=10,
    ),
    Example.fixed(
        "settings package whose __init__ star-imports base",
        _PACKAGE,
        _added(_PACKAGE, "config/settings/base.py", "STATIC_URL", _TEXT_ROOT),
        message="after STATIC_URL in config/settings/base.py",
        line=9,
    ),
    Example.fixed(
        "cookiecutter layout: STATIC_ROOT only in local settings, which the build never imports",
        _COOKIECUTTER,
        _added(_COOKIECUTTER, "config/settings/base.py", "STATIC_URL", _PATH_ROOT),
        message="(`config.settings.production` and the modules it takes settings from)",
        path="config/settings/base.py",
        line=9,
    ),
    Example.fixed(
        "BlueKing layout: settings.py copies config.<environment>, which star-imports default",
        _BLUEAPPS,
        _added(
            _added(_BLUEAPPS, "config/default.py", "from config", "import os"),
            "config/default.py",
            "STATIC_URL",
            _TEXT_ROOT.replace('"', "'"),
        ),
        message="(`settings` and the modules it takes settings from)",
        path="config/default.py",
        line=8,
    ),
    Example.fixed(
        "DJANGO_SETTINGS_MODULE in app_desc.yaml wins over manage.py's default",
        {**_ENVIRONMENTS, "app_desc.yaml": _PROD_SETTINGS},
        {
            **_added(_ENVIRONMENTS, "mysite/settings/base.py", "STATIC_URL", _TEXT_ROOT),
            "app_desc.yaml": _PROD_SETTINGS,
        },
        message="(`mysite.settings.prod` and the modules",
        path="mysite/settings/base.py",
        line=9,
    ),
    Example.fixed(
        "no STATIC_URL either: both go to the end of the settings module",
        _django("app.settings", {"app/settings.py": "import os\n\n" + _APPS + "USE_TZ = True\n"}),
        _django(
            "app.settings",
            {
                "app/settings.py": "import os\n\n" + _APPS + "USE_TZ = True\n\n"
                'STATIC_URL = "/static/"\nSTATIC_ROOT = os.path.join('
                + _FROM_FILE
                + ', "staticfiles")\n'
            },
        ),
        message="STATIC_URL and STATIC_ROOT are set nowhere",
        path="app/settings.py",
    ),
    Example.fixed(
        "static_root option writes that path",
        _SHOP,
        _added(_SHOP, "shop/settings.py", "STATIC_URL", 'STATIC_ROOT = "/tmp"'),
        options={"static_root": "/tmp"},
        message='add `STATIC_ROOT = "/tmp"` after STATIC_URL',
        line=13,
    ),
    Example.fixed(
        "CRLF settings stay CRLF",
        _crlf(_SHOP, "shop/settings.py"),
        _crlf(_added(_SHOP, "shop/settings.py", "STATIC_URL", _PATH_ROOT), "shop/settings.py"),
        message="after STATIC_URL in shop/settings.py",
        line=13,
    ),
    Example.fixed(
        "manage.py in the build directory src",
        _IN_SRC,
        _added(_IN_SRC, "src/shop/settings.py", "STATIC_URL", _PATH_ROOT),
        build_dir="src",
        message="after STATIC_URL in src/shop/settings.py",
        path="src/shop/settings.py",
        line=13,
    ),
    Example.fixed(
        "STATIC_URL chosen in an if statement: STATIC_ROOT after the whole statement",
        _CDN,
        _added(
            _CDN,
            "site_app/settings.py",
            "    STATIC_URL = '/static/'",
            "STATIC_ROOT = BASE_DIR / 'staticfiles'",
        ),
        message="add `STATIC_ROOT = BASE_DIR / 'staticfiles'` after STATIC_URL",
        line=9,
    ),
    Example.fixed(
        "no BASE_DIR: the folder next to manage.py, from __file__; import os after the docstring",
        _NO_BASE,
        _added(
            _added(_NO_BASE, "web/settings.py", '"""', "\nimport os"),
            "web/settings.py",
            "STATIC_URL",
            f'STATIC_ROOT = os.path.join({_FROM_FILE}, "staticfiles")',
        ),
        message='abspath(__file__))), "staticfiles")` after STATIC_URL in web/settings.py',
        line=6,
    ),
    Example.fixed(
        "DISABLE_COLLECTSTATIC for prod only: the stag build still runs collectstatic",
        {**_SHOP, "app_desc.yaml": _disable("\n      environment_name: prod")},
        {
            **_added(_SHOP, "shop/settings.py", "STATIC_URL", _PATH_ROOT),
            "app_desc.yaml": _disable("\n      environment_name: prod"),
        },
        message="the settings the build uses for the stag environment",
        line=13,
    ),
    Example.fixed(
        "optional local settings that are not in the repository",
        {**_PACKAGE, "config/settings/__init__.py": _WITH_LOCAL},
        {
            **_added(_PACKAGE, "config/settings/base.py", "STATIC_URL", _TEXT_ROOT),
            "config/settings/__init__.py": _WITH_LOCAL,
        },
        message="after STATIC_URL in config/settings/base.py",
        line=9,
    ),
    Example.manual(
        "a settings module that does not parse",
        _added(_PACKAGE, "config/settings/base.py", "STATIC_URL", "if DEBUG\n    pass"),
        message="config/settings/base.py does not parse as Python (expected ':', line 10)",
        line=10,
    ),
    Example.manual(
        "manage.py chooses between settings modules that differ",
        {
            **_ENVIRONMENTS,
            "manage.py": _MANAGE_PY.format(settings="mysite.settings.prod").replace(
                '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.prod")\n',
                '    if "runserver" in sys.argv:\n'
                '        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.dev")\n'
                "    else:\n"
                '        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.prod")\n',
            ),
        },
        message="chooses between the settings modules mysite.settings.dev, mysite.settings.prod",
        path="manage.py",
        line=7,
    ),
    Example.manual(
        "STATIC_URL only in modules that some environments do not import",
        {
            **_BLUEAPPS,
            "config/default.py": "SECRET_KEY = 'x'\n" + _APPS,
            "config/dev.py": "from config.default import *  # noqa\n\nSTATIC_URL = '/static/'\n",
            "config/prod.py": "from config.default import *  # noqa\n\nSTATIC_URL = '/s/'\n",
        },
        message="some environments do not import (config/dev.py line 3, config/prod.py line 3)",
        path="config/dev.py",
        line=3,
    ),
    Example.manual(
        "STATIC_ROOT set to None",
        _added(_SHOP, "shop/settings.py", "STATIC_URL", "STATIC_ROOT = None"),
        message="sets STATIC_ROOT to an empty value",
        path="shop/settings.py",
        line=14,
    ),
    Example.manual(
        "two manage.py files at the same depth",
        {f"{where}/{path}": text for where in ("api", "web") for path, text in _SHOP.items()},
        message="several manage.py files at the same depth (api/manage.py, web/manage.py)",
        path="api/manage.py",
    ),
    Example.manual(
        "manage.py that does not parse",
        {**_SHOP, "manage.py": "import os\nif True\n    pass\n"},
        message="manage.py does not parse as Python (expected ':', line 2)",
        line=2,
    ),
    Example.clean(
        "STATIC_ROOT set in the module a star import pulls in",
        _added(_PACKAGE, "config/settings/base.py", "STATIC_URL", _TEXT_ROOT),
    ),
    Example.clean(
        "STATIC_ROOT imported by name from another module",
        {
            **_added(_SHOP, "shop/settings.py", "from pathlib", "from .paths import STATIC_ROOT"),
            "shop/paths.py": "STATIC_ROOT = '/srv/static'\n",
        },
    ),
    Example.clean(
        "STATIC_ROOT in settings/__init__.py after it pulls in base",
        _added(_PACKAGE, "config/settings/__init__.py", "from .base", _TEXT_ROOT),
    ),
    Example.clean(
        "STATIC_ROOT set in one of the environment modules the BlueKing layout chooses from",
        _added(_BLUEAPPS, "config/prod.py", "DEBUG", "STATIC_ROOT = '/srv/static'"),
    ),
    Example.clean(
        "DISABLE_COLLECTSTATIC set in app_desc.yaml",
        {**_SHOP, "app_desc.yaml": _disable()},
    ),
    Example.clean(
        "DISABLE_COLLECTSTATIC set in a specVersion 3 app_desc.yaml",
        {
            **_SHOP,
            "app_desc.yaml": "specVersion: 3\nmodule:\n  name: default\n  language: Python\n"
            "  spec:\n    processes:\n      - name: web\n"
            "        procCommand: gunicorn shop.wsgi\n"
            "    configuration:\n      env:\n"
            '        - name: DISABLE_COLLECTSTATIC\n          value: "1"\n',
        },
    ),
    Example.clean(
        "not a Django application",
        {
            "requirements.txt": "Flask==2.2.5\n",
            "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        },
    ),
    Example.clean(
        "star import from an installed package may set it",
        _added(
            _BLUEAPPS,
            "config/default.py",
            "from config",
            "from blueapps.conf.default_settings import *  # noqa",
        ),
    ),
    Example.clean(
        "settings written through globals() with values from elsewhere",
        _added(_SHOP, "shop/settings.py", "DEFAULT_AUTO", "globals().update(load_overrides())"),
    ),
    Example.clean(
        "django-heroku configures the settings",
        _added(
            _SHOP,
            "shop/settings.py",
            "DEFAULT_AUTO",
            "import django_heroku\ndjango_heroku.settings(locals())",
        ),
    ),
    Example.clean(
        "django-split-settings includes the settings files",
        {
            **_SHOP,
            "shop/settings.py": "from split_settings.tools import include\n\n"
            "include('components/*.py')\n",
        },
    ),
    Example.clean(
        "static files stored in S3",
        _added(
            _SHOP,
            "shop/settings.py",
            "DEFAULT_AUTO",
            'STORAGES = {\n    "staticfiles": {"BACKEND": "storages.backends.s3.S3Storage"},\n}',
        ),
    ),
    Example.clean(
        "the staticfiles app is not installed",
        {
            **_SHOP,
            "shop/settings.py": _STARTPROJECT.replace('    "django.contrib.staticfiles",\n', ""),
        },
    ),
    Example.clean(
        "STATIC_ROOT written through globals()",
        _added(_SHOP, "shop/settings.py", "STATIC_URL", "globals()['STATIC_ROOT'] = '/srv/static'"),
    ),
    Example.clean(
        "a class-based settings attribute",
        {
            **_SHOP,
            "shop/settings.py": "from configurations import Configuration\n\n\n"
            "class Prod(Configuration):\n    STATIC_ROOT = '/srv/static'\n",
        },
    ),
    Example.clean(
        "manage.py computes the settings module at run time",
        {
            **_SHOP,
            "manage.py": _MANAGE_PY.format(settings="shop.settings").replace(
                '"shop.settings"', 'os.environ.get("SETTINGS", "shop.settings")'
            ),
        },
    ),
    Example.clean(
        "the settings module is an installed package",
        {
            "requirements.txt": "Django==4.2.16\ncorporate-defaults==2.1\n",
            "manage.py": _MANAGE_PY.format(settings="corporate_defaults.settings"),
        },
    ),
)
