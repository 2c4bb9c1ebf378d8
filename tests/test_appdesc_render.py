"""How fix-procfile writes app_desc.yaml (paasfix.platform.appdesc_render): a Procfile's
commands byte for byte with its comments, the language of the build directory, the line
endings of the file it comes from, next to the Procfile it replaces, processes added to a
description that has none (or shown, where the description is not the simple form). Each case is
checked as a fix-procfile example."""

from __future__ import annotations

import pytest
from test_fixers import test_example as keeps_the_example_contract

from paasfix.fixer import Example
from paasfix.fixers.procfile import FixProcfile
from paasfix.platform.appdesc_render import from_procfile, processes_snippet

_V2 = "spec_version: 2\nmodule:\n  language: Python\n"
_APP = "gunicorn app:app -b :$PORT --log-file -"
_FLASK = {
    "requirements.txt": "Flask\ngunicorn\n",
    "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
}
_CRLF_DESC = 'spec_version: 2\r\napp_version: "1.0"\r\nmodule:\r\n  language: python\r\n'
_COMMENTED = (
    "# processes\nweb: gunicorn app:app  # serves HTTP\n\n  # indented note\n"
    "job: |\n  # this line is part of the command\n  python job.py\n# the end\n"
)


def _desc(language: str = "Python", **processes: str) -> str:
    lines = "".join(
        f"    {name}:\n      command: {command}\n" for name, command in processes.items()
    )
    return _V2.replace("Python", language) + "  processes:\n" + lines


CASES = [
    Example.fixed(
        "CRLF Procfile gives a CRLF app_desc.yaml",
        {"requirements.txt": "gunicorn\r\n", "Procfile": "web: gunicorn app:app -b :$PORT\r\n"},
        {
            "requirements.txt": "gunicorn\r\n",
            "app_desc.yaml": _desc(web="gunicorn app:app -b :$PORT").replace("\n", "\r\n"),
        },
    ),
    Example.fixed(
        "Procfile comments are carried over, but not the content of a block",
        {"requirements.txt": "gunicorn\n", "Procfile": _COMMENTED},
        {
            "requirements.txt": "gunicorn\n",
            "app_desc.yaml": _V2 + "  processes:\n    # processes\n"
            "    web:\n      command: gunicorn app:app  # serves HTTP\n    # indented note\n"
            '    job:\n      command: "# this line is part of the command\\npython job.py\\n"\n'
            "    # the end\n",
        },
    ),
    Example.fixed(
        "a Node.js Procfile is converted with its language",
        {"package.json": "{}\n", "Procfile": "web: npm start\n"},
        {"package.json": "{}\n", "app_desc.yaml": _desc("NodeJS", web="npm start")},
    ),
    Example.fixed(
        "a Procfile whose commands app_desc.yaml would trim is converted and removed",
        {"requirements.txt": "gunicorn\n", "Procfile": "web: ' gunicorn app:app '\n"},
        {"requirements.txt": "gunicorn\n", "app_desc.yaml": _desc(web="' gunicorn app:app '")},
    ),
    Example.fixed(
        "processes are added to a CRLF app_desc.yaml",
        {**_FLASK, "app_desc.yaml": _CRLF_DESC},
        {
            **_FLASK,
            "app_desc.yaml": _CRLF_DESC + f"  processes:\r\n    web:\r\n      command: {_APP}\r\n",
        },
    ),
    Example.fixed(
        "Procfile at the repository root, build directory src",
        {"src/requirements.txt": "gunicorn\n", "Procfile": "web: gunicorn app:app -b :$PORT\n"},
        {
            "src/requirements.txt": "gunicorn\n",
            "app_desc.yaml": _desc(web="gunicorn app:app -b :$PORT"),
        },
        build_dir="src",
    ),
    Example.manual(
        "a description with several modules gets instructions",
        {
            **_FLASK,
            "app_desc.yaml": "spec_version: 2\nmodules:\n  default:\n    language: Python\n",
        },
        message=f"    web:\n      command: {_APP}",
    ),
    Example.manual(
        "a specVersion 3 description gets instructions",
        {
            **_FLASK,
            "app_desc.yaml": "specVersion: 3\nmodule:\n  name: default\n  language: Python\n"
            "  spec: {}\n",
        },
        message=f"    web:\n      command: {_APP}",
    ),
]


@pytest.mark.parametrize("example", CASES, ids=[example.name for example in CASES])
def test_fix_procfile_writes_app_desc_yaml(example, tmp_path):
    keeps_the_example_contract(FixProcfile, example, tmp_path)


def test_a_procfile_as_app_desc_yaml_keeps_its_comments_next_to_the_same_processes():
    processes = {
        "web": "gunicorn app:app",
        "job": "# this line is part of the command\npython job.py\n",
    }
    text = from_procfile(_COMMENTED, processes, "Python")
    assert text == CASES[1].after["app_desc.yaml"]


def test_the_snippet_sits_under_module():
    assert processes_snippet({"web": _APP}) == f"  processes:\n    web:\n      command: {_APP}"
