"""Advisory apply locks, one per agent, kept as tools on actionctl's own lock agent.

The platform has no conditional writes (no ETag / If-Match, no idempotency keys), so
two applies started together could both pass the stale check. Mutual exclusion is
built from what every target has: creating a tool and listing tools. The lock tools
live on one dedicated agent, the **lock agent** (``actionctl-locks``, linked to no phone
number, found by name or made on first use), never on the agents being applied to: no
agent that can take a call ever carries a tool the user did not declare. What a lock
tool is and says is ``compiler/platform/lock_tools.py``.

Taking the locks of an apply's agents, one attempt (no assumption about the order of
tool ids or the order in which creates become visible):

1. find the lock agents by name (made when there is none); the oldest is ours to use
   (or the one remembered by the last apply in this project, ``hint``: where our tool
   goes is all this step decides, step 3 checks it);
2. create our lock tool ``actionctl-lock-<token>`` on it (a fresh token per attempt),
   its description naming the agents it locks (up to 20; one more tool per 20 more)
   and the holder;
3. list the lock agents by name again (unless the one used is *settled*, below) and
   every one's tools (one listing, shared by all the agents of the apply), then the
   agents themselves (the listing apply's stale check reads, which also shows locks
   written by an older actionctl onto the agent itself);
4. no other lock that still counts on any of our agents: the locks are ours. Otherwise
   back off: delete our lock tools, wait with jitter, and try again; a lock that was
   already there on the previous attempt, or taken longer than a race before this
   attempt began, belongs to an apply that holds it: refuse.

Why at most one apply holds an agent: if A's listing shows no other lock, any B whose
lock was not in it created it after A's create had returned, so B's listing, made after
B's create returned, shows A's lock and B backs off. That needs both to list the lock
agent A's tool is on, and a race between two first applies can make two lock agents.
So every apply lists the tools of *every* lock agent (normally one) after its creates,
and backs off when the lock agent its tools are on is no longer the preferred one (the
oldest, then the lowest uid). A spare lock agent is deleted only when empty and after a
listing showed a preferred one; from then on every listing shows an agent preferred to
it, so an apply that put a lock on the spare in between backs off: a lock tool is never
held on a lock agent that gets deleted. Assumed: "a write that returned is visible to
every later listing".

**Settled.** The look-up after the create guards against a lock agent preferred to ours
that we have not seen. One preferred to ours sorts first by the text of its created_at;
with UTC stamps (the only ones a lock agent settles with), one made in a later second
sorts after ours, so one preferred to ours was stamped within a second of ours or
earlier. Assumed further: the platform makes a create visible to
listings within ``SETTLE`` (an hour) of stamping it. Then a look-up made SETTLE
after our lock agent was made (dated on the platform's clock by our lock tool's
created_at) lists every lock agent that will ever be preferred to it; when it showed
ours preferred, none ever will be, and ours is settled: every apply that checks ends on
it too, and it is never a spare, so never deleted by an apply. From then on the look-up
after the create is skipped (the project remembers the lock agent as settled, for
``SETTLED_FOR``; a look-up this attempt made before its creates settles it too when made
SETTLE after it, dated by the create's stamp less the longest any clock of this host saw
pass from sending the look-up to the create's answer). A settled lock agent deleted by
hand (or on another account behind the same URL) fails the next create (404): looked
up again. One renamed by hand, or another agent renamed to its name, is what no apply that
skips the look-up can see: the lock agent's prompt says never to; the project looks
again a day after it last settled it, which bounds the harm. Applies that trust a
settled lock agent list it alone, so a spare left by a race is deleted by the next
apply that looks the lock agents up.

Cost per apply (up to 20 agents): the lock tool's create and delete and the lock
agent's tool listing (pages of 100, shared by all the apply's agents): three requests,
whatever the number of agents, plus the look-up before the create where the project
does not remember the lock agent, and the one after it while the lock agent is not
settled (its first hour, and once a day after). The listing of each agent is the plan's or the stale
check's, read anyway. A heartbeat thread renews the lock every third of the expiry
(one PATCH per lock tool), so an apply of any length keeps it; before each write
``check`` only consults the clock.

Stale locks: a lock counts until its ``safe to delete after`` time, or, when taken on
this machine and pid namespace, until its process is gone. Abandoned locks actionctl
made are deleted by the next apply that acquires, on the lock agent and (an older
actionctl's) on the agents themselves. A tool with the prefix that actionctl did not
make (a hand-made ``actionctl-lock-*``) is never deleted unless the user asks
(``remove_foreign``): once past its creation time plus the expiry it stops counting and
is reported.
"""

