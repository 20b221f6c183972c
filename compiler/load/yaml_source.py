"""Read one YAML file into documents whose every value and key keeps its position.

libyaml's C composer builds the node graph (fast, and it never constructs Python
objects from tags); we then walk the nodes ourselves in one pass that builds the plain
data, records positions, rejects duplicate keys and non-core tags, and bounds alias
expansion (billion laughs) and nesting depth.

Values keep YAML 1.1 resolution (``yes`` is a boolean, ``12:30`` the integer 750), as
PyYAML users expect; the original text of every plain scalar that did not resolve to
a string is kept in ``LoadedDocument.plain`` so the schema stage can say "quote it".
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from compiler.diagnostics import Diagnostic, Location, Severity
from compiler.diagnostics.codes import (
    Y101,
    Y102,
    Y103,
    Y104,
    Y105,
    Y106,
    Y107,
    Y108,
    Y109,
    Y110,
    Y111,
    Y112,
)
from compiler.model import DataPath, SourceDocument, SourceMap
from compiler.wording import quoted

MAX_FILE_BYTES = 1024 * 1024  # larger files are rejected before parsing (Y108)
MAX_ALIAS_EXPANSION = 10_000  # nodes visited again through aliases, per file (Y107)
MAX_DEPTH = 200  # nesting of mappings and sequences (Y110)
MAX_NODES = 250_000  # values (scalars, mappings, lists) per file (Y112); bounds CPU and memory
# Flow brackets beyond this many make us check nesting with the (non-recursive) event
# parser before composing: libyaml's recursive composer overflows the C stack on
# ~100,000 nested ``[``. Block nesting cannot get that deep within MAX_FILE_BYTES.
_BRACKET_SCAN_THRESHOLD = 2_000

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_T = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT = _T + "str", _T + "null", _T + "bool", _T + "int", _T + "float"
_TIMESTAMP, _MAP, _SEQ, _MERGE = _T + "timestamp", _T + "map", _T + "seq", _T + "merge"
_BOM = b"\xef\xbb\xbf"
_intern = sys.intern
_INTERNED = 40  # string values shorter than this are shared (keys always are)
_CONSTRUCTOR = SafeConstructor()
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}


class _Loader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader with a faster implicit tag resolution and without path
    resolvers, which the safe loader never registers but would walk for every node."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """The safe loader's resolution, with its answer for most scalars found early:
        a quoted one, or a plain one whose first character starts no implicit tag
        (``name``, ``Booking``: text), is a string; the rest are memoised, as keys and
        values repeat across thousands of files."""
        if kind is not ScalarNode:
            return str(super().resolve(kind, value, implicit))
        if not implicit[0] or (value and value[0] not in _MAY_RESOLVE):
            return _STR
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = str(super().resolve(kind, value, implicit))
            if len(_RESOLVED) < 50_000 and len(value) < 200:
                _RESOLVED[key] = tag
        return tag


# The characters an implicitly typed plain scalar can start with (``y`` of ``yes``,
# digits, ``~``, ``.``, ``<`` of the merge key...): any other is text.
_MAY_RESOLVE = frozenset(
    first for first in _BASE_LOADER.yaml_implicit_resolvers if first is not None
)


@dataclass
class LoadedDocument:
    """A parsed document plus what the schema stage needs beyond the contract model."""

    document: SourceDocument
    # Original text of plain scalars that YAML 1.1 read as bool/int/float/null.
    plain: dict[DataPath, str] = field(default_factory=dict)
    start: tuple[int, int] = (1, 1)


@dataclass(frozen=True)
class ReadFile:
    """What was read: the bytes, and the file's status just before (the cache of
    ``validate FILE`` keys a file by them; compiler.load.cache)."""

    raw: bytes
    status: os.stat_result


@dataclass
class FileResult:
    documents: list[LoadedDocument]
    diagnostics: list[Diagnostic]
    read: ReadFile | None = None  # None: not read from a file


class _Stop(Exception):
    """Abandon the current document: its diagnostic is attached."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


