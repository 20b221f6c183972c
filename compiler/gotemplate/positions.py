"""From a position in a YAML string value to its line and column in the file.

The source map gives where a value starts: its first character for a plain scalar, the
quote for a quoted one, the ``|``/``>`` indicator for a block scalar (a tag or anchor
before it is skipped). From there the raw file is read forward alongside the value,
character by character, the way YAML produced the value: escapes of a double-quoted
scalar (``\\u007b`` is one ``{``), ``''`` of a single-quoted one, line folding and
indentation, and a block scalar's header line (its comment may hold ``{{``) skipped.
Every character of the value thus gets the file position it was written at, once per
value (cached), in time linear in its length. When the walk cannot account for the
value (a construct it does not model), the old line/column arithmetic is the answer.

    locate_in_value(document, path, line, column, root) -> Location
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from compiler.diagnostics import Location
from compiler.model import SourceDocument

_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_LENGTH = {"x": 2, "u": 4, "U": 8}
_BLANKS = " \t\r\n"


def locate_in_value(
    document: SourceDocument,
    path: Sequence[str | int],
    line: int,
    column: int,
    root: Path | None = None,
) -> Location:
    """File location of (``line``, ``column``), 1-based, of the string value at ``path``."""
    base = document.source_map.locate(tuple(path))
    value = _value_at(document.data, path)
    raw = _file_text(root / document.file) if root is not None else None
    if raw is None or not isinstance(value, str):
        return _plain(base, line, column)
    offset = _offset(value, line, column)
    found = None if offset is None else _position(raw, base.line, base.column, value, offset)
    if found is None:
        return _plain(base, line, column)
    return Location(base.file, *found)


def _offset(value: str, line: int, column: int) -> int | None:
    start = 0
    for _ in range(line - 1):
        start = value.find("\n", start) + 1
        if start == 0:
            return None
    return start + column - 1


def _plain(base: Location, line: int, column: int) -> Location:
    if line == 1:
        return Location(base.file, base.line, base.column + column - 1)
    return Location(base.file, base.line + line - 1, column)


def _value_at(data: object, path: Sequence[str | int]) -> object:
    for key in path:
        try:
            data = data[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


class _RawFile:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0]
        index = text.find("\n")
        while index >= 0:
            self.line_starts.append(index + 1)
            index = text.find("\n", index + 1)

    def offset(self, line: int, column: int) -> int | None:
        if not 0 < line <= len(self.line_starts):
            return None
        return self.line_starts[line - 1] + column - 1

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1


def _file_text(path: Path) -> _RawFile | None:
    """The file, cached by (path, mtime, size) since only diagnostics need it."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read(path: str, mtime_ns: int, size: int) -> _RawFile | None:
    try:
        return _RawFile(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


class _Anchors:
    """Runs of the value written as they stand in the file: value offset ``values[k]``
    is file offset ``raws[k]``, and so on for the characters up to the next run."""

    def __init__(self) -> None:
        self.values: list[int] = []
        self.raws: list[int] = []

    def add(self, value_offset: int, raw_offset: int) -> None:
        self.values.append(value_offset)
        self.raws.append(raw_offset)

    def raw(self, value_offset: int) -> int:
        k = bisect_right(self.values, value_offset) - 1
        return self.raws[k] + value_offset - self.values[k]


def _position(
    raw: _RawFile, line: int, column: int, value: str, offset: int
) -> tuple[int, int] | None:
    anchors = _anchors(raw, line, column, value)
    if anchors is None or not 0 <= offset < len(value):
        return None
    return raw.position(anchors.raw(offset))


@lru_cache(maxsize=256)
def _anchors(raw: _RawFile, line: int, column: int, value: str) -> _Anchors | None:
    start = raw.offset(line, column)
    if start is None:
        return None
    text = raw.text
    start = _skip_properties(text, start)
    style = text[start : start + 1]
    if style in ("|", ">"):
        begin = text.find("\n", start)
        return _walk(text, begin + 1, value, "block") if begin >= 0 else None
    if style in ("'", '"'):
        return _walk(text, start + 1, value, style)
    return _walk(text, start, value, "plain")


def _skip_properties(text: str, start: int) -> int:
    """Past a tag (``!!str``) or anchor (``&a``) written before the scalar."""
    while text[start : start + 1] in ("!", "&"):
        end = start
        while end < len(text) and text[end] not in " \t\r\n":
            end += 1
        while end < len(text) and text[end] in " \t":
            end += 1
        if end == start:
            break
        start = end
    return start


def _walk(text: str, index: int, value: str, style: str) -> _Anchors | None:
    """Where each character of ``value`` is written, reading ``text`` from ``index``.

    A character of the value is matched to the raw character that produced it: itself
    (long runs at once), an escape sequence (double-quoted), ``''`` (single-quoted), or a
    line break folded into a space. Raw blanks with no counterpart (indentation, folded
    breaks) are skipped; any other mismatch means the walk does not model this scalar
    (None)."""
    anchors = _Anchors()
    special = {'"': "\\", "'": "'"}.get(style)
    next_special = -1
    length, position = len(text), 0
    while position < len(value):
        if special is not None and next_special < index:
            next_special = text.find(special, index)
            next_special = length if next_special < 0 else next_special
        limit = min(length if special is None else next_special, length) - index
        run = _common_run(text, index, value, position, min(limit, len(value) - position))
        if run:
            anchors.add(position, index)
            position, index = position + run, index + run
            continue
        step = _step(text, index, value[position], style)
        if step is None:
            return None
        matched_at, index = step
        if matched_at >= 0:
            anchors.add(position, matched_at)
            position += 1
    return anchors


def _common_run(text: str, index: int, value: str, position: int, limit: int) -> int:
    """How many characters from ``text[index:]`` and ``value[position:]`` agree (at most
    ``limit``), compared in doubling slices so long runs cost C time, not Python loops."""
    matched, size = 0, 1
    while matched < limit:
        take = min(size, limit - matched)
        if (
            text[index + matched : index + matched + take]
            == value[position + matched : position + matched + take]
        ):
            matched += take
            size *= 2
        elif take == 1:
            break
        else:
            size = 1
    return matched


def _step(text: str, index: int, char: str, style: str) -> tuple[int, int] | None:
    """(file offset that wrote ``char`` or -1 when a raw blank was skipped, next index)."""
    if index >= len(text):
        return None
    raw = text[index]
    if style == '"' and raw == "\\":
        decoded, size = _escape(text, index)
        if decoded is None:
            return None
        if decoded == "":  # an escaped line break joins the lines
            return -1, index + size
        return (index, index + size) if decoded == char else None
    if style == "'" and raw == "'":
        return (index, index + 2) if char == "'" and text.startswith("''", index) else None
    if raw == char or (raw == "\n" and char == " "):
        return index, index + 1
    if raw in _BLANKS:
        return -1, index + 1
    return None


def _escape(text: str, index: int) -> tuple[str | None, int]:
    """(decoded character, length) of the escape at ``index``; ("", n) for an escaped
    line break with the indentation after it."""
    kind = text[index + 1 : index + 2]
    if kind in ("\n", "\r"):
        end = index + 2
        while end < len(text) and text[end] in " \t":
            end += 1
        return "", end - index
    if kind in _ESCAPES:
        return _ESCAPES[kind], 2
    digits = _HEX_LENGTH.get(kind)
    if digits is None:
        return None, 0
    hex_text = text[index + 2 : index + 2 + digits]
    try:
        return chr(int(hex_text, 16)), 2 + digits
    except ValueError:
        return None, 0
