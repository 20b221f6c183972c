"""Telling from the bytes, without laying a file out, that ``fmt`` would leave it as it is.

Laying a file out (ruamel.yaml, pure Python) costs some twenty times what validating it
does, and most files of a project that uses ``fmt`` are already canonical. So first the
file is parsed with libyaml's event parser (C, as the loader parses) and written back by
a small emitter of our own that knows only the canonical layout of a subset of YAML:
block mappings and lists (two-space indentation, list dashes under their key), flow
lists and mappings written ``[a, b]`` / ``{k: v}``, plain scalars of a safe alphabet,
double-quoted scalars escaped as ruamel.yaml escapes them, literal blocks (``|``,
``|-``) and plainly folded ones (``>``, ``>-``: ruamel.yaml keeps where a block was
folded, and the layout folds long descriptions so) as mapping values, keys in the
layout's order, ``---`` lines. The file is canonical when its text is that text, give
or take comments and blank lines where the layout keeps them as written: then every
byte of it is one this emitter wrote or a comment ruamel.yaml keeps in place, and on
that subset the full layout is the identity. Anything else (a tab, a folded block with
a blank or more-indented line, an anchor, a tag, single quotes, a needless escape, keys
out of order, a line near the wrap width, a value one YAML version reads otherwise, a
blank line that opens a document) makes the texts differ or is refused outright, and
the file is laid out in full as before: the check says "canonical" or "not sure", never
"canonical" wrongly. tests/fmt/test_fmt_fast.py holds it to that against the full
layout over thousands of generated and hand-written files.

It also vouches that the loader reads the file without a word, as the full layout's
result would say: keys are unique plain text, there are no tags, aliases or merge keys,
and nesting and size stay far below the loader's limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from compiler.fmt.order import PARAMETERS_ORDER, ordered, schema_order

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# ruamel.yaml wraps past its width (4096) and writes a key longer than 128 characters
# as a complex ``? key``: stay well below both.
_MAX_LINE = 2000
_MAX_KEY = 100
_MAX_DEPTH = 64  # the loader refuses past 200 (Y110)
_MAX_NODES = 100_000  # the loader refuses past 250,000 (Y112)

# Plain scalars that ruamel.yaml writes back as they are and that no YAML version reads
# as anything but text: a letter, ``_``, ``(`` or ``$`` first (no indicator, no number,
# no ``.inf``), then words of a safe alphabet (no ``#``, ``:``, double quotes,
# backslash, no flow indicator inside brackets, no control, line-break or no-break
# space character) separated by spaces.
_LETTERS = "A-Za-z_\u00a1-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
_FLOW_SAFE = _LETTERS + r"0-9./()+@%&=!$*<>;'\-"
_BLOCK_SAFE = _FLOW_SAFE + ",?"
_FIRST = f"[{_LETTERS}($]"
_BLOCK_PLAIN = re.compile(f"{_FIRST}[{_BLOCK_SAFE}]*(?: +[{_BLOCK_SAFE}]+)*")
_FLOW_PLAIN = re.compile(f"{_FIRST}[{_FLOW_SAFE}]*(?: +[{_FLOW_SAFE}]+)*")
# A block mapping's value may also hold a ``:`` that a safe character follows (a URL's
# ``https://``): only ``: `` or a ``:`` at the end would be an indicator there.
_VALUE_CHAR = f"(?:[{_BLOCK_SAFE}]|:(?=[{_BLOCK_SAFE}]))"
_VALUE_PLAIN = re.compile(f"{_FIRST}{_VALUE_CHAR}*(?: +{_VALUE_CHAR}+)*")
# Tabs become spaces and line ends "\n" in the layout; YAML 1.1 also breaks lines at
# NEL, LS and PS (a comment would end there), which this check reads as text.
_UNSAFE = re.compile("[\t\r\x85\u2028\u2029]")
# The heads of the block scalars this check writes: their lines are text, not comments.
_BLOCK_HEADS = (": |", ": |-", ": >", ": >-")
_COMMENT_AFTER = re.compile(r" +#.*")
_INTEGER = re.compile(r"0|-?[1-9][0-9]{0,15}")
# Read as null or as a boolean by one YAML version and written otherwise by ruamel.yaml.
_NOT_TEXT = frozenset({"null", "Null", "NULL", "True", "TRUE", "False", "FALSE"})

# ruamel.yaml's double-quoted style: these characters escaped, by name where YAML has one.
_ESCAPED_NAMES = {
    "\0": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f",
    "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\u2028": "L", "\u2029": "P",
}  # fmt: skip
_ESCAPED = re.compile(
    '["\\\\\x85\u2028\u2029\ufeff]|[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]'
)


class _Refused(Exception):
    """Outside the subset this check knows: the file is laid out in full."""


def already_canonical(text: str, kind: str | None) -> bool:
    """True only when the full layout would give ``text`` back unchanged, with no
    diagnostic; False when unsure. ``kind`` is the file's (layout.kind_of)."""
    if not text.endswith("\n") or _UNSAFE.search(text):
        return False
    if max(map(len, text.split("\n"))) > _MAX_LINE:
        return False
    try:
        written = _Writer(yaml.parse(text, Loader=_LOADER), kind, text).stream()
    except (_Refused, yaml.YAMLError):
        return False
    return written == text or _with_comments(text, written)


