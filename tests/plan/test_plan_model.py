from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.plan.file import (
    FORMAT_VERSION,
    PlanFormatError,
    dumps_plan,
    load_plan,
    plan_from_json,
    plan_to_json,
    save_plan,
)
from compiler.plan.model import Plan


def test_json_round_trip(plan: Plan) -> None:
    data = json.loads(dumps_plan(plan))
    assert data["format_version"] == FORMAT_VERSION
    assert data["summary"] == {"create": 1, "update": 1, "replace": 1, "delete": 1, "no_op": 1}
    again = plan_from_json(data)
    assert again == plan


def test_every_change_has_the_spec_fields(plan: Plan) -> None:
    required = {
        "address", "agent", "agent_uid", "name", "action", "tool_id",
        "before", "after", "changed_paths", "live_fingerprint",
    }  # fmt: skip
    for change in plan_to_json(plan)["changes"]:
        assert required <= set(change)


def test_save_is_atomic_and_leaves_no_temp_files(plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "plans" / "plan.json"
    save_plan(plan, out)
    save_plan(plan, out)
    assert load_plan(out) == plan
    assert [p.name for p in out.parent.iterdir()] == ["plan.json"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "invalid JSON at line 1"),
        ("[]", "must hold a JSON object"),
        ('{"format_version": 2}', "unsupported plan format_version 2"),
        ('{"format_version": 1, "target": {}, "changes": []}', "missing 'environment'"),
        ('{"format_version": 1, "environment": "dev", "target": {}, "changes": [{}]}',
         "changes[0] is missing 'action'"),
    ],
)  # fmt: skip
def test_bad_plan_files_are_refused_with_a_reason(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(text)
    with pytest.raises(PlanFormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_plan(path)


def test_update_without_fingerprint_is_refused(plan: Plan) -> None:
    data = plan_to_json(plan)
    update = next(c for c in data["changes"] if c["action"] == "update")
    update["live_fingerprint"] = None
    with pytest.raises(PlanFormatError, match="needs tool_id and live_fingerprint"):
        plan_from_json(data)


def test_bool_is_not_a_tool_id(plan: Plan) -> None:
    data = plan_to_json(plan)
    data["changes"][0]["tool_id"] = True
    with pytest.raises(PlanFormatError, match="wrong type"):
        plan_from_json(data)


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFormatError, match="cannot read plan file"):
        load_plan(tmp_path / "absent.json")


def test_non_utf8_file_is_a_format_error(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xff\xfe" + dumps_plan(plan).encode("utf-16-le"))
    with pytest.raises(PlanFormatError, match="not UTF-8"):
        load_plan(path)


THREE_WAY_EDITS = {
    "unknown-class": (("tools", 0, "class"), "merged", "no valid class"),
    "unknown-key": (("tools", 0, "run"), "rm -rf /", "unknown key 'run'"),
    "field-unknown-class": (("tools", 0, "fields", 0, "class"), None, "no valid class"),
    "base-not-object": (("base",), "main", "base has the wrong type"),
    "note-not-string": (("tools", 0, "note"), 7, "note has the wrong type"),
    "notes-not-list": (("notes",), "moved", "notes has the wrong type"),
    "base-note-unknown-key": (("notes", 0, "run"), "rm -rf /", "unknown key 'run'"),
    "base-note-not-string": (("notes", 0, "message"), ["x"], "message has the wrong type"),
    "base-note-too-long": (("notes", 0, "message"), "x" * 2_001, "message is too long"),
}


@pytest.mark.parametrize("case", list(THREE_WAY_EDITS))
def test_the_plan_base_part_is_read_as_strictly_as_the_rest(plan: Plan, case: str) -> None:
    from compiler.diagnostics.codes import L835
    from compiler.plan.model import (
        CONFLICT,
        BaseNote,
        FieldClass,
        FieldPath,
        ThreeWay,
        ToolClass,
    )

    field = FieldClass(FieldPath(("description",)), CONFLICT, "a", "b", "c")
    tool = ToolClass("support/x", "uid", "x", "update", CONFLICT, "edited in both", (field,))
    moved = BaseNote(L835, "the project directory was at old/ in main: read from there")
    plan.three_way = ThreeWay("main", "0" * 40, [tool], (moved,))
    data = plan_to_json(plan)
    assert plan_from_json(data) == plan
    steps, value, message = THREE_WAY_EDITS[case]
    target = data["three_way"]
    for step in steps[:-1]:
        target = target[step]
    target[steps[-1]] = value
    with pytest.raises(PlanFormatError, match=message):
        plan_from_json(data)
