"""The canonical form of a tool payload: the one shape compile, diff and import agree on.

Two payloads describe the same tool exactly when their canonical forms are equal:
server-only fields are dropped, the platform's documented defaults are filled in,
``{{ x }}`` is written ``{{x}}``, ``required`` lists are sorted (JSON Schema treats them
as sets) and the top-level keys come in one fixed order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

TOOL_TYPES: tuple[str, ...] = (
    "api_request",
    "function",
    "end_call",
    "transfer_call",
    "dtmf",
    "send_sms",
    "send_email",
    "call_booking",
    "check_calendar_availability",
    "check_working_hours",
)

SERVER_FIELDS: frozenset[str] = frozenset({"id", "created_at", "updated_at"})

# Top-level order of a canonical payload; fields the platform adds that we do not
# know come after these, sorted, so they still show up in diffs.
FIELD_ORDER: tuple[str, ...] = (
    "type",
    "name",
    "description",
    "url",
    "method",
    "api_timeout",
    "use_raw_schema",
    "parameters",
    "static_params",
    "speak_during_execution",
    "speak_after_execution",
    "async",
)

DEFAULTS: Mapping[str, Any] = {
    "description": "",
    "speak_during_execution": True,
    "speak_after_execution": True,
    "async": False,
}


def empty_parameters() -> dict[str, Any]:
    return {"type": "object", "properties": {}, "required": []}


# A platform placeholder ``{{ x }}``; group 1 is its name without the spaces.
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def normalize_placeholders(text: str) -> str:
    """``{{ x }}`` -> ``{{x}}``: the platform trims spaces inside the braces."""
    return PLACEHOLDER.sub(lambda m: "{{" + m.group(1) + "}}", text)


def canonical_tool(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Return the canonical form of a tool payload (live or compiled). Pure; never raises
    on odd input: values of unexpected types are kept as they are, for the diff to show."""
    tool = {k: v for k, v in payload.items() if k not in SERVER_FIELDS and v is not None}
    for key, default in DEFAULTS.items():
        tool.setdefault(key, default)
    tool["parameters"] = _canonical_parameters(tool.get("parameters"))
    if tool.get("type") == "api_request":
        method = tool.get("method", "get")
        tool["method"] = method.lower() if isinstance(method, str) else method
    static_params = tool.get("static_params")
    if static_params in ({}, None):
        tool.pop("static_params", None)
    elif isinstance(static_params, _MAPPINGS):
        tool["static_params"] = _canonical_static_params(tool.get("type"), static_params)
    return _ordered(tool)


# Exact types of JSON's scalars (a subclass takes the general path).
_LEAVES = frozenset({str, int, float, bool, type(None)})
# A dict first: ``isinstance`` of an abstract class costs ~8x a concrete one.
_MAPPINGS = (dict, Mapping)


def _canonical_parameters(parameters: Any) -> Any:
    if parameters is None or parameters == {}:
        return empty_parameters()
    if not isinstance(parameters, _MAPPINGS):
        return parameters
    schema = _sort_required(parameters)
    if schema.get("type") == "object":
        schema.setdefault("properties", {})
        schema.setdefault("required", [])
    return schema


def _sort_required(schema: Any) -> Any:
    """Sort every ``required`` list of string names in a JSON Schema, recursively."""
    if schema.__class__ in _LEAVES:
        return schema  # (most values: skips the slow abstract Mapping check)
    if isinstance(schema, _MAPPINGS):
        out = {}
        for key, value in schema.items():
            if (
                key == "required"
                and isinstance(value, list)
                and all(isinstance(v, str) for v in value)
            ):
                out[key] = sorted(value)
            else:
                out[key] = _sort_required(value)
        return out
    if isinstance(schema, list):
        return [_sort_required(v) for v in schema]
    return schema


def _canonical_static_params(tool_type: Any, static_params: Mapping[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = _normalize_strings(dict(static_params))
    if tool_type == "send_sms":
        # One older platform example omits ``type``; a message without it is sent as written.
        params.setdefault("type", "static")
    return params


def _normalize_strings(value: Any) -> Any:
    if value.__class__ in _LEAVES and value.__class__ is not str:
        return value
    if isinstance(value, str):
        return normalize_placeholders(value)
    if isinstance(value, _MAPPINGS):
        return {k: _normalize_strings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalize_strings(v) for v in value]
    return value


def _ordered(tool: dict[str, Any]) -> dict[str, Any]:
    known = [k for k in FIELD_ORDER if k in tool]
    extra = sorted(k for k in tool if k not in FIELD_ORDER)
    return {k: tool[k] for k in known + extra}


def find_null(value: Any, path: str = "") -> str | None:
    """The dotted path of the first ``null`` in a JSON value (``"body"`` for the root),
    or None: no field of the platform's schema is nullable."""
    if value is None:
        return path or "body"
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = find_null(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def fingerprint(value: Any) -> str:
    """Stable content hash (``sha256:<hex>``) of any JSON-able value; key order ignored."""
    import hashlib  # ~5 ms (OpenSSL): plan and apply hash, validate never does

    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
