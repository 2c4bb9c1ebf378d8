"""Reading process commands as a shell runs them (paasfix.formats.commands)."""

from __future__ import annotations

import pytest

from paasfix.formats.commands import (
    flat_words,
    invocations,
    parse_options,
    program,
    read_script,
    script_path,
    words,
)


def test_words_keep_quotes_and_split_operators():
    assert words("gunicorn --access-logformat '%(h)s %(r)s' app:app -b :$PORT &") == [
        "gunicorn",
        "--access-logformat",
        "%(h)s %(r)s",
        "app:app",
        "-b",
        ":$PORT",
        "&",
    ]
    assert words("cd src&&exec gunicorn x;") == ["cd", "src", "&&", "exec", "gunicorn", "x", ";"]
    assert words("gunicorn app  # the web front end") == ["gunicorn", "app"]
    assert words("gunicorn 'app") is None


def test_the_last_pipeline_is_the_one_the_process_lives_as_long_as():
    found = invocations("python manage.py migrate && gunicorn -D app ; celery worker | tee log")
    assert [(i.argv[0], i.final) for i in found] == [
        ("python", False),
        ("gunicorn", False),
        ("celery", True),
        ("tee", True),
    ]


def test_background_prefixes_redirections_and_cd():
    found = invocations("cd src && FOO=1 env -i BAR=2 nohup exec gunicorn app 2>&1 >log &")
    assert len(found) == 1
    assert found[0].argv == ("gunicorn", "app")
    assert found[0].background and found[0].final
    assert found[0].cwd == "src"
    assert invocations("cd $APP_HOME && gunicorn app")[0].cwd is None
    assert invocations("cd ../elsewhere && gunicorn app")[0].cwd is None


def test_sh_c_strings_are_read_as_commands():
    found = invocations("bash -lc 'cd api && exec uvicorn main:app &'")
    assert [(i.argv, i.cwd, i.background) for i in found] == [
        (("uvicorn", "main:app"), "api", True)
    ]
    assert flat_words('bash -c "gunicorn -D app" && echo ok') == [
        "bash",
        "-c",
        "gunicorn",
        "-D",
        "app",
        "&&",
        "echo",
        "ok",
    ]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["gunicorn", "app"], ("gunicorn", ["app"])),
        (["/app/.heroku/python/bin/gunicorn", "app"], ("gunicorn", ["app"])),
        (["python3", "-u", "-m", "celery", "-A", "x"], ("celery", ["-A", "x"])),
        (["python", "-mgunicorn", "app"], ("gunicorn", ["app"])),
        (["python", "-W", "ignore", "manage.py", "runserver"], ("manage.py", ["runserver"])),
    ],
)
def test_program(argv, expected):
    assert program(argv) == expected


def test_script_path():
    assert script_path(["bash", "-e", "bin/start.sh"]) == "bin/start.sh"
    assert script_path(["./bin/start_web.sh"]) == "./bin/start_web.sh"
    assert script_path(["sh", "-c", "gunicorn app"]) is None
    assert script_path(["gunicorn", "app"]) is None


def test_scripts_lines_continuations_and_structure():
    script = read_script(
        "#!/bin/bash\nset -e\n\n# migrate first\npython manage.py migrate\n"
        "cd src\nexec gunicorn app \\\n  -b :$PORT\n"
    )
    assert not script.structured
    assert [(i.argv[0], i.line, i.final, i.cwd) for i in script.invocations] == [
        ("set", 2, False, ""),
        ("python", 5, False, ""),
        ("gunicorn", 7, True, "src"),
    ]
    assert script.invocations[-1].argv == ("gunicorn", "app", "-b", ":$PORT")

    structured = read_script('if [ -n "$X" ]; then\n  gunicorn -D app\nfi\n')
    assert structured.structured
    assert not any(i.final for i in structured.invocations)
    assert read_script("echo 'unbalanced\n") is None


def test_parse_options():
    options = parse_options(
        ["-b", ":8000", "--workers=2", "-kgevent", "--reload", "app:app"],
        frozenset({"-b", "--workers", "-k"}),
        frozenset({"--reload"}),
    )
    assert options.get("-b") == [":8000"]
    assert options.get("--workers") == ["2"]
    assert options.get("-k") == ["gevent"]
    assert options.positionals == ["app:app"]
    assert options.certain
    unsure = parse_options(["--some-new-option", "value", "app"], frozenset())
    assert not unsure.certain
