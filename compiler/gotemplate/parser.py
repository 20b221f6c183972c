"""Go ``text/template`` placeholders in UI-style fields: parsed as Go parses them,
compiled to the platform's ``{{x}}``.

The dashboard writes placeholders the Go way (``{{ .parameters.booking_reference }}``,
``{{ .variables.call.from }}``); the platform stores them as ``{{booking_reference}}``
and ``{{call.from}}``. A template is accepted when Go accepts it and its meaning can be
written for the platform: text, plain references (an empty trailing pipe, which Go
ignores, included), comments (dropped) and trim markers (``{{- `` / `` -}}`` remove the
adjacent spaces, tabs, CRs and LFs, exactly as Go does). Everything else Go's template
language allows (``if``/``range``, pipes, functions, ``$x``, constants, parentheses) is
an error at its action: the target cannot express it. A stray ``}}`` is text to Go but
is reported too: it is nearly always a broken placeholder, and on the platform braces
mark placeholders. The lexing follows Go's ``lex.go`` (``compiler.gotemplate.lexer``);
``tests/templates/go_corpus.jsonl`` holds Go's own verdicts on 500+ templates.

    parse_template(text) -> ParsedTemplate(pieces, references, errors)
    to_platform(text)    -> the platform's text (Go's trims applied, comments dropped)
    from_platform(text, declared_parameters) -> the inverse (for import)
    locate_in_value(document, path, line, column, root) -> file Location of a text position
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from compiler.diagnostics.codes import (
    T401,
    T402,
    T403,
    T404,
    T405,
    T406,
    T407,
    T410,
    T411,
    T412,
    T413,
    T414,
    T415,
    T416,
    T417,
    T418,
    T419,
)
from compiler.gotemplate.lexer import SPACE, LexedAction, Token, is_go_alphanumeric, lex_action
from compiler.gotemplate.positions import locate_in_value

__all__ = [
    "ParsedTemplate",
    "TemplateError",
    "TemplateReference",
    "from_platform",
    "locate_in_value",
    "parse_template",
    "to_platform",
]

SCOPES = ("parameters", "variables")
MAX_ERRORS = 20  # per field; then one TOO_MANY_ERRORS with the count left

# Template error codes (docs/codes/compile.md). T408 (comments) and T409 (trim markers)
# are retired: Go gives both a meaning the platform can express, so they compile.
UNTERMINATED = T401
STRAY_CLOSE = T402
EMPTY = T403
CONTROL_FLOW = T404
PIPE = T405
FUNCTION_CALL = T406
TEMPLATE_VARIABLE = T407
PLATFORM_FORM = T410
UNKNOWN_SCOPE = T411
NESTED_PARAMETER = T412
UNSUPPORTED = T413
SCOPE_CONFLICT = T414  # raised by the templates rule, which sees the whole action
LEXICAL = T415
BAD_COMMENT = T416
CONSTANT = T417
PARENTHESES = T418
TOO_MANY_ERRORS = T419

# text/template's builtin functions: a bare one is a call, not a platform placeholder.
GO_BUILTINS = frozenset(
    [
        "and",
        "call",
        "html",
        "index",
        "slice",
        "js",
        "len",
        "not",
        "or",
        "print",
        "printf",
        "println",
        "urlquery",
        "eq",
        "ge",
        "gt",
        "le",
        "lt",
        "ne",
    ]
)
# The action every template is made of, matched at once: a plain ASCII reference, an
# optional empty pipe, "}}" or " -}}". Whatever it does not match goes through the lexer,
# which reads it exactly as Go does (the differential corpus checks both agree).
_QUICK_REFERENCE = re.compile(
    r"[ \t\r\n]*\.(parameters|variables)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)"
    r"[ \t\r\n]*(?:\|[ \t\r\n]*)?(?:\}\}|(?<=[ \t\r\n])-\}\})"
)
_OPERANDS = frozenset(
    [
        "field",
        "variable",
        "dot",
        "identifier",
        "bool",
        "nil",
        "number",
        "complex",
        "string",
        "raw_string",
        "char_constant",
        "left_paren",
    ]
)


class TemplateReference(NamedTuple):
    scope: str  # "parameters" | "variables"
    name: str  # dotted for variables: "call.from"
    offset: int  # of the opening "{{" within the text
    line: int  # 1-based, within the text
    column: int  # 1-based, within the text
    end: int = 0  # offset just past the closing "}}"
    field_offset: int = 0  # of ".parameters"/".variables" (Go's position of the field)


class TemplateError(NamedTuple):
    message: str
    offset: int  # of the offending action's "{{" (or of the stray "}}")
    line: int
    column: int
    code: str = UNSUPPORTED
    end: int = 0  # just past what the error covers


class Piece(NamedTuple):
    """One part of a template in order: ``text`` (as Go outputs it, trims applied), a
    ``reference``, a ``comment`` (outputs nothing) or an ``error`` (an action that is not
    compiled; ``source`` is as written)."""

    kind: str
    start: int
    end: int
    text: str = ""
    reference: TemplateReference | None = None


@dataclass
class ParsedTemplate:
    text: str
    references: list[TemplateReference] = field(default_factory=list)
    errors: list[TemplateError] = field(default_factory=list)  # at most MAX_ERRORS + 1
    pieces: list[Piece] = field(default_factory=list)
    error_count: int = 0  # every error found, shown or not

    @property
    def literal_text(self) -> str:
        """The text Go outputs around the actions: what is sent as written."""
        return "".join(piece.text for piece in self.pieces if piece.kind == "text")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.parsed = ParsedTemplate(text)
        self.lines = _LineIndex(text)
        self._next_open = -2  # memo of text.find("{{", ...): keeps recovery linear
        self._next_close = -2

    def find_open(self, position: int) -> int:
        if self._next_open != -1 and self._next_open < position:
            self._next_open = self.text.find("{{", position)
        return self._next_open

    def find_close(self, position: int) -> int:
        if self._next_close != -1 and self._next_close < position:
            self._next_close = self.text.find("}}", position)
        return self._next_close

    def error(self, code: str, message: str, offset: int, end: int) -> None:
        self.parsed.error_count += 1
        if self.parsed.error_count > MAX_ERRORS:
            return
        line, column = self.lines.position(offset)
        self.parsed.errors.append(TemplateError(message, offset, line, column, code, end))

    def run(self) -> ParsedTemplate:
        text, position = self.text, 0
        while position >= 0:
            start = self.find_open(position)
            stop = len(text) if start < 0 else start
            self._stray_closers(position, stop)
            if start < 0:
                self._text(position, stop, trim=False)
                break
            left_trim = _has_left_trim_marker(text, start + 2)
            self._text(position, start, trim=left_trim)
            inside = start + 2 + (2 if left_trim else 0)
            if text.startswith("/*", inside):
                position = self._comment(start, inside)
            else:
                position = self._action(start, inside)
        self._joined_braces()
        self._summarize()
        return self.parsed

    def _joined_braces(self) -> None:
        """Go drops comments and trimmed spaces, so what stood on either side of them meets
        in the output: ``}{{/**/}}}`` outputs ``}}``, the platform's own delimiter. Checked
        on the output, where the source shows no stray ``}}``."""
        found = False
        previous: Piece | None = None
        for piece in self.parsed.pieces:
            if piece.kind == "comment":
                continue
            if piece.kind == "error":
                previous = None  # not compiled: its neighbours never meet
                continue
            if previous is not None and previous.end != piece.start:
                pair = previous.text[-1:] + piece.text[:1]
                if pair in ("{{", "}}"):
                    found = True
                    self.error(
                        STRAY_CLOSE,
                        f"braces joined across a comment or trim marker: Go outputs {pair!r} "
                        "here once the comment or spaces between them are dropped, and on the "
                        "platform braces mark placeholders; keep text between them or remove one",
                        previous.end - 1,
                        piece.start + 1,
                    )
            previous = piece
        if found:
            self.parsed.errors.sort(key=lambda error: error.offset)

    def _text(self, start: int, stop: int, *, trim: bool) -> None:
        chunk = self.text[start:stop]
        if trim:
            chunk = chunk.rstrip(SPACE)
        if chunk:
            self.parsed.pieces.append(Piece("text", start, start + len(chunk), chunk))

    def _stray_closers(self, start: int, stop: int) -> None:
        index = self.find_close(start)
        while 0 <= index < stop and self.parsed.error_count < MAX_ERRORS:
            self.error(
                STRAY_CLOSE,
                "stray '}}' with no opening '{{' (Go would print it as text, but it is "
                "almost always a broken placeholder); remove it or add the missing '{{'",
                index,
                index + 2,
            )
            index = self.find_close(index + 2)
        if 0 <= index < stop:  # past the cap: only the count matters
            self.parsed.error_count += self.text.count("}}", index, stop)

    def _after_right_trim(self, position: int) -> int:
        while position < len(self.text) and self.text[position] in SPACE:
            position += 1
        return position

    def _comment(self, start: int, inside: int) -> int:
        close = self.text.find("*/", inside + 2)
        if close < 0:
            self._give_up(start, BAD_COMMENT, "unclosed comment: '/*' has no '*/'; close it")
            return -1
        after = close + 2
        if self.text.startswith("}}", after):
            end, trim = after + 2, False
        elif self.text[after : after + 1] in SPACE and self.text.startswith("-}}", after + 1):
            end, trim = after + 4, True
        else:
            resume = self._resume(after)
            self.error(
                BAD_COMMENT,
                "comment ends before closing delimiter: Go needs '*/}}' (or '*/ -}}') "
                "right after the comment; nothing may stand between them",
                start,
                resume if resume >= 0 else len(self.text),
            )
            self._error_piece(start, resume)
            return resume
        self.parsed.pieces.append(Piece("comment", start, end))
        return self._after_right_trim(end) if trim else end

    def _give_up(self, start: int, code: str, message: str) -> None:
        self.error(code, message, start, len(self.text))
        self._error_piece(start, -1)

    def _error_piece(self, start: int, resume: int) -> None:
        end = len(self.text) if resume < 0 else resume
        self.parsed.pieces.append(Piece("error", start, end, self.text[start:end]))

    def _resume(self, position: int) -> int:
        """Where to go on after an error at ``position``: past the next ``}}``, or at the
        next ``{{`` when that comes first; -1 when neither follows."""
        close = self.find_close(position)
        opening = self.find_open(position)
        if opening >= 0 and (close < 0 or opening < close):
            return opening
        return close + 2 if close >= 0 else -1

    def _quick(self, start: int, inside: int) -> int:
        """The end of the action at ``start`` when it is a plain reference; else -1."""
        match = _QUICK_REFERENCE.match(self.text, inside)
        if match is None:
            return -1
        scope, chain = match.group(1), match.group(2)
        if scope == "parameters" and chain.count(".") > 1:
            return -1
        end = match.end()
        line, column = self.lines.position(start)
        field_offset = match.start(1) - 1
        reference = TemplateReference(scope, chain[1:], start, line, column, end, field_offset)
        self.parsed.references.append(reference)
        self.parsed.pieces.append(
            Piece("reference", start, end, "{{" + reference.name + "}}", reference)
        )
        return self._after_right_trim(end) if self.text[end - 3] == "-" else end

    def _action(self, start: int, inside: int) -> int:
        quick = self._quick(start, inside)
        if quick >= 0:
            return quick
        lexed = lex_action(self.text, inside)
        if lexed.nested_open:
            self.error(
                UNTERMINATED,
                "unterminated '{{': a new '{{' starts before this action's '}}'; close it "
                "with '}}' or remove the braces",
                start,
                lexed.end,
            )
            self._error_piece(start, lexed.end)
            return lexed.end
        if lexed.error is not None:
            return self._lex_error(start, lexed)
        problem = _classify(lexed.tokens)
        if isinstance(problem, tuple):
            code, message = problem
            self.error(code, message, start, lexed.end)
            self._error_piece(start, lexed.end)
        else:
            line, column = self.lines.position(start)
            reference = TemplateReference(
                problem.scope, problem.name, start, line, column, lexed.end, problem.offset
            )
            self.parsed.references.append(reference)
            self.parsed.pieces.append(
                Piece("reference", start, lexed.end, "{{" + reference.name + "}}", reference)
            )
        return self._after_right_trim(lexed.end) if lexed.right_trim else lexed.end

    def _lex_error(self, start: int, lexed: LexedAction) -> int:
        assert lexed.error is not None
        if lexed.error.message == "unclosed action":
            self._give_up(
                start,
                UNTERMINATED,
                "unterminated '{{': no matching '}}' on this action; close it with '}}' "
                "or remove the braces",
            )
            return -1
        resume = self._resume(lexed.error.stop)
        self.error(
            LEXICAL,
            _lexical_message(
                lexed.error.message, self.text[start : min(lexed.error.stop, start + 60)]
            ),
            start,
            len(self.text) if resume < 0 else resume,
        )
        self._error_piece(start, resume)
        return resume

    def _summarize(self) -> None:
        hidden = self.parsed.error_count - MAX_ERRORS
        if hidden <= 0:
            return
        last = self.parsed.errors[-1]
        self.parsed.errors.append(
            TemplateError(
                f"{hidden} more template error{'s' if hidden > 1 else ''} in this field not "
                f"shown (the first {MAX_ERRORS} are); fix those and validate again",
                last.offset,
                last.line,
                last.column,
                TOO_MANY_ERRORS,
                last.end,
            )
        )


def _has_left_trim_marker(text: str, position: int) -> bool:
    """Go's hasLeftTrimMarker: '-' then one of Go's four spaces."""
    return text.startswith("-", position) and text[position + 1 : position + 2] in tuple(SPACE)


def _lexical_message(go_message: str, source: str) -> str:
    """Go's message, the action up to where Go stopped (invisible characters escaped by
    repr, so a no-break space shows as \\xa0), and what to do."""
    hint = ""
    if go_message.startswith(("bad character", "unrecognized character")):
        hint = (
            "; between the words of an action Go allows only space, tab, CR and LF, and "
            "names are letters, digits and '_'"
        )
    return f"Go cannot read this action: {go_message} in {source!r}{hint}"


@dataclass(frozen=True)
class _Reference:
    scope: str
    name: str
    offset: int


def _classify(tokens: list[Token]) -> _Reference | tuple[str, str]:
    """The reference a lexed action is, or (code, message) for why it cannot be one."""
    words = [token for token in tokens if token.kind != "space"]
    if len(words) > 1 and words[-1].kind == "pipe" and words[-2].kind != "pipe":
        words = words[:-1]  # "{{ .x | }}": Go ends the pipeline there; it is plain ".x"
    if not words:
        return (
            EMPTY,
            "empty action: Go needs a value here; write {{ .parameters.NAME }} or remove it",
        )
    shown = _shown(tokens)
    first = words[0]
    kinds = {token.kind for token in words}
    if kinds & {"assign", "declare"} or first.kind == "variable":
        return TEMPLATE_VARIABLE, (
            f"template variable in {shown}: the platform has no variables; use "
            "{{ .parameters.NAME }} or {{ .variables.NAME }}"
        )
    if first.kind == "keyword":
        return CONTROL_FLOW, (
            f"'{{{{ {first.value} }}}}': control flow cannot be expressed on the platform; "
            "only references like {{ .parameters.NAME }} or {{ .variables.NAME }} are allowed"
        )
    if "pipe" in kinds:
        return PIPE, (
            f"pipe in {shown}: the platform cannot pass a value through commands; use a "
            "plain reference like {{ .parameters.NAME }}"
        )
    if first.kind == "identifier":
        return _identifier_problem(first, words, shown)
    if kinds & {"left_paren", "right_paren"}:
        return PARENTHESES, (
            f"parentheses in {shown}: the platform cannot express a nested expression; "
            "write the reference alone, {{ .parameters.NAME }}"
        )
    if first.kind == "nil":
        return CONSTANT, (
            f"{shown} has no value to print: Go stops there with 'nil is not a command' "
            "when the template runs; remove the action"
        )
    if first.kind in ("bool", "number", "complex", "string", "raw_string", "char_constant"):
        return CONSTANT, (
            f"constant {_printable(first.value)} in {shown}: Go would print it as it "
            "stands; write the text itself, outside the braces"
        )
    if first.kind == "dot":
        return UNSUPPORTED, (
            f"{shown} prints all of Go's data, which the platform cannot express; write "
            "{{ .parameters.NAME }} or {{ .variables.NAME }}"
        )
    if first.kind == "field":
        return _field_problem(words, shown)
    if first.kind == "char" and first.value == "/":
        return BAD_COMMENT, (
            f"{shown}: a comment must start right after '{{{{' or '{{{{- ' and end right "
            "before '}}' or ' -}}', as in {{/* note */}}"
        )
    return UNSUPPORTED, (
        f"unexpected {first.value!r} in {shown}; only {{{{ .parameters.NAME }}}} and "
        "{{ .variables.NAME }} are allowed"
    )


def _shown(tokens: list[Token]) -> str:
    inner = "".join(token.value for token in tokens).strip(SPACE)
    if len(inner) > 60:
        inner = inner[:57] + "..."
    return "{{ " + _printable(inner) + " }}"


def _printable(text: str) -> str:
    """``text`` with invisible and control characters escaped: a string constant may
    hold ESC and the like, which must not reach the terminal raw."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _chain(words: list[Token]) -> list[Token]:
    """``words[0]`` and the fields written right after it (``.a.b.c``, no spaces)."""
    chain = [words[0]]
    for token in words[1:]:
        previous = chain[-1]
        if token.kind != "field" or token.start != previous.start + len(previous.value):
            break
        chain.append(token)
    return chain


def _identifier_problem(first: Token, words: list[Token], shown: str) -> tuple[str, str]:
    chain = _chain(words)
    name = "".join(token.value for token in chain)
    if len(chain) == len(words) and first.value in SCOPES and len(chain) > 1:
        # ``parameters.x``: the reference with its leading dot missing, not a platform
        # placeholder (prefixing ``.parameters.`` again would be a second wrong fix).
        return PLATFORM_FORM, (
            f"{{{{ {name} }}}} is missing its leading dot: write {{{{ .{name} }}}}"
        )
    if len(chain) == len(words) and (len(chain) > 1 or first.value not in GO_BUILTINS):
        return PLATFORM_FORM, (
            f"platform-style placeholder {{{{{name}}}}} in a UI-style field: write "
            f"{{{{ .parameters.{name} }}}} for a tool parameter or "
            f"{{{{ .variables.{name} }}}} for a conversation variable"
        )
    if first.value in GO_BUILTINS:
        return FUNCTION_CALL, (
            f"{shown} calls Go's function {first.value!r}, which the platform cannot "
            "express; only a single reference like {{ .parameters.NAME }} is allowed"
        )
    return FUNCTION_CALL, (
        f"function call or arguments in {shown} cannot be expressed on the platform (Go: "
        f"function {first.value!r} not defined); only a single reference is allowed"
    )


def _field_problem(words: list[Token], shown: str) -> _Reference | tuple[str, str]:
    chain = _chain(words)
    names = [token.value[1:] for token in chain]
    body = "." + ".".join(names)
    if len(chain) < len(words):
        following = words[len(chain)]
        if following.kind in _OPERANDS:
            return FUNCTION_CALL, (
                f"arguments after {body} in {shown} cannot be expressed on the platform; "
                "only a single reference is allowed"
            )
        return UNSUPPORTED, (
            f"unexpected {following.value!r} after {body} in {shown}; only "
            "{{ .parameters.NAME }} and {{ .variables.NAME }} are allowed"
        )
    if names[0] not in SCOPES or len(names) == 1:
        return UNKNOWN_SCOPE, (
            f"{{{{ {body} }}}} is not a reference the platform can fill; write "
            "{{ .parameters.NAME }} or {{ .variables.NAME }}"
        )
    if names[0] == "parameters" and len(names) > 2:
        return NESTED_PARAMETER, (
            f"{{{{ {body} }}}}: fields of a parameter cannot be referenced; declare "
            f"{'_'.join(names[1:])!r} as its own parameter"
        )
    return _Reference(names[0], ".".join(names[1:]), chain[0].start)


@lru_cache(maxsize=512)
def parse_template(text: str) -> ParsedTemplate:
    """Every piece of ``text`` as Go's parser sees it; references kept, the rest
    reported (at most ``MAX_ERRORS`` errors, then one saying how many more).

    Cached: validate, the SMS rule and compile all read the same fields, so the result
    is shared and must not be changed by callers."""
    if "{" not in text and "}" not in text:
        parsed = ParsedTemplate(text)  # plain text: nothing to scan
        if text:
            parsed.pieces.append(Piece("text", 0, len(text), text))
        return parsed
    return _Parser(text).run()


class _LineIndex:
    """Offset -> (line, column), both 1-based; columns count characters."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        index = text.find("\n")
        while index >= 0:
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def to_platform(text: str) -> str:
    """``{{ .parameters.x }}``/``{{ .variables.call.from }}`` -> ``{{x}}``/``{{call.from}}``,
    with Go's trims applied and comments dropped: the text Go would output, placeholders
    written the platform's way. Actions that are errors are left as written."""
    if "{" not in text and "}" not in text:
        return text
    return "".join(piece.text for piece in parse_template(text).pieces)


def _is_go_name(name: str) -> bool:
    return bool(name) and all(is_go_alphanumeric(char) for char in name)


def _platform_name(inner: str) -> str | None:
    """The name of a platform placeholder's inside (``x``, `` call.from ``), if Go can
    write it as a field chain."""
    name = inner.strip()  # the platform trims spaces inside the braces
    parts = name.split(".")
    # Only an ASCII digit after "." starts a number in Go's lexer (str.isdigit knows more).
    if not all(_is_go_name(part) and not "0" <= part[0] <= "9" for part in parts):
        return None
    return name


def from_platform(text: str, declared_parameters: set[str]) -> str:
    """``{{x}}`` -> ``{{ .parameters.x }}`` when ``x`` is a declared parameter, else
    ``{{ .variables.x }}``. Other ``{{...}}`` content is left as it is."""
    if "{{" not in text:
        return text
    out: list[str] = []
    position = 0
    while (start := text.find("{{", position)) >= 0:
        close = text.find("}}", start + 2)
        if close < 0:
            break
        inner = text[start + 2 : close]
        name = None if "{" in inner else _platform_name(inner)
        if name is None:
            out.append(text[position : start + 2])
            position = start + 2
            continue
        scope = "parameters" if name in declared_parameters else "variables"
        out.append(text[position:start] + "{{ ." + scope + "." + name + " }}")
        position = close + 2
    out.append(text[position:])
    return "".join(out)
