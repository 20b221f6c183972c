"""The execution engine against a real emulator with scripted faults (no CLI)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from compiler.apply.engine import apply_plan, create_once, patch_fields
from compiler.apply.lock import AgentLocks
from compiler.canonical import canonical_tool
from compiler.plan.model import CREATE, UPDATE, Change, FieldPath, Plan
from compiler.platform.base import PlatformError
from compiler.platform.client import OpenMicClient
from tests.conftest import TEST_API_KEY

AGENT = "agent_engine"
TOOL = canonical_tool({"type": "end_call", "name": "hang_up", "description": "Ends the call."})


@pytest.fixture
def server(emulator: Any) -> Any:
    emulator.store.create_agent({"name": AGENT, "prompt": ""}, uid=AGENT)
    return emulator


@pytest.fixture
def client(server: Any) -> Iterator[OpenMicClient]:
    client = OpenMicClient(server.url, TEST_API_KEY, backoff_base=0.01)
    yield client
    client.close()


def live_names(server: Any) -> list[str]:
    return [t["name"] for t in server.store.list_tools(AGENT).items]


def test_a_lost_create_response_is_adopted_not_repeated(server: Any, client: Any) -> None:
    server.inject("lost")
    tool, how = create_once(client, AGENT, TOOL)
    assert "response was lost, found" in how
    assert live_names(server) == ["hang_up"]
    assert server.store.get_tool(AGENT, tool["id"]) == tool  # as listed, no GET of its own


def test_a_create_that_never_arrived_is_sent_again(server: Any, client: Any) -> None:
    server.inject("drop")  # closed before it was handled: nothing was created
    _, how = create_once(client, AGENT, TOOL)
    assert how.startswith("created (id ")
    assert live_names(server) == ["hang_up"]
    assert server.stats.snapshot()["methods"]["POST"] == 2


def test_create_attempts_are_bounded(server: Any, client: Any) -> None:
    server.inject(*["drop", None] * 5)  # each failed POST, then its look-up
    with pytest.raises(PlatformError, match="failed 5 times") as raised:
        create_once(client, AGENT, TOOL, backoff_base=0.001)
    assert "the connection was dropped" in str(raised.value)
    assert live_names(server) == []
    assert server.stats.snapshot()["methods"] == {"POST": 5, "GET": 5}


def test_a_create_answered_500_says_so_not_lost(server: Any, client: Any) -> None:
    server.inject(*["500", None] * 5)
    with pytest.raises(PlatformError, match="failed 5 times") as raised:
        create_once(client, AGENT, TOOL, backoff_base=0.001)
    assert "the server answered 500" in str(raised.value)
    assert "lost its response" not in str(raised.value)
    assert live_names(server) == []


def test_a_create_answered_500_is_retried_after_a_backoff(server: Any, client: Any) -> None:
    server.inject("500", None, "500")
    started = time.monotonic()
    _, how = create_once(client, AGENT, TOOL, backoff_base=0.2)
    elapsed = time.monotonic() - started
    assert how.startswith("created (id ")
    assert live_names(server) == ["hang_up"]
    assert server.stats.snapshot()["methods"] == {"POST": 3, "GET": 2}
    assert elapsed >= 0.1 + 0.2  # half of each ceiling at least: 0.2 s, then 0.4 s


def test_the_apply_lock_creates_through_the_same_routine(server: Any, client: Any) -> None:
    server.inject("500", None, "lost")  # a 500, then a create that commits unanswered
    locks = AgentLocks(client)
    locks.acquire([AGENT])
    try:
        assert len(locks.held[AGENT].tool_ids) == 1
        assert server.stats.snapshot()["methods"]["POST"] == 2
    finally:
        locks.release()
    assert live_names(server) == []


def test_patch_sends_whole_top_level_fields_and_never_null() -> None:
    after = canonical_tool(
        {"type": "end_call", "name": "x", "parameters": {
            "type": "object", "properties": {"a": {"type": "string"}}, "required": []}}
    )  # fmt: skip
    change = Change(
        "s/x", "s", AGENT, "x", UPDATE, tool_id=1, after=after,
        changed_paths=[
            FieldPath(("parameters", "properties", "a", "description")),
            FieldPath(("static_params", "end_message")),
        ],
    )  # fmt: skip
    # static_params removed: sent as {}, the value the platform treats as absent
    assert patch_fields(change) == {"parameters": after["parameters"], "static_params": {}}


def test_progress_counts_every_change_once(server: Any, client: Any) -> None:
    plan = Plan("dev", client.target)
    for i in range(7):
        payload = canonical_tool(
            {"type": "dtmf", "name": f"t{i}", "static_params": {"digits": "1"}}
        )
        plan.changes.append(
            Change(
                f"s/t{i}",
                "s",
                AGENT,
                f"t{i}",
                CREATE,
                after=payload,
                changed_paths=[FieldPath(("type",))],
            )
        )
    seen: list[tuple[int, int, str]] = []
    progress: Callable[[int, int, Any], None] = lambda done, total, outcome: seen.append(  # noqa: E731
        (done, total, outcome.verb)
    )
    report = apply_plan(client, plan, parallelism=3, progress=progress)
    assert not report.failed
    assert [s[0] for s in seen] == list(range(1, 8))
    assert {s[1] for s in seen} == {7} and {s[2] for s in seen} == {"created"}
    assert sorted(live_names(server)) == [f"t{i}" for i in range(7)]
    assert all(outcome.warnings == [] for outcome in report.outcomes)
