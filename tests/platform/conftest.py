"""Helpers for the platform tests: a raw HTTP client on the emulator, seeded agents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_API_KEY


def raw_client(server: Any, key: str | None = TEST_API_KEY) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10)


@pytest.fixture
def api(emulator: Any) -> Iterator[httpx.Client]:
    """httpx on the default emulator with the test key (no retries, no client logic)."""
    with raw_client(emulator) as client:
        yield client


@pytest.fixture
def make_agent(api: httpx.Client) -> Callable[..., str]:
    """Create an agent over the API; returns its uid."""

    def create(name: str = "Support") -> str:
        response = api.post("/h/v2/agents", json={"name": name, "prompt": "You help callers."})
        assert response.status_code == 201, response.text
        uid: str = response.json()["uid"]
        return uid

    return create


def sms_tool(name: str, message: str = "Hello {{name}}") -> dict[str, Any]:
    return {
        "type": "send_sms",
        "name": name,
        "description": "Sends an SMS",
        "parameters": {"type": "object", "properties": {}, "required": []},
        "static_params": {"type": "static", "message": message},
    }
