"""Advisory apply locks, one per agent, kept on the platform itself as tools.

The platform has no conditional writes (no ETag / If-Match, no idempotency keys), so
two applies started together could both pass the stale check. Mutual exclusion is
built from what every target has: creating a tool and listing an agent's tools. What
the lock tools are and say is ``compiler/platform/lock_tools.py``.

Acquiring the lock on an agent, without any assumption about the order of tool ids or
the order in which creates become visible:

1. create our lock tool ``actionctl-lock-<token>`` (a fresh token per attempt);
2. list the agent (the listing apply's stale check reads anyway);
3. no other lock that still counts: the lock is ours. Otherwise back off: delete our
   lock tool, wait with jitter, and try again; a lock that was already there on the
   previous attempt, or older than a race, belongs to an apply that holds it: refuse.

Why at most one apply holds an agent: if A lists and sees only its own lock, any B
whose lock was not in that listing created it after A's create had returned (A's was
visible), so B's listing, made after B's create returned, shows A's lock and B backs
off. Two contenders can both back off (then both retry after random waits); they can
never both proceed. Only "a create that returned is visible to a later listing" is
assumed, nothing about ids.

Cost per agent: the create and the final delete, beyond the listing apply needs anyway
(the lock tool is in that listing: an agent with exactly a multiple of 100 tools needs
one more page; no scheme with one read after the create can avoid that). A heartbeat
thread renews the locks every third of the expiry (one PATCH per agent), so an apply of
any length keeps them; before each write ``check`` only consults the clock.

Stale locks: a lock counts until its ``safe to delete after`` time, or, when taken on
this machine and pid namespace, until its process is gone. Abandoned locks actionctl
made are deleted by the next apply that acquires. A tool with the prefix that actionctl
did not make (a hand-made ``actionctl-lock-*``) is never deleted unless the user asks
(``remove_foreign``): once past its creation time plus the expiry it stops counting and
is reported.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from compiler.apply.create_once import CreateAttemptsExhausted, create_exactly_once
from compiler.model import LOCK_PREFIX
from compiler.platform.base import NotFoundError, Platform, PlatformError
from compiler.platform.lock_tools import (
    LOCK_EXPIRY,
    abandoned,
    is_lock_tool,
    iso,
    lock_description,
    made_by_actionctl,
    mark_active,
    parse_holder,
    parse_time,
    utc_now,
    without_locks,
)

# The lock is a real tool the voice agent can see while an apply runs. Its type is the
# most harmless one should the model call it anyway: check_working_hours is read-only
# and, open around the clock, answers "open", so the call goes on as if it were not
# there (end_call would hang up on the caller; dtmf, SMS, email, booking act).
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
# A contender's lock lives for one create, one listing and one delete: a lock taken
# longer ago than this (by its holder's clock, whole seconds) belongs to an apply that
# holds it, not to a race. Misjudged (clocks apart), it only costs a retry or a refusal.
RACE_WINDOW = timedelta(seconds=5)
MAX_DELETE_ATTEMPTS = 3

Clock = Callable[[], datetime]
Tool = dict[str, Any]


class LockWatch(Protocol):
    """Whoever shows an apply's progress: told of each lock taken and released."""

    def locked(self, agent_uid: str, listed: int) -> None:
        """The lock on ``agent_uid`` is ours; its listing had ``listed`` tools."""
        ...

    def releasing(self, agent_uids: list[str]) -> None: ...
    def released(self, agent_uid: str) -> None: ...


class LockRefused(Exception):
    """Another apply holds the lock on an agent; nothing was changed by this one."""

    def __init__(self, agent_uid: str, holder_tool: Tool) -> None:
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