from __future__ import annotations

import math
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from compiler.apply.create_once import CreateAttemptsExhausted, create_exactly_once
from compiler.model import LOCK_PREFIX
from compiler.platform.base import NotFoundError, Platform, PlatformError, WriteOutcomeUnknown
from compiler.platform.lock_tools import (
    LOCK_AGENT_NAME,
    LOCK_AGENT_PROMPT,
    LOCK_EXPIRY,
    abandoned,
    is_lock_tool,
    iso,
    lock_agent_order,
    lock_description,
    locked_agents,
    made_by_actionctl,
    mark_active,
    parse_holder,
    parse_time,
    utc_now,
    without_locks,
)

# Lock tools sit on an agent no caller reaches, but should someone link a number to it
# anyway, the type is the most harmless one: check_working_hours is read-only and, open
# around the clock, answers "open" (end_call would hang up; dtmf, SMS, email, booking act).
LOCK_TYPE = "check_working_hours"
_ALWAYS_OPEN = {"start": "00:00", "end": "23:59"}
LOCK_STATIC_PARAMS: dict[str, Any] = {
    "timezone": "UTC",
    "working_hours": {
        day: dict(_ALWAYS_OPEN)
        for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    },
}
MAX_ACQUIRE_ATTEMPTS = 4
# A contender's lock lives for its creates, the listings and one delete: a lock taken
# longer ago than this (by its holder's clock, whole seconds) belongs to an apply that
# holds it, not to a race. Misjudged (clocks apart), it only costs a retry or a refusal.
RACE_WINDOW = timedelta(seconds=5)
MAX_DELETE_ATTEMPTS = 3
MAX_LOCK_AGENT_CREATES = 3
# A lock agent this much older than a look-up that showed it preferred is *settled*: no
# lock agent preferred to it can appear any more (one would be as old, so its create
# would have been visible by then), so later applies skip the look-up after their
# create. Assumed: a create is visible to listings within an hour of its stamp.
SETTLE = timedelta(hours=1)
# Stamps may be whole seconds, truncated or rounded: two seconds more put any lock agent
# that was not listed in a later second than ours, and the text of a later UTC second
# sorts after ours (``lock_agent_order`` compares the text).
STAMP_PRECISION = timedelta(seconds=2)
# The stamps settling needs: UTC, whose text sorts as the times do second by second.
UTC_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
# A remembered settled_at ahead of this clock by more than this is not ours: not trusted.
CLOCK_SKEW = timedelta(minutes=5)
# How long a project trusts a lock agent it remembers as settled before it looks again:
# what bounds the harm of a lock agent renamed by hand (which no look-up-free apply sees).
SETTLED_FOR = timedelta(days=1)
# One lock tool locks up to this many agents: an apply pays one create, one delete and
# one renewal per tool, not per agent, and a description stays short (about 1 KB).
AGENTS_PER_LOCK_TOOL = 20

Clock = Callable[[], datetime]
Tool = dict[str, Any]
Agent = dict[str, Any]


class LockWatch(Protocol):
    """Whoever shows an apply's progress: told of each lock taken and released."""

    def locked(self, agent_uid: str, listed: int) -> None:
        """The lock on ``agent_uid`` is ours; its listing had ``listed`` tools."""
        ...

    def releasing(self, agent_uids: list[str]) -> None: ...
    def released(self, agent_uid: str) -> None: ...


class LockAgentHint(Protocol):
    """Where the lock agents were last found (``compiler.apply.lock_memory``): the first
    attempt picks the lock agent from it instead of looking them up. Only a hint, but
    for a lock agent remembered as settled (``settled_at``, ``trusted_settled``): the
    look-up after the create is then skipped too."""

    def recall(self, target: Mapping[str, str]) -> list[Agent] | None: ...
    def remember(self, target: Mapping[str, str], agents: list[Agent]) -> None: ...


