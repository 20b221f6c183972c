"""``apply --revert`` of a plan that was only partly applied: it undoes exactly the
changes that were made, leaves the never-made ones alone and says so, and refuses
(exit 3, nothing changed) when a tool changed since the apply. Against the emulator
over real HTTP; the partial applies are real ones (writes the platform refuses, an
apply stopped by a signal)."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import yaml

from tests.apply.conftest import Site
from tests.apply.test_lock import first_change_line, settle, start_apply

SERVER_FIELDS = {"id", "created_at", "updated_at"}
UPDATED = ("billing/send_invoice_email", "support/lookup_booking", "support/send_summary_sms")
DELETED = "billing/send_payment_link"
CREATED = "support/send_follow_up_sms"
NEW_TOOL = """\
kind: action
type: send_text_message
agent: support
name: send_follow_up_sms
description: Sends the caller a follow-up text after the call.
messaging_channel: Customer notifications
recipient: contact
message: ""
"""


def live(site: Site) -> dict[str, list[dict[str, Any]]]:
    """Every live tool without what the server assigns (ids, timestamps), by name."""
    return {
        uid: sorted(
            ({k: v for k, v in t.items() if k not in SERVER_FIELDS} for t in tools),
            key=lambda t: str(t["name"]),
        )
        for uid, tools in site.all_tools().items()
    }


def five_changes(site: Site, plan_file: Path) -> dict[str, Any]:
    """Plan three updates, a delete and a create (with prune) into ``plan_file``."""
    for address in UPDATED:
        path = site.root / "actions" / f"{address}.yaml"
        document = yaml.safe_load(path.read_text())
        document["description"] = f"{document['description'].strip()} (revised)"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    (site.root / "actions" / f"{DELETED}.yaml").unlink()
    (site.root / "actions" / f"{CREATED}.yaml").write_text(NEW_TOOL)
    planned = site.run("plan", "--prune", "--out", plan_file)
    assert planned.exit_code == 0, planned.output
    data: dict[str, Any] = json.loads(plan_file.read_text())
    assert data["summary"] | {"no_op": 0} == {
        "create": 1,
        "update": 3,
        "replace": 0,
        "delete": 1,
        "no_op": 0,
    }
    return data


def break_writes(plan_file: Path, data: dict[str, Any], *addresses: str) -> None:
    """Make the platform refuse these changes' writes (a text message without its
    message), as a change the platform rejects part way through an apply."""
    for change in data["changes"]:
        if change["address"] in addresses:
            change["after"]["static_params"] = {"type": "static"}
            if "static_params" not in change["changed_paths"]:
                change["changed_paths"].append("static_params")
    plan_file.write_text(json.dumps(data))


def partly_applied(site: Site, plan_file: Path) -> None:
    """Apply the five changes with the create and one update refused by the platform."""
    data = five_changes(site, plan_file)
    break_writes(plan_file, data, CREATED, "support/send_summary_sms")
    result = site.run("apply", plan_file)
    assert result.exit_code == 1, result.output
    assert "Apply incomplete: 1 deleted, 2 updated; 2 failed:" in result.stderr


def test_revert_after_a_partial_apply_undoes_exactly_what_was_made(
    applied: Site, tmp_path: Path
) -> None:
    before = live(applied)
    plan_file = tmp_path / "plan.json"
    partly_applied(applied, plan_file)
    assert live(applied) != before

    reverted = applied.run("apply", "--revert", plan_file, "--auto-approve")

    assert reverted.exit_code == 0, reverted.output
    assert (
        f"Reverting {plan_file}: 3 of 5 changes; 2 were never applied and stay as they are:"
        in reverted.stderr
    )
    assert f"  update support/send_summary_sms\n  create {CREATED}\n" in reverted.stderr
    assert "Plan: 1 to create, 2 to update, 0 to replace, 0 to delete" in reverted.stdout
    assert "Apply complete: 1 created, 2 updated." in reverted.stdout
    assert live(applied) == before
    # All undone now: none of the plan's changes is live any more, so a second revert
    # has nothing it could safely do.
    again = applied.run("apply", "--revert", plan_file, "--auto-approve")
    assert again.exit_code == 3, again.output
    assert "L850" in again.stderr and "never applied, or was reverted already" in again.stderr


def test_a_tool_edited_after_the_partial_apply_refuses_the_revert(
    applied: Site, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    partly_applied(applied, plan_file)
    tool = applied.tool("lookup_booking")
    applied.rest(
        "PATCH", f"/agents/agent_support_dev/tools/{tool['id']}", {"description": "By hand."}
    )
    edited = live(applied)

    refused = applied.run("apply", "--revert", plan_file, "--auto-approve")

    assert refused.exit_code == 3, refused.output
    assert "L850" in refused.stderr
    assert "support/lookup_booking: changed since the plan was applied (description)" in (
        refused.stderr
    )
    # Only that tool is named: the never-applied changes are no reason to refuse.
    assert refused.stderr.count("L850") == 1, refused.stderr
    assert live(applied) == edited  # nothing was changed


def test_a_never_applied_tool_edited_since_is_refused_too(applied: Site, tmp_path: Path) -> None:
    """A tool the apply never reached that is no longer as planned against is neither
    applied nor untouched: reverting cannot tell what to put back, so it refuses."""
    plan_file = tmp_path / "plan.json"
    partly_applied(applied, plan_file)
    tool = applied.tool("send_summary_sms")
    applied.rest(
        "PATCH", f"/agents/agent_support_dev/tools/{tool['id']}", {"description": "By hand."}
    )

    refused = applied.run("apply", "--revert", plan_file, "--auto-approve")

    assert refused.exit_code == 3, refused.output
    assert "support/send_summary_sms: changed since the plan was applied" in refused.stderr


def test_revert_after_an_interrupted_apply_restores_the_live_tools(
    site_factory: Any, tmp_path: Path
) -> None:
    site = site_factory()
    assert site.run("apply", "--auto-approve").exit_code == 0
    before = live(site)
    plan_file = tmp_path / "plan.json"
    five_changes(site, plan_file)
    site.server.config.latency_ms = 300  # slow enough to stop part way
    process = start_apply(site.root, plan_file)
    first = first_change_line(process)
    assert first.startswith("[1/5]"), first
    process.send_signal(signal.SIGINT)  # the next change is under way
    _out, rest = process.communicate(timeout=60)
    assert process.returncode == 130, first + rest.decode()
    settle(site)
    site.server.config.latency_ms = 0
    made = len([line for line in (first + rest.decode()).splitlines() if line.startswith("[")])
    assert 0 < made < 5

    reverted = site.run("apply", "--revert", plan_file, "--auto-approve")

    assert reverted.exit_code == 0, reverted.output
    never = 5 - made
    word = "was" if never == 1 else "were"
    assert f"{made} of 5 changes; {never} {word} never applied" in reverted.stderr
    assert live(site) == before


def test_revert_of_a_replace_stopped_half_way_recreates_the_old_tool(
    applied: Site, tmp_path: Path
) -> None:
    """A replace deletes the old tool, then creates the new one; when the create fails
    the tool is gone, and the revert creates the old one again."""
    before = live(applied)
    path = applied.root / "actions/support/lookup_booking.yaml"
    path.write_text(NEW_TOOL.replace("send_follow_up_sms", "lookup_booking"))
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    data = json.loads(plan_file.read_text())
    assert [c["action"] for c in data["changes"] if c["action"] != "no-op"] == ["replace"]
    break_writes(plan_file, data, "support/lookup_booking")
    result = applied.run("apply", plan_file)
    assert result.exit_code == 1, result.output
    assert "old tool deleted, create failed" in result.stderr
    assert "lookup_booking" not in {t["name"] for t in applied.tools()}

    reverted = applied.run("apply", "--revert", plan_file, "--auto-approve")

    assert reverted.exit_code == 0, reverted.output
    assert "Apply complete: 1 created." in reverted.stdout
    assert live(applied) == before
