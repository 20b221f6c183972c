"""The plan's read of the live tools, made with the apply locks held (``apply
--auto-approve`` without a saved plan), as Terraform locks the state before it refreshes.

``LockedRead.guard(platform)`` is what the planner reads the platform through: its
first ``list_tools_many`` (the plan's listing of every agent it manages) takes the apply
locks of those agents first, and answers with the listing the locks were taken with
(``AgentLocks.listed``, made after the locks were ours). So the plan is built from a
listing made under the locks, and no other apply writes to those agents until they are
released: the stale check holds by construction, and the agents are not listed a second
time. Everything else goes straight to the platform.

The locks cover every agent the plan reads (not only those it turns out to change: which
those are is known only after the read). They are released when the ``with`` of
``guard`` ends, or earlier by ``release`` (so the release lines come before the
summary); releasing twice is a no-op.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from compiler.apply.engine import ApplyWatch, LockSettings
from compiler.apply.lock import AgentLocks, LockWatch
from compiler.platform.base import Platform, Tool


class LockedRead:
    """The locks one apply takes before its plan reads live, and the platform they are
    taken on (``platform``, set by ``guard``)."""

    def __init__(
        self,
        locking: LockSettings,
        *,
        stop: threading.Event | None = None,
        watch: ApplyWatch | None = None,
    ) -> None:
        self.locking = locking
        self.stop = stop
        self.watch = watch
        self.locks: AgentLocks | None = None
        self.platform: Platform | None = None
        self.left_behind: list[str] = []  # lock tools release could not delete

    @property
    def notes(self) -> list[str]:
        """Lock tools someone else made, left alone (as ``AgentLocks.notes``)."""
        return self.locks.notes if self.locks is not None else []

    @contextmanager
    def guard(self, platform: Platform) -> Iterator[Platform]:
        """``platform`` as the planner reads it: its listing taken under the locks."""
        watch: LockWatch | None = self.watch
        self.platform = platform
        self.locks = AgentLocks(
            platform,
            expiry=self.locking.expiry,
            remove_foreign=self.locking.remove_foreign,
            stop=self.stop,
            watch=watch,
            hint=self.locking.hint,
        )
        try:
            yield _ListedUnderLocks(platform, self)
        finally:
            self.release()

    def lock_and_list(self, agent_uids: list[str]) -> dict[str, list[Tool]]:
        """Take the locks of ``agent_uids`` and return their tools as listed under them
        (lock tools left out). Raises LockRefused, AcquireInterrupted, PlatformError;
        nothing is held then."""
        assert self.locks is not None, "only inside guard()"
        uids = sorted(set(agent_uids))
        if self.watch is not None:
            self.watch.locking(uids)
        self.locks.acquire(uids)
        return {uid: list(self.locks.listed.get(uid, [])) for uid in uids}

    def release(self) -> None:
        if self.locks is None:
            return
        self.locks.release()
        self.left_behind = list(self.locks.left_behind)


class _ListedUnderLocks:
    """A ``Platform`` whose first listing of agents' tools is made under their locks."""

    def __init__(self, platform: Platform, read: LockedRead) -> None:
        self._platform = platform
        self._read = read
        self._listed = False
        self.description = platform.description

    @property
    def target(self) -> dict[str, str]:
        return self._platform.target

    def list_tools_many(self, agent_uids: list[str]) -> dict[str, list[Tool]]:
        if self._listed:
            return self._platform.list_tools_many(agent_uids)
        self._listed = True
        return self._read.lock_and_list(agent_uids)

    def list_tools(self, agent_uid: str) -> list[Tool]:
        return self._platform.list_tools(agent_uid)

    def agent_exists(self, agent_uid: str) -> bool:
        return self._platform.agent_exists(agent_uid)

    def list_agents(self) -> list[dict[str, Any]]:
        return self._platform.list_agents()

    def find_agents(self, name: str) -> list[dict[str, Any]]:
        return self._platform.find_agents(name)

    def create_agent(self, name: str, prompt: str) -> dict[str, Any]:
        return self._platform.create_agent(name, prompt)

    def delete_agent(self, agent_uid: str) -> None:
        self._platform.delete_agent(agent_uid)

    def get_tool(self, agent_uid: str, tool_id: int) -> Tool:
        return self._platform.get_tool(agent_uid, tool_id)

    def create_tool(self, agent_uid: str, payload: Mapping[str, Any]) -> Tool:
        return self._platform.create_tool(agent_uid, payload)

    def update_tool(self, agent_uid: str, tool_id: int, fields: Mapping[str, Any]) -> Tool:
        return self._platform.update_tool(agent_uid, tool_id, fields)

    def delete_tool(self, agent_uid: str, tool_id: int) -> None:
        self._platform.delete_tool(agent_uid, tool_id)

    def list_phone_numbers(self) -> list[dict[str, Any]]:
        return self._platform.list_phone_numbers()

    def close(self) -> None:
        """The connection is closed by whoever opened it, not by the planner."""
