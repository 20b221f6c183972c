"""The embedded local platform (``platform: local``): the emulator's store, in-process.

Every agent uid exists implicitly — it is created on first write — so ``plan`` and
``apply`` work on a fresh machine with no account. Validation and the PATCH rule are
the store's, i.e. the same as the emulator's.

The database file is made by the first write, not by opening: until then the platform
is empty and reading it (``plan``, ``import``, a command that fails) leaves nothing
behind, so a directory that is not a project does not get an ``.actionctl/``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from compiler.platform.base import NotFoundError, PlatformError, Tool, ValidationFailed
from compiler.platform.lock_tools import without_lock_agents
from compiler.platform.store import InvalidRequest, NotFound, Store, StoreError


class LocalPlatform:
    """``Platform`` over a SQLite file. ``display_path`` is how plans and messages name it;
    ``prepare_dir`` is called with the file's folder just before the first write creates
    the file (``connect`` puts a ``.gitignore`` there)."""

    def __init__(
        self,
        db_path: Path | str,
        *,
        display_path: str | None = None,
        prepare_dir: Callable[[Path], None] | None = None,
    ) -> None:
        self.db_path = Path(db_path)
        self.display_path = display_path or str(db_path)
        self.description = f"local platform at {self.display_path}"
        self._prepare_dir = prepare_dir
        self._opened: Store | None = None
        self._opening = threading.Lock()
        if self.db_path.exists():
            self._open()  # an unusable file is reported now, not at the first read

    def _open(self, *, for_write: bool = False) -> Store:
        with self._opening:  # apply writes from several threads; one Store for all
            if self._opened is None:
                if for_write and self._prepare_dir and not self.db_path.exists():
                    self._prepare_dir(self.db_path.parent)
                self._opened = Store(self.db_path, display=self.display_path)
            return self._opened

    def _reader(self) -> Store | None:
        """The store to read, or None while no write has created the file (empty)."""
        if self._opened is None and not self.db_path.exists():
            return None
        return self._open()

    def _existing(self) -> Store:
        """The store holding a tool named by id: with no file yet, no tool exists."""
        store = self._reader()
        if store is None:
            raise NotFound("Tool not found")
        return store

    def _writer(self) -> Store:
        return self._open(for_write=True)

    @property
    def target(self) -> dict[str, str]:
        return {"platform": "local", "base_url": self.display_path}

    def agent_exists(self, agent_uid: str) -> bool:
        return True  # agents exist implicitly on the local platform

    def list_agents(self) -> list[dict[str, Any]]:
        store = self._reader()
        return without_lock_agents(store.list_agents().items) if store else []

    def find_agents(self, name: str) -> list[dict[str, Any]]:
        store = self._reader()
        return store.list_agents(name=name).items if store else []

    def create_agent(self, name: str, prompt: str) -> dict[str, Any]:
        with self._errors("(new agent)", None):
            return self._writer().create_agent({"name": name, "prompt": prompt})

    def delete_agent(self, agent_uid: str) -> None:
        store = self._reader()
        if store is None:
            return
        with self._errors(agent_uid, None), suppress(NotFound):
            store.delete_agent(agent_uid)

    def list_tools(self, agent_uid: str) -> list[Tool]:
        store = self._reader()
        return store.list_tools(agent_uid, require_agent=False).items if store else []

    def list_tools_many(self, agent_uids: list[str]) -> dict[str, list[Tool]]:
        return {uid: self.list_tools(uid) for uid in dict.fromkeys(agent_uids)}

    def get_tool(self, agent_uid: str, tool_id: int) -> Tool:
        with self._errors(agent_uid, tool_id):
            return self._existing().get_tool(agent_uid, tool_id)

    def create_tool(self, agent_uid: str, payload: Mapping[str, Any]) -> Tool:
        store = self._writer()
        store.ensure_agent(agent_uid)
        with self._errors(agent_uid, None):
            return store.create_tool(agent_uid, payload)

    def update_tool(self, agent_uid: str, tool_id: int, fields: Mapping[str, Any]) -> Tool:
        with self._errors(agent_uid, tool_id):
            return self._existing().update_tool(agent_uid, tool_id, fields)

    def delete_tool(self, agent_uid: str, tool_id: int) -> None:
        with self._errors(agent_uid, tool_id):
            self._existing().delete_tool(agent_uid, tool_id)

    def list_phone_numbers(self) -> list[dict[str, Any]]:
        store = self._reader()
        return store.list_phone_numbers().items if store else []

    def close(self) -> None:
        if self._opened is not None:
            self._opened.close()

    def _errors(self, agent_uid: str, tool_id: int | None) -> _StoreErrors:
        return _StoreErrors(self.description, agent_uid, tool_id)


class _StoreErrors:
    """Turns the store's errors into the Platform errors, with the names a user knows."""

    def __init__(self, where: str, agent_uid: str, tool_id: int | None) -> None:
        self.where, self.agent_uid, self.tool_id = where, agent_uid, tool_id

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        # Never swallows: a store error is raised again as a Platform error.
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
