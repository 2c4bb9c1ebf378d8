"""YAML as the platform reads it (PyYAML ``safe_load``) and as paasfix edits it (ruamel.yaml).

The platform decides whether a file is valid, so every check goes through
:func:`platform_load`. Edits go through a ruamel.yaml round trip that keeps comments, key order,
quoting and the file's indentation.
"""

from __future__ import annotations

import io
import re
import threading
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

if TYPE_CHECKING:
    import yaml
    from ruamel.yaml import YAML


class YamlProblem(Exception):
    """YAML the platform cannot load; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


MAX_DOCUMENT_SIZE = 64 * 1024
"""The largest Procfile or app_desc.yaml paasfix reads, in bytes (and the longest text it
loads as YAML, in characters).

PyYAML's pure-Python loader, the one the platform uses (the C loader reads some edge cases
differently), reads about 100 KB a second, and checking a Procfile loads it whole and line by
line. Real process definitions are a few KiB: the platform runs at most 16 processes per
module, and the largest description among BlueKing's own applications (bk-sops, four modules)
is about 14 KB. A larger file is reported as one that cannot be read, never cut short."""

MAX_DEPTH = 100
"""How deeply collections may nest, aliases followed; deeper documents are refused before the
parser's recursion (and every recursive walk of the loaded data) could run out of stack."""

MAX_ALIAS_GROWTH = 1_000_000
"""How many values and characters aliases may add to a document when they are expanded; a
document of nested aliases (a "billion laughs") grows exponentially, so it is measured on the
composed node graph, before anything is constructed."""


def _bounded_loader() -> type[yaml.SafeLoader]:
    """A ``yaml.SafeLoader`` subclass that refuses documents nested deeper than MAX_DEPTH, whose
    aliases expand beyond MAX_ALIAS_GROWTH or refer to themselves, and that reports values it
    cannot construct (an invalid date, an integer too long for Python) as YamlProblem."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        _depth = 0
        anchors_seen = False

        def compose_node(self, parent: Optional[yaml.Node], index: int) -> Optional[yaml.Node]:
            if self.check_event(yaml.AliasEvent):
                self.anchors_seen = True
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    # types-PyYAML leaves Parser.peek_event unannotated.
                    event = self.peek_event()  # type: ignore[no-untyped-call]
                    mark = event.start_mark
                    raise YamlProblem(
                        f"values are nested more than {MAX_DEPTH} levels deep", mark.line + 1
                    )
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def get_single_node(self) -> Optional[yaml.Node]:
            node = super().get_single_node()
            if node is not None and self.anchors_seen:
                _check_expansion(node)
            return node

        def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (ValueError, OverflowError) as exc:
                reason = str(exc).split(";")[0].split(": value has")[0]
                raise YamlProblem(
                    f"the value {_excerpt(node)} cannot be constructed ({reason})",
                    node.start_mark.line + 1,
                ) from None

    _LOADER = BoundedLoader
    return _LOADER


_LOADER: Optional[type[yaml.SafeLoader]] = None


def _excerpt(node: Any) -> str:
    value = node.value if isinstance(node.value, str) else ""
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: Any) -> None:
    """Raise YamlProblem when following the aliases of the composed document ``root`` nests it
    deeper than MAX_DEPTH, grows it by more than MAX_ALIAS_GROWTH, or never ends (an alias
    inside the value it names). Each node is visited once: the weight (values and characters)
    and depth of its expansion are remembered by identity."""
    weight: dict[int, int] = {}
    depth: dict[int, int] = {}
    written = 0
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            children = _children(node)
            own = 1 + (len(node.value) if isinstance(node.value, str) else 0)
            weight[key] = own + sum(weight[id(child)] for child in children)
            depth[key] = 1 + max((depth[id(child)] for child in children), default=0)
            written += own
            open_nodes.discard(key)
            if depth[key] > MAX_DEPTH:
                raise YamlProblem(
                    f"its aliases nest values more than {MAX_DEPTH} levels deep",
                    node.start_mark.line + 1,
                )
            continue
        if key in weight:
            continue
        if key in open_nodes:
            raise YamlProblem(
                "an alias refers to the value that contains it, so the value never ends",
                node.start_mark.line + 1,
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in weight)
    if weight[id(root)] - written > MAX_ALIAS_GROWTH:
        raise YamlProblem(
            f"its aliases expand it by more than {MAX_ALIAS_GROWTH:,} values and "
            'characters (nested aliases, a "billion laughs")'
        )


def _load_problem(exc: BaseException) -> YamlProblem:
    """The YamlProblem of an exception raised while loading."""
    import yaml

    if isinstance(exc, YamlProblem):
        return exc
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        return YamlProblem(exc.problem or exc.context or "invalid YAML", line)
    if isinstance(exc, RecursionError):
        return YamlProblem("values are nested too deeply")
    return YamlProblem(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


_BRACKETS_RE = re.compile(
    r"""[\[\]{}]|(?:(?<=^)|(?<=[\s\[{,:]))(?:'(?:[^']|'')*'|"(?:[^"\\]|\\.)*")""", re.DOTALL
)
"""A bracket, or a quoted scalar (skipped whole) where one can begin."""