def read_yaml_file(path: str | Path, display: str) -> FileResult:
    """Parse ``path`` (shown to users as ``display``) into positioned documents."""
    try:
        raw, status = read_with_status(path, MAX_FILE_BYTES)
    except FileTooLargeError as error:
        return _fail(display, 1, 1, Y108, _too_large(error.size))
    except NotRegularFileError:
        return _fail(display, 0, 0, Y111, "cannot read file: not a regular file")
    except OSError as error:
        return _fail(display, 0, 0, Y111, f"cannot read file: {error.strerror or error}")
    result = read_yaml_bytes(raw, display)
    result.read = ReadFile(raw, status)
    return result


class NotRegularFileError(OSError):
    """A FIFO, device or folder where a file was expected: never read (a FIFO hangs)."""


class FileTooLargeError(OSError):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see ``read_with_status``)."""
    return read_with_status(path, limit)[0]


def read_with_status(path: str | Path, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most ``limit`` bytes, and its status taken before
    reading them. Opened without blocking and checked on the open descriptor, so a FIFO
    swapped in after a check cannot hang us and ``/dev/zero`` cannot grow memory: at most
    ``limit + 1`` bytes are ever read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotRegularFileError(f"{path} is not a regular file")
        if status.st_size > limit:
            raise FileTooLargeError(status.st_size)
        raw = _read_up_to(descriptor, status.st_size, limit + 1)
    finally:
        os.close(descriptor)
    if len(raw) > limit:  # grew since fstat
        raise FileTooLargeError(len(raw))
    return raw, status


def _read_up_to(descriptor: int, expected: int, most: int) -> bytes:
    """At most ``most`` bytes, asking for the ``expected`` size first: one read call for
    a file that did not change since fstat (a buffer of ``most`` bytes for every small
    file would cost more than the read), more only when it grew or a read came short."""
    chunks = [os.read(descriptor, min(expected + 1, most))]
    total = len(chunks[0])
    while chunks[-1] and total < most and total != expected:
        chunks.append(os.read(descriptor, most - total))
        total += len(chunks[-1])
    return b"".join(chunks) if len(chunks) > 1 else chunks[0]


def read_yaml_bytes(raw: bytes, display: str) -> FileResult:
    if len(raw) > MAX_FILE_BYTES:
        return _fail(display, 1, 1, Y108, _too_large(len(raw)))
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _byte_position(raw, error.start)
        return _fail(
            display,
            line,
            column,
            Y104,
            f"file is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8",
        )
    return read_yaml_text(text, display)


def read_yaml_text(text: str, display: str) -> FileResult:
    refused = _precheck(text, display)
    if refused is not None:
        return FileResult([], [refused])
    documents: list[LoadedDocument] = []
    diagnostics: list[Diagnostic] = []
    builder = _Builder(display, may_alias="*" in text, may_merge="<<" in text)
    try:
        sites = _alias_sites(text) if builder.may_alias else {}
        for index, node in enumerate(yaml.compose_all(text, Loader=_Loader)):
            loaded = builder.document(node, index)
            if loaded is not None and sites.get(index):
                _move_to_alias_sites(loaded.document.source_map, sites[index])
            if loaded is not None:
                documents.append(loaded)
            diagnostics.extend(builder.take_diagnostics())
    except yaml.YAMLError as error:
        diagnostics.append(
            _nesting_refused(error, text, display) or _yaml_error(error, text, display)
        )
    except _Stop as stop:
        diagnostics.extend(builder.take_diagnostics())
        diagnostics.append(stop.diagnostic)
    return FileResult(documents, diagnostics)


def _alias_sites(text: str) -> dict[int, dict[DataPath, tuple[int, int]]]:
    """Per document: the data path where each ``*alias`` is used, and its position.

    The composed graph shares one node between an anchor and its aliases, so the
    positions the builder records inside an aliased value are the anchor's; an error
    there must point where the alias is used. The event stream still has the alias
    events with their marks: walk it, tracking each event's data path.
    """
    sites: dict[int, dict[DataPath, tuple[int, int]]] = {}
    frames: list[list[Any]] = []  # [path, is_mapping, expecting_key, key or index]
    document = -1
    for event in yaml.parse(text, Loader=_Loader):
        kind = event.__class__
        if kind is yaml.DocumentStartEvent:
            document += 1
            frames = []
            continue
        if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
            frames.pop()
            continue
        if kind not in (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent,
                        yaml.SequenceStartEvent):  # fmt: skip
            continue
        path = _event_path(frames, event)
        # The parser marks every event it makes (only hand-built events have no mark).
        mark = event.start_mark
        if kind is yaml.AliasEvent and path is not None and mark is not None:
            sites.setdefault(document, {})[path] = (mark.line + 1, mark.column + 1)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            frames.append([path, kind is yaml.MappingStartEvent, True, 0])
    return sites


def _event_path(frames: list[list[Any]], event: Any) -> DataPath | None:
    """The data path of the node this event starts (None for a mapping key)."""
    if not frames:
        return ()
    frame = frames[-1]
    parent, is_mapping = frame[0], frame[1]
    if not is_mapping:
        frame[3] += 1
        return None if parent is None else (*parent, frame[3] - 1)
    if frame[2]:  # a key: remember it (a non-scalar key makes its value unlocatable)
        frame[2] = False
        frame[3] = event.value if event.__class__ is yaml.ScalarEvent else None
        return None
    frame[2] = True
    if parent is None or frame[3] is None:
        return None
    return (*parent, frame[3])


def _move_to_alias_sites(source_map: SourceMap, sites: dict[DataPath, tuple[int, int]]) -> None:
    """Everything reached through an alias is located where the alias is used."""
    for positions, own in ((source_map.values, 1), (source_map.keys, 0)):
        for path in positions:  # (the key that holds an alias is already at the site)
            for length in range(len(path) + own):
                site = sites.get(path[:length])
                if site is not None:
                    positions[path] = site
                    break


class _Builder:
    """Turns composed nodes into plain data while recording positions."""

    def __init__(self, file: str, may_alias: bool = True, may_merge: bool = True) -> None:
        self.file = file
        # Without a ``*`` in the text no node can be reached twice, and without ``<<``
        # there is no merge key: skip that work (most files have neither).
        self.may_alias = may_alias
        self.may_merge = may_merge
        self.expansion_budget = MAX_ALIAS_EXPANSION
        self.diagnostics: list[Diagnostic] = []

    def take_diagnostics(self) -> list[Diagnostic]:
        taken, self.diagnostics = self.diagnostics, []
        return taken

    def document(self, node: Node, index: int) -> LoadedDocument | None:
        """Build one document; ``None`` for an empty one or one that is not a mapping."""
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, ScalarNode) and node.tag == _NULL and node.value in ("", "~"):
            return None  # an empty document (e.g. a trailing ``---``)
        if not isinstance(node, MappingNode):
            self._error(line, column, Y106, _not_a_mapping(node))
            return None
        self.values: dict[DataPath, tuple[int, int]] = {}
        self.keys: dict[DataPath, tuple[int, int]] = {}
        self.plain: dict[DataPath, str] = {}
        self.seen: set[int] = set()
        self.active: set[int] = set()
        errors_before = len(self.diagnostics)
        data = self._node(node, (), 0, False)
        source_map = SourceMap(self.file, self.values, self.keys)
        loaded = LoadedDocument(
            SourceDocument(self.file, index, data, source_map, self.plain),
            self.plain,
            (line, column),
        )
        if len(self.diagnostics) > errors_before:
            return None  # the document's problems are reported; do not guess its content
        return loaded

    def _error(self, line: int, column: int, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic.error(Location(self.file, line, column), code, message))

    def _node(self, node: Node, path: DataPath, depth: int, expanding: bool) -> Any:
        mark = node.start_mark
        if expanding:
            self.expansion_budget -= 1
            if self.expansion_budget < 0:
                raise _Stop(self._at(node, Y107, _ALIAS_MESSAGE))
        self.values[path] = _shared_position(mark.line, mark.column)
        if node.__class__ is ScalarNode:
            if node.tag == _STR:  # the common case, inline
                value = node.value
                # (Short texts recur across files: type names, channels, agents.)
                return _intern(value) if len(value) < _INTERNED else value
            return self._scalar(node, path)
        if depth >= MAX_DEPTH:
            raise _Stop(self._at(node, Y110, _TOO_DEEP))
        if not self.may_alias:
            return self._collection(node, path, depth, expanding)
        node_id = id(node)
        if node_id in self.active:
            raise _Stop(self._at(node, Y107, "recursive alias: a node contains itself"))
        if node_id in self.seen:
            expanding = True  # reached again through an alias: everything below counts
        self.seen.add(node_id)
        self.active.add(node_id)
        try:
            return self._collection(node, path, depth, expanding)
        finally:
            self.active.discard(node_id)

    def _collection(self, node: Node, path: DataPath, depth: int, expanding: bool) -> Any:
        if node.__class__ is MappingNode:
            return self._mapping(node, path, depth, expanding)
        # Scalars were handled by the caller: a collection that is not a mapping is a sequence.
        return self._sequence(cast(SequenceNode, node), path, depth, expanding)

    def _at(self, node: Node, code: str, message: str) -> Diagnostic:
        mark = node.start_mark
        return Diagnostic.error(Location(self.file, mark.line + 1, mark.column + 1), code, message)

    def _scalar(self, node: ScalarNode, path: DataPath) -> Any:
        tag = node.tag
        if tag == _STR or tag == "!":
            return node.value
        if tag == _TIMESTAMP:
            return node.value  # JSON has no dates: keep the text as written
        if tag not in _SCALAR_TAGS:
            self._bad_tag(node)
            return None
        try:
            value = _SCALAR_TAGS[tag](node)
        except (ValueError, TypeError, KeyError):
            self._error(
                *_position(node), Y105, f"{quoted(node.value)} is not a valid {_short(tag)}"
            )
            return None
        if not node.style:  # plain (None in Python, "" from libyaml): maybe meant a string
            self.plain[path] = node.value
        return value

    def _bad_tag(self, node: Node) -> None:
        self._error(
            *_position(node),
            Y105,
            f"tag {quoted(_display_tag(node.tag))} is not allowed: only plain YAML data "
            "(strings, numbers, booleans, null, mappings, lists) is read",
        )

    def _sequence(self, node: SequenceNode, path: DataPath, depth: int, expanding: bool) -> Any:
        if node.tag != _SEQ:
            self._bad_tag(node)
            return None
        return [
            self._node(child, (*path, index), depth + 1, expanding)
            for index, child in enumerate(node.value)
        ]

    def _mapping(self, node: MappingNode, path: DataPath, depth: int, expanding: bool) -> Any:
        if node.tag != _MAP:
            self._bad_tag(node)
            return None
        merged = self._merged(node, path, depth, expanding) if self.may_merge else None
        result: dict[str, Any] = {}
        keys, values = self.keys, self.values
        for key_node, value_node in node.value:
            key: str | None
            if key_node.__class__ is ScalarNode and key_node.tag == _STR:
                # The common case, inline; one string for each key name across files.
                key = _intern(key_node.value)
            elif key_node.tag == _MERGE:
                continue
            else:
                key = self._key(key_node)
            if key is None:
                continue
            if key in result:
                self._duplicate(node, key_node, key)
                continue
            child = (*path, key)
            mark = key_node.start_mark
            try:  # (inline _shared_position: this runs for every key of every file)
                keys[child] = _POSITIONS[mark.line][mark.column]
            except IndexError:
                keys[child] = _shared_position(mark.line, mark.column)
            if value_node.__class__ is ScalarNode and value_node.tag == _STR and not expanding:
                # A string value, most of them: what _node does for it, without the call.
                mark = value_node.start_mark
                try:
                    values[child] = _POSITIONS[mark.line][mark.column]
                except IndexError:
                    values[child] = _shared_position(mark.line, mark.column)
                value = value_node.value
                result[key] = _intern(value) if len(value) < _INTERNED else value
                continue
            result[key] = self._node(value_node, child, depth + 1, expanding)
        if merged:
            for key, value in merged.items():
                result.setdefault(key, value)
        return result

    def _duplicate(self, node: MappingNode, key_node: Node, key: str) -> None:
        first = next(k for k, _ in node.value if k.__class__ is ScalarNode and k.value == key)
        self._error(
            *_position(key_node),
            Y102,
            f"duplicate key {quoted(key)} (first defined on line {first.start_mark.line + 1})",
        )

    def _merged(self, node: MappingNode, path: DataPath, depth: int, expanding: bool) -> Any:
        """What YAML merge keys (``<<: *base``) bring in; explicit keys win later.

        Built before the explicit keys so their positions overwrite the merged ones.
        """
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE:
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    self._error(*_position(source), Y109, "'<<' must merge a mapping")
                    continue
                value = self._node(source, path, depth, True)
                for key, item in (value or {}).items():
                    merged.setdefault(key, item)
        if merged:
            self.values[path] = _position(node)
        return merged

    def _key(self, key_node: Node) -> str | None:
        """Keys are names: always the text as written (``on:`` is the key ``"on"``)."""
        if not isinstance(key_node, ScalarNode):
            self._error(*_position(key_node), Y109, "mapping keys must be plain text")
            return None
        if key_node.tag not in _KEY_TAGS:
            self._bad_tag(key_node)
            return None
        return str(key_node.value)


# Positions (line, column) near the top left of a file, shared: the same few hundred
# recur in every file, and one tuple per value and key of 50,000 files is ~100 MB.
# Bounded (rows x columns) so that a hostile file cannot grow it past ~8 MB.
_SHARED_ROWS = 1024
_SHARED_COLUMNS = 128
_POSITIONS: list[list[tuple[int, int]]] = [[] for _ in range(_SHARED_ROWS)]


def _shared_position(line: int, column: int) -> tuple[int, int]:
    """``(line + 1, column + 1)``: one tuple for each position near the top left."""
    if line >= _SHARED_ROWS or column >= _SHARED_COLUMNS:
        return line + 1, column + 1
    row = _POSITIONS[line]
    if column >= len(row):
        row.extend((line + 1, c + 1) for c in range(len(row), column + 1))
    return row[column]


def _bool(node: ScalarNode) -> bool:
    return bool(_CONSTRUCTOR.construct_yaml_bool(node))


_SCALAR_TAGS: dict[str, Any] = {
    _NULL: lambda node: None,
    _BOOL: _bool,
    _INT: _CONSTRUCTOR.construct_yaml_int,
    _FLOAT: _CONSTRUCTOR.construct_yaml_float,
}
_KEY_TAGS = frozenset({_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, "!"})
_ALIAS_MESSAGE = (
    f"aliases expand to more than {MAX_ALIAS_EXPANSION} nodes (an alias bomb?); "
    "write the values out or use fewer aliases"
)


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _display_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_T) if tag.startswith(_T) else tag


def _short(tag: str) -> str:
    return tag.removeprefix(_T)


def _not_a_mapping(node: Node) -> str:
    kind = "a list" if isinstance(node, SequenceNode) else "a single value"
    return f"a document must be a mapping of fields (key: value), not {kind}"


def _too_large(size: int) -> str:
    return (
        f"file is {size} bytes; the limit is {MAX_FILE_BYTES} bytes (split it into several files)"
    )


def _fail(file: str, line: int, column: int, code: str, message: str) -> FileResult:
    return FileResult([], [Diagnostic.error(Location(file, line, column), code, message)])


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def _yaml_error(error: yaml.YAMLError, text: str, file: str) -> Diagnostic:
    """A located diagnostic for a libyaml parse error (tabs get their own code)."""
    line, column = 1, 1
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        line, column = error.problem_mark.line + 1, error.problem_mark.column + 1
    elif isinstance(error, yaml.reader.ReaderError):
        line, column = _char_position(text, error.position)
    tab = _tab_in_indentation(text, line)
    if tab is not None:
        return Diagnostic.error(
            Location(file, *tab), Y103, "tab character in indentation; indent with spaces"
        )
    source_line = _line_of(text, line)
    message = _yaml_message(error) + _indentation_hint(error, text, line)
    return Diagnostic(file, line, column, Severity.ERROR, Y101, message, source_line=source_line)


def _line_of(text: str, line: int) -> str:
    """Line ``line`` (1-based) of ``text``, or "" past its end."""
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _indentation_hint(error: yaml.YAMLError, text: str, line: int) -> str:
    """Say so when libyaml's complaint is really a key indented wrongly: the two
    messages people get for it name mappings, not indentation."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return ""
    lines = text.splitlines()
    here = _line_of(text, line)
    if not here.strip() or ":" not in here:
        return ""
    if error.problem == "mapping values are not allowed in this context":
        above = _key_line_above(lines, line)
        if above is None or _indent(here) <= _indent(lines[above]):
            return ""
        key = lines[above].strip().split(":", 1)[0]
        return (
            f" (indentation: line {line} is indented {_spaces(_indent(here))}, more than "
            f"`{key}:` on line {above + 1}, which already has a value; align it with the "
            f"keys of its mapping ({_spaces(_indent(lines[above]))}), or quote the text if "
            "it belongs to that value)"
        )
    mark = error.context_mark
    if error.problem == "did not find expected key" and mark is not None:
        return _misaligned(lines, line, here, mark.line, mark.column)
    return ""


