"""The plan as a value, and its saved JSON form (SPEC §4, ``format_version: 1``).

A plan never holds secrets: payloads are canonical tool fields, and the target is the
platform's secret-free identity (``Platform.target``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compiler.plan.threeway import ThreeWay

FORMAT_VERSION = 1
_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

CREATE = "create"
UPDATE = "update"
REPLACE = "replace"
DELETE = "delete"
NO_OP = "no-op"
ACTIONS: tuple[str, ...] = (CREATE, UPDATE, REPLACE, DELETE, NO_OP)
# What changes live state, in the order people read them: destructive first.
DESTRUCTIVE: tuple[str, ...] = (DELETE, REPLACE)
DISPLAY_ORDER: tuple[str, ...] = (DELETE, REPLACE, UPDATE, CREATE, NO_OP)


class PlanFormatError(ValueError):
    """A plan file that cannot be used: bad JSON, unknown version, missing fields;
    ``line``/``column`` say where in the file when known (else 0)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line, self.column = line, column


@dataclass
class Change:
    address: str  # "agent/name"
    agent: str  # logical agent name
    agent_uid: str
    name: str
    action: str  # one of ACTIONS
    tool_id: int | None = None  # the live tool's id; None for a create
    # Live canonical form, less ``ignored_live_fields`` (see ``compiler.plan.diff``); None for
    # a create. A delete keeps the whole live tool.
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None  # desired canonical form; None for a delete
    changed_paths: list[str] = field(default_factory=list)
    # Fingerprint of the WHOLE live canonical tool (``before`` plus the ignored fields),
    # so an edit to any live field, ignored or not, makes a saved plan stale.
    live_fingerprint: str | None = None  # None for a create
    source: str | None = None  # the action's file:line, for people
    # Live-only fields actionctl does not manage (name -> live value): never compared,
    # never sent. In the saved JSON only when there are some.
    ignored_live_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def is_change(self) -> bool:
        return self.action != NO_OP

    @property
    def tool_type(self) -> str:
        payload = self.after if self.after is not None else self.before or {}
        return str(payload.get("type", ""))

    def to_json(self) -> dict[str, Any]:
        data = {
            "address": self.address,
            "agent": self.agent,
            "agent_uid": self.agent_uid,
            "name": self.name,
            "action": self.action,
            "tool_id": self.tool_id,
            "before": self.before,
            "after": self.after,
            "changed_paths": list(self.changed_paths),
            "live_fingerprint": self.live_fingerprint,
            "source": self.source,
        }
        if self.ignored_live_fields:
            data["ignored_live_fields"] = dict(self.ignored_live_fields)
        return data


@dataclass
class UnmanagedTool:
    """A live tool on a managed agent that no file declares (listed, never touched)."""

    agent: str
    agent_uid: str
    name: str
    tool_id: int | None
    type: str

    @property
    def address(self) -> str:
        return f"{self.agent}/{self.name}"

    def to_json(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "agent": self.agent,
            "agent_uid": self.agent_uid,
            "name": self.name,
            "tool_id": self.tool_id,
            "type": self.type,
        }


@dataclass
class Plan:
    environment: str
    target: dict[str, str]
    changes: list[Change] = field(default_factory=list)
    unmanaged: list[UnmanagedTool] = field(default_factory=list)
    prune: bool = False
    # ``plan --base REF``: each change classified against git (``compiler.plan.threeway``);
    # None (and absent from the JSON) otherwise.
    three_way: ThreeWay | None = None
    # The commit the configuration was read from (``git rev-parse HEAD``, else the CI's
    # commit variable), for reviewers; None outside git and CI. Not checked by apply.
    commit: str | None = None

    @property
    def summary(self) -> dict[str, int]:
        counts = {action.replace("-", "_"): 0 for action in ACTIONS}
        for change in self.changes:
            counts[change.action.replace("-", "_")] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return any(change.is_change for change in self.changes)

    @property
    def review(self) -> dict[str, Any]:
        """What a CI job needs to label the pull request, without parsing Markdown:
        ``labels`` are ready to add (``actionctl:changes``/``actionctl:no-changes``,
        ``actionctl:destructive`` when anything is deleted or replaced, and with
        ``--base`` ``actionctl:conflict``/``actionctl:drift``)."""
        counts = self.summary
        destructive = sum(counts[action] for action in DESTRUCTIVE)
        labels = ["actionctl:changes" if self.has_changes else "actionctl:no-changes"]
        if destructive:
            labels.append("actionctl:destructive")
        if self.three_way is not None and self.three_way.has_conflicts:
            labels.append("actionctl:conflict")  # plan --base: overwrites an edit outside git
        if self.three_way is not None and self.three_way.has_drift:
            labels.append("actionctl:drift")
        return {
            "status": "planned",
            "environment": self.environment,
            "commit": self.commit,
            "changes": sum(counts[a.replace("-", "_")] for a in ACTIONS if a != NO_OP),
            "destructive": destructive,
            "labels": labels,
        }

    def pending(self) -> list[Change]:
        """The changes apply executes (everything but no-ops), in display order."""
        return [c for c in ordered(self.changes) if c.is_change]

    def to_json(self) -> dict[str, Any]:
        data = {
            "format_version": FORMAT_VERSION,
            "environment": self.environment,
            "target": dict(self.target),
            "prune": self.prune,
            "commit": self.commit,
            "summary": self.summary,
            "review": self.review,
            "changes": [change.to_json() for change in self.changes],
            "unmanaged": [tool.to_json() for tool in self.unmanaged],
        }
        if self.three_way is not None:
            data["three_way"] = self.three_way.to_json()
        return data

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        """Write the plan atomically: a temp file in the same directory, then os.replace."""
        from compiler.atomic_write import write_atomically

        write_atomically(path, self.dumps())

    @classmethod
    def from_json(cls, data: Any) -> Plan:
        return _parse_plan(data)

    @classmethod
    def load(cls, path: Path) -> Plan:
        """A saved plan, read as untrusted input (see ``compiler.plan.file``)."""
        from compiler.plan.file import check_plan_shape, read_plan_json

        data = read_plan_json(path)
        check_plan_shape(data)
        return _parse_plan(data)


