"""Creating a tool exactly once on a platform without idempotency keys.

The one create routine of actionctl: apply's tools and the apply locks both use it.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compiler.platform.base import Platform, PlatformError, WriteOutcomeUnknown

MAX_CREATE_ATTEMPTS = 5
CREATE_BACKOFF_BASE = 0.2  # seconds before the first look-up; doubles, capped, jittered
CREATE_BACKOFF_MAX = 5.0

Tool = Mapping[str, Any]


class CreateAttemptsExhausted(PlatformError):
    """Every create attempt's outcome was unknown and the tool does not exist."""


@dataclass(frozen=True)
class Created:
    """What a create left on the agent: the tool made (the POST's own answer), or the
    tools of that name found by listing after a lost response (normally one)."""

    tools: Sequence[Tool]
    found: bool  # True: adopted by name, not the create's own answer
    why: str = ""  # when found: "response was lost", or "response was not the tool"


def create_exactly_once(
    platform: Platform,
    agent_uid: str,
    payload: Mapping[str, Any],
    *,
    attempts: int = MAX_CREATE_ATTEMPTS,
    backoff_base: float | None = None,
) -> Created:
    """Create a tool exactly once, even when responses are lost or the server fails.

    A create answered by a 5xx or a dropped connection (``WriteOutcomeUnknown``) may
    have committed. After one, wait (exponential backoff with jitter: a struggling
    server gets room, and a create still being handled has time to land), then list the
    agent: tools of that name are adopted, none means it did not happen and creating
    again is safe. Raises ``CreateAttemptsExhausted`` naming the last reason when every
    attempt failed and the tool does not exist. ``backoff_base`` defaults to
    ``CREATE_BACKOFF_BASE`` (read at call time, so tests can shorten it).
    """
    base = CREATE_BACKOFF_BASE if backoff_base is None else backoff_base
    name = payload.get("name")
    reason = ""
    for attempt in range(1, attempts + 1):
        try:
            answer = platform.create_tool(agent_uid, payload)
        except WriteOutcomeUnknown as error:
            reason = write_failure_reason(error)
        else:
            if isinstance(answer.get("id"), int):
                return Created([answer], found=False)
            # Created, but the answer does not say which id: look it up by name.
            found = [t for t in platform.list_tools(agent_uid) if t.get("name") == name]
            if found:
                return Created(found, found=True, why="response was not the tool")
            reason = "the response was not the tool and no tool of that name exists"
        time.sleep(_backoff(attempt, base))
        found = [t for t in platform.list_tools(agent_uid) if t.get("name") == name]
        if found:
            return Created(found, found=True, why="response was lost")
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
    ceiling = min(CREATE_BACKOFF_MAX, base * 2.0 ** (attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)