def _misaligned(lines: list[str], line: int, here: str, start: int, column: int) -> str:
    """The keys ``here`` could be aligned with: the key just above it, and the first
    key of the mapping libyaml was reading (``start``, ``column``: 0-based)."""
    if _indent(here) == column:
        return ""
    options = {column: f"`{lines[start].strip().split(':', 1)[0]}:` (line {start + 1})"}
    above = _key_line_above(lines, line)
    if above is not None and _indent(lines[above]) not in options:
        key = lines[above].strip().split(":", 1)[0]
        options[_indent(lines[above])] = f"`{key}:` (line {above + 1})"
    choices = " or ".join(f"{where}, {_spaces(n)}" for n, where in sorted(options.items()))
    return (
        f" (indentation: line {line} is indented {_spaces(_indent(here))}, which lines up "
        f"with no key above it; align it with {choices})"
    )


def _spaces(count: int) -> str:
    return f"{count} space" + ("" if count == 1 else "s")


def _key_line_above(lines: list[str], line: int) -> int | None:
    """Index of the nearest line above ``line`` that holds a key (comments and blank
    lines skipped), or None."""
    for index in range(line - 2, -1, -1):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            continue
        return index if ":" in stripped else None
    return None


def _yaml_message(error: yaml.YAMLError) -> str:
    if isinstance(error, yaml.MarkedYAMLError):
        parts = [error.context, error.problem]
        message = ": ".join(p for p in parts if p)
        if error.context_mark is not None and error.context:
            message += f" (started on line {error.context_mark.line + 1})"
        return f"invalid YAML: {message}"
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        if isinstance(character, int):  # libyaml gives the code point
            character = chr(character)
        code_point = ord(character) if isinstance(character, str) and len(character) == 1 else 0
        return f"invalid YAML: control character U+{code_point:04X} is not allowed in YAML text"
    return f"invalid YAML: {error}"


