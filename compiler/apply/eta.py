"""How long an apply has left, from the pace its requests finish at.

At the platform's rate limit requests are the whole cost of an apply, so the pace is
steady and the estimate simple: the requests left (the locks' too) divided by the rate
the last few finished at. Before enough have finished to measure, the client's
configured pace (requests per minute) gives the estimate; an unpaced target has none
until the first steps finish. The client never sends faster than its configured pace,
so a measured pace above it (steps reported together, not as they finished) is not
believed. Steps known to be reported at once (``reached``) start the measure afresh.
The unit is whatever the caller counts (``total`` and ``done`` alike): apply counts
requests.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW = 20  # finished steps the measured pace is taken over (recent, not since start)
MEASURED_AFTER = 3  # fewer finishes than this: the configured pace, if any


class Eta:
    """Feed it how much is done after each finished step (``finished``); ask
    ``seconds_left``."""

    def __init__(
        self,
        total: float,
        *,
        requests_per_minute: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.requests_per_minute = requests_per_minute
        self._clock = clock
        self._finishes: deque[tuple[float, float]] = deque(maxlen=WINDOW + 1)
        self._last = clock()  # the last finish (or the start): what waiting counts from

    def finished(self, done: float) -> float | None:
        """Record that ``done`` units are done; returns the seconds left."""
        self._last = self._clock()
        self._finishes.append((self._last, done))
        return self.seconds_left(done)

    def reached(self, done: float) -> float | None:
        """``done`` units are done, several of them reported at this one moment (they
        finished over a while before): the measured pace starts again from here."""
        self._finishes.clear()
        return self.finished(done)

    def seconds_left(self, done: float) -> float | None:
        left = max(0, self.total - done)
        if left == 0:
            return 0.0
        paced = self.requests_per_minute / 60.0 if self.requests_per_minute else None
        rates = [rate for rate in (self._measured_rate(), paced) if rate]
        return left / min(rates) if rates else None

    def seconds_left_now(self, done: float) -> float | None:
        """``seconds_left`` less the time waited since the last finish: the requests
        under way meanwhile are that much further (for a line while nothing finishes)."""
        left = self.seconds_left(done)
        if left is None:
            return None
        return max(0.0, left - (self._clock() - self._last))

    def _measured_rate(self) -> float | None:
        """Units per second between the recent finishes."""
        if len(self._finishes) < MEASURED_AFTER:
            return None
        (first, done_first), (last, done_last) = self._finishes[0], self._finishes[-1]
        span = last - first
        return (done_last - done_first) / span if span > 0 and done_last > done_first else None


def format_duration(seconds: float) -> str:
    """``45s``, ``3m 05s``, ``1h 02m``: rounded up, so "0s" means done."""
    whole = int(-(-seconds // 1))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02}m"
