"""``openmic.<tool type>``: the API's own fields as written, ``type`` without the prefix;
``canonical_tool`` (applied by the caller) fills the platform's defaults."""

from __future__ import annotations

import copy
from typing import Any

from compiler.canonical import TOOL_TYPES
from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import C620
from compiler.model import Action, Environment, Project

PREFIX = "openmic."
# Keys about the document, not fields of the tool: never sent to the platform.
DOCUMENT_KEYS = frozenset({"kind", "type", "agent", "name", "renamed_from"})
REBUILT = frozenset({"parameters", "static_params"})


def build(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    tool_type = action.type.removeprefix(PREFIX)
    if tool_type not in TOOL_TYPES:
        known = ", ".join(PREFIX + t for t in TOOL_TYPES)
        return None, [
            Diagnostic.error(
                action.locate("type"),
                C620,
                f"unknown native tool type {action.type!r} (known: {known})",
            )
        ]
    payload: dict[str, Any] = {"type": tool_type, "name": action.name}
    for key, value in action.fields.items():
        if key in DOCUMENT_KEYS:
            continue
        # canonical_tool rebuilds parameters and static_params; copy anything else
        # nested so the payload never shares mutable values with the model.
        rebuilt = key in REBUILT and isinstance(value, dict)
        shared = isinstance(value, dict | list) and not rebuilt
        payload[key] = copy.deepcopy(value) if shared else value
    return payload, []
