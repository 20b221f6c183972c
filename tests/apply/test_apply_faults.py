"""Apply through an unreliable platform: random faults, lost create responses, and a
process killed mid-apply. The invariant every time: converge, no duplicate, no loss."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from compiler.apply.lock import LOCK_PREFIX
from tests.apply.test_lock import lock_agent_tools
from tests.conftest import REPO_ROOT

EXAMPLE_TOOLS = 13


def assert_converged(site: Any) -> None:
    everything = site.all_tools()
    for uid, tools in everything.items():
        counts = collections.Counter(t["name"] for t in tools)
        duplicates = [name for name, n in counts.items() if n > 1]
        assert not duplicates, f"duplicates on {uid}: {duplicates}"
    assert sum(len(tools) for tools in everything.values()) == EXAMPLE_TOOLS
    assert site.pending() == {}


def apply_until_done(site: Any, *args: str, attempts: int = 6) -> list[Any]:
    results = []
    for _ in range(attempts):
        result = site.run("apply", "--auto-approve", *args)
        results.append(result)
        if result.exit_code == 0:
            return results
        assert result.exit_code == 1, result.output
        assert (
            "Apply incomplete" in result.stderr
            or "Apply failed" in result.stderr
            or ("error P" in result.stderr)
        )
    raise AssertionError(f"no convergence after {attempts} applies:\n{results[-1].output}")


def test_apply_through_a_quarter_of_requests_failing_converges(site_factory: Any) -> None:
    site = site_factory(fault_rate=0.25, fault_seed=7, fault_retry_after=0)
    apply_until_done(site)
    site.server.faults.rate = 0.0
    assert_converged(site)
    assert sum(site.server.stats.snapshot()["faults"].values()) > 0


def test_lost_create_responses_never_duplicate(site_factory: Any) -> None:
    site = site_factory(fault_rate=0.25, fault_seed=3, fault_kinds=("lost",))
    results = apply_until_done(site)
    site.server.faults.rate = 0.0
    assert_converged(site)
    assert site.server.stats.snapshot()["faults"].get("lost", 0) > 0
    assert "created" in results[-1].stderr or len(results) > 1


def test_updates_and_deletes_survive_faults(site_factory: Any) -> None:
    site = site_factory()
    assert site.run("apply", "--auto-approve").exit_code == 0
    for tool in site.tools():
        if tool["type"] == "send_sms":
            site.rest(
                "PATCH",
                f"/agents/agent_support_dev/tools/{tool['id']}",
                {"description": "drifted"},
            )
    site.rest("POST", "/agents/agent_support_dev/tools", {"type": "end_call", "name": "x"})
    site.server.faults.rate = 0.3
    apply_until_done(site, "--prune")
    site.server.faults.rate = 0.0
    assert_converged(site)


def settled_names(site: Any) -> set[str]:
    """Live names once requests the killed client left in flight have been handled
    (the server finishes them after the client is gone; the next plan must see them)."""
    previous: set[str] | None = None
    while True:
        time.sleep(0.3)
        current = {t["name"] for tools in site.all_tools().values() for t in tools}
        if current == previous:
            return current
        previous = current


def lock_agent_names(site: Any) -> set[str]:
    return {t["name"] for t in lock_agent_tools(site)}


def lock_names(names: set[str]) -> set[str]:
    return {name for name in names if name.startswith(LOCK_PREFIX)}


def test_killed_apply_leaves_exactly_the_remainder(site_factory: Any, tmp_path: Path) -> None:
    site = site_factory(latency_ms=80)
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    command = [sys.executable, "-m", "compiler", "--project", str(site.root), "--no-color"]
    command += ["apply", str(plan_file), "--auto-approve", "--parallelism", "2"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env)
    assert process.stderr is not None
    finished = 0
    deadline = time.monotonic() + 30
    while finished < 3 and time.monotonic() < deadline:
        line = process.stderr.readline().decode()
        if not line:
            break
        finished += line.startswith("[")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert finished >= 3, "the apply finished too few changes before the kill"

    live = settled_names(site)
    # The killed apply could not release its apply lock: its lock tool (locking both
    # agents) stays on the lock agent, none on the agents, until the next apply, which
    # sees its pid is dead.
    assert lock_names(live) == set()
    assert len(lock_names(lock_agent_names(site))) == 1
    assert 3 <= len(live) < EXAMPLE_TOOLS, "the kill should land mid-apply"
    remainder = site.pending()
    planned = json.loads(plan_file.read_text())["changes"]
    expected = {c["address"]: "create" for c in planned if c["name"] not in live}
    assert remainder == expected
    assert len(remainder) == EXAMPLE_TOOLS - len(live)
    assert site.run("apply", plan_file).exit_code == 3  # the old plan is now stale
    assert lock_names(lock_agent_names(site)) == set()  # ...and the dead apply's lock is gone
    second = tmp_path / "rest.json"
    assert site.run("plan", "--out", second).exit_code == 0
    result = site.run("apply", second)
    assert result.exit_code == 0, result.output
    assert_converged(site)


@pytest.mark.slow  # ~8 s: the client's own backoff on the many failed GETs
def test_creates_answered_500_are_retried_until_the_apply_succeeds(site_factory: Any) -> None:
    """A POST answered 5xx may have committed, so the client does not repeat it; apply
    waits, looks the name up, and creates again: one apply, no failure, no duplicate.
    (Seed 3 failed a create with 3 back-to-back attempts.)"""
    site = site_factory(fault_rate=0.4, fault_seed=3, fault_kinds=("500",))
    result = site.run("apply", "--auto-approve", "--parallelism", "1")
    assert result.exit_code == 0, result.output
    assert site.server.stats.snapshot()["faults"].get("500", 0) > 0
    site.server.faults.rate = 0.0
    assert_converged(site)
