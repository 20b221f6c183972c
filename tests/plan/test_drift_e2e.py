"""Drift-aware plans from git, end to end: real git repositories in tmp_path (commits,
branches, shallow clones), the emulator over HTTP as the platform, and edits made
"in the dashboard" straight through its API (plain httpx, no product code)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import emulator_rest, write_openmic_config
from tests.plan.git_project import (
    AGENTS,
    BOOKING,
    BOOKING_TOOL,
    KEY_ENV,
    NEW_MESSAGE,
    OLD_MESSAGE,
    GitProject,
    field_classes,
    git,
)

ADDRESS = f"support/{BOOKING_TOOL}"
DASHBOARD_DESCRIPTION = "Sends the booking confirmation SMS (edited in the dashboard)."


def test_a_branch_edit_and_a_dashboard_edit_are_one_change_and_one_drift(
    deployed: GitProject,
) -> None:
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    deployed.commit_all("pr: reword the confirmation")
    deployed.dashboard_patch(BOOKING_TOOL, {"description": DASHBOARD_DESCRIPTION})

    three_way = deployed.three_way("--base", "main")

    assert field_classes(three_way) == {
        (ADDRESS, "static_params.message"): "change",
        (ADDRESS, "description"): "drift",
    }
    assert three_way["summary"] == {"conflict": 0, "drift": 1, "change": 1}
    assert three_way["base"]["commit"] == deployed.git("rev-parse", "main").strip()
    (tool,) = three_way["tools"]
    drift = next(f for f in tool["fields"] if f["class"] == "drift")
    assert drift["live"] == DASHBOARD_DESCRIPTION
    assert drift["branch"] == drift["base"] != DASHBOARD_DESCRIPTION

    text = deployed.run("plan", "--base", "main")
    assert text.exit_code == 0, text.output
    assert "1 drift, 1 change" in text.stdout
    lines = text.stdout.splitlines()
    drift_at = next(i for i, line in enumerate(lines) if "drift" in line and "description" in line)
    change_at = next(i for i, line in enumerate(lines) if "change" in line and "message" in line)
    assert drift_at < change_at  # drift and conflicts first
    assert "L832" in text.stderr and "description" in text.stderr  # a CI annotation

    markdown = deployed.run("plan", "--base", "main", "--format", "markdown")
    assert markdown.stdout.startswith("<!-- actionctl-plan -->")
    code = f"`{ADDRESS}`"
    # One row for the tool: its classes and what they mean, worst first.
    assert (
        f"| ~ | {code} | **drift**: applying reverts an edit made outside git (`description`)"
        "<br>change: this branch's own edit (`static_params.message`) |"
    ) in markdown.stdout
    assert markdown.stdout.count(code) == 1
    # The drifted field as -/+ lines: live removed, git's value written back.
    assert "  description  (drift: applying reverts an edit made outside git)" in markdown.stdout
    assert f"-   live:   {json.dumps(DASHBOARD_DESCRIPTION)}" in markdown.stdout


def test_both_editing_one_field_is_a_conflict_and_fails_the_check(deployed: GitProject) -> None:
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    deployed.commit_all("pr: reword the confirmation")
    deployed.dashboard_message(BOOKING_TOOL, "Confirmed! Ref {{booking_reference}} (dashboard)")

    three_way = deployed.three_way("--base", "main")
    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "conflict"}

    failing = deployed.run("plan", "--base", "main", "--fail-on-conflict")
    assert failing.exit_code == 4, failing.output
    assert "conflict" in failing.stdout and "overwrites edits made outside git" in failing.stdout
    assert "L831" in failing.stderr
    # The same flag with nothing to overwrite passes: the check is not always-failing.
    deployed.dashboard_message(
        BOOKING_TOOL,
        OLD_MESSAGE.replace("{{ .parameters.booking_reference }}", "{{booking_reference}}"),
    )
    passing = deployed.run("plan", "--base", "main", "--fail-on-conflict", "--detailed-exitcode")
    assert passing.exit_code == 2, passing.output  # changes, but no conflict


def test_both_making_the_same_edit_is_no_conflict(deployed: GitProject) -> None:
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    deployed.dashboard_message(
        BOOKING_TOOL, "Booking confirmed. Your reference: {{booking_reference}}."
    )

    result = deployed.run("plan", "--base", "main", "--fail-on-conflict", "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["three_way"]["tools"] == []
    assert not any(c["action"] != "no-op" for c in data["changes"])


def test_creates_and_deletes_are_classified_too(deployed: GitProject) -> None:
    # This branch removes one billing action; the dashboard deleted a support tool and
    # created one no file declares.
    (deployed.root / "actions/billing/send_payment_link.yaml").unlink()
    deployed.commit_all("pr: drop the payment link")
    from tests.conftest import emulator_rest

    directions = deployed.tool("send_directions_to_number")
    emulator_rest(deployed.url, "DELETE", f"/agents/{AGENTS['support']}/tools/{directions['id']}")
    emulator_rest(
        deployed.url,
        "POST",
        f"/agents/{AGENTS['support']}/tools",
        {"type": "end_call", "name": "dashboard_hangup", "static_params": {"end_message": "Bye"}},
    )

    three_way = deployed.three_way("--base", "main", "--prune")

    assert field_classes(three_way) == {
        ("support/send_directions_to_number", ""): "drift",  # applying re-creates it
        ("support/dashboard_hangup", ""): "drift",  # created outside git: prune deletes it
        ("billing/send_payment_link", ""): "change",  # deleted in this branch
    }
    notes = {t["address"]: t["note"] for t in three_way["tools"]}
    assert "re-creates" in notes["support/send_directions_to_number"]
    assert "created outside git" in notes["support/dashboard_hangup"]


def test_without_base_the_plan_is_as_before(deployed: GitProject) -> None:
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    deployed.dashboard_patch(BOOKING_TOOL, {"description": DASHBOARD_DESCRIPTION})
    plain = deployed.run("plan", "--format", "json")
    assert "three_way" not in json.loads(plain.stdout)
    text = deployed.run("plan")
    assert "drift" not in text.output and "Against" not in text.stdout
    assert deployed.run("plan", "--fail-on-conflict").exit_code == 1  # needs --base


def test_the_base_is_read_from_git_not_the_working_tree(deployed: GitProject) -> None:
    # An uncommitted edit on main is the working tree's, never the base's.
    deployed.git("checkout", "-q", "main")
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    three_way = deployed.three_way("--base", "HEAD")
    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "change"}


def test_a_project_in_a_subdirectory_reads_that_directory_at_the_ref(
    deployed: GitProject, tmp_path: Path
) -> None:
    repo = tmp_path / "mono"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README").write_text("other things\n")
    sub = repo / "deploy" / "voice"
    sub.parent.mkdir()
    deployed.root.rename(sub)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "monorepo")
    project = GitProject(sub, deployed.url, deployed.cli)
    project.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    three_way = project.three_way("--base", "main")
    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "change"}


# --- drift ---


def test_drift_reports_dashboard_edits_against_head(deployed: GitProject) -> None:
    clean = deployed.run("drift", "--format", "json")
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["drift"] is False

    deployed.dashboard_patch(BOOKING_TOOL, {"description": DASHBOARD_DESCRIPTION})
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)  # uncommitted: not what drift compares

    report = deployed.run("drift", "--format", "json")
    assert report.exit_code == 2, report.output
    data = json.loads(report.stdout)
    assert data["drift"] is True and data["ref"] == "HEAD"
    assert field_classes(data) == {(ADDRESS, "description"): "drift"}
    (tool,) = data["tools"]
    assert tool["live"]["description"] == DASHBOARD_DESCRIPTION

    markdown = deployed.run("drift", "--ref", "main", "--format", "markdown")
    assert markdown.exit_code == 2
    assert markdown.stdout.startswith("<!-- actionctl-drift -->\n### Drift: 1 live tool differs")
    assert "```diff" in markdown.stdout and "[-(edited in-]" in markdown.stdout  # - live, + git
    text = deployed.run("drift")
    assert text.exit_code == 2 and "(- live, + git)" in text.stdout


# --- revert ---


def live_tools(project: GitProject) -> dict[str, list[dict[str, Any]]]:
    """Every live tool without what the server assigns (ids, timestamps)."""
    server = {"id", "created_at", "updated_at"}
    return {
        agent: [{k: v for k, v in t.items() if k not in server} for t in project.tools(agent)]
        for agent in AGENTS
    }


def test_revert_of_an_applied_plan_restores_the_live_tools_exactly(
    deployed: GitProject, tmp_path: Path
) -> None:
    deployed.dashboard_patch(BOOKING_TOOL, {"voice_hint": "calm"})  # a field we don't manage
    before = live_tools(deployed)
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)  # update
    (deployed.root / "actions/billing/send_payment_link.yaml").unlink()  # delete (prune)
    (deployed.root / "actions/support/hang_up.yaml").write_text(  # create
        "kind: action\ntype: openmic.end_call\nagent: support\nname: hang_up\n"
        "static_params: {end_message: Goodbye}\n"
    )
    plan_file = tmp_path / "plan.json"
    planned = deployed.run("plan", "--prune", "--out", plan_file)
    assert planned.exit_code == 0, planned.output
    assert json.loads(plan_file.read_text())["summary"] | {"no_op": 0} == {
        "create": 1,
        "update": 1,
        "replace": 0,
        "delete": 1,
        "no_op": 0,
    }
    applied = deployed.run("apply", plan_file)
    assert applied.exit_code == 0, applied.output
    assert live_tools(deployed) != before

    reverted = deployed.run("apply", "--revert", plan_file, "--auto-approve")

    assert reverted.exit_code == 0, reverted.output
    assert "Apply complete" in reverted.stdout
    assert live_tools(deployed) == before
    deployed.git("checkout", "-q", "--", ".")
    deployed.git("clean", "-q", "-f")
    after = deployed.run("plan", "--prune", "--detailed-exitcode")
    assert after.exit_code == 0, after.output
    assert after.stdout.startswith("No changes.")
    # Reverting again finds the live tools no longer as the plan left them: refused.
    again = deployed.run("apply", "--revert", plan_file, "--auto-approve")
    assert again.exit_code == 3, again.output
    assert "L850" in again.stderr


def test_revert_counts_unchanged_tools_as_the_plan_did(
    deployed: GitProject, tmp_path: Path
) -> None:
    """Its summary counts every managed tool it leaves as it is, on the agent it touches
    and on the others, as the applied plan did; a tool no file declares is unmanaged."""
    tool = {"type": "end_call", "name": "dashboard_bye"}
    emulator_rest(deployed.url, "POST", f"/agents/{AGENTS['support']}/tools", tool)
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    plan_file = tmp_path / "plan.json"
    planned = deployed.run("plan", "--out", plan_file)
    saved = json.loads(plan_file.read_text())["summary"]
    # Every live tool but the updated one and the one no file declares.
    managed_unchanged = len(deployed.tools("support")) - 2 + len(deployed.tools("billing"))
    assert (saved["update"], saved["no_op"]) == (1, managed_unchanged)
    assert deployed.run("apply", plan_file).exit_code == 0

    reverted = deployed.run("apply", "--revert", plan_file, "--auto-approve")

    assert reverted.exit_code == 0, reverted.output
    head = f"Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, {saved['no_op']} unchanged."
    assert head in planned.stdout and head in reverted.stdout
    assert "support/dashboard_bye" in reverted.stdout.split("Unmanaged tools")[1]


def test_revert_is_refused_when_a_tool_changed_since_the_apply(
    deployed: GitProject, tmp_path: Path
) -> None:
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    plan_file = tmp_path / "plan.json"
    assert deployed.run("plan", "--out", plan_file).exit_code == 0
    assert deployed.run("apply", plan_file).exit_code == 0
    deployed.dashboard_patch(BOOKING_TOOL, {"description": DASHBOARD_DESCRIPTION})
    edited = live_tools(deployed)

    refused = deployed.run("apply", "--revert", plan_file, "--auto-approve")

    assert refused.exit_code == 3, refused.output
    assert "L850" in refused.stderr and "description" in refused.stderr
    assert live_tools(deployed) == edited  # nothing was changed


def test_revert_without_a_terminal_needs_auto_approve(deployed: GitProject, tmp_path: Path) -> None:
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    plan_file = tmp_path / "plan.json"
    assert deployed.run("plan", "--out", plan_file).exit_code == 0
    assert deployed.run("apply", plan_file).exit_code == 0
    applied = live_tools(deployed)
    result = deployed.run("apply", "--revert", plan_file)
    assert result.exit_code == 1
    assert "A906" in result.stderr
    assert live_tools(deployed) == applied


# --- git problems: located diagnostics, exit 1 ---


def test_a_missing_ref_in_a_shallow_clone_names_the_fetch_that_fixes_it(
    deployed: GitProject, tmp_path: Path
) -> None:
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    deployed.commit_all("pr: reword")
    clone = tmp_path / "ci-clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "pr",
        f"file://{deployed.root}",
        str(clone),
    )
    project = GitProject(clone, deployed.url, deployed.cli)
    assert project.git("rev-parse", "--is-shallow-repository").strip() == "true"

    missing = project.run("plan", "--base", "origin/main")

    assert missing.exit_code == 1
    assert "L840" in missing.stderr and "shallow clone" in missing.stderr
    assert "Traceback" not in missing.output
    fix = re.search(r"fetch it first: `(git fetch --depth=1 origin main[^`]*)`", missing.stderr)
    assert fix is not None, missing.stderr
    project.git(*fix.group(1).split()[1:])
    three_way = project.three_way("--base", "origin/main")
    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "change"}


def test_in_a_checkout_with_the_default_refspec_the_fix_is_the_short_fetch(
    deployed: GitProject, tmp_path: Path
) -> None:
    # What actions/checkout does: a remote with the default refspec, then one commit.
    deployed.git("commit", "-q", "--allow-empty", "-m", "pr")
    clone = tmp_path / "checkout"
    clone.mkdir()
    git(clone, "init", "-q")
    git(clone, "remote", "add", "origin", f"file://{deployed.root}")
    git(clone, "fetch", "-q", "--depth=1", "origin", "+refs/heads/pr:refs/remotes/origin/pr")
    git(clone, "checkout", "-q", "origin/pr")
    project = GitProject(clone, deployed.url, deployed.cli)
    missing = project.run("plan", "--base", "origin/main")
    assert missing.exit_code == 1
    assert "fetch it first: `git fetch --depth=1 origin main`" in missing.stderr
    project.git("fetch", "-q", "--depth=1", "origin", "main")
    assert project.run("plan", "--base", "origin/main").exit_code == 0


def test_git_problems_are_located_diagnostics(
    deployed: GitProject, tmp_path: Path, cli: Callable[..., Any]
) -> None:
    unknown = deployed.run("plan", "--base", "no-such-branch")
    assert unknown.exit_code == 1 and "L840" in unknown.stderr
    assert str(deployed.root) in unknown.stderr  # located at the project directory
    option = deployed.run("plan", "--base", "--output=/tmp/x")
    assert option.exit_code == 1 and "L844" in option.stderr
    plain = tmp_path / "not-git"
    write_openmic_config(plain, deployed.url, KEY_ENV, AGENTS)
    outside = cli("--project", plain, "--no-color", "drift")
    assert outside.exit_code == 1 and "L841" in outside.stderr
    assert "Traceback" not in unknown.output + option.output + outside.output


def test_a_base_that_does_not_compile_is_reported_at_the_ref(deployed: GitProject) -> None:
    deployed.git("checkout", "-q", "main")
    deployed.edit(BOOKING, "recipient: contact", "recipient: [nonsense")
    deployed.commit_all("broken")
    deployed.git("checkout", "-q", "pr")
    result = deployed.run("plan", "--base", "main")
    assert result.exit_code == 1
    assert "L843" in result.stderr
    assert f"main:{BOOKING}" in result.stderr


def test_drift_counts_tools_no_file_declares_only_with_prune(deployed: GitProject) -> None:
    from tests.conftest import emulator_rest

    body = {"type": "end_call", "name": "dashboard_hangup", "static_params": {"end_message": "Bye"}}
    emulator_rest(deployed.url, "POST", f"/agents/{AGENTS['support']}/tools", body)

    listed = deployed.run("drift", "--format", "json")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert data["drift"] is False
    assert [t["name"] for t in data["unmanaged"]] == ["dashboard_hangup"]

    pruning = deployed.run("drift", "--prune", "--format", "json")
    assert pruning.exit_code == 2, pruning.output
    assert field_classes(json.loads(pruning.stdout)) == {("support/dashboard_hangup", ""): "drift"}


def test_revert_of_a_plan_that_only_created_a_tool_deletes_just_that(
    deployed: GitProject, tmp_path: Path
) -> None:
    before = live_tools(deployed)
    (deployed.root / "actions/support/hang_up.yaml").write_text(
        "kind: action\ntype: openmic.end_call\nagent: support\nname: hang_up\n"
        "static_params: {end_message: Goodbye}\n"
    )
    plan_file = tmp_path / "plan.json"
    assert deployed.run("plan", "--out", plan_file).exit_code == 0
    assert deployed.run("apply", plan_file).exit_code == 0
    reverted = deployed.run("apply", "--revert", plan_file, "--auto-approve")
    assert reverted.exit_code == 0, reverted.output  # not refused as emptying the agent
    assert "1 to delete" in reverted.stdout
    assert live_tools(deployed) == before


# --- a key that holds a dot is one key: a query parameter ``filter.status`` ---

LOOKUP = "actions/support/lookup_booking.yaml"
LOOKUP_ADDRESS = "support/lookup_booking"
STATUS_DESCRIPTION = "Only bookings in this status"
STATUS_PATH = "parameters.properties.'filter.status'.description"


@pytest.fixture
def dotted(deployed: GitProject) -> GitProject:
    """``main`` also declares (and has applied) a query parameter named ``filter.status``;
    the working tree is on a fresh branch ``pr`` from it."""
    deployed.git("checkout", "-q", "main")
    deployed.edit(
        LOOKUP,
        "  required: [booking_reference]",
        f"    filter.status:\n      type: string\n      description: {STATUS_DESCRIPTION}\n"
        "  required: [booking_reference]",
    )
    deployed.commit_all("main: filter bookings by status")
    applied = deployed.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    deployed.git("checkout", "-q", "-B", "pr")
    return deployed


def branch_status(project: GitProject, description: str) -> None:
    project.edit(LOOKUP, STATUS_DESCRIPTION, description)
    project.commit_all("pr: reword the status filter")


def dashboard_status(project: GitProject, description: str) -> None:
    parameters = json.loads(json.dumps(project.tool("lookup_booking")["parameters"]))
    parameters["properties"]["filter.status"]["description"] = description
    project.dashboard_patch("lookup_booking", {"parameters": parameters})


def test_a_branch_edit_of_a_dotted_key_is_a_change(dotted: GitProject) -> None:
    branch_status(dotted, "Only bookings with this status")
    three_way = dotted.three_way("--base", "main")
    assert field_classes(three_way) == {(LOOKUP_ADDRESS, STATUS_PATH): "change"}
    assert dotted.run("plan", "--base", "main", "--fail-on-conflict").exit_code == 0


def test_a_dashboard_edit_of_a_dotted_key_is_drift(dotted: GitProject) -> None:
    dashboard_status(dotted, "Edited in the dashboard")
    three_way = dotted.three_way("--base", "main")
    assert field_classes(three_way) == {(LOOKUP_ADDRESS, STATUS_PATH): "drift"}
    (tool,) = three_way["tools"]
    (field,) = tool["fields"]
    assert (field["base"], field["branch"], field["live"]) == (
        STATUS_DESCRIPTION,
        STATUS_DESCRIPTION,
        "Edited in the dashboard",
    )


def test_both_editing_a_dotted_key_is_a_conflict_and_fails_the_check(
    dotted: GitProject, tmp_path: Path
) -> None:
    branch_status(dotted, "Only bookings with this status")
    dashboard_status(dotted, "Edited in the dashboard")
    three_way = dotted.three_way("--base", "main")
    assert field_classes(three_way) == {(LOOKUP_ADDRESS, STATUS_PATH): "conflict"}

    failing = dotted.run("plan", "--base", "main", "--fail-on-conflict")
    assert failing.exit_code == 4, failing.output
    assert f"conflict   {STATUS_PATH}:" in failing.stdout  # the same path in text...
    assert "L831" in failing.stderr and STATUS_PATH in failing.stderr
    markdown = dotted.run("plan", "--base", "main", "--format", "markdown")
    row = f"| `{LOOKUP_ADDRESS}` | :warning: **conflict**: applying overwrites an edit made "
    assert f"{row}outside git (`{STATUS_PATH}`) |" in markdown.stdout  # ...and Markdown

    # The saved plan keeps the path as one key and applies: the parameter is rewritten whole.
    plan_file = tmp_path / "plan.json"
    assert dotted.run("plan", "--base", "main", "--out", plan_file).exit_code == 0
    saved = json.loads(plan_file.read_text())
    (change,) = [c for c in saved["changes"] if c["address"] == LOOKUP_ADDRESS]
    assert change["changed_paths"] == [STATUS_PATH]
    assert dotted.run("apply", plan_file).exit_code == 0
    status = dotted.tool("lookup_booking")["parameters"]["properties"]["filter.status"]
    assert status["description"] == "Only bookings with this status"


# --- a revision chooses what is deployed, never where the key goes ---


def test_a_ref_naming_another_url_and_key_variable_never_receives_a_key(
    deployed: GitProject,
    emulator_factory: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []

    def record(method: str, target: str, headers: Any, raw: bytes, response: Any) -> None:
        seen.append(f"{method} {target} {dict(headers)}")

    attacker = emulator_factory(observer=record, api_key="attacker")
    monkeypatch.setenv("ACTIONCTL_TEST_OTHER_SECRET", "other-secret-value")
    deployed.git("checkout", "-q", "-b", "redirect", "main")
    config = (deployed.root / "actionctl.yaml").read_text(encoding="utf-8")
    redirected = config.replace(deployed.url, attacker.url).replace(
        KEY_ENV, "ACTIONCTL_TEST_OTHER_SECRET"
    )
    assert redirected != config and attacker.url in redirected
    (deployed.root / "actionctl.yaml").write_text(redirected, encoding="utf-8")
    deployed.commit_all("send the key elsewhere")
    deployed.git("checkout", "-q", "pr")

    report = deployed.run("drift", "--ref", "redirect", "--format", "json")
    assert report.exit_code == 0, report.output  # compared against the real platform
    assert json.loads(report.stdout)["drift"] is False
    assert seen == []  # not one request, so neither key reached the REF's URL


def test_drift_refuses_a_broken_working_tree_configuration_before_connecting(
    deployed: GitProject,
) -> None:
    (deployed.root / "actionctl.yaml").write_text("platform: [nonsense\n", encoding="utf-8")
    report = deployed.run("drift", "--ref", "main")
    assert report.exit_code == 1
    assert "actionctl.yaml:" in report.stderr and "Traceback" not in report.output


# --- links at the ref: followed inside the project, an error otherwise, never a skip ---


def test_drift_prune_follows_an_in_project_link_at_the_ref(deployed: GitProject) -> None:
    shared = deployed.root / "shared" / "booking.yaml"
    shared.parent.mkdir()
    (deployed.root / BOOKING).rename(shared)
    (deployed.root / BOOKING).symlink_to("../../shared/booking.yaml")
    deployed.commit_all("declare the booking tool through a link")
    report = deployed.run("drift", "--prune", "--ref", "pr", "--format", "json")
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["drift"] is False and data["tools"] == []


def test_drift_refuses_a_link_out_of_the_project_at_the_ref(deployed: GitProject) -> None:
    (deployed.root / "actions" / "support" / "host.yaml").symlink_to("/etc/hostname")
    deployed.commit_all("a link out")
    (deployed.root / "actions" / "support" / "host.yaml").unlink()  # gone from the tree
    report = deployed.run("drift", "--prune", "--ref", "pr")
    assert report.exit_code == 1, report.output
    assert "L843" in report.stderr and "pr:actions/support/host.yaml" in report.stderr
    assert "E113" in report.stderr and "Traceback" not in report.output
