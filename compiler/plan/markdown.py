"""The plan as one pull-request comment (GitHub-flavoured Markdown).

A hidden marker comment comes first so CI can find and update its own comment. The
template runs in Jinja2's sandbox: plan content (descriptions, messages) is data and
can never reach Python. The comment stays under ``LIMIT`` characters (GitHub refuses
comments over 65,536): when the whole plan does not fit, the tail's per-tool diffs and
then its table rows are summarised, in display order, so destructive changes survive.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from jinja2 import PackageLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from compiler.plan.lines import SYMBOLS, VERBS, Line, change_lines, headline, summary_line
from compiler.plan.model import CREATE, DELETE, Change, Plan, UnmanagedTool
from compiler.plan.threeway_render import markdown as three_way_markdown

MARKER = "<!-- actionctl-plan -->"
LIMIT = 65_000
MAX_BODY = 12_000  # characters of one tool's diff before it is cut


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=PackageLoader("compiler.plan", "templates"),
        autoescape=False,  # Markdown, not HTML: values are escaped where they land
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )


def render(plan: Plan, *, color: bool = False, limit: int = LIMIT) -> str:
    del color  # Markdown has no colour of its own; ```diff blocks are highlighted
    pending = plan.pending()
    rows = [_row(change) for change in pending]
    for table_rows, detailed in _attempts(len(rows)):
        text = _render(plan, rows, table_rows, detailed, limit)
        if len(text) <= limit:
            return text
    return _render(plan, rows, 0, 0, limit)[:limit]


def _attempts(total: int) -> Any:
    """(table rows, detailed diffs) to try, from everything down to nothing."""
    yield total, total
    detailed = total
    while detailed > 0:
        detailed //= 2
        yield total, detailed
    rows = total
    while rows > 0:
        rows //= 2
        yield rows, 0


def _render(
    plan: Plan, rows: list[dict[str, Any]], table_rows: int, detailed: int, limit: int
) -> str:
    shown = rows[:table_rows]
    omitted = rows[detailed:]
    template = _environment().get_template("plan.md.j2")
    return template.render(
        headline=summary_line(plan),
        target=_escape(_target(plan)),
        changes=shown,
        detailed=rows[:detailed],
        omitted=len(omitted),
        omitted_list=_omitted_list(omitted),
        limit=f"{limit:,}",
        unmanaged=[_unmanaged(tool) for tool in plan.unmanaged],
        three_way=three_way_markdown(plan),
    )


def _omitted_list(rows: list[dict[str, Any]]) -> str:
    names = [row["address_code"] for row in rows[:20]]
    if len(rows) > 20:
        names.append(f"{len(rows) - 20} more")
    return ", ".join(names)


def _target(plan: Plan) -> str:
    target = plan.target
    where = target.get("base_url") or target.get("path") or ""
    return f"Environment `{plan.environment}` on {target.get('platform', '?')} {where}".rstrip()


def _row(change: Change) -> dict[str, Any]:
    body = "\n".join(_diff_line(line) for line in change_lines(change))
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY].rsplit("\n", 1)[0] + "\n  … (cut: run `actionctl plan` for all)"
    detail = headline(change).split("  (", 1)[-1].rstrip(")")
    return {
        "symbol": SYMBOLS[change.action],
        "action": VERBS[change.action],
        "address": change.address,
        "address_code": _code(change.address),
        "address_html": html.escape(change.address),
        "fields": _fields_cell(change),
        "headline_detail": _escape(detail),
        "body": body,
        "fence": _fence(body),
    }


def _fields_cell(change: Change) -> str:
    if change.action == CREATE:
        return f"new `{change.tool_type}` tool"
    if change.action == DELETE:
        return "whole tool"
    paths = [f"`{path}`" for path in change.changed_paths[:8]]
    more = " …" if len(change.changed_paths) > 8 else ""
    return _escape(", ".join(paths)) + more


def _unmanaged(tool: UnmanagedTool) -> dict[str, str]:
    kind = _escape(tool.type) + (f", id {tool.tool_id}" if tool.tool_id is not None else "")
    return {"code": _code(tool.address), "kind": kind}


def _code(text: str) -> str:
    """An inline code span that survives backticks and table pipes in live tool names."""
    text = text.replace("|", "\\|")
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


def _diff_line(line: Line) -> str:
    # ``diff`` highlighting keys on the first column: + and - colour, others do not.
    sign = "!" if line.sign == "~" else line.sign
    return f"{sign} {'    ' * line.depth}{line.text}".rstrip()


def _fence(body: str) -> str:
    """A code fence longer than any backtick run inside the body, so it cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def _escape(text: str) -> str:
    """Table cells and summaries: keep ``|`` and raw HTML from breaking the layout."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
