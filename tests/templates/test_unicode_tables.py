"""Identifier characters in templates are Go 1.19's (Unicode 13.0.0), whatever Unicode
version this Python carries: compiler/gotemplate/unicode_tables.py is generated from Go's
own tables by tools/gotemplate-unicode, and a sample is checked against Go itself."""

from __future__ import annotations

import pytest

from compiler.gotemplate import unicode_tables
from compiler.gotemplate.lexer import is_go_alphanumeric, is_go_digit, is_go_letter, is_go_print
from compiler.gotemplate.parser import LEXICAL, parse_template
from tests.templates.go_corpus import go_binary, go_verdicts

# Letters to Python 3.11+ (Unicode 14 and later), unassigned in Go 1.19's Unicode 13.
NEWER_THAN_GO = ["\u0870", "\U00010574", "\U000107b8", "\U00012f9d", "\U00016a94", "\U0001e2a3"]


def test_the_table_names_the_unicode_version_of_go_1_19() -> None:
    assert unicode_tables.UNICODE_VERSION == "13.0.0"
    assert "Unicode 13.0.0" in (unicode_tables.__doc__ or "")
    assert unicode_tables.GO_VERSION.startswith("go1.19")
    tables = (unicode_tables.LETTER, unicode_tables.DIGIT, unicode_tables.PRINT)
    for table in (*tables, unicode_tables.ASSIGNED):
        assert list(table) == sorted(set(table)) and len(table) % 2 == 0


@pytest.mark.parametrize("char", NEWER_THAN_GO)
def test_a_letter_newer_than_go_is_a_bad_character_as_in_go(char: str) -> None:
    assert char.isalpha()  # Python's own Unicode says letter...
    assert not is_go_alphanumeric(char)  # ...Go 1.19's does not
    parsed = parse_template("{{ .variables." + char + " }}")
    assert parsed.references == []
    assert [error.code for error in parsed.errors] == [LEXICAL]
    assert f"bad character U+{ord(char):04X} " in parsed.errors[0].message
    assert f"'{char}'" not in parsed.errors[0].message  # Go does not print what it cannot
    assert f"U+{ord(char):04X} in " in parsed.errors[0].message  # nor name what it lacks


def test_go_letters_digits_and_printables_from_the_table() -> None:
    assert is_go_letter("é") and is_go_letter("ж") and is_go_letter("\u3005")
    assert not is_go_letter("\u3007") and not is_go_letter("_") and not is_go_letter("1")
    assert is_go_digit("\u0663") and is_go_digit("9") and not is_go_digit("\u00b2")
    assert is_go_print(" ") and is_go_print("é") and not is_go_print("\u00a0")
    assert not is_go_print("\u200b") and not is_go_print("\u0870")
    assert [ref.name for ref in parse_template("{{ .parameters.\u0663x }}").references] == [
        "\u0663x"
    ]


def _sample() -> list[str]:
    """Every 29th non-ASCII code point (surrogates left out: JSON cannot carry them to Go),
    and the ones Python and Go are known to disagree on."""
    points = [cp for cp in range(0x80, 0x323B0, 29) if not 0xD800 <= cp <= 0xDFFF]
    return [chr(cp) for cp in points] + NEWER_THAN_GO


@pytest.mark.slow
def test_a_sample_of_code_points_gets_gos_verdict() -> None:
    if go_binary() is None:
        pytest.skip("Go is not installed (apt-get install golang-go)")
    chars = _sample()
    verdicts = go_verdicts(["{{ .variables.a" + char + " }}" for char in chars])
    disagreeing = []
    for char, verdict in zip(chars, verdicts, strict=True):
        parsed = parse_template(verdict["template"])
        if verdict["ok"] != (not parsed.errors):
            disagreeing.append(f"U+{ord(char):04X} accepted: Go {verdict['ok']}")
        elif not verdict["ok"]:
            go_words = verdict["error"].split(": ", 2)[-1]  # "bad character U+0870"
            if go_words + " " not in parsed.errors[0].message + " ":
                disagreeing.append(
                    f"U+{ord(char):04X}: {go_words!r} vs {parsed.errors[0].message!r}"
                )
    assert disagreeing == []
