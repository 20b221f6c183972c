"""Reading live state: the tools of every managed agent, canonicalised.

All agents are listed in one ``Platform.list_tools_many`` call (concurrent where the
target allows). Problems a person must fix before anything can be planned become
diagnostics: an agent uid the platform does not know (L801), and two live tools with
one name on one agent (L802, naming both ids: matching by name would be a guess).

Apply lock tools (``actionctl-lock-*``, see ``compiler/platform/lock_tools.py``) are not part of
live state: plan never shows them (not unmanaged, never deleted by prune, never a
duplicate name). They live on actionctl's lock agent, which plan never reads (it is no
managed agent, and ``Platform.list_agents`` leaves it out, so import never sees it).
A lock tool on a managed agent itself is an older actionctl's (or made by hand): a plan
made while one is there warns (L804): an apply is running there, or one was killed and
the next apply removes its lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.canonical import canonical_tool, fingerprint
from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import L801, L802, L804
from compiler.platform.base import NotFoundError, Platform
from compiler.platform.lock_tools import abandoned, is_lock_tool, parse_holder, utc_now


@dataclass(frozen=True)
class LiveTool:
    agent_uid: str
    tool_id: int | None
    canonical: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.canonical.get("name", ""))

    @property
    def type(self) -> str:
        return str(self.canonical.get("type", ""))

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.canonical)

    @classmethod
    def from_platform(cls, agent_uid: str, tool: Mapping[str, Any]) -> LiveTool:
        tool_id = tool.get("id")
        return cls(agent_uid, tool_id if isinstance(tool_id, int) else None, canonical_tool(tool))


@dataclass
class LiveState:
    """Live tools by agent uid, then by name (unique once diagnostics are clean)."""

    tools: dict[str, dict[str, LiveTool]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def get(self, agent_uid: str, name: str) -> LiveTool | None:
        return self.tools.get(agent_uid, {}).get(name)


def read_live(
    platform: Platform,
    agents: Mapping[str, str],
    locations: Mapping[str, Location] | None = None,
) -> LiveState:
    """Read the live tools of ``agents`` (logical name -> uid).

    ``locations`` says where each logical agent is declared, so a diagnostic about it
    points somewhere useful (the project file's mapping, or an action using it).
    """
    locations = locations or {}
    uids = sorted(set(agents.values()))
    by_uid = {uid: [name for name, u in agents.items() if u == uid] for uid in uids}
    try:
        listed = platform.list_tools_many(uids)
    except NotFoundError:
        diagnostics = _unknown_agents(platform, by_uid, locations)
        if not diagnostics:  # every agent exists: a 404 of some other kind
            raise
        return LiveState(diagnostics=diagnostics)
    state = LiveState()
    for uid in uids:
        tools, problems = index_by_name(uid, listed.get(uid, []))
        state.tools[uid] = tools
        location = _location_of(by_uid[uid], locations)
        state.diagnostics += [Diagnostic.error(location, L802, text) for text in problems]
        notes = lock_notes(uid, listed.get(uid, []))
        state.diagnostics += [Diagnostic.warning(location, L804, text) for text in notes]
    return state


def lock_notes(agent_uid: str, tools: Iterable[Mapping[str, Any]]) -> list[str]:
    """One message per apply lock tool on the agent."""
    now = utc_now()
    notes = []
    for tool in tools:
        if not is_lock_tool(tool):
            continue
        holder = parse_holder(tool)
        if holder is None:
            notes.append(
                f"agent {agent_uid!r} has a tool named {tool.get('name')!r} (id "
                f"{tool.get('id')}) that actionctl did not create, named like an apply lock: "
                "it blocks applies until it is older than the lock expiry, and apply leaves "
                "it alone unless given --remove-foreign-locks"
            )
            continue
        who = holder.describe()
        if abandoned(tool, now):
            notes.append(
                f"agent {agent_uid!r} has an apply lock left by an apply that was killed "
                f"{who} (tool id {tool.get('id')}); the next apply removes it"
            )
        else:
            notes.append(
                f"an apply is running on agent {agent_uid!r} {who}; this plan may be "
                "stale by the time it is applied"
            )
    return notes


def index_by_name(
    agent_uid: str, tools: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, LiveTool], list[str]]:
    """Canonical live tools keyed by name, and one message per duplicated name."""
    groups: dict[str, list[LiveTool]] = {}
    for raw in tools:
        if is_lock_tool(raw):
            continue
        live = LiveTool.from_platform(agent_uid, raw)
        groups.setdefault(live.name, []).append(live)
    problems = [
        f"agent {agent_uid!r} has {len(group)} live tools named {name!r} "
        f"(ids {', '.join(str(t.tool_id) for t in group)}); delete or rename all but one "
        "on the platform, then plan again"
        for name, group in sorted(groups.items())
        if len(group) > 1
    ]
    return {name: group[0] for name, group in groups.items()}, problems


def _unknown_agents(
    platform: Platform, by_uid: Mapping[str, list[str]], locations: Mapping[str, Location]
) -> list[Diagnostic]:
    """Find which uids are unknown (the batched listing only says that one was)."""
    diagnostics = []
    for uid, names in by_uid.items():
        if platform.agent_exists(uid):
            continue
        logical = ", ".join(repr(n) for n in names)
        diagnostics.append(
            Diagnostic.error(
                _location_of(names, locations),
                L801,
                f"agent uid {uid!r} (agent {logical}) does not exist on "
                f"{platform.description}; fix the environment's agents mapping",
            )
        )
    return diagnostics


def _location_of(names: list[str], locations: Mapping[str, Location]) -> Location:
    for name in names:
        if name in locations:
            return locations[name]
    return Location("actionctl.yaml")
