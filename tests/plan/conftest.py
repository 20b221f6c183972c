"""A plan with every kind of change, built from hand-made compiled tools and live dicts."""

from __future__ import annotations

from typing import Any

import pytest

from compiler.canonical import canonical_tool
from compiler.model import CompiledTool
from compiler.plan.build import build_plan
from compiler.plan.live import LiveState, index_by_name
from compiler.plan.model import Plan

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
