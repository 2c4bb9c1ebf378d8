"""Reading and setting environment variables in app_desc.yaml (paasfix.platform.appdesc)."""

from __future__ import annotations

import pytest

from paasfix.formats.yamlio import RoundTrip, guess_indentation, platform_load
from paasfix.platform.appdesc import (
    SCOPE_DEFAULT,
    SCOPE_PYTHON,
    EnvEditError,
    env_entries,
    env_values,
    set_env_text,
)
from paasfix.platform.rules import app_desc_problems


def _set(text: str, scope: str = SCOPE_DEFAULT, value: str = "21.0") -> str:
    out = set_env_text(text, "PIP_VERSION", value, scope)
    assert out is not None
    assert app_desc_problems(platform_load(out)) == []
    assert set_env_text(out, "PIP_VERSION", value, scope) is None, "a second set changed it"
    return out


V2_WITH_ENV = """\
spec_version: 2
# the only module
module:
  language: Python  # heroku-18
  env_variables:
    - key: BKAPP_REGION
      value: 'cn'   # region

  # what runs
  processes:
    web:
      command: gunicorn wsgi -b :$PORT
"""


def test_v2_item_appended_after_the_last_one_comments_and_quotes_kept():
    assert _set(V2_WITH_ENV) == V2_WITH_ENV.replace(
        "      value: 'cn'   # region\n",
        "      value: 'cn'   # region\n    - key: PIP_VERSION\n      value: '21.0'\n",
    )


def test_v2_existing_key_updated_in_place_and_quoted():
    text = V2_WITH_ENV.replace("BKAPP_REGION", "PIP_VERSION").replace("'cn'", "9.0")
    assert _set(text) == text.replace("value: 9.0   # region", 'value: "21.0" # region')


def test_v2_every_entry_of_the_key_is_updated_none_added():
    text = (
        "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
        "  - key: PIP_VERSION\n    value: '9.0'\n    environment_name: stag\n"
        '  - key: PIP_VERSION\n    value: "9.0"\n    environment_name: prod\n'
        "  processes:\n    web:\n      command: gunicorn wsgi\n"
    )
    out = _set(text)
    assert out == text.replace("'9.0'", "'21.0'").replace('"9.0"', '"21.0"')
    assert env_values(platform_load(out), "PIP_VERSION") == {
        "module": {"stag": "21.0", "prod": "21.0"}
    }


def test_v2_environment_entry_alone_gets_a_global_one_too():
    text = (
        "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
        '  - key: PIP_VERSION\n    value: "9.0"\n    environment_name: stag\n'
    )
    out = _set(text)
    assert out.count("key: PIP_VERSION") == 2
    assert env_values(platform_load(out), "PIP_VERSION")["module"] == {
        "stag": "21.0",
        "prod": "21.0",
    }


def test_v2_list_created_after_language_before_the_comment_of_the_next_key():
    text = (
        "spec_version: 2\nmodule:\n  language: Python\n\n  # processes\n  processes:\n"
        "    web:\n      command: gunicorn wsgi\n"
    )
    assert _set(text) == (
        "spec_version: 2\nmodule:\n  language: Python\n"
        '  env_variables:\n  - key: PIP_VERSION\n    value: "21.0"\n\n  # processes\n'
        "  processes:\n    web:\n      command: gunicorn wsgi\n"
    )


@pytest.mark.parametrize("empty", ["[]", "", "~"])
def test_v2_empty_list_filled(empty):
    text = f"spec_version: 2\nmodule:\n  language: Python\n  env_variables: {empty}\n".replace(
        ": \n", ":\n"
    )
    out = _set(text)
    assert out.endswith('  env_variables:\n  - key: PIP_VERSION\n    value: "21.0"\n')


MODULES = """\
spec_version: 2
modules:
  default:
    is_default: true
    source_dir: src
    language: Python
    processes:
      web:
        command: gunicorn wsgi
  api:
    source_dir: src
    language: python
  frontend:
    source_dir: web
    language: NodeJS
"""


def test_default_scope_sets_the_default_module_only():
    out = _set(MODULES)
    assert out.count("PIP_VERSION") == 1
    assert [e.module for e in env_entries(platform_load(out), "PIP_VERSION", SCOPE_PYTHON)] == [
        "modules.default"
    ]
    assert (
        "  default:\n    is_default: true\n    source_dir: src\n    language: Python\n"
        "    env_variables:\n" in out
    )


