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

Formatting must never change what a file means: the result is read back with our own
YAML 1.1 loader and must give the same data, and keep every comment, or the file is left
as it is (E131). Known limit (ruamel's): a comment on its own line between two keys
belongs to the key above it, and moves with that key when keys are reordered.
A file our loader cannot read is left as it is, with the loader's diagnostics.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, Location, has_errors

# Never wrap: a wrapped quoted value splits placeholders (``{{ .parameters.x\`` / ``\ }}``)
# and reads badly in diffs; a line break written in a value is kept as written.
LINE_WIDTH = 4096
_PARAMETERS_ORDER = ("type", "description", "properties", "required")


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


def format_file(path: Path, shown: str) -> FormatResult:
    """Read as the loader reads: a FIFO or device is never waited on, a huge file never
    read whole."""
    from compiler.load.yaml_source import (
        MAX_FILE_BYTES,
        FileTooLargeError,
        NotRegularFileError,
        read_regular_file,
    )

    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except NotRegularFileError:
        message = f"{shown} is not a regular file; it is not opened: replace it with a file"
        return _left(shown, "", "E115", message)
    except FileTooLargeError as error:
        message = f"{shown} is larger than {MAX_FILE_BYTES} bytes ({error.args[0]}); not read"
        return _left(shown, "", "Y108", message)
    except OSError as error:
        return _left(shown, "", "E130", f"cannot read this file: {error.strerror or error}")
    try:
        original = raw.decode("utf-8")
    except UnicodeDecodeError:  # the loader's own Y104, located at the offending byte
        from compiler.load.yaml_source import read_yaml_bytes

        return FormatResult(shown, "", None, list(read_yaml_bytes(raw, shown).diagnostics))
    return format_text(original, shown)


def format_text(original: str, shown: str) -> FormatResult:
    from compiler.load.yaml_source import read_yaml_text

    before = read_yaml_text(original, shown)
    if has_errors(before.diagnostics):
        return FormatResult(shown, original, None, list(before.diagnostics))
    if not any(data is not None for data in _data(before)):
        return FormatResult(shown, original, original)  # only comments: nothing to lay out
    preamble, body = _split_preamble(original)
    try:
        formatted = preamble + _layout(body, _kind_of(shown))
    except Exception as error:  # ruamel's own errors: any of its exception classes
        message = f"cannot lay this file out: {type(error).__name__}: {error}"
        return _left(shown, original, "E130", message)
    after = read_yaml_text(formatted, shown)
    same_data = _data(after) == _data(before) and not has_errors(after.diagnostics)
    if not same_data or not _comments_kept(original, formatted):
        what = "read differently" if not same_data else "lose a comment"
        message = (
            f"left as it is: the canonical layout would {what} (please report this file); "
            "the file is unchanged"
        )
        return _left(shown, original, "E131", message)
    return FormatResult(shown, original, formatted)


def _left(shown: str, original: str, code: str, message: str) -> FormatResult:
    return FormatResult(shown, original, None, [Diagnostic.error(Location(shown), code, message)])


def _split_preamble(text: str) -> tuple[str, str]:
    """Comments and directives before a first ``---`` are kept verbatim: ruamel drops
    them (a comment written after the ``---`` it keeps)."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "%")):
            continue
        if stripped == "---":
            preamble = "".join(line.rstrip("\r\n") + "\n" for line in lines[: index + 1])
            return preamble, "".join(lines[index + 1 :])
        return "", text
    return "", text


def _comments_kept(before: str, after: str) -> bool:
    """Every comment of ``before`` is still in ``after`` (as text, anywhere)."""
    kept = _comment_texts(after)
    return all(comment in kept for comment in _comment_texts(before))


def _comment_texts(text: str) -> set[str]:
    """The comments of a YAML text: a ``#`` after a space, outside any scalar."""
    import yaml

    spans = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                spans.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError:
        return set()
    found = set()
    for number, line in enumerate(text.splitlines()):
        for column, char in enumerate(line):
            if char != "#" or (column and not line[column - 1].isspace()):
                continue
            if any(a <= (number, column) < b for a, b in spans):
                continue
            found.add(line[column:].strip())
            break
    return found


def _data(result: Any) -> list[Any]:
    return [loaded.document.data for loaded in result.documents]


def _kind_of(shown: str) -> str | None:
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
    _order(document, _schema_order(document, kind))
    parameters = document.get("parameters_schema")
    if isinstance(parameters, CommentedMap):
        _order(parameters, _PARAMETERS_ORDER)
    _double_quotes(document)


def _schema_order(document: Any, kind: str | None) -> tuple[str, ...]:
    from compiler.load.schemas import action_types, load_schema

    schema_kind = kind
    if kind == "action":
        action_type = document.get("type")
        if not isinstance(action_type, str) or action_type not in action_types():
            return ("kind", "type", "agent", "name", "description")
        schema_kind = action_type
    if schema_kind is None:
        return ()
    return tuple(load_schema(schema_kind).get("properties", {}))


def _order(mapping: Any, order: tuple[str, ...]) -> None:
    """Known keys first, in ``order``; the rest after them, as they were. ``move_to_end``
    keeps each key's comments with it (ruamel stores them by key)."""
    known = [key for key in order if key in mapping]
    rest = [key for key in mapping if key not in order]
    if list(mapping) == known + rest:
        return
    # A comment written after the last key belongs to it; keep it at the end of the map.
    for key in known + rest:
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
