"""The merge-request bot against each local forge: real git over smart HTTP, the real client
(python-gitlab for GitLab, PyGithub for GitHub, paasfix's own for Gitea), and the re-run
behaviour people expect from Renovate.

After every test the ``scene`` fixture checks that the token appears in no output, log
record, result, request line or git command line.
"""

from __future__ import annotations

import json
import subprocess

from bot_support import TOKEN
from helpers import git, git_repo, paasfix, snapshot

from paasfix.bot.describe import read_marker
from paasfix.bot.run import CLOSING_COMMENT, Outcome
from paasfix.sinks.commit import TRAILER

DEVELOPER = {
    "GIT_AUTHOR_NAME": "Dev",
    "GIT_AUTHOR_EMAIL": "dev@example.test",
    "GIT_COMMITTER_NAME": "Dev",
    "GIT_COMMITTER_EMAIL": "dev@example.test",
}
REPO = "acme/orders"
BRANCH = "paasfix/autofix"
MYSQL = {
    "requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\ncelery==5.2.7\nredis==4.5.5\n"
    "eventlet==0.31.0\nmysqlclient==2.1.1\n"
}


def writes(scene) -> list[tuple[str, str]]:
    return [call for call in scene.api.calls if call[0] in ("POST", "PUT", "DELETE")]


def pushes(scene) -> int:
    return sum(
        line.startswith("POST ") and "/git-receive-pack " in line
        for line in scene.server.request_lines
    )


def merge_requests(scene) -> list[dict]:
    return scene.merge_requests(REPO)


def test_first_run_pushes_a_branch_and_opens_a_merge_request(scene):
    scene.add_repo(REPO)
    main = scene.tip(REPO, "main")

    result = scene.run(REPO, labels=["automation"])

    assert result.outcome == Outcome.CREATED, result
    [mr] = merge_requests(scene)
    assert result.merge_request == mr["web_url"]
    assert (mr["state"], mr["source_branch"], mr["target_branch"]) == ("open", BRANCH, "main")
    assert mr["labels"] == ["automation"]
    assert read_marker(mr["description"]) == result.fingerprint
    for fix in result.fixes:
        assert f"`{fix['fixer']}`" in mr["description"] and fix["message"] in mr["description"]
    assert "\n## What goes wrong" not in mr["description"]
    assert "\n##### What goes wrong" in mr["description"]
    assert "| `requirements.txt` | +1 | -0 |" in mr["description"]
    assert "| `app_desc.yaml` (new) | +11 | -0 |" in mr["description"]
    # One commit by paasfix on top of the default branch, with exactly what `paasfix fix` does.
    assert scene.tip(REPO, BRANCH) == result.commit
    assert scene.show(REPO, result.commit, "%P").strip() == main
    assert TRAILER in scene.show(REPO, result.commit)
    expected = scene.clone(REPO, "main")
    paasfix("fix", str(expected))
    assert snapshot(scene.clone(REPO, BRANCH)) == snapshot(expected)
    fetches = [
        line for line in (scene.tmp / "git-argv.log").read_text().splitlines() if " fetch " in line
    ]
    assert fetches and all("--depth 1" in line for line in fetches)


def test_a_second_run_with_nothing_new_changes_nothing(scene):
    scene.add_repo(REPO)
    first = scene.run(REPO)
    before = (writes(scene), pushes(scene), merge_requests(scene)[0]["updated_at"])

    again = scene.run(REPO)

    assert again.outcome == Outcome.UNCHANGED, again
    assert (again.commit, again.merge_request) == (first.commit, first.merge_request)
    assert (writes(scene), pushes(scene), merge_requests(scene)[0]["updated_at"]) == before
    assert scene.tip(REPO, BRANCH) == first.commit


def test_after_the_default_branch_moved_the_branch_is_rebuilt_on_it(scene):
    scene.add_repo(REPO)
    first = scene.run(REPO)
    description = merge_requests(scene)[0]["description"]
    main = scene.human_push(REPO, "main", {"README.md": "# Orders\n"})

    result = scene.run(REPO)

    assert result.outcome == Outcome.UPDATED, result
    assert result.commit != first.commit and scene.tip(REPO, BRANCH) == result.commit
    assert scene.show(REPO, result.commit, "%P").strip() == main
    assert len(merge_requests(scene)) == 1
    assert merge_requests(scene)[0]["description"] == description
    assert result.merge_request == first.merge_request
    assert scene.run(REPO).outcome == Outcome.UNCHANGED


