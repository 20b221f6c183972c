"""The action lexer (compiler/gotemplate/lexer.py) token by token, at the edges the Go
corpus reaches only through a verdict: numbers in every base and form Go's scanNumber
takes or refuses, literals left open right before ``}}``, trim markers, parentheses,
and the messages Go gives. A malformed token after a reference must never be dropped
so that the reference compiles alone."""

from __future__ import annotations

import pytest

from compiler.gotemplate.lexer import (
    LexedAction,
    describe_rune,
    is_go_alphanumeric,
    lex_action,
)
from compiler.gotemplate.parser import parse_template, to_platform


def lexed(inside: str) -> LexedAction:
    return lex_action("{{" + inside + "}}", 2)


def words(inside: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of every token but spaces; an error fails the test."""
    result = lexed(inside)
    assert result.error is None, result.error
    return [(t.kind, t.value, t.start) for t in result.tokens if t.kind != "space"]


def failure(inside: str) -> tuple[str, int, int]:
    result = lexed(inside)
    assert result.error is not None, result.tokens
    return result.error.message, result.error.offset, result.end


# --- after a reference: a malformed token is an error, never dropped ---


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ .parameters.q 3g }}", "bad number syntax: '3g'"),
        ("{{ .parameters.q 0x1g }}", "bad number syntax: '0x1g'"),
        ("{{ .parameters.q 0b102 }}", "bad number syntax: '0b102'"),
        ("{{ .parameters.q 0o8 }}", "bad number syntax: '0o8'"),
        ("{{ .parameters.q 1e5x }}", "bad number syntax: '1e5x'"),
        ("{{ .parameters.q 1+2 }}", "bad number syntax: '1+2'"),
        ("{{ .parameters.q 1+2j }}", "bad number syntax: '1+2j'"),
        ("{{ .parameters.q `}}", "unterminated raw quoted string"),
        ('{{ .parameters.q "}}', "unterminated quoted string"),
        ("{{ .parameters.q '}}", "unterminated character constant"),
        ('{{ .parameters.q "a\\}}', "unterminated quoted string"),
        ("{{ .parameters.q :}}", "expected :="),
        ("{{ .parameters.q \x01}}", "unrecognized character in action: U+0001"),
    ],
)
def test_a_malformed_token_after_a_reference_is_go_s_error(template: str, message: str) -> None:
    parsed = parse_template(template)
    assert parsed.references == []
    assert [e.code for e in parsed.errors] == ["T415"]
    assert message in parsed.errors[0].message
    assert (parsed.errors[0].line, parsed.errors[0].column) == (1, 1)


@pytest.mark.parametrize(
    "template",
    [
        "{{ .parameters.q `x` }}",
        '{{ .parameters.q "x" }}',
        "{{ .parameters.q 'x' }}",
        "{{ .parameters.q 3 }}",
        "{{ .parameters.q 1+2i }}",
        "{{ .parameters.q nil }}",
    ],
)
def test_a_literal_after_a_reference_is_an_argument_the_platform_cannot_pass(
    template: str,
) -> None:
    parsed = parse_template(template)
    assert [e.code for e in parsed.errors] == ["T406"], parsed.errors
    assert f"in {template} cannot be expressed" in parsed.errors[0].message  # as written


def test_a_reference_alone_compiles() -> None:
    assert to_platform("{{ .parameters.q }}") == "{{q}}"
    assert to_platform("{{.parameters.q -}} x") == "{{q}}x"


# --- numbers, as Go's scanNumber reads them ---


@pytest.mark.parametrize(
    "number",
    [
        "0",
        "9",
        "99",
        "017",
        "0x1F",
        "0X1f",
        "0x_1",
        "0x1e3",  # e is a hex digit, not an exponent
        "0o17",
        "0O7",
        "0b101",
        "0B1",
        "1_000",
        "1e10",
        "1E+3",
        "1.5e-3",
        ".5",
        ".0",
        ".9",
        ".5e",
        "0.",
        "1e+",
        "-3",
        "+3",
        "+",
        "0x1p-2",
        "0X1P+2i",
        "1i",
    ],
)
def test_numbers_go_lexes_as_one_token(number: str) -> None:
    assert words(f" {number} ") == [("number", number, 3)]


@pytest.mark.parametrize("number", ["1+2i", "1-2i", "1.5-0.5i", "1i+2i", "0x1p2+3i"])
def test_complex_numbers(number: str) -> None:
    assert words(number) == [("complex", number, 2)]


@pytest.mark.parametrize(
    ("inside", "text"),
    [
        ("3g", "3g"),
        ("0x1g", "0x1g"),
        ("0b102", "0b102"),
        ("0o8", "0o8"),
        ("1e5x", "1e5x"),
        ("0x1p2x", "0x1p2x"),
        ("1_0a", "1_0a"),
        ("1+2", "1+2"),
        ("1+2j", "1+2j"),
        ("1+g", "1+g"),
    ],
)
def test_bad_numbers_name_what_was_read(inside: str, text: str) -> None:
    assert failure(inside)[:2] == (f"bad number syntax: {text!r}", 2)


def test_a_number_stops_where_go_s_does() -> None:
    assert words("1.2.3") == [("number", "1.2", 2), ("number", ".3", 5)]
    assert words("1.5.x") == [("number", "1.5", 2), ("field", ".x", 5)]
    assert words("-.5 +1") == [("number", "-.5", 2), ("number", "+1", 6)]
    assert words("1|2") == [("number", "1", 2), ("pipe", "|", 3), ("number", "2", 4)]
    assert words("(1)") == [("left_paren", "(", 2), ("number", "1", 3), ("right_paren", ")", 4)]


# --- fields, variables, identifiers ---


def test_fields_variables_and_words() -> None:
    assert words(".a.b") == [("field", ".a", 2), ("field", ".b", 4)]
    assert words("a.b") == [("identifier", "a", 2), ("field", ".b", 3)]
    assert words("true.x") == [("bool", "true", 2), ("field", ".x", 6)]
    assert words(". $ $x") == [("dot", ".", 2), ("variable", "$", 4), ("variable", "$x", 6)]
    assert words("nil false if end x_1") == [
        ("nil", "nil", 2),
        ("bool", "false", 6),
        ("keyword", "if", 12),
        ("keyword", "end", 15),
        ("identifier", "x_1", 19),
    ]
    assert words(".été $é xéy") == [
        ("field", ".été", 2),
        ("variable", "$é", 7),
        ("identifier", "xéy", 10),
    ]


def test_assignments_pipes_and_characters() -> None:
    assert words("$x := 1") == [("variable", "$x", 2), ("declare", ":=", 5), ("number", "1", 8)]
    assert words("$x = 1") == [("variable", "$x", 2), ("assign", "=", 5), ("number", "1", 7)]
    assert words(".a|.b") == [("field", ".a", 2), ("pipe", "|", 4), ("field", ".b", 5)]
    assert words("# {") == [("char", "#", 2), ("char", "{", 4)]
    assert words("#{") == [("char", "#", 2), ("char", "{", 3)]  # one brace opens nothing


@pytest.mark.parametrize(
    ("inside", "message", "offset"),
    [
        (".a!", "bad character U+0021 '!' (EXCLAMATION MARK)", 4),
        ("x!", "bad character U+0021 '!' (EXCLAMATION MARK)", 3),
        ("$x!", "bad character U+0021 '!' (EXCLAMATION MARK)", 4),
        ('.a"b"', "bad character U+0022 '\"' (QUOTATION MARK)", 4),
        (".a\u00a0", "bad character U+00A0 (NO-BREAK SPACE)", 4),
        ("\u00a0", "unrecognized character in action: U+00A0 (NO-BREAK SPACE)", 2),
        ("\u0870", "unrecognized character in action: U+0870", 2),
        ("\u20ac", "unrecognized character in action: U+20AC '\u20ac' (EURO SIGN)", 2),
        (":x", "expected :=", 2),
        ("$x=1", "bad character U+003D '=' (EQUALS SIGN)", 4),  # '=' ends no word
    ],
)
def test_characters_go_refuses(inside: str, message: str, offset: int) -> None:
    # Reading stops just past the character: the template is read on from there.
    assert failure(inside) == (message, offset, offset + 1)


# --- literals ---


def test_quoted_raw_and_character_literals() -> None:
    assert words('"a\\"b"') == [("string", '"a\\"b"', 2)]
    assert words('`a"b`') == [("raw_string", '`a"b`', 2)]
    assert words("`a\nb`") == [("raw_string", "`a\nb`", 2)]  # a raw string may hold a newline
    assert words("'x' '\\''") == [("char_constant", "'x'", 2), ("char_constant", "'\\''", 6)]


@pytest.mark.parametrize(
    ("inside", "message"),
    [
        ('"abc', "unterminated quoted string"),
        ('"a\n"', "unterminated quoted string"),
        ('"a\\\n"', "unterminated quoted string"),
        ("'a", "unterminated character constant"),
        ("`abc", "unterminated raw quoted string"),
    ],
)
def test_literals_left_open(inside: str, message: str) -> None:
    assert failure(inside)[:2] == (message, 2)


# --- the end of the action ---


def test_the_action_ends_after_its_braces_and_a_trim_marker_is_seen() -> None:
    result = lexed(" .a ")
    assert (result.end, result.right_trim) == (8, False)
    for inside, end in ((" .a -", 9), (".a -", 8), (".a  -", 9), (".a\t-", 8), (".a\n-", 8)):
        result = lexed(inside)
        assert (result.end, result.right_trim, result.error) == (end, True, None), inside
        assert [t.kind for t in result.tokens if t.kind != "space"] == ["field"]
    # The space before "-}}" belongs to the marker: no token, not even an empty one.
    assert [t.kind for t in lexed(".a -").tokens] == ["field"]
    assert [(t.kind, t.value) for t in lexed(".a  -").tokens] == [("field", ".a"), ("space", " ")]
    result = lexed(".a-")  # no space before '-': not a trim marker
    assert result.right_trim is False


def test_parentheses_must_balance() -> None:
    assert failure("(.a") == ("unclosed left paren", 5, 5)
    assert failure(".a)")[:2] == ("unexpected right paren U+0029 ')'", 4)
    assert words("((.a))") == [
        ("left_paren", "(", 2),
        ("left_paren", "(", 3),
        ("field", ".a", 4),
        ("right_paren", ")", 6),
        ("right_paren", ")", 7),
    ]


def test_an_action_left_open() -> None:
    result = lex_action("{{ .a", 2)
    assert result.error is not None and result.error.message == "unclosed action"
    assert result.error.offset == 5 and result.end == 6
    nested = lex_action("{{ .a {{ .b }}", 2)
    assert nested.nested_open and nested.end == 6 and nested.error is None


def test_the_lexer_starts_where_it_is_told() -> None:
    assert [t.start for t in lex_action("xx{{ .a }}", 4).tokens] == [4, 5, 7]


# --- characters as Go names them ---


def test_describe_rune_prints_what_go_prints() -> None:
    assert describe_rune("\u00e9") == "U+00E9 'é' (LATIN SMALL LETTER E WITH ACUTE)"
    assert describe_rune(" ") == "U+0020 (SPACE)"  # printable, but shown by name only
    assert describe_rune("\x01") == "U+0001"
    assert describe_rune("\u0870") == "U+0870"  # unknown to Go 1.19's Unicode: no name
    assert is_go_alphanumeric("_") and is_go_alphanumeric("7") and not is_go_alphanumeric("-")
    assert is_go_alphanumeric("é") and not is_go_alphanumeric("\u0870")