def test_python_scope_sets_every_python_module_and_no_other():
    data = platform_load(_set(MODULES, SCOPE_PYTHON))
    assert env_values(data, "PIP_VERSION", SCOPE_PYTHON) == {
        "modules.default": {"stag": "21.0", "prod": "21.0"},
        "modules.api": {"stag": "21.0", "prod": "21.0"},
    }
    assert "env_variables" not in data["modules"]["frontend"]


def test_python_scope_falls_back_to_the_default_module():
    text = "spec_version: 2\nmodule:\n  language: Go\n"
    assert [
        e.module
        for e in env_entries(platform_load(_set(text, SCOPE_PYTHON)), "PIP_VERSION", SCOPE_PYTHON)
    ] == ["module"]


def test_shared_anchor_list_is_extended_once():
    text = (
        'spec_version: 2\nbase: &envs\n  - key: BKAPP_A\n    value: "a"\nmodules:\n'
        "  default:\n    language: Python\n    env_variables: *envs\n"
        "  api:\n    language: Python\n    env_variables: *envs\n"
    )
    out = _set(text, SCOPE_PYTHON)
    assert out.count("PIP_VERSION") == 1
    assert "env_variables: *envs" in out


V3 = """\
specVersion: 3
modules:
  - name: default
    isDefault: true
    language: Python
    spec:
      processes:
        - name: web
          procCommand: gunicorn wsgi

      # runs before each release
      hooks:
        preRelease:
          procCommand: python manage.py migrate
"""


def test_v3_configuration_created_at_the_end_of_spec():
    out = _set(V3)
    assert out == V3 + (
        "      configuration:\n        env:\n"
        '          - name: PIP_VERSION\n            value: "21.0"\n'
    )


def test_v3_overlay_entries_are_updated_and_configuration_gets_the_value():
    text = (
        "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n"
        "    processes:\n    - name: web\n      procCommand: gunicorn wsgi\n"
        "    configuration:\n      env:\n      - name: FOO\n        value: bar\n"
        "    envOverlay:\n      envVariables:\n      - envName: prod\n"
        '        name: PIP_VERSION\n        value: "10.0"\n'
    )
    out = _set(text)
    assert '        name: PIP_VERSION\n        value: "21.0"\n' in out
    assert "      - name: FOO\n        value: bar\n      - name: PIP_VERSION\n" in out
    assert env_values(platform_load(out), "PIP_VERSION")["module"] == {
        "stag": "21.0",
        "prod": "21.0",
    }


def test_entries_carry_lines_from_a_round_trip():
    data = RoundTrip(V2_WITH_ENV.replace("BKAPP_REGION", "PIP_VERSION")).data
    [entry] = env_entries(data, "PIP_VERSION")
    assert (entry.where, entry.line, entry.value) == ("module.env_variables[0]", 6, "cn")


def test_nowhere_to_write_is_an_error():
    with pytest.raises(EnvEditError):
        set_env_text(
            "spec_version: 2\nmodule:\n  language: Python\n  env_variables: {}\n",
            "PIP_VERSION",
            "21.0",
        )
    with pytest.raises(EnvEditError):
        set_env_text(
            "specVersion: 3\nmodule:\n  name: default\n  language: Python\n", "PIP_VERSION", "21.0"
        )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a:\n  b:\n    - x\n", (2, 4, 2)),
        ("a:\n    b:\n    - x\n", (4, 2, 0)),
        ("a: &anchor\n  - x\nb:\n   c: 1\nd: *anchor\n", (3, 4, 2)),
        ("a: 1\n", (None, None, None)),
    ],
)
def test_indentation_is_guessed_per_kind(text, expected):
    assert guess_indentation(text) == expected
    assert RoundTrip(text).dump() == text


def test_values_keep_accepts_are_left_alone():
    text = (
        "spec_version: 2\nmodule:\n  language: Python\n  env_variables:\n"
        '  - key: PIP_VERSION\n    value: "22.0"\n    environment_name: stag\n'
        "  - key: PIP_VERSION\n    value: 9.0\n    environment_name: prod\n"
    )
    out = set_env_text(text, "PIP_VERSION", "21.0", keep=lambda value: value == "22.0")
    assert out == text.replace("value: 9.0", 'value: "21.0"')
