"""Field diffs at their edges: which lists are sets, where a change inside a list is
reported, fields on one side only, the order of paths, and the live fields set aside."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from compiler.plan.diff import (
    FieldChange,
    changed_paths,
    field_changes,
    split_ignored,
    top_level_fields,
    top_level_paths,
    value_at,
)
from compiler.plan.model import MISSING


def schema(**properties: Any) -> dict[str, Any]:
    return {"type": "function", "parameters": {"type": "object", "properties": properties}}


def test_an_enum_is_ordered_and_a_type_union_is_not() -> None:
    before = schema(p={"type": ["string", "null"], "enum": ["a", "b"]})
    reordered_union = schema(p={"type": ["null", "string"], "enum": ["a", "b"]})
    reordered_enum = schema(p={"type": ["string", "null"], "enum": ["b", "a"]})
    assert changed_paths(before, reordered_union) == []
    assert changed_paths(before, reordered_enum) == [("parameters", "properties", "p", "enum")]


def test_a_change_deep_inside_a_list_is_reported_at_the_list() -> None:
    before = {"parameters": {"anyOf": [{"type": "object", "properties": {"a": {"x": 1}}}]}}
    after = {"parameters": {"anyOf": [{"type": "object", "properties": {"a": {"x": 2}}}]}}
    (change,) = field_changes(before, after)
    assert change.path == ("parameters", "anyOf")
    assert (change.before, change.after) == (
        before["parameters"]["anyOf"],
        after["parameters"]["anyOf"],
    )
    assert change.kind == "changed"


def test_one_sided_fields_are_added_or_removed_with_their_whole_value() -> None:
    before = schema(p={"type": "string"})
    after = schema(p={"type": "string"}, q={"type": "integer", "minimum": 1})
    (added,) = field_changes(before, after)
    assert (added.path, added.kind, added.before) == (
        ("parameters", "properties", "q"),
        "added",
        MISSING,
    )
    assert added.after == {"type": "integer", "minimum": 1}
    (removed,) = field_changes(after, before)
    assert (removed.kind, removed.after, removed.before) == ("removed", MISSING, added.after)


def test_a_mapping_replacing_a_value_is_one_change_at_its_path() -> None:
    before = {"static_params": "text"}
    after = {"static_params": {"message": "m"}}
    assert changed_paths(before, after) == [("static_params",)]
    assert changed_paths({"static_params": {}}, after) == [("static_params", "message")]


def test_paths_come_in_canonical_field_order_then_unknown_fields() -> None:
    before = {"zeta": 1, "static_params": {"b": 1, "a": 1}, "name": "x", "alpha": 1}
    after = {"zeta": 2, "static_params": {"b": 2, "a": 2}, "name": "y", "alpha": 2}
    assert changed_paths(before, after) == [
        ("name",),
        ("static_params", "a"),
        ("static_params", "b"),
        ("alpha",),
        ("zeta",),
    ]


def test_split_ignored_sets_aside_only_unmanaged_fields_the_file_does_not_set() -> None:
    live = {"name": "n", "description": "d", "agent_uid": "u", "is_active": True}
    compared, ignored = split_ignored(live, {"name": "n", "is_active": False})
    assert compared == {"name": "n", "description": "d", "is_active": True}
    assert ignored == {"agent_uid": "u"}


def test_value_at_stops_at_anything_that_is_not_a_mapping() -> None:
    payload = {"a": {"b": [1, 2], "c": None}}
    assert value_at(payload, ("a", "b")) == [1, 2]
    assert value_at(payload, ("a", "c")) is None
    assert value_at(payload, ("a", "b", "0")) is MISSING
    assert value_at(payload, ("a", "x")) is MISSING
    assert value_at(payload, ()) == payload


def test_top_level_paths_and_fields() -> None:
    assert top_level_paths({"type": "dtmf", "name": "n"}) == [("type",), ("name",)]
    paths = [("static_params", "b"), ("name",), ("static_params", "a")]
    assert top_level_fields(paths) == ["static_params", "name"]


def test_a_field_change_is_a_value_that_cannot_be_altered() -> None:
    (change,) = field_changes({"name": "a"}, {"name": "b"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.after = "c"  # type: ignore[misc]
    assert {change} == {FieldChange(("name",), "a", "b")}
