"""What an apply lock tool is, says and whether it still counts.

Apply locks (``compiler/apply/lock.py``) are tools named ``actionctl-lock-<token>`` kept
on one dedicated agent, the **lock agent** (named ``actionctl-locks``, linked to no
phone number, so no caller ever talks to it): each lock tool's description names the
agent it locks. Older actionctl versions put the lock tool on the locked agent itself;
such a tool (no agent named in its description) locks the agent it is on. Every stage
that reads live tools (live state, validate's reserved names, import, the stale check)
needs to recognise lock tools and the lock agent and leave them out; this module is all
they need, so none of them depends on how locks are taken.

A lock tool actionctl wrote carries its holder in the description (host, machine, pid,
since, expiry). A tool with the prefix whose description does not say that was made by
someone else (by hand, or a tool rewritten by the platform): it counts as a lock until
its creation time plus the expiry, and is never deleted unless the user asks.

"This machine, in this pid namespace" is ``MACHINE``, a short hash of the kernel's boot
id and the inode of this process's pid namespace. The hostname alone is not enough: two
CI containers with the same hostname each see the other's pids as dead. A lock without
that identity (an older actionctl) or with another one is freed only by its expiry.

``HOST`` and ``MACHINE`` are worked out on first use, not on import: validate imports
this module for ``LOCK_PREFIX`` alone, and socket and hashlib cost ~10 ms to import.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from compiler.model import LOCK_PREFIX as LOCK_PREFIX  # re-exported: apply imports it from here

LOCK_EXPIRY = timedelta(minutes=15)

# The agent holding every lock tool. Found by this name, made on first use, never linked
# to a phone number: its tools are seen by no voice model on a call.
LOCK_AGENT_NAME = "actionctl-locks"
LOCK_AGENT_PROMPT = (
    "Made by actionctl to hold its apply locks: while an apply runs, one tool here per "
    "agent it is changing says who is applying and until when. Not a voice agent: never "
    "link a phone number to it. Its tools are removed when each apply ends; it may be "
    "deleted when no actionctl apply is running (the next apply makes it again). Never "
    "rename it, nor any other agent to its name: applies find it by name."
)

Tool = Mapping[str, Any]


@functools.cache
def host_name() -> str:
    import socket

    return re.sub(r"\s+", "_", socket.gethostname()) or "unknown-host"


@functools.cache
def machine_identity() -> str:
    """This kernel boot and pid namespace, hashed short: where a pid means this process.

    Without /proc (macOS, BSD) there are no pid namespaces; the hostname and the
    network card's address stand in for the machine."""
    import hashlib
    import socket

    parts: list[str] = []
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as boot_id:
            parts.append(boot_id.read().strip())
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    except OSError:
        parts = [socket.gethostname(), str(uuid.getnode()), "no-proc"]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def __getattr__(name: str) -> str:
    """``HOST`` and ``MACHINE`` as module constants, computed on first use."""
    if name == "HOST":
        return host_name()
    if name == "MACHINE":
        return machine_identity()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_DESCRIPTION = (
    "actionctl apply lock{on}: not an action, never call it. Held by host {host} machine "
    "{machine} pid {pid} since {since}; safe to delete after {expires}."
)
# The locked agents' uids as a JSON list: any character a uid may hold reads back.
_ON_AGENTS = "actionctl apply lock on agents "
_HOLDER = re.compile(
    r"host (?P<host>\S+) (?:machine (?P<machine>[0-9a-f]+) )?pid (?P<pid>\d+) "
    r"since (?P<since>\S+); safe to delete after (?P<expires>[0-9T:Z-]+)"
)

# Lock tool names of this process's applies still running: a lock tool naming this
# host and pid but not listed here was left by an apply of this process that could not
# remove it (or that backed off), so it is abandoned.
_ACTIVE: set[str] = set()
_ACTIVE_GUARD = threading.Lock()


def mark_active(name: str, active: bool) -> None:
    with _ACTIVE_GUARD:
        if active:
            _ACTIVE.add(name)
        else:
            _ACTIVE.discard(name)


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_lock_tool(tool: Tool) -> bool:
    name = tool.get("name")
    return isinstance(name, str) and name.startswith(LOCK_PREFIX)


def without_locks(tools: Iterable[Tool]) -> list[Any]:
    """The agent's tools as everything but the lock machinery should see them."""
    return [tool for tool in tools if not is_lock_tool(tool)]


def is_lock_agent(agent: Mapping[str, Any]) -> bool:
    return agent.get("name") == LOCK_AGENT_NAME


def without_lock_agents(agents: Iterable[Mapping[str, Any]]) -> list[Any]:
    """The account's agents as import and people should see them."""
    return [agent for agent in agents if not is_lock_agent(agent)]


def lock_agent_order(agent: Mapping[str, Any]) -> tuple[str, str]:
    """Every apply prefers the same lock agent when a race made two: the oldest, then
    the lowest uid. The text of ``created_at`` is compared, as every actionctl version
    since the lock agent has: any total order would do, as long as all applies use one,
    so it must not change. (A lock agent only settles with a UTC stamp, whose text sorts
    by its second: ``compiler/apply/lock.py``.)"""
    return (str(agent.get("created_at") or ""), str(agent.get("uid") or ""))


def locked_agents(tool: Tool) -> list[str]:
    """The agents a lock tool on the lock agent locks, from its description; none when
    it names none (a lock of an older actionctl, on the agent it locks, or one made by
    hand)."""
    description = str(tool.get("description") or "")
    if not description.startswith(_ON_AGENTS):
        return []
    try:
        uids, _end = json.JSONDecoder().raw_decode(description, len(_ON_AGENTS))
    except ValueError:
        return []
    if not isinstance(uids, list):
        return []
    return [uid for uid in uids if isinstance(uid, str)]


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


def lock_description(
    since: datetime, expires: datetime, agent_uids: Sequence[str] | None = None
) -> str:
    """The description holds whole seconds: the expiry is rounded up, so nobody reading
    it counts the lock as expired before its holder stops writing. ``agent_uids``: the
    agents locked (a lock on the lock agent); None writes an older actionctl's lock."""
    if expires.microsecond:
        expires = expires.replace(microsecond=0) + timedelta(seconds=1)
    return _DESCRIPTION.format(
        on="" if agent_uids is None else f" on agents {json.dumps(list(agent_uids))}",
        host=host_name(),
        machine=machine_identity(),
        pid=os.getpid(),
        since=iso(since),
        expires=iso(expires),
    )


def parse_holder(tool: Tool) -> Holder | None:
    match = _HOLDER.search(str(tool.get("description") or ""))
    if match is None:
        return None
    expires = parse_time(match["expires"])
    if expires is None:
        return None
    return Holder(match["host"], int(match["pid"]), match["since"], expires, match["machine"])


def parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def made_by_actionctl(tool: Tool) -> bool:
    """A lock tool whose description names its holder; anything else with the prefix
    was made by someone else and is never deleted without the user's say-so."""
    return parse_holder(tool) is not None


def abandoned(tool: Tool, now: datetime, expiry: timedelta = LOCK_EXPIRY) -> bool:
    """True when the lock tool no longer protects a running apply."""
    holder = parse_holder(tool)
    if holder is None:
        # Not written by us: it counts until its creation time plus the expiry; with no
        # readable creation time it counts until someone deletes it (the refusal names
        # its id).
        created = parse_time(str(tool.get("created_at") or ""))
        return created is not None and now >= created + expiry
    if now >= holder.expires:
        return True
    if holder.host != host_name() or holder.machine != machine_identity():
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
