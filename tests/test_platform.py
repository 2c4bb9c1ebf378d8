"""The platform's rules for app_desc.yaml and the Procfile (paasfix.platform.rules, PLATFORM.md §1-2).

Documents are written as YAML text and loaded the way the platform loads them, so that YAML
typing (quoted numbers, booleans, null) is part of what is tested.
"""

from __future__ import annotations

import textwrap

import pytest

from paasfix.formats.yamlio import YamlProblem, platform_load
from paasfix.platform import rules

V2_HEAD = "spec_version: 2\nmodule:\n  language: Python\n"


def load(text: str):
    return platform_load(textwrap.dedent(text))


def desc(text: str):
    return rules.app_desc_problems(load(text))


def procfile(text: str):
    return rules.procfile_problems(load(text))


def messages(problems):
    return [p.message for p in problems]


def v2_with_processes(block: str):
    return desc(V2_HEAD + "  processes:\n" + textwrap.indent(textwrap.dedent(block), "    "))


def v2_with_env(block: str):
    return desc(V2_HEAD + "  env_variables:\n" + textwrap.indent(textwrap.dedent(block), "    "))


# -- §1.2 version detection ------------------------------------------------------------------


def test_valid_v2_description_has_no_problems():
    assert (
        desc("""
        spec_version: 2
        app_version: "1.0"
        module:
          language: Python
          processes:
            web:
              command: gunicorn wsgi -b :$PORT
              replicas: 1
          env_variables:
            - key: DJANGO_SETTINGS_MODULE
              value: mysite.settings
              environment_name: _global_
            - key: EMPTY
              value: ""
          scripts:
            pre_release_hook: python manage.py migrate --no-input
    """)
        == []
    )


@pytest.mark.parametrize("key", ["spec_version", "specVersion"])
def test_either_version_key_works_with_an_integer(key):
    assert desc(f"{key}: 2\nmodule:\n  language: python\n") == []


def test_quoted_version_is_not_supported():
    problems = desc('spec_version: "2"\nmodule:\n  language: Python\n')
    assert [(p.kind, p.where) for p in problems] == [("spec-version", "spec_version")]
    assert problems[0].message == 'app spec version "2" is not supported'


def test_quoted_version_under_the_camel_case_key_is_reported_there():
    problems = desc('specVersion: "3"\nmodule: {name: default, language: Python}\n')
    assert problems[0].where == "specVersion"
    assert problems[0].message == 'app spec version "3" is not supported'


@pytest.mark.parametrize("value", ["1", "4", "true", "null", "[2]"])
def test_other_versions_are_not_supported(value):
    problems = desc(f"spec_version: {value}\nmodule:\n  language: Python\n")
    assert len(problems) == 1 and problems[0].kind == "spec-version"
    if value != "null":
        assert "is not supported" in problems[0].message


def test_missing_version_is_reported():
    problems = desc("module:\n  language: Python\n")
    assert [(p.kind, p.message) for p in problems] == [
        ("spec-version", "no spec version is specified")
    ]


def test_legacy_description_with_app_code_is_version_one_and_unsupported():
    problems = desc("app_code: myapp\napp_name: My app\nversion: 1.0.0\n")
    assert len(problems) == 1
    assert problems[0].kind == "spec-version"
    assert "version 1" in problems[0].message and "app_code" in problems[0].message


@pytest.mark.parametrize(
    "text,kind",
    [("", "null"), ("- a\n- b\n", "a list"), ("just text\n", "str"), ("42\n", "a number")],
)
def test_app_desc_that_is_not_a_mapping(text, kind):
    problems = rules.app_desc_problems(platform_load(text), "app_desc.yml")
    assert [p.kind for p in problems] == ["not-mapping"]
    assert problems[0].message.startswith('file "app_desc.yml" must be dict type')
    assert kind in problems[0].message


# -- §1.4 spec_version 2 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "language", ["Python", "python", "PYTHON", "php", "Go", "nodejs", "NodeJS", "java"]
)
def test_languages_are_case_insensitive(language):
    assert desc(f"spec_version: 2\nmodule:\n  language: {language}\n") == []


@pytest.mark.parametrize("language", ["Node.js", "Golang", "Ruby", "python3"])
def test_unsupported_languages_use_the_platform_message(language):
    problems = desc(f"spec_version: 2\nmodule:\n  language: {language}\n")
    assert [(p.kind, p.where) for p in problems] == [("language", "module.language")]
    assert problems[0].message.startswith(f"'{language}' is not a supported language.")


