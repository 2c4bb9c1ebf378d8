"""The merge-request bot against a local GitLab: real git over smart HTTP, the real
python-gitlab client, and the re-run behaviour people expect from Renovate.

After every test the ``gitlab`` fixture checks that the token appears in no output, log
record, result, request line or git command line.
"""

from __future__ import annotations

import json
import subprocess

from bot_support import TOKEN
from cli_helpers import paasfix, snapshot

from paasfix.bot.describe import read_marker
from paasfix.bot.run import CLOSING_COMMENT, Outcome
from paasfix.sinks.commit import TRAILER

REPO = "acme/orders"
BRANCH = "paasfix/autofix"
MYSQL = {"requirements.txt": "Django==3.2.25\ngunicorn==20.1.0\ncelery==5.2.7\nredis==4.5.5\n"
                             "eventlet==0.31.0\nmysqlclient==2.1.1\n"}


def writes(gitlab) -> list[tuple[str, str]]:
    return [call for call in gitlab.api.calls if call[0] in ("POST", "PUT", "DELETE")]


def pushes(gitlab) -> int:
    return sum(line.startswith("POST ") and "/git-receive-pack " in line
               for line in gitlab.server.request_lines)


def merge_requests(gitlab) -> list[dict]:
    return gitlab.api.project(REPO).merge_requests


def test_first_run_pushes_a_branch_and_opens_a_merge_request(gitlab):
    gitlab.add_repo(REPO)
    main = gitlab.tip(REPO, "main")

    result = gitlab.run(REPO, labels=["automation"])

    assert result.outcome == Outcome.CREATED, result
    [mr] = merge_requests(gitlab)
    assert result.merge_request == mr["web_url"]
    assert (mr["state"], mr["source_branch"], mr["target_branch"]) == ("opened", BRANCH, "main")
    assert mr["labels"] == ["automation"] and mr["force_remove_source_branch"]
    assert read_marker(mr["description"]) == result.fingerprint
    for fix in result.fixes:
        assert f"`{fix['fixer']}`" in mr["description"] and fix["message"] in mr["description"]
    assert "\n## What goes wrong" not in mr["description"]
    assert "\n##### What goes wrong" in mr["description"]
    assert "| `requirements.txt` | +1 | -0 |" in mr["description"]
    assert "| `app_desc.yaml` (new) | +11 | -0 |" in mr["description"]
    # One commit by paasfix on top of the default branch, with exactly what `paasfix fix` does.
    assert gitlab.tip(REPO, BRANCH) == result.commit
    assert gitlab.show(REPO, result.commit, "%P").strip() == main
    assert TRAILER in gitlab.show(REPO, result.commit)
    expected = gitlab.clone(REPO, "main")
    paasfix("fix", str(expected))
    assert snapshot(gitlab.clone(REPO, BRANCH)) == snapshot(expected)
    fetches = [line for line in (gitlab.tmp / "git-argv.log").read_text().splitlines()
               if " fetch " in line]
    assert fetches and all("--depth 1" in line for line in fetches)


def test_a_second_run_with_nothing_new_changes_nothing(gitlab):
    gitlab.add_repo(REPO)
    first = gitlab.run(REPO)
    before = (writes(gitlab), pushes(gitlab), merge_requests(gitlab)[0]["updated_at"])

    again = gitlab.run(REPO)

    assert again.outcome == Outcome.UNCHANGED, again
    assert (again.commit, again.merge_request) == (first.commit, first.merge_request)
    assert (writes(gitlab), pushes(gitlab), merge_requests(gitlab)[0]["updated_at"]) == before
    assert gitlab.tip(REPO, BRANCH) == first.commit


def test_after_the_default_branch_moved_the_branch_is_rebuilt_on_it(gitlab):
    gitlab.add_repo(REPO)
    first = gitlab.run(REPO)
    description = merge_requests(gitlab)[0]["description"]
    main = gitlab.human_push(REPO, "main", {"README.md": "# Orders\n"})

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.UPDATED, result
    assert result.commit != first.commit and gitlab.tip(REPO, BRANCH) == result.commit
    assert gitlab.show(REPO, result.commit, "%P").strip() == main
    assert len(merge_requests(gitlab)) == 1
    assert merge_requests(gitlab)[0]["description"] == description
    assert result.merge_request == first.merge_request
    assert gitlab.run(REPO).outcome == Outcome.UNCHANGED


