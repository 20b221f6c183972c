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

    classify(plan, base) -> list[ToolClass]   (conflicts first, then drift, then changes)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import L831, L832
from compiler.plan.diff import MISSING, field_changes, split_ignored
from compiler.plan.model import CREATE, DELETE, NO_OP, Change, Plan

CONFLICT = "conflict"
DRIFT = "drift"
CHANGE = "change"
KINDS: tuple[str, ...] = (CONFLICT, DRIFT, CHANGE)  # worst first: the display order

ToolKey = tuple[str, str]  # (agent uid, tool name)
BaseTools = Mapping[ToolKey, Mapping[str, Any]]  # the configuration at the base, compiled

FIELD_NOTES = {
    CHANGE: "edited in this branch",
    DRIFT: "edited outside git since the base: applying reverts it",
    CONFLICT: "edited in this branch and outside git: applying overwrites the live edit",
}


@dataclass(frozen=True)
class FieldClass:
    path: str
    kind: str  # one of KINDS
    base: Any = MISSING
    branch: Any = MISSING  # the working tree's value
    live: Any = MISSING

    @property
    def note(self) -> str:
        return FIELD_NOTES[self.kind]

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.path, "class": self.kind}
        for side in ("base", "branch", "live"):
            value = getattr(self, side)
            if value is not MISSING:
                data[side] = value
        return data


@dataclass(frozen=True)
class ToolClass:
    address: str
    agent_uid: str
    name: str
    action: str  # the plan's action for this tool
    kind: str  # one of KINDS
    note: str  # what happened, for people
    fields: tuple[FieldClass, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "agent_uid": self.agent_uid,
            "name": self.name,
            "action": self.action,
            "class": self.kind,
            "note": self.note,
            "fields": [f.to_json() for f in self.fields],
        }


@dataclass
class ThreeWay:
    """The classification of one plan against a git base."""

    ref: str  # as given: ``origin/main``
    commit: str  # what it resolved to
    tools: list[ToolClass] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ToolClass]:
        return [tool for tool in self.tools if tool.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        """Classified differences by class: each field, or the whole tool when a create
        or delete has no field of its own (a tool edited in two ways counts twice)."""
        counts = dict.fromkeys(KINDS, 0)
        for tool in self.tools:
            for kind in [f.kind for f in tool.fields] or [tool.kind]:
                counts[kind] += 1
        return counts

    @property
    def has_conflicts(self) -> bool:
        return any(tool.kind == CONFLICT for tool in self.tools)

    @property
    def has_drift(self) -> bool:
        return any(tool.kind == DRIFT for tool in self.tools)

    def to_json(self) -> dict[str, Any]:
        return {
            "base": {"ref": self.ref, "commit": self.commit},
            "summary": self.counts,
            "tools": [tool.to_json() for tool in self.tools],
        }


def classify(plan: Plan, base: BaseTools) -> list[ToolClass]:
    """Every change of ``plan`` classified against ``base`` ((agent uid, name) ->
    canonical payload at the base). No-ops and unmanaged tools have no class."""
    found = [
        _classify(change, base.get((change.agent_uid, change.name))) for change in plan.changes
    ]
    rank = {kind: i for i, kind in enumerate(KINDS)}
    tools = [tool for tool in found if tool is not None]
    return sorted(tools, key=lambda t: (rank[t.kind], t.address, t.agent_uid))


def _classify(change: Change, base: Mapping[str, Any] | None) -> ToolClass | None:
    if change.action == NO_OP:
        return None  # live already equals the working tree, whatever the base says
    if change.action == CREATE:
        return _created(change, base)
    if change.action == DELETE:
        return _deleted(change, base)
    return _updated(change, base)


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
        branch, live = _value_at(after, path), _value_at(before, path)
        if base is None:  # created both here and outside git, differently
            fields.append(FieldClass(path, CONFLICT, MISSING, branch, live))
            continue
        at_base = _value_at(base, path)
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


def _field_kind(path: str, base: Any, branch: Any, live: Any) -> str:
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


def _differences(base: Mapping[str, Any], other: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(fc.path, fc.before, fc.after) for fc in field_changes(base, other)]


def _same(path: str, a: Any, b: Any) -> bool:
    """Equal the way the plan's diff sees it (schema ``required`` lists ignore order):
    both values are put back at their path and diffed."""
    if a is MISSING or b is MISSING:
        return a is b
    return not field_changes(_nest(path, a), _nest(path, b))


def _nest(path: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(path.split(".")):
        out = {part: out}
    return dict(out)


def _value_at(payload: Mapping[str, Any], path: str) -> Any:
    data: Any = payload
    for part in path.split("."):
        if not isinstance(data, Mapping) or part not in data:
            return MISSING
        data = data[part]
    return data


def parse_three_way(data: Any) -> ThreeWay | None:
    """The ``three_way`` object of a saved plan (None when absent). Only what a reader
    needs back: the base and each tool's class; field values stay in the file."""
    from compiler.plan.model import PlanFormatError

    if data is None:
        return None
    base = data.get("base") if isinstance(data, Mapping) else None
    tools = data.get("tools") if isinstance(data, Mapping) else None
    if not isinstance(base, Mapping) or not isinstance(tools, list):
        raise PlanFormatError("not a valid plan: three_way needs 'base' and 'tools'")
    parsed = ThreeWay(str(base.get("ref", "")), str(base.get("commit", "")))
    for i, raw in enumerate(tools):
        if not isinstance(raw, Mapping) or raw.get("class") not in KINDS:
            raise PlanFormatError(f"not a valid plan: three_way.tools[{i}] has no valid class")
        fields = tuple(
            FieldClass(str(f.get("path", "")), str(f.get("class")))
            for f in raw.get("fields") or []
            if isinstance(f, Mapping) and f.get("class") in KINDS
        )
        parsed.tools.append(
            ToolClass(
                str(raw.get("address", "")),
                str(raw.get("agent_uid", "")),
                str(raw.get("name", "")),
                str(raw.get("action", "")),
                str(raw["class"]),
                str(raw.get("note", "")),
                fields,
            )
        )
    return parsed


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
        paths = ", ".join(f.path for f in tool.fields if f.kind == tool.kind)
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
