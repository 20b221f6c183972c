"""The saved plan: the one place that writes it and the one place that reads it back.

``plan --out`` writes ``plan_to_json`` atomically; ``apply PLANFILE`` reads it with
``load_plan``. Between the two a plan file is edited, truncated, swapped or forged, and
apply writes to the live platform from it, so it is read like any hostile file: from a
regular file only (a FIFO would hang, ``/dev/zero`` would grow memory), at most
``MAX_PLAN_BYTES``, strict UTF-8, nesting and number sizes bounded before ``json.loads``
runs (located by line and column); then ONE strict pass checks and builds the ``Plan``:
known keys only, exact types (``format_version`` is the integer 1, not ``true``),
bounded sizes, what apply needs for each action present, each change's ``after`` the
canonical payload of the tool its address and name say, and the ``plan --base``
classification of known classes.

    plan_to_json(plan) -> dict          dumps_plan(plan) -> str       save_plan(plan, path)
    load_plan(path) -> Plan             plan_from_json(value) -> Plan  (PlanFormatError: A901)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compiler.canonical import TOOL_TYPES, canonical_tool
from compiler.diagnostics import MAX_MESSAGE_CHARS, json_text
from compiler.model import LOCK_PREFIX
from compiler.plan.model import (
    ACTIONS,
    CREATE,
    DELETE,
    KINDS,
    MISSING,
    NO_OP,
    REPLACE,
    UPDATE,
    BaseNote,
    Change,
    FieldClass,
    FieldPath,
    Plan,
    Scope,
    ThreeWay,
    ToolClass,
    UnmanagedTool,
)

FORMAT_VERSION = 1
MAX_PLAN_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 256  # a parameter schema nests at most 200 levels (the YAML bound), plus the plan's own
MAX_NUMBER_CHARS = 100
MAX_NAME_CHARS = 1_000  # addresses, agents, uids, names, fingerprints, target values

PLAN_KEYS = {
    "format_version", "environment", "target", "prune", "summary", "changes", "unmanaged",
    "three_way",  # plan --base
    "scope",  # plan --target/--exclude; absent from a whole plan (and from older plans)
    "commit", "review",  # for reviewers; only a commit id is kept, apply ignores both
}  # fmt: skip
CHANGE_KEYS = {
    "address", "agent", "agent_uid", "name", "action", "tool_id", "before", "after",
    "changed_paths", "live_fingerprint", "source", "ignored_live_fields", "renamed_from",
}  # fmt: skip
UNMANAGED_KEYS = {"address", "agent", "agent_uid", "name", "tool_id", "type"}
THREE_WAY_KEYS = {"base", "summary", "tools", "notes"}  # notes: absent from older plans
NOTE_KEYS = {"code", "message"}
TOOL_CLASS_KEYS = {"address", "agent_uid", "name", "action", "class", "note", "fields"}
FIELD_CLASS_KEYS = {"path", "class", "base", "branch", "live"}
SCOPE_KEYS = {"targets", "excludes", "left_out", "left_out_addresses", "kept_agents"}
SIDES = ("base", "branch", "live")  # a classified field's values, each absent when MISSING

_COMMIT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# Strings (skipped whole), brackets and numbers: enough to bound nesting and digits.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|-?[0-9][0-9.eE+-]*')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_LONG_NUMBER = re.compile(rf"[0-9][0-9.eE+-]{{{MAX_NUMBER_CHARS},}}")


class PlanFormatError(ValueError):
    """A plan file that cannot be used (A901): bad JSON, unknown version, missing fields;
    ``line``/``column`` say where in the file when known (else 0)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line, self.column = line, column


# --- writing ---


def plan_to_json(plan: Plan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "environment": plan.environment,
        "target": dict(plan.target),
        "prune": plan.prune,
        "commit": plan.commit,
        "summary": plan.summary,
        "review": plan.review,
        "changes": [change_to_json(change) for change in plan.changes],
        "unmanaged": [unmanaged_to_json(tool) for tool in plan.unmanaged],
    }
    if plan.three_way is not None:
        data["three_way"] = three_way_to_json(plan.three_way)
    if plan.scope is not None:
        data["scope"] = scope_to_json(plan.scope)
    return data


