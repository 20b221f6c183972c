"""What fits in a capped comment, decided in one pass.

Each renderer lays its comment out as pieces in priority order (headline, every tool's
name, then diffs) and keeps the pieces that fit its character budget, counting exactly
what it leaves out, so the comment can say how many tools are not shown. Nothing is
rendered twice and nothing loops until a size is reached: the work is linear in the
input, whatever its size.

Also here: the natural sort of names (``lookup_140`` before ``lookup_1040``) and the
display wrapping of long lines with a visible continuation marker, so a wrapped piece
cannot be taken for a line of its own.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from compiler.plan.model import Change

# GitHub refuses a comment or issue body over 65,536 characters; keep a margin for the
# workflow that posts it (a heading, a link to the run).
GITHUB_CAP = 65_536
LIMIT = 65_000
# Starts every display-wrapped continuation: a marker, not spaces, so it cannot be
# mistaken for an indented line of the value itself.
CONTINUED = "↪ "
MAX_MISSES = 20  # items in a row too big for what is left before the rest are only counted
NAME_WIDTH = 80  # characters of a name shown in a table cell before it is shortened

T = TypeVar("T")
_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """``lookup_140`` before ``lookup_1040``: runs of digits compare as numbers."""
    return tuple(
        (1, int(part)) if part.isdigit() else (0, part.casefold())
        for part in _DIGITS.split(text)
        if part
    )


def in_display_order(changes: list[Change]) -> list[Change]:
    """Destructive changes first, then updates and creates; names in natural order."""
    from compiler.plan.model import DISPLAY_ORDER

    rank = {action: i for i, action in enumerate(DISPLAY_ORDER)}
    return sorted(changes, key=lambda c: (rank.get(c.action, len(rank)), natural_key(c.address)))


@dataclass
class Budget:
    """Characters left in a comment; ``take`` keeps a piece only when it fits."""

    left: int

    def take(self, piece: str) -> bool:
        size = len(piece) + 1  # the newline that joins it to the next piece
        if size > self.left:
            return False
        self.left -= size
        return True

    def take_notes(self, notes: Iterable[str]) -> list[str]:
        """The notes that fit, each as a block after a blank line (``["", note, ...]``):
        the tail of a comment that counts what it leaves out. A note is taken whole or
        not at all, its blank line with it."""
        out: list[str] = []
        for note in notes:
            if self.take("\n" + note):
                out += ["", note]
        return out

    def reserve(self, size: int) -> Budget:
        """Set ``size`` characters aside for a later section (at most what is left)."""
        size = max(0, min(size, self.left))
        self.left -= size
        return Budget(size)


@dataclass
class Kept:
    """The pieces that fitted, and how many items did not."""

    pieces: list[str] = field(default_factory=list)
    shown: int = 0
    left_out: int = 0


def keep_in_order(items: Iterable[str], budget: Budget) -> Kept:
    """The items that fit, in order; once one does not fit the rest are counted, not
    rendered, so a list stays a prefix (what is missing is "the last N")."""
    kept = Kept()
    for item in items:
        if kept.left_out or not budget.take(item):
            kept.left_out += 1
            continue
        kept.pieces.append(item)
        kept.shown += 1
    return kept


def keep_what_fits(
    items: Sequence[T], render: Callable[[T], str], budget: Budget, *, floor: int = 0
) -> Kept:
    """Every item that fits, rendered in order, skipping the ones too big for what is
    left. Rendering stops (the rest are counted) once fewer than ``floor`` characters
    are left or ``MAX_MISSES`` items in a row did not fit: a diff is only made when it
    may still be shown."""
    kept = Kept()
    misses = 0
    for index, item in enumerate(items):
        if budget.left < floor or misses >= MAX_MISSES:
            kept.left_out += len(items) - index
            break
        if budget.take(piece := render(item)):
            kept.pieces.append(piece)
            kept.shown += 1
            misses = 0
            continue
        kept.left_out += 1
        misses += 1
    return kept


def shorten(text: str, width: int = NAME_WIDTH) -> str:
    """A long name as its start and end around ``…`` (the full name is in the JSON)."""
    if len(text) <= width:
        return text
    tail = width // 3
    return text[: width - tail - 1] + "…" + text[-tail:]


def wrap_line(line: str, width: int) -> list[str]:
    """One long line as display pieces of about ``width`` characters; every piece after
    the first starts with ``CONTINUED``. Lines that fit are returned as they are."""
    if len(line) <= width:
        return [line]
    pieces = textwrap.wrap(
        line,
        width,
        break_long_words=True,
        break_on_hyphens=False,
        drop_whitespace=True,
        replace_whitespace=False,
    ) or [line]
    return [pieces[0], *(CONTINUED + piece for piece in pieces[1:])]


def cut(text: str, size: int, note: str) -> str:
    """``text`` within ``size`` characters, cut at a line end and followed by ``note``
    when it had to be cut."""
    if len(text) <= size:
        return text
    room = max(size - len(note) - 1, 0)
    head = text[:room].rsplit("\n", 1)[0] if "\n" in text[:room] else text[:room]
    return f"{head}\n{note}"
