"""The embedded local platform (``platform: local``): the emulator's store, in-process.

Every agent uid exists implicitly — it is created on first write — so ``plan`` and
``apply`` work on a fresh machine with no account. Validation and the PATCH rule are
the store's, i.e. the same as the emulator's.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compiler.platform.base import NotFoundError, PlatformError, Tool, ValidationFailed
from compiler.platform.store import InvalidRequest, NotFound, Store, StoreError


class LocalPlatform:
    """``Platform`` over a SQLite file. ``display_path`` is how plans and messages name it."""

    def __init__(self, db_path: Path | str, *, display_path: str | None = None) -> None:
        self.db_path = Path(db_path)
        self.display_path = display_path or str(db_path)
        self.description = f"local platform at {self.display_path}"
        self._store = Store(self.db_path, display=self.display_path)

    @property
    def target(self) -> dict[str, str]:
        return {"platform": "local", "base_url": self.display_path}

    def agent_exists(self, agent_uid: str) -> bool:
        return True  # agents exist implicitly on the local platform

    def list_agents(self) -> list[dict[str, Any]]:
        return self._store.list_agents().items

    def list_tools(self, agent_uid: str) -> list[Tool]:
        return self._store.list_tools(agent_uid, require_agent=False).items

    def list_tools_many(self, agent_uids: list[str]) -> dict[str, list[Tool]]:
        return {uid: self.list_tools(uid) for uid in dict.fromkeys(agent_uids)}

    def get_tool(self, agent_uid: str, tool_id: int) -> Tool:
        with self._errors(agent_uid, tool_id):
            return self._store.get_tool(agent_uid, tool_id)

    def create_tool(self, agent_uid: str, payload: Mapping[str, Any]) -> Tool:
        self._store.ensure_agent(agent_uid)
        with self._errors(agent_uid, None):
            return self._store.create_tool(agent_uid, payload)

    def update_tool(self, agent_uid: str, tool_id: int, fields: Mapping[str, Any]) -> Tool:
        with self._errors(agent_uid, tool_id):
            return self._store.update_tool(agent_uid, tool_id, fields)

    def delete_tool(self, agent_uid: str, tool_id: int) -> None:
        with self._errors(agent_uid, tool_id):
            self._store.delete_tool(agent_uid, tool_id)

    def list_phone_numbers(self) -> list[dict[str, Any]]:
        return self._store.list_phone_numbers().items

    def close(self) -> None:
        self._store.close()

    def _errors(self, agent_uid: str, tool_id: int | None) -> _StoreErrors:
        return _StoreErrors(self.description, agent_uid, tool_id)


class _StoreErrors:
    """Turns the store's errors into the Platform errors, with the names a user knows."""

    def __init__(self, where: str, agent_uid: str, tool_id: int | None) -> None:
        self.where, self.agent_uid, self.tool_id = where, agent_uid, tool_id

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: Any
    ) -> bool:
        if not isinstance(error, StoreError):
            return False
        if isinstance(error, NotFound):
            what = f"tool {self.tool_id}" if self.tool_id is not None else "agent"
            raise NotFoundError(
                f"{what} of agent {self.agent_uid!r} not found on the {self.where}", status=404
            ) from None
        if isinstance(error, InvalidRequest):
            raise ValidationFailed(
                f"the {self.where} rejected the tool for agent {self.agent_uid!r}: {error}",
                status=400,
            ) from None
        raise PlatformError(f"{self.where}: {error}", status=error.status) from None
