"""The plan as one pull-request comment (GitHub-flavoured Markdown).

A hidden marker comment comes first so CI can find and update its own comment, then a
hidden, labels-ready JSON summary (``Plan.review``: status, environment, commit, counts,
labels) that a workflow can read without parsing Markdown. The headline names the
environment and the commit and counts every change, as the JSON plan does; deletes and
replaces come first, under a caution block, and their details are open.

One table lists every changed tool (with ``--base``, its class and what that means, in
the same row; when REF is no base, why each tool is a change, and a note box under the
counts says so in full, as it says where the base was read from), then each tool's
diff is a ```diff block of ``-``/``+`` lines, which GitHub colours. Long text is
wrapped for display with a visible ``↪`` marker.

The comment fits GitHub's 65,536-character cap by construction (``compiler.plan.budget``):
the head first, then every tool's row, then, when rows no longer fit, the remaining tools
by name, then diffs while they fit. Whatever is left out is counted exactly and the
comment says where to see it all. Each piece is rendered once: linear in the plan.

When the plan cannot be made, ``render_failure`` writes the comment that replaces the
last plan: it says the plan failed and why, errors first, then warnings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from compiler.diagnostics import Diagnostic, Severity, json_text
from compiler.plan.budget import (
    GITHUB_CAP,
    LIMIT,
    Budget,
    cut,
    in_display_order,
    keep_in_order,
    keep_what_fits,
    natural_key,
    shorten,
    wrap_line,
)
from compiler.plan.commit import short
from compiler.plan.diff import field_changes
from compiler.plan.display import for_display
from compiler.plan.lines import (
    SYMBOLS,
    VERBS,
    Line,
    headline,
    review_field_lines,
    review_lines,
    summary_line,
)
from compiler.plan.model import (
    CREATE,
    DELETE,
    DESTRUCTIVE,
    REPLACE,
    UPDATE,
    Change,
    FieldPath,
    Plan,
    UnmanagedTool,
)
from compiler.plan.scope import scope_note
from compiler.plan.threeway import CHANGE, ToolClass
from compiler.plan.threeway_render import class_cell, field_diff, section_head

MARKER = "<!-- actionctl-plan -->"
SUMMARY_PREFIX = "<!-- actionctl-plan-summary: "
FAILED_MARKER = "<!-- actionctl-plan-failed -->"  # CI: actionctl explained the failure
FAILED_LABEL = "actionctl:plan-failed"
MAX_BODY = 12_000  # characters of one tool's diff before it is cut
MAX_FIELDS = 8  # changed fields named in a table cell
NAMES_PER_LINE = 40  # tools per line of the by-name list
NAME_LINE_SHARE = 3  # characters of a by-name line's head, per name on it (an estimate)
NOTES = 1_500  # characters set aside for the notes that count what is left out
UNMANAGED_SHARE = 4_000  # characters at most for the unmanaged tools
WIDE = 100  # characters of a diagnostic line before it is wrapped for display
SEE_ALL = (
    "See every change in the JSON plan (`actionctl plan --format json`, or the plan the "
    "job saved as an artifact) or run `actionctl plan` locally."
)

__all__ = ["GITHUB_CAP", "LIMIT", "MARKER", "render", "render_failure", "summary_comment"]


def render(plan: Plan, *, color: bool = False, limit: int = LIMIT) -> str:
    del color  # Markdown has no colour of its own; ```diff blocks are highlighted
    review = plan.review  # the hidden summary is JSON: exact, escaped losslessly
    plan = for_display(plan)  # live names and values reach the comment escaped
    budget = Budget(limit)
    blocks = _head(plan, review)
    budget.left -= sum(len(block) + 1 for block in blocks)  # always shown
    notes = budget.reserve(NOTES)
    pending = in_display_order(plan.pending())
    classes = _classes(plan)
    unmanaged = _unmanaged_section(plan, Budget(min(UNMANAGED_SHARE, budget.left)))
    budget.left -= sum(len(block) + 1 for block in unmanaged)
    no_base = plan.three_way is not None and plan.three_way.no_base
    every_row = [_row(change, classes, no_base=no_base) for change in pending]
    rows = keep_in_order(every_row[: _rows_to_show(every_row, pending, budget.left)], budget)
    if rows.shown:
        blocks += ["", _TABLE_HEAD, *rows.pieces]
    named, unnamed = _names(pending[rows.shown :], budget)
    blocks += named
    listed = pending[: len(pending) - unnamed]
    details = keep_what_fits(listed, lambda c: _details(c, classes), budget, floor=200)
    for block in details.pieces:
        blocks += ["", block]
    blocks += _notes(unnamed, details.left_out, notes)
    blocks += unmanaged
    return "\n".join(blocks) + "\n"


def summary_comment(review: dict[str, object]) -> str:
    """The review summary as one hidden HTML comment; ``<`` and ``>`` are escaped inside
    the JSON so no value can end the comment early."""
    text = json_text(review, sort_keys=True)
    return SUMMARY_PREFIX + text.replace("<", "\\u003c").replace(">", "\\u003e") + " -->"


def _classes(plan: Plan) -> dict[tuple[str, str], ToolClass]:
    if plan.three_way is None:
        return {}
    return {(tool.agent_uid, tool.name): tool for tool in plan.three_way.tools}


# --- the head: always shown, every part of bounded size ---


def _head(plan: Plan, review: dict[str, object]) -> list[str]:
    blocks = [MARKER, summary_comment(review), f"### {_headline(plan)}", ""]
    target = _escape(_target(plan))
    blocks.append(target + (f" · commit {plan.commit}" if plan.commit else ""))
    note = scope_note(plan, code=lambda text: _code(shorten(text)))
    if note is not None:  # a reviewer must not take it for the whole change set
        blocks += ["", "> [!NOTE]", f"> {note}"]
    if plan.three_way is not None:
        blocks += ["", *section_head(plan.three_way)]
    caution = _caution(plan)
    if caution:
        blocks += ["", "> [!CAUTION]", f"> {caution}"]
    return blocks


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
    return f"{n:,} tool" + ("" if n == 1 else "s")


def _plain(text: str) -> str:
    """Text inside an inline code span of our own: no backticks, no newlines."""
    return shorten(text.replace("`", "'").replace("\n", " "))


def _target(plan: Plan) -> str:
    target = plan.target
    where = shorten(target.get("base_url") or target.get("path") or "", 200)
    platform = shorten(target.get("platform", "?"))
    return f"Environment `{_plain(plan.environment)}` on {platform} {where}".rstrip()


# --- one table row per changed tool ---

_TABLE_HEAD = "| | Tool | Change |\n|---|---|---|"


def _row(change: Change, classes: dict[tuple[str, str], ToolClass], *, no_base: bool) -> str:
    tool = classes.get((change.agent_uid, change.name))
    cell = class_cell(tool, no_base=no_base) if tool is not None else _change_cell(change)
    return f"| {SYMBOLS[change.action]} | {_code(shorten(change.address))} | {cell} |"


def _change_cell(change: Change) -> str:
    if change.action == CREATE:
        return f"create: new {_code(shorten(change.tool_type))} tool"
    if change.action == DELETE:
        return "delete: the whole tool"
    paths = change.changed_paths
    verb = VERBS[change.action]
    if change.renamed_from is not None:
        # The new name is the change people look for; the other fields follow it.
        renamed = f"rename {_code(shorten(change.renamed_from))} → {_code(shorten(change.name))}"
        verb = renamed if change.action == UPDATE else f"{verb}, {renamed}"
        paths = [path for path in paths if path != FieldPath(("name",))]
    named = ", ".join(_code(shorten(str(path))) for path in paths[:MAX_FIELDS])
    more = f" and {len(paths) - MAX_FIELDS} more" if len(paths) > MAX_FIELDS else ""
    return f"{verb}: {named}{more}".rstrip(": ")


def _rows_to_show(rows: list[str], changes: list[Change], room: int) -> int:
    """How many rows the table shows so that the tools after them still fit by name:
    a row costs more than a name, so the table stops where the rest must go by name."""
    names = [len(_code(shorten(c.name))) + 2 + NAME_LINE_SHARE for c in changes]
    left_by_name = sum(names) + len(_TABLE_HEAD) + 200
    used = 0
    for count, row in enumerate(rows):
        used += len(row) + 1
        left_by_name -= names[count]
        if used + left_by_name > room:
            return count
    return len(rows)


def _names(changes: list[Change], budget: Budget) -> tuple[list[str], int]:
    """Tools the table had no room for, by name: a line per agent and action (at most
    ``NAMES_PER_LINE`` names each), kept while they fit. Returns the lines and how many
    tools are left unnamed."""
    if not changes:
        return [], 0
    lines = list(_name_lines(changes))
    intro = f"Also changed ({len(changes):,} more tools, by name; their rows did not fit):"
    if not budget.take("") or not budget.take(intro):
        return [], len(changes)
    kept = keep_in_order((text for text, _ in lines), budget)
    unnamed = sum(count for _, count in lines[kept.shown :])
    return ["", intro, *kept.pieces], unnamed


def _name_lines(changes: list[Change]) -> Iterator[tuple[str, int]]:
    """(line, tools on it), grouping runs of the same agent and action."""
    group: list[Change] = []
    for change in changes:
        same = group and (group[0].agent, group[0].action) == (change.agent, change.action)
        if group and (not same or len(group) == NAMES_PER_LINE):
            yield _name_line(group), len(group)
            group = []
        group.append(change)
    if group:
        yield _name_line(group), len(group)


def _name_line(group: list[Change]) -> str:
    first = group[0]
    names = ", ".join(_code(shorten(change.name)) for change in group)
    agent = _code(shorten(first.agent))
    return f"- {SYMBOLS[first.action]} {VERBS[first.action]} on {agent}: {names}"


# --- each tool's diff ---


def _details(change: Change, classes: dict[tuple[str, str], ToolClass]) -> str:
    summary = f"<code>{SYMBOLS[change.action]} {html.escape(shorten(change.address))}</code>"
    detail = _escape(headline(change).split("  (", 1)[-1].rstrip(")"))
    opened = " open" if change.action in DESTRUCTIVE else ""
    parts = [f"<details{opened}><summary>{summary} ({detail})</summary>", ""]
    tool = classes.get((change.agent_uid, change.name))
    three_way = field_diff(tool) if tool is not None else ""
    if three_way:
        note = "  … (cut: the JSON plan's three_way holds every field)"
        parts += [_fenced(cut(three_way, MAX_BODY, note)), ""]
    body = _body(change, tool)
    parts += [_fenced(body), ""] if body else []
    return "\n".join([*parts, "</details>"])


def _body(change: Change, tool: ToolClass | None) -> str:
    """The change's diff, less the fields its three-way block already shows."""
    body = "\n".join(_diff_line(line) for line in _review_lines(change, tool))
    return cut(body, MAX_BODY, "  … (cut: run `actionctl plan` for the whole diff)")


