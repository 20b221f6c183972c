"""Live fields actionctl does not manage (``voice_hint``, ``agent_uid``, ...): the plan
ignores them unless the desired payload sets them, and the fingerprint still covers them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from compiler.apply.engine import patch_fields, stale_reasons
from compiler.canonical import canonical_tool, fingerprint
from compiler.model import CompiledTool
from compiler.plan import markdown, text
from compiler.plan.build import build_plan
from compiler.plan.diff import split_ignored
from compiler.plan.file import PlanFormatError, dumps_plan, plan_from_json
from compiler.plan.live import LiveState, index_by_name
from compiler.plan.model import Change, Plan

UID = "agent_dev_1"
DESIRED: dict[str, Any] = {
    "type": "end_call",
    "name": "hang_up",
    "description": "Ends the call.",
    "static_params": {"end_message": "Goodbye"},
}
PLATFORM_ADDED: dict[str, Any] = {"voice_hint": "x", "agent_uid": UID, "is_active": True}


def live_tool(**fields: Any) -> dict[str, Any]:
    return {"id": 9, "created_at": "2026-01-01T00:00:00Z", **DESIRED, **fields}


def plan_for(live: dict[str, Any], desired: dict[str, Any] = DESIRED) -> Change:
    tools, problems = index_by_name(UID, [live])
    assert not problems
    tool = CompiledTool("support", UID, desired["name"], canonical_tool(desired))
    plan = build_plan(
        {tool.address: tool},
        LiveState(tools={UID: tools}),
        environment="dev",
        target={"platform": "openmic"},
        agents={"support": UID},
        prune=False,
    )
    (change,) = plan.changes
    return change


def test_split_ignored_sets_aside_only_unmanaged_fields_the_desired_side_lacks() -> None:
    live = canonical_tool(live_tool(**PLATFORM_ADDED, speak_after_execution=False))
    compared, ignored = split_ignored(live, {**DESIRED, "is_active": True})
    assert ignored == {"voice_hint": "x", "agent_uid": UID}
    assert compared["is_active"] is True  # the desired side sets it: compared
    assert compared["speak_after_execution"] is False  # a managed field: always compared
    assert {**compared, **ignored} == live


def test_unknown_live_fields_are_not_a_change() -> None:
    change = plan_for(live_tool(**PLATFORM_ADDED))
    assert change.action == "no-op"
    assert change.changed_paths == []
    assert change.ignored_live_fields == PLATFORM_ADDED
    assert change.before is not None and not set(PLATFORM_ADDED) & set(change.before)


def test_a_real_change_beside_an_unknown_field_patches_only_the_real_one() -> None:
    change = plan_for(live_tool(voice_hint="x", description="Old."))
    assert change.action == "update"
    assert change.changed_paths == [("description",)]
    assert patch_fields(change) == {"description": "Ends the call."}


def test_a_desired_payload_that_sets_an_unknown_field_diffs_it() -> None:
    wanted = {**DESIRED, "voice_hint": "y"}
    change = plan_for(live_tool(voice_hint="x"), wanted)
    assert change.action == "update"
    assert change.changed_paths == [("voice_hint",)]
    assert change.ignored_live_fields == {}
    assert patch_fields(change) == {"voice_hint": "y"}
    assert plan_for(live_tool(voice_hint="y"), wanted).action == "no-op"
    added = plan_for(live_tool(), wanted)
    assert (added.action, added.changed_paths) == ("update", [("voice_hint",)])


def test_the_fingerprint_covers_the_whole_live_tool() -> None:
    planned = plan_for(live_tool(voice_hint="x", description="Old."))
    assert planned.before is not None
    whole = canonical_tool(live_tool(voice_hint="x", description="Old."))
    assert planned.live_fingerprint == fingerprint(whole)
    assert planned.live_fingerprint == fingerprint(
        {**planned.before, **planned.ignored_live_fields}
    )
    edited = plan_for(live_tool(voice_hint="edited", description="Old."))
    assert edited.live_fingerprint != planned.live_fingerprint
    assert edited.changed_paths == planned.changed_paths


def test_apply_finds_a_plan_stale_when_only_an_ignored_field_changed() -> None:
    change = plan_for(live_tool(voice_hint="x", description="Old."))
    plan = Plan("dev", {"platform": "openmic"}, [change])
    fresh = {UID: [live_tool(voice_hint="x", description="Old.")]}
    assert stale_reasons(plan, fresh) == []
    edited = {UID: [live_tool(voice_hint="edited", description="Old.")]}
    assert stale_reasons(plan, edited) == ["support/hang_up: tool id 9 changed since planning"]


def test_a_delete_keeps_the_whole_live_tool() -> None:
    tools, _ = index_by_name(UID, [live_tool(voice_hint="x")])
    plan = build_plan(
        {},
        LiveState(tools={UID: tools}),
        environment="dev",
        target={"platform": "openmic"},
        agents={"support": UID},
        prune=True,
    )
    (change,) = plan.changes
    assert change.action == "delete"
    assert change.before is not None and change.before["voice_hint"] == "x"
    assert change.live_fingerprint == fingerprint(change.before)


def test_renderers_do_not_show_ignored_fields_and_json_records_them() -> None:
    change = plan_for(live_tool(voice_hint="x", description="Old."))
    plan = Plan("dev", {"platform": "openmic"}, [change])
    assert "voice_hint" not in text.render(plan)
    assert "voice_hint" not in markdown.render(plan)
    saved = json.loads(dumps_plan(plan))
    assert saved["changes"][0]["ignored_live_fields"] == {"voice_hint": "x"}
    assert plan_from_json(saved) == plan


def test_json_leaves_the_key_out_when_nothing_is_ignored() -> None:
    plan = Plan("dev", {"platform": "openmic"}, [plan_for(live_tool(description="Old."))])
    saved = json.loads(dumps_plan(plan))
    assert "ignored_live_fields" not in saved["changes"][0]
    assert plan_from_json(saved) == plan


def test_a_malformed_ignored_live_fields_is_a_format_error() -> None:
    plan = Plan("dev", {"platform": "openmic"}, [plan_for(live_tool(voice_hint="x"))])
    saved = json.loads(dumps_plan(plan))
    saved["changes"][0]["ignored_live_fields"] = ["voice_hint"]
    with pytest.raises(PlanFormatError, match=r"changes\[0\]\.ignored_live_fields"):
        plan_from_json(saved)
