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

# Fields that name something: shown on one line, so a newline in them is escaped too. A
# value (a message, a description) keeps its line breaks and tabs: the renderers show
# a multi-line value as lines, and those are its content.
NAMES = frozenset(
    {"address", "name", "renamed_from", "agent", "agent_uid", "type", "ref", "environment"}
    | {"targets", "excludes", "left_out", "kept_agents"}  # a partial plan's addresses
)


def for_display(value: T) -> T:
    """``value`` (a plan, a change, a payload...) with every string made printable."""
    shown: T = _shown(value)
    return shown


def _shown(value: Any, *, name: bool = False) -> Any:
    if isinstance(value, str):
        return printable(value) if name else _text(value)
    if isinstance(value, FieldPath):
        return FieldPath(printable(key) for key in value)
    if isinstance(value, dict):
        return {_shown(key, name=True): _shown(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):
        return type(value)(_shown(item, name=name) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _shown(getattr(value, f.name), name=f.name in NAMES)
            for f in dataclasses.fields(value)
            if f.init
        }
        return dataclasses.replace(value, **changes)
    return value


def _text(value: str) -> str:
    """A value, escaped but for its line breaks and tabs."""
    if "\n" not in value and "\t" not in value:
        return printable(value)
    return "\n".join("\t".join(map(printable, line.split("\t"))) for line in value.split("\n"))
