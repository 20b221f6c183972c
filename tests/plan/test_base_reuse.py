"""``plan --base REF`` reuses what the working tree loaded for the files unchanged since
REF; the base it builds so must be the one a full export of REF gives. Real git
repositories in tmp_path, the emulator over HTTP as the platform, "dashboard" edits
straight through its API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compiler.load import load_project
from compiler.plan.at_ref import base_tools, project_at
from tests.plan.git_project import (
    AGENTS,
    BOOKING,
    BOOKING_TOOL,
    GIT_ENV,
    NEW_MESSAGE,
    OLD_MESSAGE,
    GitProject,
    field_classes,
)

CALL_CONTROL = "actions/support/call_control.yaml"  # two actions in one file
PAYMENT_LINK = "actions/billing/send_payment_link.yaml"
INVOICE = "actions/billing/send_invoice_email.yaml"
GOODBYE = "Thank you for calling Northside Clinic. Goodbye!"


def base_of(root: Path, ref: str, *, reuse: bool) -> dict[str, Any]:
    """What the base at ``ref`` is made of, and its tools (every one compiled), built
    reusing the working tree's loaded files or from a full export."""
    working = load_project(root).project
    assert working is not None
    environment = working.config.environment(None)
    assert environment is not None
    with project_at(root, ref, allow_empty=True, working=working if reuse else None) as at_ref:
        project = at_ref.project
        tools = base_tools(at_ref, working.config.platform, environment).tools
        return {
            "reused": at_ref.reused,
            "documents": [(d.file, d.index, d.data) for d in project.documents],
            "channels": [(c.name, c.phone_number, c.source.file) for c in project.channels],
            "actions": [
                (a.address, a.type, dict(a.fields), a.source.file) for a in project.actions
            ],
            "tools": {key: dict(payload) for key, payload in tools.items()},
        }


def branch_edits(project: GitProject) -> None:
    """One action of a two-action file edited, a file deleted (REF has it, the working
    tree does not), a message reworded (committed) and a file added (not committed)."""
    project.edit(CALL_CONTROL, GOODBYE, "Goodbye from Northside Clinic!")
    (project.root / PAYMENT_LINK).unlink()
    project.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    project.commit_all("pr: edits")
    (project.root / "actions/support/extra.yaml").write_text(
        "kind: action\ntype: openmic.dtmf\nagent: support\nname: press_two\n"
        "description: Presses 2 on the keypad.\nstatic_params:\n  digits: '2'\n",
        encoding="utf-8",
    )


def test_the_base_built_with_reuse_is_the_base_a_full_export_gives(deployed: GitProject) -> None:
    branch_edits(deployed)

    reused = base_of(deployed.root, "main", reuse=True)
    full = base_of(deployed.root, "main", reuse=False)

    # The unchanged files were reused, the changed ones read at REF.
    assert INVOICE in reused["reused"] and "channels/billing-desk.yaml" in reused["reused"]
    assert not {CALL_CONTROL, PAYMENT_LINK, BOOKING} & reused["reused"]
    assert full["reused"] == frozenset()
    # The same documents, channels and actions in the same order, the same tools.
    for part in ("documents", "channels", "actions", "tools"):
        assert reused[part] == full[part], part
    assert ("agent_billing_dev", "send_payment_link") in reused["tools"]  # only at REF
    assert ("agent_support_dev", "press_two") not in reused["tools"]  # only here


@pytest.fixture
def local_repo(example_project: Path, monkeypatch: pytest.MonkeyPatch) -> GitProject:
    """The example project for the local platform (whose SMS payload carries the
    channel's number), committed on ``main``; the working tree on branch ``pr``."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(example_project.parent))
    (example_project / "actionctl.yaml").write_text(
        "platform: local\ndefault_environment: dev\nenvironments:\n  dev:\n    agents:\n"
        + "".join(f"      {agent}: {uid}\n" for agent, uid in AGENTS.items()),
        encoding="utf-8",
    )
    project = GitProject(example_project, "", lambda *args: None)
    project.git("init", "-q", "-b", "main")
    project.commit_all("configuration")
    project.git("checkout", "-q", "-b", "pr")
    return project


def test_a_changed_channel_still_gives_the_base_of_a_full_export(local_repo: GitProject) -> None:
    # The compiler reads channels: with a channel changed since REF no action compiles
    # at REF as it does here, whatever its file.
    local_repo.edit("channels/customer-notifications.yaml", "+15550000001", "+15550000009")
    local_repo.edit(CALL_CONTROL, GOODBYE, "Goodbye from Northside Clinic!")

    reused = base_of(local_repo.root, "main", reuse=True)
    full = base_of(local_repo.root, "main", reuse=False)

    assert BOOKING in reused["reused"]
    assert reused["tools"] == full["tools"]
    booking = str(reused["tools"][(AGENTS["support"], BOOKING_TOOL)])
    assert "+15550000001" in booking and "+15550000009" not in booking


def test_each_kind_is_classified_in_reused_and_in_read_files_alike(deployed: GitProject) -> None:
    branch_edits(deployed)
    # The dashboard edits one tool of the file edited in the branch (read at REF), one of
    # a file unchanged since REF (reused), and the tool the branch rewords too.
    deployed.dashboard_patch("press_one_for_reception", {"description": "Dashboard."})
    deployed.dashboard_patch("send_invoice_email", {"description": "Dashboard."}, "billing")
    deployed.dashboard_message(BOOKING_TOOL, "Confirmed! Ref {{booking_reference}} (dashboard)")

    three_way = deployed.three_way("--base", "main", "--prune")

    assert field_classes(three_way) == {
        ("support/end_call", "static_params.end_message"): "change",
        ("support/press_one_for_reception", "description"): "drift",
        ("billing/send_invoice_email", "description"): "drift",
        ("billing/send_payment_link", ""): "change",  # deleted in this branch
        (f"support/{BOOKING_TOOL}", "static_params.message"): "conflict",
        ("support/press_two", ""): "change",  # new in this branch
    }


def test_rules_across_files_still_read_the_reused_files(deployed: GitProject) -> None:
    # REF declares end_call twice: in call_control.yaml (unchanged, so reused) and in a
    # file this branch no longer has. Only a base that holds both sees it.
    duplicate = deployed.root / "actions/support/duplicate.yaml"
    duplicate.write_text(
        "kind: action\ntype: openmic.end_call\nagent: support\nname: end_call\n"
        "description: Ends the call.\nstatic_params:\n  end_message: Bye.\n",
        encoding="utf-8",
    )
    deployed.git("checkout", "-q", "main")
    deployed.commit_all("a second end_call")
    deployed.git("checkout", "-q", "pr")
    assert not duplicate.exists()

    result = deployed.run("plan", "--base", "main")

    assert result.exit_code == 1, result.output
    assert "L843" in result.stderr
    assert "main:actions/support/duplicate.yaml" in result.stderr
