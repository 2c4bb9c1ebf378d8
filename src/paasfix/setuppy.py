"""setup.py read as source code, never run: its ``setup()`` calls and their ``setup_requires``.

The analysis is deliberately literal-minded. A ``setup_requires`` value is *literal* when it is
a list, tuple or set display of plain strings, a plain string (setuptools splits it into lines),
or a name bound exactly once, to such a value, and never mutated (``.append``, ``+=``, item
assignment). Anything else that is visibly passed as ``setup_requires`` is *dynamic*: present,
but its value at build time is not known. ``setup(**options)`` is followed when ``options`` is a
dict display or a ``dict(...)`` call bound the same way; otherwise the call is marked
``opaque_kwargs``.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    import libcst as cst

LITERAL = "literal"
DYNAMIC = "dynamic"

SETUP_FUNCTIONS = ("setuptools.setup", "distutils.core.setup")
"""What a ``setup(...)`` call may resolve to. pip imports setuptools before it runs setup.py,
so ``distutils.core.setup`` honours ``setup_requires`` as well."""
_STAR_SOURCES = ("setuptools", "distutils.core")
_KEYWORD = "setup_requires"
_MAX_NAME_HOPS = 4


@dataclass(frozen=True)
class SetupRequires:
    """What one ``setup()`` call passes as ``setup_requires``."""

    line: int
    kind: str
    """:data:`LITERAL` (``items`` is the whole value) or :data:`DYNAMIC` (not known)."""
    items: tuple[str, ...]
    """The requirement strings; for a dynamic value, the plain strings of the list display,
    if there is one (a part of the value at best)."""
    code: str
    """The value as written, for messages."""

    @property
    def literal(self) -> bool:
        return self.kind == LITERAL


@dataclass(frozen=True)
class SetupCall:
    line: int
    setup_requires: Optional[SetupRequires] = None
    opaque_kwargs: bool = False
    """The call takes ``**mapping`` that paasfix cannot read (it may hide setup_requires)."""


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
    """Analyse the text of a setup.py."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return SetupPy(path, error=_syntax_error(source, exc),
                       mentions_setup_requires=_mentions_keyword(source))
    wrapper = MetadataWrapper(module)
    collector = _collector_class()()
    wrapper.visit(collector)
    reader = _Reader(wrapper.module, collector, wrapper.resolve(PositionProvider))
    return SetupPy(path, tuple(reader.call(node) for node in collector.calls))


def _syntax_error(source: str, exc) -> str:
    """A short reason for a file LibCST cannot parse (Python's own wording when it has one)."""
    from . import pyast

    try:
        pyast.parse(source)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except ValueError as error:
        return str(error)
    return f"line {exc.raw_line}: LibCST cannot parse it"


def _mentions_keyword(source: str) -> bool:
    """For code that does not parse (Python 2 syntax, say): whether ``setup_requires=`` or a
    ``"setup_requires":`` key appears in it, read with the tokenizer (comments never count)."""
    import ast

    previous = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            if previous is not None and token.type == tokenize.OP:
                if previous.type == tokenize.NAME and previous.string == _KEYWORD \
                        and token.string == "=":
                    return True
                if previous.type == tokenize.STRING and token.string == ":" \
                        and _literal(ast, previous.string) == _KEYWORD:
                    return True
            previous = token
    except (tokenize.TokenError, SyntaxError):
        return f"{_KEYWORD}=" in source.replace(" ", "")
    return False


