"""Go ``text/template`` placeholders in UI-style fields, parsed with positions.

The dashboard writes placeholders the Go way (``{{ .parameters.booking_reference }}``,
``{{ .variables.call.from }}``); the platform stores them as ``{{booking_reference}}``
and ``{{call.from}}``. Only plain references can be translated, so anything else Go's
template language allows (``if``/``range``/``end``, pipes, function calls, ``$x``
variables, comments, ``{{-`` trim markers) is reported as an error at its position:
the target cannot express it.

    parse_template(text) -> ParsedTemplate(references, errors)
    to_platform(text)    -> text with references written the platform way
    from_platform(text, declared_parameters) -> the inverse (for import)
    locate_in_value(document, path, line, column, root) -> file Location of a text position
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from compiler.diagnostics import Location
from compiler.model import SourceDocument

SCOPES = ("parameters", "variables")

# Template error codes (docs/codes/compile.md).
UNTERMINATED = "T401"
STRAY_CLOSE = "T402"
EMPTY = "T403"
CONTROL_FLOW = "T404"
PIPE = "T405"
FUNCTION_CALL = "T406"
TEMPLATE_VARIABLE = "T407"
COMMENT = "T408"
TRIM_MARKER = "T409"
PLATFORM_FORM = "T410"
UNKNOWN_SCOPE = "T411"
NESTED_PARAMETER = "T412"
UNSUPPORTED = "T413"

_KEYWORDS = frozenset(
    {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"}
)
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"  # a Go identifier
_REFERENCE = re.compile(rf"^\.({_NAME})((?:\.{_NAME})*)$")
_BARE_NAME = re.compile(rf"^{_NAME}(?:\.{_NAME})*$")
_FIRST_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*")
# A valid reference with no trim markers: what nearly every action is.
_QUICK_REFERENCE = re.compile(rf"[ \t\r\n]*\.(parameters|variables)\.({_NAME}(?:\.{_NAME})*)\s*")
_PLAIN_INSIDE = re.compile(r"(?:[^\"'`{]|\{(?!\{))*")


@dataclass(frozen=True)
class TemplateReference:
    scope: str  # "parameters" | "variables"
    name: str  # dotted for variables: "call.from"
    offset: int  # of the opening "{{" within the text
    line: int  # 1-based, within the text
    column: int  # 1-based, within the text
    end: int = 0  # offset just past the closing "}}"


@dataclass(frozen=True)
class TemplateError:
    message: str
    offset: int
    line: int
    column: int
    code: str = UNSUPPORTED


@dataclass
class ParsedTemplate:
    text: str
    references: list[TemplateReference] = field(default_factory=list)
    errors: list[TemplateError] = field(default_factory=list)

    @property
    def literal_text(self) -> str:
        """The text with every action (valid or not) removed: what is sent as written."""
        return _strip_actions(self.text)


def parse_template(text: str) -> ParsedTemplate:
    """Find every ``{{ ... }}`` action in ``text``; keep references, report the rest."""
    parsed = ParsedTemplate(text)
    if "{" not in text and "}" not in text:
        return parsed  # the common case for plain text: nothing to scan
    lines = _LineIndex(text)
    position = 0
    while True:
        start = text.find("{{", position)
        _report_stray_closers(text, position, len(text) if start < 0 else start, lines, parsed)
        if start < 0:
            return parsed
        end = _find_action_end(text, start + 2)
        if end < 0:
            line, column = lines.position(start)
            parsed.errors.append(
                TemplateError(
                    "unterminated '{{': no matching '}}' on this action; close it with "
                    "'}}' or remove the braces",
                    start,
                    line,
                    column,
                    UNTERMINATED,
                )
            )
            return parsed
        _classify(text, start, end, lines, parsed)
        position = end


def _report_stray_closers(
    text: str, begin: int, stop: int, lines: _LineIndex, parsed: ParsedTemplate
) -> None:
    index = text.find("}}", begin, stop)
    while index >= 0:
        line, column = lines.position(index)
        parsed.errors.append(
            TemplateError("stray '}}' with no opening '{{'", index, line, column, STRAY_CLOSE)
        )
        index = text.find("}}", index + 2, stop)


def _find_action_end(text: str, index: int) -> int:
    """Offset just past the ``}}`` closing the action opened before ``index``; -1 if none.

    Quoted strings inside an action may hold ``}}`` (Go's lexer skips them too)."""
    close = text.find("}}", index)
    if close >= 0 and _PLAIN_INSIDE.fullmatch(text, index, close):
        return close + 2  # the common case: no quotes and no "{{" before the "}}"
    length = len(text)
    while index < length:
        char = text[index]
        if char in "\"'`":
            closing = _skip_quoted(text, index)
            if closing < 0:
                return -1
            index = closing
            continue
        if text.startswith("}}", index):
            return index + 2
        if text.startswith("{{", index):
            return -1  # a new action before this one closed: this one is unterminated
        index += 1
    return -1


def _skip_quoted(text: str, index: int) -> int:
    quote = text[index]
    index += 1
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "`":
            index += 2
            continue
        if char == quote:
            return index + 1
        if char == "\n" and quote != "`":
            return -1
        index += 1
    return -1


def _classify(text: str, start: int, end: int, lines: _LineIndex, parsed: ParsedTemplate) -> None:
    inner = text[start + 2 : end - 2]
    line, column = lines.position(start)
    quick = _QUICK_REFERENCE.fullmatch(inner)
    if quick and (quick.group(1) == "variables" or "." not in quick.group(2)):
        parsed.references.append(
            TemplateReference(quick.group(1), quick.group(2), start, line, column, end)
        )
        return
    problem = _problem(inner)
    if problem is not None:
        code, message = problem
        parsed.errors.append(TemplateError(message, start, line, column, code))
        return
    match = _REFERENCE.match(inner.strip())
    assert match is not None  # _problem returned None only for a valid reference
    parsed.references.append(
        TemplateReference(match.group(1), match.group(2)[1:], start, line, column, end)
    )


def _problem(inner: str) -> tuple[str, str] | None:
    """(code, message) for an action that is not a plain reference; None when it is one."""
    if inner[:2] in {"- ", "-\t", "-\n"} or inner[-2:] in {" -", "\t-", "\n-"}:
        return TRIM_MARKER, (
            "'{{-'/'-}}' whitespace trimming cannot be expressed on the platform; "
            "remove the '-' and write the spacing you want"
        )
    body = inner.strip()
    if not body:
        return EMPTY, "empty template action '{{}}'; write {{ .parameters.NAME }} or remove it"
    if body.startswith("/*"):
        return COMMENT, "template comments '{{/* */}}' are not supported; remove the comment"
    word_match = _FIRST_WORD.match(body)
    word = word_match.group(0) if word_match else ""
    if word in _KEYWORDS:
        return CONTROL_FLOW, (
            f"'{{{{ {word} }}}}': control flow cannot be expressed on the platform; only "
            "references like {{ .parameters.NAME }} or {{ .variables.NAME }} are allowed"
        )
    if _has_unquoted(body, "|"):
        return PIPE, (
            "pipes ('|') cannot be expressed on the platform; use a plain reference "
            "like {{ .parameters.NAME }}"
        )
    if body.startswith("$"):
        return TEMPLATE_VARIABLE, (
            f"template variable {body.split()[0]!r} is not supported; use "
            "{{ .parameters.NAME }} or {{ .variables.NAME }}"
        )
    words = _split_unquoted(body)
    if len(words) > 1 or "(" in body:
        return FUNCTION_CALL, (
            f"function call or arguments in {{{{ {body} }}}} cannot be expressed on the "
            "platform; only a single reference is allowed"
        )
    if _BARE_NAME.match(body):
        return PLATFORM_FORM, (
            f"platform-style placeholder {{{{{body}}}}} in a UI-style field: write "
            f"{{{{ .parameters.{body} }}}} for a tool parameter or "
            f"{{{{ .variables.{body} }}}} for a conversation variable"
        )
    return _reference_problem(body)


def _reference_problem(body: str) -> tuple[str, str] | None:
    match = _REFERENCE.match(body)
    if match is None:
        return UNSUPPORTED, (
            f"unsupported template expression {{{{ {body} }}}}; only "
            "{{ .parameters.NAME }} and {{ .variables.NAME }} are allowed"
        )
    scope, rest = match.group(1), match.group(2)
    if scope not in SCOPES or not rest:
        return UNKNOWN_SCOPE, (
            f"{{{{ {body} }}}} is not a reference the platform can fill; write "
            "{{ .parameters.NAME }} or {{ .variables.NAME }}"
        )
    if scope == "parameters" and "." in rest[1:]:
        return NESTED_PARAMETER, (
            f"{{{{ {body} }}}}: fields of a parameter cannot be referenced; declare "
            f"{rest[1:].replace('.', '_')!r} as its own parameter"
        )
    return None


def _has_unquoted(body: str, char: str) -> bool:
    return char in _unquoted(body)


def _split_unquoted(body: str) -> list[str]:
    return _unquoted(body).split()


def _unquoted(body: str) -> str:
    """``body`` with the contents of quoted strings replaced by ``_``."""
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char in "\"'`":
            closing = _skip_quoted(body, index)
            closing = len(body) if closing < 0 else closing
            out.append("_" * (closing - index))
            index = closing
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _strip_actions(text: str) -> str:
    if "{{" not in text:
        return text
    out: list[str] = []
    position = 0
    while True:
        start = text.find("{{", position)
        if start < 0:
            out.append(text[position:])
            return "".join(out)
        end = _find_action_end(text, start + 2)
        out.append(text[position:start])
        if end < 0:
            return "".join(out)
        position = end


class _LineIndex:
    """Offset -> (line, column), both 1-based; columns count characters."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        index = text.find("\n")
        while index >= 0:
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def position(self, offset: int) -> tuple[int, int]:
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low + 1, offset - self.starts[low] + 1


def to_platform(text: str) -> str:
    """``{{ .parameters.x }}``/``{{ .variables.call.from }}`` -> ``{{x}}``/``{{call.from}}``.

    Anything that is not a valid reference is left as written (it is an error elsewhere)."""
    if "{{" not in text:
        return text
    parsed = parse_template(text)
    out: list[str] = []
    position = 0
    for reference in parsed.references:
        out.append(text[position : reference.offset])
        out.append("{{" + reference.name + "}}")
        position = reference.end
    out.append(text[position:])
    return "".join(out)


_PLATFORM_PLACEHOLDER = re.compile(rf"\{{\{{\s*({_NAME}(?:\.{_NAME})*)\s*\}}\}}")


def from_platform(text: str, declared_parameters: set[str]) -> str:
    """``{{x}}`` -> ``{{ .parameters.x }}`` when ``x`` is a declared parameter, else
    ``{{ .variables.x }}``. Other ``{{...}}`` content is left as it is."""
    if "{{" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        scope = "parameters" if name in declared_parameters else "variables"
        return "{{ ." + scope + "." + name + " }}"

    return _PLATFORM_PLACEHOLDER.sub(replace, text)


# ---------------------------------------------------------------------------
# From a position in a field's text to a position in the file.


def locate_in_value(
    document: SourceDocument,
    path: Sequence[str | int],
    line: int,
    column: int,
    root: Path | None = None,
) -> Location:
    """File location of (``line``, ``column``) of the string value at ``path``.

    The source map gives where the value starts: at its first character for a plain
    scalar, at the quote for a quoted one, at the ``|``/``>`` indicator for a block
    scalar. When the file can be read (``root / document.file``) its style decides a
    first guess:

    - block scalar: text line N is file line ``start + N``, column = the block's
      indentation + ``column``;
    - quoted: one column right of the quote on the first line;
    - plain: ``start column + column - 1`` on the first line; later lines at their
      indentation.

    The guess is then checked against the raw file: if the text found there is not the
    text at that position of the value (escapes in a quoted string, lines joined by
    ``>`` folding or by a multi-line flow scalar), the raw file is searched from the
    value's start for the same occurrence of that text: for ``{{``/``}}`` the n-th brace
    pair (braces are never escaped or split by wrapping), else the text itself.
    Without the file, the plain-scalar arithmetic is used.
    """
    base = document.source_map.locate(tuple(path))
    raw = _file_lines(root / document.file) if root is not None else None
    if raw is None or not 0 < base.line <= len(raw):
        return _plain(base, line, column)
    guess = _guess(base, raw, line, column)
    value = _value_at(document.data, path)
    if not isinstance(value, str):
        return guess
    return _confirm(base, raw, value, line, column, guess)


def _guess(base: Location, raw: list[str], line: int, column: int) -> Location:
    indicator = raw[base.line - 1][base.column - 1 : base.column] if base.column >= 1 else ""
    if indicator in ("|", ">"):
        indent = _block_indent(raw, base.line)
        return Location(base.file, base.line + line, indent + column)
    if line == 1:
        shift = 1 if indicator in ("'", '"') else 0
        return Location(base.file, base.line, base.column + column - 1 + shift)
    return _continuation(base, raw, line, column)


def _plain(base: Location, line: int, column: int) -> Location:
    if line == 1:
        return Location(base.file, base.line, base.column + column - 1)
    return Location(base.file, base.line + line - 1, column)


def _block_indent(raw: list[str], indicator_line: int) -> int:
    for text in raw[indicator_line:]:
        if text.strip():
            return len(text) - len(text.lstrip(" "))
    return 0


def _continuation(base: Location, raw: list[str], line: int, column: int) -> Location:
    file_line = base.line + line - 1
    if file_line > len(raw):
        return Location(base.file, file_line, column)
    text = raw[file_line - 1]
    indent = len(text) - len(text.lstrip(" "))
    return Location(base.file, file_line, indent + column)


def _confirm(
    base: Location, raw: list[str], value: str, line: int, column: int, guess: Location
) -> Location:
    lines = value.split("\n")
    if not 0 < line <= len(lines):
        return guess
    offset = sum(len(text) + 1 for text in lines[: line - 1]) + column - 1
    snippet = _snippet(value, offset)
    if not snippet:
        return guess
    token = snippet[:2]
    if token in ("{{", "}}"):
        # Braces are never escaped nor split by line wrapping: the n-th "{{" of the
        # value is the n-th "{{" in the file from the value's start. (Checking the guess
        # instead would be fooled by the same reference on a neighbouring line.)
        found = _find_occurrence(raw, base, token, value.count(token, 0, offset))
        return found if found is not None else guess
    if 0 < guess.line <= len(raw):
        at_guess = raw[guess.line - 1][guess.column - 1 : guess.column - 1 + len(snippet)]
        if at_guess == snippet:
            return guess
    found = _find_occurrence(raw, base, snippet, value.count(snippet, 0, offset))
    return found if found is not None else guess


def _snippet(value: str, offset: int) -> str:
    """The text at ``offset`` to look for in the raw file: the whole ``{{...}}`` action
    when it stays on one line, else the rest of the line (at most 24 characters)."""
    line_end = value.find("\n", offset)
    line_end = len(value) if line_end < 0 else line_end
    close = value.find("}}", offset, line_end)
    end = close + 2 if close >= 0 else min(line_end, offset + 24)
    return value[offset:end]


def _find_occurrence(
    raw: list[str], base: Location, snippet: str, occurrence: int
) -> Location | None:
    seen = 0
    for index in range(base.line - 1, len(raw)):
        start = base.column - 1 if index == base.line - 1 else 0
        column = raw[index].find(snippet, start)
        while column >= 0:
            if seen == occurrence:
                return Location(base.file, index + 1, column + 1)
            seen += 1
            column = raw[index].find(snippet, column + len(snippet))
    return None


def _value_at(data: object, path: Sequence[str | int]) -> object:
    for key in path:
        try:
            data = data[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _file_lines(path: Path) -> list[str] | None:
    """The file's lines; cached by (path, mtime, size) since only diagnostics need them."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_lines(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read_lines(path: str, mtime_ns: int, size: int) -> list[str] | None:
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Rendered:
    text: str
    missing: list[TemplateReference]  # references with no value given (first of each)


def render(text: str, parameters: dict[str, str], variables: dict[str, str]) -> Rendered:
    """Fill the references of a UI-style template with values (``actionctl render``).

    Values are looked up by scope; a reference with no value is left as written and
    listed in ``missing``."""
    parsed = parse_template(text)
    out: list[str] = []
    missing: dict[tuple[str, str], TemplateReference] = {}
    position = 0
    for reference in parsed.references:
        values = parameters if reference.scope == "parameters" else variables
        out.append(text[position : reference.offset])
        if reference.name in values:
            out.append(values[reference.name])
        else:
            missing.setdefault((reference.scope, reference.name), reference)
            out.append(text[reference.offset : reference.end])
        position = reference.end
    out.append(text[position:])
    return Rendered("".join(out), list(missing.values()))
