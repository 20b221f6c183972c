"""The lock agent (``actionctl-locks``): where apply locks live, so that no agent that
can take a call ever carries a tool the user did not declare. Real emulator over HTTP,
real ``actionctl apply`` processes and threads racing for it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from compiler.apply.lock import AgentLocks, LockRefused
from compiler.platform.client import OpenMicClient
from compiler.platform.lock_tools import HOST, LOCK_AGENT_NAME, MACHINE, locked_agents
from tests.apply.test_lock import (
    BILLING,
    SUPPORT,
    _dead_pid,
    all_locks,
    first_change_line,
    lock_agent_tools,
    lock_agents,
    locks_on,
    make_lock_agent,
    our_locks,
    settle,
    start_apply,
    their_lock,
)
from tests.conftest import TEST_API_KEY

DECLARED_AGENTS = (SUPPORT, BILLING)


def declared_names(site: Any, *plan_args: str) -> dict[str, set[str]]:
    """Per agent, the names of the tools the user has: every tool a fresh plan names
    (declared, or live and about to be pruned)."""
    names: dict[str, set[str]] = {uid: set() for uid in DECLARED_AGENTS}
    for change in site.plan_json(*plan_args)["changes"]:
        names[change["agent_uid"]].add(change["name"])
    return names


class Watcher(threading.Thread):
    """Lists every declared agent's tools over and over, from the emulator's store,
    while an apply runs; records any tool the project does not declare, and whether a
    lock was seen on the lock agent at all (proof the watch overlapped the locks)."""

    def __init__(self, site: Any, declared: dict[str, set[str]]) -> None:
        super().__init__(daemon=True)
        self.site, self.declared = site, declared
        self.foreign: list[tuple[str, str]] = []
        self.polls = 0
        self.saw_lock = False
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for uid in DECLARED_AGENTS:
                for tool in self.site.tools(uid):
                    if tool["name"] not in self.declared[uid]:
                        self.foreign.append((uid, tool["name"]))
            self.saw_lock = self.saw_lock or bool(lock_agent_tools(self.site))
            self.polls += 1
            time.sleep(0.005)


@pytest.mark.parametrize("prune", [False, True], ids=["creates", "updates-and-prune"])
def test_no_declared_agent_ever_carries_an_undeclared_tool(
    site_factory: Any, tmp_path: Path, prune: bool
) -> None:
    site = site_factory(latency_ms=60)
    if prune:  # the second apply updates and deletes, its locks held all along
        assert site.run("apply", "--auto-approve").exit_code == 0
        path = site.root / "actions" / "support" / "call_control.yaml"
        path.write_text(path.read_text().replace("Goodbye!", "Bye now!"))
        (site.root / "actions" / "billing").rename(tmp_path / "billing-removed")
    plan_args = ["--prune"] if prune else []
    declared = declared_names(site, *plan_args)
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file, *plan_args).exit_code == 0
    watcher = Watcher(site, declared)
    watcher.start()
    process = start_apply(site.root, plan_file, *(["--allow-empty"] if prune else []))
    out, err = process.communicate(timeout=120)
    watcher.done.set()
    watcher.join()
    assert process.returncode == 0, (out + err).decode()
    assert watcher.saw_lock and watcher.polls > 20, "the watch missed the apply"
    assert watcher.foreign == []
    assert all_locks(site) == []


def test_a_lock_of_another_apply_on_the_lock_agent_refuses(site: Any) -> None:
    theirs = their_lock(site, since=timedelta(seconds=30))
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 3, result.output
    assert "A907" in result.stderr and "host build-agent-7, pid 4242" in result.stderr
    assert f"agent {SUPPORT!r}" in result.stderr
    assert site.all_tools() == {SUPPORT: [], BILLING: []}  # nothing written
    assert lock_agent_tools(site) == [theirs]


def test_a_lock_left_on_the_lock_agent_by_a_killed_apply_is_released(site: Any) -> None:
    their_lock(site, host=HOST, machine=MACHINE, pid=_dead_pid())
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert all_locks(site) == []
    assert site.pending() == {}


def test_a_killed_apply_leaves_its_lock_on_the_lock_agent_only(
    site_factory: Any, tmp_path: Path
) -> None:
    """SIGKILL while the changes run: the lock tools stay on the lock agent (the
    agents carry only declared tools), and the next apply removes them and finishes."""
    site = site_factory(latency_ms=150)
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    process = start_apply(site.root, plan_file)
    first = first_change_line(process)  # past the lock phase's own lines
    assert first.startswith("[1/"), first
    process.kill()
    process.communicate(timeout=30)
    settle(site)
    assert {t["name"] for t in lock_agent_tools(site)}, "the kill left no lock to test"
    assert locks_on(site, SUPPORT) == locks_on(site, BILLING) == []
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert all_locks(site) == [] and site.pending() == {}


def test_a_spare_lock_agent_is_deleted_once_empty_and_the_oldest_is_used(site: Any) -> None:
    older = make_lock_agent(site)
    time.sleep(0.01)  # created_at in microseconds: the second one is younger
    make_lock_agent(site)
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert [a["uid"] for a in lock_agents(site)] == [older]


def test_a_lock_on_a_spare_lock_agent_still_counts(site: Any) -> None:
    """An apply that put its lock on a lock agent made in a race holds it there: the
    other lock agent's applies see it, and the spare is not deleted under it."""
    make_lock_agent(site)
    time.sleep(0.01)
    spare = make_lock_agent(site)
    theirs = their_lock(site, on=spare, since=timedelta(seconds=30))
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 3 and "A907" in result.stderr, result.output
    assert spare in {a["uid"] for a in lock_agents(site)}
    assert theirs in site.tools(spare)


