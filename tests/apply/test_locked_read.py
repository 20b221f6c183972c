"""``apply --auto-approve`` without a plan file: the apply locks are taken before the
plan reads live, the plan is built from the listing made under them, and they are held
until the writes end. Real emulator over HTTP, real processes and signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any

import yaml

from compiler.apply.engine import LockSettings
from compiler.apply.lock import AgentLocks, LockRefused
from compiler.apply.locked_read import LockedRead
from compiler.platform.client import OpenMicClient
from tests.apply.test_lock import (
    BILLING,
    EXAMPLE_TOOLS,
    SUPPORT,
    all_locks,
    lock_agent_tools,
    old_style_lock,
    settle,
)
from tests.conftest import REPO_ROOT, TEST_API_KEY


def test_the_listing_is_made_with_the_locks_held(site: Any) -> None:
    old_style_lock(site, expires_in=timedelta(minutes=-1))  # an older actionctl's, expired
    client = OpenMicClient(site.url, TEST_API_KEY, backoff_base=0.01)
    read = LockedRead(LockSettings())
    try:
        with read.guard(client) as platform:
            assert lock_agent_tools(site) == []  # nothing is locked before the read
            listed = platform.list_tools_many([SUPPORT, BILLING])
            # Read under the locks: ours is on the lock agent, the listing leaves lock
            # tools out (the expired one of an older actionctl was swept meanwhile).
            assert len(lock_agent_tools(site)) == 1
            assert listed == {SUPPORT: [], BILLING: []}
            other = AgentLocks(client)
            try:
                other.acquire([BILLING])
                raise AssertionError("another apply took a lock held by the read")
            except LockRefused:
                pass
        assert all_locks(site) == []  # released when the plan's ``with`` ended
    finally:
        client.close()


def test_an_unknown_agent_is_a_located_error_and_no_lock_stays(site: Any) -> None:
    config = site.root / "actionctl.yaml"
    data = yaml.safe_load(config.read_text())
    data["environments"]["dev"]["agents"]["support"] = "agent_nobody"
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert "actionctl.yaml:" in result.stderr and "agent_nobody" in result.stderr
    assert "Traceback" not in result.output
    assert all_locks(site) == []
    assert site.tools(BILLING) == []  # nothing written


def start_auto_apply(root: Any) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "compiler", "--project", str(root), "--no-color"]
    command += ["apply", "--auto-approve", "--parallelism", "1"]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def test_a_signal_while_the_locks_are_taken_before_the_read_changes_nothing(
    site_factory: Any,
) -> None:
    site = site_factory(latency_ms=400)
    process = start_auto_apply(site.root)
    deadline = time.monotonic() + 30
    while not lock_agent_tools(site) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lock_agent_tools(site), "the apply never took its lock"
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 143, err.decode()
    assert "nothing was changed" in err.decode()
    settle(site)
    assert all_locks(site) == []
    assert len(site.pending()) == EXAMPLE_TOOLS  # nothing written