class LockRefused(Exception):
    """Another apply holds the lock on an agent; nothing was changed by this one."""

    def __init__(self, agent_uid: str, holder_tool: Mapping[str, Any]) -> None:
        self.agent_uid = agent_uid
        self.tool_id = holder_tool.get("id")
        holder = parse_holder(holder_tool)
        who = holder.describe() if holder else f"(lock tool id {self.tool_id})"
        until = f"; it expires at {iso(holder.expires)}" if holder else ""
        super().__init__(
            f"another apply holds the lock on agent {agent_uid!r} {who}{until}; "
            "re-plan when it finishes"
        )


class AcquireInterrupted(Exception):
    """A stop was requested (a signal) while the locks were being taken."""


class _LockAgentMoved(Exception):
    """The lock agent our tools are on was deleted, or another one is preferred now:
    give way and take the locks again on the preferred one (no refusal)."""


@dataclass
class HeldLock:
    """One lock tool of this apply and the agents it locks."""

    agent_uids: tuple[str, ...]
    name: str
    since: datetime
    expires: datetime
    tool_ids: list[int] = field(default_factory=list)  # empty: not known (lost response)
    on: str = ""  # the lock agent the lock tool is on
    # The platform's created_at of the lock tool, and when (``instant``) its create
    # returned: they date the look-ups around it on the platform's own clock.
    stamp: datetime | None = None
    returned: Instant = ()


@dataclass
class _LockAgents:
    """Where this attempt puts its lock tools: the lock agents as last found (the
    preferred one is used). ``settled_at``: the platform time of a look-up made well
    after the preferred one was made that showed it preferred, so none preferred to it
    can appear (``SETTLE``); None: not settled. ``looked_up``: when (``instant``) the
    look-up that found them was sent, when this attempt made it."""

    agents: list[Agent]
    settled_at: datetime | None = None
    looked_up: Instant | None = None

    @property
    def home(self) -> Agent:
        return min(self.agents, key=lock_agent_order)


@dataclass
class _Attempt:
    """What one attempt found: the lock agents as listed after our creates, and the
    other locks that still count on our agents (empty: the locks are ours)."""

    lock_agents: _LockAgents
    contested: list[tuple[str, Tool]] = field(default_factory=list)


