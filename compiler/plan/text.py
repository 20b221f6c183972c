"""The plan for a terminal, Terraform-like: a summary line first, then destructive
changes, updates and creates (``-``, ``-/+``, ``~``, ``+``), then unmanaged tools."""

from __future__ import annotations

import click

from compiler.plan.budget import in_display_order, natural_key
from compiler.plan.display import for_display
from compiler.plan.lines import (
    SYMBOLS,
    Line,
    change_lines,
    headline,
    summary_line,
    target_line,
)
from compiler.plan.model import Change, Plan
from compiler.plan.scope import scope_note
from compiler.plan.threeway_render import text_lines as three_way_lines

COLOURS = {"+": "green", "-": "red", "~": "yellow", "-/+": "magenta", " ": None}
INDENT = "    "


def render(plan: Plan, *, color: bool = False) -> str:
    plan = for_display(plan)  # live names and values reach the terminal escaped
    out = [summary_line(plan)]
    note = scope_note(plan)
    if note is not None:  # right under the counts: they are not the whole story
        out.append(note)
    out += [target_line(plan), *three_way_lines(plan, color=color)]
    for change in in_display_order(plan.pending()):
        out.append("")
        out += render_change(change, color=color)
    if plan.unmanaged:
        out += ["", _paint("Unmanaged tools (declared by no file; left untouched):", None, color)]
        for tool in sorted(plan.unmanaged, key=lambda t: natural_key(t.address)):
            kind = f"id {tool.tool_id}, {tool.type}" if tool.tool_id is not None else tool.type
            out.append(f"  {tool.address}  ({kind})")
        # Not "prune is on" when the plan deletes: a pruning plan has no unmanaged tools
        # (they are its deletes), and a revert that deletes what it created leaves them.
        out.append("  (plan --prune would delete them)")
    return "\n".join(out) + "\n"


def render_change(change: Change, *, color: bool) -> list[str]:
    symbol = SYMBOLS[change.action]
    head = f"{symbol:>3} {headline(change)}"
    out = [_paint(head, symbol, color, bold=True)]
    for line in change_lines(change):
        out.append(_render_line(line, color))
    return out


def _render_line(line: Line, color: bool) -> str:
    text = f"{INDENT}{line.sign} {'    ' * line.depth}{line.text}".rstrip()
    if color and line.sign == " " and "[-" in line.text:
        return _paint_word_diff(text)
    return _paint(text, line.sign, color)


def _paint(text: str, sign: str | None, color: bool, *, bold: bool = False) -> str:
    colour = COLOURS.get(sign or " ")
    if not color or (colour is None and not bold):
        return text
    return click.style(text, fg=colour, bold=bold or None)


def _paint_word_diff(text: str) -> str:
    """Colour ``[-removed-]`` red and ``{+added+}`` green inside a word-diff line."""
    text = text.replace("[-", "\x1b[31m[-").replace("-]", "-]\x1b[0m")
    return text.replace("{+", "\x1b[32m{+").replace("+}", "+}\x1b[0m")