def scope_to_json(scope: Scope) -> dict[str, Any]:
    return {
        "targets": list(scope.targets),
        "excludes": list(scope.excludes),
        "left_out": len(scope.left_out),  # the count, for readers
        "left_out_addresses": list(scope.left_out),
        "kept_agents": list(scope.kept_agents),
    }


def change_to_json(change: Change) -> dict[str, Any]:
    data = {
        "address": change.address,
        "agent": change.agent,
        "agent_uid": change.agent_uid,
        "name": change.name,
        "action": change.action,
        "tool_id": change.tool_id,
        "before": change.before,
        "after": change.after,
        "changed_paths": [str(path) for path in change.changed_paths],
        "live_fingerprint": change.live_fingerprint,
        "source": change.source,
    }
    if change.ignored_live_fields:
        data["ignored_live_fields"] = dict(change.ignored_live_fields)
    if change.renamed_from is not None:
        data["renamed_from"] = change.renamed_from
    return data


def unmanaged_to_json(tool: UnmanagedTool) -> dict[str, Any]:
    return {
        "address": tool.address,
        "agent": tool.agent,
        "agent_uid": tool.agent_uid,
        "name": tool.name,
        "tool_id": tool.tool_id,
        "type": tool.type,
    }


def three_way_to_json(three_way: ThreeWay) -> dict[str, Any]:
    return {
        "base": {"ref": three_way.ref, "commit": three_way.commit},
        "summary": three_way.counts,
        "tools": [tool_class_to_json(tool) for tool in three_way.tools],
        "notes": notes_to_json(three_way.notes),
    }


def notes_to_json(notes: tuple[BaseNote, ...]) -> list[dict[str, str]]:
    """What the base is (read from an earlier place) or why there is none."""
    return [{"code": str(note.code), "message": note.message} for note in notes]


def tool_class_to_json(tool: ToolClass) -> dict[str, Any]:
    return {
        "address": tool.address,
        "agent_uid": tool.agent_uid,
        "name": tool.name,
        "action": tool.action,
        "class": tool.kind,
        "note": tool.note,
        "fields": [field_class_to_json(f) for f in tool.fields],
    }


def field_class_to_json(field: FieldClass) -> dict[str, Any]:
    data: dict[str, Any] = {"path": str(field.path), "class": field.kind}
    for side in SIDES:
        value = getattr(field, side)
        if value is not MISSING:
            data[side] = value
    return data


def dumps_plan(plan: Plan) -> str:
    return json_text(plan_to_json(plan), indent=2) + "\n"


def save_plan(plan: Plan, path: Path) -> None:
    """Write the plan atomically: a temp file in the same directory, then os.replace."""
    from compiler.atomic_write import write_atomically

    write_atomically(path, dumps_plan(plan))


# --- reading: the text within bounds ---


def load_plan(path: Path) -> Plan:
    """A saved plan, read as untrusted input; raises PlanFormatError."""
    return plan_from_json(read_plan_json(path))


def read_plan_json(path: Path) -> Any:
    """The plan file's JSON value, read within bounds; raises PlanFormatError."""
    from compiler.load.yaml_source import FileTooLargeError, NotRegularFileError, read_regular_file

    try:
        raw = read_regular_file(path, MAX_PLAN_BYTES)
    except NotRegularFileError:
        raise PlanFormatError("cannot read plan file: not a regular file") from None
    except FileTooLargeError as error:
        raise PlanFormatError(
            f"not a plan: {error.size} bytes is more than {MAX_PLAN_BYTES} bytes"
        ) from None
    except OSError as error:
        raise PlanFormatError(f"cannot read plan file: {error.strerror or error}") from None
    return parse_plan_bytes(raw)


