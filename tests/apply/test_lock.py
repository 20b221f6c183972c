"""The per-agent apply lock (compiler/apply/lock.py): two applies at once, lost lock
responses, locks left by killed applies, renewal, and lock tools being invisible to
plan. Real emulator over HTTP, real processes, and the local platform.

Lock tools live on actionctl's lock agent (``actionctl-locks``); a lock tool on an agent
itself is how an older actionctl locked it, still honoured (``old_style_lock``)."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from compiler.apply.lock import AgentLocks, LockRefused
from compiler.apply.lock_memory import STORE
from compiler.platform.base import PlatformError
from compiler.platform.client import OpenMicClient
from compiler.platform.lock_tools import (
    HOST,
    LOCK_AGENT_NAME,
    LOCK_PREFIX,
    MACHINE,
    iso,
    locked_agents,
    parse_holder,
)
from tests.conftest import REPO_ROOT, TEST_API_KEY

SUPPORT = "agent_support_dev"
BILLING = "agent_billing_dev"
EXAMPLE_TOOLS = 13
CALL_CONTROL = Path("actions/support/call_control.yaml")

# --- helpers ---


def locks_on(site: Any, agent: str = SUPPORT) -> list[dict[str, Any]]:
    """Lock tools on the agent itself (an older actionctl's, or made by hand)."""
    return [t for t in site.tools(agent) if t["name"].startswith(LOCK_PREFIX)]


def lock_agents(site: Any) -> list[dict[str, Any]]:
    return list(site.server.store.list_agents(name=LOCK_AGENT_NAME).items)


def lock_agent_uid(site: Any) -> str:
    (agent,) = lock_agents(site)
    return str(agent["uid"])


def make_lock_agent(site: Any, *, age: timedelta | None = None) -> str:
    """The lock agent made ahead (as the first apply would), so that scripted faults
    land on the requests a test is about. ``age``: made that long ago, as on an account
    applied to for a while (seeded: the API stamps the time of the request)."""
    if age is None:
        agent = site.rest("POST", "/agents", {"name": LOCK_AGENT_NAME, "prompt": "locks"})
        return str(agent["uid"])
    made = iso(datetime.now(UTC) - age)
    fields = {"name": LOCK_AGENT_NAME, "prompt": "locks"}
    return str(site.server.store.create_agent(fields, created_at=made)["uid"])


def remembered_lock_agents(site: Any) -> list[dict[str, Any]]:
    """What the project remembers of the lock agent (``.actionctl/cache``)."""
    data = json.loads((site.root / STORE).read_text())
    return [agent for agents in data["targets"].values() for agent in agents]


def lock_agent_tools(site: Any) -> list[dict[str, Any]]:
    return [t for agent in lock_agents(site) for t in site.tools(agent["uid"])]


def our_locks(site: Any, agent: str = SUPPORT) -> list[dict[str, Any]]:
    """Lock tools on the lock agent that lock ``agent``."""
    return [t for t in lock_agent_tools(site) if agent in locked_agents(t)]


def all_locks(site: Any) -> list[dict[str, Any]]:
    return locks_on(site, SUPPORT) + locks_on(site, BILLING) + lock_agent_tools(site)


def old_style_lock(
    site: Any,
    *,
    host: str = "build-agent-7",
    pid: int = 4242,
    expires_in: timedelta = timedelta(minutes=10),
    name: str = LOCK_PREFIX + "0123456789abcdef",
    agent: str = SUPPORT,
    machine: str | None = None,
) -> dict[str, Any]:
    """A lock tool as an older actionctl wrote it, on the agent it locks, made over REST
    (without ``machine``: as an actionctl that did not record the machine identity)."""
    now = datetime.now(UTC)
    identity = f"machine {machine} " if machine else ""
    description = (
        "actionctl apply lock: not an action, never call it. Held by host "
        f"{host} {identity}pid {pid} since {iso(now)}; "
        f"safe to delete after {iso(now + expires_in)}."
    )
    body = {"type": "end_call", "name": name, "description": description}
    tool: dict[str, Any] = site.rest("POST", f"/agents/{agent}/tools", body)
    return tool


def their_lock(
    site: Any,
    *,
    host: str = "build-agent-7",
    pid: int = 4242,
    agent: str = SUPPORT,
    since: timedelta = timedelta(0),
    machine: str = "0123456789ab",
    on: str | None = None,
) -> dict[str, Any]:
    """A lock another apply holds on the lock agent (taken ``since`` ago)."""
    uid = on or (lock_agents(site)[0]["uid"] if lock_agents(site) else make_lock_agent(site))
    taken = datetime.now(UTC) - since
    description = (
        f'actionctl apply lock on agents ["{agent}"]: not an action, never call it. Held by '
        f"host {host} machine {machine} pid {pid} since {iso(taken)}; "
        f"safe to delete after {iso(taken + timedelta(minutes=15))}."
    )
    body = {"type": "end_call", "name": LOCK_PREFIX + "feedfacecafebeef"}
    body["description"] = description
    tool: dict[str, Any] = site.rest("POST", f"/agents/{uid}/tools", body)
    return tool


def dtmf(name: str, description: str) -> str:
    return (
        f"---\nkind: action\ntype: openmic.dtmf\nagent: support\nname: {name}\n"
        f"description: {description}\nstatic_params:\n  digits: '2'\n"
    )


def diverge(root: Path, who: str, filler: int) -> None:
    """Both sides change end_call (an update) and create contested_new, each its own way;
    ``filler`` more creates make the apply last longer."""
    path = root / CALL_CONTROL
    text = path.read_text().replace("Goodbye!", f"Goodbye from {who}!")
    text += dtmf("contested_new", f"Created by {who}")
    text += "".join(dtmf(f"filler_{i}", "Filler") for i in range(filler))
    path.write_text(text)


def two_plans(
    run: Callable[..., Any], root: Path, tmp_path: Path, filler_a: int = 0
) -> tuple[Path, Path]:
    """Plans A and B made from the same live state (the project rewritten in between)."""
    original = (root / CALL_CONTROL).read_text()
    plans = []
    for who, filler in (("A", filler_a), ("B", 0)):
        (root / CALL_CONTROL).write_text(original)
        diverge(root, who, filler)
        plan_file = tmp_path / f"plan-{who}.json"
        result = run("plan", "--out", plan_file)
        assert result.exit_code == 0, result.output
        summary = json.loads(plan_file.read_text())["summary"]
        assert (summary["create"], summary["update"]) == (1 + filler, 1)
        plans.append(plan_file)
    return plans[0], plans[1]


def start_apply(root: Path, plan_file: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "compiler", "--project", str(root), "--no-color"]
    command += ["apply", str(plan_file), "--parallelism", "1", *extra]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    # Unbuffered: a test reads the first progress line with readline() and the rest with
    # communicate(), which reads the pipe itself; a buffered reader would keep (and
    # lose) whatever arrived with that first line.
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0
    )


