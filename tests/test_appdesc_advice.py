"""The problems the platform finds in app_desc.yaml that paasfix does not repair
(paasfix.platform.appdesc_advice says what to change): each case is checked as a fix-app-desc
example, reported on its line and never edited."""

from __future__ import annotations

import pytest
from test_fixers import test_example as keeps_the_example_contract

from paasfix.fixer import Example
from paasfix.fixers.app_desc import FixAppDesc
from paasfix.formats.yamlio import YamlProblem
from paasfix.platform import appdesc_advice, rules

_V2 = "spec_version: 2\nmodule:\n  language: Python\n"

REPORTED = (
    (
        "process names the platform refuses are not renamed",
        _V2 + "  processes:\n    Web:\n      command: gunicorn wsgi\n"
        "    celery_worker:\n      command: celery -A app worker\n",
        "module.processes.Web: Invalid proc type",
        5,
    ),
    (
        "variable names the platform refuses are not renamed",
        _V2 + "  env_variables:\n    - key: log_level\n      value: INFO\n"
        "    - key: BKPAAS_DEBUG\n      value: '1'\n",
        "module.env_variables[0]: environment variable name 'log_level'",
        5,
    ),
    (
        "an explicit null value",
        _V2 + "  env_variables:\n    - key: SENTRY_DSN\n      value: null\n",
        "the value of SENTRY_DSN is null",
        5,
    ),
    (
        "a language the platform does not build",
        "spec_version: 2\nmodule:\n  language: Ruby\n",
        "'Ruby' is not a supported language",
        3,
    ),
    (
        "legacy version 1 description",
        "app_code: hello\napp_name: Hello\nversion: 0.0.1\n"
        "is_use_celery: False\nauthor: blueking\nintroduction: hello\n",
        "a version 1 (app.yaml style) description",
        1,
    ),
    (
        "a version the platform does not support",
        "spec_version: 1\nmodule:\n  language: Python\n",
        "`spec_version: 1` is not a version the platform supports",
        1,
    ),
    (
        "modules in both the version 2 and the version 3 form, no version",
        "modules:\n  - name: default\n    language: Python\n"
        "    env_variables:\n      - key: A\n        value: b\n",
        "mix the spec_version 2 and specVersion 3 forms",
        1,
    ),
    (
        "a full-width colon glued to its value",
        "spec_version: 2\nmodule:\n  language：Python\n  processes:\n"
        "    web:\n      command: gunicorn wsgi\n",
        "(line 3 has a full-width colon ：;",
        4,
    ),
    (
        "an empty process list in version 3",
        "specVersion: 3\nmodule:\n  name: default\n  language: Python\n"
        "  spec:\n    processes: []\n",
        "spec.processes must be a non-empty list",
        6,
    ),
)
"""(name, app_desc.yaml, part of what paasfix says, the line it names)."""

CASES = [
    Example.manual(name, {"app_desc.yaml": text}, message=message, line=line)
    for name, text, message, line in REPORTED
]


@pytest.mark.parametrize("example", CASES, ids=[example.name for example in CASES])
def test_fix_app_desc_reports_them_and_changes_nothing(example, tmp_path):
    keeps_the_example_contract(FixAppDesc, example, tmp_path)


def test_advice_for_each_kind_of_problem():
    def said(kind: str, message: str = "is refused") -> str:
        return appdesc_advice.advice("app_desc.yaml", rules.Problem(kind, message, "module.x"))

    assert "paasfix does not rename processes" in said("process-name")
    assert "paasfix does not rename variables" in said("env-key")
    assert 'give it a quoted value ("" for an empty one)' in said("env-value", "is null")
    assert "write this value in quotes yourself" in said("env-value")
    assert said("language") == "app_desc.yaml: module.x: is refused"
    assert said("spec-version").endswith("the platform refuses the file until this is corrected")


def test_unreadable_names_the_full_width_colons():
    problem = YamlProblem("mapping values are not allowed here", 3)
    message = appdesc_advice.unreadable("src/app_desc.yml", problem, [3, 5])
    assert message.startswith("src/app_desc.yml cannot be read as YAML (mapping values")
    assert '`file "app_desc.yml"\'s format is not YAML`' in message
    assert "(line 3, 5 has a full-width colon ：;" in message
