"""The emulator is at least as strict as the vendor's schema about what clients send,
and answers every verb and every error in the API's JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_API_KEY
from tests.platform.conftest import raw_client, sms_tool


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert isinstance(body.get("error"), str)
    return body


@pytest.mark.parametrize(
    "body",
    [
        {**sms_tool("a"), "description": None},
        {**sms_tool("a"), "static_params": {"type": "static", "message": "x", "to": None}},
        {**sms_tool("a"), "parameters": {"type": "object", "properties": {"p": {"enum": [None]}}}},
    ],
    ids=["top-level", "in static_params", "deep in parameters"],
)
def test_a_null_anywhere_in_a_create_is_400(
    api: httpx.Client, make_agent: Callable[..., str], body: dict[str, Any]
) -> None:
    uid = make_agent()
    details = _error(api.post(f"/h/v2/agents/{uid}/tools", json=body), 400)["details"]
    assert "must not be null" in details
    assert api.get(f"/h/v2/agents/{uid}/tools").json()["tools"] == []


def test_a_null_in_a_patch_is_400_and_changes_nothing(
    api: httpx.Client, make_agent: Callable[..., str]
) -> None:
    uid = make_agent()
    tool = api.post(
        f"/h/v2/agents/{uid}/tools",
        json={"type": "api_request", "name": "x", "url": "https://a.example", "api_timeout": 5},
    ).json()
    path = f"/h/v2/agents/{uid}/tools/{tool['id']}"
    assert (
        "api_timeout must not be null"
        in _error(api.patch(path, json={"api_timeout": None}), 400)["details"]
    )
    assert api.get(path).json()["api_timeout"] == 5


@pytest.mark.parametrize(
    "body, words",
    [
        ({"type": "end_call", "name": "x", "method": "get"}, "only allowed on api_request"),
        ({"type": "api_request", "name": "x", "url": "https://a", "method": "GET"}, "get or post"),
        ({"type": "api_request", "name": "x", "url": "https://a", "method": "put"}, "get or post"),
        ({"type": "End_Call", "name": "x"}, "type must be one of"),
    ],
)
def test_enums_are_closed(
    api: httpx.Client, make_agent: Callable[..., str], body: dict[str, Any], words: str
) -> None:
    assert (
        words in _error(api.post(f"/h/v2/agents/{make_agent()}/tools", json=body), 400)["details"]
    )


@pytest.mark.parametrize("tool_id", [str(2**63 - 1), str(2**63), str(2**64), "9" * 40])
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_tool_id_of_any_size_is_404(
    api: httpx.Client, make_agent: Callable[..., str], tool_id: str, method: str
) -> None:
    uid = make_agent()
    response = api.request(method, f"/h/v2/agents/{uid}/tools/{tool_id}", json={})
    assert _error(response, 404)["error"] == "Tool not found"
    ghost = api.request(method, f"/h/v2/agents/ghost/tools/{tool_id}", json={})
    assert _error(ghost, 404)["error"] == "Agent not found"


def test_405_names_the_allowed_methods(api: httpx.Client, make_agent: Callable[..., str]) -> None:
    uid = make_agent()
    response = api.put(f"/h/v2/agents/{uid}/tools", json={})
    _error(response, 405)
    assert response.headers["allow"] == "GET, POST"
    single = api.request("OPTIONS", f"/h/v2/agents/{uid}/tools/1")
    _error(single, 405)
    assert single.headers["allow"] == "GET, PATCH, DELETE"


@pytest.mark.parametrize("verb", ["PUT", "OPTIONS", "TRACE", "FOO", "PROPFIND"])
def test_every_verb_gets_a_json_error_never_html(api: httpx.Client, verb: str) -> None:
    response = api.request(verb, "/h/v2/agents")
    body = _error(response, 405)
    assert "<html" not in response.text.lower() and body["error"]
    assert response.headers["allow"] == "GET, POST"


def test_head_is_405_with_headers_only(api: httpx.Client) -> None:
    response = api.head("/h/v2/agents")
    assert response.status_code == 405 and response.content == b""
    assert response.headers["allow"] == "GET, POST"


def test_the_last_page_has_no_next_cursor_key(
    api: httpx.Client, make_agent: Callable[..., str]
) -> None:
    uid = make_agent()
    for i in range(3):
        api.post(f"/h/v2/agents/{uid}/tools", json=sms_tool(f"t{i}"))
    first = api.get(f"/h/v2/agents/{uid}/tools", params={"page_size": 2}).json()
    assert first["has_more"] is True and isinstance(first["next_cursor"], str)
    last = api.get(
        f"/h/v2/agents/{uid}/tools", params={"page_size": 2, "cursor": first["next_cursor"]}
    ).json()
    assert last["has_more"] is False and "next_cursor" not in last
    assert "next_cursor" not in api.get("/h/v2/agents").json()


def test_v2_is_an_unknown_path_unless_the_older_revision_is_asked_for(
    emulator_factory: Callable[..., Any],
) -> None:
    strict = emulator_factory()
    with raw_client(strict) as api:
        body = _error(api.get("/v2/agents"), 404)
        assert body["error"] == "Route not found"  # names no agent or tool
        assert api.get("/h/v2/agents").status_code == 200
    legacy = emulator_factory(legacy_v2_prefix=True)
    with raw_client(legacy) as api:
        assert api.get("/v2/agents").status_code == 200
        assert api.get("/h/v2/agents").status_code == 200


def test_an_unknown_path_inside_the_prefix_is_a_route_404(api: httpx.Client) -> None:
    assert _error(api.get("/h/v2/agent"), 404)["error"] == "Route not found"


def test_unauthenticated_head_still_has_no_body(emulator: Any) -> None:
    response = httpx.head(f"{emulator.url}/h/v2/agents", headers={"Authorization": "Bearer x"})
    assert response.status_code == 401 and response.content == b""
    assert TEST_API_KEY not in response.text
