"""Three-way classification and the revert plan on plain values: hand-made plans, bases
and live tools, every case of the definitions in compiler/plan/threeway.py."""

from __future__ import annotations

import copy
from typing import Any

from compiler.canonical import canonical_tool
from compiler.plan.diff import changed_paths
from compiler.plan.file import plan_from_json, plan_to_json
from compiler.plan.lines import summary_line
from compiler.plan.live import LiveState, LiveTool
from compiler.plan.model import (
    CREATE,
    DELETE,
    NO_OP,
    REPLACE,
    UPDATE,
    Change,
    Plan,
    UnmanagedTool,
)
from compiler.plan.revert import revert, revert_plan
from compiler.plan.text import render as render_text
from compiler.plan.threeway import CHANGE, CONFLICT, DRIFT, ThreeWay, classify

UID = "agent_support"


def sms(**fields: Any) -> dict[str, Any]:
    tool: dict[str, Any] = {
        "type": "send_sms",
        "name": "confirm",
        "description": "Sends a confirmation.",
        "parameters": {
            "type": "object",
            "properties": {"ref": {"type": "string"}, "day": {"type": "string"}},
            "required": ["ref", "day"],
        },
        "static_params": {"type": "static", "message": "Booked: {{ref}}"},
    }
    tool.update(fields)
    return canonical_tool(tool)


def with_message(message: str, **fields: Any) -> dict[str, Any]:
    tool = sms(**fields)
    tool["static_params"] = {**tool["static_params"], "message": message}
    return canonical_tool(tool)


def change(
    before: dict[str, Any] | None, after: dict[str, Any] | None, name: str = "confirm"
) -> Change:
    if before is None:
        action = CREATE
    elif after is None:
        action = DELETE
    else:
        paths = changed_paths(before, after)
        action = UPDATE if paths else NO_OP
        if before.get("type") != after.get("type"):
            action = REPLACE
    return Change(
        address=f"support/{name}",
        agent="support",
        agent_uid=UID,
        name=name,
        action=action,
        tool_id=None if before is None else 7,
        before=before,
        after=after,
        changed_paths=changed_paths(before, after) if before and after else [],
        live_fingerprint=None if before is None else "sha256:x",
    )


def plan_of(*changes: Change) -> Plan:
    return Plan(environment="dev", target={"platform": "local"}, changes=list(changes))


def fields_of(plan: Plan, base: dict[tuple[str, str], dict[str, Any]]) -> dict[str, str]:
    out = {}
    for tool in classify(plan, base):
        for field in tool.fields or ():
            out[f"{tool.name}:{field.path}"] = field.kind
        if not tool.fields:
            out[tool.name] = tool.kind
    return out


def test_each_field_is_a_change_a_drift_or_a_conflict() -> None:
    base = sms()
    branch = with_message("New: {{ref}}", description="Branch description.")
    live = with_message("Live: {{ref}}", speak_after_execution=False)
    # description: branch only (change); message: both, differently (conflict);
    # speak_after_execution: live only (drift).
    plan = plan_of(change(live, branch))
    assert fields_of(plan, {(UID, "confirm"): base}) == {
        "confirm:description": CHANGE,
        "confirm:static_params.message": CONFLICT,
        "confirm:speak_after_execution": DRIFT,
    }
    (tool,) = classify(plan, {(UID, "confirm"): base})
    assert tool.kind == CONFLICT  # the worst field's
    by_path = {f.path: f for f in tool.fields}
    assert by_path[("static_params", "message")].base == "Booked: {{ref}}"
    assert by_path[("static_params", "message")].branch == "New: {{ref}}"
    assert by_path[("static_params", "message")].live == "Live: {{ref}}"


def test_both_making_the_same_edit_is_nothing_to_classify() -> None:
    edited = with_message("Same: {{ref}}")
    plan = plan_of(change(edited, copy.deepcopy(edited)))
    assert plan.changes[0].action == NO_OP
    assert classify(plan, {(UID, "confirm"): sms()}) == []


def test_an_order_only_difference_from_the_base_is_not_an_edit() -> None:
    base = sms()
    branch = copy.deepcopy(base)
    branch["parameters"]["required"] = ["day", "ref"]  # same set
    live = copy.deepcopy(base)
    live["parameters"]["required"] = ["ref"]
    plan = plan_of(change(live, branch))
    assert fields_of(plan, {(UID, "confirm"): base}) == {"confirm:parameters.required": DRIFT}


def test_creates_in_the_same_terms() -> None:
    new = sms()
    assert fields_of(plan_of(change(None, new)), {}) == {"confirm": CHANGE}
    # In the base, gone live, unchanged here: deleted outside git; applying re-creates it.
    assert fields_of(plan_of(change(None, new)), {(UID, "confirm"): sms()}) == {"confirm": DRIFT}
    edited = with_message("Edited: {{ref}}")
    (tool,) = classify(plan_of(change(None, edited)), {(UID, "confirm"): sms()})
    assert tool.kind == CONFLICT and [f.path for f in tool.fields] == [("static_params", "message")]


