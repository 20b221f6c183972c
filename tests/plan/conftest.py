"""A plan with every kind of change, built from hand-made compiled tools and live dicts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.canonical import canonical_tool
from compiler.model import CompiledTool
from compiler.plan.build import build_plan
from compiler.plan.live import LiveState, index_by_name
from compiler.plan.model import Plan
from tests.conftest import TEST_API_KEY, write_openmic_config
from tests.plan.git_project import AGENTS, GIT_ENV, KEY_ENV, GitProject

TARGET = {"platform": "openmic", "base_url": "http://127.0.0.1:8080", "api_prefix": "/v2"}

DESIRED: list[dict[str, Any]] = [
    {
        "type": "send_sms",
        "name": "send_booking_confirmation",
        "description": "Sends a booking confirmation SMS to the caller once the booking is made.",
        "parameters": {
            "type": "object",
            "properties": {
                "booking_reference": {"type": "string", "description": "The booking reference"},
                "phone": {"type": "string"},
            },
            "required": ["phone", "booking_reference"],
        },
        "static_params": {
            "type": "static",
            "message": "Hi!\nYour booking {{ booking_reference }} is confirmed.\nSee you soon.",
        },
        "speak_after_execution": False,
    },
    {"type": "api_request", "name": "check_order", "url": "https://shop.example/orders"},
    {"type": "end_call", "name": "hang_up", "static_params": {"end_message": "Goodbye"}},
    {
        "type": "transfer_call",
        "name": "transfer_to_sales",
        "description": "Transfers the caller to sales.",
        "static_params": {"transfer_type": "cold", "default_transfer_number": "+15550001234"},
        "speak_during_execution": False,
        "speak_after_execution": False,
    },
]

LIVE: list[dict[str, Any]] = [
    {
        "id": 7,
        "created_at": "2026-01-01T00:00:00Z",
        "type": "send_sms",
        "name": "send_booking_confirmation",
        "description": "Sends a booking reminder SMS to the caller once the booking is made.",
        "parameters": {
            "type": "object",
            "properties": {"booking_reference": {"type": "string", "description": "Reference"}},
            "required": ["booking_reference"],
        },
        "static_params": {
            "type": "static",
            "message": "Hi!\nYour booking {{booking_reference}} is booked.\nSee you soon.",
            "to_number": "+15550009999",
        },
    },
    {"id": 8, "type": "function", "name": "check_order", "use_raw_schema": True},
    {"id": 9, "type": "end_call", "name": "hang_up", "static_params": {"end_message": "Goodbye"}},
    {"id": 10, "type": "dtmf", "name": "press_one", "static_params": {"digits": "1"}},
]


def every_kind_plan(*, prune: bool = True) -> Plan:
    desired = {}
    for payload in DESIRED:
        tool = CompiledTool("support", "agent_dev_1", payload["name"], canonical_tool(payload))
        desired[tool.address] = tool
    tools, problems = index_by_name("agent_dev_1", LIVE)
    assert not problems
    live = LiveState(tools={"agent_dev_1": tools})
    return build_plan(
        desired,
        live,
        environment="dev",
        target=TARGET,
        agents={"support": "agent_dev_1"},
        prune=prune,
    )


@pytest.fixture
def plan() -> Plan:
    return every_kind_plan()


@pytest.fixture
def make_plan() -> Any:
    return every_kind_plan


@pytest.fixture
def deployed(
    example_project: Path,
    emulator: Any,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> GitProject:
    """The example project committed on ``main`` of a fresh repository and applied to
    an emulator; the working tree is then on branch ``pr``."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(example_project.parent))  # no user git config
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    for uid in AGENTS.values():
        emulator.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    write_openmic_config(example_project, emulator.url, KEY_ENV, AGENTS)
    project = GitProject(example_project, emulator.url, cli)
    project.git("init", "-q", "-b", "main")
    project.commit_all("deployed configuration")
    result = project.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    project.git("checkout", "-q", "-b", "pr")
    return project