def first_change_line(process: subprocess.Popen[bytes]) -> str:
    """The first change's progress line (``[1/N] ...``), read past the lines of the lock
    phase; empty when the apply ended without one."""
    assert process.stderr is not None
    while True:
        line = process.stderr.readline().decode()
        if not line or line.startswith("["):
            return line


def race(root: Path, plan_a: Path, plan_b: Path) -> tuple[list[int], str, str]:
    """Both applies started at once; returns exits [A, B], the winner and both outputs."""
    processes = [start_apply(root, plan_a), start_apply(root, plan_b)]
    outputs = [(o + e).decode() for o, e in (p.communicate(timeout=60) for p in processes)]
    codes = [p.returncode for p in processes]
    assert sorted(codes) == [0, 3], f"exits {codes}: {outputs}"
    assert all("Traceback" not in out for out in outputs), outputs
    winner = "A" if codes[0] == 0 else "B"
    loser_output = outputs[1] if winner == "A" else outputs[0]
    return codes, winner, loser_output


def assert_winner_state(tools: list[dict[str, Any]], winner: str) -> None:
    names = collections.Counter(t["name"] for t in tools)
    assert [n for n, count in names.items() if count > 1] == [], "duplicate tool"
    assert not [n for n in names if n.startswith(LOCK_PREFIX)], "a lock tool was left"
    by_name = {t["name"]: t for t in tools}
    assert by_name["contested_new"]["description"] == f"Created by {winner}"
    end_message = by_name["end_call"]["static_params"]["end_message"]
    assert end_message.endswith(f"Goodbye from {winner}!"), "the loser overwrote the winner"