def test_prune_deletes_in_the_same_terms() -> None:
    live = sms(voice_hint="calm")  # a field actionctl does not manage is no edit
    assert fields_of(plan_of(change(live, None)), {(UID, "confirm"): sms()}) == {"confirm": CHANGE}
    assert fields_of(plan_of(change(live, None)), {}) == {"confirm": DRIFT}
    edited = with_message("Live: {{ref}}")
    (tool,) = classify(plan_of(change(edited, None)), {(UID, "confirm"): sms()})
    assert tool.kind == CONFLICT and "edited outside git" in tool.note


def test_a_tool_created_both_here_and_live_differently_is_a_conflict() -> None:
    plan = plan_of(change(with_message("Live: {{ref}}"), sms()))
    assert fields_of(plan, {}) == {"confirm:static_params.message": CONFLICT}


def test_conflicts_come_first_then_drift_then_changes_and_counts_are_per_field() -> None:
    base = {(UID, "a"): sms(name="a"), (UID, "b"): sms(name="b")}
    plan = plan_of(
        change(None, sms(name="c"), "c"),  # change
        change(with_message("x", name="b"), sms(name="b"), "b"),  # drift
        change(with_message("y", name="a"), with_message("z", name="a"), "a"),  # conflict
    )
    tools = classify(plan, base)
    assert [t.kind for t in tools] == [CONFLICT, DRIFT, CHANGE]
    three_way = ThreeWay("main", "0" * 40, tools)
    assert three_way.counts == {CONFLICT: 1, DRIFT: 1, CHANGE: 1}
    assert three_way.has_conflicts and three_way.has_drift


def test_a_saved_plan_keeps_its_classes_and_a_plain_plan_has_none() -> None:
    plan = plan_of(change(with_message("y"), with_message("z")))
    assert "three_way" not in plan_to_json(plan)
    plan.three_way = ThreeWay("origin/main", "a" * 40, classify(plan, {(UID, "confirm"): sms()}))
    loaded = plan_from_json(plan_to_json(plan))
    assert loaded.three_way is not None
    assert loaded.three_way.ref == "origin/main"
    assert [(t.kind, [f.kind for f in t.fields]) for t in loaded.three_way.tools] == [
        (CONFLICT, [CONFLICT])
    ]


# --- revert ---


def live_state(*tools: dict[str, Any]) -> LiveState:
    state = LiveState()
    for i, tool in enumerate(tools, start=20):
        live = LiveTool.from_platform(UID, {"id": i, **tool})
        state.tools.setdefault(UID, {})[live.name] = live
    return state


def test_revert_puts_each_before_back() -> None:
    old = sms(name="upd")
    gone = sms(name="del", description="Deleted by the plan.")
    saved = plan_of(
        change(None, sms(name="new"), "new"),
        change(old, with_message("Changed", name="upd"), "upd"),
        change(gone, None, "del"),
    )
    live = live_state(sms(name="new"), with_message("Changed", name="upd"))

    plan, reasons = revert_plan(saved, live)

    assert reasons == []
    actions = {c.name: c for c in plan.changes}
    assert actions["new"].action == DELETE and actions["new"].tool_id == 20
    assert actions["upd"].action == UPDATE and actions["upd"].after == old
    assert actions["upd"].changed_paths == [("static_params", "message")]
    assert actions["del"].action == CREATE and actions["del"].after == gone
    assert plan.prune  # it deletes what the plan created


def test_revert_refuses_tools_that_changed_since_the_apply() -> None:
    saved = plan_of(
        change(sms(name="upd"), with_message("Changed", name="upd"), "upd"),
        change(sms(name="gone"), with_message("Changed", name="gone"), "gone"),
        change(sms(name="del"), None, "del"),
        change(None, sms(name="new"), "new"),
    )
    live = live_state(with_message("Edited again", name="upd"), with_message("Other", name="del"))
    plan, reasons = revert_plan(saved, live)
    assert plan.pending() == []
    assert any("support/upd: changed since" in r and "static_params.message" in r for r in reasons)
    assert any("support/gone: is not live any more" in r for r in reasons)
    assert any("support/del: a tool of this name exists again" in r for r in reasons)
    # Absent, as before the plan: a create never made, nothing to undo and no reason.
    assert len(reasons) == 3


def test_revert_undoes_only_what_a_partial_apply_made() -> None:
    """Each tool still as the plan found it was never changed: left as it is, and
    counted; the changes that were made are undone."""
    saved = plan_of(
        change(sms(name="upd"), with_message("Changed", name="upd"), "upd"),
        change(sms(name="todo"), with_message("Changed", name="todo"), "todo"),
        change(sms(name="del"), None, "del"),
        change(None, sms(name="new"), "new"),
    )
    live = live_state(with_message("Changed", name="upd"), sms(name="todo"), sms(name="del"))

    undo = revert(saved, live)

    assert undo.reasons == []
    assert sorted(c.address for c in undo.never_applied) == [
        "support/del",
        "support/new",
        "support/todo",
    ]
    assert (undo.reverting, undo.planned) == (1, 4)
    assert [(c.name, c.action) for c in undo.plan.pending()] == [("upd", UPDATE)]
    assert {c.name for c in undo.plan.changes if not c.is_change} == {"todo", "del"}
    # None made (never applied, or reverted already): nothing it could safely do.
    nothing = revert(saved, live_state(sms(name="upd"), sms(name="todo"), sms(name="del")))
    assert nothing.reasons == [
        "none of the plan's 4 changes is live as the plan left it: the plan was never "
        "applied, or was reverted already"
    ]


