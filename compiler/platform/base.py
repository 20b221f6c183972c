"""The interface every platform target implements, and the errors it raises.

Tools cross this boundary as plain dicts in the platform's own shape (``id``,
``type``, ``name``, ``static_params``, ...). Errors are exceptions carrying a message a
user can act on; they never contain the API key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from compiler.diagnostics.codes import P100, P101, P102, P103, P104, P105, P106

Tool = dict[str, Any]


class PlatformError(Exception):
    """A platform call failed. ``str(error)`` is a user-facing, secret-free sentence."""

    code = P100

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthenticationError(PlatformError):
    code = P101  # 401: the key was rejected


class NotFoundError(PlatformError):
    code = P102  # 404: agent or tool unknown


class ValidationFailed(PlatformError):
    code = P103  # 400/422: the platform rejected the payload


class RateLimitedError(PlatformError):
    code = P104  # 429 after all retries

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class TransportError(PlatformError):
    code = P105  # network down, timeout, dropped connection, 5xx after all retries


class WriteOutcomeUnknown(PlatformError):
    """A non-idempotent write (create) was sent but its response was lost.

    The write may or may not have happened; the caller must look the tool up by name
    before trying again, never repeat it blindly.
    """

    code = P106


class Platform(Protocol):
    """A target holding agents and their tools (OpenMic over HTTP, or the local store)."""

    description: str  # e.g. "local platform at .actionctl/platform.db", never secrets

    @property
    def target(self) -> dict[str, str]:
        """Secret-free identity of the target, recorded in plans:
        ``{"platform": "local"|"openmic", "base_url": ..., "api_prefix": ...}``."""
        ...

    def agent_exists(self, agent_uid: str) -> bool: ...

    def list_agents(self) -> list[dict[str, Any]]:
        """The account's agents, the apply lock agent left out (it is actionctl's own)."""
        ...

    def find_agents(self, name: str) -> list[dict[str, Any]]:
        """Every agent with exactly this name (the lock agent is found so)."""
        ...

    def create_agent(self, name: str, prompt: str) -> dict[str, Any]:
        """Create an agent linked to no phone number; may raise WriteOutcomeUnknown
        (look it up by name before trying again)."""
        ...

    def delete_agent(self, agent_uid: str) -> None:
        """Delete an agent and its tools; one already gone counts as deleted."""
        ...

    def list_tools(self, agent_uid: str) -> list[Tool]:
        """All tools of one agent (every page). Raises NotFoundError for an unknown agent."""
        ...

    def list_tools_many(self, agent_uids: list[str]) -> dict[str, list[Tool]]:
        """``list_tools`` for several agents, concurrently where the target allows."""
        ...

    def get_tool(self, agent_uid: str, tool_id: int) -> Tool: ...

    def create_tool(self, agent_uid: str, payload: Mapping[str, Any]) -> Tool:
        """Create; may raise WriteOutcomeUnknown (never retried blindly)."""
        ...

    def update_tool(self, agent_uid: str, tool_id: int, fields: Mapping[str, Any]) -> Tool:
        """PATCH: only ``fields`` change; nested objects are sent whole."""
        ...

    def delete_tool(self, agent_uid: str, tool_id: int) -> None: ...

    def list_phone_numbers(self) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...
