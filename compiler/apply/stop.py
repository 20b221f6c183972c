"""Stopping an apply by a signal: a flag the apply looks at, not an exception.

SIGINT (Ctrl-C), SIGTERM and SIGHUP set ``SignalStop.event``: changes under way finish
and are reported, those not started are not made, the locks are released. A second
signal raises ``KeyboardInterrupt`` at once. The apply exits ``128 + the signal``.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class SignalStop:
    """What the signal handlers saw: the first SIGINT/SIGTERM/SIGHUP sets ``event``
    (the apply stops between changes, cleanly); a second one stops at once. What
    stopping involves is said by whoever watches ``event`` (``compiler.apply.progress``):
    a handler must not print, it may interrupt a line being written."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int = signal.SIGINT

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)

    def handle(self, signum: int, frame: object) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt  # asked twice: stop now
        self.signum = signum
        self.event.set()


@contextmanager
def stopped_by_signals() -> Iterator[SignalStop]:
    """SIGINT, SIGTERM and SIGHUP set a flag instead of raising wherever the main
    thread happens to be (a progress line half printed, a lock half released)."""
    stop = SignalStop()
    previous = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, stop.handle)
    except ValueError:  # not the main thread: signals stay as they are
        pass
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
