"""paasfix.python_apps.django on real directories: which manage.py, which settings module, which modules the
settings take their values from, and what paasfix cannot see through."""

from __future__ import annotations

import pytest
from helpers import make_project

from paasfix.python_apps import django

MANAGE = (
    'import os\n\nif __name__ == "__main__":\n'
    '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{}")\n'
)


def test_shallowest_manage_py_wins_and_ties_are_reported(tmp_path):
    found = make_project(tmp_path / "a", {"src/manage.py": "", "src/tools/x/manage.py": ""})
    assert django.find_manage_py(found) == "src/manage.py"
    tied = make_project(tmp_path / "b", {"api/manage.py": "", "web/manage.py": ""})
    assert django.manage_py_files(tied) == ["api/manage.py", "web/manage.py"]
    with pytest.raises(django.CannotInfer) as why:
        django.find_manage_py(tied)
    assert why.value.path == "api/manage.py"


def test_app_desc_variable_overrides_the_default_per_environment(tmp_path):
    files = {
        "manage.py": MANAGE.format("site.settings.dev"),
        "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
        "    - key: DJANGO_SETTINGS_MODULE\n      value: site.settings.prod\n"
        "      environment_name: prod\n",
    }
    choices = make_project(tmp_path, files).django.manage.choices
    assert [(c.modules, c.source, c.line, c.environments) for c in choices] == [
        (("site.settings.dev",), "manage.py", 4, ("stag",)),
        (("site.settings.prod",), "app_desc.yaml", 5, ("prod",)),
    ]


def test_an_assignment_in_manage_py_cannot_be_overridden(tmp_path):
    files = {
        "manage.py": 'import os\nos.environ["DJANGO_SETTINGS_MODULE"] = "site.settings"\n',
        "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
        "    - key: DJANGO_SETTINGS_MODULE\n      value: other.settings\n",
    }
    choices = make_project(tmp_path, files).django.manage.choices
    assert [(c.modules, c.environments) for c in choices] == [
        (("site.settings",), ("stag", "prod"))
    ]


def test_a_computed_default_gives_no_settings_module(tmp_path):
    found = make_project(tmp_path, {"manage.py": MANAGE.replace('"{}"', 'os.environ["S"]')})
    assert found.django.manage.choices == ()
    with pytest.raises(django.CannotInfer, match="computes DJANGO_SETTINGS_MODULE at run time"):
        django.default_settings_module(found.python_ast("manage.py"), "manage.py")


BLUEAPPS = {
    "settings.py": "import os\nENV = os.environ.get('BKPAAS_ENVIRONMENT', 'dev')\n"
    "mod = __import__('config.' + ENV, globals(), locals(), ['*'])\n"
    "for key in dir(mod):\n    if key.isupper():\n"
    "        locals()[key] = getattr(mod, key)\n",
    "config/__init__.py": "BASE_DIR = '/srv'\n",
    "config/default.py": "from config import BASE_DIR  # noqa\nSTATIC_URL = '/s/'\n",
    "config/dev.py": "from config.default import *\nDEBUG = True\n",
    "config/prod.py": "from .default import *\nDEBUG = False\n",
    "config/readme.txt": "not a module\n",
}


def test_a_computed_import_stands_for_every_module_it_can_match(tmp_path):
    found = make_project(tmp_path, BLUEAPPS)
    chain = django.settings_chain(found, "", "settings")
    assert chain.paths == ["settings.py", "config/default.py", "config/dev.py", "config/prod.py"]
    assert chain.blind == [] and chain.broken == []
    assert chain.always() == {"settings.py", "config/default.py"}
    assert [(b.path, b.line) for b in chain.bindings("STATIC_URL")] == [("config/default.py", 2)]


def test_definitions_follow_star_and_name_imports(tmp_path):
    chain = django.settings_chain(make_project(tmp_path, BLUEAPPS), "", "settings")
    base_dir = chain.definitions("config/dev.py", "BASE_DIR")
    assert [(b.path, b.line) for b in base_dir] == [("config/__init__.py", 1)]
    assert chain.definitions("config/dev.py", "BASE_DIR", before=1) == []
    assert chain.definitions("config/dev.py", "NOWHERE") == []