def test_new_findings_on_the_default_branch_update_the_description(scene):
    scene.add_repo(REPO)
    first = scene.run(REPO)
    scene.human_push(REPO, "main", MYSQL)

    result = scene.run(REPO)

    assert result.outcome == Outcome.UPDATED, result
    [mr] = merge_requests(scene)
    assert result.fingerprint != first.fingerprint
    assert read_marker(mr["description"]) == result.fingerprint
    assert "`fix-pkg-install-mysql-python`" in mr["description"]
    assert "| `Aptfile` (new) |" in mr["description"]


def test_commits_someone_else_pushed_to_the_branch_are_never_overwritten(scene):
    scene.add_repo(REPO)
    first = scene.run(REPO)
    description = merge_requests(scene)[0]["description"]
    theirs = scene.human_push(REPO, BRANCH, {"NOTES.md": "deploy on Friday\n"})
    scene.human_push(REPO, "main", {"README.md": "# Orders\n"})
    pushed = pushes(scene)

    result = scene.run(REPO)

    assert result.outcome == Outcome.BLOCKED, result
    assert "did not make" in result.message
    assert result.merge_request == first.merge_request
    assert scene.tip(REPO, BRANCH) == theirs
    assert pushes(scene) == pushed
    assert merge_requests(scene)[0]["description"] == description
    command = scene.cli("mr", REPO)
    assert command.returncode == 1, command.stderr
    assert f"{REPO}: blocked-by-human-commits {first.merge_request}" in command.stdout
    assert scene.tip(REPO, BRANCH) == theirs


def test_a_merge_request_the_owner_closed_is_not_proposed_again(scene):
    scene.add_repo(REPO)
    first = scene.run(REPO)
    scene.api.close_merge_request(REPO, 1)
    scene.human_push(REPO, "main", {"README.md": "# Orders\n"})

    result = scene.run(REPO)

    assert result.outcome == Outcome.SKIPPED_CLOSED, result
    assert result.merge_request == first.merge_request
    assert scene.merge_requests(REPO, "open") == [] and len(merge_requests(scene)) == 1
    assert scene.tip(REPO, BRANCH) == first.commit

    scene.human_push(REPO, "main", MYSQL)
    changed = scene.run(REPO)

    assert changed.outcome == Outcome.CREATED, changed
    assert [mr["number"] for mr in scene.merge_requests(REPO, "open")] == [2]


def test_when_the_problem_is_fixed_upstream_the_bot_closes_its_merge_request(scene):
    scene.add_repo(REPO)
    first = scene.run(REPO)
    work = scene.clone(REPO, "main")
    paasfix("fix", str(work))
    for args in (("add", "-A"), ("commit", "-q", "-m", "Fix the deploy"), ("push", "-q")):
        git(work, *args, env=DEVELOPER)

    result = scene.run(REPO)

    assert result.outcome == Outcome.CLOSED, result
    assert result.merge_request == first.merge_request
    assert merge_requests(scene)[0]["state"] == "closed"
    assert scene.api.comments(REPO, 1) == [CLOSING_COMMENT]
    assert scene.run(REPO).outcome == Outcome.CLEAN


def test_a_paasfixignore_file_opts_the_repository_out(scene):
    scene.add_repo(REPO, extra={".paasfixignore": ""})

    result = scene.run(REPO)

    assert result.outcome == Outcome.OPTED_OUT, result
    assert scene.tip(REPO, BRANCH) is None and merge_requests(scene) == []


def test_the_opt_out_label_leaves_the_project_alone(scene):
    scene.add_repo(REPO, labels=["backend", "paasfix-ignore"])

    result = scene.run(REPO)

    assert result.outcome == Outcome.OPTED_OUT, result
    assert not any("/git/" in line for line in scene.server.request_lines)
    assert merge_requests(scene) == []
    assert scene.run(REPO, opt_out_label=None).outcome == Outcome.CREATED


def test_a_repository_without_problems_gets_nothing(scene):
    scene.add_repo(REPO, sample="clean-app")

    result = scene.run(REPO)

    assert result.outcome == Outcome.CLEAN, result
    assert scene.tip(REPO, BRANCH) is None and writes(scene) == []


def test_rate_limits_are_waited_out_as_retry_after_says(scene):
    scene.add_repo(REPO)
    scene.api.fail("list merge requests", 429, times=2, headers={"Retry-After": "7"})

    result = scene.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    assert scene.sleeps == [7.0, 7.0]


def test_server_errors_are_retried_with_growing_waits(scene):
    scene.add_repo(REPO)
    scene.api.fail("create merge request", 500, times=2)

    result = scene.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    assert scene.sleeps == [1.0, 2.0]
    assert len(merge_requests(scene)) == 1


def test_retries_are_bounded(scene):
    scene.add_repo(REPO)
    scene.api.fail("repository", 503, times=99)

    result = scene.run(REPO, attempts=3)

    assert result.outcome == Outcome.ERROR
    assert "after 3 attempts" in result.error and "503" in result.error
    assert scene.sleeps == [1.0, 2.0]
    assert scene.tip(REPO, BRANCH) is None


