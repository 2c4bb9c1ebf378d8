"""setup.py read as source code, never run: its ``setup()`` calls, their ``setup_requires``
and their ``install_requires``.

The analysis is deliberately literal-minded. A ``setup_requires`` value is *literal* when it is
a list, tuple or set display of plain strings, a plain string (setuptools splits it into lines),
or a name bound exactly once, to such a value, and never mutated (``.append``, ``+=``, item
assignment). Anything else that is visibly passed as ``setup_requires`` is *dynamic*: present,
but its value at build time is not known. ``setup(**options)`` is followed when ``options`` is a
dict display or a ``dict(...)`` call bound the same way; otherwise the call is marked
``opaque_kwargs``.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Optional

LITERAL = "literal"
DYNAMIC = "dynamic"

SETUP_FUNCTIONS = ("setuptools.setup", "distutils.core.setup")
"""What a ``setup(...)`` call may resolve to. pip imports setuptools before it runs setup.py,
so ``distutils.core.setup`` honours ``setup_requires`` as well."""
_STAR_SOURCES = ("setuptools", "distutils.core")
_KEYWORD = "setup_requires"
_INSTALL_KEYWORD = "install_requires"
_MAX_NAME_HOPS = 4


@dataclass(frozen=True)
class SetupRequires:
    """What one ``setup()`` call passes as ``setup_requires`` (or ``install_requires``)."""

    line: int
    kind: str
    """:data:`LITERAL` (``items`` is the whole value) or :data:`DYNAMIC` (not known)."""
    items: tuple[str, ...]
    """The requirement strings; for a dynamic value, the plain strings of the list display,
    if there is one (a part of the value at best)."""
    code: str
    """The value as written, for messages."""
    item_lines: tuple[int, ...] = ()
    """The 1-based line of each of ``items``, when the value is a display of strings."""

    @property
    def literal(self) -> bool:
        return self.kind == LITERAL


@dataclass(frozen=True)
class SetupCall:
    line: int
    setup_requires: Optional[SetupRequires] = None
    opaque_kwargs: bool = False
    """The call takes ``**mapping`` that paasfix cannot read (it may hide setup_requires)."""
    install_requires: Optional[SetupRequires] = None


@dataclass(frozen=True)
class SetupPy:
    path: str
    calls: tuple[SetupCall, ...] = ()
    error: Optional[str] = None
    """Why the file could not be parsed (None when it was)."""
    mentions_setup_requires: bool = False
    """For a file that does not parse: ``setup_requires`` appears as code, not in a comment or
    inside a longer string."""

    @property
    def parsed(self) -> bool:
        return self.error is None

    @property
    def setup_requires(self) -> list[SetupRequires]:
        """Every ``setup_requires`` given to a ``setup()`` call, in source order."""
        return [call.setup_requires for call in self.calls if call.setup_requires is not None]


def analyse(path: str, source: str) -> SetupPy:
    """Analyse the text of a setup.py (read with the stdlib ``ast``, within the limits of
    :mod:`paasfix.formats.pyast`)."""
    from paasfix.formats import pyast

    try:
        tree = pyast.parse(source, filename=path)
    except SyntaxError as exc:
        return SetupPy(path, error=_reason(exc), mentions_setup_requires=_mentions_keyword(source))
    except ValueError as exc:
        return SetupPy(path, error=str(exc), mentions_setup_requires=_mentions_keyword(source))
    collector = _Collector()
    collector.collect(tree)
    reader = _Reader(source, collector)
    return SetupPy(path, tuple(reader.call(node) for node in collector.calls))


def _reason(exc: SyntaxError) -> str:
    """Why a setup.py cannot be analysed, in Python's words (with its line) or paasfix's."""
    from paasfix.formats.pyast import TooComplex

    if isinstance(exc, TooComplex):
        return exc.msg if exc.lineno == 1 else f"{exc.msg}, at line {exc.lineno}"
    return f"line {exc.lineno or 1}: {exc.msg or 'invalid syntax'}"


_MENTION_RE = re.compile(r"""\bsetup_requires\s*=|["']setup_requires["']\s*:""")


def _mentions_keyword(source: str) -> bool:
    """For code that does not parse (Python 2 syntax, say): whether ``setup_requires=`` or a
    ``"setup_requires":`` key appears in it, read with the tokenizer (comments never count).
    A source too large to analyse is searched as text instead, comments included."""
    from paasfix.formats.pyast import MAX_BYTES

    if _KEYWORD not in source:
        return False
    if len(source) > MAX_BYTES:
        return _MENTION_RE.search(source) is not None
    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            if previous is not None and token.type == tokenize.OP:
                if (
                    previous.type == tokenize.NAME
                    and previous.string == _KEYWORD
                    and token.string == "="
                ):
                    return True
                if (
                    previous.type == tokenize.STRING
                    and token.string == ":"
                    and _literal(previous.string) == _KEYWORD
                ):
                    return True
            previous = token
    except (tokenize.TokenError, SyntaxError):
        return f"{_KEYWORD}=" in source.replace(" ", "")
    return False


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


class _Collector:
    """Every setup() call, every binding of a name, and the names that are mutated."""

    def __init__(self) -> None:
        self.calls: list[ast.Call] = []
        self.bindings: dict[str, list[Optional[ast.expr]]] = {}
        """name -> the value of each plain binding, None for any other kind of binding."""
        self.imported: dict[str, set[str]] = {}
        """name -> the qualified names an import binds it to."""
        self.mutated: set[str] = set()
        self.star_imports: set[str] = set()

    def _bind(self, target: ast.AST, value: Optional[ast.expr]) -> None:
        if isinstance(target, ast.Name):
            self.bindings.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._bind(element, None)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            self._mutate(target.value)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, None)

    def _name(self, name: str, qualified: Optional[str] = None) -> None:
        self.bindings.setdefault(name, []).append(None)
        if qualified is not None:
            self.imported.setdefault(name, set()).add(qualified)

    def _mutate(self, base: ast.AST) -> None:
        if isinstance(base, ast.Name):
            self.mutated.add(base.id)

    def collect(self, tree: ast.Module) -> None:
        candidates = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    self._bind(target, node.value)
            elif isinstance(node, ast.AnnAssign):
                self._bind(node.target, node.value)
            elif isinstance(
                node, (ast.AugAssign, ast.NamedExpr, ast.For, ast.AsyncFor, ast.comprehension)
            ):
                self._bind(node.target, None)
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                self._bind(node.optional_vars, None)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                self._name(node.name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._name(node.name)
            elif isinstance(node, ast.Global):
                for name in node.names:
                    self._name(name)
            elif isinstance(node, ast.Delete):
                for target in node.targets:
                    self._bind(target, None)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname is None:
                        top = alias.name.split(".")[0]
                        self._name(top, top)
                    else:
                        self._name(alias.asname, alias.name)
            elif isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                for alias in node.names:
                    if alias.name == "*":
                        if node.module is not None and not node.level:
                            self.star_imports.add(node.module)
                    else:
                        self._name(alias.asname or alias.name, f"{module}.{alias.name}")
            elif isinstance(node, (ast.Attribute, ast.Subscript)):
                self._mutate(node.value)
            elif isinstance(node, ast.Call):
                candidates.append(node)
        for node in candidates:
            names = self._qualified(node.func)
            bare = isinstance(node.func, ast.Name) and node.func.id == "setup"
            if names & set(SETUP_FUNCTIONS) or (
                bare and not names and self.star_imports & set(_STAR_SOURCES)
            ):
                self.calls.append(node)
        self.calls.sort(key=lambda call: (call.lineno, call.col_offset))

    def _qualified(self, expr: ast.expr) -> set[str]:
        """What a called name may stand for: the qualified names its imports give it, and the
        name itself when the file binds it otherwise (a function of its own, say)."""
        attributes: list[str] = []
        while isinstance(expr, ast.Attribute):
            attributes.insert(0, expr.attr)
            expr = expr.value
        if not isinstance(expr, ast.Name):
            return set()
        imported = self.imported.get(expr.id, set())
        found = set(imported)
        if len(self.bindings.get(expr.id, ())) > len(imported):
            found.add(expr.id)
        return {".".join([name, *attributes]) for name in found}


class _Reader:
    """Reads the value of ``setup_requires`` for each setup() call the collector found."""

    def __init__(self, source: str, collector: _Collector) -> None:
        self.source = source
        self.collector = collector

    def _binding(self, name: ast.Name, hops: int) -> Optional[ast.expr]:
        """The one value a name is bound to, if it is bound exactly once and never mutated."""
        values = self.collector.bindings.get(name.id, [])
        if hops >= _MAX_NAME_HOPS or len(values) != 1 or name.id in self.collector.mutated:
            return None
        return values[0]

    def _shown(self, expr: ast.expr, hops: int = 0) -> ast.expr:
        """The expression a name stands for, for messages."""
        bound = self._binding(expr, hops) if isinstance(expr, ast.Name) else None
        return expr if bound is None else self._shown(bound, hops + 1)

    def call(self, node: ast.Call) -> SetupCall:
        setup_requires, opaque = self._keyword(node, _KEYWORD)
        install_requires, _ = self._keyword(node, _INSTALL_KEYWORD)
        return SetupCall(node.lineno, setup_requires, opaque, install_requires)

    def _keyword(self, node: ast.Call, name: str) -> tuple[Optional[SetupRequires], bool]:
        """What the call passes as ``name``, and whether it takes a mapping paasfix cannot
        read."""
        opaque = False
        value = None
        where: ast.Call | ast.keyword = node
        for keyword in node.keywords:
            if keyword.arg == name:
                value, where = keyword.value, keyword
            elif keyword.arg is None:
                entry, known = self._mapping_entry(keyword.value, 0, name)
                if entry is not None:
                    value, where = entry, keyword
                elif not known:
                    opaque = True
        if value is None:
            return None, opaque
        kind, items = self._requirements(value, 0)
        shown = self._shown(value)
        code = " ".join((ast.get_source_segment(self.source, shown) or "").split())
        lines = _item_lines(shown, items)
        return SetupRequires(where.lineno, kind, items, code, lines), opaque

    def _mapping_entry(
        self, expr: ast.expr, hops: int, name: str = _KEYWORD
    ) -> tuple[Optional[ast.expr], bool]:
        """(the value given for "setup_requires" or None, whether every key is known)."""
        if isinstance(expr, ast.Name):
            bound = self._binding(expr, hops)
            return (None, False) if bound is None else self._mapping_entry(bound, hops + 1, name)
        if isinstance(expr, ast.Dict):
            known = True
            for key, value in zip(expr.keys, expr.values):
                text = _string_value(key)
                if text == name:
                    return value, True
                known = known and text is not None
            return None, known
        if (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Name)
            and expr.func.id == "dict"
            and "dict" not in self.collector.bindings
        ):
            for keyword in expr.keywords:
                if keyword.arg == name:
                    return keyword.value, True
            return None, not expr.args and all(k.arg is not None for k in expr.keywords)
        return None, False

    def _requirements(self, expr: ast.expr, hops: int) -> tuple[str, tuple[str, ...]]:
        if isinstance(expr, ast.Name):
            bound = self._binding(expr, hops)
            return (DYNAMIC, ()) if bound is None else self._requirements(bound, hops + 1)
        text = _string_value(expr)
        if text is not None:
            return LITERAL, _split_requirement_text(text)
        if isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
            items: list[str] = []
            literal = True
            for element in expr.elts:
                item = _string_value(element)
                if item is None:
                    literal = False
                else:
                    items.extend(_split_requirement_text(item))
            return (LITERAL if literal else DYNAMIC), tuple(items)
        return DYNAMIC, ()


def _item_lines(expr: ast.expr, items: tuple[str, ...]) -> tuple[int, ...]:
    """The line of each requirement of a list, tuple or set display of plain strings (a
    string's lines counted from its own first line), or () for any other value."""
    if not isinstance(expr, (ast.List, ast.Tuple, ast.Set)):
        return ()
    lines: list[int] = []
    for element in expr.elts:
        text = _string_value(element)
        if text is None:
            return ()
        for offset, line in enumerate(text.splitlines()):
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                lines.append(element.lineno + offset)
    return tuple(lines) if len(lines) == len(items) else ()


def _string_value(expr: Optional[ast.AST]) -> Optional[str]:
    """The value of a plain (not formatted, not bytes) string literal, else None."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def _split_requirement_text(text: str) -> tuple[str, ...]:
    """Requirement strings as setuptools reads a string value: one per line, comments dropped."""
    items = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            items.append(line)
    return tuple(items)
