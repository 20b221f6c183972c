"""Fault injection for the emulator: seeded random faults, scripted faults, a token bucket.

Fault kinds (what a careful client must survive):

- ``"500"``: an internal error response; nothing was changed.
- ``"429"``: a rate-limit response with the platform's body; nothing was changed.
- ``"drop"``: the connection is closed before the request is handled (no response).
- ``"lost"``: the request is handled and committed, then the connection is closed
  without a response — a create the client cannot know happened.
- ``"empty"`` (scripted only, never drawn at random): the request is handled and
  committed, and a success is answered with an empty JSON object instead of the
  resource (a proxy or gateway that drops bodies): a write whose answer is not the tool.

Random faults come from ``random.Random(seed)``, drawn once per request in arrival
order, so a sequential client sees the same faults on every run with the same seed.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable

FAULT_KINDS: tuple[str, ...] = ("500", "429", "drop", "lost")
SCRIPTED_KINDS: tuple[str, ...] = (*FAULT_KINDS, "empty")


class FaultInjector:
    """Decides, per request, whether and how it fails."""

    def __init__(self, rate: float = 0.0, seed: int = 0, kinds: Iterable[str] = FAULT_KINDS):
        self.kinds = tuple(kinds)
        unknown = [k for k in self.kinds if k not in FAULT_KINDS]
        if unknown or not self.kinds:
            raise ValueError(f"fault kinds must be among {FAULT_KINDS}, got {self.kinds}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rate must be between 0 and 1")
        self.rate = rate
        self._rng = random.Random(seed)
        self._script: deque[str | None] = deque()
        self._lock = threading.Lock()

    def inject(self, *kinds: str | None) -> None:
        """Script the next requests' fates, in order (``None`` = no fault)."""
        for kind in kinds:
            if kind is not None and kind not in SCRIPTED_KINDS:
                raise ValueError(f"unknown fault kind {kind!r}")
        with self._lock:
            self._script.extend(kinds)

    def next_fault(self) -> str | None:
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self.rate <= 0:
                return None
            # Two draws per request whatever the outcome, so the sequence stays aligned.
            roll, pick = self._rng.random(), self._rng.choice(self.kinds)
            return pick if roll < self.rate else None


class TokenBucket:
    """``per_minute`` tokens refilled continuously; at most ``burst`` saved up.

    ``take()`` returns 0.0 when a token was taken, otherwise the seconds until one is
    available (the caller answers 429).
    """

    def __init__(
        self,
        per_minute: float,
        burst: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("rate limit must be positive")
        self.rate = per_minute / 60.0
        # Default burst: one second's worth (at least one request), so a client that
        # honours a whole-second retryAfter can still use nearly all of the limit.
        self.capacity = burst if burst is not None else max(1.0, math.ceil(self.rate))
        self._tokens = self.capacity
        self._clock = clock
        self._stamp = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate
