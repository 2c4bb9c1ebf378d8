"""``paasfix diagnose``: the log corpus, the platform's documented messages, and the command.

The corpus in ``tests/data/logs`` (see its README) is diagnosed to exactly the expected fixers;
the unrelated failing logs match nothing. The messages the platform and its buildpacks print,
old and current wording, each point to their fixer.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from helpers import paasfix

from paasfix import registry
from paasfix.diagnosis.diagnose import diagnose

LOGS = Path(__file__).resolve().parent / "data" / "logs"
EXPECTED = json.loads((LOGS / "expected.json").read_text())


def test_the_corpus_is_large_and_has_unrelated_logs():
    assert len(EXPECTED) >= 30
    unrelated = [name for name, fixers in EXPECTED.items() if not fixers]
    assert len(unrelated) >= 4
    assert sorted(EXPECTED) == sorted(
        p.name for p in LOGS.iterdir() if p.name not in ("expected.json", "README.md")
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_log_is_diagnosed_to_its_fixers(name):
    found = diagnose(str(LOGS / name), registry.all_fixers())
    assert sorted(found.fixer_ids) == EXPECTED[name]
    for match in found.matches:
        assert match.hits and all(hit.line >= 1 and hit.text for hit in match.hits)
        assert "\x1b" not in "".join(hit.text for hit in match.hits)


def test_every_builtin_fixer_with_log_patterns_is_in_the_corpus():
    diagnosed = {fixer for fixers in EXPECTED.values() for fixer in fixers}
    builtin = [
        cls
        for cls in registry.all_fixers()
        if cls.__module__.startswith("paasfix.fixers.") and cls.log_patterns
    ]
    assert [cls.id for cls in builtin if cls.id not in diagnosed] == []


# The platform's messages, quoted from PLATFORM.md and the buildpacks; each line alone must
# point to the fixer (it may point to others as well).
MESSAGES = [
    # §1.7 / §2.4: process definitions, paas@1.5 and paas@main
    ("Procfile error: Can not read Procfile file from repository", "fix-procfile"),
    ("Can not read Procfile file from repository", "fix-procfile"),
    ("Missing process definition", "fix-procfile"),
    (
        "步骤 [解析应用进程信息] 出错了，原因：[app_desc] Failed to read the app description file in "
        "app directory, file not found, tried: ['app_desc.yaml', 'app_desc.yml']; [Procfile] Failed "
        "to read the Procfile file in app directory, file not found, tried: ['Procfile']。",
        "fix-procfile",
    ),
    (
        "Error in step [Parse app process], reason: [app_desc] Failed to read the app description "
        "file in app directory, file not found, tried: ['app_desc.yaml']; [Procfile] Failed to read "
        "the Procfile file in app directory, file not found, tried: ['Procfile'].",
        "fix-procfile",
    ),
    ('解析应用进程信息出错了，原因：the file "Procfile" does not exists', "fix-procfile"),
    (
        'Failed to parse application process information, reason: the file "Procfile" does not '
        "exist",
        "fix-procfile",
    ),
    ('file "Procfile"\'s format is not YAML', "fix-procfile-yaml"),
    ('file "Procfile" must be dict type', "fix-procfile-yaml"),
    ("Invalid proc type: Web, must match pattern ^[a-z0-9]([-a-z0-9])*$", "fix-procfile"),
    (
        "The number of processes exceeded: maximum 16 processes per module, but got 17",
        "fix-procfile",
    ),
    ('file "app_desc.yaml"\'s format is not YAML', "fix-app-desc"),
    ('file "app.yaml"\'s format is not YAML', "fix-app-desc"),
    ('file "app_desc.yaml" must be dict type', "fix-app-desc"),
    (
        "应用描述文件解析异常: No spec version is specified, please set the spec version",
        "fix-app-desc",
    ),
    # §2.3: process definitions that disagree
    (
        "Process definitions conflict between Procfile and app description file. Please remove the "
        "Procfile to resolve this conflict.",
        "fix-process-conflict",
    ),
    (
        "Warning: Process definition conflict, will use the one defined in `Procfile`",
        "fix-process-conflict",
    ),
    # §2.5: the smart advisor's patterns
    ("OSError: mysql_config not found", "fix-pkg-install-mysql-python"),
    ("/bin/sh: 1: mysql_config: not found", "fix-pkg-install-mysql-python"),
    ("Exception: Can not find valid pkg-config name.", "fix-pkg-install-mysql-python"),
    ("Unable to select a buildpack", "fix-unable-select-buildpack"),
    (
        " !     Error while running '$ python manage.py collectstatic --noinput'.",
        "fix-py-collect-static",
    ),
    (
        "Requested runtime (python-3.6.2) is not available for this stack (heroku-18).",
        "fix-py-runtime-error",
    ),
    ("polling release's status taking too long to complete", "fix-release-polling-timeout"),
    (
        "Release aborted, reason: instance restarted more than 3 times",
        "fix-release-polling-timeout",
    ),
    ("Release aborted, reason: release took too long to complete", "fix-release-polling-timeout"),
    (
        "ERROR: No matching distribution found for blueking.component.ieod==0.1.12",
        "fix-python-package-with-dot",
    ),
    ("No matching distribution found for bkapigw.paas-cc==1.0.1", "fix-python-package-with-dot"),
    ("ModuleNotFoundError: No module named 'setuptools_rust'", "fix-pip-setuptools-rust"),
    ("ImportError: No module named setuptools_rust", "fix-pip-setuptools-rust"),
    # §4.2-4.6: the Python buildpack, v213 and v285
    (
        " !     Error: Couldn't find any supported Python package manager files.",
        "fix-unable-select-buildpack",
    ),
    (" !     Error: The requested Python version has reached end-of-life.", "fix-py-runtime-error"),
    (" !     Error: Invalid Python version in runtime.txt.", "fix-py-runtime-error"),
    (" !     Error: Unable to generate Django static files.", "fix-py-collect-static"),
    (" !     Error: Failed to run the bin/pre_compile script.", "fix-compile-hook"),
    ("/usr/bin/env: 'bash\\r': No such file or directory", "fix-compile-hook"),
    # the FAQ's pip failures
    (
        "setuptools_scm.version.SetuptoolsOutdatedWarning: your setuptools is too old (<12)",
        "fix-setuptools-outdated",
    ),
    (
        "Download error on https://pypi.org/simple/setuptools_scm/: [Errno 101] Network is "
        "unreachable -- Some packages may not be found!",
        "fix-setup-requires-index",
    ),
    ("  ERROR: Failed building wheel for greenlet", "fix-greenlet-pin"),
    ("    Running setup.py install for greenlet ... error", "fix-greenlet-pin"),
    ("    Running setup.py install for greenlet: finished with status 'error'", "fix-greenlet-pin"),
    (
        "    gcc -pthread -fPIC -c src/greenlet/greenlet.cpp -o build/greenlet.o\n"
        "    gcc: error trying to exec 'cc1plus': execvp: No such file or directory\n"
        "    error: command 'gcc' failed with exit status 1",
        "fix-greenlet-pin",
    ),
    # §5: apt
    ("       E: Unable to locate package #", "fix-aptfile-format"),
    ("-----> Fetching .debs for # TLS for the MySQL client", "fix-aptfile-format"),
]


@pytest.mark.parametrize("message, fixer", MESSAGES, ids=[f"{f}: {m[:40]}" for m, f in MESSAGES])
def test_documented_message_points_to_its_fixer(message, fixer, tmp_path):
    log = tmp_path / "build.log"
    log.write_text(f"-----> Building\n{message}\n-----> Done\n", encoding="utf-8")
    assert fixer in diagnose(str(log), registry.all_fixers()).fixer_ids


# --- the command --------------------------------------------------------------------------


def test_a_matching_log_exits_0_and_shows_the_fixer_its_lines_and_the_explanation():
    run = paasfix("diagnose", str(LOGS / "runtime-not-available.log"))
    assert run.returncode == 0, run.stderr
    assert "fix-py-runtime-error" in run.stdout
    assert (
        "line 10: [2024-03-12 10:21:14]  !     Requested runtime (python-3.6.2) is not "
        "available for this stack (heroku-18).\n" in run.stdout
    )
    assert "What goes wrong" in run.stdout and "The fix" in run.stdout
    assert "paasfix explain fix-py-runtime-error" in run.stdout
    assert "\x1b" not in run.stdout


def test_a_log_that_matches_nothing_says_so_and_exits_1():
    run = paasfix("diagnose", str(LOGS / "unrelated-npm.log"))
    assert run.returncode == 1
    assert "no fixer recognises this log" in run.stdout


def test_reads_standard_input():
    log = (LOGS / "setuptools-outdated.log").read_text()
    run = paasfix("diagnose", "-", "--format", "json", input=log)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["log"] == "-"
    assert [m["fixer"] for m in data["matches"]] == ["fix-setuptools-outdated"]


def test_reads_a_gzip_log_from_standard_input(tmp_path):
    data = gzip.compress((LOGS / "package-with-dot.log").read_bytes())
    run = paasfix("diagnose", "-", "--format", "json", input=data)
    assert run.returncode == 0, run.stderr
    assert [m["fixer"] for m in json.loads(run.stdout)["matches"]] == [
        "fix-python-package-with-dot"
    ]


def test_json_report():
    run = paasfix(
        "diagnose", str(LOGS / "mysql-config-not-found.log"), "--format", "json", "--lines", "1"
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["version"] == 1 and data["lines"] == 45
    mysql = next(m for m in data["matches"] if m["fixer"] == "fix-pkg-install-mysql-python")
    assert set(mysql) == {
        "fixer",
        "title",
        "severity",
        "safety",
        "docs",
        "lines",
        "more",
        "explanation",
    }
    assert mysql["docs"] == "docs/fixers.md#fix-pkg-install-mysql-python"
    assert len(mysql["lines"]) == 1 and mysql["more"] is True
    assert mysql["lines"][0]["line"] == 33
    assert mysql["lines"][0]["text"].endswith("/bin/sh: 1: mysql_config: not found")
    assert "## What goes wrong" in mysql["explanation"]


@pytest.mark.parametrize(
    "args", [["--diff"], ["--commit"], ["--unsafe-fixes"], ["--build-dir", "src"], ["-i"]]
)
def test_fix_options_need_fix(args):
    run = paasfix("diagnose", str(LOGS / "runtime-not-available.log"), *args)
    assert run.returncode == 2
    assert "goes with --fix PATH" in run.stderr


def test_interactive_fix_needs_the_log_as_a_file(tmp_path):
    run = paasfix("diagnose", "-", "--fix", str(tmp_path), "-i", input="x\n")
    assert run.returncode == 2
    assert "give the log as a file" in run.stderr


def test_a_missing_log_is_an_error():
    run = paasfix("diagnose", "no-such.log")
    assert run.returncode == 2
    assert "no-such.log" in run.stderr and "Traceback" not in run.stderr
