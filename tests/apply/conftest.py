"""End-to-end setting for apply tests: the repository's example project pointed at a
real emulator over HTTP (``platform: openmic``), with its agents created there."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import TEST_API_KEY, deployable_on_openmic, emulator_rest

KEY_ENV = "ACTIONCTL_TEST_OPENMIC_KEY"
AGENTS = {"support": "agent_support_dev", "billing": "agent_billing_dev"}


@dataclass
class Site:
    """A project directory wired to one emulator, plus REST access behind actionctl's back."""

    root: Path
    server: Any
    cli: Callable[..., Any]

    @property
    def url(self) -> str:
        return str(self.server.url)

    def run(self, *args: str | Path) -> Any:
        return self.cli("--project", self.root, "--no-color", *args)

    def rest(self, method: str, path: str, body: Any = None) -> Any:
        return emulator_rest(self.url, method, path, body)

    def tools(self, agent: str = "agent_support_dev") -> list[dict[str, Any]]:
        assert self.server.store is not None
        return list(self.server.store.list_tools(agent).items)

    def tool(self, name: str, agent: str = "agent_support_dev") -> dict[str, Any]:
        (found,) = [t for t in self.tools(agent) if t["name"] == name]
        return found

    def all_tools(self) -> dict[str, list[dict[str, Any]]]:
        return {uid: self.tools(uid) for uid in AGENTS.values()}

    def plan_json(self, *args: str) -> dict[str, Any]:
        result = self.run("plan", "--format", "json", *args)
        assert result.exit_code == 0, result.output
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    def apply_with_one_bad_create(self, plan_file: Path) -> Any:
        """Plan into ``plan_file``, break the create of support/send_summary_sms there (a
        static SMS without its message, which the platform refuses), apply that plan."""
        assert self.run("plan", "--out", plan_file).exit_code == 0
        data = json.loads(plan_file.read_text())
        bad = next(c for c in data["changes"] if c["address"] == "support/send_summary_sms")
        bad["after"]["static_params"] = {"type": "static"}  # the platform requires a message
        plan_file.write_text(json.dumps(data))
        return self.run("apply", plan_file)

    def pending(self, *args: str) -> dict[str, str]:
        """address -> action for every change of a fresh plan (no-ops left out)."""
        return {
            c["address"]: c["action"]
            for c in self.plan_json(*args)["changes"]
            if c["action"] != "no-op"
        }


def point_at(root: Path, url: str, **config: Any) -> None:
    """Rewrite the project's actionctl.yaml to target the emulator at ``url`` (unpaced:
    the emulator has no limit unless a test gives it one)."""
    data = yaml.safe_load((root / "actionctl.yaml").read_text())
    data.update({"platform": "openmic", "base_url": url, "api_key_env": KEY_ENV})
    data.update({"rate_limit": {"requests_per_minute": None}}, **config)
    (root / "actionctl.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    deployable_on_openmic(root)


def add_agents(server: Any) -> None:
    for uid in AGENTS.values():
        server.store.create_agent({"name": uid, "prompt": ""}, uid=uid)


@pytest.fixture(autouse=True)
def quick_create_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Creates whose outcome is unknown wait before looking up; in-process tests keep
    that wait short (subprocess applies use the real one)."""
    monkeypatch.setattr("compiler.apply.create_once.CREATE_BACKOFF_BASE", 0.01)


@pytest.fixture
def site_factory(
    example_project: Path,
    emulator_factory: Callable[..., Any],
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Site]:
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)

    def make(**emulator_config: Any) -> Site:
        server = emulator_factory(**emulator_config)
        add_agents(server)
        point_at(example_project, server.url)
        return Site(example_project, server, cli)

    return make


@pytest.fixture
def site(site_factory: Callable[..., Site]) -> Site:
    return site_factory()


@pytest.fixture
def applied(site: Site) -> Site:
    """The example project applied once (13 tools live)."""
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    return site
