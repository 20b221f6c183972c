"""The inside of one Go ``text/template`` action, tokenized as Go's lexer does.

A faithful port of the action states of Go's ``text/template/parse/lex.go`` (Go 1.19,
the version the differential corpus was recorded with): the same whitespace set (space,
tab, CR, LF and nothing else), identifiers of Go's Unicode letters, digits and ``_``
(Go 1.19's Unicode 13.0.0 tables in ``unicode_tables``, never the interpreter's
``unicodedata``, whose version changes with Python), the
same terminators, numbers, quoted, raw and character literals, parentheses and the
`` -}}`` trim marker. Each function moves forward only, so lexing a whole template is
linear in its length.

    lex_action(text, position) -> LexedAction(tokens, end, right_trim, error)
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from compiler.gotemplate.unicode_tables import ASSIGNED, DIGIT, LETTER, PRINT

SPACE = " \t\r\n"  # Go's isSpace; Python's str.isspace accepts 25 more characters
TERMINATORS = ".,|:)("
KEYWORDS = frozenset(
    {"block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"}
)
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]*")  # the common case, at C speed


class Token(NamedTuple):
    kind: str  # space field variable dot identifier keyword bool nil number complex
    #           string raw_string char_constant pipe left_paren right_paren assign
    #           declare char
    value: str
    start: int


@dataclass(frozen=True)
class LexError:
    message: str  # Go's own wording
    offset: int  # the start of the token Go's lexer was reading
    stop: int  # where reading stopped: going on from here keeps lexing linear


@dataclass(frozen=True)
class LexedAction:
    tokens: list[Token]
    end: int  # just past the closing "}}" (or where lexing stopped on an error)
    right_trim: bool  # closed by " -}}"
    error: LexError | None = None
    nested_open: bool = False  # an unquoted "{{" came before any "}}": resume there


def _in(table: tuple[int, ...], char: str) -> bool:
    return bisect_right(table, ord(char)) % 2 == 1


def is_go_letter(char: str) -> bool:
    """Go 1.19's unicode.IsLetter (Unicode 13.0.0)."""
    return _in(LETTER, char)


def is_go_digit(char: str) -> bool:
    """Go 1.19's unicode.IsDigit (Unicode 13.0.0)."""
    return _in(DIGIT, char)


def is_go_print(char: str) -> bool:
    """Go 1.19's unicode.IsPrint, which decides whether %#U shows the character."""
    return _in(PRINT, char)


def is_go_alphanumeric(char: str) -> bool:
    """Go's isAlphaNumeric: '_', unicode.IsLetter or unicode.IsDigit."""
    if char.isascii():
        return char == "_" or char.isalnum()
    return is_go_letter(char) or is_go_digit(char)


def _ascii_word_end(text: str, position: int) -> int:
    match = _ASCII_WORD.match(text, position)
    return match.end() if match else position


def _word_end(text: str, position: int) -> int:
    """End of the run of Go letters and digits starting at ``position``."""
    end = _ascii_word_end(text, position)
    while end < len(text) and not text[end].isascii() and is_go_alphanumeric(text[end]):
        end = _ascii_word_end(text, end + 1)
    return end


