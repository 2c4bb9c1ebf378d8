"""``paasfix fleet`` over fifty repositories of a local forge, some of them failing: one JSON
result each, written as it goes; a resumed run skips the finished ones, ``--failed`` re-runs
only the failures, and shards partition the list."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bot_support import TOKEN
from helpers import GIT_IDENTITY, SAMPLES, commit_all, git, init_repo

from paasfix.bot.fleet import (
    Progress,
    Target,
    _Connections,
    fleet_url,
    in_shard,
    parse_shard,
    read_list,
    read_results,
    run_one,
    still_to_do,
    targets,
)
from paasfix.bot.run import BotOptions, Outcome, RepoResult
from paasfix.core.errors import PaasfixError
from paasfix.forge.base import Forge

gitlab_only = pytest.mark.parametrize("scene", ["gitlab"], indirect=True)
CI_TEMPLATE = Path(__file__).resolve().parents[2] / "ci" / "paasfix-fleet.gitlab-ci.yml"

SAMPLES_AND_OUTCOMES = {
    "django-celery-procfile": "created",
    "django-mysql": "created",
    "flask-app": "created",
    "clean-app": "clean",
}
MISSING = "fleet/gone"
REJECTING = "fleet/frozen"
EMPTY = "fleet/empty"
OPTED_OUT = "fleet/quiet"


def build_fleet(scene, count: int = 50) -> dict[str, str]:
    """``count`` projects: mostly sample apps, plus one that is missing, one whose pushes are
    rejected, one whose default branch has no commits, and one with the opt-out label.
    Returns path -> expected outcome of a first run."""
    seeds = {}
    for sample in SAMPLES_AND_OUTCOMES:
        seeds[sample] = init_repo(scene.tmp / "seeds" / sample, SAMPLES / sample)
    expected = {MISSING: "error", REJECTING: "error", EMPTY: "clean", OPTED_OUT: "opted-out"}
    names = list(SAMPLES_AND_OUTCOMES)
    for index in range(count - len(expected)):
        sample = names[index % len(names)]
        path = f"fleet/app-{index:02d}"
        scene.publish(seeds[sample], path)
        expected[path] = SAMPLES_AND_OUTCOMES[sample]
    scene.publish(seeds["django-celery-procfile"], REJECTING)
    hook = scene.bare(REJECTING) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    scene.publish(seeds["clean-app"], OPTED_OUT, labels=["paasfix-ignore"])
    scene.bare(EMPTY).parent.mkdir(parents=True, exist_ok=True)
    git(scene.tmp, "init", "-q", "--bare", str(scene.bare(EMPTY)))
    scene.api.add_project(EMPTY)
    return expected


def fleet(scene, results: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """The real command; returns it and the result lines it added to ``results``."""
    before = results.read_text().splitlines() if results.exists() else []
    command = scene.cli("fleet", "--jobs", "8", "--results", str(results), *args)
    lines = results.read_text().splitlines()
    scene.outputs.append("\n".join(lines))
    added = lines[len(before) :] if args and args[0] in ("--resume", "--failed") else lines
    return command, [json.loads(line) for line in added]


def by_target(records: list[dict]) -> dict[str, dict]:
    found = {}
    for record in records:
        assert record["target"] not in found, f"two results for {record['target']}"
        found[record["target"]] = record
    return found


def projects_asked_about(scene, since: int) -> set[str]:
    """The projects (by path) whose API the bot used after the first ``since`` calls."""
    ids = {str(p.id): p.path for p in scene.api.projects.values()}
    asked = set()
    for _, path in scene.api.calls[since:]:
        ident = path.split("/")[4]
        asked.add(ids.get(ident, ident.replace("%2F", "/")))
    return asked


@gitlab_only
def test_fifty_repositories_one_result_each_then_failed_then_resume(scene):
    expected = build_fleet(scene)
    entries = sorted(expected)
    url_entry = f"{scene.server.url}/{entries[0]}.git"
    listing = scene.tmp / "fleet.txt"
    listing.write_text(
        "# the fleet\n\n"
        + "\n".join([url_entry, *entries[1:]])
        + f"\n{entries[1]}  # listed twice\n"
    )
    results = scene.tmp / "results.jsonl"
    scene.api.fail("list merge requests", 429, times=3, headers={"Retry-After": "0"})

    command, records = fleet(scene, results, "--repos", str(listing))

    assert command.returncode == 2, command.stderr
    found = by_target(records)
    assert sorted(found) == sorted([url_entry, *entries[1:]])
    for key, record in found.items():
        path = entries[0] if key == url_entry else key
        assert record["outcome"] == expected[path], record
        if record["outcome"] == "created":
            [mr] = scene.merge_requests(path)
            assert record["merge_request"] == mr["web_url"] and record["error"] is None
    assert "404" in found[MISSING]["error"]
    assert "pre-receive hook declined" in found[REJECTING]["error"]
    assert found[EMPTY]["message"] == "the default branch has no commits"
    assert sum(line.endswith(" 429") for line in scene.server.request_lines) == 3
    progress = command.stderr.splitlines()
    assert [line.split("]")[0] for line in progress[:-1]] == [f"[{n}/50" for n in range(1, 51)]
    assert progress[-1].startswith("paasfix fleet: 50 of 50 repositories: ")
    assert ", 2 error, 1 opted-out" in progress[-1]

    # A repository added to the list, and the push hook removed: --failed runs only failures.
    scene.publish(init_repo(scene.tmp / "late", SAMPLES / "flask-app"), "fleet/late")
    with listing.open("a") as stream:
        stream.write("fleet/late\n")
    (scene.bare(REJECTING) / "hooks" / "pre-receive").unlink()
    calls = len(scene.api.calls)

    command, records = fleet(scene, results, "--failed", "--repos", str(listing))

    assert command.returncode == 2, command.stderr
    assert {r["target"]: r["outcome"] for r in records} == {MISSING: "error", REJECTING: "created"}
    assert projects_asked_about(scene, calls) == {MISSING, REJECTING}

    # --resume: the new repository and the one still failing; nothing that is finished.
    scene.add_repo(MISSING)
    calls = len(scene.api.calls)

    command, records = fleet(scene, results, "--resume", "--repos", str(listing))

    assert command.returncode == 0, command.stderr
    assert {r["target"]: r["outcome"] for r in records} == {
        MISSING: "created",
        "fleet/late": "created",
    }
    assert projects_asked_about(scene, calls) == {MISSING, "fleet/late"}
    final = read_results(str(results))
    assert len(final) == 51 and not [k for k, r in final.items() if r["outcome"] == "error"]

    command, records = fleet(scene, results, "--resume", "--repos", str(listing))
    assert command.returncode == 0 and records == []
    assert "paasfix fleet: 0 of 0 repositories" in command.stderr


@gitlab_only
def test_a_shard_of_a_group_dry_run_writes_nothing(scene):
    paths = [f"fleet/app-{index:02d}" for index in range(12)]
    seed = init_repo(scene.tmp / "seed", SAMPLES / "django-celery-procfile")
    for path in paths:
        scene.publish(seed, path)
    chosen = [p for p in paths if in_shard(Target(p, p), (2, 3))]
    results = scene.tmp / "shard.jsonl"

    command, records = fleet(scene, results, "--group", "fleet", "--shard", "2/3", "--dry-run")

    assert command.returncode == 0, command.stderr
    assert sorted(r["target"] for r in records) == sorted(chosen)
    assert all(r["outcome"] == "created" and r["dry_run"] and r["diff"] for r in records)
    assert not [call for call in scene.api.calls if call[0] != "GET"]
    assert not any("git-receive-pack" in line for line in scene.server.request_lines)


@gitlab_only
def test_the_gitlab_ci_template_runs_its_shard_and_a_retry_resumes(scene):
    config = yaml.safe_load(CI_TEMPLATE.read_text())
    job = config["paasfix-fleet"]
    total = job["parallel"]
    assert total >= 2 and {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert job["artifacts"]["when"] == "always" and job["allow_failure"] == {"exit_codes": [1]}
    assert job["artifacts"]["paths"] == job["cache"]["paths"] == ["paasfix-results-*.jsonl"]
    paths = [f"fleet/app-{index:02d}" for index in range(10)]
    seed = init_repo(scene.tmp / "seed", SAMPLES / "django-celery-procfile")
    for path in paths:
        scene.publish(seed, path)
    work = scene.tmp / "fleet-project"
    work.mkdir()
    (work / "fleet.txt").write_text("# our apps\n" + "\n".join(paths) + "\n")
    env = {
        **os.environ,
        **GIT_IDENTITY,
        **config["variables"],
        "CI_NODE_INDEX": "2",
        "CI_NODE_TOTAL": str(total),
        "CI_SERVER_URL": scene.server.url,
        "PAASFIX_GITLAB_TOKEN": TOKEN,
        "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"],
    }
    env.update(
        {
            name: value.replace("$CI_NODE_INDEX", env["CI_NODE_INDEX"])
            for name, value in job["variables"].items()
        }
    )
    [script] = job["script"]
    results = work / "paasfix-results-2.jsonl"

    def run_job() -> list[dict]:
        job_run = subprocess.run(
            ["sh", "-ec", script], cwd=work, env=env, capture_output=True, text=True, check=False
        )
        scene.outputs += [job_run.stdout, job_run.stderr, results.read_text()]
        assert job_run.returncode == 0, job_run.stderr
        return [json.loads(line) for line in results.read_text().splitlines()]

    first = run_job()
    chosen = [p for p in paths if in_shard(Target(p, p), (2, total))]
    assert chosen and sorted(r["target"] for r in first) == sorted(chosen)
    assert {r["outcome"] for r in first} == {"created"}
    calls = len(scene.api.calls)

    assert run_job() == first, "the retry resumes: nothing runs again"
    assert len(scene.api.calls) == calls


@pytest.mark.parametrize("scene", ["github", "gitea"], indirect=True)
def test_the_fleet_of_an_organisation_on_other_forges(scene):
    scene.add_repo("acme/orders")
    scene.add_repo("acme/site", sample="clean-app")

    command, records = fleet(scene, scene.tmp / "org.jsonl", "--group", "acme")

    assert command.returncode == 0, command.stderr
    assert {r["target"]: r["outcome"] for r in records} == {
        "acme/orders": "created",
        "acme/site": "clean",
    }


def test_shards_partition_the_list_and_stay_put_as_it_grows():
    paths = [f"group/app-{index}" for index in range(500)]

    def shards(listed: list[str], total: int) -> list[list[str]]:
        return [
            [p for p in listed if in_shard(Target(p, p), (i, total))] for i in range(1, total + 1)
        ]

    for total in (1, 2, 3, 7):
        split = shards(paths, total)
        assert sorted(sum(split, [])) == sorted(paths)
        assert all(len(shard) > 500 / total / 2 for shard in split), "roughly even"
    grown = [f"other/new-{index}" for index in range(50)] + paths[::-1]
    assert [sorted(set(shard) & set(paths)) for shard in shards(grown, 4)] == [
        sorted(shard) for shard in shards(paths, 4)
    ]
    assert [len(shard) for shard in shards(["Group/App-1"], 4)] == [
        len(shard) for shard in shards(["group/app-1"], 4)
    ], "paths are case-insensitive"


@pytest.mark.parametrize(
    "text, environ, expected",
    [
        (None, {}, None),
        ("2/5", {"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"}, (2, 5)),
        (None, {"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"}, (3, 3)),
    ],
)
def test_the_shard_is_given_or_comes_from_gitlab_ci(text, environ, expected):
    assert parse_shard(text, environ) == expected


@pytest.mark.parametrize("text", ["0/3", "4/3", "a/b", "3"])
def test_a_wrong_shard_is_refused(text):
    with pytest.raises(PaasfixError, match="a shard is I/N"):
        parse_shard(text, {})


def test_the_list_file_allows_comments_and_blank_lines():
    text = "# fleet\n\ngroup/a\n  group/b   # the old one\n#group/c\nhttps://h.test/x/y.git\n"
    assert read_list(io.StringIO(text)) == ["group/a", "group/b", "https://h.test/x/y.git"]


def test_every_repository_is_on_one_forge():
    entries = ["https://git.test/a/b.git", "c/d", "https://git.test/e/f"]
    assert fleet_url(entries, None) == "https://git.test"
    assert [t.path for t in targets(entries, "https://git.test")] == ["a/b", "c/d", "e/f"]
    with pytest.raises(PaasfixError, match="more than one forge"):
        fleet_url(entries + ["https://evil.test/a/b"], None)
    with pytest.raises(PaasfixError, match="not on the forge https://git.test: https://evil"):
        targets(entries + ["https://evil.test/a/b"], "https://git.test")


def test_one_repository_listed_several_ways_is_one_target():
    entries = [
        "group/app",
        "https://git.test/group/app",
        "https://git.test/group/app.git",
        "group/app/",
        "https://GIT.test/Group/App/",
        "group/app.git",
        "group//app",
        "group/other",
    ]
    notes: list[str] = []
    listed = targets(entries, "https://git.test", notes)
    assert listed == [Target("group/app", "group/app"), Target("group/other", "group/other")]
    assert notes == [
        f"'{entry}' names the same repository as 'group/app'; it runs once"
        for entry in entries[1:-1]
    ]
    assert fleet_url(entries[1:3] + ["https://Git.Test/x/y"], None) == "https://git.test"


def test_a_forge_under_a_path_keeps_its_prefix_out_of_the_repository_path():
    url = "https://h.test/gitlab"
    assert targets(["https://h.test/gitlab/group/app.git", "group/app"], url) == [
        Target("https://h.test/gitlab/group/app.git", "group/app")
    ]
    with pytest.raises(PaasfixError, match="not on the forge"):
        targets(["https://h.test/other/app"], url)


@gitlab_only
def test_the_same_repository_listed_four_ways_runs_once_and_says_so(scene, tmp_path):
    scene.add_repo("acme/orders")
    clone = f"{scene.server.url}/acme/orders.git"
    listing = tmp_path / "repos.txt"
    listing.write_text(f"acme/orders\n{clone}\n{scene.server.url}/acme/orders/\nacme/orders/\n")
    results = tmp_path / "results.jsonl"

    command = scene.cli("fleet", "--repos", str(listing), "--results", str(results))

    lines = results.read_text().splitlines()
    scene.outputs.append(results.read_text())
    assert command.returncode == 0, command.stderr
    assert [json.loads(line)["target"] for line in lines] == ["acme/orders"]
    assert json.loads(lines[0])["outcome"] == "created"
    assert len(scene.merge_requests("acme/orders")) == 1
    for entry in (clone, f"{scene.server.url}/acme/orders/", "acme/orders/"):
        assert (
            f"paasfix fleet: '{entry}' names the same repository as 'acme/orders'; it runs once\n"
        ) in command.stderr


def test_results_are_read_back_last_one_winning_and_a_cut_line_skipped(tmp_path):
    results = tmp_path / "r.jsonl"
    lines = [
        {"target": "a/b", "outcome": "error"},
        {"target": "c/d", "outcome": "created"},
        {"target": "a/b", "outcome": "updated"},
    ]
    results.write_text(
        "".join(json.dumps(line) + "\n" for line in lines) + '{"target": "e/f", "outc'
    )
    previous = read_results(str(results))
    assert {key: r["outcome"] for key, r in previous.items()} == {
        "a/b": "updated",
        "c/d": "created",
    }
    listed = [Target(key, key) for key in ("a/b", "c/d", "e/f")]
    assert [t.key for t in still_to_do(listed, previous, resume=True, failed=False)] == ["e/f"]
    previous["c/d"]["outcome"] = "error"
    assert [t.key for t in still_to_do(listed, previous, resume=False, failed=True)] == ["c/d"]


class _Broken(Forge):
    """A forge whose client fails in a way nobody planned for."""

    kind = "broken"

    def repository(self, path):
        raise RuntimeError(f"client bug while reading {path} with {self._token}")

    group_repositories = has_label = merge_requests = create_merge_request = repository
    update_merge_request = close_merge_request = comment = repository


def test_an_unexpected_exception_is_that_repositorys_error_only(capsys):
    connections = _Connections("broken", None)
    connections.forge = _Broken("https://broken.test", TOKEN)

    result = run_one(
        connections, Target("a/b", "a/b"), BotOptions(debug=True), connections.forge.secrets()
    )

    assert result.outcome == Outcome.ERROR
    assert (
        result.error == "internal error: RuntimeError: client bug while reading a/b with [redacted]"
    )
    assert "Traceback" in capsys.readouterr().err


def test_progress_is_one_line_on_a_terminal_and_a_line_each_otherwise():
    results = [
        RepoResult("a/b", Outcome.CREATED, "opened", "https://x.test/a/b/1"),
        RepoResult("c/d", Outcome.ERROR, f"failed with {TOKEN}"),
    ]
    plain, live = io.StringIO(), io.StringIO()
    for stream, is_live in ((plain, False), (live, True)):
        progress = Progress(2, stream, [TOKEN], live=is_live)
        for result in results:
            progress.finished(result)
        progress.close()
    assert plain.getvalue().splitlines() == [
        "[1/2] a/b: created https://x.test/a/b/1 (opened)",
        "[2/2] c/d: error (failed with [redacted])",
        "paasfix fleet: 2 of 2 repositories: 1 created, 1 error",
    ]
    assert live.getvalue().count("\n") == 2 and live.getvalue().count("\r\x1b[K") == 2
    assert TOKEN not in live.getvalue() + plain.getvalue()


def test_the_command_is_registered_without_loading_the_bot():
    code = (
        "import sys, paasfix.cli; print('fleet' in paasfix.cli.cli.commands, "
        "any(m.startswith('paasfix.bot') for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["True", "False"]


@gitlab_only
def test_each_result_carries_what_is_left_and_the_fleet_needs_attention(scene):
    seeds = {
        sample: init_repo(scene.tmp / "seeds" / sample, SAMPLES / sample)
        for sample in ("clean-app", "django-web-cannot-start", "flask-app")
    }
    broken = seeds["clean-app"].parent / "broken"
    shutil.copytree(seeds["clean-app"], broken)
    app_desc = broken / "app_desc.yaml"
    app_desc.write_text(app_desc.read_text().replace("wsgi:application", "shop.wsgi"))
    commit_all(broken, "web runs shop.wsgi")
    for path, seed in [
        ("fleet/clean", seeds["clean-app"]),
        ("fleet/broken", broken),
        ("fleet/partly", seeds["django-web-cannot-start"]),
        ("fleet/fixed", seeds["flask-app"]),
    ]:
        scene.publish(seed, path)
    results = scene.tmp / "results.jsonl"

    command, records = fleet(scene, results, "--group", "fleet")

    assert command.returncode == 1, command.stderr
    found = by_target(records)
    summary = {
        target: (r["outcome"], r["needs_attention"], [f["severity"] for f in r["remaining"]])
        for target, r in found.items()
    }
    assert summary == {
        "fleet/clean": ("clean", False, []),
        "fleet/broken": ("needs-attention", True, ["error"]),
        "fleet/partly": ("created", True, ["error", "error", "error"]),
        "fleet/fixed": ("created", False, []),
    }
    [left] = found["fleet/broken"]["remaining"]
    assert (left["fixer"], left["safety"], left["path"], left["line"]) == (
        "fix-release-polling-timeout",
        "manual",
        "app_desc.yaml",
        6,
    )
    assert found["fleet/broken"]["fixes"] == [] and "shop/wsgi.py" in left["message"]
    lines = command.stderr.splitlines()
    message = found["fleet/broken"]["message"]
    assert message == "nothing paasfix can fix on its own; needs attention: 1 error remains"
    assert any(line.endswith(f"] fleet/broken: needs-attention ({message})") for line in lines)
    assert lines[-1] == (
        "paasfix fleet: 4 of 4 repositories: 1 clean, 2 created, 1 needs-attention; "
        "2 with errors or warnings left (needs_attention)"
    )
