"""Each normalisation of ``canonical_tool`` that keeps plans from proposing an update
forever (live and compiled spell one tool two ways) pinned by a test that fails when
that normalisation is removed (each was removable unnoticed). The last test:
a malformed live tool never makes canonical_tool raise (plan would crash on it)."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.canonical import canonical_tool


def test_empty_static_params_are_dropped() -> None:
    """The platform answers ``static_params: {}`` (or null) for a tool created without."""
    bare = canonical_tool({"type": "end_call", "name": "bye"})
    assert "static_params" not in bare
    assert canonical_tool({"type": "end_call", "name": "bye", "static_params": {}}) == bare
    assert canonical_tool({"type": "end_call", "name": "bye", "static_params": None}) == bare


def test_an_object_schema_gets_properties_and_required() -> None:
    """``{type: object}`` and ``{type: object, properties: {}, required: []}`` are one schema."""
    full = {"type": "object", "properties": {}, "required": []}
    for spelling in ({"type": "object"}, {"type": "object", "required": []}, {}, None):
        tool = canonical_tool({"type": "function", "name": "f", "parameters": spelling})
        assert tool["parameters"] == full, spelling
    nested = {"type": "object", "properties": {"a": {"type": "string"}}}
    assert canonical_tool({"type": "function", "name": "f", "parameters": nested})[
        "parameters"
    ] == {**nested, "required": []}


def test_placeholders_inside_lists_are_normalised() -> None:
    """``{{ x }}`` inside a list in static_params is ``{{x}}`` (the platform trims)."""
    spaced = {"type": "api_request", "name": "r", "static_params": {"to": ["{{ a }}", "b"]}}
    tight = {"type": "api_request", "name": "r", "static_params": {"to": ["{{a}}", "b"]}}
    assert canonical_tool(spaced) == canonical_tool(tight)
    deep = {"type": "api_request", "name": "r", "static_params": {"x": [{"y": ["{{  z }}"]}]}}
    assert canonical_tool(deep)["static_params"] == {"x": [{"y": ["{{z}}"]}]}


def test_required_lists_are_sorted_at_every_depth() -> None:
    a = {"type": "object", "properties": {"p": {"type": "object", "required": ["b", "a"]}}}
    b = {"type": "object", "properties": {"p": {"type": "object", "required": ["a", "b"]}}}
    tool_a = canonical_tool({"type": "function", "name": "f", "parameters": a})
    assert tool_a == canonical_tool({"type": "function", "name": "f", "parameters": b})


@pytest.mark.parametrize(
    "field",
    [
        {"static_params": "not a mapping"},
        {"static_params": ["a", "b"]},
        {"static_params": 7},
        {"parameters": "nope"},
        {"parameters": [1, 2]},
        {"parameters": {"type": "object", "properties": "x", "required": "y"}},
        {"method": 5, "type": "api_request"},
        {"type": ["odd"]},
    ],
)
def test_a_malformed_live_tool_never_raises(field: dict[str, Any]) -> None:
    live = {"id": 1, "type": "send_sms", "name": "odd", **field}
    tool = canonical_tool(live)
    for key, value in field.items():
        if key not in ("parameters", "method", "type"):
            assert tool[key] == value  # kept as it is, for the diff to show
