"""``plan``/``apply --target``/``--exclude`` against the emulator over real HTTP: a partial
plan changes only what it holds, says what it leaves out, never prunes outside its
scope, and a saved partial plan is checked for staleness as a whole plan is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SUPPORT = "agent_support_dev"
BILLING = "agent_billing_dev"
SUPPORT_TOOLS = 11


def names(site: Any, agent: str = SUPPORT) -> list[str]:
    return sorted(t["name"] for t in site.tools(agent))


def stray(site: Any, agent: str, name: str) -> None:
    """A live tool no file declares (prune deletes it)."""
    site.rest("POST", f"/agents/{agent}/tools", {"type": "dtmf", "name": name})


def test_a_target_apply_changes_only_its_targets(site: Any) -> None:
    plan = site.run("plan", "--target", "billing/*")
    assert plan.exit_code == 0, plan.output
    assert plan.stdout.startswith("Plan: 2 to create, 0 to update")
    note = plan.stdout.splitlines()[1]
    assert note.startswith(
        f"Partial plan: {SUPPORT_TOOLS} changes outside --target billing/* are not included: "
    )
    assert "support/end_call" in note and "and 3 more" in note
    result = site.run("apply", "--target", "billing/*", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Apply complete: 2 created." in result.stdout
    assert names(site, BILLING) == ["send_invoice_email", "send_payment_link"]
    assert site.tools(SUPPORT) == []  # untouched on the platform
    assert len(site.pending()) == SUPPORT_TOOLS


def test_globs_match_each_side_of_the_address(site: Any) -> None:
    result = site.run("apply", "--target", "*/send_*", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert names(site, BILLING) == ["send_invoice_email", "send_payment_link"]
    assert all(name.startswith("send_") for name in names(site))
    assert "send_summary_sms" in names(site) and "end_call" not in names(site)


def test_exclude_leaves_its_matches(site: Any) -> None:
    result = site.run(
        "apply", "--exclude", "support/*", "--exclude", "billing/send_payment_link",
        "--auto-approve",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert names(site, BILLING) == ["send_invoice_email"]
    assert site.tools(SUPPORT) == []
    assert site.pending("--exclude", "support/*") == {"billing/send_payment_link": "create"}


def test_target_and_exclude_together(applied: Any) -> None:
    stray(applied, SUPPORT, "old_one")
    stray(applied, SUPPORT, "old_two")
    pending = applied.pending("--prune", "--target", "support/old_*", "--exclude", "*/old_two")
    assert pending == {"support/old_one": "delete"}


def test_prune_never_runs_outside_the_scope(applied: Any) -> None:
    stray(applied, SUPPORT, "stray")
    stray(applied, BILLING, "stray")
    result = applied.run("apply", "--prune", "--target", "billing/*", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "[1/1] deleted billing/stray" in result.stderr
    assert "stray" not in names(applied, BILLING)
    assert "stray" in names(applied)  # outside the scope: kept though prune is on


def test_a_scoped_delete_is_not_an_emptying_when_tools_stay_outside(applied: Any) -> None:
    for path in (applied.root / "actions" / "billing").glob("*.yaml"):
        path.unlink()
    target = ("--prune", "--target", "billing/send_invoice_email")
    plan = applied.run("plan", *target)
    assert "L803" not in plan.stderr, plan.stderr
    result = applied.run("apply", *target, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert names(applied, BILLING) == ["send_payment_link"]
    refused = applied.run("apply", "--prune", "--target", "billing/*", "--auto-approve")
    assert refused.exit_code == 1 and "A905" in refused.stderr  # now it would empty billing
    assert names(applied, BILLING) == ["send_payment_link"]


def test_a_saved_partial_plan_carries_its_scope_and_is_applied_exactly(
    site: Any, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    made = site.run("plan", "--target", "billing/send_invoice_email", "--out", plan_file)
    assert made.exit_code == 0, made.output
    saved = json.loads(plan_file.read_text())
    assert saved["scope"]["targets"] == ["billing/send_invoice_email"]
    assert saved["scope"]["excludes"] == []
    assert saved["scope"]["left_out"] == SUPPORT_TOOLS + 1
    assert "billing/send_payment_link" in saved["scope"]["left_out_addresses"]
    assert [c["address"] for c in saved["changes"]] == ["billing/send_invoice_email"]
    result = site.run("apply", plan_file)
    assert result.exit_code == 0, result.output
    assert names(site, BILLING) == ["send_invoice_email"]
    assert site.tools(SUPPORT) == []


def test_a_stale_saved_partial_plan_is_refused(applied: Any, tmp_path: Path) -> None:
    file = applied.root / "actions" / "support" / "send_booking_confirmation.yaml"
    file.write_text(file.read_text().replace("Hi, your booking", "Hello, your booking"))
    plan_file = tmp_path / "plan.json"
    target = "support/send_booking_confirmation"
    assert applied.run("plan", "--target", target, "--out", plan_file).exit_code == 0
    tool = applied.tool("send_booking_confirmation")
    applied.rest(
        "PATCH", f"/agents/{SUPPORT}/tools/{tool['id']}", {"description": "edited elsewhere"}
    )
    before = applied.all_tools()
    result = applied.run("apply", plan_file)
    assert result.exit_code == 3, result.output
    assert "A904" in result.stderr and "changed since planning" in result.stderr
    assert applied.all_tools() == before


def test_a_target_that_matches_nothing_is_an_error(site: Any) -> None:
    for args in (("plan",), ("apply", "--auto-approve")):
        result = site.run(*args, "--target", "billing/send_*", "--target", "billing/nope")
        assert result.exit_code == 1, result.output
        assert "A913" in result.stderr and "'billing/nope' matches no tool" in result.stderr
        assert "Traceback" not in result.output
    assert site.tools(BILLING) == []


def test_an_exclude_that_matches_nothing_is_an_error(site: Any) -> None:
    result = site.run("apply", "--exclude", "billing/send_invoice", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "--exclude: error A913 'billing/send_invoice'" in result.stderr
    assert site.tools(BILLING) == [] and site.tools(SUPPORT) == []


def test_an_address_that_is_not_agent_slash_name_is_an_error(site: Any) -> None:
    for address in ("billing", "billing/", "/x", "a/b/c"):
        result = site.run("plan", "--target", address)
        assert result.exit_code == 1, result.output
        assert "A913" in result.stderr and "is not agent/name" in result.stderr


def test_a_saved_plan_takes_no_scope_flags(site: Any, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    result = site.run("apply", plan_file, "--target", "billing/*")
    assert result.exit_code == 1  # a usage error
    assert "a saved plan keeps the scope" in result.stderr
    assert site.tools(BILLING) == []


def test_markdown_and_json_say_the_plan_is_partial(site: Any) -> None:
    markdown = site.run("plan", "--format", "markdown", "--exclude", "support/*")
    assert markdown.exit_code == 0, markdown.output
    assert "> [!NOTE]" in markdown.stdout
    assert f"> Partial plan: {SUPPORT_TOOLS} changes outside `--exclude support/*`" in (
        markdown.stdout
    )
    data = site.plan_json("--exclude", "support/*")
    assert data["scope"]["excludes"] == ["support/*"]
    assert data["scope"]["left_out"] == SUPPORT_TOOLS
    assert "scope" not in site.plan_json()  # a whole plan: as before


def test_the_confirmation_restates_that_the_plan_is_partial() -> None:
    from compiler.apply.session import restatement
    from compiler.plan.model import CREATE, Change, Plan, Scope

    change = Change("billing/x", "billing", BILLING, "x", CREATE, after={"name": "x"})
    scope = Scope(targets=("billing/*",), left_out=("support/y",))
    plan = Plan("dev", {"platform": "openmic"}, [change], scope=scope)
    lines = restatement(plan, "OpenMic at example.test")
    assert lines[-1] == (
        "  Partial plan: 1 change outside --target billing/* is not included: support/y."
    )
