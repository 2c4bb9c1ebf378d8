"""The processes a repository defines (the Project's facts, read by paasfix.platform.processes),
and exact edits of their commands."""

from __future__ import annotations

import yaml
from helpers import make_project

from paasfix.platform.processes import APP_DESC, PROCFILE, Definition, edit_argv, edit_command
from paasfix.platform.rules import bash_wrapper
from paasfix.project import Project


def app_desc_definition(project: Project) -> Definition | None:
    return project.app_desc_definition


def procfile_definition(project: Project) -> Definition | None:
    return project.procfile_definition


def test_bash_wrapper_is_the_platforms():
    # The example in the docstring of the platform's generate_bash_command_with_tokens.
    assert bash_wrapper(["python", "-m", "http.server", "${PORT:-9999}"]) == (
        'bash -c \'"$(eval echo \\"$0\\")" "$(eval echo \\"${1}\\")" '
        '"$(eval echo \\"${2}\\")" "$(eval echo \\"${3}\\")"\' '
        "python -m http.server '${PORT:-9999}'"
    )


def test_v2_processes_of_the_default_module_with_lines(tmp_path):
    found = app_desc_definition(
        make_project(
            tmp_path,
            {
                "app_desc.yaml": (
                    "spec_version: 2\nmodules:\n  api:\n    language: Python\n    processes:\n"
                    "      web:\n        command: python api.py\n"
                    "  default:\n    is_default: true\n    language: Python\n    processes:\n"
                    "      Web:\n        command: '  gunicorn app:app  '\n"
                )
            },
        )
    )
    assert found.source == APP_DESC
    [process] = found.processes
    assert (process.name, process.line, process.keys) == (
        "Web",
        13,
        ("modules", "default", "processes", "Web", "command"),
    )
    assert found.compared == {"web": "gunicorn app:app"}


def test_v3_list_form_and_proc_command(tmp_path):
    found = app_desc_definition(
        make_project(
            tmp_path,
            {
                "app_desc.yaml": (
                    "specVersion: 3\nmodules:\n  - name: default\n    language: Python\n    spec:\n"
                    "      processes:\n        - name: web\n          command: [gunicorn]\n"
                    "          args: [app:app, -b, ':$PORT']\n"
                    "        - name: worker\n          procCommand: celery -A app worker\n"
                )
            },
        )
    )
    web, worker = found.processes
    assert web.argv == ("gunicorn", "app:app", "-b", ":$PORT") and not web.shell
    assert web.line == 7
    assert worker.command == "celery -A app worker" and worker.line == 11
    assert found.compared["web"] == bash_wrapper(["gunicorn", "app:app", "-b", ":$PORT"])
    assert found.compared["worker"] == "celery -A app worker"


def test_app_desc_the_platform_ignores(tmp_path):
    for text in (
        "module:\n  language: Python\n  processes:\n    web:\n      command: x\n",
        "spec_version: '2'\nmodule:\n  language: Python\n",
        "spec_version: 2\nmodule:\n  language: Python\n",
        "spec_version: 2\nmodule: [\n",
    ):
        assert (
            app_desc_definition(make_project(tmp_path / str(len(text)), {"app_desc.yaml": text}))
            is None
        )


def test_procfile_in_the_build_directory_first(tmp_path):
    found = procfile_definition(
        make_project(
            tmp_path,
            {"Procfile": "web: python root.py\n", "src/Procfile": "web: python src.py\n"},
            build_dir="src",
        )
    )
    assert (found.path, found.source, found.processes[0].command) == (
        "src/Procfile",
        PROCFILE,
        "python src.py",
    )


def test_procfile_edit_changes_only_the_command_characters(tmp_path):
    text = '# processes\r\nweb: "gunicorn -D app:app"   # front\r\nworker: celery worker\r\n'
    repo = make_project(tmp_path, {"Procfile": text})
    process = procfile_definition(repo).processes[0]
    edit = edit_command(repo, process, lambda command: command.replace(" -D", ""))
    assert edit.content == text.replace(" -D", "").encode()
    assert yaml.safe_load(edit.content) == {"web": "gunicorn app:app", "worker": "celery worker"}


def test_procfile_edit_refuses_a_command_over_several_lines(tmp_path):
    repo = make_project(tmp_path, {"Procfile": "web: >-\n  gunicorn -D\n  app:app\n"})
    process = procfile_definition(repo).processes[0]
    assert edit_command(repo, process, lambda command: command.replace(" -D", "")) is None


def test_app_desc_edit_keeps_quotes_comments_and_layout(tmp_path):
    text = (
        "spec_version: 2\nmodule:\n    language: Python   # the buildpack\n    processes:\n"
        '        web:\n            command: "gunicorn -D app:app"  # front end\n'
        "        # the queue\n        worker:\n            command: celery -A app worker\n"
    )
    repo = make_project(tmp_path, {"app_desc.yaml": text})
    process = app_desc_definition(repo).processes[0]
    edit = edit_command(repo, process, lambda command: command.replace(" -D", ""))
    assert edit.content == text.replace(" -D", "").encode()


def test_app_desc_edit_of_an_anchored_command_is_made_once_where_it_is_written(tmp_path):
    text = (
        "spec_version: 2\nmodules:\n  default:\n    is_default: true\n    language: Python\n"
        "    processes: &procs\n      web:\n        command: gunicorn -D app:app\n"
        "  admin:\n    language: Python\n    processes: *procs\n"
    )
    repo = make_project(tmp_path, {"app_desc.yaml": text})
    process = app_desc_definition(repo).processes[0]
    edit = edit_command(repo, process, lambda command: command.replace(" -D", ""))
    assert edit.content == text.replace(" -D", "").encode()
    modules = yaml.safe_load(edit.content)["modules"]
    assert modules["admin"]["processes"]["web"]["command"] == "gunicorn app:app"


def test_app_desc_edit_of_a_merged_command_overrides_it_and_keeps_the_shared_base(tmp_path):
    text = (
        "spec_version: 2\nbase: &web\n  command: gunicorn -D app:app\n"
        "module:\n  language: Python\n  processes:\n    web:\n      <<: *web\n"
    )
    repo = make_project(tmp_path, {"app_desc.yaml": text})
    process = app_desc_definition(repo).processes[0]
    edit = edit_command(repo, process, lambda command: command.replace(" -D", ""))
    assert edit.content == (text + "      command: gunicorn app:app\n").encode()
    loaded = yaml.safe_load(edit.content)
    assert loaded["base"]["command"] == "gunicorn -D app:app"
    assert loaded["module"]["processes"]["web"]["command"] == "gunicorn app:app"


def test_argv_edit_drops_list_items(tmp_path):
    text = (
        "specVersion: 3\nmodule:\n  name: default\n  language: Python\n  spec:\n"
        "    processes:\n      - name: web\n        command:\n          - gunicorn\n"
        "        args:\n          - -D\n          - app:app\n"
    )
    repo = make_project(tmp_path, {"app_desc.yaml": text})
    process = app_desc_definition(repo).processes[0]
    edit = edit_argv(repo, process, lambda word, _position: word != "-D")
    assert edit.content == text.replace("          - -D\n", "").encode()