def _review_lines(change: Change, tool: ToolClass | None) -> list[Line]:
    shown = {field.path for field in tool.fields if field.kind != CHANGE} if tool else set()
    if not shown or change.action not in (UPDATE, REPLACE):
        return review_lines(change)
    fields = field_changes(change.before or {}, change.after or {})
    return [line for f in fields if f.path not in shown for line in review_field_lines(f)]


def _diff_line(line: Line) -> str:
    # ``diff`` highlighting keys on the first column: + and - colour, others do not.
    sign = " " if line.sign == "~" else line.sign
    return f"{sign} {'    ' * line.depth}{line.text}".rstrip()


def _fenced(body: str, language: str = "diff") -> str:
    fence = _fence(body)
    return f"{fence}{language}\n{body}\n{fence}"


def _fence(body: str) -> str:
    """A code fence longer than any backtick run inside the body, so it cannot close early."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


# --- what did not fit, and the unmanaged tools ---


def _notes(unnamed: int, undiffed: int, budget: Budget) -> list[str]:
    """Exact counts of what the comment leaves out, and where to see it all."""
    notes = []
    if unnamed:
        notes.append(
            f"_{_tools(unnamed)} changed by this plan {'is' if unnamed == 1 else 'are'} not "
            f"named in this comment: GitHub caps a comment at {GITHUB_CAP:,} characters. "
            f"{SEE_ALL}_"
        )
    if undiffed:
        notes.append(
            f"_The diffs of {_tools(undiffed)} listed above are not shown, to stay under "
            f"GitHub's {GITHUB_CAP:,}-character cap. {SEE_ALL}_"
        )
    return budget.take_notes(notes)


def _unmanaged_section(plan: Plan, budget: Budget) -> list[str]:
    tools = sorted(plan.unmanaged, key=lambda tool: natural_key(tool.address))
    if not tools:
        return []
    count = len(tools)
    head = (
        f"<details><summary>{count:,} unmanaged tool{'s' if count != 1 else ''} "
        "(declared by no file; left untouched)</summary>"
    )
    lines = (f"- {_code(shorten(t.address))} ({_unmanaged_kind(t)})" for t in tools)
    reserved = len(head) + 300  # the frame and the count of those left out
    kept = keep_in_order(lines, Budget(max(budget.left - reserved, 0)))
    more = [f"- … and {kept.left_out:,} more: `actionctl plan --format json`"]
    section = ["", head, "", *kept.pieces, *(more if kept.left_out else []), "", "</details>"]
    return section if sum(len(s) + 1 for s in section) <= budget.left else []


def _unmanaged_kind(tool: UnmanagedTool) -> str:
    kind = _escape(shorten(tool.type))
    return kind + (f", id {tool.tool_id}" if tool.tool_id is not None else "")


def _code(text: str) -> str:
    """An inline code span that survives backticks and table pipes in live tool names."""
    text = text.replace("|", "\\|").replace("\n", " ")
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


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
    errors first (causes first, consequences folded under them), then warnings; long
    lines wrapped for display with a visible marker."""
    review: dict[str, object] = {
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
    head = [MARKER, FAILED_MARKER, summary_comment(review), f"### :x: Plan failed for {where}"]
    head += ["", f"Commit {commit}"] if commit else []
    head += [
        "",
        "actionctl could not make a plan, so this comment shows no changes: the previous "
        "plan no longer applies. Fix the problems below and push again.",
    ]
    from compiler.report.text import summary

    if diagnostics:
        head += ["", f"{summary(diagnostics)}."]
    budget = Budget(limit - sum(len(block) + 1 for block in head))
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    others = [d for d in diagnostics if d.severity is not Severity.ERROR]
    blocks = head + _diagnostic_section("Errors", errors, budget, share=0.8)
    blocks += _diagnostic_section("Warnings", others, budget, share=1.0)
    return "\n".join(blocks) + "\n"


def _diagnostic_section(
    title: str, diagnostics: list[Diagnostic], budget: Budget, *, share: float
) -> list[str]:
    """A titled ```text block of the diagnostics, cut to ``share`` of what is left."""
    from compiler.report.text import render as render_text

    if not diagnostics:
        return []
    listed = render_text(diagnostics).splitlines()[:-1]  # the counts are in the head
    lines = [piece for line in listed for piece in _wrapped(line)]
    note = "… (cut: see the job log for all)"
    room = Budget(int(budget.left * share) - len(title) - 40)
    kept = keep_in_order(lines, room)
    body = "\n".join(kept.pieces + ([note] if kept.left_out else []))
    fence = _fence(body)
    section = ["", f"**{title}**", "", f"{fence}text", body, fence]
    size = sum(len(s) + 1 for s in section)
    if size > budget.left:
        return []
    budget.left -= size
    return section


def _wrapped(line: str) -> list[str]:
    indent = line[: len(line) - len(line.lstrip(" "))]
    return [indent + piece for piece in wrap_line(line.lstrip(" "), WIDE - len(indent))]
