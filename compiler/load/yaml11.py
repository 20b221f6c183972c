"""The "quote it" hint for plain scalars YAML 1.1 reads as something other than text.

``yes``/``no``/``on``/``off`` are booleans, ``12:30`` is the number 750, ``1.10`` is
1.1, an empty value is null. The loader keeps the original text of every such plain
scalar (``SourceDocument.plain``); the schema check and the rules that look inside
free-form values (``parameters_schema``) both word the hint here.
"""

from __future__ import annotations

from typing import Any

from compiler.model import DataPath
from compiler.wording import quoted

SHOWN = 40  # characters of the written text shown in a hint

# Booleans only YAML 1.1 has: YAML 1.2 and JSON read these words as text.
BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "y", "n"})


def dotted(path: DataPath) -> str:
    if not path:
        return "the document"
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def quote_hint(plain: dict[DataPath, str], path: DataPath, value: Any) -> str | None:
    """The hint ("`no` is read as a boolean by YAML 1.1; quote it: ..."), or None when
    the value was not a plain scalar that YAML turned into something else."""
    if isinstance(value, str) or path not in plain:
        return None
    text = plain[path]
    if len(text) > SHOWN:  # a long number: the message shows its start
        text = text[:SHOWN] + "..."
    key = path[-1] if path and isinstance(path[-1], str) else None
    if key is not None and len(key) > SHOWN:
        key = key[:SHOWN] + "..."
    # A list item may be in flow style (``[yes, no]``): show the quoted item alone.
    written = f'{key}: "{text}"' if key is not None else f'"{text}"'
    if value is None:
        if text in ("", "~"):
            empty = f'{key}: ""' if key is not None else '""'
            return f"{dotted(path)} is empty, which YAML reads as null; write {empty} or remove it"
        return f"`{text}` is read as null by YAML; quote it: {written}"
    what = "a boolean" if isinstance(value, bool) else "a number"
    shown = ""
    if not isinstance(value, bool) and len(text) <= SHOWN and str(value) != text:
        shown = f" ({quoted(value)})"
    return f"`{text}` is read as {what}{shown} by YAML 1.1; quote it: {written}"


def is_yaml11_only(plain: dict[DataPath, str], path: DataPath, value: Any) -> bool:
    """A value that only YAML 1.1 reads as non-text, so the writer almost surely meant
    the word: ``yes``/``on``/``off``..., a sexagesimal ``12:30``, ``1_000``."""
    text = plain.get(path)
    if text is None or isinstance(value, str):
        return False
    if isinstance(value, bool):
        return text.lower() in BOOLEAN_WORDS
    return isinstance(value, int | float) and (":" in text or "_" in text)
