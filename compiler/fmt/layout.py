"""The canonical layout of the project's YAML files (``actionctl fmt``).

Canonical means: top-level keys in the order of the document's JSON Schema (``kind``,
``type``, ``agent``, ``name``, ``description``, ... as ``import`` writes them; keys the
schema does not know keep their order, after the known ones), ``parameters_schema`` as
``type``, ``description``, ``properties``, ``required``; two-space indentation with
list dashes under their key (PyYAML's layout, which ``import`` uses); double quotes
where a value is quoted; long values are not wrapped. Comments, block scalar styles,
flow lists and the document order are kept.

Why ruamel.yaml: it is the maintained round-trip YAML library for Python; it keeps
comments and scalar styles, which PyYAML (our loader) drops by design.

Each document (the text between ``---`` lines, which are kept as written, comments on
them included) is laid out on its own, so a file of many documents costs what they do
one by one. Tabs between tokens become spaces (YAML reads both; ruamel's scanner refuses
some that PyYAML reads). A document whose layout would lose a comment (ruamel drops
comments inside flow collections, ``[a,  # note``) or that ruamel cannot read is kept as
written, with a warning (E134): a valid file is never refused. Formatting must never
change what a file means: the result is read back with our own YAML 1.1 loader and must
give the same data, or the file is left as it is (E131). Known limit (ruamel's): a
comment on its own line between two keys belongs to the key above it, and moves with
that key when keys are reordered. A file our loader cannot read is left as it is, with
the loader's diagnostics.

Before any of that, a fast check (compiler/fmt/fast.py) vouches for files that are
already canonical from their bytes and one libyaml parse; only the others are laid out.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from compiler.diagnostics import Diagnostic, Location, has_errors
from compiler.diagnostics.codes import E115, E130, E131, E134, Y108
from compiler.fmt.fast import already_canonical
from compiler.fmt.order import PARAMETERS_ORDER, ordered, schema_order
from compiler.load.documents import split_documents

# Never wrap: a wrapped quoted value splits placeholders (``{{ .parameters.x\`` / ``\ }}``)
# and reads badly in diffs; a line break written in a value is kept as written.
LINE_WIDTH = 4096
# libyaml's scanner when PyYAML has it (tokens only: nothing is constructed)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class FormatResult:
    file: str  # as shown: relative to the project root
    original: str
    formatted: str | None  # None: left as it is (see diagnostics)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.original


def yaml_files(root: Path) -> Iterator[Path]:
    """actionctl.yaml, channels/*.yaml and actions/**/*.yaml (what ``load`` reads)."""
    if (root / "actionctl.yaml").is_file():
        yield root / "actionctl.yaml"
    for folder, pattern in (("channels", "*"), ("actions", "**/*")):
        found = [
            path
            for path in (root / folder).glob(pattern)
            if path.suffix in (".yaml", ".yml") and path.is_file()
        ]
        yield from sorted(found, key=lambda path: path.parts)


def read_file(path: Path, shown: str) -> bytes | FormatResult:
    """The file's bytes, read as the loader reads (a FIFO or device is never waited on, a
    huge file never read whole), or the result of a file that cannot be read."""
    from compiler.load.yaml_source import (
        MAX_FILE_BYTES,
        FileTooLargeError,
        NotRegularFileError,
        read_regular_file,
    )

    try:
        return read_regular_file(path, MAX_FILE_BYTES)
    except NotRegularFileError:
        message = f"{shown} is not a regular file; it is not opened: replace it with a file"
        return _left(shown, "", E115, message)
    except FileTooLargeError as error:
        message = f"{shown} is larger than {MAX_FILE_BYTES} bytes ({error.args[0]}); not read"
        return _left(shown, "", Y108, message)
    except OSError as error:
        return _left(shown, "", E130, f"cannot read this file: {error.strerror or error}")


def format_file(path: Path, shown: str) -> FormatResult:
    raw = read_file(path, shown)
    return raw if isinstance(raw, FormatResult) else format_bytes(raw, shown)


def format_bytes(raw: bytes, shown: str) -> FormatResult:
    try:
        original = raw.decode("utf-8")
    except UnicodeDecodeError:  # the loader's own Y104, located at the offending byte
        from compiler.load.yaml_source import read_yaml_bytes

        return FormatResult(shown, "", None, list(read_yaml_bytes(raw, shown).diagnostics))
    return format_text(original, shown)


def format_text(original: str, shown: str) -> FormatResult:
    """``original`` laid out; a text the fast check vouches for is not laid out again."""
    if already_canonical(original, kind_of(shown)):
        return FormatResult(shown, original, original)
    return lay_out_text(original, shown)


def lay_out_text(original: str, shown: str) -> FormatResult:
    """The full layout, document by document (ruamel.yaml), checked as it is read back."""
    from compiler.load.yaml_source import read_yaml_text

    before = read_yaml_text(original, shown)
    if has_errors(before.diagnostics):
        return FormatResult(shown, original, None, list(before.diagnostics))
    if not any(data is not None for data in _data(before)):
        return FormatResult(shown, original, original)  # only comments: nothing to lay out
    kind = kind_of(shown)
    kept: list[int] = []  # first lines of documents kept as written
    pieces = []
    for chunk in _chunks(original):
        laid_out = _layout_chunk(chunk, kind)
        if laid_out is None:
            kept.append(chunk.line)
            laid_out = chunk.text
        pieces.append(chunk.marker + laid_out)
    formatted = "".join(pieces)
    after = read_yaml_text(formatted, shown)
    if _data(after) != _data(before) or has_errors(after.diagnostics):
        message = (
            "left as it is: the canonical layout would read differently (please report "
            "this file); the file is unchanged"
        )
        return _left(shown, original, E131, message)
    result = FormatResult(shown, original, formatted)
    if kept:
        result.diagnostics.append(_kept_as_written(shown, kept))
    return result


def _left(shown: str, original: str, code: str, message: str) -> FormatResult:
    return FormatResult(shown, original, None, [Diagnostic.error(Location(shown), code, message)])


def _kept_as_written(shown: str, lines: list[int]) -> Diagnostic:
    where = ", ".join(str(line) for line in lines)
    message = (
        f"the document{'s' if len(lines) > 1 else ''} at line {where} kept as written: "
        "laid out, it would lose a comment (a comment inside a flow list or mapping, "
        "[a, # note]) or the layout library cannot read it; the rest of the file is "
        "formatted. Move the comment out of the brackets to have it laid out"
    )
    return Diagnostic.warning(Location(shown, lines[0], 1), E134, message)


class _Chunk(NamedTuple):
    marker: str  # the "---" line that opens the document, as written ("" for none)
    text: str  # the document after it, up to the next "---" line
    line: int  # 1-based line of the document's first line (its marker, if any)


def _chunks(text: str) -> list[_Chunk]:
    """The documents of ``text``, each laid out on its own: linear in their number, and a
    comment on a ``---`` line stays where it is written (ruamel would move it). A
    ``---`` with content after it (``--- !tag``, ``--- |``) stays inside the chunk
    before it, laid out with it."""
    chunks: list[_Chunk] = []
    for document in split_documents(text):
        if document.bare:
            chunks.append(_Chunk(document.marker.rstrip() + "\n", document.body, document.line))
        elif chunks:
            last = chunks[-1]
            chunks[-1] = last._replace(text=last.text + document.text)
        else:
            chunks.append(_Chunk("", document.text, document.line))
    return chunks


def _layout_chunk(chunk: _Chunk, kind: str | None) -> str | None:
    """The chunk laid out, or None when that would lose a comment or ruamel cannot read
    it (the chunk is then kept as written). A chunk without data (comments, directives,
    an empty document) is kept as written: ruamel would drop its comments."""
    scanned = _scan(chunk.text)
    if scanned is None:
        return None  # its comments cannot be told: nothing may move
    comments, spans = scanned
    if not _has_data(chunk.text, comments):
        return chunk.text
    text = _untab(chunk.text, comments, spans) if "\t" in chunk.text else chunk.text
    try:
        laid_out = _layout(text, kind)
    except Exception:  # ruamel's own errors: any of its exception classes
        return None
    after = _scan(laid_out)
    expected = {comment for _, _, comment in comments}
    if after is None or not expected <= {comment for _, _, comment in after[0]}:
        return None
    return laid_out


def _has_data(text: str, comments: list[tuple[int, int, str]]) -> bool:
    """Anything but blank lines, comments, directives and a document end."""
    comment_at = {line: column for line, column, _ in comments}
    for number, line in enumerate(text.splitlines()):
        content = line[: comment_at.get(number, len(line))].strip()
        if content and not content.startswith("%") and content != "...":
            return True
    return False


Span = tuple[tuple[int, int], tuple[int, int]]


def _scan(text: str) -> tuple[list[tuple[int, int, str]], list[Span]] | None:
    """(line, column, text) of each comment of a YAML text (a ``#`` at a line's start or
    after a space, outside any scalar), and the scalars' spans; 0-based, linear. None
    when the text cannot be scanned."""

    spans: list[Span] = []
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                spans.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError:
        return None
    comments: list[tuple[int, int, str]] = []
    index = 0  # spans come in order and do not overlap: one pass over them
    for number, line in enumerate(text.splitlines()):
        column = line.find("#")
        while column >= 0:
            if column == 0 or line[column - 1] in " \t":
                position = (number, column)
                while index < len(spans) and spans[index][1] <= position:
                    index += 1
                if index == len(spans) or position < spans[index][0]:
                    comments.append((number, column, line[column:].strip()))
                    break
            column = line.find("#", column + 1)
    return comments, spans


def _untab(text: str, comments: list[tuple[int, int, str]], spans: list[Span]) -> str:
    """Tabs between tokens become spaces: YAML allows either there, ruamel's scanner
    refuses tabs in places PyYAML reads (``key:\tvalue``, ``value\t# note``). Tabs
    inside scalars and comments are text and stay."""
    comment_at = {line: column for line, column, _ in comments}
    lines = text.splitlines(keepends=True)
    index = 0
    for number, line in enumerate(lines):
        if "\t" not in line:
            continue
        chars = list(line)
        stop = comment_at.get(number, len(line))
        for column in range(stop):
            if chars[column] != "\t":
                continue
            position = (number, column)
            while index < len(spans) and spans[index][1] <= position:
                index += 1
            if index == len(spans) or position < spans[index][0]:
                chars[column] = " "
        lines[number] = "".join(chars)
    return "".join(lines)


def _data(result: Any) -> list[Any]:
    return [loaded.document.data for loaded in result.documents]


def kind_of(shown: str) -> str | None:
    if shown.endswith(("actionctl.yaml", "actionctl.yml")) and "/" not in shown:
        return "project"
    if shown.startswith("channels/"):
        return "channel"
    if shown.startswith("actions/"):
        return "action"
    return None


def _layout(text: str, kind: str | None) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = LINE_WIDTH
    yaml.indent(mapping=2, sequence=2, offset=0)
    documents = list(yaml.load_all(text))
    for document in documents:
        _canonical(document, kind)
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return out.getvalue()


def _canonical(document: Any, kind: str | None) -> None:
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(document, CommentedMap):
        return
    _order(document, schema_order(document, kind))
    parameters = document.get("parameters_schema")
    if isinstance(parameters, CommentedMap):
        _order(parameters, PARAMETERS_ORDER)
    _double_quotes(document)


def _order(mapping: Any, order: tuple[str, ...]) -> None:
    """Known keys first, in ``order``; the rest after them, as they were. ``move_to_end``
    keeps each key's comments with it (ruamel stores them by key)."""
    wanted = ordered(mapping, order)
    if list(mapping) == wanted:
        return
    # A comment written after the last key belongs to it; keep it at the end of the map.
    for key in wanted:
        mapping.move_to_end(key)


def _double_quotes(node: Any) -> None:
    """Single-quoted text becomes double-quoted (``import``'s style; same value)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if isinstance(node, CommentedMap):
        items = list(node.items())
        for key, value in items:
            if isinstance(value, SingleQuotedScalarString):
                node[key] = DoubleQuotedScalarString(str(value))
            else:
                _double_quotes(value)
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            if isinstance(value, SingleQuotedScalarString):
                node[index] = DoubleQuotedScalarString(str(value))
            else:
                _double_quotes(value)
