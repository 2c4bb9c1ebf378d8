"""paasfix.yamlio.Nodes: where a key path's value and a mapping's keys are written."""

from __future__ import annotations

import pytest

from paasfix.yamlio import Nodes

TEXT = ("web: gunicorn app:app\n"
        "2: python two.py\n"
        "'on': python on.py\n"
        "base: &base\n"
        "  command: celery worker\n"
        "worker:\n"
        "  <<: *base\n"
        "  args: [-l, info]\n"
        "web: gunicorn wsgi\n")


def test_keys_are_matched_by_their_loaded_value_and_the_later_duplicate_wins():
    nodes = Nodes(TEXT)
    assert nodes.line(("web",)) == 9
    assert nodes.line((2,)) == 2
    assert nodes.line(("on",)) == 3
    assert nodes.line(("2",)) is None
    assert nodes.data["web"] == "gunicorn wsgi"


def test_sequence_items_and_merged_values_are_found_where_they_are_written():
    nodes = Nodes(TEXT)
    assert nodes.node(("worker", "args", 1)).value == "info"
    assert nodes.node(("worker", "args", 2)) is None
    assert nodes.line(("worker", "command")) == 5
    key, value = nodes.pair(("worker", "command"))
    assert (key.start_mark.line, value.value) == (4, "celery worker")


def test_key_lines_keep_file_order_and_duplicates():
    assert Nodes(TEXT).key_lines() == [("web", 1), (2, 2), ("on", 3), ("base", 4),
                                       ("worker", 6), ("web", 9)]
    assert Nodes(TEXT).key_lines(("web",)) == []


@pytest.mark.parametrize("text", ["web: [gunicorn", "? [a]\n: b\n", "a: *missing\n"])
def test_text_the_platform_cannot_load_has_no_nodes(text):
    assert Nodes.of(text) is None