def settle(site: Any) -> None:
    """Wait until requests a killed client left in flight have been handled."""
    previous = None
    while True:
        time.sleep(0.3)
        current = site.server.stats.snapshot()["requests"]
        if current == previous:
            return
        previous = current


@pytest.fixture
def client(site: Any) -> Iterator[OpenMicClient]:
    client = OpenMicClient(site.url, TEST_API_KEY, backoff_base=0.01)
    yield client
    client.close()


# --- two applies at once ---


def test_two_applies_started_together_one_wins_one_refuses(applied: Any, tmp_path: Path) -> None:
    plan_a, plan_b = two_plans(applied.run, applied.root, tmp_path)
    applied.server.config.latency_ms = 300  # each stale check is answered before any write
    _codes, winner, loser = race(applied.root, plan_a, plan_b)
    applied.server.config.latency_ms = 0
    assert "A907" in loser or "A904" in loser, loser
    assert "nothing was changed" in loser
    assert_winner_state(applied.tools(), winner)
    assert len(applied.tools()) == 11 + 1  # support's tools and contested_new


def test_the_loser_of_the_lock_names_the_agent_and_changes_nothing(
    applied: Any, tmp_path: Path
) -> None:
    plan_a, plan_b = two_plans(applied.run, applied.root, tmp_path, filler_a=30)
    applied.server.config.latency_ms = 300
    first = start_apply(applied.root, plan_a)
    assert first.stderr is not None
    progress = first_change_line(first)
    assert progress.startswith("[1/32]"), progress  # A holds the lock, 31 changes to go
    second = start_apply(applied.root, plan_b)
    out_b, err_b = second.communicate(timeout=60)
    out_a, err_a = first.communicate(timeout=60)
    applied.server.config.latency_ms = 0
    assert first.returncode == 0, (out_a + err_a).decode()
    assert second.returncode == 3, (out_b + err_b).decode()
    message = err_b.decode()
    assert "A907" in message and f"agent {SUPPORT!r}" in message, message
    assert "another apply holds the lock" in message and "re-plan when it finishes" in message
    assert f"host {HOST}" in message
    assert_winner_state(applied.tools(), "A")


def test_two_applies_on_the_local_platform(example_project: Path, cli: Any, tmp_path: Path) -> None:
    run = lambda *a: cli("--project", example_project, "--no-color", *a)  # noqa: E731
    assert run("apply", "--auto-approve").exit_code == 0
    plan_a, plan_b = two_plans(run, example_project, tmp_path)
    _codes, winner, loser = race(example_project, plan_a, plan_b)
    assert "nothing was changed" in loser
    tools = json.loads(run("plan", "--format", "json").stdout)
    assert "actionctl-lock" not in json.dumps(tools)
    (root_tools,) = [_local_tools(example_project, SUPPORT)]
    assert_winner_state(root_tools, winner)


def _local_tools(root: Path, agent: str) -> list[dict[str, Any]]:
    from compiler.platform.local import LocalPlatform

    platform = LocalPlatform(root / ".actionctl" / "platform.db")
    try:
        return platform.list_tools(agent)
    finally:
        platform.close()


# --- acquiring through faults ---


def test_a_lost_lock_create_response_is_found_by_name(site: Any, client: Any) -> None:
    make_lock_agent(site)
    site.server.stats.reset()
    site.server.inject(None, "lost")  # after the look-up, the POST commits, its answer is lost
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    assert site.server.stats.snapshot()["methods"]["POST"] == 1  # adopted, not sent again
    (lock,) = our_locks(site)
    held = locks.held[SUPPORT]
    assert lock["name"] == held.name and held.tool_ids == [lock["id"]]
    holder = parse_holder(lock)
    assert holder is not None and (holder.host, holder.pid) == (HOST, os.getpid())
    assert locks_on(site) == []  # nothing on the agent itself
    assert locks.release() == []
    assert all_locks(site) == []


