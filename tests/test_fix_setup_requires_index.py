"""fix-setup-requires-index: the hook it writes is real bash that writes a real easy_install
configuration, on the build machine, and only there."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import make_tree

from paasfix.core.config import Config
from paasfix.core.tree import EXEC_MODE, DirTree
from paasfix.fixer import MANUAL
from paasfix.fixers.setup_requires_index import DEFAULT_MIRROR, FixSetupRequiresIndex
from paasfix.runner import Runner

SETUP_PY = "from setuptools import setup\nsetup(name='shop', setup_requires=['setuptools_scm'])\n"
BASH = shutil.which("bash")
pytestmark = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def fixed_hook(tmp_path: Path, files: dict, options=None) -> tuple[str, bytes, int]:
    """Fix a repository made of ``files``; (hook path, its new bytes, its mode)."""
    root = make_tree(tmp_path / "repo", {"setup.py": SETUP_PY, **files})
    result = Runner([FixSetupRequiresIndex], Config(options=options or {})).fix(DirTree(str(root)))
    assert result.errors == []
    (change,) = [c for c in result.changes if c.path.startswith("bin/")]
    return change.path, change.new, change.new_mode


def run_hook(
    tmp_path: Path, script: bytes, env_extra: dict
) -> tuple[subprocess.CompletedProcess, Path]:
    """Run the hook with bash in an empty home, as the build would; the home it wrote to."""
    home = tmp_path / "build-home"
    home.mkdir()
    hook = tmp_path / "hook"
    hook.write_bytes(script)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), **env_extra}
    done = subprocess.run(
        [BASH, str(hook)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=30,
        check=False,
    )
    return done, home


def index_url(home: Path) -> str:
    config = configparser.ConfigParser()
    assert config.read(home / ".pydistutils.cfg") == [str(home / ".pydistutils.cfg")]
    return config["easy_install"]["index_url"]


def test_new_hook_uses_pip_index_url_when_the_build_sets_it(tmp_path):
    path, script, mode = fixed_hook(tmp_path, {})
    assert (path, mode) == ("bin/pre-compile", EXEC_MODE)
    done, home = run_hook(
        tmp_path, script, {"PIP_INDEX_URL": "https://bkrepo.example/pypi/simple/"}
    )
    assert done.returncode == 0, done.stderr
    assert index_url(home) == "https://bkrepo.example/pypi/simple/"
    assert sorted(p.name for p in home.iterdir()) == [".pydistutils.cfg"]


@pytest.mark.parametrize("env", [{}, {"PIP_INDEX_URL": ""}])
def test_new_hook_falls_back_to_the_mirror(tmp_path, env):
    _, script, _ = fixed_hook(tmp_path, {})
    done, home = run_hook(tmp_path, script, env)
    assert done.returncode == 0, done.stderr
    assert index_url(home) == DEFAULT_MIRROR


def test_configured_mirror_is_the_fallback(tmp_path):
    mirror = "https://pypi.example.corp/simple/?x=1&y=%20"
    _, script, _ = fixed_hook(tmp_path, {}, {"mirror": mirror})
    done, home = run_hook(tmp_path, script, {})
    assert done.returncode == 0, done.stderr
    assert index_url(home) == mirror


def test_block_runs_in_a_strict_existing_hook_before_its_early_exit(tmp_path):
    existing = '#!/bin/bash\nset -euo pipefail\n\necho "hook ran"\nexit 0\necho never\n'
    path, script, mode = fixed_hook(tmp_path, {"bin/pre_compile": existing})
    assert (path, mode) == ("bin/pre_compile", EXEC_MODE)
    assert script.decode().endswith('echo "hook ran"\nexit 0\necho never\n')
    done, home = run_hook(tmp_path, script, {})
    assert done.returncode == 0, done.stderr
    assert done.stdout == "hook ran\n"
    assert index_url(home) == DEFAULT_MIRROR


def test_shell_syntax_is_valid(tmp_path):
    _, script, _ = fixed_hook(tmp_path, {})
    hook = tmp_path / "syntax-check"
    hook.write_bytes(script)
    checked = subprocess.run([BASH, "-n", str(hook)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_fixing_never_writes_the_home_of_the_person_running_it(tmp_path):
    home = Path(os.environ["HOME"])
    before = sorted(p.name for p in home.iterdir()) if home.exists() else []
    fixed_hook(tmp_path, {})
    assert not (home / ".pydistutils.cfg").exists()
    assert (sorted(p.name for p in home.iterdir()) if home.exists() else []) == before


@pytest.mark.parametrize(
    "mirror",
    [
        "https://x.example/simple/ --evil",
        "http://a/$(id)",
        'https://a/"b',
        "ftp://mirror.example/",
        42,
    ],
)
def test_a_mirror_that_is_not_a_plain_url_is_not_written_into_the_script(tmp_path, mirror):
    root = make_tree(tmp_path / "repo", {"setup.py": SETUP_PY})
    runner = Runner([FixSetupRequiresIndex], Config(options={"mirror": mirror}))
    findings = runner.check(DirTree(str(root))).findings
    assert [f.safety for f in findings] == [MANUAL]
    assert "'mirror' setting" in findings[0].message
    assert runner.fix(DirTree(str(root))).changes == []


def test_percent_in_pip_index_url_survives_the_config_reader(tmp_path):
    _, script, _ = fixed_hook(tmp_path, {})
    url = "https://build%40site:p%25ss@bkrepo.example/pypi/simple/"
    done, home = run_hook(tmp_path, script, {"PIP_INDEX_URL": url})
    assert done.returncode == 0, done.stderr
    assert index_url(home) == url


def test_fix_commit_records_the_new_hook_as_executable(tmp_path):
    from helpers import SAMPLES, git, init_repo, paasfix

    repo = init_repo(tmp_path / "app", SAMPLES / "py2-setup-requires")
    head = git(repo, "rev-parse", "HEAD").strip()
    done = paasfix("fix", "--commit", str(repo))
    assert done.returncode == 0, done.stderr
    assert git(repo, "ls-tree", head, "bin/pre-compile") == ""
    entry = git(repo, "ls-tree", "paasfix/autofix", "bin/pre-compile")
    assert entry.startswith("100755 blob "), entry
    post = git(repo, "ls-tree", "paasfix/autofix", "bin/post_compile")
    assert post.startswith("100644 blob "), post
    script = git(repo, "show", "paasfix/autofix:bin/pre-compile")
    assert script.startswith("#!/usr/bin/env bash\nset -e\n")
    assert git(repo, "show", "paasfix/autofix:runtime.txt") == "python-3.10.5\n"
    assert not (repo / "bin" / "pre-compile").exists()
