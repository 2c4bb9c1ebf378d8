"""The GitLab Code Quality and SARIF reports, validated against their schemas.

The schemas are vendored in ``tests/data/schemas`` (see its README). Every sample repository's
report must validate; fingerprints must stay while a problem stays; a SARIF fix applied to the
original files gives exactly what ``paasfix fix`` writes for that finding.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import jsonschema
import pytest
from helpers import SAMPLES, init_repo, paasfix, snapshot

SCHEMAS = Path(__file__).resolve().parent / "data" / "schemas"
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir() and p.name != "expected")


def _validator(name: str):
    schema = json.loads((SCHEMAS / name).read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=jsonschema.FormatChecker())


SARIF = _validator("sarif-schema-2.1.0.json")
GITLAB = _validator("gitlab-code-quality.json")


def _report(fmt: str, repo: Path, *args: str, env: Optional[dict] = None):
    run = paasfix("check", str(repo), "--format", fmt, *args, env=env)
    assert run.returncode in (0, 1), run.stderr
    assert not run.stdout.startswith("\ufeff")
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_reports_validate(name):
    gitlab = _report("gitlab", SAMPLES / name)
    GITLAB.validate(gitlab)
    sarif = _report("sarif", SAMPLES / name)
    SARIF.validate(sarif)
    expected = json.loads((SAMPLES / "expected" / f"{name}.json").read_text())
    assert sorted({issue["check_name"] for issue in gitlab}) == expected["check"]["fixers"]
    assert sorted({r["ruleId"] for r in sarif["runs"][0]["results"]}) == expected["check"]["fixers"]


def test_gitlab_issue_fields():
    issues = _report("gitlab", SAMPLES / "django-mysql")
    by_check = {issue["check_name"]: issue for issue in issues}
    mysql = by_check["fix-pkg-install-mysql-python"]
    assert mysql["severity"] == "critical"
    assert mysql["location"] == {"path": "requirements.txt", "lines": {"begin": 2}}
    assert "mysqlclient" in mysql["description"]
    assert by_check["fix-apt-buildpack-order"]["severity"] == "info"
    assert by_check["fix-apt-buildpack-order"]["location"]["lines"] == {"begin": 1}
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)


def test_gitlab_paths_are_relative_to_ci_project_dir(tmp_path):
    project = tmp_path / "project"
    init_repo(project / "services" / "api", SAMPLES / "django-mysql")
    issues = _report("gitlab", project / "services" / "api", env={"CI_PROJECT_DIR": str(project)})
    GITLAB.validate(issues)
    assert {issue["location"]["path"] for issue in issues} == {
        "services/api/requirements.txt",
        "services/api/Aptfile",
    }
    without = _report("gitlab", project / "services" / "api", env={"CI_PROJECT_DIR": None})
    assert {issue["location"]["path"] for issue in without} == {"requirements.txt", "Aptfile"}
    assert [i["fingerprint"] for i in issues] == [i["fingerprint"] for i in without]


def test_fingerprints_stay_when_lines_move_and_differ_between_problems(tmp_path):
    repo = init_repo(tmp_path / "repo", SAMPLES / "django-mysql")
    before = _report("gitlab", repo)
    requirements = repo / "requirements.txt"
    requirements.write_text("# pinned for the platform\n\n" + requirements.read_text())
    after = _report("gitlab", repo)
    assert [i["location"]["lines"]["begin"] for i in after] != [
        i["location"]["lines"]["begin"] for i in before
    ]
    assert [i["fingerprint"] for i in after] == [i["fingerprint"] for i in before]
    sarif = _report("sarif", repo)
    assert [r["partialFingerprints"]["paasfix/v1"] for r in sarif["runs"][0]["results"]] == [
        i["fingerprint"] for i in before
    ]


def test_sarif_rules_describe_the_fixers_that_ran():
    log = _report("sarif", SAMPLES / "django-mysql", "--select", "fix-aptfile-format,fix-pkg*")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "paasfix"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert sorted(rules) == ["fix-aptfile-format", "fix-pkg-install-mysql-python"]
    rule = rules["fix-pkg-install-mysql-python"]
    assert rule["defaultConfiguration"] == {"level": "error"}
    assert rule["help"]["markdown"].startswith("## What goes wrong")
    assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_help_links_need_the_docs_base_url():
    without = _report(
        "sarif",
        SAMPLES / "django-mysql",
        "--select",
        "fix-aptfile-format",
        env={"PAASFIX_DOCS_URL": None},
    )
    assert "helpUri" not in without["runs"][0]["tool"]["driver"]["rules"][0]
    base = "https://git.example.com/tools/paasfix/-/blob/main/"
    log = _report(
        "sarif",
        SAMPLES / "django-mysql",
        "--select",
        "fix-aptfile-format",
        env={"PAASFIX_DOCS_URL": base},
    )
    SARIF.validate(log)
    assert (
        log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
        == base + "docs/fixers.md#fix-aptfile-format"
    )


def _apply_sarif_fix(root: Path, fix: dict) -> dict[str, bytes]:
    """The files a SARIF fix changes, with its replacements applied to their bytes."""
    out = {}
    for change in fix["artifactChanges"]:
        path = root / change["artifactLocation"]["uri"]
        data = path.read_bytes() if path.exists() else b""
        for replacement in sorted(
            change["replacements"], key=lambda r: r["deletedRegion"]["byteOffset"], reverse=True
        ):
            region = replacement["deletedRegion"]
            inserted = replacement.get("insertedContent", {}).get("text", "").encode()
            start = region["byteOffset"]
            data = data[:start] + inserted + data[start + region["byteLength"] :]
        out[change["artifactLocation"]["uri"]] = data
    return out


@pytest.mark.parametrize(
    "name, fixer",
    [
        ("django-mysql", "fix-aptfile-format"),
        ("django-mysql", "fix-pkg-install-mysql-python"),
        ("django-celery-procfile", "fix-greenlet-pin"),
        ("django-no-procfile", "fix-procfile"),
        ("py2-setup-requires", "fix-compile-hook"),
        ("py2-setup-requires", "fix-setuptools-outdated"),
        ("blueapps-legacy-deps", "fix-pip-setuptools-rust"),
    ],
)
def test_sarif_fix_is_the_fix_paasfix_writes(name, fixer, tmp_path):
    repo = init_repo(tmp_path / "repo", SAMPLES / name)
    log = _report("sarif", repo, "--select", fixer)
    SARIF.validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == 1 and len(results[0]["fixes"]) == 1
    proposed = _apply_sarif_fix(repo, results[0]["fixes"][0])
    assert paasfix("fix", "--select", fixer, str(repo)).returncode in (0, 1)
    assert proposed == {path: (repo / path).read_bytes() for path in proposed}


def test_manual_and_unsafe_findings_carry_no_fix_unless_unsafe_fixes_are_on(tmp_path):
    settings = tmp_path / "paasfix.toml"  # instead of the sample's, which allows unsafe fixes
    settings.write_text("")
    log = _report(
        "sarif",
        SAMPLES / "py2-setup-requires",
        "--select",
        "fix-setuptools-outdated",
        "--config",
        str(settings),
    )
    assert [r.get("fixes") for r in log["runs"][0]["results"]] == [None]
    unsafe = _report(
        "sarif",
        SAMPLES / "py2-setup-requires",
        "--select",
        "fix-setuptools-outdated",
        "--config",
        str(settings),
        "--unsafe-fixes",
    )
    (fix,) = unsafe["runs"][0]["results"][0]["fixes"]
    assert fix["description"]["text"].startswith("paasfix fix --unsafe-fixes --select")
    manual = _report("sarif", SAMPLES / "django-mysql", "--select", "fix-apt-buildpack-order")
    assert [r.get("fixes") for r in manual["runs"][0]["results"]] == [None]


def test_a_clean_repository_gives_empty_reports():
    assert _report("gitlab", SAMPLES / "clean-app") == []
    log = _report("sarif", SAMPLES / "clean-app")
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_check_with_a_sarif_report_leaves_the_repository_alone(tmp_path):
    repo = init_repo(tmp_path / "repo", SAMPLES / "django-mysql")
    before = snapshot(repo)
    _report("sarif", repo)
    assert snapshot(repo) == before
