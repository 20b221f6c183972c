"""The whole life cycle against the emulator in strict mode, through the contract check.

plan -> apply -> plan (no changes) -> remove optional fields -> apply -> plan (no
changes) -> import, with every request actionctl sends and every response of the
emulator validated against docs/openapi/openmic-tools.yaml (the emulator_factory
fixture fails the test at teardown on any violation; here it is also asserted inline).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TEST_API_KEY, CliResult, write_files, write_openmic_config

KEY_ENV = "ACTIONCTL_TEST_CONTRACT_KEY"
AGENTS = {"support": "agent_contract"}

LOOKUP = """\
kind: action
type: api_call
agent: support
name: lookup_order
description: Looks an order up.
url: https://api.example.com/orders
method: POST
timeout_ms: 5000
parameters_schema:
  type: object
  properties:
    order_id: {type: string, description: The order number}
  required: [order_id]
"""

HANG_UP = """\
kind: action
type: openmic.end_call
agent: support
name: hang_up
description: Ends the call politely.
static_params:
  end_message: Goodbye, and thank you for calling!
"""

# The vendor's own naming style: spaces and capitals, valid on the platform.
CONFIRMATION = """\
kind: action
type: openmic.send_sms
agent: support
name: Send Appointment Confirmation
description: Texts the caller their appointment time.
static_params:
  type: static
  message: "See you at {{time}}."
"""

SUMMARY = """\
kind: action
type: send_text_message
agent: support
name: send_summary
description: Texts the caller a summary of the call.
recipient: contact
"""


@pytest.fixture
def site(
    tmp_path: Path,
    emulator: Any,
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, Any, Callable[..., CliResult]]:
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    emulator.store.create_agent({"name": "Support", "prompt": ""}, uid=AGENTS["support"])
    root = tmp_path / "project"
    write_files(
        root,
        {
            "actions/lookup.yaml": LOOKUP,
            "actions/hang_up.yaml": HANG_UP,
            "actions/confirmation.yaml": CONFIRMATION,
            "actions/summary.yaml": SUMMARY,
        },
    )
    write_openmic_config(root, emulator.url, KEY_ENV, AGENTS)
    return root, emulator, cli


def _run(cli: Callable[..., CliResult], root: Path, *args: str | Path) -> CliResult:
    return cli("--project", root, "--no-color", *args)


def _pending(cli: Callable[..., CliResult], root: Path) -> dict[str, str]:
    result = _run(cli, root, "plan", "--format", "json")
    assert result.exit_code == 0, result.output
    return {
        c["address"]: c["action"]
        for c in json.loads(result.stdout)["changes"]
        if c["action"] != "no-op"
    }


def _live(server: Any, name: str) -> dict[str, Any]:
    (tool,) = [t for t in server.store.list_tools(AGENTS["support"]).items if t["name"] == name]
    return dict(tool)


def test_the_life_cycle_speaks_the_contract(
    site: tuple[Path, Any, Callable[..., CliResult]], tmp_path: Path
) -> None:
    root, server, cli = site
    assert _run(cli, root, "validate").exit_code == 0
    assert len(_pending(cli, root)) == 4
    applied = _run(cli, root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert _pending(cli, root) == {}
    assert _live(server, "lookup_order")["api_timeout"] == 5000

    # Remove optional fields: a nested one (end_message) and a top-level one with no
    # value meaning "absent" (api_timeout), which is therefore a replace.
    (root / "actions/hang_up.yaml").write_text(HANG_UP.split("static_params:")[0])
    (root / "actions/lookup.yaml").write_text(LOOKUP.replace("timeout_ms: 5000\n", ""))
    assert _pending(cli, root) == {
        "support/hang_up": "update",
        "support/lookup_order": "replace",
    }
    text_plan = _run(cli, root, "plan")
    assert "api_timeout removed; the platform has no null to remove it in place" in (
        text_plan.stdout
    )
    applied = _run(cli, root, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert _pending(cli, root) == {}
    assert (
        "static_params" not in _live(server, "hang_up")
        or not _live(server, "hang_up")["static_params"]
    )
    assert "api_timeout" not in _live(server, "lookup_order")

    out = tmp_path / "imported"
    imported = _run(cli, root, "import", "--include-declared", "--out", out)
    assert imported.exit_code == 0, imported.output
    confirmation = yaml.safe_load(
        (out / "actions/support/Send-Appointment-Confirmation.yaml").read_text()
    )
    assert confirmation["name"] == "Send Appointment Confirmation"

    assert server.contract.checked_requests >= 20
    assert server.contract.violations == []


def test_an_account_named_the_vendors_way_imports_validates_and_plans_clean(
    site: tuple[Path, Any, Callable[..., CliResult]], tmp_path: Path
) -> None:
    _, server, cli = site
    uid = AGENTS["support"]
    for name in ("Send Appointment Confirmation", "Send Link"):
        server.store.create_tool(
            uid,
            {"type": "send_sms", "name": name, "static_params": {"type": "prompt", "message": "x"}},
        )
    fresh = tmp_path / "fresh"
    write_openmic_config(fresh, server.url, KEY_ENV, AGENTS)
    imported = _run(cli, fresh, "import")
    assert imported.exit_code == 0, imported.output
    assert "I011" not in imported.output
    assert _run(cli, fresh, "validate").exit_code == 0
    plan = _run(cli, fresh, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.output
    assert server.contract.violations == []
