"""The bot's small parts: where the forge and the repository come from, the backoff, the
redaction, the marker, and that the other commands never load the bot."""

from __future__ import annotations

import email.utils
import json
import subprocess
import sys
import time

import pytest

from paasfix.bot.describe import fingerprint, left, marker, read_marker
from paasfix.bot.run import Outcome, RepoResult
from paasfix.core.errors import PaasfixError
from paasfix.fixer import Finding
from paasfix.forge import connect, split_repository
from paasfix.forge.base import REDACTED, redact
from paasfix.forge.retry import Backoff

SECRET = "glpat-PartsTestSecret123"


@pytest.mark.parametrize(
    "argument, url, expected",
    [
        ("acme/orders", None, (None, "acme/orders")),
        ("/acme/orders/", "https://git.example.test", ("https://git.example.test", "acme/orders")),
        (
            "https://git.example.test/acme/sub/orders.git",
            None,
            ("https://git.example.test", "acme/sub/orders"),
        ),
        (
            "https://git.example.test/gitlab/acme/orders",
            "https://git.example.test/gitlab",
            ("https://git.example.test/gitlab", "acme/orders"),
        ),
    ],
)
def test_the_repository_argument_is_a_path_or_a_url(argument, url, expected):
    assert split_repository(argument, url) == expected


def test_a_repository_url_with_credentials_is_refused_without_repeating_them():
    with pytest.raises(PaasfixError) as caught:
        split_repository(f"https://bot:{SECRET}@git.example.test/acme/orders", None)
    assert SECRET not in str(caught.value)


def test_the_token_and_url_come_from_the_environment_in_order():
    forge = connect(
        "gitlab",
        environ={
            "GITLAB_TOKEN": "second",
            "PAASFIX_GITLAB_TOKEN": SECRET,
            "CI_SERVER_URL": "https://ci.example.test",
        },
    )
    assert forge.url == "https://ci.example.test" and forge.secrets()[0] == SECRET
    assert connect("gitlab", environ={"GITLAB_TOKEN": SECRET}).url == "https://gitlab.com"
    assert (
        connect("gitlab", "http://127.0.0.1:9/", environ={"GITLAB_TOKEN": SECRET}).url
        == "http://127.0.0.1:9"
    )


@pytest.mark.parametrize(
    "environ, url, problem",
    [
        ({}, None, "no gitlab token: set PAASFIX_GITLAB_TOKEN or GITLAB_TOKEN"),
        (
            {"GITLAB_TOKEN": SECRET},
            f"https://bot:{SECRET}@gitlab.example.test",
            "must not hold credentials",
        ),
        ({"GITLAB_TOKEN": SECRET}, "ftp://gitlab.example.test", "must be an http(s) URL"),
    ],
)
def test_connect_explains_what_is_missing_without_the_token(environ, url, problem):
    with pytest.raises(PaasfixError) as caught:
        connect("gitlab", url, environ=environ)
    assert problem in str(caught.value) and SECRET not in str(caught.value)


def test_an_unknown_forge_is_named():
    with pytest.raises(
        PaasfixError, match="unknown forge 'svn' \\(known: gitea, github, gitlab\\)"
    ):
        connect("svn", environ={})


def test_backoff_doubles_is_capped_and_honours_retry_after():
    backoff = Backoff(attempts=5, base=0.5, limit=10)
    assert [backoff.delay(n) for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1, 2, 4, 8, 10]
    assert backoff.delay(1, "3") == 3
    assert backoff.delay(1, "3600") == 10
    in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert 55 <= Backoff(limit=120).delay(4, in_a_minute) <= 60
    past = email.utils.formatdate(time.time() - 60, usegmt=True)
    assert backoff.delay(1, past) == 0
    assert backoff.delay(2, "soon") == 1


def test_redaction_leaves_no_part_of_a_longer_secret():
    assert redact(f"a {SECRET}xyz b", ["glpat", SECRET + "xyz"]) == f"a {REDACTED} b"
    assert redact("nothing here", ["", SECRET]) == "nothing here"


def test_the_fingerprint_ignores_order_and_line_numbers():
    one = Finding("fix-a", "first", "requirements.txt", 3)
    two = Finding("fix-b", "second", "Procfile", None)
    assert fingerprint([one, two]) == fingerprint(
        [two, Finding("fix-a", "first", "requirements.txt", 9)]
    )
    assert fingerprint([one]) != fingerprint([one, two])
    assert fingerprint([one]) != fingerprint([Finding("fix-a", "other", "requirements.txt", 3)])


def test_only_the_bots_marker_is_read():
    print_ = fingerprint([Finding("fix-a", "first")])
    assert read_marker(f"text\n\n{marker(print_)}\n") == print_
    assert read_marker("<!-- renovate fingerprint=0123456789abcdef -->") is None
    assert read_marker("") is None


def test_a_result_survives_its_json_form():
    result = RepoResult(
        repository="acme/orders",
        outcome=Outcome.BLOCKED,
        message="left alone",
        merge_request="https://x.test/mr/1",
        needs_attention=True,
        branch="paasfix/autofix",
        commit="c0ffee",
        fingerprint="0123456789abcdef",
        fixes=[{"fixer": "fix-a"}],
        remaining=[{"fixer": "fix-b", "severity": "error", "line": 3}],
        error=None,
        dry_run=True,
        diff="diff --git",
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["outcome"] == "blocked-by-human-commits"
    assert RepoResult.from_dict({**data, "added later": 1}) == result
    older = {k: v for k, v in data.items() if k not in ("needs_attention", "remaining")}
    assert RepoResult.from_dict(older).remaining == []


def test_what_is_left_in_a_few_words():
    assert left([{"severity": "error"}]) == "1 error remains"
    assert left([{"severity": "warning"}, {"severity": "info"}]) == "1 warning remains"
    assert (
        left([{"severity": s} for s in ("warning", "error", "error", "warning", "info")])
        == "2 errors and 2 warnings remain"
    )


def test_the_other_commands_do_not_load_the_bot():
    code = (
        "import sys, paasfix.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('gitlab', 'github', 'requests', 'urllib3', 'git') or "
        "m.startswith(('paasfix.bot', 'paasfix.forge'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
