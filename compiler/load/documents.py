"""A YAML text cut into its documents at its ``---`` lines, without parsing it.

A ``---`` at the start of a line, followed by a space, a tab or the line's end, always
starts a document: YAML forbids it inside any scalar, so the text can be cut there and
each document handled on its own (``fmt`` lays them out one by one; ``import --only``
rewrites one of them and keeps the others' text). Joining the pieces' ``text`` gives
the input back, byte for byte.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_MARKER = re.compile(r"^---(?=[ \t]|\r?\n|\Z)[^\n]*(?:\n|\Z)", re.MULTILINE)
# Only blanks and a comment after the "---": nothing of the document is on its line.
_BARE = re.compile(r"---[ \t]*(?:#[^\n]*)?\r?\n?")


class DocumentText(NamedTuple):
    marker: str  # the "---" line that opens the document as written, its line end included
    body: str  # the text after it, up to the next document's "---" line
    line: int  # 1-based line of the document's first line (its marker, if any)

    @property
    def text(self) -> str:
        return self.marker + self.body

    @property
    def bare(self) -> bool:
        """The marker holds nothing but blanks and a comment (``--- !tag`` or ``--- |``
        start their document on the marker's line)."""
        return _BARE.fullmatch(self.marker) is not None


def split_documents(text: str) -> list[DocumentText]:
    """The documents of ``text`` in order; the text before the first ``---`` line is a
    piece of its own (with no marker) unless it is empty. Linear in the text."""
    pieces: list[DocumentText] = []
    marker, start, line = "", 0, 1
    for match in _MARKER.finditer(text):
        if marker or match.start() > 0:
            pieces.append(DocumentText(marker, text[start : match.start()], line))
        line += text.count("\n", start, match.start()) + (marker.endswith("\n"))
        marker, start = match.group(), match.end()
    pieces.append(DocumentText(marker, text[start:], line))
    return pieces
