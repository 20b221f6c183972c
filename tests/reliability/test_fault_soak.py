"""Fault soak: hundreds of creates, updates, replaces and deletes through an emulator that
fails 30 % of requests (500, 429, dropped connections, lost responses) with latency.

After every soak, with faults off: the plan is empty (``--detailed-exitcode`` exits 0),
the platform read over plain REST equals ``actionctl compile``'s payloads tool by tool,
no agent has two tools of one name, and every tool the project does not manage (on an
agent it does not manage; on a managed agent when prune is off) is byte-for-byte what it
was, with the same id.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.reliability.fleet import (
    UNMANAGED_AGENT,
    Fleet,
    Workspace,
    assert_platform_equals_desired,
    canonical_json,
    record,
)

FAULT_RATE = 0.3
SMALL = Fleet(agents=2, keep=2, updates=6, deletes=5, replaces=1, creates=8)  # 40 changes
FULL = Fleet(
    agents=4, keep=5, updates=22, deletes=16, replaces=3, creates=50
)  # 364 (300 w/o prune)


def unmanaged_tool(i: int) -> dict[str, Any]:
    return {
        "type": "end_call",
        "name": f"hand_made_{i}",
        "description": f"Made in the dashboard, not in git ({i})",
        "static_params": {"end_message": "Bye"},
    }


def plant_unmanaged(ws: Workspace, *, prune: bool) -> dict[tuple[str, int], str]:
    """Tools actionctl must never touch, created over REST; (uid, id) -> raw JSON."""
    ws.add_agents(UNMANAGED_AGENT)
    homes = [UNMANAGED_AGENT] if prune else [UNMANAGED_AGENT, *ws.uids.values()]
    for uid in homes:
        for i in range(3):
            ws.rest("POST", f"/agents/{uid}/tools", unmanaged_tool(i))
    # With prune off, revision 1's del_* tools become unmanaged in revision 2.
    prefixes = ("hand_made_",) if prune else ("hand_made_", "del_")
    snapshot = {}
    for uid, tools in ws.live_all(UNMANAGED_AGENT).items():
        for tool in tools:
            if uid == UNMANAGED_AGENT or tool["name"].startswith(prefixes):
                snapshot[(uid, tool["id"])] = canonical_json(tool)
    return snapshot


def expected_summary(fleet: Fleet, prune: bool) -> dict[str, int]:
    return {
        "create": fleet.creates * fleet.agents,
        "update": fleet.updates * fleet.agents,
        "replace": fleet.replaces * fleet.agents,
        "delete": fleet.deletes * fleet.agents if prune else 0,
    }


def soak(
    make: Callable[..., Workspace], fleet: Fleet, seed: int, *, prune: bool, latency_ms: float
) -> dict[str, Any]:
    ws = make(fleet, fault_seed=seed, fault_retry_after=0)
    first = ws.run("apply", "--auto-approve", "--parallelism", "8")
    assert first.exit_code == 0, first.output
    untouchable = plant_unmanaged(ws, prune=prune)
    ws.write(2, prune=prune)
    prune_flag = "--prune" if prune else "--no-prune"
    summary = ws.plan_json(prune_flag)["summary"]
    assert {k: summary[k] for k in ("create", "update", "replace", "delete")} == (
        expected_summary(fleet, prune)
    )

    ws.server.stats.reset()
    ws.server.config.latency_ms = latency_ms
    ws.server.faults.rate = FAULT_RATE
    started = time.monotonic()
    runs = ws.apply_until_converged(prune_flag, "--parallelism", "8")
    elapsed = time.monotonic() - started
    stats = ws.server.stats.snapshot()
    ws.server.faults.rate = 0.0
    ws.server.config.latency_ms = 0

    assert_platform_equals_desired(ws, untouchable, prune_flag)
    assert sum(stats["faults"].values()) > 0, "the soak injected no faults"
    figures = {
        "changes": sum(expected_summary(fleet, prune).values()),
        "seed": seed,
        "prune": prune,
        "applies": len(runs),
        "seconds": round(elapsed, 2),
        "requests": stats["requests"],
        "faults": stats["faults"],
        # Why an apply before the last one stopped short (exit 1), as it told the user.
        "partial_failures": [
            line.strip()
            for run in runs[:-1]
            for line in run.stderr.splitlines()
            if "FAILED" in line or line.startswith("error")
        ][:6],
    }
    record("soak", figures)
    return figures


def test_small_soak_converges_under_faults(workspace_factory: Callable[..., Workspace]) -> None:
    assert SMALL.changes == 40
    soak(workspace_factory, SMALL, seed=11, prune=True, latency_ms=2)


@pytest.mark.slow
def test_small_soak_leaves_unmanaged_tools_on_managed_agents_alone(
    workspace_factory: Callable[..., Workspace],
) -> None:
    soak(workspace_factory, SMALL, seed=5, prune=False, latency_ms=2)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_full_soak_with_prune(workspace_factory: Callable[..., Workspace], seed: int) -> None:
    assert FULL.changes >= 300 and FULL.changes - FULL.deletes * FULL.agents >= 300
    soak(workspace_factory, FULL, seed=seed, prune=True, latency_ms=10)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [4, 5])
def test_full_soak_without_prune(workspace_factory: Callable[..., Workspace], seed: int) -> None:
    soak(workspace_factory, FULL, seed=seed, prune=False, latency_ms=10)