@dataclass
class HeldLock:
    agent_uid: str
    name: str
    since: datetime
    expires: datetime
    tool_ids: list[int] = field(default_factory=list)  # empty: not known (lost response)


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
    ) -> None:
        self.platform = platform
        self.watch = watch
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
        """Lock every agent (in sorted order), or none: on a refusal or any error the
        locks taken so far are released before the exception propagates."""
        try:
            for uid in sorted(set(agent_uids)):
                self._acquire_one(uid)
        except BaseException:
            self.release()
            raise
        self._start_heartbeat()

    def _acquire_one(self, uid: str) -> None:
        seen: set[str] = set()  # other locks' names on earlier attempts
        for attempt in range(1, MAX_ACQUIRE_ATTEMPTS + 1):
            if self.stop is not None and self.stop.is_set():
                raise AcquireInterrupted
            started = time.monotonic()
            held = self._take(uid)
            tools = self.platform.list_tools(uid)
            mine = [t for t in tools if t.get("name") == held.name]
            if not mine:
                raise PlatformError(
                    f"the apply lock created on agent {uid!r} is missing from the agent's "
                    f"tool list on {self.platform.description}; cannot lock, nothing was changed"
                )
            held.tool_ids = sorted(int(t["id"]) for t in mine)  # a lost create may make two
            now = self.clock()
            others = [t for t in tools if is_lock_tool(t) and t.get("name") != held.name]
            counting = [t for t in others if not abandoned(t, now, self.expiry)]
            if not counting:
                self.listed[uid] = without_locks(tools)
                self.tidy(uid, others, now)
                if self.watch is not None:
                    self.watch.locked(uid, len(self.listed[uid]))
                return
            self._back_off(uid, held)
            holders = [t for t in counting if t.get("name") in seen or self._held_long(t, now)]
            if holders or attempt == MAX_ACQUIRE_ATTEMPTS:
                raise LockRefused(uid, (holders or counting)[0])
            seen |= {str(t.get("name")) for t in counting}
            self._wait(attempt, time.monotonic() - started)

    def _take(self, uid: str) -> HeldLock:
        since = self.clock()
        held = HeldLock(uid, LOCK_PREFIX + secrets.token_hex(8), since, since + self.expiry)
        mark_active(held.name, True)
        self.held[uid] = held  # before the create: release must look even if it fails
        held.tool_ids = self._create(uid, held)
        return held

    def _held_long(self, tool: Tool, now: datetime) -> bool:
        """A lock taken well before this attempt: its apply holds it (not a race)."""
        holder = parse_holder(tool)
        if holder is None:
            return True  # not ours to reason about: it counts until it expires
        since = parse_time(holder.since)
        return since is not None and now - since > RACE_WINDOW

    def _back_off(self, uid: str, held: HeldLock) -> None:
        """Give way: delete our lock tool so the other contender can go ahead."""
        mark_active(held.name, False)  # if the delete fails, it is abandoned at once
        del self.held[uid]
        for tool_id in held.tool_ids or self._own_ids(uid, held.name):
            if self._delete(uid, tool_id) is not None:
                break  # left behind: abandoned (this process, inactive), next apply deletes

    def _wait(self, attempt: int, round_trip: float) -> None:
        # Random and longer than a contender's create-list-delete, so one of two
        # contenders retries after the other has given way. A stop cuts it short.
        seconds = random.uniform(1.0, 3.0) * max(round_trip, 0.05) * attempt
        if self.stop is None:
            time.sleep(seconds)
        else:
            self.stop.wait(seconds)

    def tidy(self, uid: str, others: list[Tool], now: datetime) -> None:
        """Abandoned locks actionctl made are deleted; one someone else made is
        reported and left alone unless the user asked to remove it."""
        for tool in others:
            if not abandoned(tool, now, self.expiry):
                continue
            if made_by_actionctl(tool) or self.remove_foreign:
                self._delete_quietly(uid, int(tool["id"]))
                continue
            self.notes.append(
                f"agent {uid!r} has a tool named {tool.get('name')!r} (id {tool.get('id')}) "
                "that actionctl did not create; it looks like an expired apply lock and no "
                "longer blocks applies; left as it is (delete it, or pass "
                "--remove-foreign-locks)"
            )

    def _create(self, uid: str, held: HeldLock) -> list[int]:
        """Create our lock tool once, even when responses are lost (found by its name)."""
        payload = {
            "type": LOCK_TYPE,
            "name": held.name,
            "description": lock_description(held.since, held.expires),
            "static_params": LOCK_STATIC_PARAMS,
            "speak_during_execution": False,
            "speak_after_execution": False,
        }
        try:
            created = create_exactly_once(self.platform, uid, payload)
        except CreateAttemptsExhausted as error:
            raise PlatformError(
                f"could not create the apply lock on agent {uid!r}: {error}; try again"
            ) from None
        return sorted(int(t["id"]) for t in created.tools)

    def _own_ids(self, uid: str, name: str) -> list[int]:
        return sorted(int(t["id"]) for t in self.platform.list_tools(uid) if t.get("name") == name)

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
            held_locks = [h for uid, h in self.held.items() if uid not in self.lost]
        for held in held_locks:
            self._renew(held)

    def _renew(self, held: HeldLock) -> None:
        now = self.clock()
        if now >= held.expires:
            with self._guard:
                self.lost.add(held.agent_uid)
            return
        expires = now + self.expiry
        description = lock_description(held.since, expires)
        try:
            for tool_id in held.tool_ids or self._own_ids(held.agent_uid, held.name):
                self.platform.update_tool(held.agent_uid, tool_id, {"description": description})
        except NotFoundError:
            with self._guard:
                self.lost.add(held.agent_uid)  # deleted by someone: no longer ours
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
        if self.watch is not None and self.held:
            self.watch.releasing(sorted(self.held))
        for uid, held in sorted(self.held.items()):
            try:
                ids = held.tool_ids or self._own_ids(uid, held.name)
            except NotFoundError:
                continue  # the agent itself is gone
            except PlatformError as error:
                problems.append(self._left_behind(uid, "?", held, error))
                continue
            for tool_id in ids:
                failure = self._delete(uid, tool_id)
                if failure is not None:
                    problems.append(self._left_behind(uid, tool_id, held, failure))
            if self.watch is not None:
                self.watch.released(uid)
        for held in self.held.values():
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

    def _left_behind(self, uid: str, tool_id: object, held: HeldLock, error: Exception) -> str:
        return (
            f"could not remove the apply lock tool {held.name!r} (id {tool_id}) on agent "
            f"{uid!r}: {error}; other applies on this host ignore it once this process "
            f"ends, elsewhere after {iso(held.expires)}; or delete it"
        )


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
) -> Iterator[AgentLocks]:
    """Lock the agents for the ``with`` body and release them afterwards, also on
    Ctrl-C and errors. Raises ``LockRefused`` (nothing changed) if another apply holds one.
    ``warn`` gets a message per lock tool that could not be deleted; ``locks.notes``
    are about lock tools someone else made; ``watch`` is told of each lock taken and
    released."""
    locks = AgentLocks(
        platform, expiry=expiry, remove_foreign=remove_foreign, stop=stop, watch=watch
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
