"""Concurrency: two ``actionctl apply PLAN`` processes whose plans were made from the same
live state and touch the same tools (one update, one create).

A saved plan is stale when a tool it touches changed since planning, or a tool
it would create now exists; apply then refuses with exit 3 and changes nothing. So of two
such applies one must win (exit 0) and the other must refuse (exit 3), and the loser must
not overwrite the winner's update (no lost update) nor create a second tool of the same
name (no duplicate).

What each test proves:

- ``test_apply_started_while_another_is_writing_is_refused``: deterministic. B starts only
  after A has reported writing the contested tools, so B's stale check must see A's writes.
- ``test_applies_started_together``: the true race. Both processes start at the same
  moment against an emulator with 250 ms latency, so each one's stale check (one listing)
  is answered before the other's first write arrives. The platform has no conditional
  writes (no ETag / If-Match, no idempotency keys), so only something that serialises the
  two applies can pass this; a single up-front stale check cannot. Until 0a7c068 (the
  per-agent apply lock, ``compiler/apply/lock.py``) this failed every time: both exited
  0, the first update was silently overwritten and ``contested_new`` was created twice.
  The slow variant repeats it at several latencies, where the interleavings differ.

Afterwards no apply lock tool (``actionctl-lock-*``) may be left on the platform.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.reliability.fleet import (
    LOCK_PREFIX,
    Fleet,
    Workspace,
    actionctl_command,
    duplicates,
    record,
    settle,
    subprocess_env,
)

# One agent: keep_0 and keep_1 exist (revision 1); both projects change keep_0 and create
# "contested_new", each with its own description.
FLEET = Fleet(agents=1, keep=2, updates=0, deletes=0, replaces=0, creates=0)
FILLER = 2  # extra creates in A's plan


def diverge(ws: Workspace, who: str, filler: int = 0) -> None:
    """Rewrite the project so keep_0 and contested_new say ``who``."""
    path = ws.root / "actions" / "agent0.yaml"
    docs = list(yaml.safe_load_all(path.read_text()))
    for doc in docs:
        if doc["name"] == "keep_0":
            doc["description"] = f"Written by {who}"
    extra = [{**docs[1], "name": "contested_new", "description": f"Created by {who}"}]
    extra += [{**docs[1], "name": f"{who}_filler_{i}"} for i in range(filler)]
    path.write_text(yaml.safe_dump_all(docs + extra, sort_keys=False))


def two_plans(make: Callable[..., Workspace], tmp_path: Path, filler: int) -> tuple[Any, ...]:
    a = make(FLEET, name="a")
    assert a.run("apply", "--auto-approve").exit_code == 0
    b = make(FLEET, name="b", server=a.server)
    diverge(a, "A", filler)
    diverge(b, "B")
    plans = []
    for ws in (a, b):
        plan_file = tmp_path / f"{ws.root.name}.json"
        assert ws.run("plan", "--out", plan_file).exit_code == 0
        plans.append(plan_file)
    assert json.loads(plans[1].read_text())["summary"]["update"] == 1
    return a, b, plans[0], plans[1]


def start_apply(ws: Workspace, plan_file: Path) -> subprocess.Popen[bytes]:
    command = actionctl_command(ws.root, "apply", plan_file, "--parallelism", "1")
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env()
    )


def live_state(ws: Workspace) -> dict[str, Any]:
    tools = ws.live("uid_agent0")
    return {
        "keep_0": [t["description"] for t in tools if t["name"] == "keep_0"],
        "contested_new": [t["description"] for t in tools if t["name"] == "contested_new"],
        "duplicates": duplicates({"uid_agent0": tools}),
        "locks": [
            t["name"]
            for uid in ("uid_agent0", *ws.lock_agent_uids())
            for t in (tools if uid == "uid_agent0" else ws.live(uid))
            if t["name"].startswith(LOCK_PREFIX)
        ],
    }


def test_apply_started_while_another_is_writing_is_refused(
    workspace_factory: Callable[..., Workspace], tmp_path: Path
) -> None:
    a, b, plan_a, plan_b = two_plans(workspace_factory, tmp_path, FILLER)
    a.server.config.latency_ms = 100
    first = start_apply(a, plan_a)
    assert first.stderr is not None
    written: set[str] = set()
    while not {"agent0/keep_0", "agent0/contested_new"} <= written:
        line = first.stderr.readline().decode()
        assert line, "A ended before writing the contested tools"
        written |= {w for w in line.split() if w.startswith("agent0/")}
    second = start_apply(b, plan_b)
    out_b, err_b = second.communicate(timeout=60)
    _out_a, err_a = first.communicate(timeout=60)
    settle(a.server, quiet_s=0.2)
    a.server.config.latency_ms = 0

    assert first.returncode == 0, err_a.decode()
    assert second.returncode == 3, (out_b + err_b).decode()
    assert "stale plan" in err_b.decode()
    assert live_state(a) == {
        "keep_0": ["Written by A"],
        "contested_new": ["Created by A"],
        "duplicates": {},
        "locks": [],
    }


def race(make: Callable[..., Workspace], tmp_path: Path, latency_ms: float) -> None:
    a, b, plan_a, plan_b = two_plans(make, tmp_path, 0)
    a.server.config.latency_ms = latency_ms
    processes = [start_apply(a, plan_a), start_apply(b, plan_b)]
    started = time.monotonic()
    outputs = [p.communicate(timeout=60) for p in processes]
    elapsed = time.monotonic() - started
    settle(a.server, quiet_s=0.5)
    a.server.config.latency_ms = 0

    codes = sorted(p.returncode for p in processes)
    state = live_state(a)
    figures = {"latency_ms": latency_ms, "exits": codes, "seconds": round(elapsed, 2)}
    record("race", {**figures, "live": state})
    assert state["duplicates"] == {}, f"both applies created contested_new: {state}"
    assert codes == [0, 3], f"exits {codes}: {[(o + e).decode() for o, e in outputs]}"
    winner = "A" if processes[0].returncode == 0 else "B"
    assert state["keep_0"] == [f"Written by {winner}"], "the loser overwrote the winner"
    assert state["contested_new"] == [f"Created by {winner}"]
    assert state["locks"] == []


def test_applies_started_together(
    workspace_factory: Callable[..., Workspace], tmp_path: Path
) -> None:
    race(workspace_factory, tmp_path, 250)


@pytest.mark.slow
@pytest.mark.parametrize("latency_ms", [0, 0, 5, 20, 50, 100, 200, 400, 800])
def test_applies_started_together_at_many_latencies(
    workspace_factory: Callable[..., Workspace], tmp_path: Path, latency_ms: float
) -> None:
    race(workspace_factory, tmp_path, latency_ms)


def start_auto_apply(ws: Workspace) -> subprocess.Popen[bytes]:
    """``apply --auto-approve``: plan and apply in one process, as two CI jobs would."""
    command = actionctl_command(ws.root, "apply", "--auto-approve", "--parallelism", "1")
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env()
    )


@pytest.mark.slow
@pytest.mark.parametrize("latency_ms", [0, 50, 250])
def test_two_auto_approve_applies_never_mix(
    workspace_factory: Callable[..., Workspace], tmp_path: Path, latency_ms: float
) -> None:
    """Each process plans for itself, so the later one may legitimately re-plan on top of
    the earlier one's result and win too. What must never happen: a duplicate, a lock
    left behind, or a platform holding one writer's keep_0 and the other's contested_new."""
    a, b, _plan_a, _plan_b = two_plans(workspace_factory, tmp_path, 0)
    a.server.config.latency_ms = latency_ms
    processes = [start_auto_apply(a), start_auto_apply(b)]
    outputs = [p.communicate(timeout=60) for p in processes]
    settle(a.server, quiet_s=0.3)
    a.server.config.latency_ms = 0

    codes = [p.returncode for p in processes]
    state = live_state(a)
    record("auto_race", {"latency_ms": latency_ms, "exits": codes, "live": state})
    assert set(codes) <= {0, 3} and 0 in codes, [(o + e).decode() for o, e in outputs]
    assert state["duplicates"] == {} and state["locks"] == []
    writers = {text.split()[-1] for text in state["keep_0"] + state["contested_new"]}
    assert len(writers) == 1, f"the platform mixes both applies: {state}"
    who = writers.pop()
    assert state == {
        "keep_0": [f"Written by {who}"],
        "contested_new": [f"Created by {who}"],
        "duplicates": {},
        "locks": [],
    }
