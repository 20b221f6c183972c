"""The canonical form at its edges: what is dropped and what is kept (a ``null``, an
empty mapping, a falsy value), the exact key order, the method rule for each tool type,
schemas that are not objects, and the ``null`` finder and fingerprint that plan and apply
rely on."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.canonical import (
    DEFAULTS,
    FIELD_ORDER,
    canonical_tool,
    empty_parameters,
    find_null,
    fingerprint,
    normalize_placeholders,
)


def test_nulls_are_dropped_but_falsy_values_are_kept() -> None:
    tool = canonical_tool(
        {
            "type": "dtmf",
            "name": "d",
            "description": None,
            "speak_during_execution": False,
            "api_timeout": 0,
            "url": "",
        }
    )
    assert tool["description"] == ""  # a null is a missing field: the default fills it
    assert tool["speak_during_execution"] is False
    assert (tool["api_timeout"], tool["url"]) == (0, "")


def test_defaults_never_override_a_value_that_is_set() -> None:
    set_values = {"description": "d", "speak_during_execution": False}
    set_values |= {"speak_after_execution": False, "async": True}
    tool = canonical_tool({"type": "dtmf", "name": "d", **set_values})
    assert {key: tool[key] for key in DEFAULTS} == set_values


def test_the_key_order_is_fixed_then_unknown_fields_sorted() -> None:
    payload: dict[str, Any] = {
        "zeta": 1,
        "async": True,
        "agent_uid": "u",
        "static_params": {"a": "b"},
        "parameters": {"type": "object", "properties": {}, "required": []},
        "use_raw_schema": False,
        "api_timeout": 5,
        "method": "POST",
        "url": "https://x",
        "description": "d",
        "name": "n",
        "type": "api_request",
        "speak_after_execution": True,
        "speak_during_execution": True,
        "id": 3,
        "updated_at": "t",
    }
    assert list(canonical_tool(payload)) == [*FIELD_ORDER, "agent_uid", "zeta"]


@pytest.mark.parametrize(
    ("tool_type", "method", "expected"),
    [
        ("api_request", "POST", "post"),
        ("api_request", None, "get"),
        ("api_request", 5, 5),  # kept as it is, for the diff to show
        ("function", "POST", "POST"),  # only api_request has a method to normalise
    ],
)
def test_the_method_rule(tool_type: str, method: Any, expected: Any) -> None:
    tool = canonical_tool({"type": tool_type, "name": "n", "method": method})
    assert tool["method"] == expected


def test_a_function_without_a_method_has_none() -> None:
    assert "method" not in canonical_tool({"type": "function", "name": "n"})


@pytest.mark.parametrize("parameters", [None, {}])
def test_missing_or_empty_parameters_are_the_empty_object_schema(parameters: Any) -> None:
    tool = canonical_tool({"type": "dtmf", "name": "n", "parameters": parameters})
    assert (
        tool["parameters"]
        == empty_parameters()
        == {
            "type": "object",
            "properties": {},
            "required": [],
        }
    )


def test_a_schema_that_is_not_an_object_gets_no_properties() -> None:
    schema = {"type": "string", "required": ["b", "a"]}
    tool = canonical_tool({"type": "function", "name": "n", "parameters": schema})
    assert tool["parameters"] == {"type": "string", "required": ["a", "b"]}
    odd = canonical_tool({"type": "function", "name": "n", "parameters": ["x"]})
    assert odd["parameters"] == ["x"]


def test_a_required_list_with_a_non_name_is_kept_in_order() -> None:
    schema = {"type": "object", "properties": {}, "required": ["b", 1, "a"]}
    tool = canonical_tool({"type": "function", "name": "n", "parameters": schema})
    assert tool["parameters"]["required"] == ["b", 1, "a"]


def test_required_lists_inside_lists_are_sorted() -> None:
    schema = {"type": "object", "anyOf": [{"required": ["b", "a"]}], "required": []}
    tool = canonical_tool({"type": "function", "name": "n", "parameters": schema})
    assert tool["parameters"]["anyOf"] == [{"required": ["a", "b"]}]


@pytest.mark.parametrize("static_params", [{}, None])
def test_empty_static_params_are_dropped(static_params: Any) -> None:
    tool = canonical_tool({"type": "end_call", "name": "n", "static_params": static_params})
    assert "static_params" not in tool


def test_static_params_that_are_not_a_mapping_are_kept() -> None:
    tool = canonical_tool({"type": "end_call", "name": "n", "static_params": ["x"]})
    assert tool["static_params"] == ["x"]


def test_only_send_sms_gets_a_static_message_type() -> None:
    sms = canonical_tool({"type": "send_sms", "name": "n", "static_params": {"message": "m"}})
    assert sms["static_params"] == {"message": "m", "type": "static"}
    dynamic = {"message": "m", "type": "dynamic"}
    kept = canonical_tool({"type": "send_sms", "name": "n", "static_params": dynamic})
    assert kept["static_params"]["type"] == "dynamic"
    other = canonical_tool({"type": "end_call", "name": "n", "static_params": {"message": "m"}})
    assert other["static_params"] == {"message": "m"}


def test_placeholders_are_normalised_at_every_depth_and_nothing_else_is() -> None:
    params = {"message": "{{ a }}", "headers": {"x": ["{{ b }}", 3, None]}, "n": 2}
    tool = canonical_tool({"type": "api_request", "name": "n", "static_params": params})
    assert tool["static_params"] == {
        "message": "{{a}}",
        "headers": {"x": ["{{b}}", 3, None]},
        "n": 2,
    }
    assert normalize_placeholders("{ {a} } {{}} {{ a b }}") == "{ {a} } {{}} {{a b}}"


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (None, "body"),
        ({"a": 1, "b": [1, {"c": None}]}, "b.1.c"),
        ({"a": {"b": None}, "c": None}, "a.b"),
        ([0, None], "1"),
        ({"a": [1, 2], "b": "x"}, None),
        ("text", None),
        ({}, None),
    ],
)
def test_find_null_names_the_first_null(value: Any, path: str | None) -> None:
    assert find_null(value) == path


def test_fingerprint_ignores_key_order_and_sees_everything_else() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
    assert fingerprint([1, 2]) != fingerprint([2, 1])
    assert fingerprint({"a": "é"}).startswith("sha256:") and len(fingerprint({})) == 7 + 64
    # Fixed, so a saved plan's fingerprints stay comparable across versions.
    expected = "sha256:015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
    assert fingerprint({"a": 1}) == expected
    # Text is hashed as UTF-8, not as JSON escapes: "é" is not "\\u00e9".
    expected = "sha256:b3a092a6af48807fa9482b2ee140105575daa26d5b24b3c0e60a7e2dee6683b1"
    assert fingerprint({"a": "é"}) == expected
