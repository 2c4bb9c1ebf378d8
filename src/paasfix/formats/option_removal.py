"""Taking one option (with its value) or a final ``&`` out of a command, as written.

A shell command is edited as text, so that its quoting and everything around it stay; the
edit counts only when the command then splits into exactly the old words without the removed
ones. A command given as a list of words loses list items.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from paasfix.formats.commands import flat_words

BACKGROUND = "&"


@dataclass(frozen=True)
class Removal:
    """Words to take out of a command: one option (with its value) or a final ``&``."""

    word: str
    with_value: bool = False

    @property
    def background(self) -> bool:
        return self.word == BACKGROUND

    def pattern(self) -> re.Pattern[str]:
        if self.background:
            return re.compile(r"[ \t]*(?<![&|>\\])&(?=[ \t]*['\"]?[ \t]*$)")
        value = r"(?:=|[ \t]+)[^\s'\";&|]+" if self.with_value else ""
        return re.compile(r"[ \t]+" + re.escape(self.word) + value + r"(?=$|[\s'\";&|)])")

    def apply(self, text: str) -> str | None:
        """``text`` without the words; None unless they are found exactly once."""
        new, count = self.pattern().subn("", text)
        return new if count == 1 else None

    def _hits(self, words: Sequence[str]) -> list[int]:
        return [
            i
            for i, word in enumerate(words)
            if word == self.word or self.with_value and word.startswith(self.word + "=")
        ]

    def expected_words(self, old: Sequence[str]) -> list[str] | None:
        """The words of the command once the removal is made; None when it is ambiguous."""
        if self.background:
            return list(old[:-1]) if old and old[-1] == BACKGROUND else None
        hits = self._hits(old)
        if len(hits) != 1:
            return None
        index = hits[0]
        size = 2 if self.with_value and old[index] == self.word else 1
        return list(old[:index]) + list(old[index + size :])

    def exact(self, command: str) -> bool:
        """Whether :meth:`apply` takes exactly the words out of the shell command, and only
        them."""
        old = flat_words(command)
        new_command = self.apply(command)
        new = flat_words(new_command) if new_command is not None else None
        return old is not None and new is not None and self.expected_words(old) == new

    def keeper(self, argv: Sequence[str]) -> Callable[[str, int], bool] | None:
        """For a command given as a list: which items to keep, as ``keep(item, position)``;
        None when the removal cannot be said for sure."""
        expected = self.expected_words(argv)
        if self.background or expected is None:
            return None
        first = self._hits(argv)[0]
        drop = {first} | ({first + 1} if len(expected) == len(argv) - 2 else set())
        return lambda _item, position: position not in drop