def test_a_rejected_push_is_an_error_and_opens_nothing(scene):
    scene.add_repo(REPO)
    hook = scene.bare(REPO) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are frozen until Monday' >&2\nexit 1\n")
    hook.chmod(0o755)

    result = scene.run(REPO)

    assert result.outcome == Outcome.ERROR
    assert "git push failed" in result.error and "pushes are frozen" in result.error
    assert "pre-receive hook declined" in result.error
    assert merge_requests(scene) == [] and scene.tip(REPO, BRANCH) is None


def test_dry_run_prints_the_real_diff_and_writes_nothing(scene):
    scene.add_repo(REPO)
    expected = paasfix("fix", "--diff", str(scene.clone(REPO, "main"))).stdout

    command = scene.cli("mr", "--dry-run", REPO)

    assert command.returncode == 0, command.stderr
    assert command.stdout == expected and expected.startswith("diff --git")
    assert command.stderr == f"{REPO}: created (would open a merge request; dry run)\n"
    assert writes(scene) == [] and pushes(scene) == 0
    assert scene.tip(REPO, BRANCH) is None


def test_the_command_takes_a_url_and_reports_json(scene):
    scene.add_repo(REPO)

    command = scene.cli("mr", "--format", "json", f"{scene.server.url}/{REPO}.git")

    assert command.returncode == 0, command.stderr
    data = json.loads(command.stdout)
    assert data["repository"] == REPO and data["outcome"] == "created"
    assert data["merge_request"] == merge_requests(scene)[0]["web_url"]
    assert data["error"] is None and data["commit"] == scene.tip(REPO, BRANCH)


def test_a_wrong_token_is_an_error_without_the_token(scene):
    scene.add_repo(REPO)

    result = scene.run(REPO, token="not-the-token")

    assert result.outcome == Outcome.ERROR and "401" in result.error
    command = scene.cli("mr", REPO, token="")
    assert command.returncode == 2
    assert (
        f"no {scene.kind} token: set {' or '.join(scene.forge_class.token_variables)}"
        in command.stderr
    )


def test_git_on_the_local_forge_needs_the_token(scene):
    scene.add_repo(REPO)
    anonymous = subprocess.run(
        ["git", "ls-remote", scene.server.clone_url(REPO)],
        capture_output=True,
        text=True,
        env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin"},
    )
    assert anonymous.returncode != 0
    assert scene.server.request_lines[-1].endswith(" 401")


def test_a_server_message_that_quotes_the_token_is_redacted(scene):
    scene.add_repo(REPO)
    scene.api.fail("labels", 403, message=f"token {TOKEN} may not read labels")

    result = scene.run(REPO)

    assert result.outcome == Outcome.ERROR
    assert "token [redacted] may not read labels" in result.error


def test_group_listing_follows_pagination_and_skips_archived_projects(scene):
    expected = [f"fleet/app-{index:03d}" for index in range(105)]
    for path in expected:
        scene.api.add_project(path)
    scene.api.add_project("fleet/old", archived=True)
    scene.api.add_project("other/app")
    if scene.kind == "gitlab":
        scene.api.add_project("fleet/team/api")
        expected.append("fleet/team/api")

    found = [repo.path for repo in scene.forge().group_repositories("fleet")]

    assert sorted(found) == sorted(expected)
    largest_page = scene.api.PER_PAGE[2]
    assert sum(call[0] == "GET" for call in scene.api.calls) == -(-106 // largest_page), (
        "106 projects in pages as large as the forge allows"
    )


MISSING_WSGI = {
    "app_desc.yaml": "spec_version: 2\nmodule:\n  language: Python\n  processes:\n    web:\n"
    "      command: gunicorn orders.wsgi:application -b :$PORT --log-file -\n"
}
HEALTHY_PROCFILE = {"Procfile": "web: gunicorn wsgi:application -b :$PORT --log-file -\n"}


