"""Changes the plan must see however small, and spellings it must not take for changes.

Each case is a desired payload against a live one through ``build_plan`` (canonical forms,
as compile and the live read make them): a list that grew at its end, a value whose type
alone changed, a key added at the end of a mapping, a reordered ``type`` union. The fast
identical-payload check in ``compiler.plan.diff`` decides most of these before deepdiff
runs, so a slip in it (a length check, a type check) shows up here.
"""

from __future__ import annotations

from typing import Any

import pytest

from compiler.canonical import canonical_tool
from compiler.model import CompiledTool
from compiler.plan.build import build_plan
from compiler.plan.diff import changed_paths
from compiler.plan.live import LiveState, index_by_name
from compiler.plan.model import NO_OP, REPLACE, UPDATE, Change, FieldPath

UID = "uid_support"


def function_tool(**parameters: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"p": {"type": "string"}, "q": {"type": "string"}},
        "required": ["p"],
    }
    schema.update(parameters)
    return {"type": "function", "name": "lookup", "description": "Looks up.", "parameters": schema}


def planned(desired: dict[str, Any], live: dict[str, Any], *, prune: bool = False) -> Change:
    compiled = CompiledTool("support", UID, desired["name"], canonical_tool(desired))
    tools, problems = index_by_name(UID, [{"id": 4, **live}])
    assert problems == []
    plan = build_plan(
        {compiled.address: compiled},
        LiveState(tools={UID: tools}),
        environment="dev",
        target={"platform": "local"},
        agents={"support": UID},
        prune=prune,
    )
    assert len(plan.changes) == 1 and plan.unmanaged == []
    return plan.changes[0]


def test_a_required_list_that_grew_at_its_end_is_an_update() -> None:
    change = planned(function_tool(required=["p", "q"]), function_tool(required=["p"]))
    assert change.action == UPDATE
    assert change.changed_paths == [("parameters", "required")]
    assert change.tool_id == 4


def test_a_required_list_that_shrank_at_its_end_is_an_update() -> None:
    change = planned(function_tool(required=["p"]), function_tool(required=["p", "q"]))
    assert (change.action, change.changed_paths) == (UPDATE, [("parameters", "required")])


def test_an_enum_that_grew_at_its_end_is_an_update() -> None:
    grown = {"p": {"type": "string", "enum": ["a", "b", "c"]}}
    live = {"p": {"type": "string", "enum": ["a", "b"]}}
    change = planned(function_tool(properties=grown), function_tool(properties=live))
    assert change.changed_paths == [("parameters", "properties", "p", "enum")]


def test_a_property_added_after_the_others_is_an_update() -> None:
    more = {"p": {"type": "string"}, "q": {"type": "string"}, "r": {"type": "integer"}}
    change = planned(function_tool(properties=more), function_tool())
    assert (change.action, change.changed_paths) == (UPDATE, [("parameters", "properties", "r")])


@pytest.mark.parametrize(
    ("desired", "live"),
    [(1, 1.0), (1, True), (0, False), ("1", 1)],
    ids=["int-float", "int-bool", "zero-false", "str-int"],
)
def test_a_value_whose_type_alone_changed_is_an_update(desired: Any, live: Any) -> None:
    change = planned(
        {
            "type": "api_request",
            "name": "lookup",
            "url": "https://x.example",
            "api_timeout": desired,
        },
        {"type": "api_request", "name": "lookup", "url": "https://x.example", "api_timeout": live},
    )
    assert (change.action, change.changed_paths) == (UPDATE, [("api_timeout",)])


def test_an_identical_live_tool_is_no_change() -> None:
    change = planned(function_tool(required=["q", "p"]), function_tool(required=["p", "q"]))
    assert (change.action, change.changed_paths) == (NO_OP, [])
    assert change.before == change.after


@pytest.mark.parametrize(
    ("declared", "live"),
    [(["string", "null"], ["null", "string"]), (["null", "string"], ["string", "null"])],
)
def test_a_reordered_type_union_is_no_change(declared: list[str], live: list[str]) -> None:
    # A union is a set: reordered, it must not be an update that apply makes and the next
    # plan proposes again.
    desired = function_tool(properties={"p": {"type": declared}, "q": {"type": "string"}})
    current = function_tool(properties={"p": {"type": live}, "q": {"type": "string"}})
    assert planned(desired, current).action == NO_OP
    assert changed_paths(canonical_tool(current), canonical_tool(desired)) == []


def test_a_type_union_that_gained_a_member_is_an_update() -> None:
    desired = function_tool(properties={"p": {"type": ["string", "null", "integer"]}})
    current = function_tool(properties={"p": {"type": ["null", "string"]}})
    change = planned(desired, current)
    assert (change.action, change.changed_paths) == (
        UPDATE,
        [("parameters", "properties", "p", "type")],
    )


def test_a_changed_tool_type_is_an_update_in_place() -> None:
    """``type`` is patchable: a type change is one PATCH that keeps the tool's id."""
    change = planned(
        {"type": "end_call", "name": "lookup"}, {"type": "transfer_call", "name": "lookup"}
    )
    assert change.action == UPDATE
    assert FieldPath(("type",)) in change.changed_paths


def test_a_type_change_that_leaves_an_unremovable_field_is_a_replace() -> None:
    """From api_request, ``url`` and ``api_timeout`` would stay: no PATCH removes them."""
    old = {"type": "api_request", "name": "lookup", "url": "https://x.example", "api_timeout": 5}
    change = planned({"type": "end_call", "name": "lookup"}, old)
    assert change.action == REPLACE


def test_changes_come_sorted_by_address_whatever_the_declaration_order() -> None:
    desired = {}
    for name in ("zulu", "alpha"):
        tool = CompiledTool("support", UID, name, canonical_tool({"type": "dtmf", "name": name}))
        desired[tool.address] = tool
    live, problems = index_by_name(UID, [{"id": 9, "type": "dtmf", "name": "mike"}])
    assert problems == []
    plan = build_plan(
        desired,
        LiveState(tools={UID: live}),
        environment="dev",
        target={"platform": "local"},
        agents={"support": UID},
        prune=True,
    )
    assert [(c.address, c.action) for c in plan.changes] == [
        ("support/alpha", "create"),
        ("support/mike", "delete"),
        ("support/zulu", "create"),
    ]
