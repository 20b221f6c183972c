"""The names documents declare and refer to across files, as one set of keys.

A check across files connects documents by name only: an action's ``messaging_channel``
names a channel; names of one agent (and of agents that are one platform agent) must be
unique. So a document is keyed by ``channel:NAME`` (a channel file), ``action:NAME`` and
``agent:AGENT`` (an action file), and an action refers to ``channel:NAME``. Both what
``validate FILE`` reports (compiler.validate.involved) and which files its cache must
read in full (compiler.load.cache) are decided on these keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def channel_key(name: str) -> str:
    return f"channel:{name}"


def action_key(name: str) -> str:
    return f"action:{name}"


def agent_key(agent: str) -> str:
    return f"agent:{agent}"


def names_of(kind: str, keys: Iterable[str]) -> set[str]:
    """The names of one kind (``action``, ``agent``, ``channel``) among ``keys``."""
    prefix = f"{kind}:"
    return {key.removeprefix(prefix) for key in keys if key.startswith(prefix)}


def declared_names(path: str, data: Any) -> Iterator[str]:
    """``channel:NAME`` for a channel document; ``action:NAME`` and ``agent:AGENT`` for an
    action document. Whatever the shape of ``data``: an old text may be anything."""
    if not isinstance(data, dict):
        return
    name = data.get("name")
    if path.startswith("channels/") and isinstance(name, str):
        yield channel_key(name)
    if path.startswith("actions/"):
        if isinstance(name, str):
            yield action_key(name)
        agent = data.get("agent")
        if isinstance(agent, str):
            yield agent_key(agent)
