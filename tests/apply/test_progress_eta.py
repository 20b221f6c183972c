"""The time left shown during apply: from the pace changes finish at, or the client's
configured pace before there is one to measure."""

from __future__ import annotations

import io
import re
import sys
import time
from pathlib import Path

import pytest

from compiler.apply.eta import Eta, format_duration
from compiler.apply.progress import lock_requests, planned_requests
from compiler.plan.file import load_plan
from tests.apply.conftest import Site, point_at


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_configured_pace_estimates_until_enough_changes_finished():
    clock = Clock()
    eta = Eta(101, requests_per_minute=100, clock=clock)
    assert eta.finished(1) == pytest.approx(100 * 0.6)  # one request per change


def test_the_measured_pace_takes_over_and_follows_recent_changes():
    clock = Clock()
    eta = Eta(200, requests_per_minute=100, clock=clock)
    left = None
    for done in range(1, 31):  # one change per 2 s, slower than the configured pace
        clock.now += 2.0
        left = eta.finished(done)
    assert left == pytest.approx(170 * 2.0)
    for done in range(31, 61):  # then twice as fast: the recent window follows
        clock.now += 1.0
        left = eta.finished(done)
    assert left == pytest.approx(140 * 1.0)


def test_steps_reported_together_are_not_taken_for_a_pace():
    """Twenty agents' locks are told at one moment, once all are read; then each write
    takes 0.6 s at 100 a minute. Seen as a pace, the burst said "about 2s left" with
    59 writes to go; the client never goes faster than its configured pace."""
    clock = Clock()
    eta = Eta(40 + 60, requests_per_minute=100, clock=clock)
    for done in range(2, 41, 2):  # twenty agents, two requests each, told together
        left = eta.reached(done)
    assert left == pytest.approx(60 * 0.6)
    for done in range(41, 100):
        clock.now += 0.6
        left = eta.finished(done)
        assert left == pytest.approx((100 - done) * 0.6)


def test_an_unpaced_apply_measures_its_pace_after_the_burst_not_through_it():
    """No configured pace to hold the measure down: the locks' lines, microseconds
    apart, start it afresh (``reached``), and the writes' own pace is what is left."""
    clock = Clock()
    eta = Eta(40 + 60, clock=clock)
    for done in range(2, 41, 2):
        clock.now += 1e-5
        eta.reached(done)
    left = None
    for done in range(41, 45):
        clock.now += 0.6
        left = eta.finished(done)
    assert left == pytest.approx((100 - 44) * 0.6)


def test_the_locks_cost_a_create_and_a_delete_per_twenty_agents_and_two_reads():
    assert lock_requests(0) == (0, 0)
    assert lock_requests(1) == (1 + 2, 1)
    assert lock_requests(20) == (1 + 2, 1)
    assert lock_requests(45) == (3 + 2, 3)


def test_a_line_while_nothing_finishes_counts_the_time_waited():
    """The locks' listings are told at once when all are read: meanwhile, the lines that
    say they are still being taken count down with the time waited."""
    clock = Clock()
    eta = Eta(50, requests_per_minute=100, clock=clock)
    assert eta.seconds_left_now(0) == pytest.approx(30.0)
    clock.now += 12.0
    assert eta.seconds_left_now(0) == pytest.approx(18.0)
    clock.now += 60.0
    assert eta.seconds_left_now(0) == 0.0  # overdue: no time to tell, not a negative one
    eta.finished(20)
    assert eta.seconds_left_now(20) == pytest.approx(18.0)


def test_unpaced_and_nothing_measured_yet_is_no_estimate():
    eta = Eta(10, clock=Clock())
    assert eta.finished(1) is None
    assert eta.seconds_left(10) == 0.0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.2, "1s"), (59, "59s"), (60, "1m 00s"), (185.5, "3m 06s"), (3720, "1h 02m")],
)
def test_durations_read_naturally(seconds: float, text: str):
    assert format_duration(seconds) == text


def test_apply_shows_the_time_left_at_the_configured_pace(site: Site):
    # 600/min keeps the test short; the emulator itself is not limited.
    point_at(site.root, site.url, rate_limit={"requests_per_minute": 600})
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 13
    assert all(
        re.match(r"\[\d+/13\] \(about \d+s left\) created \w+/\w+$", line) for line in lines[:-1]
    ), lines
    assert "left" not in lines[-1]