def test_revert_of_a_replace_recreates_the_old_type_with_its_unmanaged_fields() -> None:
    old = sms(name="swap")
    new = canonical_tool(
        {"type": "end_call", "name": "swap", "static_params": {"end_message": "Bye"}}
    )
    applied = change(old, new, "swap")
    applied.ignored_live_fields = {"voice_hint": "calm"}
    assert applied.action == REPLACE
    plan, reasons = revert_plan(plan_of(applied), live_state(new))
    assert reasons == []
    (back,) = plan.changes
    assert back.action == REPLACE
    assert back.after == {**old, "voice_hint": "calm"}


def test_revert_of_a_replace_stopped_half_way_recreates_the_old_tool() -> None:
    """The apply deleted the old tool and failed to create the new one: the revert
    creates the old one again, with the fields it carried that we do not manage."""
    old = sms(name="swap")
    new = canonical_tool(
        {"type": "end_call", "name": "swap", "static_params": {"end_message": "Bye"}}
    )
    applied = change(old, new, "swap")
    applied.ignored_live_fields = {"voice_hint": "calm"}
    plan, reasons = revert_plan(plan_of(applied, change(None, sms(name="new"), "new")), LiveState())
    assert reasons == []
    (back,) = plan.pending()
    assert (back.action, back.after) == (CREATE, {**old, "voice_hint": "calm"})


def test_undoing_a_create_does_not_empty_an_agent_with_other_tools() -> None:
    from compiler.plan.build import emptied_agents

    saved = plan_of(change(None, sms(name="new"), "new"))
    plan, reasons = revert_plan(saved, live_state(sms(name="new"), sms(name="kept")))
    assert reasons == []
    # "kept" is no tool of the saved plan: unmanaged, as plan would list it.
    assert [(c.name, c.action) for c in plan.changes] == [("new", DELETE)]
    assert [t.name for t in plan.unmanaged] == ["kept"]
    assert emptied_agents(plan) == []
    assert [c.name for c in plan.pending()] == ["new"]
    managed = plan_of(
        change(None, sms(name="new"), "new"), change(sms(name="kept"), sms(name="kept"), "kept")
    )
    plan, _ = revert_plan(managed, live_state(sms(name="new"), sms(name="kept")))
    assert [(c.name, c.action) for c in plan.changes] == [("kept", NO_OP), ("new", DELETE)]
    assert plan.unmanaged == [] and emptied_agents(plan) == []
    # Only the tool the plan created: undoing it empties the agent (apply asks for
    # --allow-empty, as for any such plan).
    alone, _ = revert_plan(saved, live_state(sms(name="new")))
    assert emptied_agents(alone) == [UID]


def test_revert_counts_unchanged_as_plan_does_on_every_agent_of_the_saved_plan() -> None:
    """ "unchanged" after a revert is what it was in the saved plan: the managed tools the
    revert leaves as they are, on the agents it touches (read live) and on the others
    (not read: the revert cannot change them); tools no file declared stay unmanaged."""
    other = Change(
        address="billing/invoice",
        agent="billing",
        agent_uid="agent_billing",
        name="invoice",
        action=NO_OP,
        tool_id=3,
        before=sms(name="invoice"),
        after=sms(name="invoice"),
        live_fingerprint="sha256:y",
    )
    saved = plan_of(
        change(sms(name="upd"), with_message("Changed", name="upd"), "upd"),
        change(sms(name="same"), sms(name="same"), "same"),
        other,
    )
    saved.unmanaged = [
        UnmanagedTool("support", UID, "by_hand", 9, "send_sms"),
        UnmanagedTool("billing", "agent_billing", "legacy", 4, "end_call"),
    ]
    assert saved.summary["no_op"] == 2
    live = live_state(with_message("Changed", name="upd"), sms(name="same"), sms(name="by_hand"))

    plan, reasons = revert_plan(saved, live)

    assert reasons == []
    assert plan.summary == {"create": 0, "update": 1, "replace": 0, "delete": 0, "no_op": 2}
    assert sorted(c.address for c in plan.changes if not c.is_change) == [
        "billing/invoice",
        "support/same",
    ]
    assert [t.address for t in plan.unmanaged] == ["billing/legacy", "support/by_hand"]
    assert summary_line(plan).endswith("2 unchanged.")
    assert "(plan --prune would delete them)" in render_text(plan)
