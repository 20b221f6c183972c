"""Where the lock agent was last found, remembered in ``.actionctl/``: it saves the
look-up before the lock's create, and the one after it only once the lock agent is
*settled* (a look-up made over an hour after it was made showed it preferred: none
preferred to it can appear any more). A wrong hint costs a retry and never a second
holder. Real emulator over HTTP, real files."""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from compiler.apply.lock import AgentLocks, LockRefused
from compiler.apply.lock_memory import STORE, LockAgentMemory
from compiler.platform.client import OpenMicClient
from compiler.platform.lock_tools import iso
from tests.apply.test_lock import (
    SUPPORT,
    all_locks,
    lock_agents,
    make_lock_agent,
    remembered_lock_agents,
)
from tests.conftest import TEST_API_KEY


def remembered(site: Any) -> list[str]:
    data = json.loads((site.root / STORE).read_text())
    return [agent["uid"] for agents in data["targets"].values() for agent in agents]


def test_the_lock_agent_is_remembered_and_not_looked_up_before_the_create(site: Any) -> None:
    assert site.run("apply", "--auto-approve").exit_code == 0
    (agent,) = lock_agents(site)
    assert remembered(site) == [agent["uid"]]
    (site.root / "actions" / "support" / "call_control.yaml").unlink()
    site.server.stats.reset()
    assert site.run("apply", "--auto-approve", "--prune").exit_code == 0
    # The look-up after the lock's create is made every time while the lock agent is
    # not settled (this one was made a moment ago): the safety rests on it.
    assert site.server.stats.snapshot()["methods"]["GET"] == 2 + 2
    assert all_locks(site) == []


def test_a_deleted_lock_agent_in_the_hint_costs_a_retry(site: Any) -> None:
    assert site.run("apply", "--auto-approve").exit_code == 0
    (gone,) = remembered(site)
    site.rest("DELETE", f"/agents/{gone}")
    (site.root / "actions" / "support" / "call_control.yaml").unlink()
    result = site.run("apply", "--auto-approve", "--prune")
    assert result.exit_code == 0, result.output
    (agent,) = lock_agents(site)
    assert agent["uid"] != gone and remembered(site) == [agent["uid"]]
    assert all_locks(site) == []


def test_a_hint_naming_a_spare_gives_way_to_the_preferred_lock_agent(site: Any) -> None:
    older = make_lock_agent(site)
    time.sleep(0.01)
    spare = make_lock_agent(site)
    memory = LockAgentMemory(site.root)
    client = OpenMicClient(site.url, TEST_API_KEY, backoff_base=0.01)
    try:
        memory.remember(client.target, [{"uid": spare, "name": "actionctl-locks"}])
        locks = AgentLocks(client, hint=memory)
        locks.acquire([SUPPORT])
        try:
            assert {held.on for held in locks.held.values()} == {older}
        finally:
            locks.release()
    finally:
        client.close()
    assert remembered(site) == [older]
    assert [a["uid"] for a in lock_agents(site)] == [older]  # the spare deleted once empty


def test_a_settled_lock_agent_that_was_deleted_costs_a_retry(site: Any) -> None:
    """Settled, remembered, then deleted by hand: the lock's create finds no agent, the
    lock agents are looked up (none: one is made), and the new one is not settled."""
    gone = make_lock_agent(site, age=timedelta(days=30))
    assert site.run("apply", "--auto-approve").exit_code == 0
    (kept,) = remembered_lock_agents(site)
    assert kept["uid"] == gone and "settled_at" in kept
    site.rest("DELETE", f"/agents/{gone}")
    (site.root / "actions" / "support" / "call_control.yaml").unlink()
    result = site.run("apply", "--auto-approve", "--prune")
    assert result.exit_code == 0, result.output
    (agent,) = lock_agents(site)
    (kept,) = remembered_lock_agents(site)
    assert kept["uid"] == agent["uid"] != gone and "settled_at" not in kept
    assert all_locks(site) == []


def test_an_unreadable_or_planted_hint_is_a_miss(site: Any) -> None:
    store = site.root / STORE
    store.parent.mkdir(parents=True, exist_ok=True)
    for text in ("{not json", '{"format": 1, "targets": {"x": "y"}}', "[]", "\x00" * 10):
        store.write_text(text)
        result = site.run("apply", "--auto-approve")
        assert result.exit_code == 0, result.output
        assert all_locks(site) == []
    assert len(lock_agents(site)) == 1


@pytest.mark.parametrize("settled", [False, True], ids=["young", "settled"])
def test_contenders_with_stale_and_different_hints_never_both_hold(
    site_factory: Any, settled: bool
) -> None:
    """Two lock agents; six contenders, each remembering one of them, the other, both
    or none, with ids handed out shuffled: at most one holds the agent at any moment.
    ``settled``: the first is a month old and two contenders remember it settled (they
    look nothing up); the second, made now, is a spare."""
    site = site_factory(latency_ms=40, id_order="shuffled", commit_delay_ms=60)
    first = make_lock_agent(site, age=timedelta(days=30) if settled else None)
    time.sleep(0.01)
    second = make_lock_agent(site)
    settled_at = {"settled_at": iso(datetime.now(UTC))} if settled else {}
    hints: list[list[dict[str, Any]]] = [
        [{"uid": first, **settled_at}],
        [{"uid": second}],
        [{"uid": second}, {"uid": first}],
        [],
        [{"uid": second}],
        [{"uid": first, **settled_at}],
    ]
    holders: list[int] = []
    errors: list[str] = []
    most = [0]
    guard = threading.Lock()
    start = threading.Barrier(len(hints))

    def contend(index: int, hint: list[dict[str, Any]]) -> None:
        client = OpenMicClient(site.url, TEST_API_KEY, backoff_base=0.01)
        memory = LockAgentMemory(site.root / f"contender{index}")
        (memory.root / ".actionctl").mkdir(parents=True)
        if hint:
            memory.remember(client.target, hint)
        locks = AgentLocks(client, hint=memory)
        start.wait()
        time.sleep(random.uniform(0, 0.05))
        try:
            locks.acquire([SUPPORT])
        except LockRefused:
            client.close()
            return
        except Exception as error:  # a contender that fails otherwise fails the test
            errors.append(f"contender {index}: {error}")
            client.close()
            return
        try:
            with guard:
                holders.append(index)
                most[0] = max(most[0], len(holders))
            time.sleep(0.3)
            with guard:
                holders.remove(index)
        finally:
            locks.release()
            client.close()

    threads = [threading.Thread(target=contend, args=item) for item in enumerate(hints)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert most[0] == 1, f"{most[0]} contenders held the lock at once"
    assert errors == []
    assert all_locks(site) == []
