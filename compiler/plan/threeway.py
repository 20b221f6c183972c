"""Three-way classification of a plan: the configuration at a git base (what was last
merged, so last applied), the working tree, and the live platform. No state file: git
holds the base.

For every field the plan would change (the working tree ``W`` and live ``L`` differ),
against the base ``B``:

- **change**: ``W != B`` and ``L == B``: this branch's own edit;
- **drift**: ``W == B`` and ``L != B``: edited outside git; applying reverts it;
- **conflict**: ``W != B``, ``L != B`` and ``W != L``: applying overwrites someone's edit.

Fields where ``W == L`` are in no plan, so "both made the same edit" is never a conflict.
Whole tools follow the same terms: a create is a change (new here), a drift (deleted
outside git since the base) or a conflict (edited here, deleted live); a prune delete
is a change (deleted here), a drift (created outside git) or a conflict (deleted here,
edited live). A tool's class is its worst field's: conflict, then drift, then change.

Without a base to compare with (``no_base``: the environment is new in this branch,
REF targets another platform, or the project directory is not in REF), there is nothing
to tell drift or a conflict by: every tool is this branch's change, with the reason as
its note (the caller emits the warning that says so).

    classify(plan, base) -> list[ToolClass]   (conflicts first, then drift, then changes)
    classify(plan, {}, no_base="...")         (every tool a change)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import L831, L832
from compiler.plan.diff import field_changes, split_ignored, value_at
from compiler.plan.model import (
    CHANGE,
    CONFLICT,
    CREATE,
    DELETE,
    DRIFT,
    FIELD_NOTES,
    KINDS,
    MISSING,
    NO_OP,
    Change,
    FieldClass,
    FieldPath,
    Plan,
    ThreeWay,
    ToolClass,
)

# The value types live in ``compiler.plan.model``; renderers import them from here too.
__all__ = [
    "CHANGE",
    "CONFLICT",
    "DRIFT",
    "FIELD_NOTES",
    "KINDS",
    "BaseTools",
    "FieldClass",
    "ThreeWay",
    "ToolClass",
    "ToolKey",
    "classify",
    "location_of",
    "three_way_warnings",
]

ToolKey = tuple[str, str]  # (agent uid, tool name)
BaseTools = Mapping[ToolKey, Mapping[str, Any]]  # the configuration at the base, compiled


def classify(plan: Plan, base: BaseTools, *, no_base: str | None = None) -> list[ToolClass]:
    """Every change of ``plan`` classified against ``base`` ((agent uid, name) ->
    canonical payload at the base). No-ops and unmanaged tools have no class.
    ``no_base``: why there is no base (``base`` is then unused): every tool a change."""
    if no_base is not None:
        found = [_unbased(change, no_base) for change in plan.changes]
    else:
        # A no-op has no class whatever the base says: its tool at the base is never
        # looked up (``base`` may compile a tool when it is).
        found = [
            _classify(change, _at_base(change, base))
            for change in plan.changes
            if change.action != NO_OP
        ]
    rank = {kind: i for i, kind in enumerate(KINDS)}
    tools = [tool for tool in found if tool is not None]
    return sorted(tools, key=lambda t: (rank[t.kind], t.address, t.agent_uid))


def _at_base(change: Change, base: BaseTools) -> Mapping[str, Any] | None:
    """The tool at the base: by its name, or for a rename made in this branch by its old
    name (so the new name is a field edited here, not a tool created twice)."""
    found = base.get((change.agent_uid, change.name))
    if found is None and change.renamed_from is not None:
        return base.get((change.agent_uid, change.renamed_from))
    return found


def _classify(change: Change, base: Mapping[str, Any] | None) -> ToolClass | None:
    if change.action == NO_OP:
        return None  # live already equals the working tree, whatever the base says
    if change.action == CREATE:
        return _created(change, base)
    if change.action == DELETE:
        return _deleted(change, base)
    return _updated(change, base)


def _unbased(change: Change, reason: str) -> ToolClass | None:
    """A change with no base to compare with: this branch's, as a plan without --base
    would show it (each changed field a change, its base unknown)."""
    if change.action == NO_OP:
        return None
    before, after = change.before or {}, change.after or {}
    fields = [
        FieldClass(path, CHANGE, MISSING, value_at(after, path), value_at(before, path))
        for path in change.changed_paths
    ]
    return _tool(change, CHANGE, reason, fields if change.action not in (CREATE, DELETE) else [])


def _tool(change: Change, kind: str, note: str, fields: list[FieldClass]) -> ToolClass:
    return ToolClass(
        change.address, change.agent_uid, change.name, change.action, kind, note, tuple(fields)
    )


def _created(change: Change, base: Mapping[str, Any] | None) -> ToolClass:
    """Declared here, not live."""
    if base is None:
        return _tool(change, CHANGE, "new in this branch", [])
    edits = _differences(base, change.after or {})
    if not edits:
        return _tool(
            change, DRIFT, "deleted outside git since the base: applying re-creates it", []
        )
    fields = [FieldClass(p, CONFLICT, b, w, MISSING) for p, b, w in edits]
    return _tool(change, CONFLICT, "edited in this branch, deleted outside git", fields)


def _deleted(change: Change, base: Mapping[str, Any] | None) -> ToolClass:
    """Live, declared by no file (a prune)."""
    if base is None:
        return _tool(change, DRIFT, "created outside git: the prune deletes it", [])
    live, _ = split_ignored(change.before or {}, base)
    edits = _differences(base, live)
    if not edits:
        return _tool(change, CHANGE, "deleted in this branch", [])
    fields = [FieldClass(p, CONFLICT, b, MISSING, v) for p, b, v in edits]
    return _tool(change, CONFLICT, "deleted in this branch, edited outside git", fields)


def _updated(change: Change, base: Mapping[str, Any] | None) -> ToolClass:
    before, after = change.before or {}, change.after or {}
    fields = []
    for path in change.changed_paths:
        branch, live = value_at(after, path), value_at(before, path)
        if base is None:  # created both here and outside git, differently
            fields.append(FieldClass(path, CONFLICT, MISSING, branch, live))
            continue
        at_base = value_at(base, path)
        fields.append(
            FieldClass(path, _field_kind(path, at_base, branch, live), at_base, branch, live)
        )
    kind = _worst(fields)
    if base is None:
        note = "created in this branch and outside git, differently"
    else:
        note = {
            CHANGE: "edited in this branch",
            DRIFT: "edited outside git since the base: applying reverts it",
            CONFLICT: "edited in this branch and outside git",
        }[kind]
        if kind != CONFLICT and len({f.kind for f in fields}) > 1:
            note = "edited in this branch and, in other fields, outside git"
    return _tool(change, kind, note, fields)


def _field_kind(path: FieldPath, base: Any, branch: Any, live: Any) -> str:
    if _same(path, branch, base):
        return DRIFT
    if _same(path, live, base):
        return CHANGE
    return CONFLICT


def _worst(fields: list[FieldClass]) -> str:
    kinds = {f.kind for f in fields}
    for kind in KINDS:
        if kind in kinds:
            return kind
    return CHANGE  # no field listed (a replace of identical fields): the branch's doing


def _differences(
    base: Mapping[str, Any], other: Mapping[str, Any]
) -> list[tuple[FieldPath, Any, Any]]:
    return [(fc.path, fc.before, fc.after) for fc in field_changes(base, other)]


def _same(path: FieldPath, a: Any, b: Any) -> bool:
    """Equal the way the plan's diff sees it (schema ``required`` lists ignore order):
    both values are put back at their path and diffed."""
    if a is MISSING or b is MISSING:
        return a is b
    return not field_changes(_nest(path, a), _nest(path, b))


def _nest(path: FieldPath, value: Any) -> dict[str, Any]:
    out: Any = value
    for key in reversed(path):
        out = {key: out}
    return dict(out)


def three_way_warnings(plan: Plan) -> list[Diagnostic]:
    """L831 for each conflict, L832 for each drift: CI annotations at the action's file
    (or the project file for a tool no file declares)."""
    if plan.three_way is None:
        return []
    sources = {(c.agent_uid, c.name): c.source for c in plan.changes}
    out = []
    for tool in plan.three_way.tools:
        if tool.kind == CHANGE:
            continue
        code = L831 if tool.kind == CONFLICT else L832
        paths = ", ".join(str(f.path) for f in tool.fields if f.kind == tool.kind)
        what = f"{tool.address}: {tool.note}" + (f" ({paths})" if paths else "")
        where = location_of(sources.get((tool.agent_uid, tool.name)))
        out.append(
            Diagnostic.warning(where, code, f"{tool.kind} against {plan.three_way.ref}: {what}")
        )
    return out


def location_of(source: str | None) -> Location:
    """``actions/x.yaml:3:1`` as a plan records it -> a Location."""
    if not source:
        return Location("actionctl.yaml")
    parts = source.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return Location(parts[0], int(parts[1]), int(parts[2]))
    return Location(source)
