"""Configuration (paasfix.config) and how the command line reads it: ``[tool.paasfix]`` in
pyproject.toml, ``paasfix.toml``, ``--config PATH``; the command line wins."""

from __future__ import annotations

import json

import pytest

from helpers import make_tree
from paasfix.cli import main
from paasfix.config import (MAX_SETTINGS_SIZE, Config, boolean, build_config, read_settings,
                            settings_from_text)
from paasfix.errors import PaasfixError
from paasfix.tree import DirTree

EVENTLET_APP = {"requirements.txt": "eventlet==0.31.0\n",
                "app/requirements.txt": "flask\n"}


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
        "select": ["fix-procfile"]}


def test_pyproject_without_a_paasfix_table_has_no_settings():
    assert settings_from_text("pyproject.toml", "[tool.black]\nline-length = 99\n", "p") is None
    assert settings_from_text("pyproject.toml", "", "p") is None


def test_paasfix_toml_top_level_or_tool_table():
    assert settings_from_text("paasfix.toml", "build-dir = 'app'\n", "paasfix.toml") == {
        "build-dir": "app"}
    assert settings_from_text("paasfix.toml", "[tool.paasfix]\nbuild-dir = 'app'\n",
                              "paasfix.toml") == {"build-dir": "app"}


def test_invalid_toml_is_one_line_error():
    with pytest.raises(PaasfixError) as info:
        settings_from_text("paasfix.toml", "select = [\n", "paasfix.toml")
    message = str(info.value)
    assert message.startswith("paasfix.toml: not valid TOML:")
    assert "\n" not in message


def test_read_settings_prefers_paasfix_toml(tmp_path):
    root = make_tree(tmp_path, {"paasfix.toml": "build-dir = 'a'\n",
                                "pyproject.toml": "[tool.paasfix]\nbuild-dir = 'b'\n"})
    assert read_settings(DirTree(str(root)), None) == ({"build-dir": "a"}, "paasfix.toml")


def test_read_settings_falls_back_to_pyproject(tmp_path):
    root = make_tree(tmp_path, {"pyproject.toml": "[tool.paasfix]\nbuild-dir = 'b'\n"})
    assert read_settings(DirTree(str(root)), None) == ({"build-dir": "b"}, "pyproject.toml")


def test_read_settings_skips_a_pyproject_without_the_table(tmp_path):
    root = make_tree(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert read_settings(DirTree(str(root)), None) == ({}, None)


def test_explicit_config_path_replaces_the_repository_files(tmp_path):
    root = make_tree(tmp_path / "repo", {"paasfix.toml": "build-dir = 'a'\n"})
    other = make_tree(tmp_path / "elsewhere", {"ci.toml": "build-dir = 'c'\n",
                                               "pyproject.toml": "[tool.paasfix]\nignore = 'x'\n"})
    tree = DirTree(str(root))
    assert read_settings(tree, str(other / "ci.toml")) == ({"build-dir": "c"}, str(other / "ci.toml"))
    assert read_settings(tree, str(other / "pyproject.toml"))[0] == {"ignore": "x"}


def test_missing_explicit_config_is_an_error(tmp_path):
    with pytest.raises(PaasfixError, match="nope.toml: cannot be read: No such file"):
        read_settings(DirTree(str(tmp_path)), str(tmp_path / "nope.toml"))


# -- building the configuration --------------------------------------------------------------

def test_general_keys_and_fixer_options():
    config = build_config({"select": ["fix-a"], "ignore": "fix-b", "unsafe-fixes": True,
                           "build_dir": "src", "keep-procfile": True},
                          "paasfix.toml", {"keep_procfile": boolean}, {})
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


@pytest.mark.parametrize("key,value,expected", [
    ("select", [1], "item 1 must be a string, not the integer 1"),
    ("select", 3, "must be a list of strings, not the integer 3"),
    ("unsafe_fixes", "yes", "must be true or false (without quotes), not the string 'yes'"),
    ("build_dir", ["a"], "must be a string, not a list")])
def test_wrong_types_are_errors(key, value, expected):
    with pytest.raises(PaasfixError) as info:
        build_config({key: value}, "paasfix.toml", {}, {})
    assert str(info.value) == f"paasfix.toml: '{key}' {expected}"


def test_command_line_overrides_win_and_missing_ones_do_not():
    config = build_config({"build-dir": "a", "ignore": ["x"], "unsafe-fixes": True,
                           "keep-procfile": False}, "f", {"keep_procfile": boolean},
                          {"build_dir": "b", "ignore": None, "select": None,
                           "unsafe_fixes": None, "keep_procfile": True})
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
    root = make_tree(tmp_path, {**EVENTLET_APP,
                                "pyproject.toml": "[tool.paasfix]\nbuild-dir = 'app'\n"})
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
    root = make_tree(tmp_path, {**EVENTLET_APP,
                                "pyproject.toml": "[tool.paasfix]\nselct = ['fix-procfile']\n"})
    code, out, err = run(capsys, "check", str(root))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("paasfix: error: pyproject.toml: unknown setting 'selct' (known: ")
    assert "Traceback" not in err


def test_cli_config_option(tmp_path, capsys):
    root = make_tree(tmp_path / "repo", {**EVENTLET_APP,
                                         "paasfix.toml": "ignore = ['fix-greenlet-pin']\n"})
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
