"""Configuration (paasfix.core.config) and how the command line reads it: ``[tool.paasfix]`` in
pyproject.toml, ``paasfix.toml``, ``--config PATH``; the command line wins."""

from __future__ import annotations

import json

import pytest
from helpers import git_repo, make_tree

from paasfix.cli import main
from paasfix.core.config import (
    MAX_SETTINGS_SIZE,
    Config,
    boolean,
    build_config,
    read_settings,
    settings_from_text,
)
from paasfix.core.errors import PaasfixError
from paasfix.core.tree import DirTree

EVENTLET_APP = {"requirements.txt": "eventlet==0.31.0\n", "app/requirements.txt": "flask\n"}


def run(capsys, *args):
    """Run the real command line in this process: (exit status, stdout, stderr)."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    return info.value.code, out, err


def check_json(capsys, root, *args):
    code, out, err = run(capsys, "check", str(root), "--format", "json", *args)
    return code, (json.loads(out) if out else None), err


def pins_greenlet(report) -> bool:
    """Whether the report has the finding the eventlet pin in the root requirements gives."""
    return "fix-greenlet-pin" in [f["fixer"] for f in report["findings"]]


# -- settings files --------------------------------------------------------------------------


def test_pyproject_table():
    text = '[project]\nname = "x"\n\n[tool.paasfix]\nselect = ["fix-procfile"]\n'
    assert settings_from_text("pyproject.toml", text, "pyproject.toml") == {
        "select": ["fix-procfile"]
    }


def test_pyproject_without_a_paasfix_table_has_no_settings():
    assert settings_from_text("pyproject.toml", "[tool.black]\nline-length = 99\n", "p") is None
    assert settings_from_text("pyproject.toml", "", "p") is None


def test_paasfix_toml_top_level_or_tool_table():
    assert settings_from_text("paasfix.toml", "build-dir = 'app'\n", "paasfix.toml") == {
        "build-dir": "app"
    }
    assert settings_from_text(
        "paasfix.toml", "[tool.paasfix]\nbuild-dir = 'app'\n", "paasfix.toml"
    ) == {"build-dir": "app"}


def test_invalid_toml_is_one_line_error():
    with pytest.raises(PaasfixError) as info:
        settings_from_text("paasfix.toml", "select = [\n", "paasfix.toml")
    message = str(info.value)
    assert message.startswith("paasfix.toml: not valid TOML:")
    assert "\n" not in message


def test_read_settings_prefers_paasfix_toml(tmp_path):
    root = make_tree(
        tmp_path,
        {
            "paasfix.toml": "build-dir = 'a'\n",
            "pyproject.toml": "[tool.paasfix]\nbuild-dir = 'b'\n",
        },
    )
    assert read_settings(DirTree(str(root)), None) == ({"build-dir": "a"}, "paasfix.toml")


def test_read_settings_falls_back_to_pyproject(tmp_path):
    root = make_tree(tmp_path, {"pyproject.toml": "[tool.paasfix]\nbuild-dir = 'b'\n"})
    assert read_settings(DirTree(str(root)), None) == ({"build-dir": "b"}, "pyproject.toml")


def test_read_settings_skips_a_pyproject_without_the_table(tmp_path):
    root = make_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert read_settings(DirTree(str(root)), None) == ({}, None)


def test_explicit_config_path_replaces_the_repository_files(tmp_path):
    root = make_tree(tmp_path / "repo", {"paasfix.toml": "build-dir = 'a'\n"})
    other = make_tree(
        tmp_path / "elsewhere",
        {"ci.toml": "build-dir = 'c'\n", "pyproject.toml": "[tool.paasfix]\nignore = 'x'\n"},
    )
    tree = DirTree(str(root))
    assert read_settings(tree, str(other / "ci.toml")) == (
        {"build-dir": "c"},
        str(other / "ci.toml"),
    )
    assert read_settings(tree, str(other / "pyproject.toml"))[0] == {"ignore": "x"}


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(PaasfixError, match="nope.toml: cannot be read: No such file"):
        read_settings(DirTree(str(tmp_path)), str(tmp_path / "nope.toml"))


# -- building the configuration --------------------------------------------------------------


def test_general_keys_and_fixer_options():
    config = build_config(
        {
            "select": ["fix-a"],
            "ignore": "fix-b",
            "unsafe-fixes": True,
            "build_dir": "src",
            "keep-procfile": True,
        },
        "paasfix.toml",
        {"keep_procfile": boolean},
        {},
    )
    assert config.select == ["fix-a"]
    assert config.ignore == ["fix-b"]
    assert config.unsafe_fixes is True
    assert config.build_dir == "src"
    assert config.options == {"keep_procfile": True}
    assert config.source == "paasfix.toml"


def test_unknown_key_is_a_one_line_error_naming_the_known_keys():
    with pytest.raises(PaasfixError) as info:
        build_config({"colour": True}, "pyproject.toml", {"keep_procfile": boolean}, {})
    message = str(info.value)
    assert message.startswith("pyproject.toml: unknown setting 'colour' (known: ")
    assert "build_dir" in message and "keep_procfile" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "key,value,expected",
    [
        ("select", [1], "item 1 must be a string, not the integer 1"),
        ("select", 3, "must be a list of strings, not the integer 3"),
        (
            "unsafe_fixes",
            "yes",
            "must be a boolean (true or false, without quotes), not the string 'yes'",
        ),
        ("build_dir", ["a"], "must be a string, not a list"),
    ],
)
def test_wrong_types_are_errors(key, value, expected):
    with pytest.raises(PaasfixError) as info:
        build_config({key: value}, "paasfix.toml", {}, {})
    assert str(info.value) == f"paasfix.toml: '{key}' {expected}"


def test_command_line_overrides_win_and_missing_ones_do_not():
    config = build_config(
        {"build-dir": "a", "ignore": ["x"], "unsafe-fixes": True, "keep-procfile": False},
        "f",
        {"keep_procfile": boolean},
        {
            "build_dir": "b",
            "ignore": None,
            "select": None,
            "unsafe_fixes": None,
            "keep_procfile": True,
        },
    )
    assert config.build_dir == "b"
    assert config.ignore == ["x"]
    assert config.select is None
    assert config.unsafe_fixes is True
    assert config.options == {"keep_procfile": True}


def test_defaults():
    config = build_config({}, None, {}, {})
    assert config == Config()


# -- through the command line ----------------------------------------------------------------


def test_cli_reads_pyproject_settings(tmp_path, capsys):
    root = make_tree(
        tmp_path, {**EVENTLET_APP, "pyproject.toml": "[tool.paasfix]\nbuild-dir = 'app'\n"}
    )
    _, report, _ = check_json(capsys, root)
    assert report["build_dir"] == "app"
    assert not pins_greenlet(report)


def test_cli_reads_paasfix_toml(tmp_path, capsys):
    root = make_tree(tmp_path, {**EVENTLET_APP, "paasfix.toml": "ignore = ['fix-greenlet-pin']\n"})
    _, report, _ = check_json(capsys, root)
    assert not pins_greenlet(report)
    root.joinpath("paasfix.toml").unlink()
    code, report, _ = check_json(capsys, root)
    assert pins_greenlet(report)
    assert code == 1


def test_cli_option_beats_the_file(tmp_path, capsys):
    root = make_tree(tmp_path, {**EVENTLET_APP, "paasfix.toml": "build-dir = 'app'\n"})
    code, report, _ = check_json(capsys, root, "--build-dir", "")
    assert report["build_dir"] == ""
    assert pins_greenlet(report)
    assert code == 1


def test_cli_select_beats_the_file(tmp_path, capsys):
    root = make_tree(tmp_path, {**EVENTLET_APP, "paasfix.toml": "select = ['fix-procfile']\n"})
    _, report, _ = check_json(capsys, root)
    assert not pins_greenlet(report)
    _, report, _ = check_json(capsys, root, "--select", "fix-greenlet-pin")
    assert [f["fixer"] for f in report["findings"]] == ["fix-greenlet-pin"]


def test_cli_unknown_setting_is_one_error_line(tmp_path, capsys):
    root = make_tree(
        tmp_path, {**EVENTLET_APP, "pyproject.toml": "[tool.paasfix]\nselct = ['fix-procfile']\n"}
    )
    code, out, err = run(capsys, "check", str(root))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("paasfix: error: pyproject.toml: unknown setting 'selct' (known: ")
    assert "Traceback" not in err


def test_cli_config_option(tmp_path, capsys):
    root = make_tree(
        tmp_path / "repo", {**EVENTLET_APP, "paasfix.toml": "ignore = ['fix-greenlet-pin']\n"}
    )
    settings = make_tree(tmp_path / "ci", {"strict.toml": "build-dir = 'app'\n"}) / "strict.toml"
    _, report, _ = check_json(capsys, root, "--config", str(settings))
    assert report["build_dir"] == "app"
    assert not pins_greenlet(report)
    _, report, _ = check_json(capsys, root, "--config", str(settings), "--build-dir", ".")
    assert report["build_dir"] == ""
    assert pins_greenlet(report)


def test_cli_missing_config_file_is_one_error_line(tmp_path, capsys):
    code, out, err = run(capsys, "check", str(tmp_path), "--config", str(tmp_path / "no.toml"))
    assert code == 2
    assert err.startswith("paasfix: error: ") and err.count("\n") == 1
    assert "no.toml" in err


def test_cli_unknown_fixer_in_the_file_is_an_error(tmp_path, capsys):
    root = make_tree(tmp_path, {**EVENTLET_APP, "paasfix.toml": "select = ['fix-nothing']\n"})
    code, _, err = run(capsys, "check", str(root))
    assert code == 2
    assert err == "paasfix: error: no fixer 'fix-nothing' (see 'paasfix fixers')\n"


def test_cli_build_dir_that_does_not_exist(tmp_path, capsys):
    root = make_tree(tmp_path, EVENTLET_APP)
    code, _, err = run(capsys, "check", str(root), "--build-dir", "nope")
    assert code == 2
    assert err == "paasfix: error: build directory 'nope' does not exist in the repository\n"


# -- every setting is checked ----------------------------------------------------------------

BAD_SETTINGS = {
    "keep-procfile = 'false'": "'keep-procfile' must be a boolean (true or false, without "
    "quotes), not the string 'false'",
    "static-root = 5": "'static-root' must be a string, not the integer 5",
    'static-root = "a\\nb"': "'static-root' must not hold control characters",
    "mirror = 5": "'mirror' must be a string, not the integer 5",
    "mirror = 'ftp://mirror.example.org/simple/'": "'mirror' must be an http(s) URL",
    "pip-version = []": "'pip-version' must be a version in quotes such as \"21.0\", not a list",
    "pip-version = 21.0": "'pip-version' must be a version in quotes",
    "pip-version = 'latest'": "'pip-version' must be a version such as \"21.0\"",
    "runtimes = [3.8]": "'runtimes' item 1 must be a string, not the number 3.8",
    'runtimes = "3.8.6\\u0000"': "'runtimes' item 1 must not hold control characters",
    "stack = 'nope'": "'stack' names an unknown stack 'nope' (known: heroku-18, heroku-24 and "
    "their aliases)",
    "select = [1]": "'select' item 1 must be a string, not the integer 1",
    "unsafe-fixes = 1": "'unsafe-fixes' must be a boolean (true or false, without quotes), "
    "not the integer 1",
    "stack = {name = 'heroku-18'}": "'stack' must be a string, not a table",
    "build-dir = '.git/hooks'": "'build-dir' must not be git's own directory .git or inside it",
    "build-dir = '/etc'": "'build-dir' must be a directory relative to the repository, not the "
    "absolute path '/etc'",
    "build-dir = 'app/../../elsewhere'": "'build-dir' must be a directory inside the repository",
    f"static-root = '{'x' * 5000}'": "'static-root' must be at most 4096 characters long",
}


@pytest.mark.parametrize("line", sorted(BAD_SETTINGS))
def test_a_bad_setting_is_one_line_naming_the_file_and_the_key(tmp_path, capsys, line):
    root = make_tree(
        tmp_path,
        {**EVENTLET_APP, ".git/hooks/pre-commit": "#!/bin/sh\n", "paasfix.toml": line + "\n"},
    )
    code, out, err = run(capsys, "check", str(root))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"paasfix: error: paasfix.toml: {BAD_SETTINGS[line]}")


def test_every_bad_setting_is_reported_not_only_the_first(tmp_path, capsys):
    """Eight bad settings in pyproject.toml: eight lines, in the file's order."""
    lines = [
        "keep-procfile = 'false'",
        "static-root = 5",
        "mirror = 5",
        "pip-version = []",
        "build-dir = '.git'",
        "colour = true",
        "runtimes = [3.8]",
        'select = "a\\tb"',
    ]
    root = make_tree(
        tmp_path, {**EVENTLET_APP, "pyproject.toml": "[tool.paasfix]\n" + "\n".join(lines) + "\n"}
    )
    code, out, err = run(capsys, "check", str(root))
    assert (code, out) == (2, "")
    keys = [line.split(" =")[0] for line in lines]
    reported = err.splitlines()
    assert len(reported) == len(keys)
    for key, message in zip(keys, reported):
        assert message.startswith(
            (
                f"paasfix: error: pyproject.toml: '{key}' ",
                f"paasfix: error: pyproject.toml: unknown setting '{key}'",
            )
        )
    assert "Traceback" not in err


