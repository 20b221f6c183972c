"""GSM-7 vs UCS-2 and segment counts (GSM 03.38; 160/153 septets, 70/67 UTF-16 units)."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from compiler.sms import GSM_BASIC, GSM_EXTENSION, analyze_sms


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 1),
        ("Hi, your booking is confirmed!", "GSM-7", 30, 1),
        ("x" * 160, "GSM-7", 160, 1),
        ("x" * 161, "GSM-7", 161, 2),
        ("x" * 306, "GSM-7", 306, 2),
        ("x" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters cost two septets
        ("€" * 81, "GSM-7", 162, 2),
        ("ç" * 70, "UCS-2", 70, 1),
        ("ç" * 71, "UCS-2", 71, 2),
        ("ç" * 134, "UCS-2", 134, 2),
        ("ç" * 135, "UCS-2", 135, 3),
        ("😀" * 35, "UCS-2", 70, 1),  # outside the BMP: two UTF-16 units each
        ("😀" * 36, "UCS-2", 72, 2),
    ],
)
def test_encoding_units_segments(text: str, encoding: str, units: int, segments: int) -> None:
    analysis = analyze_sms(text)
    assert (analysis.encoding, analysis.units, analysis.segments) == (encoding, units, segments)
    assert analysis.characters == len(text)


def test_an_escape_sequence_is_never_split_across_parts() -> None:
    # 152 plain septets then '€' (2): the first part would need 154 > 153, so the euro
    # moves to the second part; 152 + 2 + 10 = 164 septets still make 2 parts.
    analysis = analyze_sms("x" * 152 + "€" + "y" * 10)
    assert analysis.units == 164 and analysis.segments == 2
    # 153 * 2 = 306 septets would fit exactly, but the split pushes one septet over.
    assert analyze_sms("x" * 152 + "€" + "y" * 152).segments == 3


def test_a_surrogate_pair_is_never_split_across_parts() -> None:
    assert analyze_sms("ç" * 66 + "😀" + "ç" * 66).segments == 3  # 66 + (2) + 66 = 134 units


def test_offending_characters_in_order_of_first_appearance() -> None:
    assert analyze_sms("Café für Zoë 😀 é").offending == ["ë", "😀"]  # é, ü are GSM-7
    assert analyze_sms("Ça coûte 5€").offending == ["û"]


def test_gsm_tables_hold_the_standard_sets() -> None:
    assert len(GSM_BASIC) == 127  # 128 code points minus ESC
    assert set("\f^{}\\[~]|€") == GSM_EXTENSION


def test_a_grapheme_is_never_split_across_parts() -> None:
    """Twilio's calculator and phones keep an emoji with its skin tone whole: 65 units
    then a 4-unit emoji do not fit 67, so the emoji starts part two (counting code points
    alone would put the thumb in part one and the tone in part two: one part fewer)."""
    text = "ç" * 65 + "👍🏽" + "ç" * 64
    analysis = analyze_sms(text)
    assert (analysis.units, analysis.segments) == (133, 3)
    family = "👨\u200d👩\u200d👧"  # 8 UTF-16 units, one grapheme
    assert analyze_sms("ç" * 60 + family + "ç" * 60).segments == 3
    assert analyze_sms("x" * 152 + "\r\n" + "y" * 152).segments == 3  # CR LF stays whole


def test_extension_characters_are_listed() -> None:
    analysis = analyze_sms("Total: 5€ [incl. ~tax] {ok}")
    assert analysis.extension == ["€", "[", "~", "]", "{", "}"]
    assert analysis.units == len("Total: 5€ [incl. ~tax] {ok}") + 6


def test_room_left_in_the_last_segment() -> None:
    assert analyze_sms("x" * 150).room == 10
    assert analyze_sms("x" * 160).room == 0
    assert analyze_sms("x" * 200).room == 153 - 47
    assert analyze_sms("ç" * 60).room == 10


def _greedy_parts(text: str) -> tuple[int, int]:
    """The plain definition: graphemes in order, a part closed when the next one does
    not fit (a grapheme longer than a part is cut)."""
    analysis = analyze_sms(text)
    gsm = analysis.encoding == "GSM-7"
    single, part = (160, 153) if gsm else (70, 67)
    if analysis.units <= single:
        return 1, single - analysis.units
    segments, used = 1, 0
    for grapheme in regex.findall(r"\X", text):
        if gsm:
            size = sum(2 if char in GSM_EXTENSION else 1 for char in grapheme)
        else:
            size = len(grapheme.encode("utf-16-le")) // 2
        if used and used + size > part:
            segments, used = segments + 1, 0
        used += size
        while used > part:
            segments, used = segments + 1, used - part
    return segments, part - used


@given(st.lists(st.sampled_from(["a", "€", "\r\n", "ç", "😀", "👍🏽", "e\u0301", "🇫🇷", "{"])))
def test_packing_matches_the_greedy_definition(pieces: list[str]) -> None:
    text = "".join(pieces * 3)
    analysis = analyze_sms(text)
    assert (analysis.segments, analysis.room) == _greedy_parts(text)
