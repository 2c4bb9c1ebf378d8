"""Start-up: each command loads only what it uses (``check`` runs in pre-commit hooks and CI)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import SAMPLES, paasfix
from test_plugins import PLUGIN, _dist_info, _package

HEAVY = (
    "jsonschema",
    "multiprocessing",
    "concurrent.futures",
    "gzip",
    "paasfix.diagnosis.diagnose",
    "paasfix.diagnosis.logscan",
    "paasfix.interactive",
    "paasfix.docs",
    "paasfix.sinks.sarif",
    "paasfix.sinks.gitlab",
    "paasfix.sinks.diff",
    "paasfix.sinks.write",
    "paasfix.sinks.commit",
)


def _loaded(*args: str) -> set[str]:
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['paasfix', *{list(args)!r}]\n"
        "try:\n    runpy.run_module('paasfix', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return set(run.stderr.split())


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_check_loads_no_diagnosis_and_no_other_sink(fmt):
    loaded = _loaded("check", str(SAMPLES / "django-mysql"), "--format", fmt)
    assert "paasfix.sinks.report" in loaded
    assert sorted(loaded & set(HEAVY)) == []


def test_a_gitlab_report_loads_only_its_sink():
    loaded = _loaded("check", str(SAMPLES / "django-mysql"), "--format", "gitlab")
    assert sorted(loaded & set(HEAVY)) == ["paasfix.sinks.gitlab"]


def test_diagnose_loads_its_scanner_but_no_sink_and_no_process_pool_for_a_small_log():
    log = SAMPLES.parent / "tests" / "data" / "logs" / "greenlet-gcc.log"
    loaded = _loaded("diagnose", str(log))
    assert sorted(loaded & set(HEAVY)) == [
        "paasfix.diagnosis.diagnose",
        "paasfix.diagnosis.logscan",
    ]


def test_check_of_a_small_app_loads_no_editing_or_setup_py_machinery():
    """clean-app has no setup.py and nothing to fix: the setup.py analysis, LibCST, ruamel.yaml
    (used to edit YAML), packaging and GitPython stay unloaded."""
    loaded = _loaded("check", str(SAMPLES / "clean-app"))
    assert "paasfix.sinks.report" in loaded
    lazy = {"paasfix.buildpack.setuppy", "libcst", "ruamel.yaml", "packaging", "git"}
    assert sorted(loaded & lazy) == []


def test_check_with_a_procfile_read_as_written_does_not_load_the_quoting():
    """django-celery-procfile has a Procfile that YAML reads as written: the Procfile quoting
    is not needed to say so."""
    loaded = _loaded("check", str(SAMPLES / "django-celery-procfile"))
    assert "paasfix.sinks.report" in loaded
    assert "paasfix.platform.procfile_quoting" not in loaded


def test_check_compiles_no_log_pattern():
    """The fixers' log patterns are compiled by the commands that read a log, not at every
    start."""
    code = (
        "import re, runpy, sys\n"
        "compiled = set()\n"
        "_compile = re.compile\n"
        "def compile(pattern, flags=0):\n"
        "    compiled.add(pattern)\n"
        "    return _compile(pattern, flags)\n"
        "re.compile = compile\n"
        f"sys.argv = ['paasfix', 'check', {str(SAMPLES / 'django-mysql')!r}]\n"
        "try:\n    runpy.run_module('paasfix', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "from paasfix import registry\n"
        "patterns = {p for cls in registry.all_fixers() for p in cls.log_patterns}\n"
        "print(len(patterns), len(patterns & compiled), file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    declared, compiled = run.stderr.split()[-2:]
    assert int(declared) > 50
    assert compiled == "0"


def test_a_log_pattern_that_does_not_compile_is_reported_when_a_log_is_read(tmp_path):
    site = tmp_path / "site"
    env = {"PYTHONPATH": str(site)}
    _package(
        site,
        PLUGIN.replace(
            "    examples = (", '    log_patterns = ("(unclosed",)\n    examples = (', 1
        ),
    )
    _dist_info(site)
    check = paasfix(
        "check", "--select", "fix-company-readme", str(SAMPLES / "django-mysql"), env=env
    )
    assert check.returncode == 1, check.stderr
    log = tmp_path / "build.log"
    log.write_text("Collecting django\n")
    diagnosed = paasfix("diagnose", str(log), env=env)
    assert diagnosed.returncode == 2
    assert "company_rules.CompanyReadme is invalid" in diagnosed.stderr
    assert "log pattern '(unclosed' does not compile" in diagnosed.stderr
