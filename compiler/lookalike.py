"""When two names read as one: the look-alike key of a name.

Kept in the kernel because two stages decide on it: the name rules (N312, N313, N317,
N318 and the channel rule compare names by it) and what ``validate FILE`` involves and
its cache reads (compiler.load.declared keys action names by it, so a change to ``book``
involves the file that declares ``bооk`` with a Cyrillic о).
"""

from __future__ import annotations

import unicodedata

# Cyrillic and Greek letters drawn like a Latin one in common fonts (from Unicode's
# confusables, the letters a reviewer cannot tell apart): a name written with them reads
# as the Latin name.
_LATIN_LOOK_ALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТХУаеѕіјорсухԁһԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧον",
    "ABESIJKMHOPCTXYaesijopcyxdhqwABEZHIKMNOPTYXov",
)


def look_alike_key(name: str) -> str:
    """What a reader sees of ``name``: one normal form (NFC and NFD spellings, fullwidth
    letters and ligatures are one), invisible characters left out, and Latin look-alikes
    read as Latin. Two names with one key are the same name to a reviewer."""
    if name.isascii() and name.isprintable():
        return name  # (the common case: nothing to normalise, hide or read as Latin)
    normal = unicodedata.normalize("NFKC", name)
    visible = "".join(char for char in normal if not hidden(char) or char == " ")
    return visible.translate(_LATIN_LOOK_ALIKES)


def look_alike_note(name: str, other: str) -> str:
    """Why two different names are reported as one ("" when they are equal)."""
    if name == other:
        return ""
    if unicodedata.normalize("NFC", name) == unicodedata.normalize("NFC", other):
        return " (the same text, in another Unicode normal form: NFC and NFD)"
    return " (they differ only in characters that look alike or cannot be seen)"


def hidden(char: str) -> bool:
    """A character a reader cannot see: controls, format characters (zero-width, bidi
    controls), unassigned and private ones, and any space but the plain one."""
    category = unicodedata.category(char)
    return category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (
        category == "Zs" and char != " "
    )