def parse_plan_bytes(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(raw[: error.start].decode("utf-8", "replace"), None)
        raise PlanFormatError(
            f"not a plan: the file is not UTF-8 (byte 0x{raw[error.start]:02x})", line, column
        ) from None
    _check_tokens(text)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        message = (
            f"not a plan: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        )
        raise PlanFormatError(message, error.lineno, error.colno) from None
    except (ValueError, RecursionError) as error:
        raise PlanFormatError(f"not a plan: {error}") from None


def _check_tokens(text: str) -> None:
    """Nesting depth and number length, located, before the parser sees them. Strings
    are blanked first in C; only a file that fails that quick look is walked token by
    token (in Python, ~4x the parse) to say where."""
    skeleton = _STRING.sub('""', text)
    if _LONG_NUMBER.search(skeleton) is None and _max_depth(skeleton) <= MAX_DEPTH:
        return
    _locate_token_problem(text)


def _max_depth(skeleton: str) -> int:
    if skeleton.count("[") + skeleton.count("{") <= MAX_DEPTH:
        return 0
    depth = deepest = 0
    for bracket in _BRACKET.findall(skeleton):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _locate_token_problem(text: str) -> None:
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            continue
        if first in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _position(text, match.start())
                raise PlanFormatError(
                    f"not a plan: nested deeper than {MAX_DEPTH} levels", line, column
                )
        elif first in "]}":
            depth -= 1
        elif len(token) > MAX_NUMBER_CHARS:
            line, column = _position(text, match.start())
            raise PlanFormatError(
                f"not a plan: a number of {len(token)} characters (at most {MAX_NUMBER_CHARS})",
                line,
                column,
            )


def _position(text: str, offset: int | None) -> tuple[int, int]:
    before = text if offset is None else text[:offset]
    line = before.count("\n") + 1
    return line, len(before) - (before.rfind("\n") + 1) + 1


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is out of range")
    return value


# --- reading: one strict pass that checks and builds; each problem names its JSON path ---


def plan_from_json(data: Any) -> Plan:
    """The ``Plan`` that ``plan_to_json`` wrote, or PlanFormatError for anything else."""
    if not isinstance(data, dict):
        raise PlanFormatError("not a plan: the file must hold a JSON object")
    version = data.get("format_version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise PlanFormatError(
            f"unsupported plan format_version {_shown(version)} (this actionctl reads "
            f"{FORMAT_VERSION}); re-run `actionctl plan --out FILE`"
        )
    _known_keys(data, PLAN_KEYS, "plan")
    environment = _string(data, "environment", "plan")
    target = _target(data)
    prune = _typed(data, "prune", bool, "plan", optional=True) or False
    _summary(data)
    changes = [
        _change(raw, f"changes[{i}]") for i, raw in enumerate(_typed(data, "changes", list, "plan"))
    ]
    unmanaged = [
        _unmanaged(raw, f"unmanaged[{i}]")
        for i, raw in enumerate(_typed(data, "unmanaged", list, "plan", optional=True) or [])
    ]
    three_way = None if data.get("three_way") is None else _three_way(data["three_way"])
    if data.get("review") is not None:
        _typed(data, "review", dict, "plan")
    scope = None if data.get("scope") is None else _scope(data["scope"])
    return Plan(environment, target, changes, unmanaged, prune, three_way, _commit(data), scope)


def _target(data: Mapping[str, Any]) -> dict[str, str]:
    target: dict[str, Any] = _typed(data, "target", dict, "plan")
    for key, value in target.items():
        if not isinstance(value, str) or len(key) > MAX_NAME_CHARS or len(value) > MAX_NAME_CHARS:
            raise PlanFormatError(f"not a valid plan: plan.target.{_shown(key)} must be a string")
    return dict(target)


def _summary(data: Mapping[str, Any]) -> None:
    """Written for readers and recomputed from the changes: only its shape is checked."""
    for key, value in (_typed(data, "summary", dict, "plan", optional=True) or {}).items():
        if type(value) is not int:
            raise PlanFormatError(f"not a valid plan: plan.summary.{_shown(key)} is not a count")


def _commit(data: Mapping[str, Any]) -> str | None:
    """Shown in comments: only a commit id, never text someone wrote into the plan file."""
    if data.get("commit") is None:
        return None
    commit = _string(data, "commit", "plan")
    return commit if _COMMIT_ID.fullmatch(commit) else None


def _change(raw: Any, where: str) -> Change:
    if not isinstance(raw, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    _known_keys(raw, CHANGE_KEYS, where)
    action = _string(raw, "action", where)
    if action not in ACTIONS:
        raise PlanFormatError(f"not a valid plan: {where}.action {_shown(action)} is unknown")
    agent, name = _string(raw, "agent", where), _string(raw, "name", where)
    _reserved(name, f"{where}.name")
    address = _string(raw, "address", where)
    if address != f"{agent}/{name}":
        raise PlanFormatError(
            f"not a valid plan: {where}.address {_shown(address)} is not agent/name "
            f"({_shown(agent + '/' + name)})"
        )
    renamed_from = _renamed_from(raw, action, name, where)
    change = Change(
        address=address,
        agent=agent,
        agent_uid=_string(raw, "agent_uid", where),
        name=name,
        action=action,
        tool_id=_tool_id(raw, where),
        # A rename's live tool still has its old name; any other change's has this one.
        before=_payload(raw, "before", renamed_from or name, where, canonical=False),
        after=_payload(raw, "after", name, where, canonical=True),
        changed_paths=_changed_paths(raw, where),
        live_fingerprint=_optional_string(raw, "live_fingerprint", where, required=True),
        source=_optional_string(raw, "source", where),
        ignored_live_fields=_typed(raw, "ignored_live_fields", dict, where, optional=True) or {},
        renamed_from=renamed_from,
    )
    _check_consistent(change, where)
    return change


def _renamed_from(raw: Mapping[str, Any], action: str, name: str, where: str) -> str | None:
    """A rename's old name: only on an update or replace, never the new name itself."""
    renamed_from = _optional_string(raw, "renamed_from", where)
    if renamed_from is None:
        return None
    _reserved(renamed_from, f"{where}.renamed_from")
    if action not in (UPDATE, REPLACE) or renamed_from == name:
        raise PlanFormatError(
            f"not a valid plan: {where}.renamed_from {_shown(renamed_from)} on a {action} of "
            f"{_shown(name)}: only an update or replace renames a tool, from another name; "
            "re-run `actionctl plan --out FILE`"
        )
    return renamed_from


def _changed_paths(raw: Mapping[str, Any], where: str) -> list[FieldPath]:
    paths: list[Any] = _typed(raw, "changed_paths", list, where)
    if not all(isinstance(p, str) for p in paths):
        raise PlanFormatError(f"not a valid plan: {where}.changed_paths must be strings")
    return [_field_path(p, f"{where}.changed_paths[{i}]") for i, p in enumerate(paths)]


def _field_path(text: str, where: str) -> FieldPath:
    try:
        return parse_field_path(text)
    except ValueError as error:
        raise PlanFormatError(
            f"not a valid plan: {where} {_shown(text)} is not a field path: {error}; "
            "re-run `actionctl plan --out FILE`"
        ) from None


def parse_field_path(text: str) -> FieldPath:
    """The keys of a path as ``FieldPath`` shows it; ValueError when it is not one. A key
    in single quotes may hold anything (a quote doubled); a plain key runs to the next
    dot. Paths saved before keys were quoted read the same unless a key held a dot, and
    then they still name the right top-level field, which is all apply sends."""
    keys: list[str] = []
    at = 0
    while True:
        key, at = _quoted_key(text, at) if text.startswith("'", at) else _plain_key(text, at)
        keys.append(key)
        if at == len(text):
            return FieldPath(keys)
        if text[at] != ".":
            raise ValueError(f"a quoted key must be followed by a dot (at character {at + 1})")
        at += 1


def _plain_key(text: str, at: int) -> tuple[str, int]:
    end = text.find(".", at)
    end = len(text) if end < 0 else end
    if end == at:
        raise ValueError(f"an empty key (at character {at + 1}); an empty key is shown ''")
    return text[at:end], end


def _quoted_key(text: str, at: int) -> tuple[str, int]:
    out: list[str] = []
    at += 1  # the opening quote
    while True:
        end = text.find("'", at)
        if end < 0:
            raise ValueError("a quoted key is not closed")
        out.append(text[at:end])
        if not text.startswith("''", end):
            return "".join(out), end + 1
        out.append("'")
        at = end + 2


def _check_consistent(change: Change, where: str) -> None:
    """What apply relies on for each action must be present."""
    needs_live = change.action in (UPDATE, REPLACE, DELETE, NO_OP)
    if needs_live and (change.tool_id is None or change.live_fingerprint is None):
        raise PlanFormatError(
            f"not a valid plan: {where} ({change.action}) needs tool_id and live_fingerprint"
        )
    if change.action in (CREATE, UPDATE, REPLACE) and change.after is None:
        raise PlanFormatError(f"not a valid plan: {where} ({change.action}) needs 'after'")


def _payload(
    raw: Mapping[str, Any], key: str, name: str, where: str, *, canonical: bool
) -> dict[str, Any] | None:
    """A tool payload that is the one its change names (editing only after.name would
    write a tool the plan never showed), of a known type, in canonical form."""
    if key not in raw:
        raise PlanFormatError(f"not a valid plan: {where} is missing {key!r}")
    payload = raw[key]
    where = f"{where}.{key}"
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object or null")
    if payload.get("name") != name:
        raise PlanFormatError(
            f"not a valid plan: {where}.name {_shown(payload.get('name'))} is not the "
            f"change's name {_shown(name)}; re-run `actionctl plan --out FILE`"
        )
    if not canonical:
        return payload
    if payload.get("type") not in TOOL_TYPES:
        raise PlanFormatError(f"not a valid plan: {where}.type {_shown(payload.get('type'))}")
    if canonical_tool(payload) != payload:
        raise PlanFormatError(
            f"not a valid plan: {where} is not a payload actionctl compiled (edited by hand?); "
            "re-run `actionctl plan --out FILE`"
        )
    return payload


def _unmanaged(raw: Any, where: str) -> UnmanagedTool:
    if not isinstance(raw, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    _known_keys(raw, UNMANAGED_KEYS, where)
    agent, agent_uid, name = (_string(raw, key, where) for key in ("agent", "agent_uid", "name"))
    tool_id = _tool_id(raw, where)
    return UnmanagedTool(
        agent, agent_uid, name, tool_id, _optional_string(raw, "type", where) or ""
    )


def _three_way(raw: Any) -> ThreeWay:
    where = "three_way"
    if not isinstance(raw, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    _known_keys(raw, THREE_WAY_KEYS, where)
    base = _typed(raw, "base", dict, where)
    _known_keys(base, {"ref", "commit"}, f"{where}.base")
    ref, commit = _string(base, "ref", f"{where}.base"), _string(base, "commit", f"{where}.base")
    _typed(raw, "summary", dict, where, optional=True)
    tools = _typed(raw, "tools", list, where)
    notes = _typed(raw, "notes", list, where, optional=True) or []
    return ThreeWay(
        ref,
        commit,
        [_tool_class(t, f"{where}.tools[{i}]") for i, t in enumerate(tools)],
        tuple(_note(n, f"{where}.notes[{i}]") for i, n in enumerate(notes)),
    )


def _note(raw: Any, where: str) -> BaseNote:
    if not isinstance(raw, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    _known_keys(raw, NOTE_KEYS, where)
    message: str = _typed(raw, "message", str, where)
    if len(message) > MAX_MESSAGE_CHARS:
        raise PlanFormatError(f"not a valid plan: {where}.message is too long")
    return BaseNote(_string(raw, "code", where), message)


def _scope(raw: Any) -> Scope:
    """What a partial plan holds and leaves out: shown, and kept_agents spares agents
    that keep tools outside the scope from the emptying refusal."""
    where = "scope"
    if not isinstance(raw, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    _known_keys(raw, SCOPE_KEYS, where)
    if raw.get("left_out") is not None and type(raw["left_out"]) is not int:
        raise PlanFormatError(f"not a valid plan: {where}.left_out is not a count")
    keys = ("targets", "excludes", "left_out_addresses", "kept_agents")
    targets, excludes, left_out, kept_agents = (_strings(raw, key, where) for key in keys)
    return Scope(targets, excludes, left_out, kept_agents)


def _strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values: list[Any] = _typed(data, key, list, where, optional=True) or []
    if not all(isinstance(v, str) and len(v) <= MAX_NAME_CHARS for v in values):
        raise PlanFormatError(f"not a valid plan: {where}.{key} must be short strings")
    return tuple(values)


def _tool_class(raw: Any, where: str) -> ToolClass:
    if not isinstance(raw, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    _known_keys(raw, TOOL_CLASS_KEYS, where)
    kind = _kind(raw, where)
    # Written by every actionctl; absent ones read as empty (they are only shown).
    address, agent_uid, name, action, note = (
        _optional_string(raw, key, where) or ""
        for key in ("address", "agent_uid", "name", "action", "note")
    )
    raw_fields = _typed(raw, "fields", list, where, optional=True) or []
    fields = tuple(_field_class(f, f"{where}.fields[{i}]") for i, f in enumerate(raw_fields))
    return ToolClass(address, agent_uid, name, action, kind, note, fields)


def _field_class(raw: Any, where: str) -> FieldClass:
    if not isinstance(raw, dict):
        raise PlanFormatError(f"not a valid plan: {where} must be an object")
    _known_keys(raw, FIELD_CLASS_KEYS, where)
    path = _field_path(_string(raw, "path", where), f"{where}.path")
    sides = [raw.get(side, MISSING) for side in SIDES]
    return FieldClass(path, _kind(raw, where), *sides)


def _kind(raw: Mapping[str, Any], where: str) -> str:
    kind = raw.get("class")
    if kind not in KINDS:
        raise PlanFormatError(f"not a valid plan: {where} has no valid class ({_shown(kind)})")
    return str(kind)


# --- one field each ---


def _tool_id(data: Mapping[str, Any], where: str) -> int | None:
    if "tool_id" not in data:
        raise PlanFormatError(f"not a valid plan: {where} is missing 'tool_id'")
    value = data["tool_id"]
    if value is None:
        return None
    if type(value) is not int or not 0 <= value < 2**63:
        raise PlanFormatError(
            f"not a valid plan: {where}.tool_id has the wrong type (a tool id or null)"
        )
    return value


def _reserved(name: str, where: str) -> None:
    if name.startswith(LOCK_PREFIX):
        raise PlanFormatError(
            f"not a valid plan: {where}: names starting with {LOCK_PREFIX!r} are reserved for "
            "actionctl's apply locks"
        )


def _known_keys(data: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise PlanFormatError(f"not a valid plan: {where} has unknown key {_shown(unknown[0])}")


def _typed(
    data: Mapping[str, Any], key: str, kind: type, where: str, *, optional: bool = False
) -> Any:
    if key not in data:
        if optional:
            return None
        raise PlanFormatError(f"not a valid plan: {where} is missing {key!r}")
    value = data[key]
    if type(value) is not kind:
        raise PlanFormatError(f"not a valid plan: {where}.{key} has the wrong type")
    return value


def _string(data: Mapping[str, Any], key: str, where: str) -> str:
    value: str = _typed(data, key, str, where)
    if len(value) > MAX_NAME_CHARS:
        raise PlanFormatError(f"not a valid plan: {where}.{key} is longer than {MAX_NAME_CHARS}")
    return value


def _optional_string(
    data: Mapping[str, Any], key: str, where: str, *, required: bool = False
) -> str | None:
    """A string or null; ``required`` keys must be there even when null."""
    if required and key not in data:
        raise PlanFormatError(f"not a valid plan: {where} is missing {key!r}")
    return None if data.get(key) is None else _string(data, key, where)


def _shown(value: Any) -> str:
    """A value from the file, short and on one line (the file is not trusted)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
