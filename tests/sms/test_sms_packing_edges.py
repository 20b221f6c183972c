"""SMS packing at its edges: each capacity exactly filled and overrun by one, a single
user-perceived character longer than a whole part, and the fields people read (units,
capacity per segment, unit name), counted here from the standard's numbers rather than
from the implementation's own totals."""

from __future__ import annotations

import dataclasses

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from compiler.sms import GSM_EXTENSION, analyze_sms


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments", "room"),
    [
        ("", "GSM-7", 0, 1, 160),
        ("x" * 159, "GSM-7", 159, 1, 1),
        ("x" * 160, "GSM-7", 160, 1, 0),
        ("x" * 161, "GSM-7", 161, 2, 153 * 2 - 161),
        ("x" * 306, "GSM-7", 306, 2, 0),
        ("x" * 307, "GSM-7", 307, 3, 153 * 3 - 307),
        ("€" * 80, "GSM-7", 160, 1, 0),
        ("€" * 81, "GSM-7", 162, 2, 153 * 2 - 162 - 1),  # 76 per part: no escape is split
        ("ç" * 70, "UCS-2", 70, 1, 0),
        ("ç" * 71, "UCS-2", 71, 2, 67 * 2 - 71),
        ("ç" * 134, "UCS-2", 134, 2, 0),
        ("ç" * 135, "UCS-2", 135, 3, 67 * 3 - 135),
        ("😀" * 35, "UCS-2", 70, 1, 0),
        ("😀" * 36, "UCS-2", 72, 2, 67 * 2 - 72 - 1),  # 33 per part: no pair is split
    ],
)
def test_each_capacity_filled_and_overrun_by_one(
    text: str, encoding: str, units: int, segments: int, room: int
) -> None:
    analysis = analyze_sms(text)
    assert (analysis.encoding, analysis.units, analysis.segments, analysis.room) == (
        encoding,
        units,
        segments,
        room,
    )
    assert analysis.characters == len(text)
    # Whole numbers, as the preview and JSON output show them ("70", never "70.0").
    assert all(type(n) is int for n in (analysis.units, analysis.segments, analysis.room))


@pytest.mark.parametrize(
    ("text", "per_segment", "unit_name"),
    [
        ("x" * 160, 160, "septets"),
        ("x" * 161, 153, "septets"),
        ("ç" * 70, 70, "UTF-16 units"),
        ("ç" * 71, 67, "UTF-16 units"),
    ],
)
def test_capacity_per_segment_and_unit_name(text: str, per_segment: int, unit_name: str) -> None:
    analysis = analyze_sms(text)
    assert (analysis.per_segment, analysis.unit_name) == (per_segment, unit_name)


def test_one_character_longer_than_a_part_fills_whole_parts_then_shares_the_last() -> None:
    # "e" with 150 combining acute accents is one user-perceived character of 151 units:
    # it fills two whole parts (134), and its last 17 units share a part with what follows.
    accented = "e" + "\u0301" * 150
    assert analyze_sms(accented).segments == 3
    assert analyze_sms(accented).room == 67 - 17
    analysis = analyze_sms(accented + "ç" * 50)
    assert (analysis.units, analysis.segments, analysis.room) == (201, 3, 0)
    assert analyze_sms(accented + "ç" * 51).segments == 4
    # The same after a partly filled part: that part is closed first.
    analysis = analyze_sms("ç" * 10 + accented)
    assert (analysis.segments, analysis.room) == (4, 67 - 17)
    # One unit longer than a part: one whole part, and a remainder of one unit.
    analysis = analyze_sms("e" + "\u0301" * 67 + "ç" * 10)
    assert (analysis.units, analysis.segments, analysis.room) == (78, 2, 67 - 11)
    # Exactly two parts long: no empty remainder is counted as a third.
    assert analyze_sms("e" + "\u0301" * 133).segments == 2


def test_offending_and_extension_characters_are_listed_once_in_first_seen_order() -> None:
    analysis = analyze_sms("b€a[€]ab")
    assert (analysis.encoding, analysis.extension, analysis.offending) == (
        "GSM-7",
        ["€", "[", "]"],
        [],
    )
    assert analysis.units == 8 + 4
    analysis = analyze_sms("aЖbç€Жç")
    assert (analysis.encoding, analysis.offending, analysis.extension) == ("UCS-2", ["Ж", "ç"], [])
    assert analysis.units == 7


# The pieces the property draws from; these characters are outside the GSM alphabet.
NOT_GSM = frozenset("ç😀👍🏽🇫🇷\u0301")
PIECES = [
    "a",
    "€",
    "{",
    "\r\n",
    "ç",
    "😀",
    "👍🏽",
    "e\u0301",
    "🇫🇷",
    "e" + "\u0301" * 70,
    "e" + "\u0301" * 67,
]


def _reference(text: str) -> tuple[str, int, int, int]:
    """The definition, counted independently: (encoding, units, segments, room)."""
    gsm = not any(char in NOT_GSM for char in text)
    graphemes = regex.findall(r"\X", text)
    if gsm:
        costs = [sum(2 if c in GSM_EXTENSION else 1 for c in g) for g in graphemes]
        single, part = 160, 153
    else:
        costs = [len(g.encode("utf-16-le")) // 2 for g in graphemes]
        single, part = 70, 67
    units = sum(costs)
    if units <= single:
        return ("GSM-7" if gsm else "UCS-2"), units, 1, single - units
    segments, used = 0, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + (1 if used else 0), 0
            while cost > part:
                segments, cost = segments + 1, cost - part
        used += cost
    return ("GSM-7" if gsm else "UCS-2"), units, segments + 1, part - used


@given(st.lists(st.sampled_from(PIECES), max_size=60), st.integers(0, 3))
def test_packing_matches_an_independent_count(pieces: list[str], repeat: int) -> None:
    text = "".join(pieces * (repeat + 1))
    analysis = analyze_sms(text)
    expected = _reference(text)
    assert (analysis.encoding, analysis.units, analysis.segments, analysis.room) == expected


def test_an_analysis_is_a_value_that_cannot_be_altered() -> None:
    analysis = analyze_sms("hello")
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.segments = 2  # type: ignore[misc]
