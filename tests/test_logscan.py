"""Reading logs fast without missing a line: anchors, blocks, line ends, encodings, ranges.

Whatever the block size, the anchors chosen, or the number of processes, a scan finds what
running every pattern over every cleaned line would find.
"""

from __future__ import annotations

import codecs
import gzip
import io
import random
import re

import pytest

from paasfix.diagnosis import logscan
from paasfix.diagnosis.logscan import Scanner, literals, plan_keys

PATTERNS = [
    ("fix-one", [r"Procfile error: ", r"mysql_config:? not found"]),
    (
        "fix-two",
        [r"Requested runtime .*? is not available for this stack", r"mysql_config:? not found"],
    ),
    (
        "fix-three",
        [
            r"greenlet/greenlet\.cpp[^\n]*\n(?:[^\n]*\n){0,2}[^\n]*error: command "
            r"'(?:[\w.-]*-)?gcc' failed",
            r"E: Unable to locate package \S*\r",
        ],
    ),
    ("fix-four", [r"解析应用进程信息\]? ?出错了", r"^Fatal: \w+$"]),
]


def scan(data: bytes, **kwargs):
    return Scanner(PATTERNS, **kwargs).scan(io.BytesIO(data))


def lines_of(result) -> dict[str, list[int]]:
    return {owner: [hit.line for hit in hits] for owner, hits in sorted(result.hits.items())}


# --- the literals every match contains --------------------------------------------------


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (r"Procfile error: ", [{b"procfile error: "}]),
        (
            r"Requested runtime .*? is not available",
            [{b"requested runtime "}, {b" is not available"}],
        ),
        (
            r"No matching distribution found for (blueking\.component\.|bkapigw\.)",  # "b" is factored out
            [{b"no matching distribution found for "}, {b"lueking.component.", b"kapigw."}],
        ),
        (
            r"Running setup\.py install for (mysqlclient|MySQL-python)",
            [{b"running setup.py install for "}, {b"mysqlclient", b"mysql-python"}],
        ),
        (r"greenlet\.cpp[^\n]*\n.*gcc' failed", [{b"greenlet.cpp"}]),  # only the first line
        (r"set: -\s*: invalid option", [{b"set: -"}]),
        (r"a(bc)?d", []),
        (r"解析应用进程信息", [{"解析应用进程信息".encode()}]),
    ],
)
def test_literals(pattern, expected):
    assert [set(alternatives) for alternatives in literals(pattern)] == expected


def test_a_frequent_anchor_gives_way_to_a_rarer_one():
    scanner = Scanner(
        [
            (
                "fix-x",
                [
                    r"Running setup\.py install for (mysqlclient|MySQL-python) "
                    r"\.\.\. error"
                ],
            )
        ]
    )
    quiet = plan_keys(scanner.patterns, [0], b"nothing to see here\n" * 1000)
    noisy = plan_keys(
        scanner.patterns, [0], b"Running setup.py install for six ... done\n".lower() * 50000
    )
    assert [set(anchors) for anchors in quiet.values()] == [{b"running setup.py install for "}]
    assert {a for anchors in noisy.values() for a in anchors} == {b"mysqlclient", b"mysql-python"}


def test_anchors_sharing_a_rare_piece_are_searched_through_it():
    scanner = Scanner(
        [
            (
                "fix-p",
                [
                    r"Procfile error: ",
                    r"Can not read Procfile file",
                    r"file \"Procfile\" must be dict type",
                ],
            )
        ]
    )
    keys = plan_keys(scanner.patterns, [0, 1, 2], b"collecting django\n" * 10000)
    assert list(keys) == [b"procfile"]


# --- what a scan finds --------------------------------------------------------------------

LOG = (
    "\x1b[1;32m-----> Installing\x1b[0m\n"
    "Procfile \x1b[1merror\x1b[0m: Can not read Procfile file from repository\n"
    "    gcc -c src/greenlet/greenlet.cpp -o greenlet.o\n"
    "    gcc: error trying to exec 'cc1plus'\n"
    "    error: command 'gcc' failed with exit status 1\n"
    "OSError: mysql_config not found\n"
    "步骤 [解析应用进程信息] 出错了，原因：x\n"
    "Fatal: boom\n"
    "E: Unable to locate package libssl-dev\r\n"
    "Requested runtime (python-3.6.2) is not available for this stack (heroku-18).\n"
).encode()
FOUND = {"fix-four": [7, 8], "fix-one": [2, 6], "fix-three": [3, 9], "fix-two": [6, 10]}


def test_finds_every_line_and_strips_colour():
    result = scan(LOG)
    assert lines_of(result) == FOUND
    assert (
        result.hits["fix-one"][0].text
        == "Procfile error: Can not read Procfile file from repository"
    )
    assert result.lines == 10


@pytest.mark.parametrize("block_size", [1, 2, 3, 7, 16, 61, 200])
def test_block_size_changes_nothing(block_size):
    assert lines_of(scan(LOG, block_size=block_size)) == FOUND


