"""SMS encoding and segment count (GSM 03.38 / 3GPP TS 23.038).

A message whose characters all exist in the GSM 7-bit default alphabet (basic table,
or the extension table at two septets each) is sent as GSM-7: 160 septets in a single
SMS, 153 per part of a concatenated one. Any other character forces UCS-2: 70 UTF-16
code units single, 67 per part. A part never splits an escape sequence (GSM-7) or a
surrogate pair (UCS-2), so the count packs parts the way phones and carriers do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# GSM 03.38 basic character set (ESC 0x1B excluded: it is not a character a user writes).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs two septets (ESC + code).
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsAnalysis:
    encoding: str  # "GSM-7" | "UCS-2"
    characters: int  # code points
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    offending: list[str] = field(default_factory=list)  # chars forcing UCS-2, first seen first

    @property
    def per_segment(self) -> int:
        """Capacity of one segment at this length (single vs concatenated)."""
        single, part = (
            (GSM_SINGLE, GSM_PART) if self.encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
        )
        return single if self.segments <= 1 else part


def analyze_sms(text: str) -> SmsAnalysis:
    offending = _offending(text)
    if not offending:
        costs = [2 if char in GSM_EXTENSION else 1 for char in text]
        return SmsAnalysis("GSM-7", len(text), sum(costs), _segments(costs, GSM_SINGLE, GSM_PART))
    costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return SmsAnalysis(
        "UCS-2", len(text), sum(costs), _segments(costs, UCS2_SINGLE, UCS2_PART), offending
    )


def _offending(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for char in text:
        if char not in GSM_BASIC and char not in GSM_EXTENSION:
            seen.setdefault(char, None)
    return list(seen)


def _segments(costs: list[int], single: int, part: int) -> int:
    """Number of SMS: one if it fits, else parts packed greedily, never splitting a
    character's units across two parts."""
    total = sum(costs)
    if total <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments += 1
            used = 0
        used += cost
    return segments