def test_applies_making_the_lock_agent_at_once_never_both_hold(site_factory: Any) -> None:
    """Four applies start together on an account with no lock agent (each makes one)
    and ids handed out shuffled: at most one holds the agent at any moment, the spare
    lock agents are deleted, and the rest converge on one."""
    site = site_factory(latency_ms=80, id_order="shuffled", commit_delay_ms=100)
    holders: list[int] = []
    most = [0]
    guard = threading.Lock()
    start = threading.Barrier(4)
    racing = threading.Event()

    def contend() -> None:
        client = OpenMicClient(site.url, TEST_API_KEY, backoff_base=0.01)
        locks = AgentLocks(client)
        start.wait()
        try:
            locks.acquire([SUPPORT])
        except LockRefused:
            client.close()
            return
        try:
            with guard:
                holders.append(1)
                most[0] = max(most[0], len(holders))
            time.sleep(0.4)
            with guard:
                holders.pop()
        finally:
            locks.release()
            client.close()

    def count_lock_agents(seen: list[int]) -> None:
        while not racing.is_set():
            seen.append(len(lock_agents(site)))
            time.sleep(0.005)

    seen: list[int] = []
    counter = threading.Thread(target=count_lock_agents, args=(seen,))
    counter.start()
    threads = [threading.Thread(target=contend) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    racing.set()
    counter.join()
    assert most[0] <= 1, f"{most[0]} applies held the lock at once"
    assert max(seen) > 1, "the applies did not make the lock agent at once"
    assert all_locks(site) == []
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    (agent,) = lock_agents(site)
    assert agent["name"] == LOCK_AGENT_NAME
    assert our_locks(site) == []


def test_one_lock_tool_locks_up_to_twenty_agents(site: Any) -> None:
    """45 agents: three lock tools (20, 20, 5 agents), each renewed and released once."""
    uids = [f"agent_many_{i:02}" for i in range(45)]
    for uid in uids:
        site.server.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    client = OpenMicClient(site.url, TEST_API_KEY, backoff_base=0.01)
    locks = AgentLocks(client)
    try:
        locks.acquire(uids)
        tools = lock_agent_tools(site)
        assert sorted(len(locked_agents(t)) for t in tools) == [5, 20, 20]
        assert sorted(uid for t in tools for uid in locked_agents(t)) == uids
        site.server.stats.reset()
        locks.renew()
        assert site.server.stats.snapshot()["methods"] == {"PATCH": 3}
        for uid in uids:
            locks.check(uid)
    finally:
        locks.release()
        client.close()
    assert lock_agent_tools(site) == []


def test_on_the_local_platform_the_lock_agent_is_never_imported(
    example_project: Path, cli: Any, tmp_path: Path
) -> None:
    from compiler.platform.local import LocalPlatform

    run = lambda *a: cli("--project", example_project, "--no-color", *a)  # noqa: E731
    assert run("apply", "--auto-approve").exit_code == 0
    platform = LocalPlatform(example_project / ".actionctl" / "platform.db")
    try:
        (agent,) = platform.find_agents(LOCK_AGENT_NAME)
        assert agent["uid"] not in {a["uid"] for a in platform.list_agents()}
        assert platform.list_tools(agent["uid"]) == []  # released
        assert {a["uid"] for a in platform.list_agents()} == {SUPPORT, BILLING}
    finally:
        platform.close()
    out = tmp_path / "imported"
    result = run("import", "--out", out)
    assert result.exit_code == 0, result.output
    assert agent["uid"] not in result.output and LOCK_AGENT_NAME not in result.output
    assert not [p for p in out.rglob("*") if agent["uid"] in str(p)]


def test_the_v1_api_cannot_hold_a_lock_agent_and_apply_says_so(site_factory: Any) -> None:
    """v1 serves tools only: no agent can be found or made there, so apply refuses
    rather than put a lock tool on an agent that takes calls."""
    site = site_factory()
    from tests.apply.conftest import point_at

    point_at(site.root, site.url, api_prefix="/v1")
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "needs the v2 API" in result.stderr and "Traceback" not in result.output
    assert site.all_tools() == {SUPPORT: [], BILLING: []}
