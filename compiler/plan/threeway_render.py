"""The three-way side of a plan (``plan --base REF``) and of ``drift``, for text and
Markdown: each classified tool and field, conflicts first, then drift, then this
branch's changes.

In Markdown a classified tool has no table of its own: its row in the plan's table says
its class and what that means ("drift: applying reverts an edit made outside git"), and
its details show each drifted or conflicting field as a ```diff block whose ``-`` line is
live and ``+`` line the branch, with the base as context, so GitHub colours them.
With no base the section is empty and the plan reads exactly as without ``--base``.

What the base itself is (``ThreeWay.notes``: read from the project's earlier place, or
no base at all) is said under the counts, in both formats; when REF is no base, each
tool's class cell also says why it is a change ("change (no base: environment 'staging'
is new in this branch)"), so a reviewer never takes it for a change checked against REF.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import click

from compiler.plan.budget import natural_key, shorten, wrap_line
from compiler.plan.lines import scalar
from compiler.plan.model import MISSING, BaseNote, FieldPath, Plan
from compiler.plan.threeway import CHANGE, CONFLICT, DRIFT, KINDS, FieldClass, ThreeWay, ToolClass

MARKS = {CONFLICT: "!!", DRIFT: "<>", CHANGE: "=>"}
LABELS = {CONFLICT: ":warning: **conflict**", DRIFT: "**drift**", CHANGE: "change"}
# What each class means for whoever applies the plan: the class cell of a table row.
MEANINGS = {
    CONFLICT: "applying overwrites an edit made outside git",
    DRIFT: "applying reverts an edit made outside git",
    CHANGE: "this branch's own edit",
}
COLOURS = {CONFLICT: "red", DRIFT: "yellow"}
MAX_FIELDS = 6  # fields named per class in one table cell
WRAP = 96  # characters of a value line in a three-way diff before it is wrapped
MAX_VALUE_LINES = 40  # display lines of one side of one field
NOTE_WIDTH = 600  # characters of a note about the base (the whole one is on stderr, in JSON)
REASON_WIDTH = 160  # characters of the no-base reason in a class cell
MAX_NOTES = 4  # notes about the base in a comment's head (actionctl makes two at most)


def heading(three_way: ThreeWay) -> str:
    counts = three_way.counts
    parts = [f"{counts[k]:,} {k}{'s' if counts[k] != 1 and k != DRIFT else ''}" for k in KINDS]
    return f"Against {three_way.ref} ({three_way.commit[:12]}): {', '.join(parts)}."


def ordered_tools(three_way: ThreeWay) -> list[ToolClass]:
    """Conflicts, then drift, then changes; names in natural order within each."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(three_way.tools, key=lambda t: (rank[t.kind], natural_key(t.address)))


def text_lines(plan: Plan, *, color: bool = False) -> list[str]:
    """Lines for the terminal, after the plan's target line (none without a base)."""
    three_way = plan.three_way
    if three_way is None:
        return []
    out = ["", heading(three_way), *note_lines(three_way.notes, indent="  ")]
    for tool in ordered_tools(three_way):
        line = f"  {MARKS[tool.kind]} {tool.kind:<8} {tool.address}: {tool.note}"
        out.append(_paint(line, tool.kind, color))
        for field in tool.fields:
            out.append(f"       {field.kind:<8}   {field.path}: {field.note}")
    if three_way.has_conflicts:
        warning = "  Applying this plan overwrites edits made outside git (conflicts above)."
        out.append(_paint(warning, CONFLICT, color))
    return out


def note_lines(notes: tuple[BaseNote, ...], *, indent: str = "") -> list[str]:
    """Each note about the base on a line of its own, with its warning's code."""
    return [f"{indent}Note: {note.message} ({note.code})" for note in notes]


def _paint(text: str, kind: str, color: bool) -> str:
    colour = COLOURS.get(kind)
    if not color or colour is None:
        return text
    return click.style(text, fg=colour, bold=kind == CONFLICT)


# --- Markdown ---


