"""Every renderer, at any size: it returns, stays within its cap, and its counts are honest
(what a comment names plus what it says it left out is exactly what the plan holds)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.diagnostics import MAX_MESSAGE_CHARS, Diagnostic, Severity
from compiler.diagnostics.codes import L833, L834, L835, L836
from compiler.plan import drift_report, json_format, markdown, text
from compiler.plan.budget import GITHUB_CAP, Budget, natural_key, wrap_line
from compiler.plan.file import dumps_plan
from compiler.plan.model import (
    CREATE,
    DELETE,
    NO_OP,
    UPDATE,
    BaseNote,
    Change,
    Plan,
    UnmanagedTool,
)
from compiler.plan.threeway import CHANGE, CONFLICT, DRIFT, FieldClass, ThreeWay, ToolClass
from compiler.report.github_summary import summary_markdown

TARGET = {"platform": "openmic", "base_url": "http://127.0.0.1:8080", "api_prefix": "/v2"}
COMMIT = "0123456789abcdef0123456789abcdef01234567"
ODD = ("", "|", "`", "<b>", "é", "``x``")


@dataclass(frozen=True)
class Shape:
    count: int
    agents: int
    name_pad: int
    value_length: int
    odd: str
    actions: tuple[str, ...]
    unmanaged: int


def make_plan(shape: Shape, *, base: bool = False) -> Plan:
    changes = [_change(shape, i) for i in range(shape.count)]
    unmanaged = [
        UnmanagedTool("agent00", "uid00", f"stray_{i}{shape.odd}", i, "end_call")
        for i in range(shape.unmanaged)
    ]
    plan = Plan("dev", dict(TARGET), changes, unmanaged, commit=COMMIT)
    if base:
        tools = [_classed(change, i) for i, change in enumerate(changes) if change.is_change]
        notes = _base_notes(shape) if shape.name_pad >= 120 else ()
        plan.three_way = ThreeWay("origin/main", COMMIT, tools, notes)
    return plan


def _base_notes(shape: Shape) -> tuple[BaseNote, ...]:
    """The longest notes about a base a diagnostic can carry: moved, then no base (every
    class cell then gives the reason), plus more than any actionctl writes."""
    message = ("no base: environment " + "z" * shape.value_length + shape.odd) * 3
    codes = (L835, L833, L834, L836, L835, L833)
    return tuple(BaseNote(code, message[:MAX_MESSAGE_CHARS]) for code in codes)


def _change(shape: Shape, i: int) -> Change:
    agent = f"agent{i % shape.agents:02}"
    name = f"lookup_{i}{shape.odd}" + "x" * shape.name_pad
    action = shape.actions[i % len(shape.actions)]
    value = ("Tells the caller the order status. " * (shape.value_length // 35 + 1))[
        : shape.value_length
    ]
    old = {"type": "api_request", "name": name, "description": value + " old"}
    new = {"type": "api_request", "name": name, "description": value + " new"}
    return Change(
        address=f"{agent}/{name}",
        agent=agent,
        agent_uid=f"uid{i % shape.agents:02}",
        name=name,
        action=action,
        tool_id=None if action == CREATE else i,
        before=None if action == CREATE else old,
        after=None if action == DELETE else (old if action == NO_OP else new),
        changed_paths=["description"] if action == UPDATE else [],
        live_fingerprint=None if action == CREATE else "f" * 64,
    )


def _classed(change: Change, i: int) -> ToolClass:
    kind = (CONFLICT, DRIFT, CHANGE)[i % 3]
    before, after = change.before or {}, change.after or {}
    fields = tuple(
        FieldClass(path, kind, before.get(path), after.get(path), before.get(path))
        for path in change.changed_paths
    )
    return ToolClass(
        change.address, change.agent_uid, change.name, change.action, kind, "a note", fields
    )


shapes = st.builds(
    Shape,
    count=st.integers(0, 2_500),
    agents=st.integers(1, 30),
    name_pad=st.sampled_from((0, 3, 120, 400)),
    value_length=st.sampled_from((0, 40, 600, 5_000)),
    odd=st.sampled_from(ODD),
    actions=st.sampled_from(
        ((CREATE,), (UPDATE,), (DELETE, UPDATE, CREATE, NO_OP), (NO_OP,), (DELETE,))
    ),
    unmanaged=st.sampled_from((0, 5, 3_000)),
)
large_shapes = shapes.map(lambda s: Shape(**{**s.__dict__, "count": s.count * 4}))


def _number(pattern: str, comment: str) -> int:
    match = re.search(pattern, comment)
    return int(match.group(1).replace(",", "")) if match else 0


def check_plan_comment(plan: Plan, comment: str) -> None:
    assert len(comment) <= markdown.LIMIT <= GITHUB_CAP
    counts = plan.summary
    head = comment.splitlines()[2]
    if plan.has_changes:
        assert head.endswith(
            f": {counts['create']} to create, {counts['update']} to update, "
            f"{counts['replace']} to replace, {counts['delete']} to delete, "
            f"{counts['no_op']} unchanged."
        ), head
    summary = json.loads(re.search(r"plan-summary: (.*) -->", comment).group(1))  # type: ignore[union-attr]
    assert summary == json.loads(dumps_plan(plan))["review"]
    lines = comment.splitlines()
    rows = sum(1 for line in lines if re.match(r"\| (-|-/\+|~|\+) \| ", line))
    named = sum(
        line.split("`: ", 1)[1].count(", ") + 1
        for line in lines
        if re.match(r"- (-|-/\+|~|\+) [a-z ]+ on `", line)
    )
    unnamed = _number(r"_([\d,]+) tools? changed by this plan (?:is|are) not named", comment)
    assert rows + named + unnamed == len(plan.pending())
    diffs = comment.count("<details><summary><code>") + comment.count("<details open><summary>")
    undiffed = _number(r"_The diffs of ([\d,]+) tools? listed above", comment)
    assert diffs + undiffed == rows + named


def check_drift_report(plan: Plan, comment: str) -> None:
    assert plan.three_way is not None
    assert len(comment) <= drift_report.LIMIT
    tools = len(plan.three_way.tools)
    rows = sum(1 for line in comment.splitlines() if line.startswith("| `"))
    unlisted = _number(r"_([\d,]+) more drifted tools? (?:is|are) not listed", comment)
    assert rows + unlisted == tools
    diffs = comment.count("<details><summary>")
    undiffed = _number(r"_The diffs of ([\d,]+) listed tools?", comment)
    assert diffs + undiffed == rows


def render_everything(shape: Shape) -> None:
    plan = make_plan(shape)
    check_plan_comment(plan, markdown.render(plan))
    assert text.render(plan).count("\n") >= len(plan.pending())
    assert len(json.loads(json_format.render(plan))["changes"]) == shape.count
    based = make_plan(shape, base=True)
    check_plan_comment(based, markdown.render(based))
    assert text.render(based)
    check_drift_report(based, drift_report.render(based, "markdown"))
    assert drift_report.render(based, "text")
    failure = _diagnostics(shape)
    comment = markdown.render_failure(failure, environment="dev", commit=COMMIT)
    assert len(comment) <= markdown.LIMIT
    check_step_summary(failure)


def _diagnostics(shape: Shape) -> list[Diagnostic]:
    message = "z" * shape.value_length + shape.odd
    return [
        Diagnostic(
            f"actions/{i}{'x' * shape.name_pad}.yaml",
            i + 1,
            1,
            Severity.ERROR if i % 2 else Severity.WARNING,
            "S201",
            message,
        )
        for i in range(shape.count)
    ]


def check_step_summary(diagnostics: list[Diagnostic]) -> None:
    cap = 200_000
    summary = summary_markdown(diagnostics, 0, cap=cap)
    assert len(summary.encode("utf-8")) <= cap
    rows = sum(1 for line in summary.splitlines() if line.startswith(("| error", "| warning")))
    more = _number(r"… and (\d+) more", summary)
    assert rows + more == len(diagnostics)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes)
def test_every_renderer_is_bounded_and_honest(shape: Shape) -> None:
    render_everything(shape)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(large_shapes)
def test_every_renderer_is_bounded_and_honest_up_to_ten_thousand(shape: Shape) -> None:
    render_everything(shape)


@pytest.mark.parametrize("count", [0, 1, 2_500, pytest.param(10_000, marks=pytest.mark.slow)])
def test_the_extremes(count: int) -> None:
    shape = Shape(count, 20, 400, 2_000, "`|", (DELETE, UPDATE, CREATE), 3_000)
    render_everything(shape)


def test_two_thousand_creates_over_twenty_agents_are_all_named() -> None:
    plan = make_plan(Shape(2_000, 20, 0, 40, "", (CREATE,), 0))
    comment = markdown.render(plan)
    check_plan_comment(plan, comment)
    for i in range(2_000):
        assert re.search(rf"`(agent\d\d/)?lookup_{i}`", comment), i
    assert "not named in this comment" not in comment


def test_ten_thousand_creates_say_how_many_are_not_named_and_where_to_see_them() -> None:
    plan = make_plan(Shape(10_000, 20, 0, 40, "", (CREATE,), 0))
    comment = markdown.render(plan)
    check_plan_comment(plan, comment)
    unnamed = _number(r"_([\d,]+) tools changed by this plan are not named", comment)
    assert 0 < unnamed < 10_000
    assert "`actionctl plan --format json`" in comment and "artifact" in comment


def test_a_six_hundred_tool_drift_fits_the_cap() -> None:
    plan = make_plan(Shape(600, 6, 10, 3_000, "", (UPDATE,), 0), base=True)
    comment = drift_report.render(plan, "markdown")
    check_drift_report(plan, comment)
    assert "more drifted tools" in comment or "The diffs of" in comment


def test_names_sort_naturally() -> None:
    names = ["lookup_1040", "lookup_140", "lookup_14", "Lookup_2"]
    assert sorted(names, key=natural_key) == ["Lookup_2", "lookup_14", "lookup_140", "lookup_1040"]
    plan = make_plan(Shape(1_100, 1, 0, 0, "", (CREATE,), 0))
    comment = markdown.render(plan)
    at = {n: re.search(rf"`(agent00/)?lookup_{n}`", comment).start() for n in (14, 140, 1040)}  # type: ignore[union-attr]
    assert at[14] < at[140] < at[1040]
    terminal = text.render(plan)
    assert terminal.index("agent00/lookup_140 ") < terminal.index("agent00/lookup_1040 ")


def test_display_wrapping_is_marked() -> None:
    pieces = wrap_line("word " * 60, 40)
    assert len(pieces) > 1 and all(piece.startswith("↪ ") for piece in pieces[1:])
    assert wrap_line("short", 40) == ["short"]


def test_a_note_is_taken_whole_or_costs_nothing() -> None:
    """The tail of every capped comment: a note that does not fit leaves the budget as
    it was (its blank line is not spent), so a shorter one after it still fits."""
    budget = Budget(12)
    assert budget.take_notes(["12345", "1234567890", "12"]) == ["", "12345", "", "12"]
    assert budget.left == 1
