"""Benchmark: read 2,000 tools across 20 agents from the emulator with 20 ms latency.

Prints the wall time, the request count against the minimum (pages of 100), and the
ratio of the wall time to the floor (requests x latency / concurrency). Goal: the
minimum number of requests, and at most 2x the floor.

    python -m bench.bench_read_live [--in-process]   (or: python bench/bench_read_live.py)
"""

from __future__ import annotations

import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

if __package__ in (None, ""):  # run as a script: bench/ and the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.children import running
from compiler.emulator.server import STATS_PATH, EmulatorConfig, EmulatorServer
from compiler.platform.client import OpenMicClient
from compiler.platform.store import Store

API_KEY = "bench-key-not-a-secret-0000"


def run(
    *,
    agents: int = 20,
    tools_per_agent: int = 100,
    latency_ms: float = 20.0,
    concurrency: int = 8,
    page_size: int = 100,
    repeats: int = 5,
    in_process: bool = False,
) -> dict[str, Any]:
    """Seed, then read everything ``repeats`` times (a fresh client each time, so
    connection setup is included) and report the median run.

    The emulator runs as its own process (``actionctl emulator``) by default, like the
    remote platform: in-process, its request threads would share the client's GIL and
    the benchmark would measure the emulator's CPU time rather than the client.
    """
    walls: list[float] = []
    counts: list[int] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        uids = _seed(db, agents, tools_per_agent)
        with _emulator(db, latency_ms, in_process) as url:
            for _ in range(max(1, repeats)):
                with OpenMicClient(
                    url, API_KEY, max_concurrency=concurrency, page_size=page_size
                ) as client:
                    before = _request_count(url)
                    started = time.perf_counter()
                    result = client.list_tools_many(uids)
                    walls.append(time.perf_counter() - started)
                counts.append(_request_count(url) - before)
    wall = statistics.median(walls)
    tools_read = sum(len(tools) for tools in result.values())
    minimum = agents * max(1, math.ceil(tools_per_agent / page_size))
    floor = minimum * (latency_ms / 1000.0) / concurrency
    return {
        "agents": agents,
        "tools": tools_read,
        "latency_ms": latency_ms,
        "concurrency": concurrency,
        "emulator": "in-process" if in_process else "subprocess",
        "runs": len(walls),
        "wall_s": round(wall, 4),
        "wall_min_s": round(min(walls), 4),
        "wall_max_s": round(max(walls), 4),
        "requests": max(counts),
        "min_requests": minimum,
        "floor_s": round(floor, 4),
        "ratio_to_floor": round(wall / floor, 2) if floor else None,
        "ok": tools_read == agents * tools_per_agent
        and max(counts) == minimum
        and (not floor or wall <= 2 * floor),
    }


@contextmanager
def _emulator(db: Path, latency_ms: float, in_process: bool) -> Iterator[str]:
    if in_process:
        config = EmulatorConfig(db_path=db, api_key=API_KEY, latency_ms=latency_ms)
        with EmulatorServer(config) as server:
            yield server.url
        return
    command = [sys.executable, "-m", "compiler", "emulator", "--port", "0", "--db", str(db)]
    command += ["--latency-ms", str(latency_ms)]
    env = {**os.environ, "OPENMIC_API_KEY": API_KEY}  # never on the command line
    # Stopped with SIGTERM (then killed): a background job ignores SIGINT (bench/children.py).
    with running(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as process:
        assert process.stdout is not None
        match = re.search(r"http://[\w.:\[\]]+", process.stdout.readline())
        if match is None:
            raise RuntimeError("the emulator did not print its URL")
        yield match.group(0)


def _request_count(url: str) -> int:
    response = httpx.get(f"{url}{STATS_PATH}", headers={"Authorization": f"Bearer {API_KEY}"})
    response.raise_for_status()
    return int(response.json()["requests"])


def _seed(db: Path, agents: int, tools_per_agent: int) -> list[str]:
    store = Store(db)
    uids = []
    for a in range(agents):
        uid = f"bench_agent_{a:02d}"
        store.create_agent({"name": uid, "prompt": ""}, uid=uid)
        for t in range(tools_per_agent):
            store.create_tool(
                uid,
                {
                    "type": "send_sms",
                    "name": f"tool_{t:03d}",
                    "description": "Sends a confirmation SMS to the caller.",
                    "parameters": {
                        "type": "object",
                        "properties": {"ref": {"type": "string", "description": "Reference"}},
                        "required": ["ref"],
                    },
                    "static_params": {"type": "static", "message": "Your reference: {{ref}}"},
                },
            )
        uids.append(uid)
    store.close()
    return uids


def main() -> int:
    result = run(in_process="--in-process" in sys.argv[1:])
    print(
        f"read {result['tools']} tools from {result['agents']} agents "
        f"({result['emulator']} emulator, {result['latency_ms']:.0f} ms latency, "
        f"concurrency {result['concurrency']})"
    )
    print(
        f"wall time: {result['wall_s'] * 1000:.0f} ms median of {result['runs']} runs "
        f"(min {result['wall_min_s'] * 1000:.0f}, max {result['wall_max_s'] * 1000:.0f})"
    )
    print(f"requests: {result['requests']} (minimum {result['min_requests']}, pages of 100)")
    print(
        f"floor (requests x latency / concurrency): {result['floor_s'] * 1000:.0f} ms; "
        f"ratio {result['ratio_to_floor']:.2f} (goal <= 2)"
    )
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