def test_a_problem_the_bot_cannot_fix_is_not_reported_clean(scene):
    scene.add_repo(REPO, sample="clean-app", extra=MISSING_WSGI)

    result = scene.run(REPO)

    assert result.outcome == Outcome.NEEDS_ATTENTION, result
    assert result.needs_attention and result.fixes == []
    [left] = result.remaining
    assert {k: left[k] for k in ("fixer", "severity", "safety", "path", "line")} == {
        "fixer": "fix-release-polling-timeout",
        "severity": "error",
        "safety": "manual",
        "path": "app_desc.yaml",
        "line": 6,
    }
    assert "neither orders/wsgi.py nor orders/wsgi/__init__.py" in left["message"]
    assert result.message == "nothing paasfix can fix on its own; needs attention: 1 error remains"
    assert scene.tip(REPO, BRANCH) is None and writes(scene) == [] and pushes(scene) == 0

    command = scene.cli("mr", REPO)
    assert command.returncode == 1, command.stderr
    head, finding = command.stdout.splitlines()
    assert head == f"{REPO}: needs-attention ({result.message})"
    assert (
        finding
        == f"  app_desc.yaml:6: error fix-release-polling-timeout [manual] {left['message']}"
    )
    data = json.loads(scene.cli("mr", "--format", "json", REPO).stdout)
    assert (data["outcome"], data["needs_attention"]) == ("needs-attention", True)
    assert data["remaining"] == result.remaining and data["fixes"] == []


def test_the_merge_request_lists_what_is_left_to_do_by_hand(scene):
    scene.add_repo(REPO, sample="django-web-cannot-start")
    left = paasfix("fix", "--format", "json", str(scene.clone(REPO, "main")))
    expected = json.loads(left.stdout)["findings"]

    result = scene.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    assert result.needs_attention and result.message.endswith("needs attention: 3 errors remain")
    assert [f["fixer"] for f in result.fixes] == ["fix-release-polling-timeout"] * 3
    assert result.remaining == expected and len(expected) == 3
    [mr] = merge_requests(scene)
    description = mr["description"]
    assert "Some problems are left for you to solve" in description
    what_is_fixed, left_to_do = description.split("## Left to do\n")
    for finding in expected:
        assert f"`{finding['path']}:{finding['line']}`: {finding['message']}" in left_to_do
        assert finding["message"] not in what_is_fixed
    for fix in result.fixes:
        assert fix["message"] in what_is_fixed
    assert "`app_desc.yaml:17`" in left_to_do and "`bin/start_beat.sh:5`" in left_to_do

    command = scene.cli("mr", REPO)
    assert command.returncode == 1, command.stderr
    lines = command.stdout.splitlines()
    assert lines[0].startswith(f"{REPO}: unchanged {result.merge_request} (")
    assert lines[0].endswith("; needs attention: 3 errors remain)")
    assert len(lines) == 4 and all(line.startswith("  ") for line in lines[1:])


def procfile_app(scene, settings: str = "") -> None:
    """A healthy application whose processes are in a Procfile: fix-procfile recommends
    moving them to app_desc.yaml, an info finding."""
    files = {
        "requirements.txt": "gunicorn==20.1.0\n",
        "runtime.txt": "python-3.10.5\n",
        "wsgi.py": "def application(environ, start_response):\n    return []\n",
        "Procfile": "web: gunicorn wsgi:application -b :$PORT --log-file -\n",
    }
    if settings:
        files["paasfix.toml"] = settings
    scene.publish(git_repo(scene.tmp / "procfile-app", files), REPO)


def test_recommendations_alone_open_no_merge_request(scene):
    procfile_app(scene)
    assert paasfix("check", str(scene.clone(REPO))).returncode == 0

    result = scene.run(REPO)

    assert result.outcome == Outcome.CLEAN, result
    assert result.message == (
        "nothing to fix; 1 recommendation not proposed "
        "(the setting propose-recommendations proposes them)"
    )
    assert not result.needs_attention and result.fixes == []
    [advice] = result.remaining
    assert (advice["fixer"], advice["severity"], advice["path"]) == (
        "fix-procfile",
        "info",
        "Procfile",
    )
    assert scene.tip(REPO, BRANCH) is None and writes(scene) == [] and pushes(scene) == 0
    command = scene.cli("mr", REPO)
    assert command.returncode == 0, command.stderr
    assert command.stdout.splitlines()[1].startswith("  Procfile: info fix-procfile ")


def test_the_command_line_asks_for_recommendations(scene):
    procfile_app(scene)

    command = scene.cli("mr", "--propose-recommendations", "--format", "json", REPO)

    assert command.returncode == 0, command.stderr
    data = json.loads(command.stdout)
    assert data["outcome"] == "created" and not data["needs_attention"]
    assert [(f["fixer"], f["severity"]) for f in data["fixes"]] == [("fix-procfile", "info")]
    assert data["remaining"] == []
    [mr] = merge_requests(scene)
    assert mr["description"].startswith("paasfix applied recommendations for BlueKing PaaS")
    assert "| `app_desc.yaml` (new) |" in mr["description"]


def test_the_repository_setting_asks_for_recommendations(scene):
    procfile_app(scene, settings="propose-recommendations = true\n")

    result = scene.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    assert scene.run(REPO, propose_recommendations=False).outcome == Outcome.CLOSED