def test_good_values_reach_the_fixers_as_written(tmp_path, capsys):
    settings = (
        "keep-procfile = true\nstatic-root = '/tmp/static'\npip-version = '20.3.4'\n"
        "mirror = 'https://pypi.example.corp/simple/'\nruntimes = ['3.8.6', '3.10.5']\n"
        "stack = 'heroku-18'\nbuild-dir = './app/'\nignore = 'fix-greenlet-pin'\n"
    )
    root = make_tree(tmp_path, {**EVENTLET_APP, "paasfix.toml": settings})
    from paasfix import registry

    file_settings, source = read_settings(DirTree(str(root)), None)
    config = build_config(file_settings, source, registry.option_checks(), {})
    assert config.options == {
        "keep_procfile": True,
        "static_root": "/tmp/static",
        "pip_version": "20.3.4",
        "mirror": "https://pypi.example.corp/simple/",
        "runtimes": ["3.8.6", "3.10.5"],
        "stack": "heroku-18",
    }
    assert (config.build_dir, config.ignore) == ("app", ["fix-greenlet-pin"])
    code, report, err = check_json(capsys, root)
    assert err == ""
    assert report["build_dir"] == "app"


def test_a_keep_procfile_of_false_removes_the_procfile_and_a_string_is_refused(tmp_path, capsys):
    app = {"Procfile": "web: gunicorn app:app\n", "requirements.txt": "flask\ngunicorn\n"}
    root = make_tree(tmp_path / "plain", {**app, "paasfix.toml": "keep-procfile = false\n"})
    code, out, _ = run(capsys, "fix", "--diff", str(root), "--select", "fix-procfile")
    assert code == 1
    assert "deleted file mode" in out and "a/Procfile" in out
    quoted = make_tree(tmp_path / "quoted", {**app, "paasfix.toml": "keep-procfile = 'false'\n"})
    code, out, err = run(capsys, "fix", "--diff", str(quoted), "--select", "fix-procfile")
    assert (code, out) == (2, "")
    assert "'keep-procfile' must be a boolean (true or false" in err


