"""The v1 API (``/v1/bots/{uid}/tools``, limit/offset paging): emulator shapes from the
reference, and the client reading and writing through it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from compiler.platform.base import NotFoundError, PlatformError
from compiler.platform.client import OpenMicClient
from tests.conftest import TEST_API_KEY
from tests.platform.conftest import sms_tool


def seed(server: Any, tools: int) -> str:
    server.store.create_agent({"name": "bot", "prompt": ""}, uid="bot")
    for i in range(tools):
        server.store.create_tool("bot", {"type": "dtmf", "name": f"t{i:03d}"})
    return "bot"


def test_v1_list_shape_and_offsets(emulator: Any, api: httpx.Client):
    seed(emulator, 5)
    body = api.get("/v1/bots/bot/tools", params={"limit": 2, "offset": 2}).json()
    assert set(body) == {"tools", "pagination"}
    assert body["pagination"] == {"limit": 2, "offset": 2, "total": 5, "has_more": True}
    assert [t["name"] for t in body["tools"]] == ["t002", "t003"]
    last = api.get("/v1/bots/bot/tools", params={"limit": 2, "offset": 4}).json()
    assert last["pagination"]["has_more"] is False


def test_v1_errors_use_error_and_message(emulator: Any, api: httpx.Client):
    missing = api.get("/v1/bots/ghost/tools")
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "message"}
    seed(emulator, 0)
    bad = api.post("/v1/bots/bot/tools", json={"type": "dtmf"})
    assert bad.status_code == 400 and "name is required" in bad.json()["message"]
    assert api.get("/v1/bots/bot/tools", params={"limit": 0}).status_code == 400


def test_client_reads_every_v1_page(emulator: Any):
    uid = seed(emulator, 250)
    emulator.stats.reset()
    with OpenMicClient(emulator.url, TEST_API_KEY, api_prefix="/v1") as client:
        tools = client.list_tools(uid)
    assert [t["name"] for t in tools] == [f"t{i:03d}" for i in range(250)]
    assert emulator.stats.snapshot()["requests"] == 3


def test_client_writes_through_v1(emulator: Any):
    uid = seed(emulator, 0)
    with OpenMicClient(emulator.url, TEST_API_KEY, api_prefix="v1") as client:
        assert client.agent_exists(uid) and not client.agent_exists("ghost")
        tool = client.create_tool(uid, sms_tool("hello"))
        assert client.update_tool(uid, tool["id"], {"description": "d"})["description"] == "d"
        client.delete_tool(uid, tool["id"])
        assert client.list_tools(uid) == []
        with pytest.raises(NotFoundError, match="agent 'ghost' is unknown"):
            client.list_tools("ghost")
        with pytest.raises(PlatformError, match="needs the v2 API"):
            client.list_agents()