def test_a_crlf_log_keeps_a_stray_carriage_return_and_anchors_line_ends():
    crlf = LOG.replace(b"\n", b"\r\n")
    assert lines_of(scan(crlf)) == FOUND
    plain_crlf = crlf.replace(b"libssl-dev\r\r\n", b"libssl-dev\r\n")
    found = lines_of(scan(plain_crlf))
    assert found["fix-three"] == [3]


def test_random_logs_match_a_line_by_line_reference():
    rng = random.Random(5)
    pieces = [
        "Procfile error: x",
        "mysql_config not found",
        "Fatal: boom",
        "Fatal: two words",
        "noise line",
        "\x1b[31mnoise\x1b[0m",
        "中文噪音",
        "Requested runtime (x) is not available for this stack",
        "src/greenlet/greenlet.cpp",
        "error: command 'gcc' failed",
        "",
        "\xff\xfe broken",
        "procfile",
        "PROCFILE ERROR: X",
    ]
    compiled = [
        (owner, re.compile(p, re.IGNORECASE | re.MULTILINE))
        for owner, patterns in PATTERNS
        for p in patterns
    ]
    for _ in range(30):
        lines = [rng.choice(pieces) for _ in range(rng.randrange(1, 60))]
        data = "\n".join(lines).encode("utf-8", "surrogateescape")
        expected: dict[str, list[int]] = {}
        clean = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
        for number in range(len(clean)):
            window = "\n".join(clean[number : number + 4])
            for owner, regex in compiled:
                match = regex.search(window)
                if (
                    match
                    and match.start() <= len(clean[number])
                    and number + 1 not in expected.get(owner, [])
                ):
                    expected.setdefault(owner, []).append(number + 1)
        big = Scanner(PATTERNS, limit=1000).scan(io.BytesIO(data))
        small = Scanner(PATTERNS, limit=1000, block_size=5).scan(io.BytesIO(data))
        assert lines_of(big) == lines_of(small) == dict(sorted(expected.items()))


def test_invalid_utf8_and_a_gbk_line_do_not_stop_the_scan():
    data = "正在构建".encode("gbk") + b"\n\xff\xfe\xfd\nProcfile error: \xe4\xb8\n"
    result = scan(data)
    assert lines_of(result) == {"fix-one": [3]}
    assert result.hits["fix-one"][0].text == "Procfile error: \ufffd"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_a_log_with_a_byte_order_mark(codec):
    text = LOG.decode()
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert lines_of(scan(data, block_size=9)) == FOUND


def test_a_gzip_log():
    stream = logscan.open_log(io.BufferedReader(io.BytesIO(gzip.compress(LOG))))
    assert lines_of(Scanner(PATTERNS).scan(stream)) == FOUND


def test_an_overlong_line_is_scanned_in_pieces(monkeypatch):
    monkeypatch.setattr(logscan, "MAX_LINE", 1000)
    long_line = b"x" * 50_000 + b" Procfile error: in the middle " + b"y" * 50_000
    data = b"first\n" + long_line + b"\nOSError: mysql_config not found\n"
    result = scan(data, block_size=4096)
    assert lines_of(result) == {"fix-one": [2, 3], "fix-two": [3]}
    shown = result.hits["fix-one"][0].text
    assert "Procfile error:" in shown and len(shown) <= logscan.SHOWN_WIDTH + 2


def test_each_owner_keeps_its_first_lines_and_knows_there_are_more():
    data = b"".join(b"Procfile error: %d\n" % number for number in range(100))
    result = scan(data, limit=3, block_size=64)
    assert lines_of(result) == {"fix-one": [1, 2, 3]}
    assert result.more == {"fix-one"}


def test_a_large_file_scanned_in_parallel_gives_the_same_result(tmp_path, monkeypatch):
    rng = random.Random(11)
    lines = []
    for number in range(20_000):
        roll = rng.random()
        lines.append(
            "Procfile error: x"
            if roll < 0.001
            else "OSError: mysql_config not found"
            if roll < 0.002
            else f"Collecting package-{number}==1.0"
        )
    path = tmp_path / "big.log"
    path.write_bytes(("\n".join(lines) + "\n").encode())
    monkeypatch.setattr(logscan, "PARALLEL_MIN", 1000)
    monkeypatch.setattr(logscan, "_processors", lambda: 4)
    # A multi-line match that starts on the last line of the first range.
    with open(path, "rb") as log:
        boundary = logscan._line_start(log, path.stat().st_size // 4)
    data = path.read_bytes()
    head, tail = data[:boundary], data[boundary:]
    last_start = head.rstrip(b"\n").rfind(b"\n") + 1
    head = head[:last_start] + b"  gcc -c src/greenlet/greenlet.cpp\n"
    tail = b"  error: command 'gcc' failed\n" + tail
    path.write_bytes(head + tail)

    sequential = Scanner(PATTERNS, limit=1000).scan(io.BytesIO(path.read_bytes()))
    parallel = Scanner(PATTERNS, limit=1000).scan_file(str(path))
    assert lines_of(parallel) == lines_of(sequential)
    assert parallel.lines == sequential.lines == 20_001
    assert head.count(b"\n") in lines_of(parallel)["fix-three"]
