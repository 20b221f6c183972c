"""Benchmark: apply 300 creates against an emulator limited to 1,200 requests/minute.

Reports the achieved throughput (requests the emulator served, per minute, over the
apply's wall time) as a fraction of the limit. Goal: >= 90 % with 0 failures.

The apply runs exactly as ``actionctl apply`` does (``compiler.apply.apply_safely``):
the agent's apply lock, the stale check on the lock's listing, then every create with
its read-back, then the lock's release, through the real HTTP client (retries, 429 handling) and the
engine's bounded concurrency. Run: ``python bench/bench_apply.py`` (prints JSON).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compiler.apply import apply_safely
from compiler.canonical import canonical_tool
from compiler.plan.model import CREATE, Change, Plan
from compiler.platform.client import OpenMicClient
from compiler.platform.emulator import EmulatorConfig, EmulatorServer

TOOLS = 300
LIMIT_PER_MIN = 1_200
AGENT = "agent_bench"
API_KEY = "bench-key-0123456789"  # a throwaway key for a loopback emulator
GOAL = 0.90


def make_plan(target: dict[str, str], count: int = TOOLS) -> Plan:
    plan = Plan(environment="bench", target=target)
    for i in range(count):
        name = f"notify_{i:03}"
        payload = canonical_tool(
            {
                "type": "send_sms",
                "name": name,
                "description": f"Benchmark tool {i}.",
                "static_params": {"type": "static", "message": f"Message {i} for {{{{name}}}}"},
            }
        )
        plan.changes.append(
            Change(
                address=f"bench/{name}",
                agent="bench",
                agent_uid=AGENT,
                name=name,
                action=CREATE,
                after=payload,
                changed_paths=list(payload),
            )
        )
    return plan


def run(tools: int = TOOLS, limit: int = LIMIT_PER_MIN, parallelism: int = 4) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        config = EmulatorConfig(
            db_path=Path(scratch) / "bench.db", api_key=API_KEY, rate_limit_per_min=limit
        )
        with EmulatorServer(config) as server:
            assert server.store is not None
            server.store.create_agent({"name": AGENT, "prompt": ""}, uid=AGENT)
            client = OpenMicClient(server.url, API_KEY)
            try:
                plan = make_plan(client.target, tools)
                server.stats.reset()
                started = time.monotonic()
                result = apply_safely(client, plan, parallelism=parallelism)
                elapsed = time.monotonic() - started
                live = client.list_tools(AGENT)
            finally:
                client.close()
            stats = server.stats.snapshot()
    report = result.report
    statuses = stats["statuses"]
    served = sum(n for status, n in statuses.items() if status != 429)
    per_minute = served / elapsed * 60
    names = [t["name"] for t in live]
    return {
        "tools": tools,
        "limit_per_min": limit,
        "parallelism": parallelism,
        "elapsed_s": round(elapsed, 2),
        "requests_served": served,
        "requests_refused_429": statuses.get(429, 0),
        "throughput_per_min": round(per_minute, 1),
        "fraction_of_limit": round(per_minute / limit, 3),
        "failures": len(result.refusals) + (len(report.failed) if report else 0),
        "tools_live": len(names),
        "duplicates": len(names) - len(set(names)),
        "goal_met": per_minute / limit >= GOAL
        and report is not None
        and not report.failed
        and len(set(names)) == tools,
    }


def main() -> int:
    result = run()
    print(json.dumps(result, indent=2))
    return 0 if result["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
