"""paasfix.formats.yamlio.Nodes: where a key path's value and a mapping's keys are written."""

from __future__ import annotations

import pytest

from paasfix.formats.yamlio import Nodes, YamlProblem, platform_load, round_trip_edit

TEXT = (
    "web: gunicorn app:app\n"
    "2: python two.py\n"
    "'on': python on.py\n"
    "base: &base\n"
    "  command: celery worker\n"
    "worker:\n"
    "  <<: *base\n"
    "  args: [-l, info]\n"
    "web: gunicorn wsgi\n"
)


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
    assert Nodes(TEXT).key_lines() == [
        ("web", 1),
        (2, 2),
        ("on", 3),
        ("base", 4),
        ("worker", 6),
        ("web", 9),
    ]
    assert Nodes(TEXT).key_lines(("web",)) == []


@pytest.mark.parametrize("text", ["web: [gunicorn", "? [a]\n: b\n", "a: *missing\n"])
def test_text_the_platform_cannot_load_has_no_nodes(text):
    assert Nodes.of(text) is None


def test_a_round_trip_edit_keeps_the_text_of_lines_it_does_not_change():
    text = (
        "spec_version: 2\n"
        "module:\n"
        "  language: python\n"
        "  svc_discovery: {bk_saas: [bk-iam,bk-user]}   # services\n"
        "  processes:\n"
        "    web:\n"
        "      command: gunicorn x\n"
    )

    def change(document):
        document["module"]["processes"]["web"]["command"] = "gunicorn y"

    assert round_trip_edit(text, change) == text.replace("gunicorn x", "gunicorn y")


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + level)}: &{chr(98 + level)} [{', '.join([f'*{chr(97 + level)}'] * 9)}]\n"
    for level in range(9)
)


@pytest.mark.parametrize(
    "text, needle",
    [
        (BOMB, "aliases expand it by more than"),
        ("a: &a [*a]\n", "refers to the value that contains it"),
        ("web: " + "[" * 30_000 + "]" * 30_000 + "\n", "nested more than 100 levels"),
        ("a:\n" + "".join(" " * level + f"k{level}:\n" for level in range(1, 200)), "nested more"),
        (
            "a: &a [[[[[[[[[[x]]]]]]]]]]\n"
            + "".join(f"b{n}: &b{n} [*{'a' if n == 0 else f'b{n - 1}'}]\n" for n in range(120)),
            "its aliases nest values",
        ),
        ("web: 2023-02-30\n", "day is out of range"),
        ("web: " + "9" * 5000 + "\n", "4300 digits"),
    ],
)
def test_documents_beyond_the_bounds_are_refused_before_construction(text, needle):
    with pytest.raises(YamlProblem) as refused:
        platform_load(text)
    assert needle in refused.value.message
    assert Nodes.of(text) is None


def _generated_lines(count: int) -> list[str]:
    """Procfile-like lines from a seeded generator: names YAML may read as numbers, booleans
    or null, commands with the characters a shell line holds, quoted or not."""
    import random

    rng = random.Random(10)
    names = ["web", "on", "No", "2", "1_0", "0x1f", "y", "null", "web-2", "w_1", "a" * 12]
    pieces = [
        "gunicorn",
        "app:app",
        "-b",
        ":$PORT",
        "a: b",
        "#1",
        " #x",
        "'q'",
        '"d"',
        "\\",
        "2023-02-30",
        "1:30",
        ".inf",
        "~",
        "-",
        "&a",
        "*a",
        "[x]",
        "{y}",
        "%(h)s",
        "@v",
        "é",
        "\t",
        ",",
        "=",
        "()",
    ]
    lines = []
    for _ in range(count):
        command = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))
        quote = rng.choice(["", "", "'", '"'])
        command = quote + command + quote
        lines.append(
            rng.choice(names)
            + rng.choice([": ", ":  ", ":", ":\t"])
            + command
            + rng.choice(["", " ", "  # c"])
        )
    return lines


def test_procfile_lines_load_exactly_as_pyyaml_loads_them():
    import yaml

    from paasfix.formats.yamlio import _simple_line

    lines = _generated_lines(4000)
    quick = 0
    for line in lines:
        try:
            expected = ("data", yaml.load(line, Loader=yaml.SafeLoader))
        except (yaml.YAMLError, ValueError) as exc:
            expected = ("error", type(exc).__name__)
        try:
            found = ("data", platform_load(line))
        except YamlProblem:
            found = ("error", expected[1])
        assert found == expected, line
        if _simple_line(line) is not None:
            quick += 1
            assert _simple_line(line) == expected[1], line
    assert quick > 100


def test_a_remembered_document_gives_new_data_each_time():
    text = "".join(f"p{n}: run {n}\n" for n in range(400))
    first = platform_load(text)
    first["p0"] = "changed"
    assert platform_load(text)["p0"] == "run 0"
    assert Nodes.of(text).data["p0"] == "run 0"


def test_a_text_longer_than_paasfix_loads_is_refused():
    from paasfix.formats.yamlio import MAX_DOCUMENT_SIZE

    text = "# " + "x" * MAX_DOCUMENT_SIZE + "\nweb: run\n"
    with pytest.raises(YamlProblem) as refused:
        platform_load(text)
    assert "longer than the 64 KiB paasfix loads" in refused.value.message
