"""Benchmark: ``actionctl apply`` of 300 creates against an emulator limited to 100
requests/minute, time-scaled 10x.

Time-scaled: the emulator allows 1,000 requests/minute (100 per 6 s) with a bucket of
2 (what it gives a 100/min limit: one second's worth, rounded up) and the project's
``rate_limit`` is 1,000/min; every figure below is scaled back to the real limit.
Everything that sets the pace scales linearly (the client's spacing, the emulator's
refill, ``retryAfter``), so the result is the 100/min one; what does not scale (a few
ms of loopback latency and CPU per request) weighs 10x more at 60 ms spacing than at
600 ms, so the scaled run is the harder one. A real 100/min run takes 3+ minutes:
``python -m bench.bench_apply --scale 1``.

Figures: changes per minute (at 100/min), requests per minute as a fraction of the
limit, 429s received and their share of requests, failed changes, and the minimum the
same apply could take (list pages + one request per change, at the limit).
Goals: >= 95 changes/min, 0 failures, <= 2 % of requests refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: bench/ and the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import site

LIMIT_PER_MIN = 100  # the platform's documented limit
SCALE = 10
AGENTS = 3
TOOLS = 300
GOAL_CHANGES_PER_MIN = 95
GOAL_REFUSED = 0.02


def run(tools: int = TOOLS, scale: float = SCALE) -> dict[str, Any]:
    scaled_limit = LIMIT_PER_MIN * scale
    burst = max(1, -(-LIMIT_PER_MIN // 60))  # the emulator's default at the real limit
    with site("apply", AGENTS, rate_limit_per_min=int(scaled_limit), rate_limit_burst=burst) as s:
        s.configure(scaled_limit)
        s.write_actions(tools // AGENTS)
        changes = (tools // AGENTS) * AGENTS
        minimum_requests = s.list_pages() + changes
        result = s.run("apply", "--auto-approve")
        live = s.live_tools()
    minutes = result.seconds * scale / 60  # at the real limit
    served = result.requests - result.refused
    changes_per_min = changes / minutes
    refused_share = result.refused / result.requests if result.requests else 0.0
    failures = result.failed_changes + (result.code != 0)
    return {
        "changes": changes,
        "limit_per_min": LIMIT_PER_MIN,
        "time_scale": scale,
        "elapsed_s": round(result.seconds, 2),
        "elapsed_at_limit_min": round(minutes, 2),
        "minimum_at_limit_min": round(minimum_requests / LIMIT_PER_MIN, 2),
        "changes_per_min": round(changes_per_min, 1),
        "requests_sent": result.requests,
        "requests_minimum": minimum_requests,
        "requests_per_min": round(served / minutes, 1),
        "fraction_of_limit": round(served / minutes / LIMIT_PER_MIN, 3),
        "refused_429": result.refused,
        "refused_share": round(refused_share, 4),
        "failures": failures,
        "tools_live": live,
        "goal_met": changes_per_min >= GOAL_CHANGES_PER_MIN
        and failures == 0
        and refused_share <= GOAL_REFUSED
        and live == changes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=TOOLS)
    parser.add_argument("--scale", type=float, default=SCALE, help="1: the real 100/min")
    args = parser.parse_args()
    result = run(args.tools, args.scale)
    print(json.dumps(result, indent=2))
    return 0 if result["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
