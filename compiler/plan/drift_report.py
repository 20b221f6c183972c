"""``actionctl drift``: how the live tools differ from the configuration at a git ref.

The report is a plan made from the configuration at REF (so every difference is drift:
an edit made outside git that ``apply`` would revert), classified by
``compiler.plan.threeway``. In each diff ``-`` is live and ``+`` is git.

    render(plan, fmt) -> str    fmt: text | markdown | json
"""

from __future__ import annotations

import json
import re
from typing import Any

from compiler.plan.file import tool_class_to_json, unmanaged_to_json
from compiler.plan.lines import change_lines, target_line
from compiler.plan.model import Change, Plan
from compiler.plan.threeway import ThreeWay, ToolClass
from compiler.plan.threeway_render import markdown_rows

MARKER = "<!-- actionctl-drift -->"
FORMAT_VERSION = 1
LIMIT = 60_000  # Markdown characters: GitHub refuses an issue body over 65,536
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
    if fmt == "markdown":
        return _markdown(plan, plan.three_way)
    return _text(plan, plan.three_way)


def _changes(plan: Plan) -> dict[tuple[str, str], Change]:
    return {(c.agent_uid, c.name): c for c in plan.changes}


def _text(plan: Plan, three_way: ThreeWay) -> str:
    out = [headline(three_way), target_line(plan)]
    changes = _changes(plan)
    for tool in three_way.tools:
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
        "edits: `actionctl import --include-declared --force`, review, commit."
    )


def _markdown(plan: Plan, three_way: ThreeWay) -> str:
    head = [MARKER, f"### {_escape(headline(three_way))}", "", _escape(target_line(plan))]
    if not three_way.tools:
        return "\n".join(head) + "\n"
    table = ["", "| Class | Tool | Field | What happened |", "|---|---|---|---|"]
    table += [row for tool in three_way.tools for row in markdown_rows(tool)]
    tail = ["", _next_steps()]
    details = _details(plan, three_way)
    text = "\n".join(head + table + details + tail) + "\n"
    while len(text) > LIMIT and details:
        details = [*details[: len(details) // 2], "", "_…more diffs cut: run `actionctl drift`._"]
        text = "\n".join(head + table + details + tail) + "\n"
    return text[:LIMIT]


def _details(plan: Plan, three_way: ThreeWay) -> list[str]:
    changes = _changes(plan)
    out: list[str] = []
    for tool in three_way.tools:
        change = changes.get((tool.agent_uid, tool.name))
        if change is None:
            continue
        body = "\n".join(
            f"{'!' if line.sign == '~' else line.sign} {'    ' * line.depth}{line.text}".rstrip()
            for line in change_lines(change)
        )
        fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", body)), default=0) + 1)
        summary = f"<code>{_html(tool.address)}</code> (- live, + git)"
        out += ["", f"<details><summary>{summary}</summary>", "", f"{fence}diff", body, fence]
        out += ["", "</details>"]
    return out


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
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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