def test_a_fixer_may_only_check_options_it_declares():
    from paasfix.core.config import version
    from paasfix.fixer import check_fixer_class
    from paasfix.registry import get

    declared = get("fix-pip-setuptools-rust")
    assert check_fixer_class(declared) == []
    wrong = type("Wrong", (declared,), {"option_checks": {"pip": version}})
    assert any("option_checks names 'pip'" in problem for problem in check_fixer_class(wrong))


# -- the build directory ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "build_dir,message",
    [
        ("/etc", "--build-dir must be a directory inside the repository ({root}), not '/etc'"),
        (".git", "--build-dir must not be git's own directory .git or inside it: '.git'"),
        ("app/../.git/hooks", "--build-dir must not be git's own directory .git or inside it"),
        (
            "../",
            "--build-dir must be a directory inside the repository; '../' leaves the repository",
        ),
        ("{root}/.git/hooks", "--build-dir must not be git's own directory .git or inside it"),
    ],
)
def test_a_build_dir_outside_the_repository_or_in_git_is_refused(
    tmp_path, capsys, build_dir, message
):
    root = git_repo(tmp_path / "repo", EVENTLET_APP)
    real_root = str(root.resolve())
    code, out, err = run(
        capsys, "check", str(root), "--build-dir", build_dir.format(root=real_root)
    )
    assert (code, out) == (2, "")
    assert err.startswith("paasfix: error: " + message.format(root=real_root))
    assert err.count("\n") == 1


