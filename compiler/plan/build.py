"""Desired (compiled) + live -> Plan.

Tools are matched by (agent uid, name). Classification:
create (nothing live), replace (the ``type`` changed, or a field was dropped that no PATCH
can remove, ``compiler.plan.removal``: delete, then create),
update (some field differs), no-op (canonical forms equal, live fields actionctl does
not manage aside: ``compiler.plan.diff.split_ignored``), delete (a live tool on a
managed agent that no file declares, only with prune). Without prune such tools are
listed as unmanaged and never touched.

A rename: a declared tool with no live tool of its name, whose action gives
``renamed_from`` names, takes over the live tool of the first such name on its agent
that no file declares. It is an update of that tool (``name`` among the changed fields,
so apply sends one PATCH and the id stays), and the old name is neither deleted nor
unmanaged. A rename nobody declared (a create beside a delete or unmanaged tool that is
the same tool but for its name) is only pointed out: ``undeclared_rename_warnings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import L803, L805
from compiler.model import CompiledTool
from compiler.plan.diff import changed_paths, split_ignored, top_level_paths
from compiler.plan.live import LiveState, LiveTool
from compiler.plan.model import (
    CREATE,
    DELETE,
    NO_OP,
    REPLACE,
    UPDATE,
    Change,
    Plan,
    UnmanagedTool,
)
from compiler.plan.removal import unremovable
from compiler.wording import quoted


def build_plan(
    desired: Mapping[str, CompiledTool],
    live: LiveState,
    *,
    environment: str,
    target: Mapping[str, str],
    agents: Mapping[str, str],
    prune: bool,
) -> Plan:
    """``agents`` maps every managed logical agent to its uid (also agents with no tools)."""
    plan = Plan(environment=environment, target=dict(target), prune=prune)
    declared = {(tool.agent_uid, tool.name) for tool in desired.values()}
    taken = set(declared)  # live (uid, name)s some change already stands for
    for tool in desired.values():
        live_tool = live.get(tool.agent_uid, tool.name)
        old_name = None if live_tool is not None else _renamed(tool, live, taken)
        if old_name is not None:
            live_tool = live.get(tool.agent_uid, old_name)
            taken.add((tool.agent_uid, old_name))
        change = _classify(tool, live_tool)
        change.renamed_from = old_name
        plan.changes.append(change)
    logical = _logical_names(agents)
    for uid in sorted(live.tools):
        for name, live_tool in sorted(live.tools[uid].items()):
            if (uid, name) in taken:
                continue
            agent = logical.get(uid, uid)
            if prune:
                plan.changes.append(live_change(agent, live_tool, DELETE))
            else:
                plan.unmanaged.append(
                    UnmanagedTool(agent, uid, name, live_tool.tool_id, live_tool.type)
                )
    plan.changes.sort(key=lambda c: (c.address, c.agent_uid))
    return plan


def _renamed(tool: CompiledTool, live: LiveState, taken: set[tuple[str, str]]) -> str | None:
    """The first of the tool's earlier names that is live on its agent and that no file
    (nor another rename) stands for; None when the tool is not a rename."""
    for old_name in tool.renamed_from:
        key = (tool.agent_uid, old_name)
        if key not in taken and live.get(*key) is not None:
            return old_name
    return None


def _logical_names(agents: Mapping[str, str]) -> dict[str, str]:
    """uid -> logical name (the first in sorted order when several names share a uid)."""
    out: dict[str, str] = {}
    for name in sorted(agents):
        out.setdefault(agents[name], name)
    return out


def _classify(tool: CompiledTool, live: LiveTool | None) -> Change:
    after = dict(tool.payload)
    change = Change(
        address=tool.address,
        agent=tool.agent,
        agent_uid=tool.agent_uid,
        name=tool.name,
        action=CREATE,
        after=after,
        source=str(tool.source) if tool.source else None,
    )
    if live is None:
        change.changed_paths = top_level_paths(after)
        return change
    change.tool_id = live.tool_id
    # Live fields actionctl does not manage are set aside (not a change, not shown, so
    # never PATCHed to null); the fingerprint still covers the whole live tool.
    change.before, change.ignored_live_fields = split_ignored(live.canonical, after)
    change.live_fingerprint = live.fingerprint
    change.changed_paths = changed_paths(change.before, after)
    # A type change is a PATCH too (the vendor's schema makes ``type`` patchable): only a
    # field that no PATCH can remove makes the tool be replaced.
    if unremovable(change.before, after):
        change.action = REPLACE
    elif change.changed_paths:
        change.action = UPDATE
    else:
        change.action = NO_OP
    return change


def live_change(agent: str, live: LiveTool, action: str) -> Change:
    """A change that leaves a live tool as it is (``NO_OP``) or deletes it (``DELETE``)."""
    return Change(
        address=f"{agent}/{live.name}",
        agent=agent,
        agent_uid=live.agent_uid,
        name=live.name,
        action=action,
        tool_id=live.tool_id,
        before=live.canonical,
        after=None if action == DELETE else live.canonical,
        changed_paths=[],
        live_fingerprint=live.fingerprint,
    )


def emptied_agents(plan: Plan) -> list[str]:
    """Agent uids whose every live tool the plan deletes and on which nothing remains."""
    deleting: dict[str, int] = {}
    keeping: set[str] = set()
    for change in plan.changes:
        if change.action == DELETE:
            deleting[change.agent_uid] = deleting.get(change.agent_uid, 0) + 1
        else:
            keeping.add(change.agent_uid)
    for tool in plan.unmanaged:
        keeping.add(tool.agent_uid)
    if plan.scope is not None:  # a partial plan: tools outside it stay live
        keeping.update(plan.scope.kept_agents)
    return sorted(uid for uid in deleting if uid not in keeping)


def empty_agent_warnings(plan: Plan, location: Location) -> list[Diagnostic]:
    """L803: a pruning plan that would leave an agent with no tools at all."""
    return [
        Diagnostic.warning(
            location,
            L803,
            f"this plan deletes every tool of agent {uid!r}; apply refuses it unless "
            "given --allow-empty",
        )
        for uid in emptied_agents(plan)
    ]


def undeclared_rename_warnings(
    plan: Plan, live: LiveState, desired: Mapping[str, CompiledTool]
) -> list[Diagnostic]:
    """L805: a create beside a live tool the plan deletes or leaves unmanaged, on the same
    agent and the same but for its name: most likely a rename, which would keep the id
    if the action said so."""
    left = [(c.agent_uid, c.name) for c in plan.changes if c.action == DELETE]
    left += [(tool.agent_uid, tool.name) for tool in plan.unmanaged]
    out: list[Diagnostic] = []
    for change in plan.changes:
        tool = desired.get(change.address)
        if change.action != CREATE or change.after is None or tool is None:
            continue
        for uid, old_name in left:
            live_tool = live.get(uid, old_name)
            if uid != change.agent_uid or live_tool is None:
                continue
            if _same_but_name(live_tool, change.after):
                out.append(_undeclared_rename(tool, live_tool))
    return out


def _same_but_name(live_tool: LiveTool, after: Mapping[str, Any]) -> bool:
    before, _ignored = split_ignored(live_tool.canonical, after)
    return {**before, "name": None} == {**after, "name": None}


def _undeclared_rename(tool: CompiledTool, live_tool: LiveTool) -> Diagnostic:
    location = tool.source or Location(tool.address)
    return Diagnostic.warning(
        location,
        L805,
        f"{tool.address} is created while live tool {quoted(live_tool.name)} (id "
        f"{live_tool.tool_id}) on the same agent, the same tool but for its name, is deleted "
        f"or left unmanaged: add `renamed_from: {live_tool.name}` to keep the tool id",
    )