def _check_flow_depth(text: str) -> None:
    """Refuse brackets nested deeper than MAX_DEPTH before PyYAML scans them: its scanner keeps
    a possible key for every open flow collection and looks at all of them at each token, so
    its time grows with the square of the nesting. Brackets in quoted scalars are skipped;
    those in plain scalars are counted, which can only make the count larger."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for match in _BRACKETS_RE.finditer(text):
        char = match.group()
        if char in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                raise YamlProblem(f"values are nested more than {MAX_DEPTH} levels deep", line)
        elif char in ("]", "}"):
            depth = max(depth - 1, 0)


REMEMBERED_SIZE = 4096
"""Texts at least this long are composed once and remembered (the last few of them): fixers,
the project and the changeset load the same Procfile or app_desc.yaml several times, and
PyYAML's pure-Python loader reads only about 100 KB a second. Shorter texts are loaded again."""


_SIMPLE_LINE_RE = re.compile(
    r"(?P<key>[A-Za-z0-9][A-Za-z0-9_-]*): +(?:"
    r"(?P<plain>(?:[A-Za-z0-9_./$]|:(?=[^ ]))(?:[A-Za-z0-9_./$=,@%+~^() -]|:(?=[^ ]))*?)"
    r"|'(?P<single>(?:[ -&(-~]|'')*)'"
    r"|\"(?P<double>[ !#-\[\]-~]*)\""
    r") *"
)
"""A line ``name: command`` whose name is a plain scalar of letters, digits, ``_`` and ``-``,
and whose command is a plain scalar of characters that mean nothing special to YAML (no quote,
indicator, ``#``, ``: `` or tab), or a single-quoted or double-quoted scalar of printable ASCII
characters without escapes: most Procfile lines, and the quoting fix-procfile-yaml writes."""


def _simple_line(text: str) -> Optional[dict[str, str]]:
    """What the platform's loader makes of ``text`` when it is a :data:`_SIMPLE_LINE_RE` line
    whose plain scalars the loader's resolver takes as strings; None for any other text. The
    same result as loading it, without the cost of a loader for each line."""
    match = _SIMPLE_LINE_RE.fullmatch(text)
    if match is None:
        return None
    key, plain, single, double = match.group("key", "plain", "single", "double")
    resolve = _resolver()
    if resolve(key) != _STR_TAG or plain is not None and resolve(plain) != _STR_TAG:
        return None
    if plain is not None:
        return {key: plain}
    return {key: single.replace("''", "'") if single is not None else double}


_STR_TAG = "tag:yaml.org,2002:str"


def _resolver() -> Callable[[str], str]:
    """The tag the platform's loader gives a plain scalar (its implicit resolvers)."""
    global _RESOLVE
    if _RESOLVE is None:
        import yaml

        resolver = yaml.resolver.Resolver()

        def _resolve(value: str) -> str:
            # types-PyYAML leaves BaseResolver.resolve unannotated; it returns a tag.
            tag: str = resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, value, (True, False)
            )
            return tag

        _RESOLVE = _resolve
    return _RESOLVE


