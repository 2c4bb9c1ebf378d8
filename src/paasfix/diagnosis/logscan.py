"""Finding the lines of a build or deploy log that the fixers' log patterns match, fast.

Logs are large (a chatty build writes hundreds of megabytes), coloured, CRLF or LF, in Chinese
and English, and not always valid UTF-8. They are read as a stream of blocks and never held
whole. Running every pattern over every line would be slow, so:

- each pattern is reduced to literals that every match contains (``procfile error: ``,
  ``mysql_config``), and the rarest of them *in this log* (counted on its first block) becomes
  the pattern's *anchor*;
- anchors that share a distinctive piece (``procfile``) are looked for through that piece
  when one pass over the block then replaces several;
- each block's lower-cased bytes are searched for those pieces with plain substring search,
  and only the lines that hold one are decoded and tried with the full patterns.

A match starts on one line; a pattern may continue over the next :data:`WINDOW_LINES` lines
with an explicit ``\\n`` (pip prints some failures over two lines).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Optional, Protocol, Sequence

BLOCK_SIZE = 4 * 1024 * 1024
MAX_LINE = 1024 * 1024
"""A line longer than this (bytes) is scanned in pieces; a match across a cut is lost."""
WINDOW_LINES = 3
MIN_ANCHOR = 3
MIN_SHARED = 8
"""The shortest piece that several anchors are looked for through."""
MAX_KEY = 24
"""The longest piece of an anchor that is searched for (the rest is checked on the line)."""
SAMPLE_SIZE = 1024 * 1024
"""How much of a block the choice of anchors is based on."""
PASS_COST = 300
"""What one more substring search over a 4 MiB block costs, counted in candidate lines to
check (about 1 ms against about 3 µs)."""
SHOWN_WIDTH = 200
"""At most this many characters of a matched line are kept."""

_ANSI = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, erase line
    rb"|\][^\x07\x1b\n]*(?:\x07|\x1b\\)"  # OSC: window titles, hyperlinks
    rb"|[()][0-9A-Za-z]"  # character set selection
    rb"|[@-Z\\-_])"  # any other two-byte escape
)


class Readable(Protocol):
    """What a scan reads a log from: a binary file, or a part of one."""

    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True)
class LogPattern:
    """One distinct regular expression, who declared it, and the literals its matches hold."""

    source: str
    owners: tuple[str, ...]
    regex: re.Pattern[str]
    literals: tuple[frozenset[bytes], ...]
    """Sets of lower-cased UTF-8 literals; every match contains one literal of each set."""


@dataclass(frozen=True)
class Hit:
    """A pattern matched on a line (1-based) of the log; ``text`` is that line, cleaned."""

    line: int
    text: str
    pattern: str


@dataclass
class Scan:
    """The lines each owner's patterns matched, at most ``limit`` per owner."""

    hits: dict[str, list[Hit]] = field(default_factory=dict)
    more: set[str] = field(default_factory=set)
    """Owners with more matching lines than were kept."""
    lines: int = 0
    """Lines read."""
    newlines: int = 0


# --- the literals every match contains ----------------------------------------------------

# The regular expression parser (private, but stable since Python 3.7).
if sys.version_info >= (3, 11):
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
else:
    import sre_constants as _sre
    import sre_parse as _sre_parse

_Element = tuple[Any, Any]
"""An (opcode, argument) pair of the parser's tree; the argument's shape depends on the
opcode."""


def _literal_byte(code: int) -> Optional[bytes]:
    char = chr(code)
    if char == "\n" or (not char.isascii() and char.lower() != char.upper()):
        return None  # literals stay within a line, and bytes.lower() folds ASCII only
    return char.encode("utf-8").lower()


def _shortest(alternatives: frozenset[bytes]) -> int:
    return min(map(len, alternatives))


