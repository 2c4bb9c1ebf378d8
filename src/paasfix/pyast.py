"""Parsing Python source with :func:`ast.parse`, from any number of threads.

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

_LOCK = threading.Lock()


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """:func:`ast.parse`, one thread at a time (SyntaxError and ValueError as it raises them)."""
    with _LOCK:
        return ast.parse(source, filename=filename)