def test_new_findings_on_the_default_branch_update_the_description(gitlab):
    gitlab.add_repo(REPO)
    first = gitlab.run(REPO)
    gitlab.human_push(REPO, "main", MYSQL)

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.UPDATED, result
    [mr] = merge_requests(gitlab)
    assert result.fingerprint != first.fingerprint
    assert read_marker(mr["description"]) == result.fingerprint
    assert "`fix-pkg-install-mysql-python`" in mr["description"]
    assert "| `Aptfile` (new) |" in mr["description"]


def test_commits_someone_else_pushed_to_the_branch_are_never_overwritten(gitlab):
    gitlab.add_repo(REPO)
    first = gitlab.run(REPO)
    description = merge_requests(gitlab)[0]["description"]
    theirs = gitlab.human_push(REPO, BRANCH, {"NOTES.md": "deploy on Friday\n"})
    gitlab.human_push(REPO, "main", {"README.md": "# Orders\n"})
    pushed = pushes(gitlab)

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.BLOCKED, result
    assert "did not make" in result.message
    assert result.merge_request == first.merge_request
    assert gitlab.tip(REPO, BRANCH) == theirs
    assert pushes(gitlab) == pushed
    assert merge_requests(gitlab)[0]["description"] == description
    command = gitlab.cli("mr", REPO)
    assert command.returncode == 1, command.stderr
    assert f"{REPO}: blocked-by-human-commits {first.merge_request}" in command.stdout
    assert gitlab.tip(REPO, BRANCH) == theirs


def test_a_merge_request_the_owner_closed_is_not_proposed_again(gitlab):
    gitlab.add_repo(REPO)
    first = gitlab.run(REPO)
    gitlab.api.close_merge_request(REPO, 1)
    gitlab.human_push(REPO, "main", {"README.md": "# Orders\n"})

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.SKIPPED_CLOSED, result
    assert result.merge_request == first.merge_request
    assert gitlab.api.open_merge_requests(REPO) == [] and len(merge_requests(gitlab)) == 1
    assert gitlab.tip(REPO, BRANCH) == first.commit

    gitlab.human_push(REPO, "main", MYSQL)
    changed = gitlab.run(REPO)

    assert changed.outcome == Outcome.CREATED, changed
    assert [mr["iid"] for mr in gitlab.api.open_merge_requests(REPO)] == [2]


def test_when_the_problem_is_fixed_upstream_the_bot_closes_its_merge_request(gitlab):
    gitlab.add_repo(REPO)
    first = gitlab.run(REPO)
    work = gitlab.clone(REPO, "main")
    paasfix("fix", str(work))
    for args in (("add", "-A"), ("commit", "-q", "-m", "Fix the deploy"), ("push", "-q")):
        assert subprocess.run(["git", "-C", str(work), "-c", "user.name=Dev", "-c",
                               "user.email=dev@example.test", *args]).returncode == 0

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.CLOSED, result
    assert result.merge_request == first.merge_request
    assert merge_requests(gitlab)[0]["state"] == "closed"
    [note] = gitlab.api.notes[(gitlab.api.project(REPO).id, 1)]
    assert note["body"] == CLOSING_COMMENT
    assert gitlab.run(REPO).outcome == Outcome.CLEAN


def test_a_paasfixignore_file_opts_the_repository_out(gitlab):
    gitlab.add_repo(REPO, extra={".paasfixignore": ""})

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.OPTED_OUT, result
    assert gitlab.tip(REPO, BRANCH) is None and merge_requests(gitlab) == []


def test_the_opt_out_label_leaves_the_project_alone(gitlab):
    gitlab.add_repo(REPO, labels=["backend", "paasfix-ignore"])

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.OPTED_OUT, result
    assert not any("/git/" in line for line in gitlab.server.request_lines)
    assert merge_requests(gitlab) == []
    assert gitlab.run(REPO, opt_out_label=None).outcome == Outcome.CREATED


def test_a_repository_without_problems_gets_nothing(gitlab):
    gitlab.add_repo(REPO, sample="clean-app")

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.CLEAN, result
    assert gitlab.tip(REPO, BRANCH) is None and writes(gitlab) == []


def test_rate_limits_are_waited_out_as_retry_after_says(gitlab):
    gitlab.add_repo(REPO)
    gitlab.api.fail("GET", r"/merge_requests$", 429, times=2, headers={"Retry-After": "7"})

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    assert gitlab.sleeps == [7.0, 7.0]


