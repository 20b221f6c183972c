from __future__ import annotations

from typing import Any

from compiler.canonical import fingerprint
from compiler.diagnostics import Location
from compiler.plan.build import emptied_agents, empty_agent_warnings
from compiler.plan.live import index_by_name
from compiler.plan.model import Plan


def by_address(plan: Plan) -> dict[str, Any]:
    return {change.address: change for change in plan.changes}


def test_every_kind_is_classified(plan: Plan) -> None:
    changes = by_address(plan)
    assert changes["support/send_booking_confirmation"].action == "update"
    assert changes["support/check_order"].action == "replace"
    assert changes["support/hang_up"].action == "no-op"
    assert changes["support/transfer_to_sales"].action == "create"
    assert changes["support/press_one"].action == "delete"
    assert plan.unmanaged == []


def test_update_records_field_paths(plan: Plan) -> None:
    update = by_address(plan)["support/send_booking_confirmation"]
    assert update.changed_paths == [
        ("description",),
        ("parameters", "properties", "booking_reference", "description"),
        ("parameters", "properties", "phone"),
        ("parameters", "required"),
        ("static_params", "message"),
        ("static_params", "to_number"),
        ("speak_after_execution",),
    ]
    assert update.tool_id == 7


def test_each_change_records_the_live_fingerprint(plan: Plan) -> None:
    for change in plan.changes:
        if change.action == "create":
            assert change.live_fingerprint is None and change.before is None
        else:
            assert change.live_fingerprint == fingerprint(change.before)
            assert change.live_fingerprint.startswith("sha256:")


def test_without_prune_undeclared_tools_are_unmanaged(make_plan: Any) -> None:
    plan = make_plan(prune=False)
    assert "support/press_one" not in by_address(plan)
    assert [(t.address, t.tool_id, t.type) for t in plan.unmanaged] == [
        ("support/press_one", 10, "dtmf")
    ]


def test_server_fields_and_defaults_do_not_make_changes(plan: Plan) -> None:
    # hang_up's live copy has id and omits the speak defaults; it is still a no-op.
    assert by_address(plan)["support/hang_up"].changed_paths == []


def test_duplicate_live_names_are_reported_with_both_ids() -> None:
    tools, problems = index_by_name(
        "agent_1", [{"id": 3, "type": "dtmf", "name": "x"}, {"id": 5, "type": "dtmf", "name": "x"}]
    )
    assert len(problems) == 1
    assert "ids 3, 5" in problems[0] and "'x'" in problems[0]
    assert set(tools) == {"x"}


def test_an_agent_left_with_no_tools_is_flagged(make_plan: Any) -> None:
    plan = make_plan()
    assert emptied_agents(plan) == []
    plan.changes = [c for c in plan.changes if c.action == "delete"]
    assert emptied_agents(plan) == ["agent_dev_1"]
    warnings = empty_agent_warnings(plan, Location("actionctl.yaml", 1, 1))
    assert [w.code for w in warnings] == ["L803"]
    assert "--allow-empty" in warnings[0].message