_RESOLVE: Optional[Callable[[str], str]] = None


def platform_load(text: str) -> Any:
    """Load like the platform does (``yaml.safe_load``), raising YamlProblem with a line.

    Documents the platform's loader would take unbounded time or memory on, or could not
    construct, are refused the same way (see :func:`_bounded_loader`). Each call returns new
    data, which the caller may change."""
    if len(text) >= REMEMBERED_SIZE:
        document = _document(text)
        if isinstance(document, YamlProblem):
            raise YamlProblem(document.message, document.line)
        return document.construct()
    simple = _simple_line(text)
    return simple if simple is not None else _compose(text)[1]


def _compose(text: str) -> tuple[Optional[yaml.Node], Any]:
    """(root node, data) of ``text`` loaded as :func:`platform_load` loads it."""
    import yaml

    if len(text) > MAX_DOCUMENT_SIZE:
        raise YamlProblem(
            f"it is longer than the {MAX_DOCUMENT_SIZE // 1024} KiB paasfix loads as YAML"
        )
    _check_flow_depth(text)
    loader = _bounded_loader()(text)
    try:
        root = loader.get_single_node()
        return root, loader.construct_document(root) if root is not None else None
    except (yaml.YAMLError, YamlProblem, RecursionError, TypeError) as exc:
        raise _load_problem(exc) from None
    finally:
        loader.dispose()


def _document(text: str) -> "Nodes | YamlProblem":
    """The nodes of ``text``, or why the platform cannot load it; the last few are remembered."""
    with _COMPOSED_LOCK:
        if text in _COMPOSED:
            _COMPOSED[text] = _COMPOSED.pop(text)
            return _COMPOSED[text]
    try:
        document: Nodes | YamlProblem = Nodes(text)
    except YamlProblem as problem:
        document = problem
    with _COMPOSED_LOCK:
        _COMPOSED[text] = document
        while len(_COMPOSED) > 4:
            del _COMPOSED[next(iter(_COMPOSED))]
    return document


def reading(text: str) -> Any:
    """What the platform makes of ``text``: the loaded data, or the YamlProblem that stops it.
    Every text is remembered (short ones up to a total size), so asking again about a line or
    a file costs nothing; treat the data as read-only (:func:`platform_load` gives a copy to
    change)."""
    if len(text) >= REMEMBERED_SIZE:
        document = _document(text)
        return document if isinstance(document, YamlProblem) else document.data
    simple = _simple_line(text)
    if simple is not None:
        return simple
    with _COMPOSED_LOCK:
        if text in _READINGS:
            return _READINGS[text]
    try:
        found = _compose(text)[1]
    except YamlProblem as problem:
        found = problem
    with _COMPOSED_LOCK:
        if _READINGS_SIZE[0] + len(text) > MAX_READINGS_SIZE:
            _READINGS.clear()
            _READINGS_SIZE[0] = 0
        _READINGS[text] = found
        _READINGS_SIZE[0] += len(text)
    return found


def loads_as(text: str, expected: Any) -> bool:
    """Whether the platform loads ``text`` to exactly ``expected``."""
    found = reading(text)
    return not isinstance(found, YamlProblem) and found == expected


def _round_trip(indent: int = 2, block_seq_indent: int = 0, sequence: Optional[int] = None) -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    sequence = max(sequence or indent, block_seq_indent + 2)
    yaml.indent(mapping=indent, sequence=sequence, offset=block_seq_indent)
    return yaml


_KEY_ONLY_RE = re.compile(r"^[^\s#'\"-][^#]*:(\s+[&!]\S+)*(\s+#.*)?$")
"""A ``key:`` line (maybe with an anchor or a tag) whose value is on the lines below."""


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """(indent, stripped) of every line that holds YAML content (not blank, not a comment)."""
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield len(line) - len(line.lstrip(" ")), stripped


