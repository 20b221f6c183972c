"""Benchmark: a long ``actionctl apply`` keeps its locks (time-scaled 60x).

2,000 creates over 20 agents (the issue's case) at the client's pace of 100
requests/minute take well over the apply lock's 15-minute expiry. Scaled 60x: the
client paces at 6,000/min and the locks expire (and renew) 60 times sooner
(``ACTIONCTL_LOCK_EXPIRY_SECONDS``, which the heartbeat follows), so the run lasts
as many expiry periods as the real one would. The emulator has no limit here: the
client's pace sets the duration (its whole-second ``retryAfter`` would not scale), and
the refusal figures are bench_apply's.

Figures: the run's length in lock expiries, changes made, changes refused because a
lock was lost (``no longer held``), other failures, and lock tools left behind.
Goal: 0 locks lost, 0 failures, nothing left behind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: bench/ and the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.site import EXPIRY_ENV, lock_expiry_scaled, site

LIMIT_PER_MIN = 100
SCALE = 60
AGENTS = 20
TOOLS_PER_AGENT = 100
LOCK_PREFIX = "actionctl-lock-"


def run(
    agents: int = AGENTS, per_agent: int = TOOLS_PER_AGENT, scale: float = SCALE
) -> dict[str, Any]:
    with site("long-apply", agents) as s, lock_expiry_scaled(scale) as scaled:
        s.configure(LIMIT_PER_MIN * scale)
        s.write_actions(per_agent)
        result = s.run("apply", "--auto-approve")
        assert s.server.store is not None
        live = [t for uid in s.uids for t in s.server.store.list_tools(uid).items]
    expiry_s = float(scaled["expiry_s"])
    lost = sum(
        1 for line in result.stderr.splitlines() if "FAILED" in line and "no longer held" in line
    )
    failures = result.failed_changes
    figures: dict[str, Any] = {
        "changes": agents * per_agent,
        "agents": agents,
        "time_scale": scale,
        "scaled_settings": f"{EXPIRY_ENV}={scaled[EXPIRY_ENV]}",
        "elapsed_s": round(result.seconds, 1),
        "elapsed_at_limit_min": round(result.seconds * scale / 60, 1),
        "lock_expiries_spanned": round(result.seconds / expiry_s, 2) if expiry_s else None,
        "requests": result.requests,
        "changes_made": sum(1 for t in live if not t["name"].startswith(LOCK_PREFIX)),
        "changes_lost_lock": lost,
        "other_failures": failures - lost + (result.code != 0 and failures == 0),
        "lock_tools_left": sum(1 for t in live if t["name"].startswith(LOCK_PREFIX)),
        "exit_code": result.code,
    }
    figures["goal_met"] = (
        result.code == 0
        and failures == 0
        and figures["lock_tools_left"] == 0
        and figures["changes_made"] == agents * per_agent
        and (figures["lock_expiries_spanned"] or 0) > 1
    )
    return figures


def main() -> int:
    result = run()
    print(json.dumps(result, indent=2))
    return 0 if result["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
