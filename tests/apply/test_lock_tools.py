"""What a lock tool says and whether it still counts (compiler/platform/lock_tools.py):
the description written and read back, the agents it locks, its holder, and the
judgement "abandoned" at its edges (the exact expiry, another machine, this process,
a dead or zombie process)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from compiler.platform import lock_tools
from compiler.platform.lock_tools import (
    LOCK_AGENT_NAME,
    LOCK_EXPIRY,
    LOCK_PREFIX,
    Holder,
    abandoned,
    host_name,
    is_lock_agent,
    is_lock_tool,
    iso,
    lock_agent_order,
    lock_description,
    locked_agents,
    machine_identity,
    made_by_actionctl,
    mark_active,
    parse_holder,
    parse_time,
    pid_alive,
    without_lock_agents,
    without_locks,
)
from tests.conftest import REPO_ROOT

NOON = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
NAME = LOCK_PREFIX + "0011223344556677"


def lock(description: str, *, name: str = NAME, **extra: Any) -> dict[str, Any]:
    return {"id": 7, "name": name, "description": description, **extra}


def ours(
    *,
    since: datetime = NOON,
    expires: datetime = NOON + LOCK_EXPIRY,
    agents: list[str] | None = None,
    name: str = NAME,
) -> dict[str, Any]:
    return lock(lock_description(since, expires, agents), name=name)


def held_by(host: str, machine: str | None, pid: int, expires: datetime) -> dict[str, Any]:
    identity = f"machine {machine} " if machine else ""
    return lock(
        f"actionctl apply lock: not an action, never call it. Held by host {host} "
        f"{identity}pid {pid} since {iso(NOON)}; safe to delete after {iso(expires)}."
    )


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# --- recognising lock tools and the lock agent ---


def test_lock_tools_are_told_by_their_name_alone() -> None:
    assert is_lock_tool({"name": NAME})
    assert not is_lock_tool({"name": "actionctl-locks"})
    assert not is_lock_tool({"name": None}) and not is_lock_tool({})
    tools = [{"name": "end_call"}, {"name": NAME}, {"name": 3}]
    assert without_locks(tools) == [{"name": "end_call"}, {"name": 3}]


def test_the_lock_agent_is_told_by_its_name() -> None:
    agents = [{"name": LOCK_AGENT_NAME, "uid": "a"}, {"name": "support", "uid": "b"}]
    assert is_lock_agent(agents[0]) and not is_lock_agent(agents[1])
    assert without_lock_agents(agents) == [agents[1]]


def test_every_apply_prefers_the_oldest_lock_agent_then_the_lowest_uid() -> None:
    agents = [
        {"uid": "b", "created_at": "2030-01-01T00:00:01Z"},
        {"uid": "c", "created_at": "2030-01-01T00:00:00Z"},
        {"uid": "a", "created_at": "2030-01-01T00:00:00Z"},
        {"uid": "z"},  # no creation time: sorts first, as an empty one
    ]
    assert [a["uid"] for a in sorted(agents, key=lock_agent_order)] == ["z", "a", "c", "b"]


# --- the description ---


def test_the_description_names_the_agents_and_reads_back() -> None:
    tool = ours(agents=["agent_b", 'odd "uid" ]'])
    assert locked_agents(tool) == ["agent_b", 'odd "uid" ]']
    holder = parse_holder(tool)
    assert holder == Holder(
        host_name(), os.getpid(), iso(NOON), NOON + LOCK_EXPIRY, machine_identity()
    )
    assert holder.describe() == f"since {iso(NOON)} (host {host_name()}, pid {os.getpid()})"
    assert made_by_actionctl(tool)


def test_an_older_actionctls_lock_names_no_agent() -> None:
    tool = ours(agents=None)
    assert tool["description"].startswith("actionctl apply lock: not an action")
    assert locked_agents(tool) == [] and made_by_actionctl(tool)


@pytest.mark.parametrize(
    "description",
    [
        "",
        "actionctl apply lock on agents [broken: not an action",
        'actionctl apply lock on agents {"a": 1}: not an action',
        'actionctl apply lock on agents "agent_a": not an action',
        'see actionctl apply lock on agents ["agent_a"]',
    ],
)
def test_a_description_that_names_no_list_of_agents_locks_none(description: str) -> None:
    assert locked_agents(lock(description)) == []


def test_only_the_uids_that_are_strings_are_locked() -> None:
    assert locked_agents(lock('actionctl apply lock on agents ["a", 1, null, "b"]: x')) == [
        "a",
        "b",
    ]
    assert locked_agents({"name": NAME, "description": None}) == []


def test_the_expiry_is_rounded_up_to_a_whole_second_and_since_kept() -> None:
    holder = parse_holder(ours(since=NOON, expires=NOON + timedelta(seconds=2, microseconds=1)))
    assert holder is not None and holder.expires == NOON + timedelta(seconds=3)
    holder = parse_holder(ours(expires=NOON + timedelta(seconds=2)))
    assert holder is not None and holder.expires == NOON + timedelta(seconds=2)
    assert iso(datetime(2030, 1, 1, 13, 0, tzinfo=UTC).astimezone()) == "2030-01-01T13:00:00Z"


def test_a_description_without_a_readable_holder_is_someone_elses() -> None:
    assert parse_holder(lock("made by hand")) is None
    assert parse_holder({"name": NAME}) is None
    bad_expiry = held_by("h", None, 1, NOON)["description"].replace("2030-01-01", "2030-13-45")
    assert parse_holder(lock(bad_expiry)) is None
    assert not made_by_actionctl(lock(bad_expiry))
    holder = parse_holder(held_by("build-7", None, 42, NOON))
    assert holder is not None and (holder.host, holder.pid, holder.machine) == ("build-7", 42, None)


def test_times_read_back_in_utc() -> None:
    assert parse_time("2030-01-01T12:00:00Z") == NOON
    assert parse_time("2030-01-01T12:00:00") == NOON  # no zone: UTC
    assert parse_time("2030-01-01T13:00:00+01:00") == NOON
    assert parse_time("noon") is None


# --- does it still count? ---


def test_someone_elses_lock_counts_until_its_creation_plus_the_expiry() -> None:
    made = lock("made by hand", created_at="2030-01-01T12:00:00Z")
    assert not abandoned(made, NOON + LOCK_EXPIRY - timedelta(microseconds=1))
    assert abandoned(made, NOON + LOCK_EXPIRY)
    assert abandoned(made, NOON + timedelta(seconds=5), timedelta(seconds=5))
    assert not abandoned(lock("made by hand"), NOON + timedelta(days=365))  # no time: counts


def test_a_lock_of_another_machine_counts_until_its_expiry_exactly() -> None:
    tool = held_by("build-7", "0123456789ab", 42, NOON + LOCK_EXPIRY)
    assert not abandoned(tool, NOON)
    assert not abandoned(tool, NOON + LOCK_EXPIRY - timedelta(microseconds=1))
    assert abandoned(tool, NOON + LOCK_EXPIRY)


@pytest.mark.parametrize(
    ("host", "machine"),
    [("build-7", None), ("<here>", None), ("<here>", "0123456789ab"), ("build-7", "<here>")],
)
def test_the_pid_of_a_lock_is_read_only_on_its_own_machine(host: str, machine: str | None) -> None:
    host = host_name() if host == "<here>" else host
    machine = machine_identity() if machine == "<here>" else machine
    tool = held_by(host, machine, dead_pid(), datetime.now(UTC) + LOCK_EXPIRY)
    assert not abandoned(tool, datetime.now(UTC))  # its pid means nothing here


def test_a_lock_of_a_dead_process_here_is_abandoned_and_a_live_one_counts() -> None:
    now = datetime.now(UTC)
    later = now + LOCK_EXPIRY
    assert abandoned(held_by(host_name(), machine_identity(), dead_pid(), later), now)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        tool = held_by(host_name(), machine_identity(), sleeper.pid, later)
        assert not abandoned(tool, now)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_lock_of_this_process_counts_while_its_apply_runs() -> None:
    tool = ours(expires=datetime.now(UTC) + LOCK_EXPIRY)
    now = datetime.now(UTC)
    mark_active(NAME, True)
    try:
        assert not abandoned(tool, now)
    finally:
        mark_active(NAME, False)
    assert abandoned(tool, now)  # its apply is over: left behind
    mark_active(NAME, False)  # (again: no error)
    assert abandoned(tool, now)


def test_a_zombie_is_not_alive_and_a_running_process_is() -> None:
    assert pid_alive(os.getpid())
    assert not pid_alive(dead_pid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert pid_alive(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while pid_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.01)  # killed, not yet reaped: a zombie
        assert not pid_alive(child.pid)
    finally:
        child.kill()
        child.wait()


def test_the_host_is_the_hostname_with_white_space_made_safe() -> None:
    # (The description's pattern reads the host as one word.)
    assert host_name() == re.sub(r"\s+", "_", socket.gethostname())


def test_another_pid_namespace_on_this_boot_is_another_machine() -> None:
    """A pid there says nothing about a process here (two containers, one kernel)."""
    code = "from compiler.platform.lock_tools import machine_identity; print(machine_identity())"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = ["unshare", "--pid", "--fork", "--mount-proc", sys.executable, "-c", code]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    except FileNotFoundError:
        pytest.skip("no unshare(1) here")
    if done.returncode != 0 and "Operation not permitted" in done.stderr:
        pytest.skip("new pid namespaces are not permitted here")
    assert done.returncode == 0, done.stderr
    there = done.stdout.strip()
    assert len(there) == 12 and there != machine_identity()


def test_asking_whether_a_process_runs_sends_it_no_signal() -> None:
    # The child takes every signal's default action (even if ours ignores SIGHUP).
    code = (
        "import signal, time\n"
        "for s in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):\n"
        "    signal.signal(s, signal.SIG_DFL)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        assert pid_alive(child.pid)
        with pytest.raises(subprocess.TimeoutExpired):
            child.wait(timeout=0.5)  # still running: a signal 0 only asks
    finally:
        child.kill()
        child.wait()


def test_host_and_machine_are_module_constants_worked_out_on_use() -> None:
    assert host_name() == lock_tools.HOST and machine_identity() == lock_tools.MACHINE
    assert len(machine_identity()) == 12 and int(machine_identity(), 16) >= 0
    assert not any(char.isspace() for char in host_name()) and host_name()
    with pytest.raises(AttributeError, match="no attribute 'NOTHING'"):
        _ = lock_tools.NOTHING
