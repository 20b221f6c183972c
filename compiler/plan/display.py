"""A plan as people are shown it: every string from the platform or a file escaped.

Live tools carry whatever the platform (or whoever edited it) put there: an ``ESC[2J``
that clears the reviewer's terminal, OSC 52 that writes their clipboard, bidi controls
that reorder what a diff shows (Trojan Source), lone surrogates that no UTF-8 output
can carry. The text and Markdown renderers take ``for_display(plan)``: the same plan
with each unsafe character as a visible escape (``\\x1b``, ``\\u202e``), computed once,
here. JSON output stays lossless instead (``compiler.diagnostics.json_text``).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from compiler.diagnostics import printable
from compiler.plan.model import FieldPath

T = TypeVar("T")


def for_display(value: T) -> T:
    """``value`` (a plan, a change, a payload...) with every string made printable."""
    shown: T = _shown(value)
    return shown


def _shown(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, FieldPath):
        return FieldPath(printable(key) for key in value)
    if isinstance(value, dict):
        return {_shown(key): _shown(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(_shown(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _shown(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init
        }
        return dataclasses.replace(value, **changes)
    return value
