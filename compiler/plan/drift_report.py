"""``actionctl drift``: how the live tools differ from the configuration at a git ref.

The report is a plan made from the configuration at REF (so every difference is drift:
an edit made outside git that ``apply`` would revert), classified by
``compiler.plan.threeway``. In each diff ``-`` is live and ``+`` is git. A project
read from its earlier place at REF (``ThreeWay.notes``: L835) is said under the
headline in every format, as ``plan --base`` says it.

    render(plan, fmt) -> str    fmt: text | markdown | json
"""

from __future__ import annotations

import re
from typing import Any

from compiler.diagnostics import json_text
from compiler.plan.budget import (
    GITHUB_CAP,
    LIMIT,
    Budget,
    Kept,
    cut,
    keep_in_order,
    keep_what_fits,
    shorten,
)
from compiler.plan.display import for_display
from compiler.plan.file import notes_to_json, tool_class_to_json, unmanaged_to_json
from compiler.plan.lines import change_lines, review_lines, target_line
from compiler.plan.model import Change, Plan
from compiler.plan.threeway import ThreeWay, ToolClass
from compiler.plan.threeway_render import (
    class_cell,
    code,
    note_block,
    note_lines,
    ordered_tools,
)

MARKER = "<!-- actionctl-drift -->"
FORMAT_VERSION = 1
MAX_BODY = 12_000  # characters of one tool's diff before it is cut
NOTES = 1_000  # characters set aside for the notes that count what is left out
FORMATS = ("text", "markdown", "json")


def headline(three_way: ThreeWay) -> str:
    count = len(three_way.tools)
    where = f"{three_way.ref} ({three_way.commit[:12]})"
    if not count:
        return f"No drift: the live tools match the configuration at {where}."
    tools = "tool differs" if count == 1 else "tools differ"
    return f"Drift: {count} live {tools} from the configuration at {where}."


def render(plan: Plan, fmt: str) -> str:
    assert plan.three_way is not None, "a drift report is a plan classified against its ref"
    if fmt == "json":
        return _json(plan, plan.three_way)
    plan = for_display(plan)  # live names and values reach the terminal or comment escaped
    assert plan.three_way is not None
    if fmt == "markdown":
        return _markdown(plan, plan.three_way)
    return _text(plan, plan.three_way)


def _changes(plan: Plan) -> dict[tuple[str, str], Change]:
    return {(c.agent_uid, c.name): c for c in plan.changes}


def _text(plan: Plan, three_way: ThreeWay) -> str:
    out = [headline(three_way), target_line(plan), *note_lines(three_way.notes)]
    changes = _changes(plan)
    for tool in ordered_tools(three_way):
        out += ["", f"  {tool.address}: {tool.note}  (- live, + git)"]
        change = changes.get((tool.agent_uid, tool.name))
        for line in change_lines(change) if change else []:
            out.append(f"      {line.sign} {'    ' * line.depth}{line.text}".rstrip())
    if three_way.tools:
        out += ["", _next_steps()]
    return "\n".join(out) + "\n"


def _next_steps() -> str:
    return (
        "Keep git's configuration: `actionctl apply` (reverts these edits). Keep the live "
        "edits of a tool: `actionctl import --only AGENT/NAME` (rewrites only its own "
        "document), review, commit."
    )


def _markdown(plan: Plan, three_way: ThreeWay) -> str:
    """Head, one row per drifted tool, then their diffs, within ``LIMIT`` by construction:
    rows are kept while they fit, diffs with what is left, and what is left out is
    counted exactly (``compiler.plan.budget``); nothing is rendered twice."""
    head = [MARKER, f"### {_escape(headline(three_way))}", "", _escape(target_line(plan))]
    head += note_block(three_way.notes)
    if not three_way.tools:
        return "\n".join(head) + "\n"
    tail = ["", _next_steps()]
    budget = Budget(LIMIT - sum(len(block) + 1 for block in head + tail))
    notes = budget.reserve(NOTES)
    tools = ordered_tools(three_way)
    rows = keep_in_order((_row(tool) for tool in tools), budget)
    blocks = [*head, "", "| Tool | What happened |", "|---|---|", *rows.pieces]
    changes = _changes(plan)
    details = Kept(left_out=len(tools))
    if not rows.left_out:  # diffs only when every tool has its row

        def diff(tool: ToolClass) -> str:
            return _details(tool, changes.get((tool.agent_uid, tool.name)))

        details = keep_what_fits(tools, diff, budget, floor=200)
    for block in details.pieces:
        blocks += ["", block]
    blocks += _notes(rows.left_out, details.left_out - rows.left_out, notes)
    return "\n".join(blocks + tail) + "\n"


def _row(tool: ToolClass) -> str:
    return f"| {code(shorten(tool.address))} | {class_cell(tool)} |"


def _notes(unlisted: int, undiffed: int, budget: Budget) -> list[str]:
    see_all = "Run `actionctl drift` (or `--format json`) to see every drifted field."
    notes = []
    if unlisted:
        notes.append(
            f"_{unlisted:,} more drifted tool{'s are' if unlisted != 1 else ' is'} not listed: "
            f"GitHub caps an issue or comment at {GITHUB_CAP:,} characters. {see_all}_"
        )
    if undiffed:
        notes.append(
            f"_The diffs of {undiffed:,} listed tool{'s are' if undiffed != 1 else ' is'} not "
            f"shown, to stay under that cap. {see_all}_"
        )
    return budget.take_notes(notes)


def _details(tool: ToolClass, change: Change | None) -> str:
    """One tool's diff, ``-`` live and ``+`` git, folded under its name."""
    lines = review_lines(change) if change is not None else []
    body = "\n".join(
        f"{' ' if line.sign == '~' else line.sign} {'    ' * line.depth}{line.text}".rstrip()
        for line in lines
    )
    body = body or "(no field values in this report)"
    body = cut(body, MAX_BODY, "  … (cut: run `actionctl drift` for the whole diff)")
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", body)), default=0) + 1)
    summary = f"<code>{_html(shorten(tool.address))}</code> (- live, + git)"
    parts = [f"<details><summary>{summary}</summary>", "", f"{fence}diff", body, fence]
    return "\n".join([*parts, "", "</details>"])


def _json(plan: Plan, three_way: ThreeWay) -> str:
    changes = _changes(plan)
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "ref": three_way.ref,
        "commit": three_way.commit,
        "environment": plan.environment,
        "target": dict(plan.target),
        "drift": bool(three_way.tools),
        "summary": {"drifted": len(three_way.tools), "unmanaged": len(plan.unmanaged)},
        "tools": [
            _tool_json(tool, changes.get((tool.agent_uid, tool.name))) for tool in three_way.tools
        ],
        "unmanaged": [unmanaged_to_json(tool) for tool in plan.unmanaged],
        "notes": notes_to_json(three_way.notes),
    }
    return json_text(data, indent=2) + "\n"


def _tool_json(tool: ToolClass, change: Change | None) -> dict[str, Any]:
    data = tool_class_to_json(tool)
    data["tool_id"] = change.tool_id if change else None
    data["live"] = change.before if change else None
    data["git"] = change.after if change else None
    return data


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
