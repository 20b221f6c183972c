"""Reading a saved plan file as untrusted input.

A plan file is edited, truncated, swapped or forged between ``plan --out`` and
``apply``; apply writes to the live platform from it, so it is read like any hostile
file: from a regular file only (a FIFO would hang, ``/dev/zero`` would grow memory),
at most ``MAX_PLAN_BYTES``, strict UTF-8, nesting and number sizes bounded before
``json.loads`` runs (located by line and column), then checked against a strict
schema (``compiler.plan.model`` builds the ``Plan``): known keys only, exact types
(``format_version`` is the integer 1, not ``true``), bounded sizes, and each change's
``after`` must be the canonical payload of the tool its address and name say.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compiler.canonical import TOOL_TYPES, canonical_tool
from compiler.model import LOCK_PREFIX
from compiler.plan.model import PlanFormatError as PlanReadError

MAX_PLAN_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 256  # a parameter schema nests at most 200 levels (the YAML bound), plus the plan's own
MAX_NUMBER_CHARS = 100
MAX_NAME_CHARS = 1_000  # addresses, agents, uids, names, fingerprints, target values

PLAN_KEYS = {
    "format_version", "environment", "target", "prune", "summary", "changes", "unmanaged",
    "three_way",  # plan --base (compiler.plan.threeway parses it)
    "commit", "review",  # for reviewers; model.py keeps only a commit id, apply ignores both
}  # fmt: skip
CHANGE_KEYS = {
    "address", "agent", "agent_uid", "name", "action", "tool_id", "before", "after",
    "changed_paths", "live_fingerprint", "source", "ignored_live_fields",
}  # fmt: skip
UNMANAGED_KEYS = {"address", "agent", "agent_uid", "name", "tool_id", "type"}

# Strings (skipped whole), brackets and numbers: enough to bound nesting and digits.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|-?[0-9][0-9.eE+-]*')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_LONG_NUMBER = re.compile(rf"[0-9][0-9.eE+-]{{{MAX_NUMBER_CHARS},}}")


def read_plan_json(path: Path) -> Any:
    """The plan file's JSON value, read within bounds; raises PlanReadError."""
    from compiler.load.yaml_source import FileTooLargeError, NotRegularFileError, read_regular_file

    try:
        raw = read_regular_file(path, MAX_PLAN_BYTES)
    except NotRegularFileError:
        raise PlanReadError("cannot read plan file: not a regular file") from None
    except FileTooLargeError as error:
        raise PlanReadError(
            f"not a plan: {error.size} bytes is more than {MAX_PLAN_BYTES} bytes"
        ) from None
    except OSError as error:
        raise PlanReadError(f"cannot read plan file: {error.strerror or error}") from None
    return parse_plan_bytes(raw)


