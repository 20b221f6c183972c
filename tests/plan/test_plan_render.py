"""Golden tests of the people-facing renderers (colour off), and their guarantees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compiler.plan import json_format, markdown, text
from compiler.plan.file import plan_to_json
from compiler.plan.lines import word_diff
from compiler.plan.model import Plan

GOLDEN = Path(__file__).parent / "golden"


def test_text_golden(plan: Plan) -> None:
    assert text.render(plan) == (GOLDEN / "every_kind.txt").read_text()


COMMIT = "0123456789abcdef0123456789abcdef01234567"


def test_markdown_golden(plan: Plan) -> None:
    plan.commit = COMMIT
    assert markdown.render(plan) == (GOLDEN / "every_kind.md").read_text()


def test_unmanaged_tools_are_listed_in_both_renderers(make_plan: Any) -> None:
    plan = make_plan(prune=False)
    assert "  support/press_one  (id 10, dtmf)" in text.render(plan).splitlines()
    rendered = markdown.render(plan)
    assert "1 unmanaged tool (declared by no file; left untouched)" in rendered
    assert "- `support/press_one` (dtmf, id 10)" in rendered


def test_text_starts_with_summary_and_puts_destructive_changes_first(plan: Plan) -> None:
    lines = text.render(plan).splitlines()
    assert lines[0].startswith("Plan: 1 to create, 1 to update, 1 to replace, 1 to delete")
    heads = [line for line in lines if line[:4].strip() in {"+", "~", "-", "-/+"}]
    order = [line.split()[0] for line in heads if "support/" in line and "(" in line]
    assert order == ["-", "-/+", "~", "+"]


def test_text_colour_only_when_asked(plan: Plan) -> None:
    assert "\x1b[" not in text.render(plan, color=False)
    assert "\x1b[" in text.render(plan, color=True)


def test_no_changes_says_so(make_plan: Any) -> None:
    plan = make_plan()
    plan.changes = [c for c in plan.changes if c.action == "no-op"]
    assert text.render(plan).startswith("No changes.")
    assert "<details><summary><code>" not in markdown.render(plan)


def test_long_single_line_strings_get_a_word_diff() -> None:
    assert word_diff("a quick brown fox", "a slow brown fox") == "a [-quick-]{+slow+} brown fox"


def test_markdown_has_marker_first_and_stays_under_the_limit(make_plan: Any) -> None:
    plan = make_plan()
    template = next(c for c in plan.changes if c.action == "create")
    plan.changes = []
    for i in range(400):
        change = type(template)(**{**template.__dict__, "name": f"t{i:03}"})
        change.address = f"support/t{i:03}"
        change.after = {**template.after, "description": "x" * 400 + str(i)}
        plan.changes.append(change)
    rendered = markdown.render(plan)
    assert rendered.startswith("<!-- actionctl-plan -->\n")
    assert len(rendered) <= markdown.LIMIT
    shown = rendered.count("<details><summary><code>+ ")
    assert 0 < shown < 400
    assert f"_The diffs of {400 - shown} tools listed above are not shown" in rendered
    assert all(f"| `support/t{i:03}` |" in rendered for i in range(400))  # every tool named
    assert "<code>+ support/t000</code>" in rendered  # the head is kept in detail
    small = markdown.render(plan, limit=5_000)
    assert len(small) <= 5_000 and small.startswith("<!-- actionctl-plan -->")


def test_markdown_fence_cannot_be_closed_by_content(make_plan: Any) -> None:
    plan = make_plan()
    create = next(c for c in plan.changes if c.action == "create")
    create.after = {**create.after, "description": "```\n<script>alert(1)</script>\n````"}
    rendered = markdown.render(plan)
    assert "`````diff" in rendered


def test_json_renderer_is_the_saved_form(plan: Plan) -> None:
    assert json.loads(json_format.render(plan)) == plan_to_json(plan)


def test_markdown_survives_odd_live_names(make_plan: Any) -> None:
    plan = make_plan()
    delete = next(c for c in plan.changes if c.action == "delete")
    delete.name = "odd|name`x"
    delete.address = "support/odd|name`x"
    rendered = markdown.render(plan)
    assert "| - | `` support/odd\\|name`x `` | delete: the whole tool |" in rendered
    assert "<code>- support/odd|name`x</code>" in rendered
