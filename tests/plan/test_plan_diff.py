from __future__ import annotations

from compiler.canonical import canonical_tool
from compiler.plan.diff import changed_paths, field_changes, top_level_fields
from compiler.plan.model import MISSING, FieldPath


def sms(**overrides: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "type": "send_sms",
        "name": "notify",
        "parameters": {
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        },
        "static_params": {"type": "static", "message": "Hi {{a}}"},
    }
    payload.update(overrides)
    return canonical_tool(payload)


def test_equal_payloads_have_no_changed_paths() -> None:
    assert changed_paths(sms(), sms()) == []


def test_a_change_of_type_alone_is_a_change() -> None:
    # Identical payloads skip deepdiff; equal-but-retyped values must not count as identical.
    assert changed_paths({"a": {"b": 1}}, {"a": {"b": 1.0}}) == [("a", "b")]
    assert changed_paths({"a": 1}, {"a": True}) == [("a",)]


def test_nested_change_is_reported_at_the_leaf() -> None:
    after = sms(static_params={"type": "static", "message": "Hello {{a}}"})
    assert changed_paths(sms(), after) == [("static_params", "message")]


def test_required_is_compared_as_a_set() -> None:
    before = {"parameters": {"required": ["a", "b"]}}
    after = {"parameters": {"required": ["b", "a"]}}
    assert changed_paths(before, after) == []
    grown = {"parameters": {"required": ["b", "a", "c"]}}
    assert changed_paths(before, grown) == [("parameters", "required")]


def test_properties_match_by_name_not_position() -> None:
    reordered = sms(
        parameters={
            "type": "object",
            "properties": {"b": {"type": "integer"}, "a": {"type": "string"}},
            "required": ["b", "a"],
        }
    )
    assert changed_paths(sms(), reordered) == []
    described = sms(
        parameters={
            "type": "object",
            "properties": {"a": {"type": "string", "description": "A"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        }
    )
    assert changed_paths(sms(), described) == [("parameters", "properties", "a", "description")]


def test_ordered_lists_report_the_list_not_an_index() -> None:
    before = {"parameters": {"properties": {"x": {"enum": ["a", "b"]}}}}
    after = {"parameters": {"properties": {"x": {"enum": ["b", "a"]}}}}
    assert changed_paths(before, after) == [("parameters", "properties", "x", "enum")]


def test_added_and_removed_fields_carry_missing_on_one_side() -> None:
    before = sms(static_params={"type": "static", "message": "m", "to_number": "+15550001111"})
    after = sms(static_params={"type": "static", "message": "m"}, api_timeout=3000)
    changes = {c.path: c for c in field_changes(before, after)}
    assert changes[("static_params", "to_number")].after is MISSING
    assert changes[("static_params", "to_number")].kind == "removed"
    assert changes[("api_timeout",)].before is MISSING
    assert changes[("api_timeout",)].kind == "added"


def test_placeholder_spacing_is_not_a_change_after_canonicalisation() -> None:
    spaced = sms(static_params={"type": "static", "message": "Hi {{ a }}"})
    assert changed_paths(sms(), spaced) == []


def test_paths_follow_the_canonical_field_order() -> None:
    after = sms(description="new", speak_after_execution=False, static_params={"message": "x"})
    assert changed_paths(sms(), after) == [
        ("description",),
        ("static_params", "message"),
        ("speak_after_execution",),
    ]


def test_top_level_fields_deduplicates_in_order() -> None:
    paths = [
        FieldPath(("static_params", "message")),
        FieldPath(("parameters", "required")),
        FieldPath(("static_params", "to_number")),
    ]
    assert top_level_fields(paths) == ["static_params", "parameters"]


# Property: with no set-like keys involved, "no changed paths" means "equal", and every
# reported path exists on at least one side.
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_keys = st.sampled_from(["description", "static_params", "message", "a", "b"])
_json = st.recursive(
    st.none() | st.booleans() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=8,
)
_payloads = st.dictionaries(_keys, _json, max_size=4)


@given(_payloads, _payloads)
def test_no_paths_exactly_when_equal(before: dict[str, object], after: dict[str, object]) -> None:
    changes = field_changes(before, after)
    assert (changes == []) == (before == after)
    for change in changes:
        assert change.before is not MISSING or change.after is not MISSING
        assert change.before != change.after
