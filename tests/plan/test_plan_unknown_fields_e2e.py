"""The review's report, end to end over HTTP: a field the platform adds that actionctl
does not know (``voice_hint``) is no endless diff, is never PATCHed away, and editing it
still makes a saved plan stale."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_API_KEY, emulator_rest, write_openmic_config

KEY_ENV = "ACTIONCTL_TEST_OPENMIC_KEY"
AGENTS = {"support": "agent_support_dev", "billing": "agent_billing_dev"}
TOOL = "send_booking_confirmation"


@dataclass
class Project:
    root: Path
    url: str
    cli: Callable[..., Any]

    def run(self, *args: str | Path) -> Any:
        return self.cli("--project", self.root, "--no-color", *args)

    def tool(self) -> dict[str, Any]:
        listed = emulator_rest(self.url, "GET", f"/agents/{AGENTS['support']}/tools")
        (found,) = [t for t in listed["tools"] if t["name"] == TOOL]
        return dict(found)

    def patch_tool(self, body: dict[str, Any]) -> None:
        path = f"/agents/{AGENTS['support']}/tools/{self.tool()['id']}"
        emulator_rest(self.url, "PATCH", path, body)

    def change(self) -> dict[str, Any]:
        result = self.run("plan", "--format", "json")
        assert result.exit_code == 0, result.output
        changes = json.loads(result.stdout)["changes"]
        (found,) = [c for c in changes if c["address"] == f"support/{TOOL}"]
        return dict(found)


@pytest.fixture
def applied(
    example_project: Path,
    emulator: Any,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> Project:
    """The example project applied to an emulator (``platform: openmic``), and then
    ``voice_hint`` added to one tool over REST, as the real platform does."""
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    for uid in AGENTS.values():
        emulator.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    write_openmic_config(example_project, emulator.url, KEY_ENV, AGENTS)
    project = Project(example_project, emulator.url, cli)
    result = project.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    project.patch_tool({"voice_hint": "x"})
    assert project.tool()["voice_hint"] == "x"
    return project


def test_a_live_only_unknown_field_is_no_change(applied: Project) -> None:
    result = applied.run("plan", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No changes.")
    assert "voice_hint" not in result.stdout
    change = applied.change()
    assert change["action"] == "no-op"
    assert change["changed_paths"] == []
    assert change["ignored_live_fields"] == {"voice_hint": "x"}


def test_applying_a_real_change_keeps_the_unknown_field(applied: Project) -> None:
    action = applied.root / "actions" / "support" / f"{TOOL}.yaml"
    source = action.read_text()
    assert "Sends a booking confirmation SMS" in source
    action.write_text(source.replace("confirmation SMS", "confirmation text message"))
    change = applied.change()
    assert (change["action"], change["changed_paths"]) == ("update", ["description"])
    result = applied.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    tool = applied.tool()
    assert tool["voice_hint"] == "x"
    assert tool["description"].startswith("Sends a booking confirmation text message")
    again = applied.run("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_editing_only_the_unknown_field_makes_a_saved_plan_stale(
    applied: Project, tmp_path: Path
) -> None:
    applied.patch_tool({"speak_after_execution": False})  # drift: a change to apply
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    applied.patch_tool({"voice_hint": "edited"})
    result = applied.run("apply", plan_file)
    assert result.exit_code == 3, result.output
    assert "changed since planning" in result.output
    tool = applied.tool()
    assert (tool["voice_hint"], tool["speak_after_execution"]) == ("edited", False)


def test_apply_does_not_warn_about_an_ignored_field(applied: Project) -> None:
    applied.patch_tool({"speak_after_execution": False})
    result = applied.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "voice_hint" not in result.output
