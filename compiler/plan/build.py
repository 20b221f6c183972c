"""Desired (compiled) + live -> Plan.

Tools are matched by (agent uid, name). Classification:
create (nothing live), replace (the ``type`` changed, or a field was dropped that no PATCH
can remove, ``compiler.plan.removal``: delete, then create),
update (some field differs), no-op (canonical forms equal, live fields actionctl does
not manage aside: ``compiler.plan.diff.split_ignored``), delete (a live tool on a
managed agent that no file declares, only with prune). Without prune such tools are
listed as unmanaged and never touched.
"""

from __future__ import annotations

from collections.abc import Mapping

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import L803
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
    declared: set[tuple[str, str]] = set()
    for tool in desired.values():
        declared.add((tool.agent_uid, tool.name))
        plan.changes.append(_classify(tool, live.get(tool.agent_uid, tool.name)))
    logical = _logical_names(agents)
    for uid in sorted(live.tools):
        for name, live_tool in sorted(live.tools[uid].items()):
            if (uid, name) in declared:
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
    if live.type != after.get("type") or unremovable(change.before, after):
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