def test_an_absolute_build_dir_inside_the_repository_is_taken_relative(tmp_path, capsys):
    root = make_tree(tmp_path / "repo", EVENTLET_APP)
    _, report, err = check_json(capsys, root, "--build-dir", str(root / "app"))
    assert err == ""
    assert report["build_dir"] == "app"
    _, report, _ = check_json(capsys, root, "--build-dir", str(root))
    assert report["build_dir"] == ""


def test_an_absolute_build_dir_through_a_link_that_leaves_the_repository_is_refused(
    tmp_path, capsys
):
    outside = make_tree(tmp_path / "outside", {"requirements.txt": "flask\n"})
    root = make_tree(tmp_path / "repo", EVENTLET_APP)
    (root / "linked").symlink_to(outside)
    code, out, err = run(capsys, "check", str(root), "--build-dir", str(root / "linked"))
    assert (code, out) == (2, "")
    assert err.startswith("paasfix: error: --build-dir must be a directory inside the repository")


# -- the size of a settings file -------------------------------------------------------------


def test_config_dev_zero_is_refused_after_one_mebibyte(tmp_path, capsys):
    code, out, err = run(
        capsys, "check", str(make_tree(tmp_path, EVENTLET_APP)), "--config", "/dev/zero"
    )
    assert (code, out) == (2, "")
    assert err == (
        "paasfix: error: /dev/zero: cannot be read: larger than the 1 MiB a "
        "settings file may have\n"
    )