def _may_match_newline(op: Any, arg: Any) -> bool:
    """Whether a parsed element can match a line break (conservatively: yes when unsure)."""
    if op is _sre.LITERAL:
        return bool(arg == 10)
    if op is _sre.NOT_LITERAL:
        return bool(arg != 10)
    if op in (_sre.ANY, _sre.AT):
        return False  # without DOTALL, "." stops at line ends
    if op is _sre.IN:
        return any(
            item_op is _sre.NEGATE
            or (item_op is _sre.LITERAL and item_arg == 10)
            or (item_op is _sre.RANGE and item_arg[0] <= 10 <= item_arg[1])
            or (item_op is _sre.CATEGORY and item_arg in _NEWLINE_CATEGORIES)
            for item_op, item_arg in arg
        )
    if op is _sre.CATEGORY:
        return arg in _NEWLINE_CATEGORIES
    if op is _sre.SUBPATTERN:
        return any(_may_match_newline(*item) for item in arg[-1])
    if op is _sre.BRANCH:
        return any(_may_match_newline(*item) for branch in arg[1] for item in branch)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        return any(_may_match_newline(*item) for item in arg[2])
    return True


_NEWLINE_CATEGORIES = {_sre.CATEGORY_SPACE, _sre.CATEGORY_NOT_DIGIT, _sre.CATEGORY_NOT_WORD}


def _required(items: Iterable[_Element]) -> list[frozenset[bytes]]:
    """Sets of literals such that every match of the parsed ``items`` contains one literal of
    each set on the line where the match starts (a set has several members where the pattern
    branches)."""
    found: list[frozenset[bytes]] = []
    run = b""
    for op, arg in items:
        byte = _literal_byte(arg) if op is _sre.LITERAL else None
        if byte is not None:
            run += byte
            continue
        if run:
            found.append(frozenset([run]))
        run = b""
        if op is _sre.SUBPATTERN:
            found += _required(arg[-1])
        elif op is _sre.BRANCH:
            branches = [_required(branch) for branch in arg[1]]
            if all(branches):
                found.append(frozenset().union(*(max(b, key=_shortest) for b in branches)))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and arg[0] >= 1:
            found += _required(arg[2])
        if _may_match_newline(op, arg):
            break  # what follows may be on a later line
    if run:
        found.append(frozenset([run]))
    return [alternatives for alternatives in found if _shortest(alternatives) >= MIN_ANCHOR]


def literals(pattern: str) -> tuple[frozenset[bytes], ...]:
    """The sets of literals every case-insensitive match of ``pattern`` contains one of (empty
    when none of at least :data:`MIN_ANCHOR` bytes can be told)."""
    try:
        return tuple(dict.fromkeys(_required(_sre_parse.parse(pattern, re.IGNORECASE).data)))
    except Exception:  # an unfamiliar parse tree: the pattern is then tried on every line
        return ()


# --- reading -------------------------------------------------------------------------------


def utf8_blocks(stream: Readable, size: int = BLOCK_SIZE) -> Iterator[bytes]:
    """The stream's bytes in blocks, as UTF-8: a UTF-16 log (with its byte-order mark, as
    Windows tools save them) is converted, a UTF-8 byte-order mark dropped."""
    first = stream.read(size)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")("replace")
        block = first
        while block:
            yield decoder.decode(block).encode("utf-8")
            block = stream.read(size)
        yield decoder.decode(b"", final=True).encode("utf-8")
        return
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    block = first
    while block:
        yield block
        block = stream.read(size)


def strip_ansi(data: bytes) -> bytes:
    return _ANSI.sub(b"", data) if b"\x1b" in data else data


def _cut(data: bytes) -> int:
    """Where to stop scanning a block that more data follows: before its last
    :data:`WINDOW_LINES` complete lines and its unfinished line, which go with the next block.
    A block without that many lines waits for more, unless it is too long: then all but its
    last :data:`MAX_LINE` bytes are scanned (cut at a character boundary)."""
    cut = len(data)
    for _ in range(WINDOW_LINES + 1):
        cut = data.rfind(b"\n", 0, cut)
        if cut < 0:
            break
    else:
        return cut + 1
    if len(data) <= MAX_LINE * (WINDOW_LINES + 1):
        return 0
    cut = len(data) - MAX_LINE
    while cut > 0 and 0x80 <= data[cut] < 0xC0:
        cut -= 1
    return cut


