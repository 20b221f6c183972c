"""``actionctl plan`` in-process against the embedded local platform."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from compiler.platform.local import LocalPlatform

EXAMPLE_TOOLS = 13


def local(project: Path) -> LocalPlatform:
    return LocalPlatform(project / ".actionctl" / "platform.db")


def test_text_plan_on_stdout_with_summary_first(run: Any) -> None:
    result = run("plan")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0]
        == f"Plan: {EXAMPLE_TOOLS} to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged."
    )
    assert lines[1] == "Environment 'dev' on local .actionctl/platform.db"
    assert "  + support/send_booking_confirmation  (create, " in result.stdout
    assert "\x1b[" not in result.stdout


def test_detailed_exitcode(run: Any) -> None:
    assert run("plan", "--detailed-exitcode").exit_code == 2
    assert run("apply", "--auto-approve").exit_code == 0
    assert run("plan", "--detailed-exitcode").exit_code == 0
    assert run("plan").exit_code == 0


def test_out_saves_json_whatever_the_format(run: Any, tmp_path: Path) -> None:
    out = tmp_path / "saved" / "plan.json"
    result = run("plan", "--format", "markdown", "--out", out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "<!-- actionctl-plan -->"
    assert lines[1].startswith("<!-- actionctl-plan-summary: {")
    assert lines[2].startswith("### Plan for `dev`") and ": 13 to create" in lines[2]
    saved = json.loads(out.read_text())
    assert saved["format_version"] == 1
    assert saved["environment"] == "dev"
    assert saved["target"]["platform"] == "local"
    assert saved["summary"]["create"] == EXAMPLE_TOOLS
    printed = json.loads(run("plan", "--format", "json").stdout)
    assert printed == saved
    assert [p.name for p in out.parent.iterdir()] == ["plan.json"]


def test_diagnostics_go_to_stderr_in_the_diagnostics_format(
    run: Any, example_project: Path
) -> None:
    action = example_project / "actions" / "support" / "send_booking_confirmation.yaml"
    action.write_text(action.read_text().replace("{{ .parameters.booking_reference }}", "x"))
    result = run("--diagnostics-format", "json", "plan", "--format", "json")
    assert result.exit_code == 0, result.output
    diagnostics = json.loads(result.stderr)
    assert diagnostics and all(d["severity"] == "warning" for d in diagnostics)
    assert json.loads(result.stdout)["format_version"] == 1


def test_errors_exit_1_with_nothing_on_stdout(run: Any, example_project: Path) -> None:
    action = example_project / "actions" / "support" / "send_booking_confirmation.yaml"
    action.write_text(
        action.read_text().replace("{{ .parameters.booking_reference }}", "{{ .parameters.nope }}")
    )
    result = run("plan", "--detailed-exitcode")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "send_booking_confirmation.yaml:" in result.stderr


def test_unknown_environment_is_an_error(run: Any) -> None:
    result = run("--env", "staging", "plan")
    assert result.exit_code == 1
    assert "unknown environment 'staging'" in result.stderr


def test_prune_comes_from_the_project_and_the_flag_overrides(
    run: Any, example_project: Path
) -> None:
    assert run("apply", "--auto-approve").exit_code == 0
    platform = local(example_project)
    platform.create_tool("agent_support_dev", {"type": "end_call", "name": "stray"})
    platform.close()
    plain = run("plan", "--format", "json")
    data = json.loads(plain.stdout)
    assert [u["address"] for u in data["unmanaged"]] == ["support/stray"]
    assert data["summary"]["delete"] == 0

    config = example_project / "actionctl.yaml"
    config.write_text(config.read_text().replace("prune: false", "prune: true"))
    pruning = json.loads(run("plan", "--format", "json").stdout)
    assert pruning["summary"]["delete"] == 1 and pruning["prune"] is True
    assert (
        json.loads(run("plan", "--no-prune", "--format", "json").stdout)["summary"]["delete"] == 0
    )


def test_markdown_plan_lists_tools_in_details(run: Any) -> None:
    result = run("plan", "--format", "markdown")
    assert result.stdout.count("<details><summary><code>+ ") == EXAMPLE_TOOLS
    assert "| + | `support/end_call` | create: new `end_call` tool |" in result.stdout
