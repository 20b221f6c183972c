"""The emulator over real HTTP with a bare httpx client: routes, validation, paging,
persistence, seeding and concurrency."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_API_KEY
from tests.platform.conftest import raw_client, sms_tool


def test_both_prefixes_serve_the_same_tools(api: httpx.Client, make_agent: Callable[..., str]):
    uid = make_agent()
    created = api.post(f"/h/v2/agents/{uid}/tools", json=sms_tool("a"))
    assert created.status_code == 201
    listed = api.get(f"/h/v2/agents/{uid}/tools").json()["tools"]
    assert [t["id"] for t in listed] == [created.json()["id"]]


def test_missing_or_wrong_key_is_401(emulator: Any, make_agent: Callable[..., str]):
    uid = make_agent()
    for key in (None, "wrong-key"):
        with raw_client(emulator, key) as client:
            response = client.get(f"/h/v2/agents/{uid}/tools")
        assert response.status_code == 401
        assert set(response.json()) == {"error", "details"}


def test_no_configured_key_means_no_auth(emulator_factory: Callable[..., Any]):
    server = emulator_factory(api_key=None)
    with raw_client(server, None) as client:
        assert client.get("/h/v2/agents").status_code == 200


def test_create_get_patch_delete(api: httpx.Client, make_agent: Callable[..., str]):
    uid = make_agent()
    created = api.post(f"/h/v2/agents/{uid}/tools", json=sms_tool("confirm"))
    assert created.status_code == 201
    tool = created.json()
    assert isinstance(tool["id"], int)
    assert tool["speak_during_execution"] is True and tool["async"] is False  # defaults filled
    path = f"/h/v2/agents/{uid}/tools/{tool['id']}"
    assert api.get(path).json() == tool

    patched = api.patch(path, json={"description": "New"})
    assert patched.status_code == 200
    assert patched.json()["description"] == "New"
    assert patched.json()["static_params"] == tool["static_params"]  # untouched: partial

    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_patch_replaces_nested_objects_whole_and_null_removes(
    api: httpx.Client, make_agent: Callable[..., str]
):
    uid = make_agent()
    body = sms_tool("t")
    body["static_params"]["to_number"] = "+15550000002"
    tool = api.post(f"/h/v2/agents/{uid}/tools", json=body).json()
    path = f"/h/v2/agents/{uid}/tools/{tool['id']}"
    patched = api.patch(path, json={"static_params": {"type": "prompt", "message": "Say hi"}})
    assert patched.json()["static_params"] == {"type": "prompt", "message": "Say hi"}
    cleared = api.patch(path, json={"description": None})
    assert "description" not in cleared.json()


def test_patch_merge_mode_keeps_unsent_nested_keys(emulator_factory: Callable[..., Any]):
    server = emulator_factory(patch_merge_nested=True)
    with raw_client(server) as api:
        uid = api.post("/h/v2/agents", json={"name": "a", "prompt": ""}).json()["uid"]
        body = sms_tool("t")
        body["static_params"]["to_number"] = "+15550000002"
        tool = api.post(f"/h/v2/agents/{uid}/tools", json=body).json()
        patched = api.patch(
            f"/h/v2/agents/{uid}/tools/{tool['id']}", json={"static_params": {"message": "x"}}
        ).json()
    assert patched["static_params"] == {
        "type": "static",
        "message": "x",
        "to_number": "+15550000002",
    }


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"type": "end_call"}, "name is required"),
        ({"type": "teleport", "name": "x"}, "type must be one of"),
        ({"name": "x"}, "type must be one of"),
        ({"type": "api_request", "name": "x"}, "url is required"),
        ({"type": "end_call", "name": "x" * 256}, "at most 255"),
        ({"type": "send_sms", "name": "x", "static_params": {"type": "static"}}, "message"),
        ({"type": "api_request", "name": "x", "url": "https://e", "method": "put"}, "method"),
        ({"type": "end_call", "name": "x", "api_timeout": 0}, "api_timeout"),
        ({"type": "end_call", "name": "x", "async": "yes"}, "async"),
    ],
)
def test_invalid_tools_are_400(
    api: httpx.Client, make_agent: Callable[..., str], body: dict[str, Any], detail: str
):
    response = api.post(f"/h/v2/agents/{make_agent()}/tools", json=body)
    assert response.status_code == 400
    assert detail in response.json()["details"]


def test_malformed_json_is_400(api: httpx.Client, make_agent: Callable[..., str]):
    response = api.post(
        f"/h/v2/agents/{make_agent()}/tools",
        content=b'{"name": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid JSON"


def test_name_of_255_characters_is_accepted(api: httpx.Client, make_agent: Callable[..., str]):
    response = api.post(
        f"/h/v2/agents/{make_agent()}/tools", json={"type": "end_call", "name": "x" * 255}
    )
    assert response.status_code == 201


def test_type_changes_in_a_patch_checked_as_the_new_type(
    api: httpx.Client, make_agent: Callable[..., str]
):
    """``type`` is patchable (the vendor's schema); the result must be a valid tool of
    the new type, or the PATCH is refused and nothing changes."""
    uid = make_agent()
    tool = api.post(f"/h/v2/agents/{uid}/tools", json={"type": "end_call", "name": "t"}).json()
    path = f"/h/v2/agents/{uid}/tools/{tool['id']}"
    refused = api.patch(path, json={"type": "no_such_type"})
    assert refused.status_code == 400 and api.get(path).json()["type"] == "end_call"
    changed = api.patch(path, json={"type": "dtmf", "static_params": {"digits": "1"}})
    assert changed.status_code == 200 and changed.json()["id"] == tool["id"]
    assert api.get(path).json()["type"] == "dtmf"


def test_unknown_agent_and_tool_are_404(api: httpx.Client, make_agent: Callable[..., str]):
    uid = make_agent()
    assert api.get("/h/v2/agents/nobody/tools").json()["error"] == "Agent not found"
    assert api.post("/h/v2/agents/nobody/tools", json=sms_tool("x")).status_code == 404
    for method in ("GET", "PATCH", "DELETE"):
        response = api.request(method, f"/h/v2/agents/{uid}/tools/999", json={})
        assert response.status_code == 404
        assert response.json()["error"] == "Tool not found"
    other = make_agent("Other")
    tool = api.post(f"/h/v2/agents/{other}/tools", json=sms_tool("x")).json()
    assert api.get(f"/h/v2/agents/{uid}/tools/{tool['id']}").status_code == 404  # wrong agent


def test_names_are_not_unique(api: httpx.Client, make_agent: Callable[..., str]):
    uid = make_agent()
    first = api.post(f"/h/v2/agents/{uid}/tools", json=sms_tool("same"))
    second = api.post(f"/h/v2/agents/{uid}/tools", json=sms_tool("same"))
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]


def _all_pages(api: httpx.Client, path: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    tools: list[dict[str, Any]] = []
    pages = 0
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        body = api.get(path, params=query).json()
        pages += 1
        tools += body["tools"]
        if not body["has_more"]:
            assert "next_cursor" not in body  # absent, never null, on the last page
            return tools, pages
        cursor = body["next_cursor"]


def test_pagination_over_260_tools(emulator: Any, api: httpx.Client):
    emulator.store.create_agent({"name": "big", "prompt": ""}, uid="big")
    for i in range(260):
        emulator.store.create_tool("big", {"type": "dtmf", "name": f"t{i}"})
    tools, pages = _all_pages(api, "/h/v2/agents/big/tools")
    assert pages == 6  # default page_size 50
    assert [t["name"] for t in tools] == [f"t{i}" for i in range(260)]
    tools, pages = _all_pages(api, "/h/v2/agents/big/tools", page_size=100)
    assert (len(tools), pages) == (260, 3)
    assert len({t["id"] for t in tools}) == 260


@pytest.mark.parametrize("params", [{"page_size": 0}, {"page_size": 101}, {"page_size": "x"}])
def test_bad_page_size_is_400(api: httpx.Client, make_agent: Callable[..., str], params: Any):
    assert api.get(f"/h/v2/agents/{make_agent()}/tools", params=params).status_code == 400


def test_bad_cursor_is_400(api: httpx.Client, make_agent: Callable[..., str]):
    response = api.get(f"/h/v2/agents/{make_agent()}/tools", params={"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid cursor"


def test_filters_by_type_and_inclusive_creation_window(
    api: httpx.Client, make_agent: Callable[..., str]
):
    uid = make_agent()
    made = [
        api.post(f"/h/v2/agents/{uid}/tools", json={"type": kind, "name": f"t{i}"}).json()
        for i, kind in enumerate(["dtmf", "end_call", "dtmf", "end_call"])
    ]
    path = f"/h/v2/agents/{uid}/tools"
    dtmf = api.get(path, params={"type": "dtmf"}).json()["tools"]
    assert [t["id"] for t in dtmf] == [made[0]["id"], made[2]["id"]]
    window = {"created_after": made[1]["created_at"], "created_before": made[2]["created_at"]}
    in_window = api.get(path, params=window).json()["tools"]
    assert [t["id"] for t in in_window] == [made[1]["id"], made[2]["id"]]
    assert api.get(path, params={"type": "teleport"}).status_code == 400
    assert api.get(path, params={"created_after": "yesterday"}).status_code == 400


def test_agents_crud_and_in_use_conflict(emulator: Any, api: httpx.Client):
    assert api.post("/h/v2/agents", json={"name": "x"}).status_code == 400  # prompt required
    agent = api.post("/h/v2/agents", json={"name": "Sales", "prompt": "Sell"}).json()
    uid = agent["uid"]
    assert api.get(f"/h/v2/agents/{uid}").json()["name"] == "Sales"
    assert api.patch(f"/h/v2/agents/{uid}", json={"name": "Sales 2"}).json()["name"] == "Sales 2"
    assert [
        a["uid"] for a in api.get("/h/v2/agents", params={"name": "Sales 2"}).json()["agents"]
    ] == [uid]
    number = emulator.store.add_phone_number("+15550000001", "Main", inbound_agent_uid=uid)
    assert api.delete(f"/h/v2/agents/{uid}").status_code == 409
    api.post("/h/v2/phone-numbers/unlink-agent", json={"phone_number_id": number["id"]})
    assert api.delete(f"/h/v2/agents/{uid}").status_code == 204
    assert api.get(f"/h/v2/agents/{uid}").status_code == 404


def test_phone_numbers_list_get_link_unlink(emulator: Any, api: httpx.Client):
    uid = api.post("/h/v2/agents", json={"name": "a", "prompt": ""}).json()["uid"]
    number = emulator.store.add_phone_number("+15550000001", "Main")
    emulator.store.add_phone_number("+15550000002", "Second")
    listed = api.get("/h/v2/phone-numbers", params={"phone_number": "+15550000001"}).json()
    assert [n["id"] for n in listed["phone_numbers"]] == [number["id"]]
    path = f"/h/v2/phone-numbers/{number['id']}"
    assert api.get(path).json()["phone_number"] == "+15550000001"
    linked = api.post(
        "/h/v2/phone-numbers/link-agent",
        json={"phone_number_id": number["id"], "agent_uid": uid, "direction": "outbound"},
    ).json()
    # an agent uid that is not linked is absent, never null
    assert ("inbound_agent_uid" in linked, linked["outbound_agent_uid"]) == (False, uid)
    unlinked = api.post(
        "/h/v2/phone-numbers/unlink-agent", json={"phone_number_id": number["id"]}
    ).json()
    assert "outbound_agent_uid" not in unlinked
    assert api.get("/h/v2/phone-numbers/999").status_code == 404
    bad = api.post("/h/v2/phone-numbers/link-agent", json={"phone_number_id": number["id"]})
    assert bad.status_code == 400


def test_state_survives_a_restart(emulator_factory: Callable[..., Any], tmp_path: Path):
    db = tmp_path / "persist.db"
    first = emulator_factory(db_path=db)
    with raw_client(first) as api:
        uid = api.post("/h/v2/agents", json={"name": "a", "prompt": ""}).json()["uid"]
        tool = api.post(f"/h/v2/agents/{uid}/tools", json=sms_tool("kept")).json()
        api.delete(
            f"/h/v2/agents/{uid}/tools/"
            f"{api.post(f'/h/v2/agents/{uid}/tools', json=sms_tool('gone')).json()['id']}"
        )
    first.stop()
    second = emulator_factory(db_path=db)
    with raw_client(second) as api:
        assert api.get(f"/h/v2/agents/{uid}/tools").json()["tools"] == [tool]
        again = api.post(f"/h/v2/agents/{uid}/tools", json=sms_tool("new")).json()
    assert again["id"] > tool["id"] + 1  # ids are never reused, even after a delete


def test_seed_file_creates_agents_tools_and_numbers_once(
    emulator_factory: Callable[..., Any], tmp_path: Path
):
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        """
agents:
  - uid: support_dev
    name: Support
    tools:
      - {type: end_call, name: goodbye}
phone_numbers:
  - {phone_number: "+15550000001", name: Main, inbound_agent_uid: support_dev}
""",
        encoding="utf-8",
    )
    db = tmp_path / "seeded.db"
    for _ in range(2):  # a restart with the same seed does not duplicate anything
        server = emulator_factory(db_path=db, seed_file=seed)
        with raw_client(server) as api:
            tools = api.get("/h/v2/agents/support_dev/tools").json()["tools"]
            numbers = api.get("/h/v2/phone-numbers").json()["phone_numbers"]
        server.stop()
        assert [t["name"] for t in tools] == ["goodbye"]
        assert [(n["phone_number"], n["inbound_agent_uid"]) for n in numbers] == [
            ("+15550000001", "support_dev")
        ]


def test_a_seeded_agent_keeps_its_creation_time_and_the_api_stamps_its_own(
    emulator_factory: Callable[..., Any], tmp_path: Path
):
    """An account with a history: ``created_at`` in the seed; a created_at sent to the API
    is ignored, the time of the request stamped."""
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        'agents:\n  - {uid: old, created_at: "2026-01-05T10:00:00+01:00"}\n', encoding="utf-8"
    )
    server = emulator_factory(db_path=tmp_path / "seeded.db", seed_file=seed)
    with raw_client(server) as api:
        before = datetime.now(UTC)
        made = api.post(
            "/h/v2/agents", json={"name": "new", "prompt": "", "created_at": "2020-01-01T00:00:00Z"}
        ).json()
        after = datetime.now(UTC)
        agents = {a["uid"]: a["created_at"] for a in api.get("/h/v2/agents").json()["agents"]}
    assert agents["old"] == "2026-01-05T09:00:00.000000Z"
    stamped = datetime.fromisoformat(agents[made["uid"]].replace("Z", "+00:00"))
    assert before - timedelta(seconds=1) <= stamped <= after + timedelta(seconds=1)


def test_concurrent_creates_and_patches_are_safe(emulator: Any, make_agent: Callable[..., str]):
    uid = make_agent()
    errors: list[str] = []

    def work(worker: int) -> None:
        with raw_client(emulator) as client:
            for i in range(20):
                made = client.post(f"/h/v2/agents/{uid}/tools", json=sms_tool(f"w{worker}-{i}"))
                if made.status_code != 201:
                    errors.append(made.text)
                    continue
                path = f"/h/v2/agents/{uid}/tools/{made.json()['id']}"
                patched = client.patch(path, json={"description": f"by {worker}"})
                if patched.status_code != 200:
                    errors.append(patched.text)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with raw_client(emulator) as api:
        body = api.get(f"/h/v2/agents/{uid}/tools", params={"page_size": 100}).json()
        rest = api.get(
            f"/h/v2/agents/{uid}/tools", params={"page_size": 100, "cursor": body["next_cursor"]}
        ).json()
    tools = body["tools"] + rest["tools"]
    assert len(tools) == 160 and len({t["id"] for t in tools}) == 160
    assert all(t["description"].startswith("by ") for t in tools)


def test_latency_is_injected(emulator_factory: Callable[..., Any]):
    server = emulator_factory(latency_ms=60)
    with raw_client(server) as api:
        started = time.monotonic()
        api.get("/h/v2/agents")
    assert time.monotonic() - started >= 0.06


def test_request_counter(emulator: Any, api: httpx.Client):
    api.get("/h/v2/agents")
    api.get("/nowhere")
    stats = emulator.stats.snapshot()
    assert stats["requests"] == 2
    assert stats["statuses"] == {200: 1, 404: 1}
    assert emulator.request_count == 2


def test_stop_closes_keep_alive_connections(emulator_factory: Callable[..., Any]):
    server = emulator_factory()
    client = raw_client(server)
    assert client.get("/h/v2/agents").status_code == 200  # a pooled keep-alive connection
    server.stop()
    with pytest.raises(httpx.TransportError):
        client.get("/h/v2/agents")
    client.close()


def test_key_is_compared_exactly(emulator: Any):
    with raw_client(emulator, TEST_API_KEY + "x") as client:
        assert client.get("/h/v2/agents").status_code == 401


def test_an_emulator_bug_is_logged_and_counted_apart_from_faults(
    emulator: Any, api: httpx.Client, capfd: pytest.CaptureFixture[str]
):
    emulator.store.close()  # every request now fails inside the emulator, not by injection
    response = api.get("/h/v2/agents")
    assert response.status_code == 500
    assert response.json()["details"] == "emulator internal error: DatabaseUnusable"
    stats = emulator.stats.snapshot()
    assert stats["internal_errors"] == 1
    assert stats["faults"] == {}
    err = capfd.readouterr().err
    assert "emulator: internal error on GET /h/v2/agents: DatabaseUnusable: " in err
    assert TEST_API_KEY not in err


def test_odd_request_values_are_400_not_emulator_errors(
    emulator: Any, api: httpx.Client, make_agent: Callable[..., str]
):
    uid = make_agent()
    emulator.store.add_phone_number("+15550000001", "Main")
    number = api.get("/h/v2/phone-numbers").json()["phone_numbers"][0]["id"]
    superscript = "%C2%B2"  # "²": str.isdigit says yes, int() says no
    assert api.get(f"/h/v2/agents/{uid}/tools/{superscript}").status_code == 400
    assert api.get(f"/h/v2/agents/{uid}/tools?page_size={superscript}").status_code == 400
    assert api.get(f"/v1/bots/{uid}/tools?limit={superscript}").status_code == 400
    assert api.get(f"/h/v2/phone-numbers/{superscript}").status_code == 404
    for path in ("/h/v2/phone-numbers/link-agent", "/h/v2/phone-numbers/unlink-agent"):
        body = {"phone_number_id": number, "agent_uid": uid, "direction": ["inbound"]}
        assert api.post(path, json=body).status_code == 400
    assert emulator.stats.snapshot()["internal_errors"] == 0


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc80b"])
def test_a_lone_surrogate_escape_is_400_not_500(
    api: httpx.Client, make_agent: Callable[..., str], escape: str
):
    body = '{"type": "end_call", "name": "x", "description": "' + escape + '"}'
    response = api.post(
        f"/h/v2/agents/{make_agent()}/tools",
        content=body.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Invalid JSON"
