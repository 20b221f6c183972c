"""The partial plan as a value: what ``--target``/``--exclude`` keep and leave out, and
the saved form of its scope (older plans, without one, still read)."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.canonical import canonical_tool
from compiler.diagnostics import DiagnosticError
from compiler.plan.build import emptied_agents
from compiler.plan.file import PlanFormatError, dumps_plan, parse_plan_bytes, plan_from_json
from compiler.plan.model import CREATE, DELETE, NO_OP, UPDATE, Change, Plan, UnmanagedTool
from compiler.plan.scope import matches, scope_note, scope_plan


def change(address: str, action: str, uid: str = "uid_a") -> Change:
    agent, name = address.split("/")
    live = action != CREATE
    payload = canonical_tool({"type": "end_call", "name": name})
    return Change(
        address=address,
        agent=agent,
        agent_uid=uid,
        name=name,
        action=action,
        tool_id=7 if live else None,
        before=payload if live else None,
        after=None if action == DELETE else payload,
        live_fingerprint="f" if live else None,
    )


def plan() -> Plan:
    return Plan(
        "dev",
        {"platform": "local"},
        [
            change("support/a", CREATE),
            change("support/b", DELETE),
            change("support/c", NO_OP),
            change("billing/x", UPDATE, "uid_b"),
        ],
        [UnmanagedTool("billing", "uid_b", "hand", 9, "dtmf")],
    )


@pytest.mark.parametrize(
    ("address", "pattern", "expected"),
    [
        ("support/send_sms", "support/*", True),
        ("support/send_sms", "*/send_*", True),
        ("support/end_call", "*/send_*", False),
        ("support/x", "*", False),  # a glob never crosses the slash
        ("Support/x", "support/x", False),  # names are case-sensitive
    ],
)
def test_each_side_is_matched_on_its_own(address: str, pattern: str, expected: bool) -> None:
    assert matches(address, pattern) is expected


def test_a_partial_plan_keeps_its_scope_and_counts_what_it_leaves_out() -> None:
    partial = scope_plan(plan(), ["support/*"], ["support/c"])
    assert [c.address for c in partial.changes] == ["support/a", "support/b"]
    assert partial.unmanaged == []
    assert partial.scope is not None
    assert partial.scope.left_out == ("billing/x",)  # a no-op left out is no change
    assert partial.scope.kept_agents == ("uid_a", "uid_b")
    assert scope_note(partial) == (
        "Partial plan: 1 change outside --target support/* --exclude support/c "
        "is not included: billing/x."
    )


def test_no_address_is_the_whole_plan() -> None:
    whole = plan()
    assert scope_plan(whole, [], []) is whole
    assert scope_note(whole) is None


def test_deleting_in_scope_does_not_empty_an_agent_that_keeps_tools_outside() -> None:
    whole = Plan("dev", {}, [change("support/b", DELETE), change("support/c", UPDATE)])
    assert emptied_agents(whole) == []
    partial = scope_plan(whole, ["support/b"], [])
    assert emptied_agents(partial) == []
    only_deletes = Plan("dev", {}, [change("support/b", DELETE), change("support/d", DELETE)])
    assert emptied_agents(scope_plan(only_deletes, ["support/b"], [])) == []
    assert emptied_agents(scope_plan(only_deletes, ["support/*"], [])) == ["uid_a"]


def test_every_address_that_matches_nothing_is_named() -> None:
    with pytest.raises(DiagnosticError) as raised:
        scope_plan(plan(), ["support/zzz", "billing/hand"], ["other/*"])
    found = raised.value.diagnostics
    assert [(d.code, d.file) for d in found] == [("A913", "--target"), ("A913", "--exclude")]
    assert found[0].message == (
        "'support/zzz' matches no tool of the plan (its agents: billing, support)"
    )
    assert found[1].message.startswith("'other/*' matches no tool")


def saved(value: Plan) -> Any:
    return parse_plan_bytes(dumps_plan(value).encode())


def test_the_scope_survives_the_saved_plan() -> None:
    partial = scope_plan(plan(), ["support/*"], ["support/c"])
    data = saved(partial)
    assert data["scope"] == {
        "targets": ["support/*"],
        "excludes": ["support/c"],
        "left_out": 1,
        "left_out_addresses": ["billing/x"],
        "kept_agents": ["uid_a", "uid_b"],
    }
    assert plan_from_json(data).scope == partial.scope


def test_a_plan_without_scope_reads_as_a_whole_plan() -> None:
    data = saved(plan())
    assert "scope" not in data  # as every older plan
    assert plan_from_json(data).scope is None


@pytest.mark.parametrize(
    "scope",
    [
        "support/*",
        {"targets": "support/*"},
        {"targets": [1]},
        {"left_out": "3"},
        {"targets": [], "surprise": True},
        {"kept_agents": ["x" * 1001]},
    ],
)
def test_a_forged_scope_is_refused(scope: Any) -> None:
    data = saved(plan())
    data["scope"] = scope
    with pytest.raises(PlanFormatError, match="not a valid plan: scope"):
        plan_from_json(data)