@pytest.mark.parametrize(
    "code, what",
    [
        ("from somepackage.settings import *\n", "from somepackage.settings import *"),
        ("globals().update(load())\n", "globals()"),
        ("exec(open('extra.py').read())\n", "exec"),
        ("import django_heroku\ndjango_heroku.settings(locals())\n", "locals()"),
        ("from split_settings.tools import include\ninclude('parts/*.py')\n", "include"),
        (
            "import sys\nfor k, v in CONF.items():\n    setattr(sys.modules[__name__], k, v)\n",
            "setattr",
        ),
    ],
)
def test_what_paasfix_cannot_see_through_is_blind(tmp_path, code, what):
    chain = django.settings_chain(
        make_project(tmp_path, {"site/__init__.py": "", "site/settings.py": code}),
        "",
        "site.settings",
    )
    assert len(chain.blind) == 1 and what in chain.blind[0].what
    assert chain.definitions("site/settings.py", "ANYTHING") is None


def test_literal_writes_through_globals_are_settings(tmp_path):
    code = (
        "globals()['STATIC_ROOT'] = '/srv'\nglobals().update({'MEDIA_ROOT': '/m'}, DEBUG=True)\n"
        "vars()['X'] = 1\n"
    )
    chain = django.settings_chain(make_project(tmp_path, {"s.py": code}), "", "s")
    assert chain.blind == []
    assert {
        b.name
        for b in chain.bindings("STATIC_ROOT")
        + chain.bindings("MEDIA_ROOT")
        + chain.bindings("DEBUG")
        + chain.bindings("X")
    } == {"STATIC_ROOT", "MEDIA_ROOT", "DEBUG", "X"}


def test_a_module_that_does_not_parse_is_reported_with_its_line(tmp_path):
    files = {"s/__init__.py": "from .base import *\n", "s/base.py": "A = 1\nif A\n    pass\n"}
    chain = django.settings_chain(make_project(tmp_path, files), "", "s")
    assert chain.broken == [("s/base.py", 2, "expected ':'")]


def test_modules_come_from_the_manage_py_directory_then_the_build_directory(tmp_path):
    files = {
        "web/manage.py": MANAGE.format("settings"),
        "web/settings.py": "from shared import *\n",
        "shared.py": "STATIC_URL = '/s/'\n",
    }
    chain = django.settings_chain(make_project(tmp_path, files), "web", "settings")
    assert chain.paths == ["web/settings.py", "shared.py"]
    assert django.settings_chain(make_project(tmp_path / "x", files), "web", "absent") is None


def test_the_project_reads_the_django_project_once_with_every_settings_chain(tmp_path):
    files = {
        "manage.py": MANAGE.format("site.settings.dev"),
        "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
        "    - key: DJANGO_SETTINGS_MODULE\n      value: site.settings.prod\n"
        "      environment_name: prod\n",
        "site/__init__.py": "",
        "site/settings/__init__.py": "",
        "site/settings/base.py": "STATIC_URL = '/s/'\n",
        "site/settings/dev.py": "from .base import *\nDEBUG = True\n",
    }
    project = make_project(tmp_path, files)
    found = project.django
    assert found is project.django and found.manage is found.manage_files[0]
    assert (found.manage.path, found.manage.code_dir, found.manage.error) == ("manage.py", "", None)
    assert found.manage.chains["site.settings.dev"].paths == [
        "site/settings/dev.py",
        "site/settings/base.py",
    ]
    assert found.manage.chains["site.settings.prod"] is None
    assert make_project(tmp_path / "none", {"app.py": ""}).django is None


def test_a_manage_py_that_does_not_parse_says_where(tmp_path):
    found = make_project(tmp_path, {"web/manage.py": "import os\nif True\n    pass\n"}).django
    manage = found.manage
    assert (manage.path, manage.error, manage.is_django, manage.choices) == (
        "web/manage.py",
        (2, "expected ':'"),
        False,
        (),
    )
