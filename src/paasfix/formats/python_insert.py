"""Adding module-level statements to Python source with LibCST, every other byte kept.

Used to add a setting to a Django settings module: the new lines go after a given statement
(or at the module's end), and ``import os`` goes after the module's leading imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import libcst as cst

    Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]
    """A statement of a module's body."""


def _is_import_line(statement: Statement) -> bool:
    import libcst as cst

    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _is_docstring(statement: Statement) -> bool:
    import libcst as cst

    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def insert_statements(text: str, after: int | None, lines: tuple[str, ...], import_os: bool) -> str:
    """``text`` with ``lines`` added after the module-level statement that starts on line
    ``after`` (at the end when None), and ``import os`` after the module's leading imports when
    asked; every other byte stays."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(cst.parse_module(text))
    module = wrapper.module
    body = list(module.body)
    if after is None:
        anchor = len(body) - 1
    else:
        positions = wrapper.resolve(PositionProvider)
        anchor = next(
            index
            for index, statement in enumerate(body)
            if positions[statement].start.line == after
        )
    added = [cst.parse_statement(line + "\n") for line in lines]
    if after is None and body:
        added[0] = added[0].with_changes(leading_lines=[cst.EmptyLine()])
    body[anchor + 1 : anchor + 1] = added
    if import_os:
        body = _with_import_os(body, anchor)
    return module.with_changes(body=body).code


def _with_import_os(body: list[Statement], anchor: int) -> list[Statement]:
    """``import os`` after the leading imports (after the docstring when there are none), and
    never after ``anchor``, the statement the new lines follow."""
    import libcst as cst

    start = 1 if body and _is_docstring(body[0]) else 0
    end = start
    while end < len(body) and _is_import_line(body[end]):
        end += 1
    position = min(end, anchor + 1)
    statement = cst.parse_statement("import os\n")
    if position == start and start == 1:
        statement = statement.with_changes(leading_lines=[cst.EmptyLine()])
    elif position == 0 and body and not _is_import_line(body[0]):
        body[0] = body[0].with_changes(leading_lines=[cst.EmptyLine(), *body[0].leading_lines])
    return body[:position] + [statement] + body[position:]
