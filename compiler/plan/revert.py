"""The plan that undoes an applied plan: rollback without snapshots.

A saved plan holds each tool's ``before`` (live, as planned against) and ``after``
(what apply wrote). Reverting it is a new plan from the live tools back to ``before``:

- a create is undone by a delete;
- an update is undone by an update back (a replace by a replace back, with the fields
  the old tool carried that actionctl does not manage);
- a delete is undone by a create of the whole tool as it was;
- a rename (``renamed_from``) is undone by a rename back, to the old name.

An apply can stop part way (interrupted, or some writes failed), and the saved plan
does not say how far it got; the live tools do. Each change is found in one of three
states: applied (live equals ``after``; a deleted tool absent), never applied (live
still equals ``before``; a created tool absent), or neither. Only the applied ones are
undone; the never-applied ones are left as they are (their tool is already as it was).
Neither means the tool changed since the apply, and reverting would overwrite that, so
the revert is refused with one reason per such tool, as a stale plan is. A plan none of
whose changes is live is refused too: it was never applied, or was reverted already.
The revert plan carries fresh fingerprints of the live tools, so apply checks it again
under its locks.

    revert(saved, live) -> Revert   (reasons empty: safe to apply)
    revert_plan(saved, live) -> (Plan, reasons)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from compiler.plan.build import live_change
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


@dataclass
class Revert:
    """The plan that undoes what was applied, and what it leaves out and why."""

    plan: Plan
    reasons: list[str] = field(default_factory=list)  # tools changed since: refuse
    never_applied: list[Change] = field(default_factory=list)  # left as they are
    planned: int = 0  # changes of the saved plan

    @property
    def reverting(self) -> int:
        return self.planned - len(self.never_applied)


def revert(saved: Plan, live: LiveState) -> Revert:
    result = Revert(Plan(environment=saved.environment, target=dict(saved.target)))
    plan = result.plan
    pending = saved.pending()
    result.planned = len(pending)
    for change in pending:
        now = live.get(change.agent_uid, change.name)
        if _never_applied(change, now):
            result.never_applied.append(change)
            continue
        reverted, reason = _revert(change, now)
        if reason:
            result.reasons.append(f"{change.address}: {reason}")
        elif reverted is not None:
            plan.changes.append(reverted)
    if pending and not result.reasons and result.reverting == 0:
        result.reasons.append(
            f"none of the plan's {len(pending)} change{'' if len(pending) == 1 else 's'} is "
            "live as the plan left it: the plan was never applied, or was reverted already"
        )
    plan.prune = any(c.action == DELETE for c in plan.changes)
    _untouched(saved, live, plan)
    plan.changes.sort(key=lambda c: (c.address, c.agent_uid))
    return result


def revert_plan(saved: Plan, live: LiveState) -> tuple[Plan, list[str]]:
    result = revert(saved, live)
    return result.plan, result.reasons


def _never_applied(change: Change, now: LiveTool | None) -> bool:
    """The tool is still as the plan found it: its change was never made (an apply
    that stopped or failed before it). A tool deleted by the plan that is live again,
    exactly as it was, counts too: either way there is nothing to put back."""
    if change.action == CREATE:
        return now is None
    if now is None or change.before is None:
        return False
    compared, _ = split_ignored(now.canonical, change.before)
    return not changed_paths(compared, change.before)


def _untouched(saved: Plan, live: LiveState, plan: Plan) -> None:
    """What the revert leaves as it is, so that its summary counts what ``plan``'s does:
    a tool the saved plan manages is a no-op ("unchanged"), any other is unmanaged.

    On the agents the revert touches, that is every other live tool (apply needs them:
    deleting what the plan created does not empty an agent that has other tools). The
    other agents are not read: the revert cannot change them, so their tools are the
    saved plan's no-ops and unmanaged tools, as planned."""
    touched = {c.agent_uid: c.agent for c in saved.pending()}
    managed = {(c.agent_uid, c.name) for c in saved.changes}
    reverted = {(c.agent_uid, c.name) for c in plan.changes}
    # A rename back takes the live tool of the name it renames from.
    reverted |= {(c.agent_uid, c.renamed_from) for c in plan.changes if c.renamed_from}
    for uid, agent in touched.items():
        for name, tool in sorted(live.tools.get(uid, {}).items()):
            if (uid, name) in reverted:
                continue
            if (uid, name) in managed:
                plan.changes.append(live_change(agent, tool, NO_OP))
            else:
                plan.unmanaged.append(UnmanagedTool(agent, uid, name, tool.tool_id, tool.type))
    plan.changes += [c for c in saved.changes if c.agent_uid not in touched]
    plan.unmanaged += [t for t in saved.unmanaged if t.agent_uid not in touched]
    plan.unmanaged.sort(key=lambda t: (t.address, t.agent_uid))


def agents_of(saved: Plan) -> dict[str, str]:
    """Logical agent -> uid for every agent the saved plan touched (to read live)."""
    return {c.agent: c.agent_uid for c in saved.pending()}


def _revert(change: Change, now: LiveTool | None) -> tuple[Change | None, str | None]:
    if change.action == DELETE:
        if now is not None:
            return None, (
                f"a tool of this name exists again (id {now.tool_id}), not as the plan found it; "
                "not re-created"
            )
        return _recreate(change), None
    if now is None and change.action == REPLACE:
        # A replace deletes the old tool, then creates the new one: absent, it stopped
        # half way (the apply reported "old tool deleted, create failed").
        return _recreate(change), None
    if now is None:
        return None, "is not live any more (deleted since the apply)"
    compared, ignored = split_ignored(now.canonical, change.after or {})
    differs = changed_paths(compared, change.after or {})
    if differs:
        return None, (
            f"changed since the plan was applied ({', '.join(map(str, differs[:5]))}); "
            "reverting would overwrite that"
        )
    if change.action == CREATE:
        return _delete(change, now), None
    return _restore(change, now, compared, ignored), None


def _recreate(change: Change) -> Change:
    # A replaced tool is given back what the old one carried beyond what we manage.
    after = {**change.ignored_live_fields, **(change.before or {})}
    return Change(
        address=change.address,
        agent=change.agent,
        agent_uid=change.agent_uid,
        name=change.name,
        action=CREATE,
        after=after,
        changed_paths=top_level_paths(after),
        source=change.source,
    )


def _delete(change: Change, now: LiveTool) -> Change:
    return Change(
        address=change.address,
        agent=change.agent,
        agent_uid=change.agent_uid,
        name=change.name,
        action=DELETE,
        tool_id=now.tool_id,
        before=now.canonical,
        live_fingerprint=now.fingerprint,
        source=change.source,
    )


def _restore(
    change: Change, now: LiveTool, compared: dict[str, object], ignored: dict[str, object]
) -> Change:
    target = dict(change.before or {})
    action = REPLACE if now.type != target.get("type") else UPDATE
    if action == REPLACE:
        # A replace creates a new tool: give it back what the old one carried.
        target = {**change.ignored_live_fields, **target}
    # A rename is undone by renaming back: the change is then to the old name's tool.
    name = change.renamed_from or change.name
    return Change(
        address=f"{change.agent}/{name}",
        agent=change.agent,
        agent_uid=change.agent_uid,
        name=name,
        renamed_from=change.name if change.renamed_from else None,
        action=action,
        tool_id=now.tool_id,
        before=dict(compared),
        after=target,
        changed_paths=changed_paths(compared, target),
        live_fingerprint=now.fingerprint,
        source=change.source,
        ignored_live_fields=dict(ignored),
    )
