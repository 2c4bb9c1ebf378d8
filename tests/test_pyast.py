"""Python files are parsed safely from many threads at once, as ``paasfix fleet`` does."""

from __future__ import annotations

import threading
import time

import pytest

from paasfix.formats import pyast

SOURCE = "\n".join(
    f"def f{index}(a, b=[1, 2], *c, **d):\n    return {{'x': [a, (b, c)]}}\n" for index in range(60)
)


class _LetsOthersRun:
    """Garbage whose finalizer gives the other threads a turn (as GitPython's objects do)."""

    def __init__(self):
        self.cycle = self

    def __del__(self):
        time.sleep(0)


def test_threads_parsing_while_finalizers_run_all_succeed():
    errors: list[str] = []

    def work() -> None:
        for _ in range(40):
            for _ in range(50):
                _LetsOthersRun()
            try:
                pyast.parse(SOURCE, "app.py")
            except SystemError as exc:  # CPython 3.11 without the lock
                errors.append(str(exc))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_errors_are_those_of_ast_parse():
    assert pyast.parse("x = 1\n").body[0].targets[0].id == "x"
    with pytest.raises(SyntaxError) as caught:
        pyast.parse("def f(:\n", "broken.py")
    assert caught.value.filename == "broken.py"