def test_a_lock_create_that_never_arrived_is_sent_again(site: Any, client: Any) -> None:
    make_lock_agent(site)
    site.server.stats.reset()
    site.server.inject(None, "drop")
    locks = AgentLocks(client)
    locks.acquire([SUPPORT, BILLING])
    assert site.server.stats.snapshot()["methods"]["POST"] == 2  # one tool locks both
    assert our_locks(site, SUPPORT) == our_locks(site, BILLING) == all_locks(site)
    assert len(all_locks(site)) == 1
    locks.release()
    assert all_locks(site) == []


def test_the_lock_agent_is_made_on_first_use_and_kept(site: Any, client: Any) -> None:
    """Found by name, made when missing, linked to no phone number, and its prompt says
    what it is; it stays (empty) between applies and is not made twice."""
    assert lock_agents(site) == []
    for _ in range(2):
        locks = AgentLocks(client)
        locks.acquire([SUPPORT, BILLING])
        (lock,) = lock_agent_tools(site)
        assert sorted(locked_agents(lock)) == [BILLING, SUPPORT]
        assert all_locks(site) == lock_agent_tools(site)  # none on the agents themselves
        locks.release()
    (agent,) = lock_agents(site)
    assert "apply locks" in agent["prompt"] and "never link a phone number" in agent["prompt"]
    assert lock_agent_tools(site) == []
    numbers = site.server.store.list_phone_numbers().items
    assert agent["uid"] not in {
        n.get(k) for n in numbers for k in ("inbound_agent_uid", "outbound_agent_uid")
    }
    assert agent["uid"] not in {a["uid"] for a in client.list_agents()}  # never shown


def test_apply_through_lost_responses_leaves_no_lock(site_factory: Any) -> None:
    site = site_factory(fault_rate=0.4, fault_seed=5, fault_kinds=("lost",))
    for _ in range(6):
        result = site.run("apply", "--auto-approve")
        if result.exit_code == 0:
            break
        assert result.exit_code == 1, result.output
    site.server.faults.rate = 0.0
    assert result.exit_code == 0, result.output
    assert site.server.stats.snapshot()["faults"].get("lost", 0) > 0
    assert all_locks(site) == []
    assert sum(len(t) for t in site.all_tools().values()) == EXAMPLE_TOOLS


# --- locks of other applies ---


def test_a_live_lock_of_another_host_refuses_and_changes_nothing(site: Any) -> None:
    theirs = old_style_lock(site)
    before = site.all_tools()
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 3, result.output
    assert "A907" in result.stderr and "host build-agent-7, pid 4242" in result.stderr
    assert f"agent {BILLING!r}" not in result.stderr  # billing sorts first and was free
    assert site.all_tools() == before
    assert locks_on(site) == [theirs]


def test_an_expired_lock_is_taken_over_and_removed(site: Any) -> None:
    old_style_lock(site, expires_in=timedelta(seconds=-1))
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert all_locks(site) == []
    assert site.pending() == {}


def test_a_lock_of_a_dead_process_on_this_host_is_taken_over(site: Any) -> None:
    pid = _dead_pid()
    old_style_lock(site, host=HOST, machine=MACHINE, pid=pid, expires_in=timedelta(minutes=14))
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert all_locks(site) == []


@pytest.mark.parametrize("machine", [None, "0123456789ab"], ids=["old-format", "other-machine"])
def test_a_lock_of_the_same_hostname_elsewhere_is_not_judged_by_our_pids(
    site: Any, machine: str | None
) -> None:
    """Two CI containers with one hostname: pid 4242424 is dead here, which says nothing
    about the other container, so only the lock's expiry frees it."""
    theirs = old_style_lock(site, host=HOST, machine=machine, pid=4242424)
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 3, result.output
    assert "A907" in result.stderr and "pid 4242424" in result.stderr
    assert locks_on(site) == [theirs]
    assert site.tools() == [theirs]  # nothing was written


def test_the_machine_identity_is_recorded_and_read_back(site: Any, client: Any) -> None:
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        (lock,) = our_locks(site)
    finally:
        locks.release()
    holder = parse_holder(lock)
    assert holder is not None and holder.machine == MACHINE and holder.host == HOST
    assert len(MACHINE) == 12


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_lock_of_a_running_process_on_this_host_is_respected(site: Any) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        old_style_lock(site, host=HOST, machine=MACHINE, pid=sleeper.pid)
        result = site.run("apply", "--auto-approve")
    finally:
        sleeper.kill()
        sleeper.wait()
    assert result.exit_code == 3, result.output
    assert f"pid {sleeper.pid}" in result.stderr
    assert len(locks_on(site)) == 1