def test_server_errors_are_retried_with_growing_waits(gitlab):
    gitlab.add_repo(REPO)
    gitlab.api.fail("POST", r"/merge_requests$", 500, times=2)

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.CREATED, result
    assert gitlab.sleeps == [1.0, 2.0]
    assert len(merge_requests(gitlab)) == 1


def test_retries_are_bounded(gitlab):
    gitlab.add_repo(REPO)
    gitlab.api.fail("GET", r"/projects/[^/]+$", 503, times=99)

    result = gitlab.run(REPO, attempts=3)

    assert result.outcome == Outcome.ERROR
    assert "after 3 attempts" in result.error and "503" in result.error
    assert gitlab.sleeps == [1.0, 2.0]
    assert gitlab.tip(REPO, BRANCH) is None


def test_a_rejected_push_is_an_error_and_opens_nothing(gitlab):
    gitlab.add_repo(REPO)
    hook = gitlab.bare(REPO) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are frozen until Monday' >&2\nexit 1\n")
    hook.chmod(0o755)

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.ERROR
    assert "git push failed" in result.error and "pushes are frozen" in result.error
    assert "pre-receive hook declined" in result.error
    assert merge_requests(gitlab) == [] and gitlab.tip(REPO, BRANCH) is None


def test_dry_run_prints_the_real_diff_and_writes_nothing(gitlab):
    gitlab.add_repo(REPO)
    expected = paasfix("fix", "--diff", str(gitlab.clone(REPO, "main"))).stdout

    command = gitlab.cli("mr", "--dry-run", REPO)

    assert command.returncode == 0, command.stderr
    assert command.stdout == expected and expected.startswith("diff --git")
    assert command.stderr == f"{REPO}: created (would open a merge request; dry run)\n"
    assert writes(gitlab) == [] and pushes(gitlab) == 0
    assert gitlab.tip(REPO, BRANCH) is None


def test_the_command_takes_a_url_and_reports_json(gitlab):
    gitlab.add_repo(REPO)

    command = gitlab.cli("mr", "--format", "json", f"{gitlab.server.url}/{REPO}.git")

    assert command.returncode == 0, command.stderr
    data = json.loads(command.stdout)
    assert data["repository"] == REPO and data["outcome"] == "created"
    assert data["merge_request"] == merge_requests(gitlab)[0]["web_url"]
    assert data["error"] is None and data["commit"] == gitlab.tip(REPO, BRANCH)


def test_a_wrong_token_is_an_error_without_the_token(gitlab):
    gitlab.add_repo(REPO)

    result = gitlab.run(REPO, token="not-the-token")

    assert result.outcome == Outcome.ERROR and "401" in result.error
    command = gitlab.cli("mr", REPO, token="")
    assert command.returncode == 2
    assert "no gitlab token: set PAASFIX_GITLAB_TOKEN or GITLAB_TOKEN" in command.stderr


def test_git_on_the_local_forge_needs_the_token(gitlab):
    gitlab.add_repo(REPO)
    anonymous = subprocess.run(["git", "ls-remote", gitlab.server.clone_url(REPO)],
                               capture_output=True, text=True,
                               env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin"})
    assert anonymous.returncode != 0
    assert gitlab.server.request_lines[-1].endswith(" 401")


def test_a_server_message_that_quotes_the_token_is_redacted(gitlab):
    gitlab.add_repo(REPO)
    gitlab.api.fail("GET", r"/labels$", 403, message=f"token {TOKEN} may not read labels")

    result = gitlab.run(REPO)

    assert result.outcome == Outcome.ERROR
    assert "token [redacted] may not read labels" in result.error


def test_group_listing_follows_pagination_and_skips_archived_projects(gitlab):
    for index in range(105):
        gitlab.api.add_project(f"fleet/app-{index:03d}")
    gitlab.api.add_project("fleet/team/api")
    gitlab.api.add_project("fleet/old", archived=True)
    gitlab.api.add_project("other/app")

    found = [repo.path for repo in gitlab.forge().group_repositories("fleet")]

    assert found == sorted([f"fleet/app-{i:03d}" for i in range(105)] + ["fleet/team/api"])
    listing = [path for method, path in gitlab.api.calls if path.endswith("/projects")]
    assert len(listing) == 2