def test_language_is_required():
    problems = desc("spec_version: 2\nmodule:\n  processes:\n    web:\n      command: x\n")
    assert [(p.kind, p.where) for p in problems] == [("language", "module.language")]


def test_module_is_required():
    problems = desc("spec_version: 2\napp_version: '1'\n")
    assert messages(problems) == ["module: 模块配置内容不能为空"]


def test_every_module_of_modules_is_checked():
    problems = desc("""
        spec_version: 2
        modules:
          default:
            is_default: true
            language: Python
          api:
            language: Golang
    """)
    assert [(p.kind, p.where) for p in problems] == [("language", "modules.api.language")]


@pytest.mark.parametrize("name", ["web", "worker-1", "1web", "a", "abcdefghijkl", "celery-beat"])
def test_valid_process_names(name):
    assert v2_with_processes(f"{name}:\n  command: run\n") == []


@pytest.mark.parametrize("name", ["Web", "web_1", "-web", "web.1", "wéb", "worker "])
def test_process_names_must_match_the_pattern(name):
    problems = v2_with_processes(f'"{name}":\n  command: run\n')
    assert messages(problems) == [
        f"Invalid proc type: {name}, must match pattern ^[a-z0-9]([-a-z0-9])*$"
    ]
    assert problems[0].where == f"module.processes.{name}"


def test_process_names_are_at_most_12_characters():
    problems = v2_with_processes("abcdefghijklm:\n  command: run\n")
    assert messages(problems) == [
        "Invalid proc type: abcdefghijklm, cannot be longer than 12 characters"
    ]


def test_empty_processes_mapping():
    problems = desc(V2_HEAD + "  processes: {}\n")
    assert [(p.kind, p.message, p.where) for p in problems] == [
        ("processes", "This dictionary may not be empty.", "module.processes")
    ]


def test_process_command_is_required_and_not_blank():
    problems = v2_with_processes("web:\n  replicas: 1\nworker:\n  command: '  '\n")
    assert [(p.kind, p.where) for p in problems] == [
        ("command", "module.processes.web.command"),
        ("command", "module.processes.worker.command"),
    ]


def test_processes_must_be_a_mapping():
    problems = desc(V2_HEAD + "  processes:\n    - web\n")
    assert [p.kind for p in problems] == ["processes"]


@pytest.mark.parametrize("key", ["lower", "1ABC", "A-B", "_A", "A" * 1025])
def test_env_key_format(key):
    problems = v2_with_env(f"- key: '{key}'\n  value: x\n")
    assert [(p.kind, p.where) for p in problems] == [("env-key", "module.env_variables[0]")]
    assert "格式错误，只能以大写字母开头，由大写字母、数字与下划线组成。" in problems[0].message


def test_env_key_of_1024_characters_is_allowed():
    assert v2_with_env(f"- key: {'A' * 1024}\n  value: x\n") == []


@pytest.mark.parametrize("key", ["SLUG_URL", "HOME", "S3CMD_CONF", "HOSTNAME"])
def test_reserved_env_keys(key):
    problems = v2_with_env(f"- key: {key}\n  value: x\n")
    assert [p.kind for p in problems] == ["env-key"]
    assert f"保留关键字: {key}" in problems[0].message


@pytest.mark.parametrize(
    "key,prefix", [("BKPAAS_TOKEN", "BKPAAS_"), ("KUBERNETES_HOST", "KUBERNETES_")]
)
def test_reserved_env_prefixes(key, prefix):
    problems = v2_with_env(f"- key: {key}\n  value: x\n")
    assert [p.kind for p in problems] == ["env-key"]
    assert f"保留前缀: {prefix}，请尝试其他前缀" in problems[0].message


@pytest.mark.parametrize("value", ["true", "yes", "on", "false", "off", "no"])
def test_boolean_env_values_are_not_strings(value):
    problems = v2_with_env(f"- key: DEBUG\n  value: {value}\n")
    assert [p.kind for p in problems] == ["env-value"]
    assert "Not a valid string." in problems[0].message


@pytest.mark.parametrize("value", ["null", "~", ""])
def test_null_env_value(value):
    problems = v2_with_env(f"- key: DEBUG\n  value: {value}\n")
    assert [p.kind for p in problems] == ["env-value"]
    assert "This field may not be null." in problems[0].message


