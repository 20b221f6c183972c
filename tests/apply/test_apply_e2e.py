"""plan -> apply -> plan against the emulator over real HTTP, and the local platform."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import TEST_API_KEY

EXAMPLE_TOOLS = 13


def names(site: Any, agent: str = "agent_support_dev") -> list[str]:
    return sorted(t["name"] for t in site.tools(agent))


def test_plan_apply_plan_converges(site: Any) -> None:
    first = site.run("plan", "--detailed-exitcode")
    assert first.exit_code == 2, first.output
    assert first.stdout.startswith(f"Plan: {EXAMPLE_TOOLS} to create, 0 to update")
    applied = site.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert f"[{EXAMPLE_TOOLS}/{EXAMPLE_TOOLS}] created " in applied.stderr
    assert "Apply complete" in applied.stdout
    again = site.run("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("No changes.")
    assert sum(len(tools) for tools in site.all_tools().values()) == EXAMPLE_TOOLS


def test_saved_plan_is_applied_exactly(site: Any, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    saved = json.loads(plan_file.read_text())
    assert saved["format_version"] == 1
    assert saved["target"] == {"platform": "openmic", "base_url": site.url, "api_prefix": "/h/v2"}
    result = site.run("apply", plan_file)
    assert result.exit_code == 0, result.output
    assert site.pending() == {}


def test_drift_becomes_an_update_with_the_right_paths(applied: Any) -> None:
    tool = applied.tool("send_booking_confirmation")
    drifted = {**tool["static_params"], "message": "Changed behind our back"}
    applied.rest(
        "PATCH",
        f"/agents/agent_support_dev/tools/{tool['id']}",
        {"static_params": drifted, "speak_after_execution": False},
    )
    plan = applied.plan_json()
    (change,) = [c for c in plan["changes"] if c["action"] != "no-op"]
    assert change["address"] == "support/send_booking_confirmation"
    assert change["action"] == "update"
    assert change["changed_paths"] == ["static_params.message", "speak_after_execution"]
    assert change["tool_id"] == tool["id"]
    result = applied.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "[1/1] updated support/send_booking_confirmation" in result.stderr
    assert applied.tool("send_booking_confirmation")["static_params"]["message"].startswith("Hi,")
    assert applied.pending() == {}


def test_changed_type_is_patched_in_place(applied: Any) -> None:
    end_call = applied.tool("end_call")
    applied.rest("DELETE", f"/agents/agent_support_dev/tools/{end_call['id']}")
    dtmf = applied.rest(
        "POST",
        "/agents/agent_support_dev/tools",
        {"type": "dtmf", "name": "end_call", "static_params": {"digits": "9"}},
    )
    assert applied.pending() == {"support/end_call": "update"}
    result = applied.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    after = applied.tool("end_call")
    assert after["type"] == "end_call" and after["id"] == dtmf["id"]  # the same tool
    assert applied.pending() == {}


def test_unmanaged_tool_is_listed_and_untouched(applied: Any) -> None:
    extra = applied.rest(
        "POST",
        "/agents/agent_support_dev/tools",
        {"type": "dtmf", "name": "hand_made", "static_params": {"digits": "2"}},
    )
    plan = applied.run("plan")
    assert "support/hand_made" in plan.stdout and "Unmanaged tools" in plan.stdout
    assert plan.stdout.startswith("No changes.")
    result = applied.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert applied.tool("hand_made") == extra


def test_prune_deletes_only_with_the_flag(applied: Any) -> None:
    applied.rest(
        "POST",
        "/agents/agent_support_dev/tools",
        {"type": "dtmf", "name": "stray", "static_params": {"digits": "3"}},
    )
    assert applied.pending() == {}
    assert applied.pending("--prune") == {"support/stray": "delete"}
    assert applied.run("apply", "--auto-approve").exit_code == 0
    assert "stray" in names(applied)
    result = applied.run("apply", "--prune", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "[1/1] deleted support/stray" in result.stderr
    assert "stray" not in names(applied)
    assert len(names(applied)) == 11


def test_prune_never_empties_an_agent_without_allow_empty(applied: Any) -> None:
    for path in (applied.root / "actions" / "billing").glob("*.yaml"):
        path.unlink()
    assert applied.pending("--prune") == {
        "billing/send_invoice_email": "delete",
        "billing/send_payment_link": "delete",
    }
    warned = applied.run("plan", "--prune")
    assert "L803" in warned.stderr and "agent_billing_dev" in warned.stderr
    refused = applied.run("apply", "--prune", "--auto-approve")
    assert refused.exit_code == 1
    assert "A905" in refused.stderr and "agent_billing_dev" in refused.stderr
    assert len(applied.tools("agent_billing_dev")) == 2
    allowed = applied.run("apply", "--prune", "--auto-approve", "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    assert applied.tools("agent_billing_dev") == []


def test_stale_plan_is_refused_and_nothing_changes(applied: Any, tmp_path: Path) -> None:
    tool = applied.tool("send_booking_confirmation")
    (applied.root / "actions" / "support" / "send_booking_confirmation.yaml").write_text(
        (applied.root / "actions/support/send_booking_confirmation.yaml")
        .read_text()
        .replace("Hi, your booking", "Hello, your booking")
    )
    for path in (applied.root / "actions" / "support").glob("lookup_booking.yaml"):
        path.write_text(path.read_text().replace("lookup_booking", "find_booking"))
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    applied.rest(
        "PATCH",
        f"/agents/agent_support_dev/tools/{tool['id']}",
        {"description": "someone else edited this"},
    )
    before = applied.all_tools()
    result = applied.run("apply", plan_file)
    assert result.exit_code == 3, result.output
    assert "support/send_booking_confirmation: tool id" in result.stderr
    assert "changed since planning" in result.stderr
    assert "actionctl plan" in result.stderr
    assert applied.all_tools() == before


def test_a_create_that_now_exists_makes_the_plan_stale(site: Any, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    site.rest(
        "POST",
        "/agents/agent_support_dev/tools",
        {"type": "end_call", "name": "end_call"},
    )
    result = site.run("apply", plan_file)
    assert result.exit_code == 3
    assert "support/end_call: a tool with this name now exists" in result.stderr
    assert names(site) == ["end_call"]


def test_unknown_agent_uid_is_an_error_naming_it(site: Any) -> None:
    site.server.store.delete_agent("agent_billing_dev")
    result = site.run("plan")
    assert result.exit_code == 1
    assert "L801" in result.stderr and "agent_billing_dev" in result.stderr
    assert "actionctl.yaml" in result.stderr


def test_duplicate_live_names_are_an_error_naming_both_ids(site: Any) -> None:
    ids = [
        site.rest("POST", "/agents/agent_support_dev/tools", {"type": "end_call", "name": "dup"})[
            "id"
        ]
        for _ in range(2)
    ]
    result = site.run("plan")
    assert result.exit_code == 1
    assert "L802" in result.stderr
    assert f"ids {ids[0]}, {ids[1]}" in result.stderr


def test_api_key_appears_nowhere(site: Any, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    outputs = [
        site.run("-vv", "plan", "--out", plan_file),
        site.run("-vv", "plan", "--format", "markdown"),
        site.run("-vv", "apply", plan_file),
        site.run("-vv", "plan", "--format", "json"),
    ]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert TEST_API_KEY not in result.output
    assert TEST_API_KEY not in plan_file.read_text()
    assert "Authorization" not in plan_file.read_text()


def test_local_platform_round_trip(example_project: Path, cli: Any) -> None:
    run = lambda *a: cli("--project", example_project, "--no-color", *a)  # noqa: E731
    assert run("plan", "--detailed-exitcode").exit_code == 2
    result = run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    again = run("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("No changes.")


def test_a_removed_field_is_patched_away(applied: Any) -> None:
    action = applied.root / "actions" / "support" / "lookup_booking.yaml"
    action.write_text(
        "\n".join(line for line in action.read_text().splitlines() if "timeout_ms" not in line)
    )
    plan = applied.plan_json()
    (change,) = [c for c in plan["changes"] if c["action"] != "no-op"]
    assert (change["address"], change["changed_paths"]) == (
        "support/lookup_booking",
        ["api_timeout"],
    )
    result = applied.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "api_timeout" not in applied.tool("lookup_booking")
    assert applied.pending() == {}


def test_fields_the_platform_keeps_are_reported_after_the_write(site_factory: Any) -> None:
    site = site_factory(patch_merge_nested=True)  # PATCH merges nested objects
    assert site.run("apply", "--auto-approve").exit_code == 0
    tool = site.tool("send_booking_confirmation")
    extra = {**tool["static_params"], "to_number": "+15550009999"}
    site.rest("PATCH", f"/agents/agent_support_dev/tools/{tool['id']}", {"static_params": extra})
    drift = {c["address"]: c["changed_paths"] for c in site.plan_json()["changes"]}
    assert drift["support/send_booking_confirmation"] == ["static_params.to_number"]
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "A910" in result.stderr
    assert (
        "support/send_booking_confirmation: the platform kept or added static_params.to_number"
        in (result.stderr)
    )
    assert site.pending() == {"support/send_booking_confirmation": "update"}


def test_partial_failure_reports_both_sides_and_leaves_the_rest(site: Any, tmp_path: Path) -> None:
    result = site.apply_with_one_bad_create(tmp_path / "plan.json")
    assert result.exit_code == 1
    assert f"Apply incomplete: {EXAMPLE_TOOLS - 1} created; 1 failed:" in result.stderr
    assert "create support/send_summary_sms: P103" in result.stderr
    assert "static_params.message" in result.stderr
    assert site.pending() == {"support/send_summary_sms": "create"}


def test_an_apply_where_every_change_failed_says_so(site: Any, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    data = json.loads(plan_file.read_text())
    (bad,) = [c for c in data["changes"] if c["address"] == "support/send_summary_sms"]
    bad["after"]["static_params"] = {"type": "static"}  # the platform requires a message
    data["changes"] = [bad]
    plan_file.write_text(json.dumps(data))
    result = site.run("apply", plan_file)
    assert result.exit_code == 1, result.output
    assert "Apply failed: 0 changes applied, 1 failed:" in result.stderr
    assert "nothing;" not in result.stderr


def test_a_new_namesake_of_an_updated_tool_makes_the_plan_stale(
    applied: Any, tmp_path: Path
) -> None:
    action = applied.root / "actions" / "support" / "send_booking_confirmation.yaml"
    action.write_text(action.read_text().replace("Hi, your", "Hello, your"))
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    twin = applied.rest(
        "POST",
        "/agents/agent_support_dev/tools",
        {"type": "send_sms", "name": "send_booking_confirmation",
         "static_params": {"type": "static", "message": "twin"}},
    )  # fmt: skip
    result = applied.run("apply", plan_file)
    assert result.exit_code == 3
    assert "support/send_booking_confirmation: the agent now has 2 tools of this name" in (
        result.stderr
    )
    assert f", {twin['id']})" in result.stderr