def section_head(three_way: ThreeWay) -> list[str]:
    """The counts against the base, and a warning when applying overwrites an edit."""
    out = [f"#### {escape(shorten(heading(three_way), 300))}", *note_block(three_way.notes)]
    if three_way.has_conflicts:
        out += [
            "",
            "> [!WARNING]",
            "> Applying this plan overwrites edits made outside git (conflicts below).",
        ]
    return out


def note_block(notes: tuple[BaseNote, ...]) -> list[str]:
    """The notes about the base as one GitHub note box, a paragraph each (bounded: a
    comment's head is always shown)."""
    if not notes:
        return []
    out = ["", "> [!NOTE]"]
    for index, note in enumerate(notes[:MAX_NOTES]):
        message = escape(shorten(note.message, NOTE_WIDTH))
        out += [">"] if index else []
        out.append(f"> {message[:1].upper()}{message[1:]} ({code(note.code)})")
    if len(notes) > MAX_NOTES:  # only a hand-edited saved plan has more
        out += [">", f"> … and {len(notes) - MAX_NOTES:,} more notes in the JSON plan."]
    return out


def class_cell(tool: ToolClass, *, no_base: bool = False) -> str:
    """``**drift**: applying reverts an edit made outside git (`description`)``, one line
    per class of the tool's fields, worst first; a whole tool gets its own note.
    ``no_base``: REF is no base, so the tool is a change for the reason its note gives."""
    if no_base:
        reason = escape(shorten(tool.note, REASON_WIDTH))
        paths = [field.path for field in tool.fields]
        return f"{LABELS[tool.kind]} ({reason})" + (f": {_named(paths)}" if paths else "")
    if not tool.fields:
        return f"{LABELS[tool.kind]}: {escape(tool.note)}"
    parts = []
    for kind in KINDS:
        paths = [field.path for field in tool.fields if field.kind == kind]
        if paths:
            parts.append(f"{LABELS[kind]}: {MEANINGS[kind]} ({_named(paths)})")
    return "<br>".join(parts)


def _named(paths: list[FieldPath]) -> str:
    """At most ``MAX_FIELDS`` paths as code spans, then how many more."""
    named = ", ".join(code(shorten(str(path))) for path in paths[:MAX_FIELDS])
    more = f" and {len(paths) - MAX_FIELDS} more" if len(paths) > MAX_FIELDS else ""
    return named + more


def field_diff(tool: ToolClass) -> str:
    """The drifted and conflicting fields of one tool as ```diff lines: the base as
    context, ``-`` live, ``+`` this branch (what applying writes). Empty when the tool
    has none, or when the values are not known (a plan read back from a file)."""
    lines = [line for field in tool.fields if field.kind != CHANGE for line in _field(field)]
    return "\n".join(lines)


def _field(field: FieldClass) -> Iterator[str]:
    if field.base is MISSING and field.branch is MISSING and field.live is MISSING:
        return
    yield f"  {field.path}  ({field.kind}: {MEANINGS[field.kind]})"
    if field.kind == CONFLICT:
        yield from _side(" ", "base:  ", field.base)
    yield from _side("-", "live:  ", field.live)
    branch = "branch:" if field.kind == CONFLICT else "git:   "
    yield from _side("+", branch, field.branch)


def _side(sign: str, label: str, value: Any) -> Iterator[str]:
    text = "(absent)" if value is MISSING else _shown(value)
    pieces = [piece for line in text.splitlines() or [""] for piece in wrap_line(line, WRAP)]
    if len(pieces) > MAX_VALUE_LINES:
        pieces = [*pieces[:MAX_VALUE_LINES], "… (cut: the JSON plan holds the whole value)"]
    if len(pieces) == 1:
        yield f"{sign}   {label} {pieces[0]}".rstrip()
        return
    yield f"{sign}   {label} |"
    for piece in pieces:
        yield f"{sign}       {piece}".rstrip()


def _shown(value: Any) -> str:
    """A string as its text (its own lines kept), anything else as JSON."""
    return value if isinstance(value, str) and "\n" in value else scalar(value)


def code(text: str) -> str:
    """An inline code span that survives backticks and table pipes in names."""
    text = text.replace("|", "\\|").replace("\n", " ")
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