def _char_position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _tab_in_indentation(text: str, error_line: int) -> tuple[int, int] | None:
    """The tab in the leading whitespace of the error's line (or the line before)."""
    if "\t" not in text:
        return None
    lines = text.split("\n")
    for number in (error_line, error_line - 1):
        if not 1 <= number <= len(lines):
            continue
        line = lines[number - 1]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent and line.strip():
            return number, indent.index("\t") + 1
    return None


def _precheck(text: str, file: str) -> Diagnostic | None:
    """Refuse, before composing, what would crash or stall the composer: flow nesting
    deep enough to overflow libyaml's C stack, or more values than MAX_NODES.

    Cheap counts decide whether the (lazy, stoppable) event scan is needed at all: every
    value inside a collection needs one of ``: , - [ { ?`` in the text, so their count
    (roughly) bounds the number of values, and most files stay far below both limits.
    """
    brackets = text.count("[") + text.count("{")
    # A block sequence entry is "-" before a space, tab or newline; "---" lines start
    # documents, which hold no value of their own.
    dashes = text.count("- ") + text.count("-\t") + text.count("-\n") - text.count("---\n")
    estimate = 2 * (text.count(":") + text.count("?")) + text.count(",") + dashes
    if brackets <= _BRACKET_SCAN_THRESHOLD and estimate + brackets <= MAX_NODES:
        return None
    try:
        return _scan_events(text, file, _Loader)
    except yaml.YAMLError as error:
        # Anything else: composing reports the parse error with its position.
        return _nesting_refused(error, text, file)


