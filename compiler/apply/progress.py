"""Apply's progress: every phase visible, one plain line at a time.

A person reads a silent pause as a hang, so each phase says what it does as it goes:
taking the locks (one line per agent, with the live tools read under its lock),
writing (one line per finished change), releasing the locks (one line per lock), and
the first Ctrl-C (what stopping involves). Whenever ``QUIET_LIMIT`` seconds pass
without a line while requests are pending, a line says what is still under way. The
time left counts every request still to send, the locks' included (``Eta``).

Lines go to ``sink(line, ok)`` (the console's stderr side), plain text with no control
characters, so a CI log reads as a terminal does. With ``quiet`` only failures and
the stop notice are printed. Change lines start with ``[done/total]`` and end with the
address (before a failure's reason), where scripts find it; no other line starts
with ``[``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from compiler.apply.engine import Outcome, touched_agents
from compiler.apply.eta import Eta, format_duration
from compiler.apply.lock import AGENTS_PER_LOCK_TOOL
from compiler.plan.model import REPLACE, Change, Plan

ProgressSink = Callable[[str, bool], None]  # (line, ok): ok False is a failure's line

QUIET_LIMIT = 4.0  # seconds without a line, while requests are pending, before a status line
TICK = 0.2  # how often the watcher looks (also: how soon the first Ctrl-C is answered)
LISTING_PAGE = 100  # tools per page of an agent's listing


def planned_requests(plan: Plan) -> int:
    """Requests the apply of ``plan`` sends if nothing fails: the locks' (``lock_requests``),
    each touched agent's listing pages, one per change (two for a replace: delete, then
    create)."""
    live = Counter(c.agent_uid for c in plan.changes if c.tool_id is not None)
    live.update(u.agent_uid for u in plan.unmanaged)
    agents = touched_agents(plan)
    taking, releasing = lock_requests(len(agents))
    listings = sum(listing_pages(live[uid]) for uid in agents)
    return taking + releasing + listings + sum(change_requests(c) for c in plan.pending())


def lock_requests(agents: int) -> tuple[int, int]:
    """(taking, releasing): the requests of the locks on ``agents`` agents. Per lock tool
    (one per ``AGENTS_PER_LOCK_TOOL`` agents) its create and delete; the lock agent's tool
    list, and one look-up of it: the estimate, as the number varies (none once it is
    settled and remembered, two in a checkout that does not remember it, four on an
    account whose first apply makes it)."""
    if agents == 0:
        return 0, 0
    tools = -(-agents // AGENTS_PER_LOCK_TOOL)
    return tools + 2, tools


def listing_pages(tools: int) -> int:
    return 1 + tools // LISTING_PAGE


def change_requests(change: Change) -> int:
    return 2 if change.action == REPLACE else 1


class ApplyProgress:
    """The engine's ``ApplyWatch`` and ``Progress`` in one: counts what is done and
    under way, and turns each event into a line. Use inside ``watching``."""

    def __init__(
        self,
        sink: ProgressSink,
        plan: Plan | None,
        *,
        quiet: bool = False,
        requests_per_minute: float | None = None,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.monotonic,
        quiet_limit: float = QUIET_LIMIT,
    ) -> None:
        self.sink = sink
        self.quiet = quiet
        self.stop = stop
        self.clock = clock
        self.quiet_limit = quiet_limit
        self.requests_per_minute = requests_per_minute
        # No plan yet (its live tools are read under the locks): no time left to tell
        # until ``planned`` says what the writes are.
        total = planned_requests(plan) if plan is not None else 0
        self.eta = Eta(total, requests_per_minute=requests_per_minute)
        # Requests done, as planned (what the ETA counts down); the locks' own are shared
        # out over their agents' lines, so a fraction of one at a time.
        self.sent = 0.0
        self.phase = "starting"  # locking, writing, releasing, done
        self.agents: list[str] = []
        self.locked_count = 0
        self.released_count = 0
        self.changes = len(plan.pending()) if plan is not None else 0
        self.started_count = 0
        self.finished_count = 0
        self.stop_said = False
        self._printing = threading.Lock()  # one line at a time, from any thread
        self._counting = threading.Lock()
        self._last_line = clock()
        self._closed = threading.Event()

    # --- the engine's events ---

    def locking(self, agent_uids: list[str]) -> None:
        self.phase = "locking"
        self.agents = list(agent_uids)
        count = len(agent_uids)
        left = self._about(self.eta.seconds_left(0))
        self._say(f"Taking the apply locks on {count} agent{_s(count)}{left}")

    def locked(self, agent_uid: str, listed: int) -> None:
        self.locked_count += 1
        taking, _releasing = lock_requests(len(self.agents))
        self.sent += taking / len(self.agents) + listing_pages(listed)
        # The locks are told together once every agent is read: not a pace to measure.
        left = self._about(self.eta.reached(self.sent))
        where = f"{self.locked_count}/{len(self.agents)}"
        self._say(f"  locked {agent_uid}, read its {listed} live tool{_s(listed)} ({where}){left}")

    def planned(self, plan: Plan) -> None:
        """The plan, read under the locks taken so far: from now on the time left counts
        its writes and the locks' release."""
        self.phase = "planned"
        self.changes = len(plan.pending())
        writes = sum(change_requests(change) for change in plan.pending())
        _taking, releasing = lock_requests(len(self.agents))
        self.eta = Eta(writes + releasing, requests_per_minute=self.requests_per_minute)
        self.sent = 0.0

    def writing(self, changes: list[Change]) -> None:
        self.phase = "writing"
        count = len(changes)
        self.changes = count
        left = self._about(self.eta.seconds_left(self.sent))
        self._say(f"Locked; the plan is still current. Writing {count} change{_s(count)}{left}")

    def started(self, change: Change) -> None:
        with self._counting:
            self.started_count += 1

    def __call__(self, done: int, total: int, outcome: Outcome) -> None:
        # This change was made: its line must come out even when Ctrl-C lands while it
        # is being written (the apply counts it as reported); the interrupt follows.
        interrupted = False
        left: float | None = None
        recorded = False
        while True:
            try:
                if not recorded:
                    with self._counting:
                        self.finished_count = done
                    self.sent += change_requests(outcome.change)
                    left = self.eta.finished(self.sent)
                    recorded = True
                line = change_line(done, total, outcome, left)
                self._say(line, ok=outcome.ok)
                break
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt

    def releasing(self, agent_uids: list[str]) -> None:
        self.phase = "releasing"
        self.agents = list(agent_uids)
        self.released_count = 0
        count = len(agent_uids)
        self._say(f"Releasing {count} apply lock{_s(count)}")

    def released(self, agent_uid: str) -> None:
        self.released_count += 1
        _taking, releasing = lock_requests(len(self.agents))
        self.sent += releasing / len(self.agents)
        self.eta.finished(self.sent)
        self._say(f"  released the lock on {agent_uid} ({self.released_count}/{len(self.agents)})")

    # --- what is under way ---

    def in_flight(self) -> int:
        if self.phase == "locking":
            return 1  # the lock being taken (its create or listing)
        if self.phase != "writing":
            return 0
        with self._counting:
            return max(0, self.started_count - self.finished_count)

    def locks_held(self) -> int:
        if self.phase == "releasing":
            return len(self.agents) - self.released_count
        return self.locked_count if self.phase in ("locking", "planned", "writing") else 0

    def stopping_line(self) -> str:
        flying, held = self.in_flight(), self.locks_held()
        doing = []
        if flying:
            doing.append(f"finishing {flying} in-flight request{_s(flying)}")
        if held:
            doing.append(f"releasing {held} lock{_s(held)}")
        return f"stopping: {', '.join(doing) or 'nothing under way'}; Ctrl-C again to abort"

    def status_line(self) -> str | None:
        """What is still under way, for a long pause; None when nothing is."""
        left = self._about(self.eta.seconds_left_now(self.sent))
        if self.phase == "locking":
            return (
                f"  still taking the apply locks: {self.locked_count}/{len(self.agents)} "
                f"agents locked{left}"
            )
        if self.phase == "writing":
            return (
                f"  still writing: {self.finished_count}/{self.changes} changes done, "
                f"{self.in_flight()} in flight{left}"
            )
        if self.phase == "releasing":
            return (
                f"  still releasing the apply locks: {self.released_count}/"
                f"{len(self.agents)} released"
            )
        return None

    # --- the watcher ---

    @contextmanager
    def watching(self) -> Iterator[ApplyProgress]:
        """Run the watcher beside the apply: it answers the first stop at once and
        fills long pauses; stopped (and joined) when the apply ends."""
        watcher = threading.Thread(target=self._watch, name="actionctl-progress", daemon=True)
        watcher.start()
        try:
            yield self
        finally:
            self.phase = "done"
            self._closed.set()
            watcher.join()

    def _watch(self) -> None:
        try:
            while not self._closed.wait(TICK):
                self._look()
        except OSError:
            return  # stderr is gone (a closed pipe): the apply itself goes on

    def _look(self) -> None:
        if self.stop is not None and self.stop.is_set() and not self.stop_said:
            self.stop_said = True
            self._say(self.stopping_line(), force=True)
            return
        if self.clock() - self._last_line >= self.quiet_limit:
            status = self.status_line()
            if status is not None:
                self._say(status)

    # --- printing ---

    def _say(self, line: str, *, ok: bool = True, force: bool = False) -> None:
        if self.quiet and ok and not force:
            return
        with self._printing:
            self.sink(line, ok)
            self._last_line = self.clock()

    def _about(self, left: float | None) -> str:
        return f" (about {format_duration(left)} left)" if left else ""


def change_line(done: int, total: int, outcome: Outcome, left: float | None) -> str:
    counter = f"[{done}/{total}]"
    if left and done < total:
        counter += f" (about {format_duration(left)} left)"
    line = f"{counter} {outcome.verb} {outcome.change.address}"
    if not outcome.ok:
        line += f": {outcome.message}"
    return line


def _s(count: int) -> str:
    return "" if count == 1 else "s"