def parse_plan_bytes(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position(raw[: error.start].decode("utf-8", "replace"), None)
        raise PlanReadError(
            f"not a plan: the file is not UTF-8 (byte 0x{raw[error.start]:02x})", line, column
        ) from None
    _check_tokens(text)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        message = (
            f"not a plan: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        )
        raise PlanReadError(message, error.lineno, error.colno) from None
    except (ValueError, RecursionError) as error:
        raise PlanReadError(f"not a plan: {error}") from None


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
                raise PlanReadError(
                    f"not a plan: nested deeper than {MAX_DEPTH} levels", line, column
                )
        elif first in "]}":
            depth -= 1
        elif len(token) > MAX_NUMBER_CHARS:
            line, column = _position(text, match.start())
            raise PlanReadError(
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


# --- the strict schema: each problem names the place by its JSON path ---


def check_plan_shape(data: Any) -> None:
    """Raise PlanReadError for anything but the shape ``Plan.to_json`` writes."""
    if not isinstance(data, dict):
        raise PlanReadError("not a plan: the file must hold a JSON object")
    version = data.get("format_version")
    if type(version) is not int or version != 1:
        raise PlanReadError(
            f"unsupported plan format_version {_shown(version)} (this actionctl reads 1); "
            "re-run `actionctl plan --out FILE`"
        )
    _known_keys(data, PLAN_KEYS, "plan")
    _string(data, "environment", "plan")
    target = _typed(data, "target", dict, "plan")
    for key, value in target.items():
        if not isinstance(value, str) or len(key) > MAX_NAME_CHARS or len(value) > MAX_NAME_CHARS:
            raise PlanReadError(f"not a valid plan: plan.target.{_shown(key)} must be a string")
    if "prune" in data:
        _typed(data, "prune", bool, "plan")
    if "summary" in data:
        for key, value in _typed(data, "summary", dict, "plan").items():
            if type(value) is not int:
                raise PlanReadError(f"not a valid plan: plan.summary.{_shown(key)} is not a count")
    for index, change in enumerate(_typed(data, "changes", list, "plan")):
        _check_change(change, f"changes[{index}]")
    for index, tool in enumerate(_typed(data, "unmanaged", list, "plan", optional=True) or []):
        _check_unmanaged(tool, f"unmanaged[{index}]")
    if data.get("three_way") is not None:
        _check_three_way(data["three_way"])
    if data.get("commit") is not None:
        _string(data, "commit", "plan")
    if data.get("review") is not None:
        _typed(data, "review", dict, "plan")


def _check_three_way(three_way: Any) -> None:
    """Only the containers (the drift parser reads the rest leniently)."""
    tools = three_way.get("tools") if isinstance(three_way, dict) else None
    if not isinstance(tools, list):
        raise PlanReadError("not a valid plan: three_way must be an object with a 'tools' list")
    for index, tool in enumerate(tools):
        fields = tool.get("fields") if isinstance(tool, dict) else None
        if not isinstance(tool, dict) or not isinstance(fields, list | None):
            raise PlanReadError(f"not a valid plan: three_way.tools[{index}] has the wrong type")


def _check_change(change: Any, where: str) -> None:
    if not isinstance(change, dict):
        raise PlanReadError(f"not a valid plan: {where} must be an object")
    _known_keys(change, CHANGE_KEYS, where)
    action = _string(change, "action", where)
    if action not in ("create", "update", "replace", "delete", "no-op"):
        raise PlanReadError(f"not a valid plan: {where}.action {_shown(action)} is unknown")
    agent, name = _string(change, "agent", where), _string(change, "name", where)
    _reserved(name, f"{where}.name")
    _string(change, "agent_uid", where)
    address = _string(change, "address", where)
    if address != f"{agent}/{name}":
        raise PlanReadError(
            f"not a valid plan: {where}.address {_shown(address)} is not agent/name "
            f"({_shown(agent + '/' + name)})"
        )
    _tool_id(change, where)
    for key in ("live_fingerprint", "source"):
        if change.get(key) is not None:
            _string(change, key, where)
    paths = _typed(change, "changed_paths", list, where)
    if not all(isinstance(p, str) for p in paths):
        raise PlanReadError(f"not a valid plan: {where}.changed_paths must be strings")
    if "ignored_live_fields" in change:
        _typed(change, "ignored_live_fields", dict, where)
    for key in ("before", "after"):
        payload = change.get(key)
        if payload is not None:
            _payload(payload, name, f"{where}.{key}", canonical=key == "after")


def _payload(payload: Any, name: str, where: str, *, canonical: bool) -> None:
    """A tool payload that is the one its change names (editing only after.name would
    write a tool the plan never showed), of a known type, in canonical form."""
    if not isinstance(payload, dict):
        raise PlanReadError(f"not a valid plan: {where} must be an object or null")
    if payload.get("name") != name:
        raise PlanReadError(
            f"not a valid plan: {where}.name {_shown(payload.get('name'))} is not the "
            f"change's name {_shown(name)}; re-run `actionctl plan --out FILE`"
        )
    if not canonical:
        return
    if payload.get("type") not in TOOL_TYPES:
        raise PlanReadError(f"not a valid plan: {where}.type {_shown(payload.get('type'))}")
    if canonical_tool(payload) != payload:
        raise PlanReadError(
            f"not a valid plan: {where} is not a payload actionctl compiled (edited by hand?); "
            "re-run `actionctl plan --out FILE`"
        )


def _check_unmanaged(tool: Any, where: str) -> None:
    if not isinstance(tool, dict):
        raise PlanReadError(f"not a valid plan: {where} must be an object")
    _known_keys(tool, UNMANAGED_KEYS, where)
    for key in ("agent", "agent_uid", "name"):
        _string(tool, key, where)
    if tool.get("type") is not None:
        _string(tool, "type", where)
    _tool_id(tool, where)


def _tool_id(data: Mapping[str, Any], where: str) -> None:
    value = data.get("tool_id")
    if value is None:
        return
    if type(value) is not int or not 0 <= value < 2**63:
        raise PlanReadError(f"not a valid plan: {where}.tool_id must be a tool id or null")


def _reserved(name: str, where: str) -> None:
    if name.startswith(LOCK_PREFIX):
        raise PlanReadError(
            f"not a valid plan: {where}: names starting with {LOCK_PREFIX!r} are reserved for "
            "actionctl's apply locks"
        )


def _known_keys(data: Mapping[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise PlanReadError(f"not a valid plan: {where} has unknown key {_shown(unknown[0])}")


def _typed(
    data: Mapping[str, Any], key: str, kind: type, where: str, *, optional: bool = False
) -> Any:
    if key not in data:
        if optional:
            return None
        raise PlanReadError(f"not a valid plan: {where} is missing {key!r}")
    value = data[key]
    if type(value) is not kind:
        raise PlanReadError(f"not a valid plan: {where}.{key} has the wrong type")
    return value


def _string(data: Mapping[str, Any], key: str, where: str) -> str:
    value: str = _typed(data, key, str, where)
    if len(value) > MAX_NAME_CHARS:
        raise PlanReadError(f"not a valid plan: {where}.{key} is longer than {MAX_NAME_CHARS}")
    return value


def _shown(value: Any) -> str:
    """A value from the file, short and on one line (the file is not trusted)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