def describe_rune(char: str) -> str:
    """Go's ``%#U``: ``U+00A0`` plus the character when Go prints it, then its name (a
    help for the reader), for characters Go's Unicode has: a message is the same on
    every Python, whose newer Unicode names characters Go does not know."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "") if _in(ASSIGNED, char) else ""
    shown = f" '{char}'" if is_go_print(char) and char != " " else ""
    return f"{code}{shown}" + (f" ({name})" if name else "")


class _ActionLexer:
    def __init__(self, text: str, position: int) -> None:
        self.text = text
        self.length = len(text)
        self.position = position
        self.tokens: list[Token] = []
        self.paren_depth = 0

    def _peek(self, offset: int = 0) -> str:
        index = self.position + offset
        return self.text[index] if index < self.length else ""

    def _at_right_delim(self, position: int) -> tuple[bool, bool]:
        text = self.text
        if (
            position + 1 < self.length
            and text[position] in SPACE
            and text[position + 1] == "-"
            and text.startswith("}}", position + 2)
        ):
            return True, True
        return text.startswith("}}", position), False

    def _at_terminator(self) -> bool:
        char = self._peek()
        if char == "" or char in SPACE or char in TERMINATORS:
            return True
        return self.text.startswith("}}", self.position)

    def _emit(self, kind: str, start: int) -> None:
        self.tokens.append(Token(kind, self.text[start : self.position], start))

    def _fail(self, message: str, offset: int, stop: int = -1) -> LexedAction:
        stop = stop if stop >= 0 else max(offset + 1, self.position)
        return LexedAction(self.tokens, stop, False, LexError(message, offset, stop))

    def run(self) -> LexedAction:
        while True:
            delim, trim = self._at_right_delim(self.position)
            if delim:
                if self.paren_depth:
                    return self._fail("unclosed left paren", self.position, self.position)
                end = self.position + (4 if trim else 2)
                return LexedAction(self.tokens, end, trim)
            if self.position >= self.length:
                return self._fail("unclosed action", self.position)
            result = self._step()
            if result is not None:
                return result

    def _step(self) -> LexedAction | None:
        start = self.position
        char = self.text[start]
        if char in SPACE:
            return self._space()
        self.position += 1
        if char == "|":
            self._emit("pipe", start)
        elif char == "=":
            self._emit("assign", start)
        elif char == ":":
            if self._peek() != "=":
                return self._fail("expected :=", start)
            self.position += 1
            self._emit("declare", start)
        elif char in "\"'":
            return self._quoted(char, start)
        elif char == "`":
            return self._raw(start)
        elif char == "$":
            return self._field_or_variable("variable", start)
        elif char == "." and self._peek() != "" and not "0" <= self._peek() <= "9":
            return self._field_or_variable("field", start)
        elif char in "+-." or "0" <= char <= "9":
            return self._number(start)
        elif is_go_alphanumeric(char):
            return self._identifier(start)
        elif char == "(":
            self._emit("left_paren", start)
            self.paren_depth += 1
        elif char == ")":
            self._emit("right_paren", start)
            self.paren_depth -= 1
            if self.paren_depth < 0:
                return self._fail("unexpected right paren U+0029 ')'", start)
        elif char.isascii() and char.isprintable():
            if char == "{" and self._peek() == "{":
                return LexedAction(self.tokens, start, False, None, nested_open=True)
            self._emit("char", start)
        else:
            return self._fail(f"unrecognized character in action: {describe_rune(char)}", start)
        return None

    def _space(self) -> LexedAction | None:
        start = self.position
        end = start
        while end < self.length and self.text[end] in SPACE:
            end += 1
        self.position = end
        # A space followed by "-}}" belongs to the trim marker, not to the action.
        if self.text.startswith("-}}", end):
            self.position = end - 1
            if end - 1 == start:
                return None  # only that space: the next step sees " -}}"
        self._emit("space", start)
        return None

    def _quoted(self, quote: str, start: int) -> LexedAction | None:
        kind, what = (
            ("string", "quoted string") if quote == '"' else ("char_constant", "character constant")
        )
        while True:
            char = self._peek()
            self.position += 1
            if char == "\\":
                following = self._peek()
                self.position += 1
                if following not in ("", "\n"):
                    continue
                return self._fail(f"unterminated {what}", start)
            if char in ("", "\n"):
                return self._fail(f"unterminated {what}", start)
            if char == quote:
                self._emit(kind, start)
                return None

    def _raw(self, start: int) -> LexedAction | None:
        close = self.text.find("`", self.position)
        if close < 0:
            return self._fail("unterminated raw quoted string", start)
        self.position = close + 1
        self._emit("raw_string", start)
        return None

    def _field_or_variable(self, kind: str, start: int) -> LexedAction | None:
        if self._at_terminator():
            self._emit("dot" if kind == "field" else "variable", start)
            return None
        self.position = _word_end(self.text, self.position)
        if not self._at_terminator():
            return self._fail(f"bad character {describe_rune(self._peek())}", self.position)
        self._emit(kind, start)
        return None

    def _identifier(self, start: int) -> LexedAction | None:
        self.position = _word_end(self.text, start)
        if not self._at_terminator():
            return self._fail(f"bad character {describe_rune(self._peek())}", self.position)
        word = self.text[start : self.position]
        if word in KEYWORDS:
            kind = "keyword"
        elif word == "nil":
            kind = "nil"
        elif word in ("true", "false"):
            kind = "bool"
        else:
            kind = "identifier"
        self._emit(kind, start)
        return None

    def _number(self, start: int) -> LexedAction | None:
        self.position = start
        if not self._scan_number():
            return self._fail(f"bad number syntax: {self.text[start : self.position]!r}", start)
        if self._peek() in ("+", "-") and self._peek() != "":
            if not self._scan_number() or self.text[self.position - 1] != "i":
                return self._fail(f"bad number syntax: {self.text[start : self.position]!r}", start)
            self._emit("complex", start)
            return None
        self._emit("number", start)
        return None

    def _accept(self, valid: str) -> bool:
        char = self._peek()
        if char != "" and char in valid:
            self.position += 1
            return True
        return False

    def _accept_run(self, valid: str) -> None:
        while self._accept(valid):
            pass

    def _scan_number(self) -> bool:
        """Go's scanNumber, step for step."""
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        following = self._peek()
        if following != "" and is_go_alphanumeric(following):
            self.position += 1
            return False
        return True


def lex_action(text: str, position: int) -> LexedAction:
    """Tokens of the action whose inside starts at ``position`` (after ``{{`` and any
    ``- `` trim marker), up to and including its ``}}``."""
    return _ActionLexer(text, position).run()
