"""SMS encoding and segment count (GSM 03.38 / 3GPP TS 23.038).

A message whose characters all exist in the GSM 7-bit default alphabet (basic table,
or the extension table at two septets each) is sent as GSM-7: 160 septets in a single
SMS, 153 per part of a concatenated one. Any other character forces UCS-2: 70 UTF-16
code units single, 67 per part. Parts are packed the way phones and Twilio's segment
calculator do: a user-perceived character (an extended grapheme cluster: an emoji with
its skin tone or ZWJ sequence, a flag, a letter with combining marks, CR LF) is never
split across two parts, so neither is an escape sequence nor a surrogate pair.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import regex


# GSM 03.38 basic character set (ESC 0x1B excluded: it is not a character a user writes).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs two septets (ESC + code).
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
_GSM = GSM_BASIC | GSM_EXTENSION

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsAnalysis:
    encoding: str  # "GSM-7" | "UCS-2"
    characters: int  # code points
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    offending: list[str] = field(default_factory=list)  # chars forcing UCS-2, first seen first
    extension: list[str] = field(default_factory=list)  # GSM-7 chars costing two septets
    room: int = 0  # units left in the last segment before another one is needed

    @property
    def per_segment(self) -> int:
        """Capacity of one segment at this length (single vs concatenated)."""
        single, part = (
            (GSM_SINGLE, GSM_PART) if self.encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
        )
        return single if self.segments <= 1 else part

    @property
    def unit_name(self) -> str:
        return "septets" if self.encoding == "GSM-7" else "UTF-16 units"


def analyze_sms(text: str) -> SmsAnalysis:
    offending = _first_seen(text, set(text) - _GSM)
    if not offending:
        extension = _first_seen(text, set(text) & GSM_EXTENSION)
        units = len(text) + sum(text.count(char) for char in extension)
        segments, room = _pack(text, units, GSM_SINGLE, GSM_PART, _septets)
        return SmsAnalysis("GSM-7", len(text), units, segments, [], extension, room)
    units = len(text.encode("utf-16-le")) // 2
    segments, room = _pack(text, units, UCS2_SINGLE, UCS2_PART, _utf16_units)
    return SmsAnalysis("UCS-2", len(text), units, segments, offending, [], room)


def _first_seen(text: str, chars: set[str]) -> list[str]:
    return sorted(chars, key=text.index)


def _septets(grapheme: str) -> int:
    return len(grapheme) + sum(1 for char in grapheme if char in GSM_EXTENSION)


def _utf16_units(grapheme: str) -> int:
    return len(grapheme.encode("utf-16-le")) // 2


@cache
def _graphemes() -> regex.Pattern[str]:
    """User-perceived characters (``\\X``); ``regex`` is loaded on the first long text."""
    import regex

    return regex.compile(r"\X")


def _pack(
    text: str, units: int, single: int, part: int, cost: Callable[[str], int]
) -> tuple[int, int]:
    """(segments, room left in the last one): one if it fits, else parts filled
    grapheme by grapheme, a grapheme that does not fit starting the next part.

    Each part's end is found by bisecting the running total of grapheme costs, so the
    work per part is logarithmic and the Python work per grapheme a dictionary lookup."""
    if units <= single:
        return 1, single - units
    graphemes = _graphemes().findall(text)
    costs = {grapheme: cost(grapheme) for grapheme in set(graphemes)}
    totals = list(accumulate(costs[grapheme] for grapheme in graphemes))
    segments, base, index, last_base = 0, 0, 0, 0
    while index < len(totals):
        end = bisect_right(totals, base + part, lo=index) - 1
        if end < index:  # one grapheme longer than a part: whole parts are cut off it
            size = totals[index] - base
            segments += (size - 1) // part
            base = totals[index] - ((size - 1) % part + 1)
            continue
        segments += 1
        last_base, base, index = base, totals[end], end + 1
    return segments, part - (totals[-1] - last_base)
