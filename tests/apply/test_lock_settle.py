"""When a lock agent is *settled* (compiler/apply/lock.py): the boundary of the hour on
the platform's clock, whole-second and UTC stamps, how long ago a look-up was sent
measured by the clock that saw the most pass, and when a remembered settled lock agent
is trusted. Plain values: the requests around them are counted in
test_request_counts.py and raced in test_lock_race.py and test_lock_memory.py."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from compiler.apply.lock import (
    CLOCK_SKEW,
    SETTLE,
    SETTLED_FOR,
    elapsed,
    instant,
    look_up_time,
    settled,
    trusted_settled,
)
from compiler.platform.lock_tools import parse_time

MADE = "2026-01-05T09:00:00Z"  # a platform that stamps whole seconds


def at(text: str) -> datetime:
    moment = parse_time(text)
    assert moment is not None
    return moment


def after_made(seconds: float) -> datetime:
    return at(MADE) + SETTLE + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("seen", "expected"),
    [
        # Two seconds more than the hour: a lock agent not listed then was stamped in a
        # later second than ours, truncated or rounded, so its text sorts after ours.
        (2.0, True),
        (1.999, False),
        (0.0, False),
        (-60.0, False),
    ],
)
def test_a_look_up_settles_the_lock_agent_an_hour_and_a_second_after_its_stamp(
    seen: float, expected: bool
) -> None:
    assert settled({"uid": "a", "created_at": MADE}, after_made(seen)) is expected


def test_a_lock_agent_without_a_readable_stamp_never_settles() -> None:
    much_later = at(MADE) + timedelta(days=400)
    for agent in ({"uid": "a"}, {"uid": "a", "created_at": "yesterday"}):
        assert not settled(agent, much_later)
    assert not settled({"uid": "a", "created_at": MADE}, None)


def test_a_stamp_with_microseconds_settles_from_its_instant_and_an_offset_never() -> None:
    """The order of lock agents is the text of created_at (every version's): only UTC
    text sorts as the times do, second by second."""
    agent = {"uid": "a", "created_at": "2026-01-05T09:00:00.250000Z"}
    assert settled(agent, after_made(2.25))
    assert not settled(agent, after_made(2.2))
    offset = {"uid": "a", "created_at": "2026-01-05T10:00:00+01:00"}
    assert not settled(offset, after_made(3600.0))


def test_a_look_up_made_before_the_create_is_dated_back_by_the_time_it_took() -> None:
    """The look-up was sent 2 s before the create's answer: it may have been made 2 s
    before the create's stamp, so a stamp 1.5 s past the boundary does not settle it."""
    agent = {"uid": "a", "created_at": MADE}
    stamp = after_made(2.0 + 1.5)
    assert not settled(agent, look_up_time(stamp, since_look_up=2.0))
    assert settled(agent, look_up_time(stamp, since_look_up=0.2))
    assert look_up_time(stamp, since_look_up=float("inf")) is None  # how long: unknown


def test_elapsed_is_what_the_clock_that_saw_the_most_saw() -> None:
    # (monotonic, wall, boot time)
    assert elapsed((10.0, 1000.0, 50.0), (10.5, 1000.5, 50.5)) == pytest.approx(0.5)
    # The machine slept an hour: monotonic stood still, the others did not.
    assert elapsed((10.0, 1000.0, 50.0), (10.1, 4600.0, 3650.0)) == pytest.approx(3600.0)
    # The wall clock was set back: monotonic still counts.
    assert elapsed((10.0, 1000.0), (12.0, 900.0)) == pytest.approx(2.0)
    # Not known (a create that did not say when it returned): never settles.
    assert elapsed((), (1.0, 2.0)) == float("inf")
    assert elapsed((1.0, 2.0), (1.0,)) == float("inf")


def test_instant_reads_every_clock_and_time_goes_forward() -> None:
    first = instant()
    second = instant()
    assert len(first) >= 2 and len(first) == len(second)
    assert 0.0 <= elapsed(first, second) < 5.0


def remembered(settled_at: datetime | str | None) -> dict[str, str]:
    agent = {"uid": "a", "name": "actionctl-locks", "created_at": MADE}
    if settled_at is not None:
        agent["settled_at"] = settled_at if isinstance(settled_at, str) else settled_at.isoformat()
    return agent


def test_a_remembered_settled_lock_agent_is_trusted_for_a_day_from_when_it_settled() -> None:
    since = after_made(10.0)
    assert trusted_settled(remembered(since), since)
    assert trusted_settled(remembered(since), since + SETTLED_FOR - timedelta(seconds=1))
    assert not trusted_settled(remembered(since), since + SETTLED_FOR)
    # This clock a little behind the platform's: trusted; far behind (planted): not.
    assert trusted_settled(remembered(since), since - CLOCK_SKEW)
    assert not trusted_settled(remembered(since), since - CLOCK_SKEW - timedelta(seconds=1))


def test_a_remembered_settled_at_that_does_not_settle_is_not_trusted() -> None:
    too_soon = at(MADE) + timedelta(minutes=1)  # a minute after it was made: not settled
    assert not trusted_settled(remembered(too_soon), too_soon)
    for written in (None, "yesterday", ""):  # never settled, or not a time
        assert not trusted_settled(remembered(written), after_made(10.0))
    old_format = {**remembered(None), "settled": True}  # a memory without settled_at
    assert not trusted_settled(old_format, after_made(10.0))
    no_stamp = {k: v for k, v in remembered(after_made(10.0)).items() if k != "created_at"}
    assert not trusted_settled(no_stamp, after_made(10.0))
