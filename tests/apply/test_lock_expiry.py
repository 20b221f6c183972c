"""Lock expiry scaled down (``ACTIONCTL_LOCK_EXPIRY_SECONDS``): a long apply keeps its
locks through the heartbeat, and lock tools someone else made (a hand-made
``actionctl-lock-*``) are reported, never deleted unless the user says so."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.apply.test_lock import (
    CALL_CONTROL,
    EXAMPLE_TOOLS,
    SUPPORT,
    all_locks,
    dtmf,
    locks_on,
    start_apply,
)

EXPIRY_ENV = "ACTIONCTL_LOCK_EXPIRY_SECONDS"
HAND_MADE = "actionctl-lock-by-hand"


def hand_made_lock(site: Any) -> dict[str, Any]:
    body = {"type": "end_call", "name": HAND_MADE, "description": "do not deploy today"}
    tool: dict[str, Any] = site.rest("POST", f"/agents/{SUPPORT}/tools", body)
    return tool


def test_a_long_apply_keeps_its_locks(site_factory: Any, tmp_path: Path) -> None:
    """Expiry 4 s (renewed every 1.3 s), an apply of 53 changes lasting more than two
    expiries: every change succeeds, the heartbeat renewed, no lock is left."""
    site = site_factory(latency_ms=200)
    path = site.root / CALL_CONTROL
    path.write_text(path.read_text() + "".join(dtmf(f"filler_{i}", "F") for i in range(40)))
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    os.environ[EXPIRY_ENV] = "4"
    try:
        started = time.monotonic()
        process = start_apply(site.root, plan_file)
        out, err = process.communicate(timeout=120)
        elapsed = time.monotonic() - started
    finally:
        del os.environ[EXPIRY_ENV]
    text = (out + err).decode()
    assert process.returncode == 0, text
    assert elapsed > 2 * 4, f"the apply took {elapsed:.1f} s, not several expiries"
    assert "no longer held" not in text
    assert f"Apply complete: {EXAMPLE_TOOLS + 40} created." in text
    assert site.server.stats.snapshot()["methods"].get("PATCH", 0) >= 2  # renewals only
    assert all_locks(site) == []


def test_a_young_hand_made_lock_blocks_and_is_left(site: Any) -> None:
    theirs = hand_made_lock(site)
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 3, result.output
    assert "A907" in result.stderr and f"(lock tool id {theirs['id']})" in result.stderr
    assert locks_on(site) == [theirs]


@pytest.mark.parametrize("prune", ["--no-prune", "--prune"])
def test_an_expired_hand_made_lock_is_reported_not_deleted(
    site: Any, monkeypatch: pytest.MonkeyPatch, prune: str
) -> None:
    monkeypatch.setenv(EXPIRY_ENV, "3")
    theirs = hand_made_lock(site)
    time.sleep(3.2)  # older than the expiry: it no longer blocks
    result = site.run("apply", "--auto-approve", prune)
    assert result.exit_code == 0, result.output
    assert "A911" in result.stderr and HAND_MADE in result.stderr
    assert "actionctl did not create" in result.stderr
    assert "--remove-foreign-locks" in result.stderr
    assert locks_on(site) == [theirs]  # left alone, prune or not
    again = site.run("apply", "--auto-approve", prune)  # nothing to do: still left
    assert again.exit_code == 0 and "A911" in again.stderr, again.output
    assert locks_on(site) == [theirs]


def test_an_expired_hand_made_lock_is_removed_when_asked(
    site: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(EXPIRY_ENV, "3")
    hand_made_lock(site)
    time.sleep(3.2)
    result = site.run("apply", "--auto-approve", "--remove-foreign-locks")
    assert result.exit_code == 0, result.output
    assert "A911" not in result.stderr
    assert all_locks(site) == []


@pytest.mark.parametrize("value", ["0", "soon", "nan", "100000"])
def test_an_unusable_expiry_is_a_located_error(
    site: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(EXPIRY_ENV, value)
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 1, result.output
    assert f"{EXPIRY_ENV}: error A912" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert site.all_tools() == {SUPPORT: [], "agent_billing_dev": []}