def _scan_events(text: str, file: str, loader: Any) -> Diagnostic | None:
    """Y110 at the first collection nested deeper than MAX_DEPTH, Y112 past MAX_NODES."""
    depth = 0
    nodes = 0
    for event in yaml.parse(text, Loader=loader):
        kind = event.__class__
        if kind is yaml.ScalarEvent or kind is yaml.AliasEvent:
            nodes += depth > 0  # a document's lone root scalar is no content
        elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
            nodes += 1
            depth += 1
            if depth > MAX_DEPTH:
                return _at_event(event, file, Y110, _TOO_DEEP)
        elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
            depth -= 1
        if nodes > MAX_NODES:
            return _at_event(event, file, Y112, _TOO_MANY_NODES)
    return None


def _nesting_refused(error: yaml.YAMLError, text: str, file: str) -> Diagnostic | None:
    """Y110, exactly as our own guard words and places it, when libyaml refused the
    nesting itself.

    libyaml 0.2.5 as bundled since PyYAML 6.0.4 stops at 1,000 flow levels with
    "exceeded maximum nesting depth", and its scanner runs ahead of the parser, so the
    refusal arrives before the parser has produced a single deep event. Our limit is far
    lower: scanning the text up to the refusal finds the collection that crossed it.
    """
    if not isinstance(error, yaml.MarkedYAMLError) or "nesting depth" not in str(error.problem):
        return None
    mark = error.problem_mark
    if mark is None:
        return Diagnostic.error(Location(file, 1, 1), Y110, _TOO_DEEP)
    try:
        found = _scan_events(text[: mark.index], file, _Loader)
    except yaml.YAMLError:
        found = None  # the prefix ends inside a collection; only the depth mattered
    if found is not None and found.code == Y110:
        return found
    return Diagnostic.error(Location(file, mark.line + 1, mark.column + 1), Y110, _TOO_DEEP)


def _at_event(event: Any, file: str, code: str, message: str) -> Diagnostic:
    mark = event.start_mark
    return Diagnostic.error(Location(file, mark.line + 1, mark.column + 1), code, message)


_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels"
_TOO_MANY_NODES = f"more than {MAX_NODES} values in one file; split it into several files"
