"""Advisory apply locks, one per agent, kept on the platform itself as tools.

The platform has no conditional writes (no ETag / If-Match, no idempotency keys), so
two applies started together could both pass the stale check. Mutual exclusion is
built from what every target has: creating a tool and listing an agent's tools.

Acquiring the lock on an agent: create a harmless tool named ``actionctl-lock-<token>``
(the token is random, so a create whose response was lost is found again by name),
then list the agent. Among the lock tools that are not abandoned, the one with the
LOWEST id holds the lock. Ids grow with creation order and each apply lists only
after its own create returned, so in every interleaving exactly the apply whose create
committed first sees itself first; every later one sees it and backs off.

A lock is abandoned (ignored, and deleted by the next apply that acquires) when its
``safe to delete after`` time has passed (``LOCK_TTL`` after it was taken or last
renewed), or when it was taken on this machine, in this pid namespace, by a process
that no longer runs (an apply killed with SIGKILL), or by this very process outside any
apply still running.

"This machine, in this pid namespace" is ``MACHINE``, a short hash of the kernel's boot
id and the inode of this process's pid namespace, written into the lock's description.
The hostname alone is not enough: two CI containers with the same hostname (host
networking, a fixed ``--hostname``) each see the other's pids as dead. A lock without
that identity (an older actionctl) or with another one is freed only by its expiry.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from compiler.platform.base import NotFoundError, Platform, PlatformError, WriteOutcomeUnknown

LOCK_PREFIX = "actionctl-lock-"
LOCK_TTL = timedelta(minutes=15)
RENEW_WHEN_LEFT = timedelta(minutes=10)  # a long apply renews its locks every ~5 minutes
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
MAX_CREATE_ATTEMPTS = 5
CREATE_BACKOFF_BASE = 0.2  # seconds before the first look-up; doubles, capped, jittered
CREATE_BACKOFF_MAX = 5.0
MAX_DELETE_ATTEMPTS = 3
HOST = re.sub(r"\s+", "_", socket.gethostname()) or "unknown-host"


def machine_identity() -> str:
    """This kernel boot and pid namespace, hashed short: where a pid means this process.

    Without /proc (macOS, BSD) there are no pid namespaces; the hostname and the
    network card's address stand in for the machine."""
    parts: list[str] = []
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as boot_id:
            parts.append(boot_id.read().strip())
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    except OSError:
        parts = [socket.gethostname(), str(uuid.getnode()), "no-proc"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


MACHINE = machine_identity()

_DESCRIPTION = (
    "actionctl apply lock: not an action, never call it. Held by host {host} machine "
    "{machine} pid {pid} since {since}; safe to delete after {expires}."
)
_HOLDER = re.compile(
    r"host (?P<host>\S+) (?:machine (?P<machine>[0-9a-f]+) )?pid (?P<pid>\d+) "
    r"since (?P<since>\S+); safe to delete after (?P<expires>[0-9T:Z-]+)"
)

# Lock tool names of this process's applies still running: a lock tool naming this
# host and pid but not listed here was left by an apply of this process that could not
# remove it, so it is abandoned.
_ACTIVE: set[str] = set()
_ACTIVE_GUARD = threading.Lock()

Clock = Callable[[], datetime]
Tool = Mapping[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_lock_tool(tool: Tool) -> bool:
    name = tool.get("name")
    return isinstance(name, str) and name.startswith(LOCK_PREFIX)


def without_locks(tools: Iterable[Tool]) -> list[Any]:
    """The agent's tools as everything but the lock machinery should see them."""
    return [tool for tool in tools if not is_lock_tool(tool)]


@dataclass(frozen=True)
class Holder:
    """Who took a lock and until when it counts, read from the lock tool's description."""

    host: str
    pid: int
    since: str
    expires: datetime
    machine: str | None = None  # None: written by an actionctl that did not record it

    def describe(self) -> str:
        return f"since {self.since} (host {self.host}, pid {self.pid})"


def lock_description(since: datetime, expires: datetime) -> str:
    return _DESCRIPTION.format(
        host=HOST, machine=MACHINE, pid=os.getpid(), since=iso(since), expires=iso(expires)
    )


def parse_holder(tool: Tool) -> Holder | None:
    match = _HOLDER.search(str(tool.get("description") or ""))
    if match is None:
        return None
    expires = _parse_time(match["expires"])
    if expires is None:
        return None
    return Holder(match["host"], int(match["pid"]), match["since"], expires, match["machine"])


def _parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def abandoned(tool: Tool, now: datetime) -> bool:
    """True when the lock tool no longer protects a running apply."""
    holder = parse_holder(tool)
    if holder is None:
        # Not written by us (or rewritten by the platform): it counts until its
        # creation time plus the TTL; with no readable creation time it counts until
        # someone deletes it (the refusal names its id).
        created = _parse_time(str(tool.get("created_at") or ""))
        return created is not None and now >= created + LOCK_TTL
    if now >= holder.expires:
        return True
    if holder.host != HOST or holder.machine != MACHINE:
        # Another machine or pid namespace (or unknown): its pids are not ours to
        # check, only its expiry time can tell.
        return False
    if holder.pid == os.getpid():
        with _ACTIVE_GUARD:
            return tool.get("name") not in _ACTIVE
    return not pid_alive(holder.pid)


def pid_alive(pid: int) -> bool:
    """Whether a process runs (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            state = stat.read().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


class CreateAttemptsExhausted(PlatformError):
    """Every create attempt's outcome was unknown and the tool does not exist."""


@dataclass(frozen=True)
class Created:
    """What a create left on the agent: the tool made, or the tools of that name found
    after a lost response (normally one)."""

    tools: list[Tool]
    found: bool  # True: adopted after a lost response, not the create's own answer


def create_exactly_once(
    platform: Platform,
    agent_uid: str,
    payload: Mapping[str, Any],
    *,
    attempts: int = MAX_CREATE_ATTEMPTS,
    backoff_base: float | None = None,
) -> Created:
    """Create a tool exactly once, even when responses are lost or the server fails.

    The platform has no idempotency keys, so a create answered by a 5xx or a dropped
    connection (``WriteOutcomeUnknown``) may have committed. After one, wait (exponential
    backoff with jitter: a struggling server gets room, and a create still being handled
    has time to land), then list the agent: tools of that name are adopted, none means
    it did not happen and creating again is safe. The one create routine of actionctl
    (apply's tools and the apply locks). Raises ``PlatformError`` naming the last
    reason when every attempt failed and the tool does not exist. ``backoff_base``
    defaults to ``CREATE_BACKOFF_BASE`` (read at call time, so tests can shorten it).
    """
    base = CREATE_BACKOFF_BASE if backoff_base is None else backoff_base
    name = payload.get("name")
    reason = ""
    for attempt in range(1, attempts + 1):
        try:
            return Created([platform.create_tool(agent_uid, payload)], found=False)
        except WriteOutcomeUnknown as error:
            reason = write_failure_reason(error)
        time.sleep(_backoff(attempt, base))
        found = [t for t in platform.list_tools(agent_uid) if t.get("name") == name]
        if found:
            return Created(found, found=True)
    raise CreateAttemptsExhausted(
        f"create of {name!r} failed {attempts} times (last: {reason}) and the tool does "
        "not exist; nothing was created"
    )


_REASON = re.compile(r" at \S+: (?P<reason>.+?), so it may or may not have happened")


def write_failure_reason(error: WriteOutcomeUnknown) -> str:
    """Why a create's outcome is unknown ("the server answered 500", "the connection
    was dropped before a response arrived"), from the client's message."""
    text = str(error)
    match = _REASON.search(text)
    return match["reason"] if match else text


def _backoff(attempt: int, base: float) -> float:
    ceiling = min(CREATE_BACKOFF_MAX, base * 2 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


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


@dataclass
class HeldLock:
    agent_uid: str
    expires: datetime
    tool_ids: list[int] = field(default_factory=list)  # empty: not known (lost response)


class AgentLocks:
    """The locks one apply takes, renews and releases.

    After ``acquire``, ``listed`` holds each locked agent's tools (lock tools left
    out), listed after the lock was taken: the stale check reads them.
    """

    def __init__(
        self, platform: Platform, *, ttl: timedelta = LOCK_TTL, clock: Clock = utc_now
    ) -> None:
        self.platform = platform
        self.ttl = ttl
        self.clock = clock
        self.name = LOCK_PREFIX + secrets.token_hex(8)
        self.held: dict[str, HeldLock] = {}
        self.listed: dict[str, list[Any]] = {}
        self.lost: set[str] = set()
        self.left_behind: list[str] = []  # lock tools release could not delete
        self._guard = threading.Lock()

    # --- acquiring ---

    def acquire(self, agent_uids: Iterable[str]) -> None:
        """Lock every agent (in sorted order), or none: on a refusal or any error the
        locks taken so far are released before the exception propagates."""
        with _ACTIVE_GUARD:
            _ACTIVE.add(self.name)
        try:
            for uid in sorted(set(agent_uids)):
                self._acquire_one(uid)
        except BaseException:
            self.release()
            raise

    def _acquire_one(self, uid: str) -> None:
        since = self.clock()
        held = HeldLock(uid, since + self.ttl)
        self.held[uid] = held  # before the create: release must look even if it fails
        held.tool_ids = self._create(uid, lock_description(since, held.expires))
        tools = self.platform.list_tools(uid)
        locks = [t for t in tools if is_lock_tool(t)]
        mine = [t for t in locks if t.get("name") == self.name]
        if not mine:
            raise PlatformError(
                f"the apply lock created on agent {uid!r} is missing from the agent's tool "
                f"list on {self.platform.description}; cannot lock, nothing was changed"
            )
        held.tool_ids = sorted(int(t["id"]) for t in mine)  # a lost create may have made two
        now = self.clock()
        others = [t for t in locks if t.get("name") != self.name]
        contenders = mine + [t for t in others if not abandoned(t, now)]
        first = min(contenders, key=lambda t: int(t["id"]))
        if first.get("name") != self.name:
            raise LockRefused(uid, first)
        self.listed[uid] = without_locks(tools)
        for tool in others:
            if abandoned(tool, now):
                self._delete_quietly(uid, int(tool["id"]))

    def _create(self, uid: str, description: str) -> list[int]:
        """Create our lock tool once, even when responses are lost (found by its name)."""
        payload = {
            "type": LOCK_TYPE,
            "name": self.name,
            "description": description,
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

    def _own_ids(self, uid: str) -> list[int]:
        return sorted(
            int(t["id"]) for t in self.platform.list_tools(uid) if t.get("name") == self.name
        )

    # --- while writing ---

    def check(self, uid: str) -> None:
        """Called before each write to ``uid``: the lock must still be ours. Renews it
        when less than ``RENEW_WHEN_LEFT`` is left, so a long apply keeps it."""
        with self._guard:
            held = self.held.get(uid)
            if held is None or uid in self.lost:
                raise PlatformError(self._lost_message(uid))
            now = self.clock()
            if held.expires - now > RENEW_WHEN_LEFT:
                return
            if now >= held.expires:
                self.lost.add(uid)  # another apply may already have taken it over
                raise PlatformError(self._lost_message(uid))
            self._renew(held, now)

    def _renew(self, held: HeldLock, now: datetime) -> None:
        expires = now + self.ttl
        description = lock_description(now, expires)
        try:
            for tool_id in held.tool_ids:
                self.platform.update_tool(held.agent_uid, tool_id, {"description": description})
        except NotFoundError:
            self.lost.add(held.agent_uid)
            raise PlatformError(self._lost_message(held.agent_uid)) from None
        held.expires = expires

    def _lost_message(self, uid: str) -> str:
        return (
            f"the apply lock on agent {uid!r} is no longer held (it expired and may have "
            "been taken over); stopped writing to that agent, run `actionctl plan` again"
        )

    # --- releasing ---

    def release(self) -> list[str]:
        """Delete our lock tools (again: a no-op); one message per lock tool that could
        not be deleted, also kept in ``left_behind``."""
        problems: list[str] = []
        for uid, held in sorted(self.held.items()):
            try:
                ids = held.tool_ids or self._own_ids(uid)
            except NotFoundError:
                continue  # the agent itself is gone
            except PlatformError as error:
                problems.append(self._left_behind(uid, "?", held, error))
                continue
            for tool_id in ids:
                error = self._delete(uid, tool_id)
                if error is not None:
                    problems.append(self._left_behind(uid, tool_id, held, error))
        self.held.clear()
        with _ACTIVE_GUARD:
            _ACTIVE.discard(self.name)
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
            f"could not remove the apply lock tool {self.name!r} (id {tool_id}) on agent "
            f"{uid!r}: {error}; other applies on this host ignore it once this process "
            f"ends, elsewhere after {iso(held.expires)}; or delete it"
        )


@contextmanager
def holding(
    platform: Platform, agent_uids: Iterable[str], warn: Callable[[str], None]
) -> Iterator[AgentLocks]:
    """Lock the agents for the ``with`` body and release them afterwards, also on
    Ctrl-C and errors. Raises ``LockRefused`` (nothing changed) if another apply holds one."""
    locks = AgentLocks(platform)
    try:
        locks.acquire(agent_uids)
        yield locks
    finally:
        locks.release()
        for message in locks.left_behind:
            warn(message)


def sweep_abandoned(platform: Platform, agent_uids: Iterable[str]) -> int:
    """Delete lock tools abandoned on these agents (an apply with nothing to do cleans
    up after a killed one). Returns how many were deleted."""
    uids = sorted(set(agent_uids))
    if not uids:
        return 0
    try:
        listed = platform.list_tools_many(uids)
    except PlatformError:
        return 0  # best effort: the next apply that locks these agents cleans up too
    now = utc_now()
    deleted = 0
    for uid, tools in listed.items():
        for tool in tools:
            if is_lock_tool(tool) and abandoned(tool, now):
                try:
                    platform.delete_tool(uid, int(tool["id"]))
                    deleted += 1
                except PlatformError:
                    continue
    return deleted