def _with_comments(text: str, written: str) -> bool:
    """``text`` is ``written`` with comments and blank lines where the layout keeps them
    as they are: a comment on a line of its own (any indentation) or after a line's
    content, a blank line anywhere but before a document's first line (ruamel.yaml drops
    that one). A trailing blank would be dropped too: none is accepted. Nothing is
    accepted in or right after a block scalar (``key: |``, ``key: >``) but its own lines."""
    expected = written.split("\n")[:-1]  # (written ends with a line end, or is empty)
    at = 0
    document_start = True
    literal = ""  # the margin of the literal block being matched
    for line in text.split("\n")[:-1]:
        want = expected[at] if at < len(expected) else None
        if literal and want is not None and (not want or want.startswith(literal)):
            if line != want:
                return False  # (its lines are text: the check wrote each of them)
            at += 1
            continue
        if line and line[-1] == " ":
            return False
        if not line or line.lstrip(" ")[0] == "#":
            if literal or (document_start and not line):
                return False
            document_start = False
            continue
        if want is None or not _same_content(line, want):
            return False
        literal = _literal_margin(want)
        if literal and line != want:
            return False  # a comment after "|": ruamel.yaml moves it
        at += 1
        document_start = want == "---"
    return at == len(expected)


def _same_content(line: str, want: str) -> bool:
    """``line`` is ``want``, or ``want`` and a comment after it."""
    return line == want or (
        line.startswith(want) and bool(_COMMENT_AFTER.fullmatch(line, len(want)))
    )


def _literal_margin(want: str) -> str:
    """The margin of the lines of the block scalar that ``want`` opens, or ""."""
    if not want.endswith(_BLOCK_HEADS):
        return ""
    return " " * (len(want) - len(want.lstrip(" -")) + 2)