def test_within_one_process_the_first_lock_wins(site: Any, client: Any) -> None:
    first, second = AgentLocks(client), AgentLocks(client)
    first.acquire([SUPPORT])
    with pytest.raises(LockRefused, match="another apply holds the lock on agent"):
        second.acquire([BILLING, SUPPORT])
    assert [t["name"] for t in all_locks(site)] == [first.held[SUPPORT].name]  # none of second's
    first.release()
    second.acquire([BILLING, SUPPORT])
    names = sorted({held.name for held in second.held.values()})  # one tool locks both
    assert sorted(t["name"] for t in all_locks(site)) == names
    second.release()


def test_our_own_leftover_lock_is_abandoned_once_its_apply_is_over(site: Any, client: Any) -> None:
    leftover = AgentLocks(client)
    leftover.acquire([SUPPORT])
    site.server.inject(*["500"] * 18)  # every DELETE attempt of the release fails
    (problem,) = leftover.release()
    assert "could not remove the apply lock tool" in problem and SUPPORT in problem
    assert len(our_locks(site)) == 1  # it names this process, which still runs
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert all_locks(site) == []


# --- renewal ---


def test_a_renewal_pushes_the_expiry_and_a_deleted_lock_is_lost(site: Any, client: Any) -> None:
    now = [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]
    locks = AgentLocks(client, clock=lambda: now[0])
    locks.acquire([SUPPORT])
    patches = lambda: site.server.stats.snapshot()["methods"].get("PATCH", 0)  # noqa: E731
    locks.check(SUPPORT)  # fresh: no request at all
    assert patches() == 0
    now[0] += timedelta(minutes=6)
    locks.renew()
    assert patches() == 1
    (lock,) = our_locks(site)
    holder = parse_holder(lock)
    assert holder is not None and holder.expires == now[0] + timedelta(minutes=15)
    assert holder.since == "2030-01-01T12:00:00Z"  # since stays the time it was taken
    now[0] += timedelta(minutes=10)  # 16 minutes after it was taken: still held
    locks.check(SUPPORT)
    site.rest("DELETE", f"/agents/{lock_agent_uid(site)}/tools/{lock['id']}")  # taken over
    locks.renew()
    with pytest.raises(PlatformError, match="no longer held"):
        locks.check(SUPPORT)
    with pytest.raises(PlatformError, match="no longer held"):
        locks.check(SUPPORT)  # and stays lost
    locks.release()


def test_a_lock_near_its_expiry_is_not_written_under(site: Any, client: Any) -> None:
    now = [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]
    locks = AgentLocks(client, clock=lambda: now[0])
    locks.acquire([SUPPORT])
    now[0] += timedelta(minutes=13)  # less than a sixth of the expiry left: no renewal came
    with pytest.raises(PlatformError, match="no longer held"):
        locks.check(SUPPORT)
    locks.renew()  # a late beat does not bring it back
    assert site.server.stats.snapshot()["methods"].get("PATCH", 0) == 0
    locks.release()
    assert all_locks(site) == []


def test_the_heartbeat_renews_by_time_alone(site: Any, client: Any) -> None:
    """Expiry scaled to 1.5 s (beats every 0.5 s): after three expiries with no write at
    all, the lock is still held, its tool says so, and it was renewed several times."""
    locks = AgentLocks(client, expiry=timedelta(seconds=1.5), clock=lambda: datetime.now(UTC))
    locks.acquire([SUPPORT])
    try:
        time.sleep(4.5)
        locks.check(SUPPORT)
        (lock,) = our_locks(site)
        holder = parse_holder(lock)
        assert holder is not None and holder.expires > datetime.now(UTC)
        assert site.server.stats.snapshot()["methods"].get("PATCH", 0) >= 5
    finally:
        locks.release()
    patches = site.server.stats.snapshot()["methods"].get("PATCH", 0)
    time.sleep(1.0)
    assert site.server.stats.snapshot()["methods"].get("PATCH", 0) == patches  # stopped
    assert all_locks(site) == []


# --- releasing ---