@pytest.mark.parametrize("value", ['"true"', "'22.10'", "1", '""', "some text"])
def test_string_and_integer_env_values_are_fine(value):
    assert v2_with_env(f"- key: DEBUG\n  value: {value}\n") == []


def test_unquoted_float_env_value_is_reported():
    problems = v2_with_env("- key: PIP_VERSION\n  value: 22.10\n")
    assert [p.kind for p in problems] == ["env-value"]
    assert "22.1" in problems[0].message


def test_env_environment_name():
    assert v2_with_env("- key: A\n  value: x\n  environment_name: stag\n") == []
    problems = v2_with_env("- key: A\n  value: x\n  environment_name: dev\n")
    assert [p.kind for p in problems] == ["env"]


def test_env_variables_must_be_a_list_of_mappings():
    assert [p.kind for p in desc(V2_HEAD + "  env_variables:\n    A: x\n")] == ["env"]
    assert [p.kind for p in v2_with_env("- A=x\n")] == ["env"]


@pytest.mark.parametrize("source_dir", ["../up", "/abs", "with space", "a/../b"])
def test_invalid_source_dir(source_dir):
    problems = desc(V2_HEAD + f"  source_dir: '{source_dir}'\n")
    assert messages(problems) == [f"构建目录 {source_dir} 不合法"]


def test_valid_source_dir():
    assert desc(V2_HEAD + "  source_dir: src/backend_v2.0\n") == []


# -- §1.5 specVersion 3 ----------------------------------------------------------------------

V3 = """
specVersion: 3
modules:
  - name: default
    isDefault: true
    language: Python
    spec:
      processes:
        - name: web
          procCommand: gunicorn wsgi -b :$PORT
          replicas: 1
      configuration:
        env:
          - name: DJANGO_DEBUG
            value: "false"
"""


def test_valid_v3_description():
    assert desc(V3) == []


def test_v3_single_module_form():
    assert (
        desc("""
        specVersion: 3
        module:
          name: default
          language: Python
          spec:
            processes:
              - name: web
                command: [gunicorn]
                args: [wsgi]
    """)
        == []
    )


def test_v3_modules_must_be_a_list():
    problems = desc("specVersion: 3\nmodules:\n  default:\n    language: Python\n")
    assert [(p.kind, p.where) for p in problems] == [("module", "modules")]


def test_v3_module_needs_a_name_and_a_spec():
    problems = desc("specVersion: 3\nmodules:\n  - language: Python\n")
    assert [(p.kind, p.where) for p in problems] == [
        ("module", "modules[0]"),
        ("spec", "modules[0].spec"),
    ]


def test_v3_processes_must_be_a_non_empty_list():
    problems = desc(
        V3.replace(
            """      processes:
        - name: web
          procCommand: gunicorn wsgi -b :$PORT
          replicas: 1
""",
            "      processes: []\n",
        )
    )
    assert [(p.kind, p.where) for p in problems] == [("processes", "modules[0].spec.processes")]


def test_v3_process_name_rules():
    problems = desc(V3.replace("- name: web", "- name: Web_Server"))
    assert messages(problems) == [
        "Invalid proc type: Web_Server, must match pattern ^[a-z0-9]([-a-z0-9])*$"
    ]
    assert problems[0].where == "modules[0].spec.processes[0].name"


def test_v3_env_uses_the_same_key_rules():
    problems = desc(
        V3.replace("name: DJANGO_DEBUG", "name: BKPAAS_X").replace('value: "false"', "value: false")
    )
    assert [p.kind for p in problems] == ["env-key", "env-value"]
    assert all(p.where == "modules[0].spec.configuration.env[0]" for p in problems)


def test_v3_language_rules():
    problems = desc(V3.replace("language: Python", "language: Node.js"))
    assert [(p.kind, p.where) for p in problems] == [("language", "modules[0].language")]


# -- §2 Procfile -----------------------------------------------------------------------------


def test_valid_procfile():
    assert procfile("web: gunicorn wsgi -b 0.0.0.0:$PORT\nworker: celery -A app worker\n") == []


def test_procfile_process_name_messages():
    assert messages(procfile("Web: gunicorn wsgi\n")) == [
        "Invalid proc type: Web, must match pattern ^[a-z0-9]([-a-z0-9])*$"
    ]
    assert messages(procfile("celery_worker: celery worker\n")) == [
        "Invalid proc type: celery_worker, must match pattern ^[a-z0-9]([-a-z0-9])*$"
    ]
    assert messages(procfile("averyverylongname: run\n")) == [
        "Invalid proc type: averyverylongname, must not longer than 12 characters"
    ]


