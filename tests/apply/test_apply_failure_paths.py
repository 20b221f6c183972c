"""Failure paths of the apply engine, each driven through the emulator's fault injection
or a change made behind actionctl's back (real client, real HTTP, no mocks).

Also the lock check that runs before each write: with the lock lost, nothing is written
(a test that fails if ``execute`` stops calling the guard)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from compiler.apply.engine import apply_plan
from compiler.apply.lock import AgentLocks
from compiler.canonical import canonical_tool, fingerprint
from compiler.plan.model import CREATE, DELETE, REPLACE, UPDATE, Change, FieldPath, Plan
from compiler.platform.client import OpenMicClient
from tests.conftest import TEST_API_KEY

AGENT = "agent_paths"
HANG_UP = canonical_tool(
    {"type": "end_call", "name": "hang_up", "static_params": {"end_message": "Bye"}}
)
KEYPAD = canonical_tool({"type": "dtmf", "name": "hang_up", "static_params": {"digits": "1"}})


@pytest.fixture
def server(emulator: Any) -> Any:
    emulator.store.create_agent({"name": AGENT, "prompt": ""}, uid=AGENT)
    return emulator


@pytest.fixture
def client(server: Any) -> Iterator[OpenMicClient]:
    client = OpenMicClient(server.url, TEST_API_KEY, backoff_base=0.001, max_retries=2)
    yield client
    client.close()


def live(server: Any) -> list[dict[str, Any]]:
    return list(server.store.list_tools(AGENT).items)


def existing(server: Any, tool: dict[str, Any]) -> dict[str, Any]:
    created: dict[str, Any] = server.store.create_tool(AGENT, tool)
    return created


def change(action: str, after: dict[str, Any] | None, before: dict[str, Any] | None) -> Change:
    return Change(
        "s/hang_up",
        "s",
        AGENT,
        "hang_up",
        action,
        tool_id=before["id"] if before else None,
        after=after,
        live_fingerprint=fingerprint(canonical_tool(before)) if before else None,
        changed_paths=[
            FieldPath(("static_params", "end_message") if action == UPDATE else ("type",))
        ],
    )


def run(client: Any, *changes: Change, **options: Any) -> Any:
    plan = Plan("dev", client.target)
    plan.changes.extend(changes)
    return apply_plan(client, plan, **options)


def test_a_replace_whose_create_fails_after_its_delete(server: Any, client: Any) -> None:
    old = existing(server, HANG_UP)
    # The DELETE goes through; every create then fails with a 500 (and is looked up).
    server.inject(None, *["500", None] * 5)
    (outcome,) = run(client, change(REPLACE, KEYPAD, old)).outcomes
    assert not outcome.ok
    assert outcome.message.startswith("old tool deleted, create failed: P100 create of")
    assert "failed 5 times" in outcome.message
    assert live(server) == []  # gone, and the next plan shows a create


def test_an_update_of_a_tool_deleted_since_planning(server: Any, client: Any) -> None:
    old = existing(server, HANG_UP)
    server.store.delete_tool(AGENT, old["id"])
    after = {**HANG_UP, "static_params": {"end_message": "Goodbye"}}
    (outcome,) = run(client, change(UPDATE, after, old)).outcomes
    assert not outcome.ok
    assert "was deleted since planning; not recreated, plan again" in outcome.message
    assert live(server) == []


def test_a_delete_that_finds_the_tool_already_gone(server: Any, client: Any) -> None:
    old = existing(server, HANG_UP)
    server.store.delete_tool(AGENT, old["id"])
    (outcome,) = run(client, change(DELETE, None, old)).outcomes
    assert outcome.ok and outcome.message == f"deleted (id {old['id']}, already gone)"


def test_a_delete_whose_answer_was_lost_succeeded(server: Any, client: Any) -> None:
    old = existing(server, HANG_UP)
    server.inject("lost")  # deleted, unanswered; the retry finds it gone
    (outcome,) = run(client, change(DELETE, None, old)).outcomes
    assert outcome.ok and outcome.message == f"deleted (id {old['id']})"
    assert server.stats.snapshot()["methods"] == {"DELETE": 2}


def test_a_write_answered_without_the_tool_is_read_with_one_get(server: Any, client: Any) -> None:
    server.inject("empty")  # the POST commits, its answer is {} instead of the tool
    (outcome,) = run(client, change(CREATE, HANG_UP, None)).outcomes
    assert outcome.ok and outcome.warnings == []
    assert outcome.message.endswith(", response was not the tool, found)")
    assert server.stats.snapshot()["methods"] == {"POST": 1, "GET": 1}  # looked up by name


def test_a_failed_read_back_is_a_warning_not_a_failure(server: Any, client: Any) -> None:
    old = existing(server, HANG_UP)
    after = {**HANG_UP, "static_params": {"end_message": "Goodbye"}}
    server.inject("empty", "500", "500", "500")  # PATCH answered {}, then every GET fails
    (outcome,) = run(client, change(UPDATE, after, old)).outcomes
    assert outcome.ok and outcome.message == f"updated (id {old['id']})"
    (warning,) = outcome.warnings
    assert warning.startswith("could not read the tool back to verify it:")
    assert server.store.get_tool(AGENT, old["id"])["static_params"] == {"end_message": "Goodbye"}


def test_read_back_reports_rewritten_and_dropped_fields(emulator_factory: Any) -> None:
    server = emulator_factory(trim_descriptions=True)  # stores descriptions stripped
    server.store.create_agent({"name": AGENT, "prompt": ""}, uid=AGENT)
    api = canonical_tool(
        {"type": "api_request", "name": "hang_up", "url": "https://a.example", "description": "x "}
    )
    api["created_at"] = "2020-01-01T00:00:00Z"  # a server field: the platform sets its own
    with OpenMicClient(server.url, TEST_API_KEY) as client:
        (outcome,) = run(client, change(CREATE, api, None)).outcomes
    assert outcome.ok
    assert sorted(outcome.warnings) == [
        "the platform dropped created_at",
        "the platform rewrote description",
    ]
    assert server.stats.snapshot()["methods"] == {"POST": 1}  # from the POST's own answer


def test_read_back_reports_a_field_the_platform_kept(emulator_factory: Any) -> None:
    server = emulator_factory(patch_merge_nested=True)  # PATCH merges static_params
    server.store.create_agent({"name": AGENT, "prompt": ""}, uid=AGENT)
    old = existing(server, {**HANG_UP, "static_params": {"end_message": "Bye", "x": "1"}})
    after = {**HANG_UP, "static_params": {"end_message": "Bye"}}
    with OpenMicClient(server.url, TEST_API_KEY) as client:
        (outcome,) = run(client, change(UPDATE, after, old)).outcomes
    assert outcome.ok
    assert outcome.warnings == [
        "the platform kept or added static_params.x, which the plan does not have"
    ]


def test_after_a_lost_create_several_tools_of_that_name(server: Any, client: Any) -> None:
    existing(server, HANG_UP)  # made meanwhile by someone else
    server.inject("lost")  # ours commits too, unanswered: two of that name now
    (outcome,) = run(client, change(CREATE, HANG_UP, None)).outcomes
    assert not outcome.ok
    assert (
        "after a create whose response was lost agent 'agent_paths' has 2 tools named 'hang_up'"
        in (outcome.message)
    )
    assert "delete all but one, then plan again" in outcome.message
    assert len(live(server)) == 2  # left for a person: nothing deleted on a guess


def test_after_a_lost_create_one_tool_of_another_type(server: Any, client: Any) -> None:
    existing(server, KEYPAD)  # a dtmf named hang_up, made meanwhile
    server.inject("drop")  # ours never arrived; the look-up finds theirs
    (outcome,) = run(client, change(CREATE, HANG_UP, None)).outcomes
    assert not outcome.ok
    assert "a tool named 'hang_up' of type 'dtmf' exists" in outcome.message
    assert [t["type"] for t in live(server)] == ["dtmf"]


def test_an_internal_error_fails_that_change_only(server: Any, client: Any) -> None:
    broken = change(UPDATE, HANG_UP, existing(server, HANG_UP))
    broken.tool_id = None  # a plan that cannot be executed: a bug, not a platform error
    fine = change(CREATE, {**KEYPAD, "name": "keypad"}, None)
    fine.address, fine.name = "s/keypad", "keypad"
    report = run(client, broken, fine)
    by_address = {o.change.address: o for o in report.outcomes}
    assert by_address["s/hang_up"].message.startswith("internal error: AssertionError")
    assert by_address["s/keypad"].ok


# --- the lock check before each write ---


def test_no_write_once_the_lock_has_expired(server: Any, client: Any) -> None:
    now = [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]
    locks = AgentLocks(client, clock=lambda: now[0])
    locks.acquire([AGENT])
    try:
        now[0] += timedelta(minutes=16)  # no heartbeat got through meanwhile
        server.stats.reset()
        report = run(client, change(CREATE, HANG_UP, None), guard=locks.check)
        assert server.stats.snapshot()["methods"] == {}  # not a single request
    finally:
        locks.release()
    (outcome,) = report.outcomes
    assert not outcome.ok and "is no longer held" in outcome.message
    assert live(server) == []


def test_no_write_once_the_lock_tool_was_deleted(server: Any, client: Any) -> None:
    locks = AgentLocks(client)
    locks.acquire([AGENT])
    try:
        held = locks.held[AGENT]
        for tool_id in held.tool_ids:  # someone removed our lock from the lock agent
            server.store.delete_tool(held.on, tool_id)
        locks.renew()  # the heartbeat's next beat finds it gone
        old = existing(server, HANG_UP)
        server.stats.reset()
        report = run(client, change(DELETE, None, old), guard=locks.check)
    finally:
        locks.release()
    (outcome,) = report.outcomes
    assert not outcome.ok and "is no longer held" in outcome.message
    assert [t["name"] for t in live(server)] == ["hang_up"]
