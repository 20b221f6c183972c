"""Renames that keep the tool: an action whose ``renamed_from`` names a live tool of its
agent renames that tool in place (one PATCH, the same id), planned, saved, checked for
staleness and applied against the emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.apply.conftest import Site
from tests.apply.test_request_counts import LOCK_AGENT_GETS, apply_saved

SUPPORT = "agent_support_dev"
CALL_CONTROL = Path("actions") / "support" / "call_control.yaml"
OLD, NEW = "press_one_for_reception", "press_one_for_front_desk"


def rename(site: Site, *, declared: bool = True, description: str | None = None) -> None:
    """Rename the dtmf action OLD to NEW, saying so with ``renamed_from`` when declared."""
    path = site.root / CALL_CONTROL
    new = f"name: {NEW}\nrenamed_from: {OLD}" if declared else f"name: {NEW}"
    text = path.read_text().replace(f"name: {OLD}", new)
    if description is not None:
        text = text.replace("Presses 1 on the keypad to reach reception", description)
    path.write_text(text)


def rename_change(plan: dict[str, Any]) -> dict[str, Any]:
    (change,) = [c for c in plan["changes"] if c["action"] != "no-op"]
    return change


def test_a_declared_rename_keeps_the_tool_id_and_costs_one_write(
    applied: Site, tmp_path: Path
) -> None:
    old_id = applied.tool(OLD)["id"]
    rename(applied)
    text = applied.run("plan")
    assert text.exit_code == 0, text.output
    assert f"rename {OLD} → {NEW}, id {old_id}" in text.stdout
    assert "L805" not in text.stderr
    methods = apply_saved(applied, tmp_path)
    # The rename is one PATCH; the POST and DELETE are the apply's lock tool.
    assert methods == {"POST": 1, "GET": 1 + LOCK_AGENT_GETS, "PATCH": 1, "DELETE": 1}
    assert applied.tool(NEW)["id"] == old_id
    assert OLD not in [tool["name"] for tool in applied.tools()]
    # Applied: the live tool has the new name, so renamed_from matches nothing any more.
    assert applied.pending() == {}


def test_a_rename_sends_the_other_changed_fields_in_the_same_patch(
    applied: Site, tmp_path: Path
) -> None:
    old_id = applied.tool(OLD)["id"]
    rename(applied, description="Presses 1 on the keypad to reach the front desk")
    change = rename_change(applied.plan_json())
    assert (change["action"], change["renamed_from"], change["tool_id"]) == ("update", OLD, old_id)
    assert sorted(change["changed_paths"]) == ["description", "name"]
    assert change["before"]["name"] == OLD and change["after"]["name"] == NEW
    assert apply_saved(applied, tmp_path)["PATCH"] == 1
    tool = applied.tool(NEW)
    assert tool["id"] == old_id and "front desk" in tool["description"]


def test_a_pruning_plan_renames_rather_than_deleting_the_old_name(applied: Site) -> None:
    rename(applied)
    assert applied.pending("--prune") == {f"support/{NEW}": "update"}


def test_the_first_live_old_name_is_renamed(applied: Site) -> None:
    path = applied.root / CALL_CONTROL
    rename(applied)
    path.write_text(
        path.read_text().replace(f"renamed_from: {OLD}", f"renamed_from: [gone, {OLD}]")
    )
    change = rename_change(applied.plan_json("--prune"))
    assert (change["action"], change["renamed_from"]) == ("update", OLD)


def test_the_markdown_plan_shows_the_rename(applied: Site) -> None:
    rename(applied)
    result = applied.run("plan", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert f"rename `{OLD}` → `{NEW}`" in result.stdout


def test_a_saved_rename_round_trips_and_applies(applied: Site, tmp_path: Path) -> None:
    from compiler.plan.file import dumps_plan, load_plan

    rename(applied)
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    text = plan_file.read_text()
    plan = load_plan(plan_file)
    (change,) = [c for c in plan.changes if c.is_change]
    assert change.renamed_from == OLD
    assert dumps_plan(plan) == text
    result = applied.run("apply", plan_file)
    assert result.exit_code == 0, result.output
    assert applied.tool(NEW)["name"] == NEW


def test_a_saved_change_naming_another_tool_without_renamed_from_is_refused(
    applied: Site, tmp_path: Path
) -> None:
    rename(applied)
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    data = json.loads(plan_file.read_text())
    change = next(c for c in data["changes"] if c.get("renamed_from"))
    del change["renamed_from"]
    plan_file.write_text(json.dumps(data))
    result = applied.run("apply", plan_file)
    assert result.exit_code == 1
    assert "A901" in result.stderr and f"is not the change's name '{NEW}'" in result.stderr
    assert applied.tool(OLD)["name"] == OLD  # nothing written


def test_renamed_from_on_a_create_is_refused_in_a_saved_plan(applied: Site, tmp_path: Path) -> None:
    (applied.root / CALL_CONTROL).write_text(
        (applied.root / CALL_CONTROL).read_text()
        + "---\nkind: action\ntype: openmic.end_call\nagent: support\nname: brand_new\n"
    )
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    data = json.loads(plan_file.read_text())
    next(c for c in data["changes"] if c["action"] == "create")["renamed_from"] = OLD
    plan_file.write_text(json.dumps(data))
    result = applied.run("apply", plan_file)
    assert result.exit_code == 1
    assert "A901" in result.stderr and "only an update or replace renames" in result.stderr


def test_a_rename_is_stale_when_a_tool_took_the_new_name(applied: Site, tmp_path: Path) -> None:
    rename(applied)
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    body = {"type": "end_call", "name": NEW}
    taken = applied.rest("POST", f"/agents/{SUPPORT}/tools", body)
    result = applied.run("apply", plan_file)
    assert result.exit_code == 3, result.output
    assert f"a tool with the new name now exists (id {taken['id']})" in result.stderr
    assert applied.tool(OLD)["name"] == OLD  # nothing renamed


def test_an_undeclared_rename_is_pointed_out(applied: Site) -> None:
    rename(applied, declared=False)
    for prune in ((), ("--prune",)):
        result = applied.run("plan", *prune)
        assert result.exit_code == 0, result.output
        assert "L805" in result.stderr
        assert f"add `renamed_from: {OLD}` to keep the tool id" in result.stderr


def test_a_changed_tool_under_a_new_name_is_not_called_a_rename(applied: Site) -> None:
    rename(applied, declared=False, description="Something else entirely")
    result = applied.run("plan", "--prune")
    assert result.exit_code == 0, result.output
    assert "L805" not in result.stderr


def test_renamed_from_naming_a_declared_action_is_an_error(applied: Site) -> None:
    path = applied.root / CALL_CONTROL
    path.write_text(
        path.read_text()
        + f"---\nkind: action\ntype: openmic.end_call\nagent: support\nname: other\n"
        f"renamed_from: [old_other, {OLD}]\n"
    )
    result = applied.run("validate")
    assert result.exit_code == 1
    line = path.read_text().splitlines().index(f"renamed_from: [old_other, {OLD}]") + 1
    column = len("renamed_from: [old_other, ") + 1  # at the list item that names it
    (error,) = [out for out in result.output.splitlines() if " N317 " in out]
    assert error.startswith(f"{CALL_CONTROL}:{line}:{column}: error N317 renamed_from '{OLD}'")


def test_reverting_a_rename_renames_the_tool_back(applied: Site, tmp_path: Path) -> None:
    old_id = applied.tool(OLD)["id"]
    rename(applied)
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    assert applied.run("apply", plan_file).exit_code == 0
    applied.server.stats.reset()
    result = applied.run("apply", "--revert", plan_file, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert f"rename {NEW} → {OLD}, id {old_id}" in result.stdout
    assert applied.server.stats.snapshot()["methods"]["PATCH"] == 1
    assert applied.tool(OLD)["id"] == old_id
    assert NEW not in [tool["name"] for tool in applied.tools()]
