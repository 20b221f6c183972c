"""A generated project wired to an emulator, driven through ``actionctl`` itself.

The apply benchmarks run the CLI in this process (``compiler.cli.main.run``: the same
code as the ``actionctl`` command, plan, confirm-less apply, locks, pacing) against an
emulator on loopback HTTP, and count what reaches the emulator. Projects go to
bench/.work/ (git-ignored) and are removed afterwards.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from compiler.cli.main import run as actionctl
from compiler.emulator.server import EmulatorConfig, EmulatorServer
from compiler.platform.lock_tools import LOCK_AGENT_NAME

API_KEY = "bench-key-0123456789"  # a throwaway key for a loopback emulator
KEY_ENV = "ACTIONCTL_BENCH_OPENMIC_KEY"
PAGE = 100  # the platform's page size
WORK = Path(__file__).resolve().parent / ".work"
EXPIRY_ENV = "ACTIONCTL_LOCK_EXPIRY_SECONDS"  # apply's lock expiry (compiler/apply/session.py)


@dataclass
class Run:
    """One ``actionctl`` command: exit code, output, wall time, what the emulator saw."""

    code: int
    stdout: str
    stderr: str
    seconds: float
    requests: int
    statuses: dict[int, int]
    methods: dict[str, int] = field(default_factory=dict)

    @property
    def refused(self) -> int:
        return self.statuses.get(429, 0)

    @property
    def failed_changes(self) -> int:
        return sum(1 for line in self.stderr.splitlines() if "FAILED to" in line)


class Site:
    """``agents`` agents on one emulator and a project mapping them (environment dev)."""

    def __init__(self, root: Path, server: EmulatorServer, agents: int) -> None:
        self.root = root
        self.server = server
        self.uids = [f"bench_agent_{a:02}" for a in range(agents)]
        assert server.store is not None
        for uid in self.uids:
            server.store.create_agent({"name": uid, "prompt": ""}, uid=uid)

    def make_lock_agent(self, age: timedelta) -> str:
        """actionctl's lock agent, made ``age`` ago (an account applied to for a while)."""
        assert self.server.store is not None
        made = (datetime.now(UTC) - age).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = {"name": LOCK_AGENT_NAME, "prompt": "locks"}
        return str(self.server.store.create_agent(fields, created_at=made)["uid"])

    def configure(self, requests_per_minute: float | None) -> None:
        agents = {f"agent_{a:02}": uid for a, uid in enumerate(self.uids)}
        config = {
            "platform": "openmic",
            "base_url": self.server.url,
            "api_key_env": KEY_ENV,
            "rate_limit": {"requests_per_minute": requests_per_minute},
            "default_environment": "dev",
            "environments": {"dev": {"agents": agents}},
        }
        (self.root / "actionctl.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    def write_actions(self, per_agent: int, *, revision: int = 0, updated: int = 0) -> None:
        """``per_agent`` actions on every agent; the first ``updated`` of each carry
        ``revision`` in their description (a change when it differs from last time)."""
        actions = self.root / "actions"
        if actions.exists():
            shutil.rmtree(actions)
        for a in range(len(self.uids)):
            folder = actions / f"agent_{a:02}"
            folder.mkdir(parents=True)
            for t in range(per_agent):
                mark = revision if t < updated else 0
                (folder / f"tool_{t:04}.yaml").write_text(_action(a, t, mark))

    def run(self, *args: str) -> Run:
        self.server.stats.reset()
        out, err = io.StringIO(), io.StringIO()
        started = time.monotonic()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = actionctl(["--project", str(self.root), "--no-color", *args])
        seconds = time.monotonic() - started
        stats = self.server.stats.snapshot()
        return Run(
            code,
            out.getvalue(),
            err.getvalue(),
            seconds,
            stats["requests"],
            stats["statuses"],
            stats["methods"],
        )

    def list_pages(self) -> int:
        """Requests a plan needs to read every agent as it is now (pages of 100)."""
        assert self.server.store is not None
        counts = [len(self.server.store.list_tools(uid).items) for uid in self.uids]
        return sum(max(1, math.ceil(n / PAGE)) for n in counts)

    def live_tools(self) -> int:
        assert self.server.store is not None
        return sum(len(self.server.store.list_tools(uid).items) for uid in self.uids)


def _action(agent: int, tool: int, revision: int) -> str:
    note = f" Revision {revision}." if revision else ""
    return (
        f"kind: action\ntype: openmic.end_call\nagent: agent_{agent:02}\n"
        f"name: end_call_{tool:04}\n"
        f"description: Ends the call when the caller is done (case {tool}).{note}\n"
    )


@contextlib.contextmanager
def site(
    name: str,
    agents: int,
    *,
    rate_limit_per_min: int | None = None,
    rate_limit_burst: float | None = None,
) -> Iterator[Site]:
    """A fresh project under bench/.work/``name``-* and an emulator for the ``with``
    body; both are removed afterwards (two runs at once each have their own)."""
    WORK.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=WORK))
    previous = os.environ.get(KEY_ENV)
    os.environ[KEY_ENV] = API_KEY
    try:
        with tempfile.TemporaryDirectory() as scratch:
            config = EmulatorConfig(
                db_path=Path(scratch) / "bench.db",
                api_key=API_KEY,
                rate_limit_per_min=rate_limit_per_min,
                rate_limit_burst=rate_limit_burst,
            )
            with EmulatorServer(config) as server:
                yield Site(root, server, agents)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if previous is None:
            os.environ.pop(KEY_ENV, None)
        else:
            os.environ[KEY_ENV] = previous


@contextlib.contextmanager
def lock_expiry_scaled(scale: float) -> Iterator[dict[str, Any]]:
    """Apply locks that expire ``scale`` times sooner (the heartbeat follows), for a
    time-scaled long run, through apply's own setting ``ACTIONCTL_LOCK_EXPIRY_SECONDS``.
    Yields what was set, for the report."""
    from compiler.platform.lock_tools import LOCK_EXPIRY

    seconds = LOCK_EXPIRY.total_seconds() / scale
    previous = os.environ.get(EXPIRY_ENV)
    os.environ[EXPIRY_ENV] = f"{seconds:g}"
    try:
        yield {EXPIRY_ENV: f"{seconds:g}", "expiry_s": seconds}
    finally:
        if previous is None:
            os.environ.pop(EXPIRY_ENV, None)
        else:
            os.environ[EXPIRY_ENV] = previous