def guess_indentation(text: str) -> tuple[Optional[int], Optional[int], Optional[int]]:
    """(mapping indent, sequence indent, dash offset) as the file writes them; None when unseen.

    The mapping indent comes from the first key whose value is a nested mapping, the sequence
    indent and dash offset from the first block sequence under a key.
    """
    mapping = sequence = offset = None
    parent: Optional[int] = None
    for indent, stripped in _content_lines(text):
        if parent is not None and indent >= parent:
            if stripped.startswith("- ") or stripped == "-":
                if sequence is None:
                    rest = stripped[1:]
                    offset = indent - parent
                    sequence = offset + 1 + len(rest) - len(rest.lstrip(" "))
            elif mapping is None and indent > parent:
                mapping = indent - parent
        if mapping is not None and sequence is not None:
            break
        parent = indent if _KEY_ONLY_RE.match(stripped) else None
    return mapping, sequence, offset


class RoundTrip:
    """A ruamel.yaml document loaded with the source's indentation, ready to edit and dump."""

    def __init__(self, text: str):
        mapping, sequence, offset = guess_indentation(text)
        mapping = mapping or 2
        offset = offset or 0
        self._yaml = _round_trip(mapping, offset, sequence)
        self.data = self._yaml.load(text)
        self._explicit_start = text.lstrip().startswith("---")
        self._text = text
        self._unchanged = self._dump()

    def _dump(self) -> str:
        out = io.StringIO()
        if self._explicit_start:
            self._yaml.explicit_start = True
        self._yaml.dump(self.data, out)
        return out.getvalue()

    def dump(self) -> str:
        """The edited document. ruamel.yaml writes some lines its own way (``[a,b]`` as
        ``[a, b]``); the lines an edit did not change keep the source's text when the
        unedited dump has the source's lines one for one."""
        return _keep_untouched(self._text, self._unchanged, self._dump())


def _keep_untouched(source: str, unchanged: str, edited: str) -> str:
    """``edited`` with each line that equals its line in ``unchanged`` written as in ``source``
    (``unchanged`` is the round trip of ``source`` without the edit). Only the changed region
    between the common first and last lines is compared, so one edit costs linear time."""
    old, base, new = source.split("\n"), unchanged.split("\n"), edited.split("\n")
    if len(old) != len(base) or unchanged == source:
        return edited
    head = 0
    while head < min(len(base), len(new)) and base[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(base), len(new)) - head and base[-1 - tail] == new[-1 - tail]:
        tail += 1
    kept = old[:head] + new[head : len(new) - tail] + old[len(old) - tail :]
    result = "\n".join(kept)
    try:
        same = platform_load(result) == platform_load(edited)
    except YamlProblem:
        same = False
    return result if same else edited


def round_trip_edit(text: str, change: Callable[[Any], None]) -> Optional[str]:
    """``text`` after ``change`` edited its round-trip data in place; None when that fails
    (ruamel.yaml refuses some files PyYAML reads: duplicate keys, for one)."""
    try:
        document = RoundTrip(text)
        change(document.data)
        return document.dump()
    except Exception:
        return None


def dump_new(data: Any) -> str:
    """Dump a new document in block style with 2-space indentation."""
    out = io.StringIO()
    _round_trip().dump(data, out)
    return out.getvalue()


# -- where things are written ----------------------------------------------------------------

Path = tuple[Any, ...]
"""A path of mapping keys and sequence indexes inside a YAML document."""


