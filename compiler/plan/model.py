"""The plan as a value: what changes, what stays unmanaged and, with ``plan --base``, how
each change relates to git. Plain data and the counts derived from it; reading and
writing the saved form is ``compiler.plan.file``, classifying is ``compiler.plan.threeway``.

A plan never holds secrets: payloads are canonical tool fields, and the target is the
platform's secret-free identity (``Platform.target``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import L833, L834, L836

# A key shown as it is: not empty, no dot, quote or whitespace. Anything else is quoted,
# so a key ``filter.status`` can never be read as two keys.
_PLAIN_KEY = re.compile(r"[^.'\s]+")


class FieldPath(tuple[str, ...]):
    """Where a field is in a tool payload: its keys from the top, never joined and split
    again. Shown (and saved) with dots between keys, quoting a key that holds a dot, a
    quote or whitespace, or is empty, in single quotes with a quote doubled:
    ``static_params.message``, ``parameters.properties.'filter.status'.description``."""

    __slots__ = ()

    def __new__(cls, keys: Iterable[str] = ()) -> FieldPath:
        return super().__new__(cls, keys)

    def __str__(self) -> str:
        return ".".join(_shown_key(key) for key in self)

    def __repr__(self) -> str:
        return f"FieldPath({tuple(self)!r})"


def _shown_key(key: str) -> str:
    if _PLAIN_KEY.fullmatch(key):
        return key
    return "'" + key.replace("'", "''") + "'"


class _Missing:
    """The value at a path that does not exist on one side (added or removed fields)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

CREATE = "create"
UPDATE = "update"
REPLACE = "replace"
DELETE = "delete"
NO_OP = "no-op"
ACTIONS: tuple[str, ...] = (CREATE, UPDATE, REPLACE, DELETE, NO_OP)
# What changes live state, in the order people read them: destructive first.
DESTRUCTIVE: tuple[str, ...] = (DELETE, REPLACE)
DISPLAY_ORDER: tuple[str, ...] = (DELETE, REPLACE, UPDATE, CREATE, NO_OP)


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
    changed_paths: list[FieldPath] = field(default_factory=list)
    # Fingerprint of the WHOLE live canonical tool (``before`` plus the ignored fields),
    # so an edit to any live field, ignored or not, makes a saved plan stale.
    live_fingerprint: str | None = None  # None for a create
    source: str | None = None  # the action's file:line, for people
    # Live-only fields actionctl does not manage (name -> live value): never compared,
    # never sent. In the saved JSON only when there are some.
    ignored_live_fields: dict[str, Any] = field(default_factory=dict)
    # A rename: the live tool's name before (``before`` holds it), from the action's
    # ``renamed_from``; None otherwise. In the saved JSON only when set.
    renamed_from: str | None = None

    @property
    def is_change(self) -> bool:
        return self.action != NO_OP

    @property
    def tool_type(self) -> str:
        payload = self.after if self.after is not None else self.before or {}
        return str(payload.get("type", ""))


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


# --- plan --base: each change against the configuration at a git base ---

CONFLICT = "conflict"
DRIFT = "drift"
CHANGE = "change"
KINDS: tuple[str, ...] = (CONFLICT, DRIFT, CHANGE)  # worst first: the display order

FIELD_NOTES = {
    CHANGE: "edited in this branch",
    DRIFT: "edited outside git since the base: applying reverts it",
    CONFLICT: "edited in this branch and outside git: applying overwrites the live edit",
}


@dataclass(frozen=True)
class FieldClass:
    path: FieldPath
    kind: str  # one of KINDS
    base: Any = MISSING
    branch: Any = MISSING  # the working tree's value
    live: Any = MISSING

    @property
    def note(self) -> str:
        return FIELD_NOTES[self.kind]


@dataclass(frozen=True)
class ToolClass:
    address: str
    agent_uid: str
    name: str
    action: str  # the plan's action for this tool
    kind: str  # one of KINDS
    note: str  # what happened, for people
    fields: tuple[FieldClass, ...] = ()


# REF is no base at all (environment new in the branch, another platform, project not
# in REF): every tool is a change, and the renderers say why beside each one.
NO_BASE_CODES = frozenset({L833, L834, L836})


@dataclass(frozen=True)
class BaseNote:
    """What a reviewer must know about the base itself, shown with the tools it concerns:
    the warning's code and message (read from the project's earlier place, or no base)."""

    code: str
    message: str

    @classmethod
    def of(cls, diagnostic: Diagnostic) -> BaseNote:
        return cls(diagnostic.code, diagnostic.message)


@dataclass
class ThreeWay:
    """The classification of one plan against a git base (``compiler.plan.threeway``)."""

    ref: str  # as given: ``origin/main``
    commit: str  # what it resolved to
    tools: list[ToolClass] = field(default_factory=list)
    notes: tuple[BaseNote, ...] = ()  # about the base: L835, or why it is none

    @property
    def no_base(self) -> bool:
        """REF is no base: every tool is a change, each with the reason as its note."""
        return any(note.code in NO_BASE_CODES for note in self.notes)

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


@dataclass(frozen=True)
class Scope:
    """``--target``/``--exclude``: the plan holds only the changes whose address matches
    a target (every change when there is none) and no exclude (``compiler.plan.scope``).
    ``left_out``: the addresses of the changes it leaves out; ``kept_agents``: uids of
    agents keeping live tools outside the scope, so deleting the in-scope ones does
    not empty them."""

    targets: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    kept_agents: tuple[str, ...] = ()


@dataclass
class Plan:
    environment: str
    target: dict[str, str]
    changes: list[Change] = field(default_factory=list)
    unmanaged: list[UnmanagedTool] = field(default_factory=list)
    prune: bool = False
    # ``plan --base REF``: each change classified against git; None (and absent from the
    # JSON) otherwise.
    three_way: ThreeWay | None = None
    # The commit the configuration was read from (``git rev-parse HEAD``, else the CI's
    # commit variable), for reviewers; None outside git and CI. Not checked by apply.
    commit: str | None = None
    # ``--target``/``--exclude``: what this partial plan holds; None (and absent from the
    # JSON) for a whole plan.
    scope: Scope | None = None

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


def ordered(changes: list[Change]) -> list[Change]:
    """Destructive changes first, then updates, creates and no-ops; by address within each."""
    rank = {action: i for i, action in enumerate(DISPLAY_ORDER)}
    return sorted(changes, key=lambda c: (rank.get(c.action, len(rank)), c.address))
