"""The emulator's seed file: agents (with their tools) and phone numbers to create at start.

The whole file is read with the project's safe YAML reader (positions, no tags, bounded
aliases) and its shape checked before anything is written, so a bad seed leaves the
database as it was — an agent created without its tools would otherwise never get them,
since a restart leaves existing agents alone. Each problem names its place in the file:
``seed.yaml:4:9: agents[0].tools must be a list of mappings, got 3``.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeGuard

from compiler.load.yaml_source import read_yaml_file
from compiler.model import SourceDocument
from compiler.platform.store import Store, StoreError, normalize_timestamp, prepare_tool

TOP_KEYS = ("agents", "phone_numbers")
_NUMBER_UID_FIELDS = ("inbound_agent_uid", "outbound_agent_uid")

Problem = tuple[tuple[str | int, ...], str]  # (path in the file, what is wrong there)


class SeedError(ValueError):
    """The seed file cannot be used; ``str(error)`` names the file, line and key path."""


def load_seed(store: Store, path: Path) -> None:
    """Seed agents (with optional tools) and phone numbers from the YAML file ``path``.

    Agents are matched by ``uid``: an existing one is left alone, and tools are only
    seeded into agents this call created, so restarting on the same database does not
    duplicate them. Numbers are upserted by ``phone_number``. Raises SeedError.
    """
    data = read_seed(path)
    for agent in data["agents"]:
        _seed_agent(store, agent, path)
    for number in data["phone_numbers"]:
        store.add_phone_number(
            number["phone_number"],
            number.get("name") or "",
            inbound_agent_uid=number.get("inbound_agent_uid"),
            outbound_agent_uid=number.get("outbound_agent_uid"),
        )


def read_seed(path: Path) -> dict[str, list[dict[str, Any]]]:
    """The seed file's ``agents`` and ``phone_numbers`` (empty lists when absent), after
    checking its whole shape; raises SeedError listing every problem found."""
    result = read_yaml_file(Path(path), str(path))
    errors = [d for d in result.diagnostics if d.is_error]
    if errors:
        raise SeedError("\n".join(f"{d.location}: {d.code} {d.message}" for d in errors))
    if not result.documents:
        return {"agents": [], "phone_numbers": []}  # an empty file seeds nothing
    document = result.documents[0].document
    if len(result.documents) > 1:
        extra = result.documents[1].document
        raise SeedError(f"{extra.locate()}: the seed file must be one YAML document (no ---)")
    problems = check_seed(document.data)
    if problems:
        raise SeedError("\n".join(_where(document, at) + message for at, message in problems))
    data = document.data or {}
    return {key: data.get(key) or [] for key in TOP_KEYS}


def check_seed(data: Any) -> list[Problem]:
    """Every way ``data`` (the parsed file) differs from the seed file's shape."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return [((), f"the seed file must be a mapping with agents and/or phone_numbers, "
                 f"got {_shown(data)}")]  # fmt: skip
    problems: list[Problem] = [
        ((key,), f"is not a seed file key (expected {' or '.join(TOP_KEYS)})")
        for key in data
        if key not in TOP_KEYS
    ]
    agents = _list_of_mappings(data.get("agents"), ("agents",), problems)
    seen: dict[str, int] = {}
    for index, agent in agents:
        problems.extend(_check_agent(agent, ("agents", index), seen, index))
    for index, number in _list_of_mappings(data.get("phone_numbers"), ("phone_numbers",), problems):
        problems.extend(_check_number(number, ("phone_numbers", index)))
    return problems


def _list_of_mappings(
    value: Any, at: tuple[str | int, ...], problems: list[Problem]
) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of the list ``value`` with their indexes; a problem for anything else."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append((at, f"must be a list of mappings, got {_shown(value)}"))
        return []
    found = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            found.append((index, item))
        else:
            problems.append(((*at, index), f"must be a mapping, got {_shown(item)}"))
    return found


def _check_agent(
    agent: dict[str, Any], at: tuple[str | int, ...], seen: dict[str, int], index: int
) -> list[Problem]:
    problems: list[Problem] = []
    uid = agent.get("uid")
    if not _text(uid):
        problems.append(((*at, "uid"), _needs_text("uid", uid)))
    elif uid in seen:
        problems.append(((*at, "uid"), f"{uid!r} is already the uid of agents[{seen[uid]}]"))
    else:
        seen[uid] = index
    if "name" in agent and not _text(agent["name"]):
        problems.append(((*at, "name"), _needs_text("name", agent["name"])))
    if "prompt" in agent and not isinstance(agent["prompt"], str):
        problems.append(((*at, "prompt"), f"must be a string, got {_shown(agent['prompt'])}"))
    if "created_at" in agent:
        problems.extend(_check_stamp(agent["created_at"], (*at, "created_at")))
    for tool_index, tool in _list_of_mappings(agent.get("tools"), (*at, "tools"), problems):
        try:
            prepare_tool(tool)
        except StoreError as error:
            problems.append(((*at, "tools", tool_index), f"is not a valid tool: {error}"))
    return problems


def _check_stamp(value: Any, at: tuple[str | int, ...]) -> list[Problem]:
    """An agent's ``created_at``: when an account with a history made it."""
    with suppress(StoreError):
        if isinstance(value, str):
            normalize_timestamp(value)
            return []
    return [(at, f'must be an ISO 8601 date-time (quoted: "2026-01-05T09:00:00Z"), '
             f"got {_shown(value)}")]  # fmt: skip


def _check_number(number: dict[str, Any], at: tuple[str | int, ...]) -> list[Problem]:
    problems: list[Problem] = []
    value = number.get("phone_number")
    if not _text(value):
        hint = ' (quote it: "+15550000001")' if isinstance(value, int) else ""
        problems.append(((*at, "phone_number"), _needs_text("phone_number", value) + hint))
    if "name" in number and not isinstance(number["name"], str | None):
        problems.append(((*at, "name"), f"must be a string, got {_shown(number['name'])}"))
    for key in _NUMBER_UID_FIELDS:
        if number.get(key) is not None and not _text(number[key]):
            problems.append(
                ((*at, key), f"must be an agent uid (a string), got {_shown(number[key])}")
            )
    return problems


def _seed_agent(store: Store, agent: Mapping[str, Any], path: Path) -> None:
    uid = agent["uid"]
    if store.agent_exists(uid):
        return
    fields = {k: v for k, v in agent.items() if k not in ("uid", "tools", "created_at")}
    fields.setdefault("name", uid)
    fields.setdefault("prompt", "")
    try:
        store.create_agent(fields, uid=uid, created_at=agent.get("created_at"))
        for tool in agent.get("tools") or []:
            store.create_tool(uid, tool)
    except StoreError as error:  # checked beforehand; only a concurrent writer gets here
        raise SeedError(f"{path}: agent {uid!r}: {error}") from None


def _text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _needs_text(key: str, value: Any) -> str:
    if value is None:
        return "is required (a non-empty string)"
    return f"must be a non-empty string, got {_shown(value)}"


def _where(document: SourceDocument, at: tuple[str | int, ...]) -> str:
    """``file:line:column: agents[0].tools `` — the place, then the path as written."""
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in at).lstrip(".")
    return f"{document.locate(*at)}: " + (f"{dotted} " if dotted else "")


def _shown(value: Any) -> str:
    """A short rendering of a wrong value for a message."""
    kinds: dict[type, str] = {dict: "a mapping ", list: "a list "}
    kind = kinds.get(type(value), "")
    text = repr(value)
    return kind + (text if len(text) <= 40 else text[:37] + "...")
