"""Crash safety: ``actionctl apply PLAN`` in a real process, SIGKILLed at a random moment
while an emulator with latency is serving it.

Whatever the moment, the platform must be in a state where the next plan shows exactly
what is left: the new plan's changes equal the saved plan's changes minus those the
platform (read over REST) shows as done, where a replace whose delete happened but
whose create did not is left as a create. A second apply then converges, without
duplicates.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.fleet import (
    Fleet,
    Workspace,
    actionctl_command,
    assert_platform_equals_desired,
    canonical,
    duplicates,
    lock_tools,
    record,
    settle,
    subprocess_env,
)

FLEET = Fleet(agents=2, keep=1, updates=5, deletes=4, replaces=2, creates=6)  # 34 changes
LATENCY_MS = 40


def is_done(change: dict[str, Any], tools: list[dict[str, Any]]) -> str | None:
    """The action still needed for ``change`` given the live tools (None: done)."""
    by_id = {t["id"]: t for t in tools}
    want = canonical(change["after"]) if change["after"] is not None else None
    named = [t for t in tools if t["name"] == change["name"] and canonical(t) == want]
    action = change["action"]
    if action == "delete":
        return "delete" if change["tool_id"] in by_id else None
    if action == "update":
        return None if canonical(by_id[change["tool_id"]]) == want else "update"
    if action == "replace" and change["tool_id"] in by_id:
        return "replace"
    return None if named else "create"


def expected_remainder(saved: dict[str, Any], ws: Workspace) -> dict[str, str]:
    live = ws.live_all()
    expected = {}
    for change in saved["changes"]:
        if change["action"] == "no-op":
            continue
        needed = is_done(change, live[change["agent_uid"]])
        if needed is not None:
            expected[change["address"]] = needed
    return expected


def kill_mid_apply(ws: Workspace, plan_file: Path, rng: random.Random) -> dict[str, Any]:
    """Start the apply, wait until a random number of its 34 changes have finished (its
    progress lines), then SIGKILL it after a random few milliseconds, while others are
    in flight. Counting progress, not time, lands the kill mid-apply however fast the
    machine or actionctl is. Returns what was seen (progress lines, delay)."""
    command = actionctl_command(ws.root, "apply", plan_file, "--parallelism", "4")
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=subprocess_env()
    )
    assert process.stderr is not None
    wanted = rng.randint(1, 30)
    first = ""
    while sum(line.startswith("[") for line in first.splitlines()) < wanted:
        line = process.stderr.readline().decode()
        if not line:  # finished (or failed) before: the checks below still hold
            break
        first += line
    delay = rng.uniform(0.0, 0.05)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    rest = process.stderr.read().decode()
    process.stderr.close()
    finished = sum(line.startswith("[") for line in (first + rest).splitlines())
    assert "Traceback" not in first + rest
    return {"delay": round(delay, 3), "progress_lines": finished, "killed": process.returncode}


def crash_and_recover(
    make: Callable[..., Workspace], seed: int, tmp_path: Path, fault_rate: float = 0.0
) -> dict[str, Any]:
    ws = make(FLEET, name=f"crash-{seed}", fault_seed=seed, fault_retry_after=0)
    first = ws.run("apply", "--auto-approve")
    assert first.exit_code == 0, first.output
    ws.write(2, prune=True)
    plan_file = tmp_path / f"plan-{seed}.json"
    assert ws.run("plan", "--out", plan_file).exit_code == 0
    saved = json.loads(plan_file.read_text())
    assert sum(saved["summary"][k] for k in ("create", "update", "replace", "delete")) == 34

    ws.server.config.latency_ms = LATENCY_MS
    ws.server.faults.rate = fault_rate
    seen = kill_mid_apply(ws, plan_file, random.Random(seed))
    # A late kill may find the apply finished (0); under faults it may have given up on a
    # change (1) first. Either way the checks below hold.
    assert seen["killed"] in (-signal.SIGKILL, 0, 1 if fault_rate else 0)
    settle(ws.server)
    ws.server.config.latency_ms = 0
    ws.server.faults.rate = 0.0

    everything = ws.live_all()
    assert duplicates(everything) == {}
    # A lock left by the kill is on the lock agent, never on an agent that takes calls;
    # the next apply removes it.
    seen["locks_left_by_kill"] = len(lock_tools(everything))
    assert lock_tools({uid: everything[uid] for uid in ws.uids.values()}) == []
    expected = expected_remainder(saved, ws)
    assert ws.pending() == expected
    if expected:
        assert ws.run("apply", plan_file).exit_code == 3  # the saved plan is now stale
    second = ws.run("apply", "--auto-approve")
    assert second.exit_code == 0, second.output
    assert_platform_equals_desired(ws, {}, "--prune")
    seen.update(seed=seed, left=len(expected), fault_rate=fault_rate)
    record("crash", seen)
    return seen


def test_sigkill_mid_apply_leaves_exactly_the_remainder(
    workspace_factory: Callable[..., Workspace], tmp_path: Path
) -> None:
    seen = crash_and_recover(workspace_factory, seed=1, tmp_path=tmp_path)
    assert 0 < seen["left"] < 34, "the kill should land mid-apply"


@pytest.mark.slow
def test_sigkill_at_many_random_points(
    workspace_factory: Callable[..., Workspace], tmp_path: Path
) -> None:
    results = [crash_and_recover(workspace_factory, seed, tmp_path) for seed in range(2, 12)]
    mid = [r for r in results if 0 < r["left"] < 34]
    assert len(mid) >= 4, f"too few kills landed mid-apply: {results}"


@pytest.mark.slow
def test_sigkill_while_the_platform_is_failing(
    workspace_factory: Callable[..., Workspace], tmp_path: Path
) -> None:
    """The kill lands among retries, lost create responses and lock-tool writes."""
    results = [
        crash_and_recover(workspace_factory, seed, tmp_path, fault_rate=0.25)
        for seed in range(12, 18)
    ]
    assert any(0 < r["left"] < 34 for r in results), results