def test_the_time_left_counts_the_locks_requests_too(site: Site, tmp_path: Path):
    """A saved plan, before the first request: one lock tool for both agents (its create
    and delete), the lock agent's look-up and tool list, each agent's listing, and 13
    creates: 19 requests at 600/min."""
    point_at(site.root, site.url, rate_limit={"requests_per_minute": 600})
    plan_file = tmp_path / "plan.json"
    assert site.run("plan", "--out", plan_file).exit_code == 0
    assert planned_requests(load_plan(plan_file)) == 2 + 2 + 2 + 13
    result = site.run("apply", plan_file)
    assert result.exit_code == 0, result.output
    (first,) = [line for line in result.stderr.splitlines() if line.startswith("Taking")]
    assert first == "Taking the apply locks on 2 agents (about 2s left)", result.stderr


def test_without_a_saved_plan_the_time_left_comes_with_the_plan(site: Site):
    """--auto-approve takes the locks before the plan reads live, so what is left is
    known once the plan is: 13 creates and the lock tool's delete, 14 requests at 600/min."""
    point_at(site.root, site.url, rate_limit={"requests_per_minute": 600})
    result = site.run("apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert "Taking the apply locks on 2 agents" in lines, result.stderr
    (writing,) = [line for line in lines if line.startswith("Locked;")]
    assert writing == "Locked; the plan is still current. Writing 13 changes (about 2s left)"


class InterruptedOnce(io.StringIO):
    """stderr that Ctrl-C interrupts in the middle of the first progress line."""

    def __init__(self) -> None:
        super().__init__()
        self.interrupted = False

    def write(self, text: str) -> int:
        if not self.interrupted and isinstance(text, str) and text.startswith("[1/"):
            self.interrupted = True
            super().write(text[:5])
            raise KeyboardInterrupt
        return super().write(text)


def test_a_line_interrupted_by_ctrl_c_still_comes_out_then_the_interrupt(
    monkeypatch: pytest.MonkeyPatch,
):
    from compiler.apply.engine import Outcome
    from compiler.apply.progress import ApplyProgress
    from compiler.cli.apply import ClickConsole
    from compiler.cli.context import AppContext
    from compiler.plan.model import CREATE, Change, Plan

    stderr = InterruptedOnce()
    monkeypatch.setattr(sys, "stderr", stderr)
    console = ClickConsole(AppContext())
    change = Change("support/x", "support", "uid", "x", CREATE)
    plan = Plan("dev", {}, changes=[change, Change("support/y", "support", "uid", "y", CREATE)])
    show = ApplyProgress(console.progress, plan)
    with pytest.raises(KeyboardInterrupt):
        show(1, 2, Outcome(change, ok=True))
    assert stderr.getvalue().endswith("[1/2] created support/x\n")


def quiet_watch(**options: object) -> tuple[object, list[str]]:
    from compiler.apply.progress import ApplyProgress
    from compiler.plan.model import CREATE, Change, Plan

    change = Change("support/x", "support", "uid", "x", CREATE)
    lines: list[str] = []
    progress = ApplyProgress(
        lambda line, ok: lines.append(line), Plan("dev", {}, changes=[change]), **options
    )
    return progress, lines


def test_a_long_pause_says_what_is_still_under_way():
    from compiler.apply.progress import ApplyProgress

    progress, lines = quiet_watch(quiet_limit=0.3)
    assert isinstance(progress, ApplyProgress)
    with progress.watching():
        progress.locking(["uid"])
        deadline = time.monotonic() + 10
        while len(lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert lines[:2] == [
        "Taking the apply locks on 1 agent",
        "  still taking the apply locks: 0/1 agents locked",
    ]


def test_the_first_stop_is_answered_at_once_with_what_stopping_involves():
    import threading

    from compiler.apply.progress import ApplyProgress
    from compiler.plan.model import CREATE, Change

    stop = threading.Event()
    progress, lines = quiet_watch(stop=stop, quiet=True)
    assert isinstance(progress, ApplyProgress)
    with progress.watching():
        progress.locking(["uid"])
        progress.locked("uid", 3)
        progress.writing([Change("support/x", "support", "uid", "x", CREATE)])
        progress.started(Change("support/x", "support", "uid", "x", CREATE))
        stop.set()
        deadline = time.monotonic() + 10
        while not lines and time.monotonic() < deadline:
            time.sleep(0.05)
    # -q hides the phases, not the answer to the user's Ctrl-C.
    assert lines == [
        "stopping: finishing 1 in-flight request, releasing 1 lock; Ctrl-C again to abort"
    ]