def test_a_settings_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not(tmp_path):
    padding = "# " + "x" * (MAX_SETTINGS_SIZE - len("build-dir = 'app'\n") - 3) + "\n"
    exact = tmp_path / "exact.toml"
    exact.write_text(padding + "build-dir = 'app'\n")
    assert exact.stat().st_size == MAX_SETTINGS_SIZE
    tree = DirTree(str(make_tree(tmp_path / "repo", EVENTLET_APP)))
    assert read_settings(tree, str(exact)) == ({"build-dir": "app"}, str(exact))
    over = tmp_path / "over.toml"
    over.write_text(padding + "build-dir = 'app'\n ")
    with pytest.raises(PaasfixError, match="over.toml: cannot be read: larger than the 1 MiB"):
        read_settings(tree, str(over))


def test_a_repository_settings_file_over_the_limit_is_refused(tmp_path, capsys):
    big = "# " + "x" * MAX_SETTINGS_SIZE + "\nbuild-dir = 'app'\n"
    root = make_tree(tmp_path, {**EVENTLET_APP, "pyproject.toml": "[tool.paasfix]\n" + big})
    code, out, err = run(capsys, "check", str(root))
    assert (code, out) == (2, "")
    assert err == (
        "paasfix: error: pyproject.toml: cannot be read: larger than the 1 MiB a "
        "settings file may have\n"
    )


def test_a_config_file_that_is_not_utf8_is_one_line(tmp_path, capsys):
    settings = tmp_path / "latin1.toml"
    settings.write_bytes("static-root = 'caf\xe9'\n".encode("latin-1"))
    code, _, err = run(
        capsys, "check", str(make_tree(tmp_path / "r", EVENTLET_APP)), "--config", str(settings)
    )
    assert code == 2
    assert err == f"paasfix: error: {settings}: cannot be read: not UTF-8 text\n"
