"""Conformance: the emulator's responses against the shapes in
shared/reference/openmic-api.md, written out here by hand (field names, status codes,
error bodies). If the reference changes, these expectations change with it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.platform.conftest import raw_client

# "Tool object" table of the reference.
TOOL_FIELDS = {
    "id",
    "type",
    "name",
    "description",
    "url",
    "method",
    "api_timeout",
    "parameters",
    "use_raw_schema",
    "static_params",
    "speak_during_execution",
    "speak_after_execution",
    "async",
    "created_at",
    "updated_at",
}
TOOL_TYPES = {
    "api_request",
    "function",
    "end_call",
    "transfer_call",
    "dtmf",
    "send_sms",
    "send_email",
    "call_booking",
    "check_calendar_availability",
    "check_working_hours",
}
LIST_KEYS = {"tools", "has_more", "next_cursor"}
PHONE_NUMBER_FIELDS = {
    "id",
    "phone_number",
    "name",
    "inbound_agent_uid",
    "outbound_agent_uid",
    "created_at",
    "updated_at",
}
ERROR_KEYS_REQUIRED = {"error"}
ERROR_KEYS_ALLOWED = {"error", "details"}
TOOLS_ENDPOINT_STATUSES = {200, 201, 204, 400, 401, 404, 429, 500}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

# One of each documented tool type, in the API's own fields.
EXAMPLES: dict[str, dict[str, Any]] = {
    "api_request": {"url": "https://example.com/hook", "method": "post", "api_timeout": 5000},
    "function": {"use_raw_schema": True, "parameters": {"type": "object", "properties": {}}},
    "end_call": {"static_params": {"end_message": "Goodbye"}},
    "transfer_call": {
        "static_params": {"transfer_type": "cold", "default_transfer_number": "+15550000009"},
        "speak_during_execution": False,
        "speak_after_execution": False,
    },
    "dtmf": {"static_params": {"digits": "1"}},
    "send_sms": {"static_params": {"type": "static", "message": "Ref {{ref}}"}},
    "send_email": {"static_params": {"to": "a@example.com", "subject": "s", "body": "b"}},
    "call_booking": {"static_params": {"calendar_integration": "clio", "duration_minutes": 30}},
    "check_calendar_availability": {
        "static_params": {"calendar_integration": "clio", "days_ahead": 7}
    },
    "check_working_hours": {
        "static_params": {
            "timezone": "Europe/Berlin",
            "working_hours": {"monday": {"start": "09:00", "end": "17:00"}},
        }
    },
}


@pytest.fixture
def agent(emulator: Any, api: httpx.Client) -> str:
    response = api.post("/h/v2/agents", json={"name": "Support", "prompt": "Help."})
    assert response.status_code == 201
    return str(response.json()["uid"])


def assert_tool_shape(tool: dict[str, Any]) -> None:
    assert set(tool) <= TOOL_FIELDS, set(tool) - TOOL_FIELDS
    assert isinstance(tool["id"], int) and not isinstance(tool["id"], bool)
    assert tool["type"] in TOOL_TYPES
    assert isinstance(tool["name"], str) and 1 <= len(tool["name"]) <= 255
    assert DATE_TIME.match(tool["created_at"]) and DATE_TIME.match(tool["updated_at"])


def assert_error_shape(response: httpx.Response, status: int) -> None:
    assert response.status_code == status
    body = response.json()
    assert ERROR_KEYS_REQUIRED <= set(body) <= ERROR_KEYS_ALLOWED
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body.get("details", ""), str)


@pytest.mark.parametrize("tool_type", sorted(TOOL_TYPES))
def test_every_documented_tool_type_round_trips(api: httpx.Client, agent: str, tool_type: str):
    payload = {"type": tool_type, "name": f"my_{tool_type}", **EXAMPLES[tool_type]}
    created = api.post(f"/h/v2/agents/{agent}/tools", json=payload)
    assert created.status_code == 201
    tool = created.json()
    assert_tool_shape(tool)
    for key, value in payload.items():
        assert tool[key] == value
    fetched = api.get(f"/h/v2/agents/{agent}/tools/{tool['id']}")
    assert fetched.status_code == 200 and fetched.json() == tool


def test_tools_endpoints_statuses_and_shapes(api: httpx.Client, agent: str):
    base = f"/h/v2/agents/{agent}/tools"
    created = api.post(base, json={"type": "dtmf", "name": "press_one", **EXAMPLES["dtmf"]})
    assert created.status_code == 201
    tool_id = created.json()["id"]

    listed = api.get(base, params={"page_size": 1})
    assert listed.status_code == 200
    body = listed.json()
    assert set(body) <= LIST_KEYS
    assert isinstance(body["has_more"], bool)
    # next_cursor: a string while more pages exist, absent (never null) on the last
    assert ("next_cursor" in body) == body["has_more"]
    assert isinstance(body.get("next_cursor", ""), str)
    for tool in body["tools"]:
        assert_tool_shape(tool)

    patched = api.patch(f"{base}/{tool_id}", json={"description": "Presses 1"})
    assert patched.status_code == 200
    assert_tool_shape(patched.json())

    deleted = api.delete(f"{base}/{tool_id}")
    assert deleted.status_code == 204 and deleted.content == b""


def test_page_size_limits_and_default(emulator: Any, api: httpx.Client, agent: str):
    for i in range(60):
        emulator.store.create_tool(agent, {"type": "dtmf", "name": f"t{i}"})
    base = f"/h/v2/agents/{agent}/tools"
    assert len(api.get(base).json()["tools"]) == 50  # default page_size
    assert len(api.get(base, params={"page_size": 1}).json()["tools"]) == 1
    assert len(api.get(base, params={"page_size": 100}).json()["tools"]) == 60
    assert_error_shape(api.get(base, params={"page_size": 0}), 400)
    assert_error_shape(api.get(base, params={"page_size": 101}), 400)


def test_error_bodies(emulator: Any, api: httpx.Client, agent: str):
    base = f"/h/v2/agents/{agent}/tools"
    assert_error_shape(api.post(base, json={"type": "dtmf"}), 400)  # missing name
    assert_error_shape(api.post(base, json={"type": "x", "name": "n"}), 400)  # bad type
    assert_error_shape(api.post(base, json={"type": "api_request", "name": "n"}), 400)  # url
    assert_error_shape(
        api.post(base, content=b"{", headers={"Content-Type": "application/json"}), 400
    )
    assert_error_shape(api.get("/h/v2/agents/unknown_agent/tools"), 404)
    assert_error_shape(api.get(f"{base}/123456"), 404)
    with raw_client(emulator, "not-the-key") as wrong:
        assert_error_shape(wrong.get(base), 401)
    with raw_client(emulator, None) as anonymous:
        assert_error_shape(anonymous.get(base), 401)
    assert emulator.stats.snapshot()["internal_errors"] == 0


def test_rate_limit_body_is_the_platforms(emulator_factory: Callable[..., Any]):
    server = emulator_factory(rate_limit_per_min=60, rate_limit_burst=1)
    with raw_client(server) as api:
        assert api.get("/h/v2/agents").status_code == 200
        limited = api.get("/h/v2/agents")
    assert limited.status_code == 429
    body = limited.json()
    assert body == {
        "success": False,
        "message": "Too many requests",
        "error": "RATE_LIMIT_EXCEEDED",
        "retryAfter": body["retryAfter"],
    }
    assert isinstance(body["retryAfter"], int) and body["retryAfter"] >= 1
    assert limited.headers["Retry-After"] == str(body["retryAfter"])  # our documented extra


def test_statuses_on_tools_endpoints_are_the_documented_ones(
    emulator_factory: Callable[..., Any],
):
    server = emulator_factory(fault_rate=0.5, fault_seed=1, fault_kinds=("500", "429"))
    seen: set[int] = set()
    with raw_client(server) as api:
        server.store.create_agent({"name": "a", "prompt": ""}, uid="a")
        for i in range(30):
            seen.add(
                api.post("/h/v2/agents/a/tools", json={"type": "dtmf", "name": f"t{i}"}).status_code
            )
            seen.add(api.post("/h/v2/agents/a/tools", json={"type": "dtmf"}).status_code)
            seen.add(api.get("/h/v2/agents/a/tools/999999").status_code)
            seen.add(api.delete("/h/v2/agents/a/tools/999999").status_code)
    assert seen <= TOOLS_ENDPOINT_STATUSES
    assert {400, 404, 429, 500} <= seen  # no 409 on tools
    assert server.stats.snapshot()["internal_errors"] == 0  # every 500 was injected


def test_agent_objects_are_keyed_by_uid(api: httpx.Client, agent: str):
    fetched = api.get(f"/h/v2/agents/{agent}")
    assert fetched.status_code == 200
    assert fetched.json()["uid"] == agent
    assert_error_shape(api.post("/h/v2/agents", json={"prompt": "p"}), 400)  # name required
    assert_error_shape(api.post("/h/v2/agents", json={"name": "n"}), 400)  # prompt required
    listed = api.get("/h/v2/agents").json()
    assert set(listed) == {"agents", "has_more"}  # one page: no next_cursor


def test_phone_number_objects(emulator: Any, api: httpx.Client, agent: str):
    emulator.store.add_phone_number("+15550000001", "Main")
    listed = api.get("/h/v2/phone-numbers").json()
    assert set(listed) == {"phone_numbers", "has_more"}  # one page: no next_cursor
    (number,) = listed["phone_numbers"]
    assert set(number) == PHONE_NUMBER_FIELDS - {"inbound_agent_uid", "outbound_agent_uid"}
    linked = api.post(
        "/h/v2/phone-numbers/link-agent",
        json={"phone_number_id": number["id"], "agent_uid": agent, "direction": "both"},
    )
    assert linked.status_code == 200
    assert set(linked.json()) == PHONE_NUMBER_FIELDS
    assert linked.json()["inbound_agent_uid"] == linked.json()["outbound_agent_uid"] == agent
    assert api.post("/h/v2/phone-numbers", json={"phone_number": "+1555"}).status_code in (404, 405)
