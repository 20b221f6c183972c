"""The names documents declare and refer to across files, as one set of keys.

A check across files connects documents by name only: an action's ``messaging_channel``
names a channel; names of one agent (and of agents that are one platform agent) must be
unique; an action's ``renamed_from`` must name no tool the agent still declares, nor one
another action also renames. So a document is keyed by ``channel:NAME`` (a channel file),
``action:NAME``, ``agent:AGENT`` and ``renamed:OLD`` for each ``renamed_from`` name (an
action file), and an action refers to ``channel:NAME``. Action names (and ``renamed_from``
names) are keyed by their look-alike key (compiler.lookalike): names that only look alike
are one name to the rules, so one to what a change involves. Both what
``validate FILE`` reports (compiler.validate.involved) and which files its cache must
read in full (compiler.load.cache) are decided on these keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from compiler.lookalike import look_alike_key


def channel_key(name: str) -> str:
    return f"channel:{name}"


def action_key(name: str) -> str:
    return f"action:{look_alike_key(name)}"


def renamed_key(name: str) -> str:
    """An earlier name an action's ``renamed_from`` gives."""
    return f"renamed:{look_alike_key(name)}"


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
        for old_name, _ in renamed_from_paths(data.get("renamed_from")):
            yield renamed_key(old_name)


def renamed_from_paths(value: Any) -> list[tuple[str, tuple[str | int, ...]]]:
    """Each name a ``renamed_from`` value gives, with the data path where it stands (the
    field itself for one string, its item for a list): where the rules report it."""
    if isinstance(value, str):
        return [(value, ("renamed_from",))] if value else []
    if not isinstance(value, list):
        return []
    return [
        (item, ("renamed_from", index))
        for index, item in enumerate(value)
        if isinstance(item, str) and item
    ]
