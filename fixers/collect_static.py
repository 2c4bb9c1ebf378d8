"""fix-py-collect-static: give the settings the build imports a STATIC_ROOT, so that the build's
``manage.py collectstatic`` step has somewhere to put the static files (how the static files
settings behave is :mod:`paasfix.python_apps.staticfiles`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from paasfix.fixer import ERROR, SAFE, WARNING, Edit, Example, Finding, Fixer
from paasfix.formats import pyast
from paasfix.formats.python_insert import insert_statements
from paasfix.platform.appdesc import ENVIRONMENTS
from paasfix.project import Project
from paasfix.python_apps.staticfiles import (
    DISABLED_MARKER,
    StaticRootInsertion,
    Unsettled,
    collectstatic_disabled,
    collectstatic_needs,
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
        if project.is_file(project.path(*DISABLED_MARKER)):
            return
        desc = project.app_desc
        skipped = collectstatic_disabled(desc.data if desc is not None and desc.loaded else None)
        django = project.django
        if skipped >= set(ENVIRONMENTS) or django is None:
            return
        unparsed = any(manage.error is not None for manage in django.manage_files)
        requires_django = unparsed and bool(project.requirements.named("django"))
        static_root = self.settings["static_root"] or ""
        for need in collectstatic_needs(django, skipped, static_root, project, requires_django):
            if isinstance(need, Unsettled):
                severity = ERROR if need.fails else WARNING
                yield self.manual(need.message, need.path, need.line, severity=severity)
                continue
            plan = need.insertion
            file = project.text(plan.path)
            too_large = pyast.too_large_to_edit(file.text) if file is not None else None
            if too_large is not None:
                message = f"{need.message} by hand ({plan.path} is {too_large})"
                yield self.manual(message, plan.path, plan.after)
            else:
                yield self.finding(need.message, plan.path, plan.after, plan=plan)

    def fix(self, project: Project, finding: Finding[StaticRootInsertion]) -> list[Edit]:
        plan = finding.planned
        file = project.text(plan.path)
        assert file is not None, f"{plan.path} was read when the finding was made"
        text = pyast.editable(plan.path, file.text)
        text = insert_statements(text, plan.after, plan.lines, plan.import_os)
        return [Edit(plan.path, file.encode(text))]


Tree = dict[str, str]

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
_PATH_ROOT = 'STATIC_ROOT = BASE_DIR / "staticfiles"'
_TEXT_ROOT = 'STATIC_ROOT = os.path.join(BASE_DIR, "staticfiles")'
_FROM_FILE = "os.path.dirname(os.path.dirname(os.path.abspath(__file__)))"
_REQUIREMENTS = "Django==4.2.16\n"


def _django(settings: str, files: Tree, requirements: str = _REQUIREMENTS, where: str = "") -> Tree:
    """A Django project: requirements, a manage.py that names ``settings``, and ``files``."""
    tree = {"requirements.txt": requirements, "manage.py": _MANAGE_PY.format(settings=settings)}
    parts = settings.split(".")
    tree.update({"/".join(parts[:end]) + "/__init__.py": "" for end in range(1, len(parts))})
    return {where + path: text for path, text in {**tree, **files}.items()}


def _added(tree: Tree, edits: Mapping[str, Mapping[str, str]]) -> Tree:
    """``tree`` plus lines: ``{path: {start: line}}`` puts ``line`` after the first ``start``."""
    tree = dict(tree)
    for path, lines in edits.items():
        text = tree[path].split("\n")
        for start, line in lines.items():
            text.insert(1 + next(n for n, old in enumerate(text) if old.startswith(start)), line)
        tree[path] = "\n".join(text)
    return tree


def _fixed(name: str, before: Tree, edits: Mapping[str, Mapping[str, str]], **at: Any) -> Example:
    return Example.fixed(name, before, _added(before, edits), **at)


def _crlf(tree: Tree, path: str) -> Tree:
    return {**tree, path: tree[path].replace("\n", "\r\n")}


_STARTPROJECT = f'''"""Settings of the shop project."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "insecure"
{_APPS}
# Static files (CSS, JavaScript, Images)
STATIC_URL = "static/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
'''
_SETTINGS = "shop/settings.py"
_SHOP = _django("shop.settings", {_SETTINGS: _STARTPROJECT})
_OLD_STYLE_SETTINGS = f"""# -*- coding: utf-8 -*-
from os.path import abspath, dirname

BASE_DIR = dirname(dirname(abspath(__file__)))

{_APPS}STATIC_URL = '/static/'  # served by whitenoise
LANGUAGE_CODE = 'zh-hans'
"""
_OLD_STYLE = _django(
    "portal.settings",
    {"portal/settings.py": _OLD_STYLE_SETTINGS},
    requirements="Django==1.11.29\nwhitenoise==4.1.4\n",
)
_BASE = f"""import os

BASE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SECRET_KEY = os.environ.get("SECRET_KEY", "insecure")
{_APPS}STATIC_URL = "/static/"
"""
_STAR = "from .base import *  # noqa\n"
_PACKAGE = _django(
    "config.settings", {"config/settings/__init__.py": _STAR, "config/settings/base.py": _BASE}
)
_COOKIECUTTER = _django(
    "config.settings.production",
    {
        "config/settings/base.py": "from pathlib import Path\n\n"
        "BASE_DIR = Path(__file__).resolve(strict=True).parent.parent.parent\n"
        f'APPS_DIR = BASE_DIR / "blog"\n{_APPS}'
        'STATIC_URL = "/static/"\nSTATICFILES_DIRS = [str(APPS_DIR / "static")]\n',
        "config/settings/local.py": f'{_STAR}\nSTATIC_ROOT = BASE_DIR / "dev"\n',
        "config/settings/production.py": f"{_STAR}\nDEBUG = False\n",
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
_DEFAULT = "from config.default import *  # noqa\n\n"
_BLUEAPPS = _django(
    "settings",
    {
        "settings.py": _BLUEAPPS_SETTINGS,
        "config/__init__.py": "import os\n\nAPP_CODE = 'inventory'\n"
        "BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n",
        "config/default.py": "from config import APP_CODE, BASE_DIR  # noqa\n\nSECRET_KEY = 'x'\n"
        f"{_APPS}STATIC_URL = '/static/'\n",
        "config/dev.py": f"{_DEFAULT}DEBUG = True\n",
        "config/prod.py": f"{_DEFAULT}DEBUG = False\n",
    },
    requirements="Django==3.2.25\n",
)
_ENVIRONMENTS = _django(
    "mysite.settings.dev",
    {
        "mysite/settings/base.py": _BASE,
        "mysite/settings/dev.py": f'{_STAR}\nSTATIC_ROOT = "static"\n',
        "mysite/settings/prod.py": f"{_STAR}\nDEBUG = False\n",
    },
)
_CDN = _django(
    "site_app.settings",
    {
        "site_app/settings.py": "import os\nimport pathlib\n\n"
        f"BASE_DIR = pathlib.Path(__file__).parents[1]\n{_APPS}"
        "if os.environ.get('CDN'):\n    STATIC_URL = os.environ['CDN']\nelse:\n"
        "    STATIC_URL = '/static/'\n\nUSE_TZ = True\n"
    },
)
_NO_BASE = _django(
    "web.settings", {"web/settings.py": f'"""Web settings."""\n{_APPS}STATIC_URL = "/assets/"\n'}
)
_NO_URL = "import os\n\n" + _APPS + "USE_TZ = True\n"
_WITH_LOCAL = f"{_STAR}\ntry:\n    from .local import *  # noqa\nexcept ImportError:\n    pass\n"
_VARIABLE = "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n    - key: "
_DISABLED = _VARIABLE + 'DISABLE_COLLECTSTATIC\n      value: "1"\n'
_CHOOSES = _MANAGE_PY.replace(
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{settings}")\n',
    '    if "runserver" in sys.argv:\n'
    '        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.dev")\n'
    "    else:\n"
    '        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings.prod")\n',
)
_V3 = (
    "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n    processes:\n"
    "      - name: web\n        procCommand: gunicorn shop.wsgi\n    configuration:\n      env:\n"
    '        - name: DISABLE_COLLECTSTATIC\n          value: "1"\n'
)
_S3 = 'STORAGES = {\n    "staticfiles": {"BACKEND": "storages.backends.s3.S3Storage"},\n}'

# One example to a few lines: its name, the tree before, what the fix adds, the finding.
# fmt: off
FixPyCollectStatic.examples = (
    _fixed("startproject settings with a pathlib BASE_DIR",
           _SHOP, {_SETTINGS: {"STATIC_URL": _PATH_ROOT}},
           message='add `STATIC_ROOT = BASE_DIR / "staticfiles"` after STATIC_URL in shop/settings.py', line=13),
    _fixed("string BASE_DIR from os.path functions: import os added, quotes and comments kept",
           _OLD_STYLE, {"portal/settings.py": {"from os.path": "import os", "STATIC_URL": _TEXT_ROOT.replace('"', "'")}},
           message="add `STATIC_ROOT = os.path.join(BASE_DIR, 'staticfiles')` after STATIC_URL", line=10),
    _fixed("settings package whose __init__ star-imports base",
           _PACKAGE, {"config/settings/base.py": {"STATIC_URL": _TEXT_ROOT}},
           message="after STATIC_URL in config/settings/base.py", line=9),
    _fixed("cookiecutter layout: STATIC_ROOT only in local settings, which the build never imports",
           _COOKIECUTTER, {"config/settings/base.py": {"STATIC_URL": _PATH_ROOT}},
           message="(`config.settings.production` and the modules it takes settings from)",
           path="config/settings/base.py", line=9),
    _fixed("BlueKing layout: settings.py copies config.<environment>, which star-imports default",
           _BLUEAPPS, {"config/default.py": {"from config": "import os", "STATIC_URL": _TEXT_ROOT.replace('"', "'")}},
           message="(`settings` and the modules it takes settings from)", path="config/default.py", line=8),
    _fixed("DJANGO_SETTINGS_MODULE in app_desc.yaml wins over manage.py's default",
           {**_ENVIRONMENTS, "app_desc.yaml": _VARIABLE + "DJANGO_SETTINGS_MODULE\n      value: mysite.settings.prod\n"},
           {"mysite/settings/base.py": {"STATIC_URL": _TEXT_ROOT}},
           message="(`mysite.settings.prod` and the modules", path="mysite/settings/base.py", line=9),
    Example.fixed("no STATIC_URL either: both go to the end of the settings module",
                  _django("app.settings", {"app/settings.py": _NO_URL}),
                  _django("app.settings", {"app/settings.py": _NO_URL + '\nSTATIC_URL = "/static/"\n'
                                           f'STATIC_ROOT = os.path.join({_FROM_FILE}, "staticfiles")\n'}),
                  message="STATIC_URL and STATIC_ROOT are set nowhere", path="app/settings.py"),
    _fixed("static_root option writes that path",
           _SHOP, {_SETTINGS: {"STATIC_URL": 'STATIC_ROOT = "/tmp"'}}, options={"static_root": "/tmp"},
           message='add `STATIC_ROOT = "/tmp"` after STATIC_URL', line=13),
    Example.fixed("CRLF settings stay CRLF",
                  _crlf(_SHOP, _SETTINGS), _crlf(_added(_SHOP, {_SETTINGS: {"STATIC_URL": _PATH_ROOT}}), _SETTINGS),
                  message="after STATIC_URL in shop/settings.py", line=13),
    _fixed("manage.py in the build directory src",
           _django("shop.settings", {_SETTINGS: _STARTPROJECT}, where="src/"),
           {"src/shop/settings.py": {"STATIC_URL": _PATH_ROOT}}, build_dir="src",
           message="after STATIC_URL in src/shop/settings.py", path="src/shop/settings.py", line=13),
    _fixed("STATIC_URL chosen in an if statement: STATIC_ROOT after the whole statement",
           _CDN, {"site_app/settings.py": {"    STATIC_URL = '/static/'": "STATIC_ROOT = BASE_DIR / 'staticfiles'"}},
           message="add `STATIC_ROOT = BASE_DIR / 'staticfiles'` after STATIC_URL", line=9),
    _fixed("no BASE_DIR: the folder next to manage.py, from __file__; import os after the docstring",
           _NO_BASE, {"web/settings.py": {'"""': "\nimport os",
                                          "STATIC_URL": f'STATIC_ROOT = os.path.join({_FROM_FILE}, "staticfiles")'}},
           message='abspath(__file__))), "staticfiles")` after STATIC_URL in web/settings.py', line=6),
    _fixed("DISABLE_COLLECTSTATIC for prod only: the stag build still runs collectstatic",
           {**_SHOP, "app_desc.yaml": _DISABLED + "      environment_name: prod\n"},
           {_SETTINGS: {"STATIC_URL": _PATH_ROOT}},
           message="the settings the build uses for the stag environment", line=13),
    _fixed("optional local settings that are not in the repository",
           {**_PACKAGE, "config/settings/__init__.py": _WITH_LOCAL},
           {"config/settings/base.py": {"STATIC_URL": _TEXT_ROOT}},
           message="after STATIC_URL in config/settings/base.py", line=9),
    Example.manual("a settings module that does not parse",
                   _added(_PACKAGE, {"config/settings/base.py": {"STATIC_URL": "if DEBUG\n    pass"}}),
                   message="config/settings/base.py does not parse as Python (expected ':', line 10)", line=10),
    Example.manual("manage.py chooses between settings modules that differ",
                   {**_ENVIRONMENTS, "manage.py": _CHOOSES},
                   message="chooses between the settings modules mysite.settings.dev, mysite.settings.prod",
                   path="manage.py", line=7),
    Example.manual("STATIC_URL only in modules that some environments do not import",
                   {**_BLUEAPPS, "config/default.py": "SECRET_KEY = 'x'\n" + _APPS,
                    "config/dev.py": f"{_DEFAULT}STATIC_URL = '/static/'\n",
                    "config/prod.py": f"{_DEFAULT}STATIC_URL = '/s/'\n"},
                   message="some environments do not import (config/dev.py line 3, config/prod.py line 3)",
                   path="config/dev.py", line=3),
    Example.manual("STATIC_ROOT set to None",
                   _added(_SHOP, {_SETTINGS: {"STATIC_URL": "STATIC_ROOT = None"}}),
                   message="sets STATIC_ROOT to an empty value", path=_SETTINGS, line=14),
    Example.manual("two manage.py files at the same depth",
                   {f"{where}/{path}": text for where in ("api", "web") for path, text in _SHOP.items()},
                   message="several manage.py files at the same depth (api/manage.py, web/manage.py)",
                   path="api/manage.py"),
    Example.manual("manage.py that does not parse",
                   {**_SHOP, "manage.py": "import os\nif True\n    pass\n"},
                   message="manage.py does not parse as Python (expected ':', line 2)", line=2),
    Example.clean("STATIC_ROOT set in the module a star import pulls in",
                  _added(_PACKAGE, {"config/settings/base.py": {"STATIC_URL": _TEXT_ROOT}})),
    Example.clean("STATIC_ROOT imported by name from another module",
                  {**_added(_SHOP, {_SETTINGS: {"from pathlib": "from .paths import STATIC_ROOT"}}),
                   "shop/paths.py": "STATIC_ROOT = '/srv/static'\n"}),
    Example.clean("STATIC_ROOT in settings/__init__.py after it pulls in base",
                  _added(_PACKAGE, {"config/settings/__init__.py": {"from .base": _TEXT_ROOT}})),
    Example.clean("STATIC_ROOT set in one of the environment modules the BlueKing layout chooses from",
                  _added(_BLUEAPPS, {"config/prod.py": {"DEBUG": "STATIC_ROOT = '/srv/static'"}})),
    Example.clean("DISABLE_COLLECTSTATIC set in app_desc.yaml", {**_SHOP, "app_desc.yaml": _DISABLED}),
    Example.clean("DISABLE_COLLECTSTATIC set in a specVersion 3 app_desc.yaml", {**_SHOP, "app_desc.yaml": _V3}),
    Example.clean("not a Django application",
                  {"requirements.txt": "Flask==2.2.5\n",
                   "app.py": "from flask import Flask\n\napp = Flask(__name__)\n"}),
    Example.clean("star import from an installed package may set it",
                  _added(_BLUEAPPS, {"config/default.py": {
                      "from config": "from blueapps.conf.default_settings import *  # noqa"}})),
    Example.clean("settings written through globals() with values from elsewhere",
                  _added(_SHOP, {_SETTINGS: {"DEFAULT_AUTO": "globals().update(load_overrides())"}})),
    Example.clean("django-heroku configures the settings",
                  _added(_SHOP, {_SETTINGS: {
                      "DEFAULT_AUTO": "import django_heroku\ndjango_heroku.settings(locals())"}})),
    Example.clean("django-split-settings includes the settings files",
                  {**_SHOP, _SETTINGS: "from split_settings.tools import include\n\ninclude('components/*.py')\n"}),
    Example.clean("static files stored in S3", _added(_SHOP, {_SETTINGS: {"DEFAULT_AUTO": _S3}})),
    Example.clean("the staticfiles app is not installed",
                  {**_SHOP, _SETTINGS: _STARTPROJECT.replace('    "django.contrib.staticfiles",\n', "")}),
    Example.clean("STATIC_ROOT written through globals()",
                  _added(_SHOP, {_SETTINGS: {"STATIC_URL": "globals()['STATIC_ROOT'] = '/srv/static'"}})),
    Example.clean("a class-based settings attribute",
                  {**_SHOP, _SETTINGS: "from configurations import Configuration\n\n\n"
                                       "class Prod(Configuration):\n    STATIC_ROOT = '/srv/static'\n"}),
    Example.clean("manage.py computes the settings module at run time",
                  {**_SHOP, "manage.py": _SHOP["manage.py"].replace(
                      '"shop.settings"', 'os.environ.get("SETTINGS", "shop.settings")')}),
    Example.clean("the settings module is an installed package",
                  {"requirements.txt": "Django==4.2.16\ncorporate-defaults==2.1\n",
                   "manage.py": _MANAGE_PY.format(settings="corporate_defaults.settings")}),
)