def _literal(ast, text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


@lru_cache(maxsize=None)
def _collector_class():
    """The LibCST visitor, built on first use so that importing this module stays cheap."""
    import libcst as cst
    from libcst.metadata import QualifiedNameProvider

    class Collector(cst.CSTVisitor):
        """Every setup() call, every binding of a name, and the names that are mutated."""

        METADATA_DEPENDENCIES = (QualifiedNameProvider,)

        def __init__(self) -> None:
            super().__init__()
            self.calls: list[cst.Call] = []
            self.bindings: dict[str, list[Optional[cst.BaseExpression]]] = {}
            """name -> the value of each plain binding, None for any other kind of binding."""
            self.mutated: set[str] = set()
            self.star_imports: set[str] = set()

        def _bind(self, target: cst.BaseExpression, value: Optional[cst.BaseExpression]) -> None:
            if isinstance(target, cst.Name):
                self.bindings.setdefault(target.value, []).append(value)
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    self._bind(element.value, None)
            elif isinstance(target, (cst.Attribute, cst.Subscript)):
                self._mutate(target.value)
            elif isinstance(target, cst.StarredElement):
                self._bind(target.value, None)

        def _mutate(self, base: cst.BaseExpression) -> None:
            if isinstance(base, cst.Name):
                self.mutated.add(base.value)

        def visit_Assign(self, node: cst.Assign) -> None:
            for target in node.targets:
                self._bind(target.target, node.value)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._bind(node.target, node.value)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._bind(node.target, None)

        def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
            self._bind(node.target, None)

        def visit_For(self, node: cst.For) -> None:
            self._bind(node.target, None)

        def visit_CompFor(self, node: cst.CompFor) -> None:
            self._bind(node.target, None)

        def visit_AsName(self, node: cst.AsName) -> None:
            self._bind(node.name, None)

        def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
            self._bind(node.name, None)

        def visit_ClassDef(self, node: cst.ClassDef) -> None:
            self._bind(node.name, None)

        def visit_Global(self, node: cst.Global) -> None:
            for item in node.names:
                self._bind(item.name, None)

        def visit_Del(self, node: cst.Del) -> None:
            self._bind(node.target, None)

        def visit_Import(self, node: cst.Import) -> None:
            for alias in node.names:
                if alias.asname is None:
                    self._bind(cst.Name(cst.Module([]).code_for_node(alias.name).split(".")[0]),
                               None)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            if isinstance(node.names, cst.ImportStar):
                if node.module is not None and not node.relative:
                    self.star_imports.add(cst.Module([]).code_for_node(node.module))
                return
            for alias in node.names:
                if alias.asname is None and isinstance(alias.name, cst.Name):
                    self._bind(alias.name, None)

        def visit_Attribute(self, node: cst.Attribute) -> None:
            self._mutate(node.value)

        def visit_Subscript(self, node: cst.Subscript) -> None:
            self._mutate(node.value)

        def visit_Call(self, node: cst.Call) -> None:
            names = {q.name for q in self.get_metadata(QualifiedNameProvider, node.func, set())}
            bare = isinstance(node.func, cst.Name) and node.func.value == "setup"
            if names & set(SETUP_FUNCTIONS) or (
                    bare and not names and self.star_imports & set(_STAR_SOURCES)):
                self.calls.append(node)

    return Collector


class _Reader:
    """Reads the value of ``setup_requires`` for each setup() call the collector found."""

    def __init__(self, module: "cst.Module", collector, positions) -> None:
        self.module = module
        self.collector = collector
        self.positions = positions

    def _line(self, node) -> int:
        return self.positions[node].start.line

    def _binding(self, name, hops: int):
        """The one value a name is bound to, if it is bound exactly once and never mutated."""
        values = self.collector.bindings.get(name.value, [])
        if hops >= _MAX_NAME_HOPS or len(values) != 1 or name.value in self.collector.mutated:
            return None
        return values[0]

    def _shown(self, expr, hops: int = 0):
        """The expression a name stands for, for messages."""
        import libcst as cst

        bound = self._binding(expr, hops) if isinstance(expr, cst.Name) else None
        return expr if bound is None else self._shown(bound, hops + 1)

    def call(self, node) -> SetupCall:
        opaque = False
        value = None
        where = node
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value == _KEYWORD:
                value, where = arg.value, arg
            elif arg.star == "**":
                entry, known = self._mapping_entry(arg.value, 0)
                if entry is not None:
                    value, where = entry, arg
                elif not known:
                    opaque = True
        if value is None:
            return SetupCall(self._line(node), None, opaque)
        kind, items = self._requirements(value, 0)
        code = " ".join(self.module.code_for_node(self._shown(value)).split())
        return SetupCall(self._line(node),
                         SetupRequires(self._line(where), kind, items, code), opaque)

    def _mapping_entry(self, expr, hops: int):
        """(the value given for "setup_requires" or None, whether every key is known)."""
        import libcst as cst

        if isinstance(expr, cst.Name):
            bound = self._binding(expr, hops)
            return (None, False) if bound is None else self._mapping_entry(bound, hops + 1)
        if isinstance(expr, cst.Dict):
            known = True
            for element in expr.elements:
                key = _string_value(element.key) if isinstance(element, cst.DictElement) else None
                if key == _KEYWORD:
                    return element.value, True
                known = known and key is not None
            return None, known
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) \
                and expr.func.value == "dict" and "dict" not in self.collector.bindings:
            known = True
            for arg in expr.args:
                if arg.keyword is not None and arg.keyword.value == _KEYWORD:
                    return arg.value, True
                known = known and arg.keyword is not None
            return None, known
        return None, False

    def _requirements(self, expr, hops: int) -> tuple[str, tuple[str, ...]]:
        import libcst as cst

        if isinstance(expr, cst.Name):
            bound = self._binding(expr, hops)
            return (DYNAMIC, ()) if bound is None else self._requirements(bound, hops + 1)
        text = _string_value(expr)
        if text is not None:
            return LITERAL, _split_requirement_text(text)
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            items: list[str] = []
            literal = True
            for element in expr.elements:
                item = _string_value(element.value) if isinstance(element, cst.Element) else None
                if item is None:
                    literal = False
                else:
                    items.extend(_split_requirement_text(item))
            return (LITERAL if literal else DYNAMIC), tuple(items)
        return DYNAMIC, ()


def _string_value(expr) -> Optional[str]:
    """The value of a plain (not formatted, not bytes) string literal, else None."""
    import libcst as cst

    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = expr.evaluated_value
        except Exception:
            return None
        return value if isinstance(value, str) else None
    return None


def _split_requirement_text(text: str) -> tuple[str, ...]:
    """Requirement strings as setuptools reads a string value: one per line, comments dropped."""
    items = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            items.append(line)
    return tuple(items)