def test_locks_are_released_after_a_partial_failure(site: Any, tmp_path: Path) -> None:
    result = site.apply_with_one_bad_create(tmp_path / "plan.json")
    assert result.exit_code == 1
    assert all_locks(site) == []


def test_locks_are_released_on_ctrl_c(site_factory: Any, tmp_path: Path) -> None:
    site = site_factory(latency_ms=150)
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    process = start_apply(site.root, plan_file)
    assert process.stderr is not None
    first = first_change_line(process)
    assert first.startswith("[1/13]"), first
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=30)
    assert process.returncode not in (0, 3), first + err.decode()
    settle(site)
    assert all_locks(site) == []
    assert 0 < len(site.pending()) < EXAMPLE_TOOLS


@pytest.mark.parametrize(
    ("signum", "summary"),
    [
        (signal.SIGINT, "Interrupted:"),
        (signal.SIGTERM, "Interrupted (SIGTERM):"),
        (signal.SIGHUP, "Interrupted (SIGHUP):"),
    ],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_a_signal_reports_every_change_that_finished(
    site_factory: Any, tmp_path: Path, signum: int, summary: str
) -> None:
    """SIGTERM and SIGHUP stop an apply as Ctrl-C does: changes under way finish, every
    finished change has its line, the locks are released, the exit is 128 + signal."""
    site = site_factory(latency_ms=150)
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    process = start_apply(site.root, plan_file, "--parallelism", "2")
    assert process.stderr is not None
    first = first_change_line(process)
    assert first.startswith("[1/13]"), first
    process.send_signal(signum)  # the next changes are under way
    _out, rest = process.communicate(timeout=30)
    err = first + rest.decode()
    assert process.returncode == 128 + signum, err
    settle(site)
    assert all_locks(site) == [], err
    reported = {line.split()[-1] for line in err.splitlines() if line.startswith("[")}
    live = {f"{'support' if uid == SUPPORT else 'billing'}/{t['name']}"
            for uid in (SUPPORT, BILLING) for t in site.tools(uid)}  # fmt: skip
    assert reported == live, err  # nothing made without being reported
    not_started = EXAMPLE_TOOLS - len(live)
    assert not_started > 0, err
    counted = f"{summary} {len(live)} done, {not_started} not started; run `actionctl plan`"
    assert counted in err, err


def test_ctrl_c_reports_every_change_that_finished(site_factory: Any, tmp_path: Path) -> None:
    test_a_signal_reports_every_change_that_finished(
        site_factory, tmp_path, signal.SIGINT, "Interrupted:"
    )


def test_a_signal_while_the_locks_are_taken_changes_nothing(
    site_factory: Any, tmp_path: Path
) -> None:
    site = site_factory(latency_ms=400)
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    process = start_apply(site.root, plan_file)
    deadline = time.monotonic() + 30
    while not all_locks(site) and time.monotonic() < deadline:  # billing's lock exists
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 143, err.decode()
    settle(site)
    assert all_locks(site) == []
    assert len(site.pending()) == EXAMPLE_TOOLS, err.decode()  # nothing written


# --- invisible to everything else ---


def test_lock_tools_never_appear_in_plans(applied: Any) -> None:
    theirs = old_style_lock(applied)
    old_style_lock(applied, agent=BILLING, name=theirs["name"])
    old_style_lock(applied, agent=BILLING, name=theirs["name"])  # a duplicate name, ignored
    for fmt in ("text", "json", "markdown"):
        result = applied.run("plan", "--prune", "--detailed-exitcode", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert LOCK_PREFIX not in result.stdout
        assert "L802" not in result.stderr
    warned = applied.run("plan")
    assert "L804" in warned.stderr and "an apply is running on agent" in warned.stderr
    # apply --auto-approve locks before it reads: a running apply's lock refuses it.
    refused = applied.run("apply", "--prune", "--auto-approve")
    assert refused.exit_code == 3 and "A907" in refused.stderr, refused.output
    assert len(all_locks(applied)) == 3  # live locks of another apply are not swept


def test_a_plan_warns_about_a_lock_left_by_a_killed_apply_and_apply_sweeps_it(
    applied: Any,
) -> None:
    old_style_lock(applied, host=HOST, machine=MACHINE, pid=_dead_pid())
    warned = applied.run("plan")
    assert "L804" in warned.stderr and "left by an apply that was killed" in warned.stderr
    result = applied.run("apply", "--auto-approve")  # no changes: still cleans up
    assert result.exit_code == 0, result.output
    assert all_locks(applied) == []


def test_a_plan_made_during_an_apply_does_not_see_its_lock(applied: Any, client: Any) -> None:
    locks = AgentLocks(client)
    locks.acquire([SUPPORT, BILLING])
    try:
        assert applied.pending("--prune") == {}
    finally:
        locks.release()


def test_import_does_not_write_a_lock_tool(applied: Any, tmp_path: Path) -> None:
    old_style_lock(applied)
    # A tool the project does not declare, so import writes it whether or not it skips
    # the declared ones.
    body = {"type": "end_call", "name": "legacy_hang_up", "description": "Hangs up."}
    applied.rest("POST", f"/agents/{SUPPORT}/tools", body)
    out = tmp_path / "imported"
    result = applied.run("import", "--out", out)
    assert result.exit_code == 0, result.output
    written = "".join(p.read_text() for p in out.rglob("*.yaml"))
    assert "legacy_hang_up" in written
    assert LOCK_PREFIX not in written


def test_a_desired_tool_with_the_reserved_prefix_is_refused(site: Any) -> None:
    path = site.root / CALL_CONTROL
    path.write_text(path.read_text().replace("name: end_call", "name: actionctl-lock-mine"))
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "N314" in result.stderr  # validation refuses it before anything is planned
    assert site.all_tools() == {SUPPORT: [], BILLING: []}


def test_a_saved_plan_writing_a_reserved_name_is_refused(site: Any, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    data = json.loads(plan_file.read_text())
    (change,) = [c for c in data["changes"] if c["address"] == "support/end_call"]
    change["name"] = change["after"]["name"] = "actionctl-lock-mine"  # edited by hand
    plan_file.write_text(json.dumps(data))
    result = site.run("apply", plan_file)
    assert result.exit_code == 1, result.output
    assert "A901" in result.stderr and "reserved" in result.stderr  # refused on reading
    assert site.all_tools() == {SUPPORT: [], BILLING: []}


def test_an_agent_gone_since_planning_is_stale_and_no_lock_is_left(
    site: Any, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    site.server.store.delete_agent(SUPPORT)  # billing is locked first, then support fails
    result = site.run("apply", plan_file)
    assert result.exit_code == 3, result.output
    assert "A904" in result.stderr and "an agent the plan touches is gone" in result.stderr
    assert site.tools(BILLING) == []


# --- the re-check right before each write ---


def test_a_tool_edited_since_planning_is_refused_from_one_listing(
    applied: Any, tmp_path: Path
) -> None:
    """The "still as planned?" guard reads each agent's list once under its lock, not
    one GET per tool: the refusal costs the lock's create and delete, the look-up of the
    lock agent by name after that create (where it is was remembered by the apply
    before) and its tool list, and the agent's listing."""
    path = applied.root / CALL_CONTROL
    path.write_text(path.read_text().replace("Goodbye!", "Bye now!"))
    plan_file = tmp_path / "plan.json"
    assert applied.run("plan", "--out", plan_file).exit_code == 0
    end_call = applied.tool("end_call")
    applied.rest("PATCH", f"/agents/{SUPPORT}/tools/{end_call['id']}", {"description": "edited"})
    applied.server.stats.reset()
    result = applied.run("apply", plan_file)
    assert result.exit_code == 3, result.output
    assert "A904" in result.stderr and "changed since planning" in result.stderr
    assert applied.tool("end_call")["description"] == "edited"
    assert applied.server.stats.snapshot()["methods"] == {"POST": 1, "GET": 3, "DELETE": 1}
    assert all_locks(applied) == []


def test_lock_tool_is_read_only_and_harmless_if_called(site: Any, client: Any) -> None:
    """No caller reaches the lock agent; should someone link a number to it anyway, its
    tools must not act on a call."""
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        (lock,) = our_locks(site)
    finally:
        locks.release()
    assert lock["type"] == "check_working_hours"
    hours = lock["static_params"]["working_hours"]
    days = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    assert set(hours) == days
    assert all(day == {"start": "00:00", "end": "23:59"} for day in hours.values())
    assert lock["speak_during_execution"] is False
