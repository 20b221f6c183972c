"""The plan as one pull-request comment (GitHub-flavoured Markdown).

A hidden marker comment comes first so CI can find and update its own comment, then a
hidden, labels-ready JSON summary (``Plan.review``: status, environment, commit, counts,
labels) that a workflow can read without parsing Markdown. The headline names the
environment and the commit; deletes and replaces come first, under a caution block, and
their details are open. Each tool's diff is a ```diff block of ``-``/``+`` lines
(``lines.review_lines``), which GitHub colours, with long text wrapped at sentences.

When the plan cannot be made, ``render_failure`` writes the comment that replaces the
last plan: it says the plan failed and why (the diagnostics, causes first).

The template runs in Jinja2's sandbox: plan content (descriptions, messages) is data and
can never reach Python. The comment stays under ``LIMIT`` characters (GitHub refuses
comments over 65,536): when the whole plan does not fit, the tail's per-tool diffs and
then its table rows are summarised, in display order, so destructive changes survive.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from typing import Any

from jinja2 import PackageLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from compiler.diagnostics import Diagnostic
from compiler.plan.commit import short
from compiler.plan.lines import SYMBOLS, VERBS, Line, headline, review_lines, summary_line
from compiler.plan.model import CREATE, DELETE, DESTRUCTIVE, REPLACE, Change, Plan, UnmanagedTool
from compiler.plan.threeway_render import markdown as three_way_markdown

MARKER = "<!-- actionctl-plan -->"
SUMMARY_PREFIX = "<!-- actionctl-plan-summary: "
FAILED_MARKER = "<!-- actionctl-plan-failed -->"  # CI: actionctl explained the failure
FAILED_LABEL = "actionctl:plan-failed"
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
        marker=MARKER,
        summary_comment=summary_comment(plan.review),
        headline=_headline(plan),
        target=_escape(_target(plan)),
        commit=plan.commit,
        caution=_caution(plan),
        changes=shown,
        detailed=rows[:detailed],
        omitted=len(omitted),
        omitted_list=_omitted_list(omitted),
        limit=f"{limit:,}",
        unmanaged=[_unmanaged(tool) for tool in plan.unmanaged],
        three_way=three_way_markdown(plan),
    )


def summary_comment(review: dict[str, Any]) -> str:
    """The review summary as one hidden HTML comment; ``<`` and ``>`` are escaped inside
    the JSON so no value can end the comment early."""
    text = json.dumps(review, ensure_ascii=False, sort_keys=True)
    return SUMMARY_PREFIX + text.replace("<", "\\u003c").replace(">", "\\u003e") + " -->"


def _headline(plan: Plan) -> str:
    """``Plan for `prod` at `1a2b3c4d5e6f`: 1 to create, ...``."""
    where = f"`{_plain(plan.environment)}`"
    if plan.commit:
        where += f" at `{short(plan.commit)}`"
    summary = summary_line(plan)
    if not plan.has_changes:
        rest = summary.removeprefix("No changes. ")
        return f"No changes for {where}: " + rest[:1].lower() + rest[1:]
    return f"Plan for {where}: " + summary.removeprefix("Plan: ")


def _caution(plan: Plan) -> str:
    """The loud line before destructive changes; empty when there are none."""
    counts = plan.summary
    parts = []
    if counts[DELETE]:
        parts.append(f"**deletes {_tools(counts[DELETE])}**")
    if counts[REPLACE]:
        parts.append(f"**replaces {_tools(counts[REPLACE])}** (deleted, then created anew)")
    if not parts:
        return ""
    listed = "It is" if counts[DELETE] + counts[REPLACE] == 1 else "They are"
    return (
        f"This plan {' and '.join(parts)} on `{_plain(plan.environment)}`. "
        f"{listed} listed first; review {'it' if listed == 'It is' else 'them'} before merging."
    )


def _tools(n: int) -> str:
    return f"{n} tool" + ("" if n == 1 else "s")


def _plain(text: str) -> str:
    """Text inside an inline code span of our own: no backticks, no newlines."""
    return text.replace("`", "'").replace("\n", " ")


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
    body = "\n".join(_diff_line(line) for line in review_lines(change))
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
        "open": change.action in DESTRUCTIVE,
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
    sign = " " if line.sign == "~" else line.sign
    return f"{sign} {'    ' * line.depth}{line.text}".rstrip()


def _fence(body: str) -> str:
    """A code fence longer than any backtick run inside the body, so it cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def _escape(text: str) -> str:
    """Table cells and summaries: keep ``|`` and raw HTML from breaking the layout."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


# --- when the plan cannot be made ---


def render_failure(
    diagnostics: list[Diagnostic],
    *,
    environment: str | None,
    commit: str | None,
    limit: int = LIMIT,
) -> str:
    """The comment that replaces the last plan when planning failed: what failed and why,
    the diagnostics as text (causes first, consequences folded under them)."""
    from compiler.report.text import render as render_text

    review = {
        "status": "failed",
        "environment": environment,
        "commit": commit,
        "changes": None,
        "destructive": None,
        "labels": [FAILED_LABEL],
    }
    where = f"`{_plain(environment)}`" if environment else "the default environment"
    if commit:
        where += f" at `{short(commit)}`"
    details = render_text(diagnostics) or "(no diagnostics: see the job log)"
    budget = max(limit - 1_000, 0)
    if len(details) > budget:
        details = details[:budget].rsplit("\n", 1)[0] + "\n… (cut: see the job log for all)"
    fence = _fence(details)
    lines = [
        MARKER,
        FAILED_MARKER,
        summary_comment(review),
        f"### :x: Plan failed for {where}",
        "",
        "actionctl could not make a plan, so this comment shows no changes: the previous "
        "plan no longer applies. Fix the problems below and push again.",
        "",
        f"{fence}text",
        details,
        fence,
        "",
    ]
    if commit:
        lines[5:5] = [f"Commit {commit}", ""]
    return "\n".join(lines)[:limit]
