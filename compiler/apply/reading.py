"""Reading live tools, shown as it goes: at the platform's pace (100 requests a minute)
the plan's read of many agents takes a while, and a person reads a silent pause as a
hang.

Nothing is said of a read that ends within ``FIRST_AFTER`` seconds (``first_after=0``:
said at once, as ``apply --revert`` does). A longer one says what it reads, then every
``EVERY`` seconds how far it is, as plain lines (a CI log reads as a terminal does): the
requests sent so far and, for a paced client, the time left for at least one page per
agent::

    Reading the live tools of 20 agents on OpenMic API at https://api.openmic.ai (about 10s left)
      still reading: 12 requests sent (about 5s left)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from compiler.apply.eta import format_duration
from compiler.platform.base import Platform

FIRST_AFTER = 2.0  # seconds: a read this short is not announced
EVERY = 4.0  # seconds between the lines while it goes on (a 5 s silence reads as a hang)


@contextmanager
def reading_live(
    platform: Platform,
    agents: int,
    say: Callable[[str], None],
    *,
    first_after: float = FIRST_AFTER,
    every: float = EVERY,
) -> Iterator[None]:
    """Say how the read of ``agents`` agents' tools goes while the ``with`` body runs;
    nothing once it has ended (the watcher is joined, also when the body raises)."""
    watch = _Watch(platform, agents, say, every)
    if first_after <= 0:
        watch.announce()
    watcher = threading.Thread(
        target=watch.run, args=(first_after,), name="actionctl-reading", daemon=True
    )
    watcher.start()
    try:
        yield
    finally:
        watch.done.set()
        watcher.join()


class _Watch:
    def __init__(
        self, platform: Platform, agents: int, say: Callable[[str], None], every: float
    ) -> None:
        self.platform, self.agents, self.say, self.every = platform, agents, say, every
        self.first = _sent(platform)  # before the body sends anything
        self.announced = False
        self.done = threading.Event()

    def announce(self) -> None:
        plural = "" if self.agents == 1 else "s"
        where = self.platform.description
        self.say(f"Reading the live tools of {self.agents} agent{plural} on {where}{self._left()}")
        self.announced = True

    def run(self, first_after: float) -> None:
        try:
            if not self.announced:
                if self.done.wait(first_after):
                    return
                self.announce()
            while not self.done.wait(self.every):
                sent = self._sent_since()
                counted = "" if sent is None else f": {sent} request{'' if sent == 1 else 's'} sent"
                self.say(f"  still reading{counted}{self._left()}")
        except OSError:
            return  # stderr is gone (a closed pipe): the read itself goes on

    def _sent_since(self) -> int | None:
        now = _sent(self.platform)
        return None if now is None or self.first is None else now - self.first

    def _left(self) -> str:
        per_minute = getattr(self.platform, "requests_per_minute", None)
        sent = self._sent_since()
        if not per_minute or sent is None:
            return ""
        left = max(0, self.agents - sent) * 60.0 / per_minute  # at least a page per agent
        return f" (about {format_duration(left)} left)" if left else ""


def _sent(platform: Platform) -> int | None:
    """Requests the client has sent; None when it does not count them (the local one)."""
    count = getattr(platform, "request_count", None)
    return count if isinstance(count, int) else None