def ordered(changes: list[Change]) -> list[Change]:
    """Destructive changes first, then updates, creates and no-ops; by address within each."""
    rank = {action: i for i, action in enumerate(DISPLAY_ORDER)}
    return sorted(changes, key=lambda c: (rank.get(c.action, len(rank)), c.address))


# --- parsing: every problem becomes one PlanFormatError naming the field ---


def _require(data: Mapping[str, Any], key: str, kinds: Any, where: str) -> Any:
    if key not in data:
        raise PlanFormatError(f"not a valid plan: {where} is missing {key!r}")
    value = data[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        raise PlanFormatError(f"not a valid plan: {where}.{key} has the wrong type")
    return value


def _as_tuple(kinds: Any) -> tuple[Any, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _parse_plan(data: Any) -> Plan:
    if not isinstance(data, Mapping):
        raise PlanFormatError("not a plan: the file must hold a JSON object")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise PlanFormatError(
            f"unsupported plan format_version {version!r} (this actionctl reads "
            f"{FORMAT_VERSION}); re-run `actionctl plan --out FILE`"
        )
    environment = _require(data, "environment", str, "plan")
    target = _require(data, "target", dict, "plan")
    if not all(isinstance(v, str) for v in target.values()):
        raise PlanFormatError("not a valid plan: plan.target values must be strings")
    raw_changes = _require(data, "changes", list, "plan")
    changes = [_parse_change(raw, i) for i, raw in enumerate(raw_changes)]
    unmanaged = [_parse_unmanaged(raw, i) for i, raw in enumerate(data.get("unmanaged") or [])]
    prune = data.get("prune", False)
    from compiler.plan.threeway import parse_three_way

    three_way = parse_three_way(data.get("three_way"))
    commit = data.get("commit")
    # Shown in comments: only a commit id, never text someone wrote into the plan file.
    commit = commit if isinstance(commit, str) and _COMMIT_ID.fullmatch(commit) else None
    return Plan(
        environment, dict(target), changes, unmanaged, bool(prune), three_way, commit=commit
    )


def _parse_change(raw: Any, index: int) -> Change:
    where = f"changes[{index}]"
    if not isinstance(raw, Mapping):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    action = _require(raw, "action", str, where)
    if action not in ACTIONS:
        raise PlanFormatError(f"not a valid plan: {where}.action {action!r} is unknown")
    change = Change(
        address=_require(raw, "address", str, where),
        agent=_require(raw, "agent", str, where),
        agent_uid=_require(raw, "agent_uid", str, where),
        name=_require(raw, "name", str, where),
        action=action,
        tool_id=_require(raw, "tool_id", (int, type(None)), where),
        before=_require(raw, "before", (dict, type(None)), where),
        after=_require(raw, "after", (dict, type(None)), where),
        changed_paths=list(_require(raw, "changed_paths", list, where)),
        live_fingerprint=_require(raw, "live_fingerprint", (str, type(None)), where),
        source=raw.get("source") if isinstance(raw.get("source"), str) else None,
        ignored_live_fields=_optional_object(raw, "ignored_live_fields", where),
    )
    _check_consistent(change, where)
    return change


def _optional_object(raw: Mapping[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise PlanFormatError(f"not a valid plan: {where}.{key} has the wrong type")
    return dict(value)


def _check_consistent(change: Change, where: str) -> None:
    """What apply relies on for each action must be present."""
    needs_live = change.action in (UPDATE, REPLACE, DELETE, NO_OP)
    if needs_live and (change.tool_id is None or change.live_fingerprint is None):
        raise PlanFormatError(
            f"not a valid plan: {where} ({change.action}) needs tool_id and live_fingerprint"
        )
    if change.action in (CREATE, UPDATE, REPLACE) and change.after is None:
        raise PlanFormatError(f"not a valid plan: {where} ({change.action}) needs 'after'")


def _parse_unmanaged(raw: Any, index: int) -> UnmanagedTool:
    where = f"unmanaged[{index}]"
    if not isinstance(raw, Mapping):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    return UnmanagedTool(
        agent=_require(raw, "agent", str, where),
        agent_uid=_require(raw, "agent_uid", str, where),
        name=_require(raw, "name", str, where),
        tool_id=_require(raw, "tool_id", (int, type(None)), where),
        type=str(raw.get("type", "")),
    )
