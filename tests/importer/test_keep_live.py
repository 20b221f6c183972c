"""``import --only AGENT/NAME`` keeps a dashboard edit: the declared document is rewritten
in its own file to the live tool, comments and fields the platform lacks kept, other
documents untouched; the project then validates and plans "No changes". It never adopts
a tool and never declares one twice; on any error nothing is written."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_API_KEY, CliResult, write_openmic_config


def _edit_live(project: Path, name: str, edit: Callable[[dict[str, Any]], None]) -> None:
    with sqlite3.connect(project / ".actionctl" / "platform.db") as db:
        ((tool_id, body),) = db.execute("SELECT id, body FROM tools WHERE name = ?", (name,))
        tool = json.loads(body)
        edit(tool)
        db.execute("UPDATE tools SET body = ? WHERE id = ?", (json.dumps(tool), tool_id))


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yaml")}


def test_keeping_live_edits_rewrites_only_those_documents(
    example_project: Path, cli: Callable[..., CliResult]
) -> None:
    assert cli("--project", example_project, "apply", "--auto-approve", "-q").exit_code == 0
    sms = example_project / "actions/support/send_booking_confirmation.yaml"
    sms.write_text("# Confirms a booking; owned by the front desk team.\n" + sms.read_text())
    _edit_live(
        example_project,
        "send_booking_confirmation",
        lambda tool: tool["static_params"].update(
            message=tool["static_params"]["message"] + " Bye!"
        ),
    )
    _edit_live(
        example_project,
        "check_availability",
        lambda tool: tool["static_params"].update(days_ahead=21),
    )
    before = _files(example_project)
    assert cli("--project", example_project, "plan", "--detailed-exitcode").exit_code == 2

    result = cli(
        "--project",
        example_project,
        "--no-color",
        "import",
        "--only",
        "support/send_booking_confirmation",
        "--only",
        "support/check_availability",
    )

    assert result.exit_code == 0, result.output
    after = _files(example_project)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {
        "actions/support/send_booking_confirmation.yaml",
        "actions/support/scheduling.yaml",
    }
    assert set(after) == set(before)  # no file added: nothing adopted, nothing declared twice
    text = sms.read_text()
    assert text.startswith("# Confirms a booking; owned by the front desk team.\n")
    assert "messaging_channel: Customer notifications" in text
    assert "{{ .parameters.booking_reference }}. Bye!" in text
    # The other two documents of scheduling.yaml keep their text to the byte.
    old_docs = before["actions/support/scheduling.yaml"].decode().split("\n---\n")
    new_docs = after["actions/support/scheduling.yaml"].decode().split("\n---\n")
    assert old_docs[1:] == new_docs[1:] and "days_ahead: 21" in new_docs[0]
    assert cli("--project", example_project, "validate").exit_code == 0
    planned = cli("--project", example_project, "--no-color", "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_messaging_channel_is_kept_on_openmic_where_the_platform_does_not_hold_it(
    example_project: Path,
    cli: Callable[..., CliResult],
    emulator: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTIONCTL_TEST_KEEP_KEY", TEST_API_KEY)
    agents = {"support": "uid_support", "billing": "uid_billing"}
    for uid in agents.values():
        emulator.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    write_openmic_config(example_project, emulator.url, "ACTIONCTL_TEST_KEEP_KEY", agents)
    applied = cli("--project", example_project, "apply", "--auto-approve", "-q")
    assert applied.exit_code == 0, applied.output
    (tool,) = [
        t
        for t in emulator.store.list_tools("uid_support").items
        if t["name"] == "send_booking_confirmation"
    ]
    emulator.store.update_tool("uid_support", tool["id"], {"description": "Edited live."})

    address = "support/send_booking_confirmation"
    result = cli("--project", example_project, "import", "--only", address)

    assert result.exit_code == 0, result.output
    text = (example_project / "actions/support/send_booking_confirmation.yaml").read_text()
    assert "messaging_channel: Customer notifications" in text and "Edited live." in text
    assert "kept messaging_channel" in result.stderr
    assert cli("--project", example_project, "plan", "--detailed-exitcode").exit_code == 0


def test_an_undeclared_or_missing_tool_is_refused_and_nothing_is_written(
    example_project: Path, cli: Callable[..., CliResult]
) -> None:
    assert cli("--project", example_project, "apply", "--auto-approve", "-q").exit_code == 0
    _edit_live(
        example_project, "check_availability", lambda t: t["static_params"].update(days_ahead=9)
    )
    with sqlite3.connect(example_project / ".actionctl" / "platform.db") as db:
        db.execute("DELETE FROM tools WHERE name = 'end_call'")
    before = _files(example_project)

    for address, code in (("support/not_declared", "I025"), ("support/end_call", "I026")):
        result = cli(
            "--project",
            example_project,
            "--no-color",
            "import",
            "--only",
            "support/check_availability",
            "--only",
            address,
        )
        assert result.exit_code == 1 and code in result.stderr, result.output
        assert "Nothing was written." in result.stderr
        assert _files(example_project) == before


def test_only_takes_no_other_import_option(
    example_project: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("--project", example_project, "import", "--only", "a/b", "--agent", "a")
    assert result.exit_code != 0 and "--only" in result.stderr