def test_procfile_names_problem_where_is_the_name():
    problems = procfile("web: a\nWorker: b\n")
    assert [p.where for p in problems] == ["Worker"]


def test_procfile_with_16_processes_is_fine_and_17_is_too_many():
    sixteen = "".join(f"p{i}: run {i}\n" for i in range(16))
    assert procfile(sixteen) == []
    problems = procfile(sixteen + "p16: run 16\n")
    assert messages(problems) == [
        "The number of processes exceeded: maximum 16 processes per module, but got 17"
    ]
    assert problems[0].kind == "process-count"


@pytest.mark.parametrize(
    "text,kind",
    [
        ("web:gunicorn app\n", "str"),
        ("", "null"),
        ("- web: x\n", "a list"),
    ],
)
def test_procfile_that_is_not_a_mapping(text, kind):
    problems = rules.procfile_problems(platform_load(text))
    assert [p.kind for p in problems] == ["not-mapping"]
    assert problems[0].message.startswith('file "Procfile" must be dict type')
    assert kind in problems[0].message


def test_procfile_commands_must_be_non_empty_strings():
    problems = procfile("web:\nworker: ''\nbeat: [a, b]\n")
    assert [(p.kind, p.where) for p in problems] == [
        ("command", "web"),
        ("command", "worker"),
        ("command", "beat"),
    ]


def test_procfile_key_that_is_not_a_string():
    problems = procfile("1: run\n")
    assert [p.kind for p in problems] == ["process-name"]


def test_procfile_command_with_colon_space_is_not_yaml():
    with pytest.raises(YamlProblem) as info:
        platform_load("web: gunicorn app --bind host: 8000\n")
    assert info.value.message == "mapping values are not allowed here"
    assert info.value.line == 1


def test_procfile_comment_is_dropped_as_yaml():
    assert load("web: gunicorn app #--workers 4\n") == {"web": "gunicorn app"}


def test_duplicate_procfile_keys_keep_the_last():
    assert load("web: one\nweb: two\n") == {"web": "two"}


# -- process lookup --------------------------------------------------------------------------


def test_processes_of_v2_module():
    data = load(V2_HEAD + "  processes:\n    web:\n      command: gunicorn app\n")
    assert rules.processes_of(data) == {"web": "gunicorn app"}
    assert rules.default_module(data)[0] == "module"


def test_processes_of_v2_modules_picks_the_default_module():
    data = load("""
        spec_version: 2
        modules:
          api:
            language: Python
            processes: {web: {command: api}}
          frontend:
            is_default: true
            language: Python
            processes: {web: {command: front}}
    """)
    assert rules.default_module(data)[0] == "modules.frontend"
    assert rules.processes_of(data) == {"web": "front"}
    assert rules.processes_of(data, "api") == {"web": "api"}


def test_processes_of_v3_uses_proc_command_then_command_and_args():
    data = load("""
        specVersion: 3
        modules:
          - name: default
            language: Python
            spec:
              processes:
                - name: web
                  procCommand: gunicorn app
                  command: [ignored]
                - name: worker
                  command: [celery]
                  args: [-A, app, worker]
    """)
    assert rules.processes_of(data) == {
        "web": "gunicorn app",
        "worker": rules.bash_wrapper(["celery", "-A", "app", "worker"]),
    }


def test_processes_of_v3_blank_proc_command_gives_the_wrapper_of_the_trimmed_items():
    data = load("""
        specVersion: 3
        module:
          name: default
          language: Python
          spec:
            processes:
              - name: web
                procCommand: '  '
                command: [' gunicorn ']
                args: [app]
    """)
    assert rules.processes_of(data) == {"web": rules.bash_wrapper(["gunicorn", "app"])}


def test_processes_of_without_processes_is_none():
    assert rules.processes_of(load(V2_HEAD)) is None
    assert rules.processes_of(load("[]")) is None


def test_spec_version_prefers_the_snake_case_key():
    assert rules.spec_version({"spec_version": 2, "specVersion": 3}) == 2
    assert rules.spec_version({"specVersion": 3}) == 3
    assert rules.spec_version({}) is None
    assert rules.spec_version("x") is None