class Nodes:
    """A document composed as the platform's loader (PyYAML ``SafeLoader``) composes it, to
    find where each value and each key is written.

    A path step matches a mapping key by its loaded value (``2`` finds the key written ``2``,
    ``"on"`` the key written ``'on'``) and a sequence item by its index. A key written twice
    resolves to the later one, as in the loaded data; merge keys (``<<``) are resolved as the
    loader resolves them, so a merged value is found where its anchor writes it.
    """

    def __init__(self, text: str):
        """Raises YamlProblem when the text does not load as :func:`platform_load` loads it.
        A text composed recently is not composed again: the nodes are shared, the data new."""
        import yaml

        with _COMPOSED_LOCK:
            known = _COMPOSED.get(text)
        if isinstance(known, YamlProblem):
            raise YamlProblem(known.message, known.line)
        self.root: Optional[yaml.Node]
        self.data: Any
        if known is not None:
            self.root, self.data = known.root, known.construct()
        else:
            self.root, self.data = _compose(text)
        self.text = text
        self._keys = yaml.constructor.SafeConstructor()
        self._indexes: dict[int, dict[Any, tuple[Any, Any]]] = {}
        """Per mapping node: each loaded key -> (key node, value node), a later key winning."""

    @classmethod
    def of(cls, text: str) -> Optional["Nodes"]:
        """The nodes of ``text``, None when the platform cannot load it. The last few texts
        are remembered, since several fixers ask about the same file; treat the result as
        read-only."""
        document = _document(text)
        return None if isinstance(document, YamlProblem) else document

    def construct(self) -> Any:
        """New data loaded from the nodes, equal to :attr:`data`."""
        if self.root is None:
            return None
        loader = _bounded_loader()("")
        try:
            return loader.construct_document(self.root)
        finally:
            loader.dispose()

    def pairs(self, path: Path = ()) -> list[tuple[Any, Any, Any]]:
        """(loaded key, key node, value node) of every entry of the mapping at ``path``, in the
        order they are written, keys written twice included; empty when it is not a mapping."""
        import yaml

        node = self.node(path)
        if not isinstance(node, yaml.MappingNode):
            return []
        return [(self._key(key), key, value) for key, value in node.value]

    def key_lines(self, path: Path = ()) -> list[tuple[Any, int]]:
        """Every key of the mapping at ``path`` with its 1-based line, in the order written."""
        return [(key, node.start_mark.line + 1) for key, node, _ in self.pairs(path)]

    def pair(self, path: Path) -> Optional[tuple[Any, Any]]:
        """(key node, value node) of the entry that ``path`` names in its mapping."""
        return self._entry(self.node(path[:-1]), path[-1]) if path else None

    def node(self, path: Path) -> Any:
        """The node of the value at ``path``, None when there is none."""
        import yaml

        node = self.root
        for step in path:
            if isinstance(node, yaml.SequenceNode):
                valid = isinstance(step, int) and 0 <= step < len(node.value)
                node = node.value[step] if valid else None
            else:
                entry = self._entry(node, step)
                node = entry[1] if entry else None
            if node is None:
                return None
        return node

    def _entry(self, mapping: Any, key: Any) -> Optional[tuple[Any, Any]]:
        import yaml

        if not isinstance(mapping, yaml.MappingNode):
            return None
        index = self._indexes.get(id(mapping))
        if index is None:
            index = self._indexes[id(mapping)] = {}
            for key_node, value in mapping.value:
                loaded = self._key(key_node)
                if loaded is not _UNMATCHED:
                    index[loaded] = (key_node, value)
        try:
            return index.get(key)
        except TypeError:
            return None

    def line(self, path: Path) -> Optional[int]:
        """The 1-based line where the value at ``path`` starts."""
        node = self.node(path)
        return node.start_mark.line + 1 if node is not None else None

    def _key(self, node: Any) -> Any:
        """What the loader makes of a key node (a unique marker for keys it cannot compare)."""
        import yaml

        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:merge":
            return _UNMATCHED
        return self._keys.construct_object(node, deep=True)


_UNMATCHED = object()

_COMPOSED: dict[str, "Nodes | YamlProblem"] = {}
"""The most recently used results of :func:`_document`, oldest first."""
_READINGS: dict[str, Any] = {}
"""What :func:`reading` found for short texts."""
_READINGS_SIZE = [0]
MAX_READINGS_SIZE = 4 * 1024 * 1024
"""How many characters of short texts :func:`reading` remembers before it starts again."""
_COMPOSED_LOCK = threading.Lock()
