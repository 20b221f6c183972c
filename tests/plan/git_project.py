"""A real git repository holding the example project, deployed to an emulator over HTTP:
what the three-way plan, drift and revert tests work on."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import emulator_rest

KEY_ENV = "ACTIONCTL_TEST_OPENMIC_KEY"
AGENTS = {"support": "agent_support_dev", "billing": "agent_billing_dev"}
BOOKING = "actions/support/send_booking_confirmation.yaml"
BOOKING_TOOL = "send_booking_confirmation"
OLD_MESSAGE = "Hi, your booking is confirmed! Reference: {{ .parameters.booking_reference }}."
NEW_MESSAGE = "Booking confirmed. Your reference: {{ .parameters.booking_reference }}."
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, input_text: str | None = None) -> str:
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


@dataclass
class GitProject:
    root: Path
    url: str
    cli: Callable[..., Any]

    def run(self, *args: str | Path) -> Any:
        return self.cli("--project", self.root, "--no-color", *args)

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def commit_all(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    # --- the "dashboard": the API, behind actionctl's back ---

    def tools(self, agent: str = "support") -> list[dict[str, Any]]:
        listed = emulator_rest(self.url, "GET", f"/agents/{AGENTS[agent]}/tools")
        return sorted(listed["tools"], key=lambda t: t["name"])

    def tool(self, name: str, agent: str = "support") -> dict[str, Any]:
        (found,) = [t for t in self.tools(agent) if t["name"] == name]
        return dict(found)

    def dashboard_patch(self, name: str, body: dict[str, Any], agent: str = "support") -> None:
        path = f"/agents/{AGENTS[agent]}/tools/{self.tool(name, agent)['id']}"
        emulator_rest(self.url, "PATCH", path, body)

    def dashboard_message(self, name: str, message: str) -> None:
        static_params = dict(self.tool(name)["static_params"])
        static_params["message"] = message
        self.dashboard_patch(name, {"static_params": static_params})

    def three_way(self, *args: str) -> dict[str, Any]:
        result = self.run("plan", "--format", "json", *args)
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)["three_way"]
        return data


def field_classes(three_way: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(tool address, field path or "") -> class, for every classified difference."""
    out: dict[tuple[str, str], str] = {}
    for tool in three_way["tools"]:
        for field in tool["fields"] or [{"path": "", "class": tool["class"]}]:
            out[(tool["address"], field["path"])] = field["class"]
    return out


def edit_config(project: GitProject, **changes: Any) -> None:
    path = project.root / "actionctl.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def move_project(project: GitProject, folder: str) -> GitProject:
    """The project moved into ``folder`` of its repository (committed as ``git mv``)."""
    (project.root / folder).mkdir()
    project.git("mv", "actionctl.yaml", "actions", "channels", folder)
    project.commit_all(f"move the project to {folder}/")
    return GitProject(project.root / folder, project.url, project.cli)
