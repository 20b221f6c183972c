"""The three-way section of a plan (``plan --base REF``), for text and Markdown: each
classified tool and field, conflicts first, then drift, then this branch's changes.

Kept apart from ``text``/``markdown`` so those renderers only call one function; with
no base the section is empty and the plan reads exactly as without ``--base``.
"""

from __future__ import annotations

import click

from compiler.plan.model import Plan
from compiler.plan.threeway import CHANGE, CONFLICT, DRIFT, KINDS, ThreeWay, ToolClass

MARKS = {CONFLICT: "!!", DRIFT: "<>", CHANGE: "=>"}
EMOJI = {
    CONFLICT: ":warning: conflict",
    DRIFT: ":leftwards_arrow_with_hook: drift",
    CHANGE: "change",
}
COLOURS = {CONFLICT: "red", DRIFT: "yellow"}
MAX_ROWS = 60  # Markdown rows: the plan comment has a size limit; text shows all


def heading(three_way: ThreeWay) -> str:
    counts = three_way.counts
    parts = [f"{counts[k]} {k}{'s' if counts[k] != 1 and k != DRIFT else ''}" for k in KINDS]
    return f"Against {three_way.ref} ({three_way.commit[:12]}): {', '.join(parts)}."


def text_lines(plan: Plan, *, color: bool = False) -> list[str]:
    """Lines for the terminal, after the plan's target line (none without a base)."""
    three_way = plan.three_way
    if three_way is None:
        return []
    out = ["", heading(three_way)]
    for tool in three_way.tools:
        line = f"  {MARKS[tool.kind]} {tool.kind:<8} {tool.address}: {tool.note}"
        out.append(_paint(line, tool.kind, color))
        for field in tool.fields:
            out.append(f"       {field.kind:<8}   {field.path}: {field.note}")
    if three_way.has_conflicts:
        warning = "  Applying this plan overwrites edits made outside git (conflicts above)."
        out.append(_paint(warning, CONFLICT, color))
    return out


def _paint(text: str, kind: str, color: bool) -> str:
    colour = COLOURS.get(kind)
    if not color or colour is None:
        return text
    return click.style(text, fg=colour, bold=kind == CONFLICT)


def markdown(plan: Plan) -> str:
    """A Markdown block for the plan comment ("" without a base)."""
    three_way = plan.three_way
    if three_way is None:
        return ""
    out = [f"#### {_escape(heading(three_way))}", ""]
    if three_way.has_conflicts:
        out += [
            "> [!WARNING]",
            "> Applying this plan overwrites edits made outside git (conflicts below).",
            "",
        ]
    if not three_way.tools:
        return "\n".join(out).rstrip() + "\n"
    out += ["| Class | Tool | Field | What happened |", "|---|---|---|---|"]
    rows = [row for tool in three_way.tools for row in markdown_rows(tool)]
    out += rows[:MAX_ROWS]
    if len(rows) > MAX_ROWS:
        out += ["", f"_…and {len(rows) - MAX_ROWS} more rows: run `actionctl plan --base`._"]
    return "\n".join(out) + "\n"


def markdown_rows(tool: ToolClass) -> list[str]:
    """One table row per classified field (one for the whole tool when it has none)."""
    address = _code(tool.address)
    if not tool.fields:
        return [f"| {EMOJI[tool.kind]} | {address} | whole tool | {_escape(tool.note)} |"]
    return [
        f"| {EMOJI[field.kind]} | {address} | {_code(str(field.path))} | {_escape(field.note)} |"
        for field in tool.fields
    ]


def _code(text: str) -> str:
    text = text.replace("|", "\\|")
    return f"`{text}`" if "`" not in text else f"`` {text} ``"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