class _Writer:
    """The canonical text of an event stream, or _Refused outside the known subset."""

    def __init__(self, events: Iterator[Any], kind: str | None, text: str) -> None:
        self.events = events
        self.kind = kind
        self.lines = text.split("\n")  # (a folded block is written as its lines were)
        self.out: list[str] = []
        self.depth = 0
        self.nodes = 0

    def stream(self) -> str:
        self._expect(yaml.StreamStartEvent)
        while True:
            event = next(self.events)
            if isinstance(event, yaml.StreamEndEvent):
                return "".join(self.out)
            if not isinstance(event, yaml.DocumentStartEvent) or event.version or event.tags:
                raise _Refused
            self._document(bool(event.explicit))

    def _document(self, explicit: bool) -> None:
        if explicit:
            self.out.append("---\n")
        root = next(self.events)
        if not isinstance(root, yaml.MappingStartEvent) or root.flow_style:
            raise _Refused  # (an empty document, a lone scalar: not the loader's data)
        self._collection_start(root)
        keys, values = self._block_mapping(0, inline=False)
        self._in_order(keys, values)
        end = next(self.events)
        if not isinstance(end, yaml.DocumentEndEvent) or end.explicit:
            raise _Refused

    def _in_order(self, keys: list[str], values: dict[str, Any]) -> None:
        """The layout's key order: the document's, and its ``parameters_schema``'s."""
        if keys != ordered(keys, schema_order(values, self.kind)):
            raise _Refused
        parameters = values.get("parameters_schema")
        if isinstance(parameters, list) and parameters != ordered(parameters, PARAMETERS_ORDER):
            raise _Refused

    def _expect(self, kind: type) -> Any:
        event = next(self.events)
        if not isinstance(event, kind):
            raise _Refused
        return event

    def _collection_start(self, event: Any) -> None:
        if event.anchor is not None or event.tag is not None:
            raise _Refused
        self.depth += 1
        self.nodes += 1
        if self.depth > _MAX_DEPTH or self.nodes > _MAX_NODES:
            raise _Refused

    def _block_mapping(self, indent: int, *, inline: bool) -> tuple[list[str], dict[str, Any]]:
        """A block mapping's lines; its keys in order and what the key order needs of
        its values (scalar text, the key list of a mapping)."""
        keys: list[str] = []
        values: dict[str, Any] = {}
        out = self.out
        while True:
            event = next(self.events)
            if isinstance(event, yaml.MappingEndEvent):
                self.depth -= 1
                return keys, values
            key = self._key(event, flow=False)
            if key in values:
                raise _Refused  # a duplicate: the loader's Y102
            out.append(key if inline and not keys else " " * indent + key)
            keys.append(key)
            values[key] = self._block_value(indent)

    def _block_value(self, indent: int) -> Any:
        out = self.out
        event = next(self.events)
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            if event.style == "|":
                out.append(": " + self._literal(event, indent + 2))
            elif event.style == ">":
                out.append(": " + self._folded(event, indent + 2))
            else:
                out.append(": " + self._scalar(event, flow=False, value=True) + "\n")
            return event.value
        if kind is yaml.MappingStartEvent:
            self._collection_start(event)
            if event.flow_style:
                out.append(": ")
                keys = self._flow_mapping()
                out.append("\n")
                return keys
            out.append(":\n")
            return self._block_mapping(indent + 2, inline=False)[0]
        if kind is yaml.SequenceStartEvent:
            self._collection_start(event)
            if event.flow_style:
                out.append(": ")
                self._flow_sequence()
                out.append("\n")
                return None
            out.append(":\n")
            self._block_sequence(indent)
            return None
        raise _Refused  # an alias

    def _block_sequence(self, indent: int) -> None:
        """Dashes under their key (``- item``), a mapping's first key on the dash line."""
        out = self.out
        dash = " " * indent + "- "
        while True:
            event = next(self.events)
            kind = event.__class__
            if kind is yaml.SequenceEndEvent:
                self.depth -= 1
                return
            out.append(dash)
            if kind is yaml.ScalarEvent:
                out.append(self._scalar(event, flow=False) + "\n")
            elif kind is yaml.MappingStartEvent:
                self._collection_start(event)
                if event.flow_style:
                    self._flow_mapping()
                    out.append("\n")
                else:
                    self._block_mapping(indent + 2, inline=True)
            elif kind is yaml.SequenceStartEvent and event.flow_style:
                self._collection_start(event)
                self._flow_sequence()
                out.append("\n")
            else:
                raise _Refused  # a list in a list (``- - a``), an alias

    def _flow_mapping(self) -> list[str]:
        out = self.out
        out.append("{")
        keys: list[str] = []
        while True:
            event = next(self.events)
            if isinstance(event, yaml.MappingEndEvent):
                out.append("}")
                self.depth -= 1
                return keys
            key = self._key(event, flow=True)
            if key in keys:
                raise _Refused
            out.append((", " if keys else "") + key + ": ")
            keys.append(key)
            self._flow_node(next(self.events))

    def _flow_sequence(self) -> None:
        out = self.out
        out.append("[")
        first = True
        while True:
            event = next(self.events)
            if isinstance(event, yaml.SequenceEndEvent):
                out.append("]")
                self.depth -= 1
                return
            if not first:
                out.append(", ")
            first = False
            if self._flow_node(event) == 1:
                raise _Refused  # ruamel.yaml writes ``[{a: b}]`` as ``[a: b]``

    def _flow_node(self, event: Any) -> int | None:
        """Writes a node inside brackets; the number of pairs when it is a mapping."""
        kind = event.__class__
        if kind is yaml.ScalarEvent:
            self.out.append(self._scalar(event, flow=True))
            return None
        if kind is yaml.MappingStartEvent:
            self._collection_start(event)
            return len(self._flow_mapping())
        if kind is yaml.SequenceStartEvent:
            self._collection_start(event)
            self._flow_sequence()
            return None
        raise _Refused

    def _literal(self, event: Any, indent: int) -> str:
        """A literal block (``|`` or ``|-``), its lines ``indent`` deep: no indentation
        or keep (``|+``) indicator needed, no line ending in a blank."""
        self.nodes += 1
        value: str = event.value
        if event.anchor is not None or event.tag is not None or not value or value[0] in " \n":
            raise _Refused
        if value.endswith("\n\n") or " \n" in value or value.endswith(" "):
            raise _Refused
        head, body = ("|", value[:-1]) if value.endswith("\n") else ("|-", value)
        margin = " " * indent
        lines = [margin + line if line else "" for line in body.split("\n")]
        return head + "\n" + "\n".join(lines) + "\n"

    def _folded(self, event: Any, indent: int) -> str:
        """A folded block (``>`` or ``>-``) as the file wrote it, when it is folded
        plainly: ``indent`` deep, every line text with single spaces between words, and
        the value exactly its lines joined by one space (ruamel.yaml keeps where a block
        was folded, so it writes those lines back). A blank or more-indented line, a
        line that starts with ``#`` or ends in a space, or a block followed by a blank
        or a comment line is refused."""
        self.nodes += 1
        value: str = event.value
        if event.anchor is not None or event.tag is not None:
            raise _Refused
        head, body = (">", value[:-1]) if value.endswith("\n") else (">-", value)
        margin = " " * indent
        lines = self._block_lines(event.start_mark.line + 1, margin)
        if not lines or " ".join(lines) != body or "\n" in body:
            raise _Refused
        for line in lines:
            if line[0] in " #" or line[-1] == " " or "  " in line or not line.isprintable():
                raise _Refused
        return head + "\n" + "".join(f"{margin}{line}\n" for line in lines)

    def _block_lines(self, first: int, margin: str) -> list[str]:
        """The lines from ``first`` on that start with ``margin``, without it; refused
        when the next line is blank or a comment (ruamel.yaml may move either)."""
        lines: list[str] = []
        at = first
        while at < len(self.lines) and self.lines[at].startswith(margin):
            lines.append(self.lines[at][len(margin) :])
            at += 1
        after = self.lines[at] if at < len(self.lines) else ""
        if at < len(self.lines) - 1 and (not after or after.lstrip(" ").startswith("#")):
            raise _Refused
        return lines

    def _key(self, event: Any, *, flow: bool) -> str:
        """A plain key of the safe alphabet, short enough to stay a simple key, and text
        to ruamel.yaml as to the loader: its ``true`` and ``1`` are one key (True == 1)."""
        value = event.value
        if event.__class__ is not yaml.ScalarEvent or event.style or len(value) > _MAX_KEY:
            raise _Refused
        if value in ("true", "false") or _INTEGER.fullmatch(value):
            raise _Refused
        return self._plain(event, flow)

    def _scalar(self, event: Any, *, flow: bool, value: bool = False) -> str:
        """``value``: a block mapping's value (where a ``:`` inside a word is text)."""
        self.nodes += 1
        if event.anchor is not None or event.tag is not None:
            raise _Refused
        if not event.style:
            return self._plain(event, flow, _VALUE_PLAIN if value else None)
        if event.style == '"':
            return _double_quoted(event.value)
        raise _Refused  # single quotes become double; block scalars are written elsewhere

    @staticmethod
    def _plain(event: Any, flow: bool, pattern: re.Pattern[str] | None = None) -> str:
        value: str = event.value
        if event.anchor is not None or event.tag is not None or value in _NOT_TEXT:
            raise _Refused
        pattern = pattern or (_FLOW_PLAIN if flow else _BLOCK_PLAIN)
        if pattern.fullmatch(value) or _INTEGER.fullmatch(value):
            return value
        raise _Refused


def _double_quoted(value: str) -> str:
    """``value`` as ruamel.yaml writes it double-quoted (never wrapped: lines are short)."""
    if _ESCAPED.search(value) is None:
        return '"' + value + '"'
    return '"' + _ESCAPED.sub(_escape, value) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _ESCAPED_NAMES:
        return "\\" + _ESCAPED_NAMES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"
