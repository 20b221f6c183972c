"""Reading live tools, shown as it goes: at the platform's pace (100 requests a minute)
the plan's read of many agents takes a while, and a person reads a silent pause as a
hang.

Nothing is said of a read that ends within ``FIRST_AFTER`` seconds. A longer one says
what it reads, then every ``EVERY`` seconds how far it is, on stderr as plain lines (a
CI log reads as a terminal does): the requests sent so far and, for a paced client,
the time left for at least one page per agent::

    Reading the live tools of 20 agents on OpenMic API at https://api.openmic.ai (about 12s left)
      still reading: 7 requests sent (about 8s left)
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
def reading_live(platform: Platform, agents: int, say: Callable[[str], None]) -> Iterator[None]:
    """Say how the read of ``agents`` agents' tools goes while the ``with`` body runs."""
    done = threading.Event()
    watcher = threading.Thread(
        target=_watch, args=(platform, agents, say, done), name="actionctl-reading", daemon=True
    )
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _watch(
    platform: Platform, agents: int, say: Callable[[str], None], done: threading.Event
) -> None:
    first = _sent(platform)
    if done.wait(FIRST_AFTER):
        return
    try:
        plural = "" if agents == 1 else "s"
        left = _left(platform, agents, _sent(platform) - first)
        say(f"Reading the live tools of {agents} agent{plural} on {platform.description}{left}")
        while not done.wait(EVERY):
            sent = _sent(platform) - first
            counted = f": {sent} request{'' if sent == 1 else 's'} sent" if first >= 0 else ""
            say(f"  still reading{counted}{_left(platform, agents, sent)}")
    except OSError:
        return  # stderr is gone (a closed pipe): the plan itself goes on


def _sent(platform: Platform) -> int:
    """Requests the client has sent (-1: it does not count them, as the local platform)."""
    count = getattr(platform, "request_count", None)
    return count if isinstance(count, int) else -1


def _left(platform: Platform, agents: int, sent: int) -> str:
    per_minute = getattr(platform, "requests_per_minute", None)
    if not per_minute or sent < 0:
        return ""
    left = max(0, agents - sent) * 60.0 / per_minute  # at least a page per agent
    return f" (about {format_duration(left)} left)" if left else ""