class AgentLocks:
    """The locks one apply takes, renews and releases.

    After ``acquire``, ``listed`` holds each locked agent's tools (lock tools left
    out), listed after the lock was taken: the stale check reads them. ``notes`` are
    messages about lock tools someone else made that were left alone.
    """

    def __init__(
        self,
        platform: Platform,
        *,
        expiry: timedelta = LOCK_EXPIRY,
        clock: Clock = utc_now,
        remove_foreign: bool = False,
        stop: threading.Event | None = None,
        watch: LockWatch | None = None,
        hint: LockAgentHint | None = None,
    ) -> None:
        self.platform = platform
        self.watch = watch
        self.hint = hint
        self.expiry = expiry
        self.clock = clock
        self.remove_foreign = remove_foreign
        self.stop = stop
        self.held: dict[str, HeldLock] = {}
        self.listed: dict[str, list[Any]] = {}
        self.lost: set[str] = set()
        self.notes: list[str] = []
        self.left_behind: list[str] = []  # lock tools release could not delete
        self._guard = threading.Lock()
        self._stopping = threading.Event()
        self._heartbeat: threading.Thread | None = None

    @property
    def renew_every(self) -> float:
        """Seconds between renewals: a third of the expiry, so two may fail in a row."""
        return self.expiry.total_seconds() / 3

    # --- acquiring ---

    def acquire(self, agent_uids: Iterable[str]) -> None:
        """Lock every agent, or none: on a refusal or any error the locks taken so far
        are released before the exception propagates."""
        uids = sorted(set(agent_uids))
        try:
            if uids:
                self._acquire_all(uids)
        except BaseException:
            self.release()
            raise
        self._start_heartbeat()

    def _acquire_all(self, uids: list[str]) -> None:
        seen: set[str] = set()  # other locks' names on earlier attempts
        # As last listed: the next attempt's. An unsettled hint is as good as a look-up
        # here (only where our tool goes: the look-up after the create decides); a settled
        # one saves that look-up too.
        lock_agents = self._recall()
        for attempt in range(1, MAX_ACQUIRE_ATTEMPTS + 1):
            self._check_stop()
            started = time.monotonic()
            began = self.clock()
            try:
                outcome = self._attempt(uids, lock_agents or self._look_up())
            except _LockAgentMoved:
                self._back_off()
                lock_agents = None
                continue
            lock_agents = outcome.lock_agents
            if not outcome.contested:
                if self.hint is not None:
                    self.hint.remember(self.platform.target, [_remembered(lock_agents)])
                return
            self._back_off()
            holders = [
                (uid, tool)
                for uid, tool in outcome.contested
                if tool.get("name") in seen or self._held_long(tool, began)
            ]
            if holders or attempt == MAX_ACQUIRE_ATTEMPTS:
                raise LockRefused(*(holders or outcome.contested)[0])
            seen |= {str(tool.get("name")) for _uid, tool in outcome.contested}
            self._wait(attempt, time.monotonic() - started)
        raise PlatformError(
            f"the apply lock agent {LOCK_AGENT_NAME!r} on {self.platform.description} kept "
            "changing while the locks were taken (deleted, or made again); nothing was "
            "changed, try again"
        )

    def _attempt(self, uids: list[str], lock_agents: _LockAgents) -> _Attempt:
        home = str(lock_agents.home["uid"])
        for start in range(0, len(uids), AGENTS_PER_LOCK_TOOL):
            self._check_stop()
            self._take(tuple(uids[start : start + AGENTS_PER_LOCK_TOOL]), home)
        now_agents = self._after_creates(lock_agents)
        on_lock_agents = self._list_lock_agents(home, now_agents.agents)
        self._adopt_ids(home, on_lock_agents[home])
        contested = self._contested_on_lock_agents(uids, on_lock_agents)
        if contested:
            return _Attempt(now_agents, contested)
        # The stale check's listing, made under the locks; it also shows the locks an
        # older actionctl writes onto the agent itself, which still count.
        listed = self.platform.list_tools_many(uids)
        contested = self._contested_on_agents(listed)
        if contested:
            return _Attempt(now_agents, contested)
        self.listed = {uid: without_locks(listed.get(uid, [])) for uid in uids}
        self._housekeeping(on_lock_agents, listed, home)
        if self.watch is not None:
            for uid in uids:
                self.watch.locked(uid, len(self.listed[uid]))
        return _Attempt(now_agents)

    def _after_creates(self, lock_agents: _LockAgents) -> _LockAgents:
        """The lock agents whose tools this attempt lists, after its creates returned.

        Settled (remembered so, or so at the look-up this attempt made before its
        creates): as they were; no lock agent preferred to ours can have appeared.
        Otherwise looked up again: the one our tools are on must still be the preferred
        one, else we give way (``_LockAgentMoved``). That look-up was sent after our
        creates returned, so it is at least as late as their stamps."""
        home = lock_agents.home
        if lock_agents.settled_at is not None:
            return lock_agents
        first = self._tools()[0]
        looked_up = None
        if lock_agents.looked_up is not None and first.stamp is not None:
            took = elapsed(lock_agents.looked_up, first.returned)
            looked_up = look_up_time(first.stamp, took)
        if settled(home, looked_up):
            return _LockAgents(lock_agents.agents, settled_at=looked_up)
        now_agents = _LockAgents(self.platform.find_agents(LOCK_AGENT_NAME))
        if not now_agents.agents or now_agents.home["uid"] != home["uid"]:
            raise _LockAgentMoved
        stamps = [held.stamp for held in self._tools() if held.stamp is not None]
        seen = max(stamps) if stamps else None  # this look-up was sent after them
        if settled(now_agents.home, seen):
            now_agents.settled_at = seen
        return now_agents

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise AcquireInterrupted

    def _list_lock_agents(self, home: str, agents: list[Agent]) -> dict[str, list[Tool]]:
        """Every lock agent's tools. Ours deleted since it was listed: give way. A spare
        deleted (by an apply that found it empty): no lock is held there, it is left out."""
        uids = [str(agent["uid"]) for agent in agents]
        with suppress(NotFoundError):
            return self.platform.list_tools_many(uids)
        found: dict[str, list[Tool]] = {}
        for uid in uids:
            try:
                found[uid] = self.platform.list_tools(uid)
            except NotFoundError:
                if uid == home:
                    raise _LockAgentMoved from None
        return found

    def _recall(self) -> _LockAgents | None:
        """The lock agent the last apply in this project used, if remembered; settled
        when it was so within ``SETTLED_FOR``."""
        recalled = self.hint.recall(self.platform.target) if self.hint else None
        if not recalled:
            return None
        trusted = len(recalled) == 1 and trusted_settled(recalled[0], self.clock())
        settled_at = parse_time(str(recalled[0].get("settled_at"))) if trusted else None
        return _LockAgents(recalled, settled_at=settled_at)

    def _look_up(self) -> _LockAgents:
        """The lock agents (normally one), made when there is none."""
        for _attempt in range(MAX_LOCK_AGENT_CREATES):
            sent = instant()
            found = self.platform.find_agents(LOCK_AGENT_NAME)
            if found:
                return _LockAgents(found, looked_up=sent)
            # Another apply may be making one at this moment: both are then listed by
            # every later attempt, the older is used, the spare deleted once empty.
            with suppress(WriteOutcomeUnknown):  # looked up by name instead
                self.platform.create_agent(LOCK_AGENT_NAME, LOCK_AGENT_PROMPT)
        raise PlatformError(
            f"could not create the apply lock agent {LOCK_AGENT_NAME!r} on "
            f"{self.platform.description}: it is missing from the agent list after "
            f"{MAX_LOCK_AGENT_CREATES} creates; nothing was changed, try again"
        )

    def _take(self, uids: tuple[str, ...], home: str) -> None:
        since = self.clock()
        name = LOCK_PREFIX + secrets.token_hex(8)
        held = HeldLock(uids, name, since, since + self.expiry, on=home)
        mark_active(held.name, True)
        for uid in uids:  # before the create: release must look even if it fails
            self.held[uid] = held
        held.tool_ids = self._create(held)

    def _tools(self) -> list[HeldLock]:
        """This apply's lock tools, each once (``held`` maps every agent to its tool)."""
        return list({id(held): held for held in self.held.values()}.values())

    def _adopt_ids(self, home: str, tools: list[Tool]) -> None:
        """Our lock tools as listed (a lost create may have made two of one)."""
        for held in self._tools():
            mine = [t for t in tools if t.get("name") == held.name]
            if not mine:
                raise PlatformError(
                    f"the apply lock {held.name!r} created on the lock agent "
                    f"{home!r} is missing from its tool list on {self.platform.description}; "
                    "cannot lock, nothing was changed"
                )
            held.tool_ids = sorted(int(t["id"]) for t in mine)

    def _contested_on_lock_agents(
        self, uids: list[str], on_lock_agents: Mapping[str, list[Tool]]
    ) -> list[tuple[str, Tool]]:
        ours = {held.name for held in self._tools()}
        wanted = set(uids)
        now = self.clock()
        others = [
            tool
            for tools in on_lock_agents.values()
            for tool in tools
            if is_lock_tool(tool) and tool.get("name") not in ours
        ]
        return [
            (target, tool)
            for tool in others
            if not abandoned(tool, now, self.expiry)
            for target in locked_agents(tool)
            if target in wanted
        ]

    def _contested_on_agents(self, listed: Mapping[str, list[Tool]]) -> list[tuple[str, Tool]]:
        """Locks an older actionctl (or a person) put on the agents themselves."""
        now = self.clock()
        return [
            (uid, tool)
            for uid, tools in listed.items()
            for tool in tools
            if is_lock_tool(tool) and not abandoned(tool, now, self.expiry)
        ]

    def _housekeeping(
        self, on_lock_agents: Mapping[str, list[Tool]], listed: Mapping[str, list[Tool]], home: str
    ) -> None:
        """With the locks held: delete abandoned lock tools and an empty spare lock agent."""
        now = self.clock()
        ours = {held.name for held in self._tools()}
        for agent_uid, tools in on_lock_agents.items():
            # A tool there naming no agent locks nothing: it is left as it is.
            others = [t for t in tools if is_lock_tool(t) and t.get("name") not in ours]
            others = [t for t in others if locked_agents(t)]
            self.tidy(agent_uid, others, now, where=f"the lock agent {agent_uid!r}")
        for uid, tools in listed.items():
            self.tidy(uid, [t for t in tools if is_lock_tool(t)], now)
        for agent_uid, tools in on_lock_agents.items():
            # A listing that showed ``home`` preferred to it came first: any apply that
            # puts a lock on it from now on sees ``home`` too and gives way.
            if agent_uid != home and not tools:
                with suppress(PlatformError):
                    self.platform.delete_agent(agent_uid)

    def _held_long(self, tool: Mapping[str, Any], began: datetime) -> bool:
        """A lock taken well before this attempt ``began``: its apply holds it (not a race).
        Measured from the attempt's start, not after its listings and back-off, which a
        loaded machine can stretch past the window for two contenders at once."""
        holder = parse_holder(tool)
        if holder is None:
            return True  # not ours to reason about: it counts until it expires
        since = parse_time(holder.since)
        return since is not None and began - since > RACE_WINDOW

    def _back_off(self) -> None:
        """Give way: delete our lock tools so the other contender can go ahead."""
        tools = self._tools()
        self.held.clear()
        for held in tools:
            mark_active(held.name, False)  # if the delete fails, it is abandoned at once
            try:
                ids = held.tool_ids or self._own_ids(held)
            except PlatformError:
                continue  # the lock agent is gone, or left behind: abandoned, swept later
            for tool_id in ids:
                if self._delete(held.on, tool_id) is not None:
                    break  # left behind: abandoned (this process, inactive), next apply deletes

    def _wait(self, attempt: int, round_trip: float) -> None:
        # Random and longer than a contender's create-list-delete, so one of two
        # contenders retries after the other has given way. A stop cuts it short.
        seconds = random.uniform(1.0, 3.0) * max(round_trip, 0.05) * attempt
        if self.stop is None:
            time.sleep(seconds)
        else:
            self.stop.wait(seconds)

    def tidy(
        self, uid: str, others: list[Tool], now: datetime, *, where: str | None = None
    ) -> None:
        """Abandoned locks actionctl made are deleted; one someone else made is
        reported and left alone unless the user asked to remove it."""
        for tool in others:
            if not abandoned(tool, now, self.expiry):
                continue
            if made_by_actionctl(tool) or self.remove_foreign:
                self._delete_quietly(uid, int(tool["id"]))
                continue
            self.notes.append(
                f"{where or f'agent {uid!r}'} has a tool named {tool.get('name')!r} (id "
                f"{tool.get('id')}) that actionctl did not create; it looks like an expired "
                "apply lock and no longer blocks applies; left as it is (delete it, or pass "
                "--remove-foreign-locks)"
            )

    def _create(self, held: HeldLock) -> list[int]:
        """Create our lock tool once, even when responses are lost (found by its name)."""
        payload = {
            "type": LOCK_TYPE,
            "name": held.name,
            "description": lock_description(held.since, held.expires, held.agent_uids),
            "static_params": LOCK_STATIC_PARAMS,
            "speak_during_execution": False,
            "speak_after_execution": False,
        }
        try:
            created = create_exactly_once(self.platform, held.on, payload)
            held.returned = instant()
        except NotFoundError:
            raise _LockAgentMoved from None  # deleted since it was listed
        except CreateAttemptsExhausted as error:
            raise PlatformError(
                f"could not create the apply lock {held.name!r} on the lock agent "
                f"{held.on!r}: {error}; try again"
            ) from None
        stamps = [parse_time(str(t.get("created_at") or "")) for t in created.tools]
        known = [stamp for stamp in stamps if stamp is not None]
        held.stamp = min(known) if len(known) == len(stamps) and known else None
        return sorted(int(t["id"]) for t in created.tools)

    def _own_ids(self, held: HeldLock) -> list[int]:
        return sorted(
            int(t["id"]) for t in self.platform.list_tools(held.on) if t.get("name") == held.name
        )

    # --- while writing ---

    def check(self, uid: str) -> None:
        """Called before each write to ``uid``: the lock must still be ours. The
        heartbeat renews it; this only reads the clock (no request)."""
        with self._guard:
            held = self.held.get(uid)
            if held is None or uid in self.lost:
                raise PlatformError(self._lost_message(uid))
            # A sixth of the expiry to spare: clocks of other machines may run ahead.
            if self.clock() >= held.expires - self.expiry / 6:
                self.lost.add(uid)  # another apply may already have taken it over
                raise PlatformError(self._lost_message(uid))

    def renew(self) -> None:
        """Push every held lock's expiry forward (the heartbeat's beat)."""
        with self._guard:
            held_locks = [h for h in self._tools() if not self.lost.issuperset(h.agent_uids)]
        for held in held_locks:
            self._renew(held)

    def _renew(self, held: HeldLock) -> None:
        now = self.clock()
        if now >= held.expires:
            with self._guard:
                self.lost.update(held.agent_uids)
            return
        expires = now + self.expiry
        description = lock_description(held.since, expires, held.agent_uids)
        try:
            for tool_id in held.tool_ids or self._own_ids(held):
                self.platform.update_tool(held.on, tool_id, {"description": description})
        except NotFoundError:
            with self._guard:
                self.lost.update(held.agent_uids)  # deleted by someone: no longer ours
            return
        except PlatformError:
            return  # a failed beat; the next one tries again, check() watches the clock
        with self._guard:
            held.expires = expires

    def _start_heartbeat(self) -> None:
        if not self.held or self._heartbeat is not None:
            return
        self._heartbeat = threading.Thread(
            target=self._beat, name="actionctl-lock-heartbeat", daemon=True
        )
        self._heartbeat.start()

    def _beat(self) -> None:
        while not self._stopping.wait(self.renew_every):
            self.renew()

    def _stop_heartbeat(self) -> None:
        self._stopping.set()
        if self._heartbeat is not None:
            self._heartbeat.join()
            self._heartbeat = None

    def _lost_message(self, uid: str) -> str:
        return (
            f"the apply lock on agent {uid!r} is no longer held (it expired or was "
            "deleted and may have been taken over); stopped writing to that agent, run "
            "`actionctl plan` again"
        )

    # --- releasing ---

    def release(self) -> list[str]:
        """Delete our lock tools (again: a no-op); one message per lock tool that could
        not be deleted, also kept in ``left_behind``."""
        self._stop_heartbeat()
        problems: list[str] = []
        tools = self._tools()
        if self.watch is not None and self.held:
            self.watch.releasing(sorted(self.held))
        for held in tools:
            try:
                ids = held.tool_ids or self._own_ids(held)
            except NotFoundError:
                continue  # the lock agent itself is gone, and its tools with it
            except PlatformError as error:
                problems.append(self._left_behind("?", held, error))
                continue
            for tool_id in ids:
                failure = self._delete(held.on, tool_id)
                if failure is not None:
                    problems.append(self._left_behind(tool_id, held, failure))
            if self.watch is not None:
                for uid in held.agent_uids:
                    self.watch.released(uid)
        for held in tools:
            mark_active(held.name, False)
        self.held.clear()
        self.left_behind += problems
        return problems

    def _delete(self, uid: str, tool_id: int) -> PlatformError | None:
        failure: PlatformError | None = None
        for _attempt in range(MAX_DELETE_ATTEMPTS):
            try:
                self.platform.delete_tool(uid, tool_id)
                return None
            except NotFoundError:
                return None
            except PlatformError as error:
                failure = error
        return failure

    def _delete_quietly(self, uid: str, tool_id: int) -> None:
        # Housekeeping of an abandoned lock: the next apply tries again if this fails.
        with suppress(PlatformError):
            self.platform.delete_tool(uid, tool_id)

    def _left_behind(self, tool_id: object, held: HeldLock, error: Exception) -> str:
        agents = ", ".join(repr(uid) for uid in held.agent_uids)
        return (
            f"could not remove the apply lock tool {held.name!r} (id {tool_id}, locking "
            f"agent {agents}) from the lock agent {held.on!r}: {error}; other applies on this host "
            f"ignore it once this process ends, elsewhere after {iso(held.expires)}; or delete it"
        )


