"""Where a web server listens, and why the platform does not reach it there."""

from __future__ import annotations

import pytest

from paasfix.python_apps.listening import (
    Address,
    listen_advice,
    unreached,
    unreached_everywhere,
)


def _nothing_set(name: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("address", "default_port", "says"),
    [
        (Address("127.0.0.1", "$PORT", "`-b 127.0.0.1:$PORT`"), False, "listens on 127.0.0.1 only"),
        (Address("[::1]", "8000", "`-b [::1]:8000`"), False, "listens on [::1] only"),
        (Address("0.0.0.0", "5000", "`-b 0.0.0.0:5000`"), True, "the platform's default port"),
        (Address("", "8080", "`-b :8080`"), False, "sends traffic to $PORT (5000 unless"),
    ],
)
def test_addresses_the_platform_does_not_reach(address, default_port, says):
    problem = unreached(address)
    assert problem is not None
    assert problem.default_port is default_port
    assert says in problem.reason


@pytest.mark.parametrize(
    "address",
    [
        Address("0.0.0.0", "$PORT", "w"),
        Address("[::]", "${PORT:-5000}", "w"),
        Address("", "$X", "w"),
    ],
)
def test_addresses_it_reaches_or_cannot_tell(address):
    assert unreached(address) is None


def test_one_reachable_address_is_enough():
    args = ["app:app", "-b", "127.0.0.1:9000", "-b", ":$PORT"]
    assert unreached_everywhere("gunicorn", args, _nothing_set) is None
    problems = unreached_everywhere("gunicorn", ["app:app", "-b", "127.0.0.1:9000"], _nothing_set)
    assert problems is not None and len(problems) == 1


def test_settings_from_the_environment_are_not_guessed():
    assert (
        unreached_everywhere("uvicorn", ["main:app"], lambda name: name == "UVICORN_PORT") is None
    )
    problems = unreached_everywhere("uvicorn", ["main:app"], _nothing_set)
    assert problems is not None
    assert problems[0].reason.startswith("uvicorn without an address listens on 127.0.0.1")


def test_advice_names_each_servers_own_options():
    assert listen_advice("daphne") == "`-b 0.0.0.0 -p $PORT`"
    assert listen_advice("python3") == "`runserver 0.0.0.0:$PORT`"