def _shown(text: str, start: int, end: int) -> str:
    """The part of a line a reader needs: what a terminal shows after carriage returns
    (progress bars), without surrounding blanks, cut around the match when it is long."""
    left = text.rfind("\r", 0, start) + 1
    right = text.find("\r", end)
    segment = text[left : len(text) if right < 0 else right]
    start -= left
    if len(segment) > SHOWN_WIDTH:
        begin = max(0, min(start - SHOWN_WIDTH // 4, len(segment) - SHOWN_WIDTH))
        segment = (
            ("…" if begin else "")
            + segment[begin : begin + SHOWN_WIDTH]
            + ("…" if begin + SHOWN_WIDTH < len(segment) else "")
        )
    return segment.strip()


# --- choosing what to search for -----------------------------------------------------------


def _pass_time(length: int) -> float:
    """The time of one substring search by the needle's length, relative to the fastest
    (CPython's search is quickest for needles of about 16 to 32 bytes)."""
    return 1.0 if 16 <= length <= MAX_KEY else 2.0 if length >= 12 else 4.0


def plan_keys(
    patterns: Sequence[LogPattern], wanted: Sequence[int], sample: bytes
) -> dict[bytes, dict[bytes, list[int]]]:
    """What to search each block for: key -> {anchor -> indexes of the patterns to try}.

    A pattern's anchors are its longest set of literals, unless they are frequent in
    ``sample`` (lower-cased log text): then its rarest. Anchors that share a piece of at least
    :data:`MIN_SHARED` bytes are searched through that piece when the passes it saves
    (:data:`PASS_COST` each) outweigh the extra lines it finds in ``sample``; a long anchor is
    searched through its first :data:`MAX_KEY` bytes.
    """
    counts: dict[bytes, int] = {}

    def count(literal: bytes) -> int:
        if literal not in counts:
            counts[literal] = sample.count(literal)
        return counts[literal]

    scale = PASS_COST * max(len(sample), 1) / BLOCK_SIZE
    anchors: dict[bytes, list[int]] = {}
    for index in wanted:
        choices = sorted(patterns[index].literals, key=_shortest, reverse=True)
        best = choices[0]
        if sum(map(count, best)) > scale:
            best = min(choices, key=lambda alternatives: sum(map(count, alternatives)))
        for anchor in best:
            anchors.setdefault(anchor, []).append(index)
    for anchor in sorted(anchors, key=len):  # a search for "abc" also finds "xabcx"
        for other in [o for o in anchors if o != anchor and anchor in o]:
            if anchor in anchors:
                anchors[anchor] += anchors.pop(other)
    keys: dict[bytes, dict[bytes, list[int]]] = {}
    uncovered = set(anchors)
    pieces = _shared_pieces(anchors)

    def gain(piece: bytes) -> float:
        covered = pieces[piece] & uncovered
        saved = sum(_pass_time(len(a)) for a in covered) - _pass_time(len(piece))
        if len(covered) < 2 or saved <= 0:
            return 0.0
        return saved * scale - (count(piece) - sum(map(count, covered)))

    while pieces:
        piece = max(pieces, key=lambda p: (gain(p), len(p)))
        if gain(piece) <= 0:
            break
        covered = pieces.pop(piece) & uncovered
        keys[piece] = {anchor: anchors[anchor] for anchor in sorted(covered)}
        uncovered -= covered
    for anchor in sorted(uncovered):
        keys.setdefault(_key_of(anchor, count), {})[anchor] = anchors[anchor]
    return keys


def _key_of(anchor: bytes, count: Callable[[bytes], int]) -> bytes:
    """The piece of an anchor to search for: all of it, or for a long one its start or its end,
    whichever is rarer in the sample."""
    if len(anchor) <= MAX_KEY:
        return anchor
    return min((anchor[:MAX_KEY], anchor[-MAX_KEY:]), key=count)


def _shared_pieces(anchors: Iterable[bytes]) -> dict[bytes, frozenset[bytes]]:
    """Pieces of :data:`MIN_SHARED` to :data:`MAX_KEY` bytes found in several anchors: the
    longest piece for each group of anchors."""
    holders: dict[bytes, set[bytes]] = {}
    for anchor in anchors:
        for start in range(len(anchor) - MIN_SHARED + 1):
            for end in range(start + MIN_SHARED, min(len(anchor), start + MAX_KEY) + 1):
                holders.setdefault(anchor[start:end], set()).add(anchor)
    longest: dict[frozenset[bytes], bytes] = {}
    for piece, holding in holders.items():
        if len(holding) > 1:
            group = frozenset(holding)
            if group not in longest or len(piece) > len(longest[group]):
                longest[group] = piece
    return {piece: group for group, piece in longest.items()}


# --- scanning ------------------------------------------------------------------------------


class Scanner:
    """Matches a log against the patterns that owners (fixer ids) declare."""

    def __init__(
        self,
        declared: Sequence[tuple[str, Sequence[str]]],
        limit: int = 3,
        block_size: int = BLOCK_SIZE,
    ):
        owners_of: dict[str, list[str]] = {}
        for owner, sources in declared:
            for source in sources:
                owners = owners_of.setdefault(source, [])
                if owner not in owners:
                    owners.append(owner)
        self.patterns = [
            LogPattern(
                source,
                tuple(owners),
                re.compile(source, re.IGNORECASE | re.MULTILINE),
                literals(source),
            )
            for source, owners in owners_of.items()
        ]
        self.limit = limit
        self.block_size = block_size

    def scan(self, stream: Readable, lookahead: bytes = b"") -> Scan:
        """Scan a stream of log bytes. ``lookahead`` is the text that follows the stream in the
        log: patterns may run on into it, but no match starts there."""
        state = _State(self)
        carry = b""
        blocks = utf8_blocks(stream, self.block_size)
        block = next(blocks, b"")
        while True:
            following = next(blocks, None)
            data = strip_ansi(carry + block)
            cut = len(data)
            if following is not None:
                cut = _cut(data)
            elif lookahead:
                data += strip_ansi(lookahead)
            state.block(data, cut)
            if following is None or state.done():
                return state.result
            carry = data[cut:]
            block = following

    def scan_file(self, path: str) -> Scan:
        """Scan a log file. A large one is cut into ranges of whole lines, scanned by as many
        processes as there are processors (each reading only its range), and their results
        joined as one scan would have found them."""
        size = os.path.getsize(path)
        workers = _processors()
        with open(path, "rb") as log:
            splittable = not log.read(4).startswith(_NOT_SPLITTABLE)
            if size < PARALLEL_MIN or workers < 2 or not splittable or not _can_fork():
                log.seek(0)
                return self.scan(open_log(log))
            bounds = (
                [0]
                + [_line_start(log, size * part // workers) for part in range(1, workers)]
                + [size]
            )
        ranges = [(path, start, end) for start, end in zip(bounds, bounds[1:]) if end > start]
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(
            len(ranges),
            mp_context=multiprocessing.get_context("fork"),
            initializer=_set_worker_scanner,
            initargs=(self,),
        ) as pool:
            return _join(list(pool.map(_scan_range, ranges)), self.limit)


class _State:
    """One scan: what it has found, and what it still looks for."""

    REPLAN_AFTER = 20 * PASS_COST
    """Candidate lines without an anchor, in one block, that make it choose its keys again
    (on that block; at most once in :data:`REPLAN_EVERY` blocks)."""
    REPLAN_EVERY = 16

    def __init__(self, scanner: Scanner):
        self.patterns = scanner.patterns
        self.limit = scanner.limit
        self.result = Scan()
        self.line_base = 0
        self.crlf: Optional[bool] = None
        self.keys: Optional[dict[bytes, dict[bytes, list[int]]]] = None
        self.blocks_since_plan = 0
        self.seen: set[tuple[str, int]] = set()

    def _wanted(self, index: int) -> bool:
        return any(owner not in self.result.more for owner in self.patterns[index].owners)

    def done(self) -> bool:
        return not any(self._wanted(index) for index in range(len(self.patterns)))

    def block(self, data: bytes, cut: int) -> None:
        if self.crlf is None:
            self.crlf = data.count(b"\r\n") * 2 > data.count(b"\n")
        lowered = data.lower()
        keys = self.keys if self.keys is not None else self._plan(lowered[:SAMPLE_SIZE])
        ascii_only = data.isascii()
        hits = []
        for key, anchors in keys.items():
            if ascii_only and not key.isascii():
                continue
            found = lowered.find(key, 0, cut)
            while found >= 0:
                hits.append((found, anchors))
                line_end = lowered.find(b"\n", found)
                if line_end < 0:
                    break
                found = lowered.find(key, line_end + 1, cut)
        hits.sort(key=lambda hit: hit[0])
        counted_to, line, misses = 0, self.line_base + 1, 0
        for offset, anchors in hits:
            line += data.count(b"\n", counted_to, offset)
            counted_to = offset
            if not self._try(data, lowered, offset, line, anchors):
                misses += 1
        if any(not pattern.literals for pattern in self.patterns):
            self._unanchored(data, cut)
        self.line_base += data.count(b"\n", 0, cut)
        unfinished = cut and data[cut - 1 : cut] != b"\n"
        self.result.lines = self.line_base + (1 if unfinished else 0)
        self.result.newlines = self.line_base
        self.blocks_since_plan += 1
        if misses > self.REPLAN_AFTER and self.blocks_since_plan >= self.REPLAN_EVERY:
            self._plan(lowered[:SAMPLE_SIZE])
        elif self.result.more:
            self._drop_finished()

    def _plan(self, sample: bytes) -> dict[bytes, dict[bytes, list[int]]]:
        wanted = [
            index
            for index, pattern in enumerate(self.patterns)
            if pattern.literals and self._wanted(index)
        ]
        self.keys = plan_keys(self.patterns, wanted, sample)
        self.blocks_since_plan = 0
        return self.keys

    def _drop_finished(self) -> None:
        if self.keys is None:
            return
        keys = {}
        for key, anchors in self.keys.items():
            kept = {
                anchor: indexes
                for anchor, indexes in anchors.items()
                if any(self._wanted(index) for index in indexes)
            }
            if kept:
                keys[key] = kept
        self.keys = keys

    def _try(
        self, data: bytes, lowered: bytes, offset: int, line: int, anchors: dict[bytes, list[int]]
    ) -> bool:
        """Try the patterns whose anchor is on the line at ``offset``; whether one was."""
        start = lowered.rfind(b"\n", 0, offset) + 1
        line_end = lowered.find(b"\n", offset)
        if line_end < 0:
            line_end = len(lowered)
        text_line = lowered[start:line_end]
        indexes = [
            index
            for anchor, found in anchors.items()
            if anchor in text_line
            for index in found
            if self._wanted(index)
        ]
        if not indexes:
            return False
        end = line_end
        for _ in range(WINDOW_LINES):
            if end >= len(data):
                break
            end = data.find(b"\n", end + 1)
            if end < 0:
                end = len(data)
        text = data[start:end].decode("utf-8", "replace")
        if self.crlf:
            text = text.replace("\r\n", "\n")
        first_end = text.find("\n")
        if first_end < 0:
            first_end = len(text)
        for index in dict.fromkeys(indexes):
            match = self.patterns[index].regex.search(text)
            if match and match.start() <= first_end:
                self._record(
                    index, line, text[:first_end], match.start(), min(match.end(), first_end)
                )
        return True

    def _unanchored(self, data: bytes, cut: int) -> None:
        """Patterns without a usable literal: tried over the whole block."""
        text = data[:cut].decode("utf-8", "replace")
        if self.crlf:
            text = text.replace("\r\n", "\n")
        for index, pattern in enumerate(self.patterns):
            if pattern.literals:
                continue
            counted_to, line = 0, self.line_base + 1
            for match in pattern.regex.finditer(text):
                if not self._wanted(index):
                    break
                line += text.count("\n", counted_to, match.start())
                counted_to = match.start()
                start = text.rfind("\n", 0, match.start()) + 1
                end = text.find("\n", match.start())
                end = len(text) if end < 0 else end
                self._record(
                    index,
                    line,
                    text[start:end],
                    match.start() - start,
                    min(match.end(), end) - start,
                )

    def _record(self, index: int, line: int, text: str, start: int, end: int) -> None:
        pattern = self.patterns[index]
        for owner in pattern.owners:
            if (owner, line) in self.seen or owner in self.result.more:
                continue
            self.seen.add((owner, line))
            kept = self.result.hits.setdefault(owner, [])
            if len(kept) < self.limit:
                kept.append(Hit(line, _shown(text.rstrip("\r"), start, end), pattern.source))
            else:
                self.result.more.add(owner)


# --- large files, in parallel -----------------------------------------------------------------

PARALLEL_MIN = 64 * 1024 * 1024
MAX_PROCESSES = 8
_NOT_SPLITTABLE = (b"\x1f\x8b", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
"""gzip and UTF-16 logs are read from their start to their end."""


def open_log(stream: BinaryIO) -> Readable:
    """The log's bytes: a gzip-compressed log (a downloaded ``build.log.gz``) is decompressed
    as it is read."""
    peek = getattr(stream, "peek", None)
    head = peek(2)[:2] if peek else b""
    if head == b"\x1f\x8b":
        import gzip

        return gzip.GzipFile(fileobj=stream)
    return stream


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _processors() -> int:
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:
        count = os.cpu_count() or 1
    return min(count, MAX_PROCESSES)


def _line_start(log: BinaryIO, offset: int) -> int:
    """The start of the first line at or after ``offset`` (a line longer than
    :data:`MAX_LINE` is cut)."""
    log.seek(offset)
    position = offset
    while position - offset < MAX_LINE:
        chunk = log.read(64 * 1024)
        if not chunk:
            return position
        found = chunk.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(chunk)
    return position


class _Range:
    """The bytes of ``log`` from ``start`` to ``end``, read on demand."""

    def __init__(self, log: BinaryIO, start: int, end: int):
        log.seek(start)
        self.log = log
        self.left = end - start

    def read(self, size: int) -> bytes:
        data = self.log.read(min(size, self.left))
        self.left -= len(data)
        return data


_worker_scanner: Optional[Scanner] = None


def _set_worker_scanner(scanner: Scanner) -> None:
    global _worker_scanner
    _worker_scanner = scanner


def _scan_range(job: tuple[str, int, int]) -> Scan:
    path, start, end = job
    with open(path, "rb") as log:
        log.seek(end)
        lookahead = log.read(64 * 1024)
        lines_ahead = lookahead.split(b"\n", WINDOW_LINES)
        lookahead = b"\n".join(lines_ahead[:WINDOW_LINES])
        assert _worker_scanner is not None, "set by the pool's initializer"
        return _worker_scanner.scan(_Range(log, start, end), lookahead)


def _join(parts: Sequence[Scan], limit: int) -> Scan:
    """One scan's result from the scans of consecutive ranges of whole lines."""
    joined = Scan()
    for part in parts:
        for owner, hits in part.hits.items():
            kept = joined.hits.setdefault(owner, [])
            for hit in hits:
                if len(kept) < limit:
                    kept.append(Hit(hit.line + joined.newlines, hit.text, hit.pattern))
                else:
                    joined.more.add(owner)
        joined.more |= part.more
        joined.lines = joined.newlines + part.lines
        joined.newlines += part.newlines
    return joined
