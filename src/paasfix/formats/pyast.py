"""Whether paasfix analyses a Python source, and parsing it with :func:`ast.parse`.

Every Python file paasfix reads goes through :func:`parse`, which decides once whether the
source is within what the parsers and paasfix's own analysis handle:

- **Size.** CPython's ``ast`` is linear but not cheap: on the 2-core machine the benchmarks run
  on (shared, load average about 5), a 520 KB settings module took 0.54 s and 100 MB to parse,
  a 1.48 MB one 4.0 s and 260 MB, and 240 KB of one-line statements (the densest ordinary
  code) 1.25 s. :data:`MAX_BYTES` (256 KiB) keeps a parse near a second and 70 MB; a whole
  ``paasfix check`` of a 246 KB settings module takes 0.9 s of CPU (2.3 s wall at that load),
  ``fix --diff`` 1.3 s (3.1 s). A larger file, up to the 2 MiB read limit, is refused before
  any parser sees it.
- **Depth.** CPython's parser refuses more than 200 nested brackets and 100 indentation levels
  itself (a SyntaxError), and raises RecursionError or MemoryError on longer chains of
  operators (``1 + 1 + ...`` at about 3,000 terms); all of these become :class:`TooComplex`.
  What CPython accepts can still be too deep for LibCST and for recursive code on the tree:
  LibCST parses ``a and b and ...`` as one nested node per operator and its native parser
  crashes (signal 11) at 20,000 of them, which ``ast`` accepts as one flat node; LibCST's
  visitors and :func:`ast.unparse` hit Python's recursion limit between 300 and 500 levels of
  ``1 + 1 + ...``, and LibCST at 150 nested calls ``f(f(...))``. After parsing, one walk over
  the tree (one step per node: 0.25 s for 240,000 nodes) measures its depth the way LibCST
  nests it (a chain of ``and``/``or`` counts a level per operator) and refuses more than
  :data:`MAX_DEPTH` levels, which keeps LibCST and recursive analysis well inside their
  limits (100 nested calls passed both).
- **Editing with LibCST.** LibCST is slow: with the positions it needs for an edit, a 259 KB
  settings module took 11.6 s and 200 MB, and its QualifiedNameProvider 8.7 s for a 68 KB
  setup.py. Facts are read from the ``ast`` tree; LibCST is used only to edit, and only on
  sources up to :data:`MAX_EDIT_BYTES` (32 KiB), which :func:`editable` checks: ``fix --diff``
  that adds STATIC_ROOT to a 31 KB settings module takes 1.1 s of CPU (2.9 s wall), to a
  61 KB one 1.9 s (4.7 to 6.8 s wall).

CPython 3.11 keeps the depth of the conversion from its parse tree to ``ast`` objects in
state shared by the whole interpreter. When a garbage collection during that conversion runs
a finalizer that lets another thread run, and that thread parses too, one of the two fails
with ``SystemError: AST constructor recursion depth mismatch`` (python/cpython#106905 is one
report). ``paasfix fleet`` works on repositories in threads, and GitPython's objects have
finalizers, so its repositories failed at random. Every parse goes through one lock; parsing
holds the GIL anyway, so the lock costs nothing.
"""

from __future__ import annotations

import ast
import threading

from paasfix.core.errors import FileProblem

MAX_BYTES = 256 * 1024
"""The largest Python source paasfix parses (UTF-8 bytes)."""
MAX_DEPTH = 100
"""The deepest syntax tree paasfix analyses, counted as LibCST nests it."""
MAX_EDIT_BYTES = 32 * 1024
"""The largest Python source paasfix edits with LibCST (UTF-8 bytes)."""

_NESTING_LIMITS = frozenset({"too many nested parentheses", "too many levels of indentation"})
"""CPython's own messages for nesting beyond its parser's limits."""

_LOCK = threading.Lock()


class TooComplex(SyntaxError):
    """A source too large or too deeply nested for Python or for paasfix to analyse.

    A SyntaxError, so that whatever handles a file that does not parse handles it the same way;
    ``msg`` says why, ``lineno`` is where the nesting goes too deep (1 for a size).
    """

    def __init__(self, why: str, filename: str = "<unknown>", line: int = 1):
        super().__init__(why, (filename, line, 1, None))


def _size(source: str) -> int:
    return len(source.encode("utf-8", "surrogatepass"))


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """The syntax tree of ``source``: SyntaxError and ValueError as :func:`ast.parse` raises
    them, :class:`TooComplex` when the source is beyond the limits of this module."""
    size = _size(source)
    if size > MAX_BYTES:
        raise TooComplex(
            f"cannot be read: {_kib(size)}, larger than the {_kib(MAX_BYTES)} paasfix analyses",
            filename,
        )
    with _LOCK:
        try:
            tree = ast.parse(source, filename=filename)
        except (RecursionError, MemoryError):
            raise TooComplex(
                "cannot be read: nested too deeply for Python to parse", filename
            ) from None
        except SyntaxError as exc:
            if exc.msg in _NESTING_LIMITS:
                raise TooComplex(
                    f"cannot be read: nested too deeply for Python to parse ({exc.msg})",
                    filename,
                    exc.lineno or 1,
                ) from None
            raise
    line = _too_deep(tree)
    if line is not None:
        raise TooComplex(
            f"cannot be read: nested more than {MAX_DEPTH} levels deep, deeper "
            "than paasfix analyses",
            filename,
            line,
        )
    return tree


def too_large_to_edit(source: str) -> str | None:
    """Why LibCST may not edit ``source`` ("61 KiB, larger than the 32 KiB paasfix edits"), or
    None when it may."""
    size = _size(source)
    if size > MAX_EDIT_BYTES:
        return f"{_kib(size)}, larger than the {_kib(MAX_EDIT_BYTES)} paasfix edits"
    return None


def editable(path: str, source: str) -> str:
    """``source`` when LibCST may edit it; FileProblem for ``path`` when it is too large."""
    why = too_large_to_edit(source)
    if why is not None:
        raise FileProblem(path, f"cannot be edited: {why}; make the change by hand")
    return source


def _too_deep(tree: ast.Module) -> int | None:
    """The line where ``tree`` gets deeper than :data:`MAX_DEPTH`, or None. A ``BoolOp`` of n
    values counts as the n - 1 nested operations LibCST makes of it. The tree is read level
    by level, so that the walk costs one step per node."""
    level: list[ast.AST] = [tree]
    later: dict[int, list[ast.AST]] = {}
    depth = 0
    while level or later:
        if level and depth > MAX_DEPTH:
            return next((node.lineno for node in level if hasattr(node, "lineno")), 1)
        children = later.pop(depth + 1, [])
        for node in level:
            if isinstance(node, ast.BoolOp) and len(node.values) > 2:
                if depth + len(node.values) - 1 > MAX_DEPTH:
                    return node.lineno
                later.setdefault(depth + len(node.values) - 1, []).extend(
                    ast.iter_child_nodes(node)
                )
            else:
                children.extend(ast.iter_child_nodes(node))
        level = children
        depth += 1
    return None


def _kib(size: int) -> str:
    return f"{size // 1024:,} KiB" if size >= 1024 else f"{size} bytes"
