"""Three-way classification of fields present on one side only (a parameter added or
removed in the branch, live or at the base), the notes people read, and the CI
annotations (L831/L832) made from the classes. Hand-made plans on plain values."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from compiler.diagnostics import Location
from compiler.plan.model import MISSING, REPLACE, Plan
from compiler.plan.threeway import (
    CHANGE,
    CONFLICT,
    DRIFT,
    ThreeWay,
    classify,
    location_of,
    three_way_warnings,
)
from tests.plan.test_threeway import UID, change, plan_of, sms, with_message

EXTRA = ("parameters", "properties", "extra")


def with_extra(tool: dict[str, Any], description: str = "More.") -> dict[str, Any]:
    out = copy.deepcopy(tool)
    out["parameters"]["properties"]["extra"] = {"type": "string", "description": description}
    return out


def one_field(
    live: dict[str, Any],
    branch: dict[str, Any],
    base: dict[str, Any],
    path: tuple[str, ...] = EXTRA,
) -> Any:
    (tool,) = classify(plan_of(change(live, branch)), {(UID, "confirm"): base})
    (field,) = tool.fields
    assert field.path == path
    return tool, field


def test_a_parameter_added_in_the_branch_is_a_change() -> None:
    tool, field = one_field(live=sms(), branch=with_extra(sms()), base=sms())
    assert (tool.kind, field.kind) == (CHANGE, CHANGE)
    assert field.base is MISSING and field.live is MISSING
    assert field.branch == {"type": "string", "description": "More."}
    assert tool.note == "edited in this branch"


def test_a_parameter_added_live_is_drift() -> None:
    tool, field = one_field(live=with_extra(sms()), branch=sms(), base=sms())
    assert (tool.kind, field.kind) == (DRIFT, DRIFT)
    assert field.base is MISSING and field.branch is MISSING
    assert tool.note == "edited outside git since the base: applying reverts it"


def test_a_parameter_added_both_here_and_live_differently_is_a_conflict() -> None:
    tool, field = one_field(
        live=with_extra(sms(), "Live."),
        branch=with_extra(sms(), "Branch."),
        base=sms(),
        path=(*EXTRA, "description"),
    )
    assert (tool.kind, field.kind) == (CONFLICT, CONFLICT)
    assert (field.base, field.branch, field.live) == (MISSING, "Branch.", "Live.")
    assert tool.note == "edited in this branch and outside git"


def test_a_parameter_removed_in_the_branch_is_a_change() -> None:
    tool, field = one_field(live=with_extra(sms()), branch=sms(), base=with_extra(sms()))
    assert (tool.kind, field.kind) == (CHANGE, CHANGE)
    assert field.branch is MISSING and field.live == field.base


def test_a_parameter_removed_live_is_drift() -> None:
    tool, field = one_field(live=sms(), branch=with_extra(sms()), base=with_extra(sms()))
    assert (tool.kind, field.kind) == (DRIFT, DRIFT)
    assert field.live is MISSING


def test_a_parameter_removed_here_and_edited_live_is_a_conflict() -> None:
    tool, field = one_field(
        live=with_extra(sms(), "Edited live."), branch=sms(), base=with_extra(sms())
    )
    assert (tool.kind, field.kind) == (CONFLICT, CONFLICT)
    assert field.branch is MISSING and field.base != field.live


def test_a_change_and_a_drift_in_one_tool_say_so() -> None:
    branch = with_extra(sms(), "Branch.")
    live = sms(description="Edited live.")
    (tool,) = classify(plan_of(change(live, branch)), {(UID, "confirm"): sms()})
    assert {f.path: f.kind for f in tool.fields} == {("description",): DRIFT, EXTRA: CHANGE}
    assert tool.kind == DRIFT  # the worse of the two
    assert tool.note == "edited in this branch and, in other fields, outside git"


def test_a_replace_with_no_field_listed_is_the_branch_doing() -> None:
    replace = change(sms(), sms())
    replace.action, replace.changed_paths = REPLACE, []
    (tool,) = classify(plan_of(replace), {(UID, "confirm"): sms()})
    assert (tool.kind, tool.fields, tool.note) == (CHANGE, (), "edited in this branch")


def test_a_tool_created_both_here_and_live_has_one_conflict_per_field_and_no_base() -> None:
    branch = with_message("Branch: {{ref}}", description="Branch.")
    (tool,) = classify(plan_of(change(with_message("Live: {{ref}}"), branch)), {})
    assert [(f.path, f.kind, f.base) for f in tool.fields] == [
        (("description",), CONFLICT, MISSING),
        (("static_params", "message"), CONFLICT, MISSING),
    ]
    assert tool.note == "created in this branch and outside git, differently"


# ---------------------------------------------------------------- annotations


def classified(plan: Plan, base: dict[tuple[str, str], dict[str, Any]]) -> Plan:
    plan.three_way = ThreeWay("origin/main", "a" * 40, classify(plan, base))
    return plan


def test_conflicts_and_drift_are_annotated_at_the_action_file_and_changes_are_not() -> None:
    conflict = change(with_message("y", name="a"), with_message("z", name="a"), "a")
    conflict.source = "actions/a.yaml:3:5"
    drift = change(with_message("x", name="b"), sms(name="b"), "b")
    drift.source = "actions/b.yaml"
    own = change(None, sms(name="c"), "c")
    own.source = "actions/c.yaml:1:1"
    base = {(UID, "a"): sms(name="a"), (UID, "b"): sms(name="b")}
    warnings = three_way_warnings(classified(plan_of(conflict, drift, own), base))
    assert [(w.code, w.location) for w in warnings] == [
        ("L831", Location("actions/a.yaml", 3, 5)),
        ("L832", Location("actions/b.yaml")),
    ]
    assert warnings[0].message == (
        "conflict against origin/main: support/a: edited in this branch and outside git "
        "(static_params.message)"
    )
    assert warnings[1].message.startswith("drift against origin/main: support/b: edited outside")
    assert all(w.severity == "warning" for w in warnings)


def test_an_annotation_names_only_the_fields_of_the_tool_class() -> None:
    branch = with_extra(with_message("Branch: {{ref}}"))
    live = with_message("Live: {{ref}}", description="Edited live.")
    plan = classified(plan_of(change(live, branch)), {(UID, "confirm"): sms()})
    (warning,) = three_way_warnings(plan)
    assert warning.code == "L831"
    assert warning.message.endswith("(static_params.message)")
    assert warning.location == Location("actionctl.yaml")  # no source recorded


def test_a_tool_class_without_fields_is_annotated_without_a_list() -> None:
    plan = classified(plan_of(change(sms(), None)), {})
    (warning,) = three_way_warnings(plan)
    assert warning.code == "L832"
    assert warning.message.endswith("created outside git: the prune deletes it")


def test_a_plan_without_a_base_has_no_annotations() -> None:
    assert three_way_warnings(plan_of(change(with_message("x"), sms()))) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (None, Location("actionctl.yaml")),
        ("", Location("actionctl.yaml")),
        ("actions/x.yaml:12:3", Location("actions/x.yaml", 12, 3)),
        ("actions/x.yaml", Location("actions/x.yaml")),
        ("actions/x.yaml:12", Location("actions/x.yaml:12")),
        ("actions/a:b.yaml:12:3", Location("actions/a:b.yaml", 12, 3)),  # a colon in a name
        ("c:/x.yaml:a:3", Location("c:/x.yaml:a:3")),
        ("c:/x.yaml:3:b", Location("c:/x.yaml:3:b")),
    ],
)
def test_a_recorded_source_becomes_a_location(source: str | None, expected: Location) -> None:
    assert location_of(source) == expected