def settled(home: Agent, seen_at: datetime | None) -> bool:
    """Whether a look-up made no earlier than ``seen_at`` (the platform's clock) that
    showed ``home`` preferred settles it: ``SETTLE`` after ``home`` was made, any lock
    agent preferred to it (stamped within a second of it, or earlier) would have been
    listed. Only a UTC stamp settles (its text sorts by the second)."""
    stamp = str(home.get("created_at") or "")
    made = parse_time(stamp) if UTC_STAMP.fullmatch(stamp) else None
    if made is None or seen_at is None:
        return False
    return seen_at - STAMP_PRECISION >= made + SETTLE


def trusted_settled(remembered: Agent, now: datetime) -> bool:
    """Whether a remembered lock agent is trusted as settled at ``now``: its
    ``settled_at`` settles it, is under ``SETTLED_FOR`` old, and not ahead of this clock
    by more than it may be off the platform's."""
    since = parse_time(str(remembered.get("settled_at") or ""))
    if since is None or not settled(remembered, since):
        return False
    return -CLOCK_SKEW <= now - since < SETTLED_FOR


def look_up_time(create_stamp: datetime, since_look_up: float) -> datetime | None:
    """The earliest platform time a look-up can have been made at, sent
    ``since_look_up`` seconds before the answer to a create the platform stamped
    ``create_stamp`` (that create was handled before its answer came); None when how
    long is not known."""
    if not math.isfinite(since_look_up):
        return None
    return create_stamp - timedelta(seconds=since_look_up)


