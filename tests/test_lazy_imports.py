"""Start-up: each command loads only what it uses (``check`` runs in pre-commit hooks and CI)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import SAMPLES

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
