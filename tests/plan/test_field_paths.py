"""A field path is a sequence of keys: shown with dots, quoting a key that could be read
as more than one, and read back from a saved plan to the same keys."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compiler.canonical import canonical_tool
from compiler.plan.diff import changed_paths, top_level_fields
from compiler.plan.file import (
    PlanFormatError,
    dumps_plan,
    parse_field_path,
    plan_from_json,
    plan_to_json,
)
from compiler.plan.model import UPDATE, Change, FieldPath, Plan, ThreeWay
from compiler.plan.threeway import CHANGE, CONFLICT, DRIFT, classify

UID = "agent_dev_1"


@pytest.mark.parametrize(
    ("keys", "shown"),
    [
        (("static_params", "message"), "static_params.message"),
        (("parameters", "properties", "filter.status"), "parameters.properties.'filter.status'"),
        (("parameters", "properties", "it's"), "parameters.properties.'it''s'"),
        (("parameters", "properties", ""), "parameters.properties.''"),
        (("parameters", "properties", "two words"), "parameters.properties.'two words'"),
    ],
)
def test_a_key_that_could_read_as_more_is_quoted(keys: tuple[str, ...], shown: str) -> None:
    assert str(FieldPath(keys)) == shown
    assert parse_field_path(shown) == keys


@given(st.lists(st.text(max_size=6), min_size=1, max_size=5))
def test_every_path_reads_back_as_its_keys(keys: list[str]) -> None:
    assert parse_field_path(str(FieldPath(keys))) == tuple(keys)


def test_a_path_saved_before_keys_were_quoted_names_the_same_top_level_field() -> None:
    # Apply sends whole top-level fields, so an old plan's dotted key still patches right.
    old = parse_field_path("parameters.properties.filter.status.description")
    assert top_level_fields([old]) == ["parameters"]


@pytest.mark.parametrize("text", ["", "a..b", "a.", "'open", "'a'b", "a.'b'c"])
def test_what_is_not_a_path_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_field_path(text)


def lookup(status: str) -> dict[str, object]:
    return canonical_tool(
        {
            "type": "api_request",
            "name": "lookup",
            "url": "https://shop.example/orders",
            "parameters": {
                "type": "object",
                "properties": {"filter.status": {"type": "string", "description": status}},
            },
        }
    )


def test_the_diff_keeps_a_dotted_key_whole() -> None:
    (path,) = changed_paths(lookup("Open"), lookup("Closed"))
    assert path == ("parameters", "properties", "filter.status", "description")


def update(live: dict[str, object], branch: dict[str, object]) -> Plan:
    change = Change(
        "support/lookup", "support", UID, "lookup", UPDATE, tool_id=7, before=live,
        after=branch, changed_paths=changed_paths(live, branch), live_fingerprint="sha256:x",
    )  # fmt: skip
    return Plan("dev", {"platform": "local"}, [change])


@pytest.mark.parametrize(
    ("live", "branch", "kind"),
    [("Open", "Edited", CHANGE), ("Edited", "Open", DRIFT), ("Live", "Branch", CONFLICT)],
)
def test_a_dotted_key_is_classified_like_any_field(live: str, branch: str, kind: str) -> None:
    plan = update(lookup(live), lookup(branch))
    (tool,) = classify(plan, {(UID, "lookup"): lookup("Open")})
    assert [(f.path, f.kind) for f in tool.fields] == [
        (("parameters", "properties", "filter.status", "description"), kind)
    ]


def test_a_saved_plan_keeps_dotted_keys_in_changes_and_classes() -> None:
    plan = update(lookup("Live"), lookup("Branch"))
    plan.three_way = ThreeWay("main", "0" * 40, classify(plan, {(UID, "lookup"): lookup("Open")}))
    saved = json.loads(dumps_plan(plan))
    shown = "parameters.properties.'filter.status'.description"
    assert saved["changes"][0]["changed_paths"] == [shown]
    assert saved["three_way"]["tools"][0]["fields"][0]["path"] == shown
    assert plan_from_json(saved) == plan


@pytest.mark.parametrize(
    ("place", "where"),
    [("change", r"changes\[0\]\.changed_paths\[0\]"), ("class", r"fields\[0\]\.path")],
)
def test_a_broken_path_in_a_saved_plan_is_a_located_refusal(place: str, where: str) -> None:
    plan = update(lookup("Live"), lookup("Branch"))
    plan.three_way = ThreeWay("main", "0" * 40, classify(plan, {(UID, "lookup"): lookup("Open")}))
    data = plan_to_json(plan)
    if place == "change":
        data["changes"][0]["changed_paths"] = ["parameters.'filter.status"]
    else:
        data["three_way"]["tools"][0]["fields"][0]["path"] = "parameters..x"
    with pytest.raises(PlanFormatError, match=where + ".* is not a field path"):
        plan_from_json(data)