Instant = tuple[float, ...]


def instant() -> Instant:
    """Now by every clock this host keeps: monotonic, the wall clock, and where there
    is one a clock that counts while the machine sleeps (monotonic may not)."""
    clocks = [time.monotonic(), time.time()]
    if hasattr(time, "CLOCK_BOOTTIME"):
        clocks.append(time.clock_gettime(time.CLOCK_BOOTTIME))
    return tuple(clocks)


def elapsed(since: Instant, until: Instant) -> float:
    """Seconds from ``since`` to ``until``: the most any clock saw pass (a suspended
    machine or a wall clock set back cannot make it look shorter). Unknown: infinite."""
    if not since or len(since) != len(until):
        return float("inf")
    return max(b - a for a, b in zip(since, until, strict=True))


def _remembered(lock_agents: _LockAgents) -> Agent:
    """What the project keeps of the lock agent our locks are on (a spare is deleted
    once empty): settled, the time of the look-up that settled it (not extended by the
    applies that trust it, so it is looked at again ``SETTLED_FOR`` after)."""
    home = {k: v for k, v in lock_agents.home.items() if k != "settled_at"}
    if lock_agents.settled_at is not None:
        home["settled_at"] = lock_agents.settled_at.astimezone(UTC).isoformat()
    return home


@contextmanager
def holding(
    platform: Platform,
    agent_uids: Iterable[str],
    warn: Callable[[str], None],
    *,
    expiry: timedelta = LOCK_EXPIRY,
    remove_foreign: bool = False,
    stop: threading.Event | None = None,
    watch: LockWatch | None = None,
    hint: LockAgentHint | None = None,
) -> Iterator[AgentLocks]:
    """Lock the agents for the ``with`` body and release them afterwards, also on
    Ctrl-C and errors. Raises ``LockRefused`` (nothing changed) if another apply holds one.
    ``warn`` gets a message per lock tool that could not be deleted; ``locks.notes``
    are about lock tools someone else made; ``watch`` is told of each lock taken and
    released; ``hint`` says where the lock agent was last found."""
    locks = AgentLocks(
        platform, expiry=expiry, remove_foreign=remove_foreign, stop=stop, watch=watch, hint=hint
    )
    try:
        locks.acquire(agent_uids)
        yield locks
    finally:
        locks.release()
        for message in locks.left_behind:
            warn(message)


def sweep_abandoned(
    platform: Platform,
    agent_uids: Iterable[str],
    *,
    expiry: timedelta = LOCK_EXPIRY,
    remove_foreign: bool = False,
) -> list[str]:
    """Delete lock tools actionctl made that are abandoned on these agents (an apply with
    nothing to do cleans up after a killed one). Returns one note per lock tool someone
    else made that was left alone."""
    uids = sorted(set(agent_uids))
    if not uids:
        return []
    try:
        listed = platform.list_tools_many(uids)
    except PlatformError:
        return []  # best effort: the next apply that locks these agents cleans up too
    locks = AgentLocks(platform, expiry=expiry, remove_foreign=remove_foreign)
    now = utc_now()
    for uid, tools in listed.items():
        locks.tidy(uid, [t for t in tools if is_lock_tool(t)], now)
    return locks.notes
