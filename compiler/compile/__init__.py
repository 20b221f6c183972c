"""Compile UI-style and native action definitions into OpenMic tool payloads.

    compile_project(project, environment) -> CompileResult(tools, diagnostics)
    compile_action(action, project, environment) -> (payload | None, diagnostics)

One module per action type, each with ``build(action, project, environment)``
returning ``(payload | None, diagnostics)``. Payloads come out canonical
(``compiler.canonical.canonical_tool`` is applied last), so they can be diffed against
live tools. Problems are diagnostics, never exceptions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from compiler.canonical import canonical_tool
from compiler.compile import (
    api_call,
    client_action,
    handover,
    native,
    send_text_message,
    static_response,
)
from compiler.compile.locate import locate_payload
from compiler.diagnostics import Diagnostic, has_errors
from compiler.diagnostics.codes import C611, C620, C621, C633, C699
from compiler.model import Action, CompiledTool, DataPath, Environment, Project

__all__ = ["CompileResult", "compile_action", "compile_project", "duplicate_address"]

BUILDERS: dict[str, ModuleType] = {
    "send_text_message": send_text_message,
    "handover": handover,
    "api_call": api_call,
    "client_action": client_action,
    "static_response": static_response,
}


@dataclass
class CompileResult:
    tools: dict[str, CompiledTool] = field(default_factory=dict)  # keyed agent/name, sorted
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def compile_action(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The canonical payload of one action in one environment, or None and the reasons."""
    builder = native if action.is_native else BUILDERS.get(action.type)
    if builder is None:
        return None, [
            Diagnostic.error(action.locate("type"), C620, f"unknown action type {action.type!r}")
        ]
    try:
        payload, diagnostics = builder.build(action, project, environment)
    except Exception as error:  # the model was not validated: still a diagnostic
        return None, [
            Diagnostic.error(
                action.locate(),
                C699,
                f"cannot compile this action ({type(error).__name__}: {error}); "
                "run `actionctl validate` for the underlying problem",
            )
        ]
    if payload is None or has_errors(diagnostics):
        return None, diagnostics
    # One pass of the C encoder answers two questions for nearly every payload: JSON
    # can carry it, and no null is in it (its text holds no ``null`` at all; the
    # canonical form adds none). Only a payload that fails one is walked, for the place.
    text = _json_or_none(payload)
    bad_path = None if text is not None else _non_json_path(payload)
    if bad_path is not None:
        return None, [*diagnostics, _non_json(action, payload, bad_path)]
    canonical = canonical_tool(payload)
    if text is None or "null" in text:
        null_at = _null_path(canonical)
        if null_at is not None:
            return None, [*diagnostics, _null(action, null_at)]
    return canonical, diagnostics


def _null_path(value: Any, path: DataPath = ()) -> DataPath | None:
    """Path of the first ``null`` in a JSON value, as keys (a key may hold a dot, as a
    flow-mapping slip's ``in E.164`` does), or None."""
    if value is None:
        return path
    items: Any
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _null_path(item, (*path, key))
        if found is not None:
            return found
    return None


def _null(action: Action, path: DataPath) -> Diagnostic:
    """C633: no field of OpenMic's schema is nullable, so a null cannot be sent."""
    hint = ""
    if path and isinstance(path[-1], str) and " " in path[-1]:
        # ``{description: Number to text, in E.164}``: YAML ends the value at the comma.
        hint = (
            f" ({path[-1]!r} reads as a key of its own: in a flow mapping `{{...}}` a comma "
            "ends the value; quote text that holds a comma)"
        )
    return Diagnostic.error(
        locate_payload(action, path),
        C633,
        f"payload field {_dotted(path) or 'body'} is null (an empty YAML value, `~` or "
        f"`null`){hint}; the platform accepts no null anywhere: give it a value or leave the "
        "key out",
    )


def _dotted(path: DataPath) -> str:
    return ".".join(str(part) for part in path)


def compile_project(project: Project, environment: Environment) -> CompileResult:
    """Compile every action; tools for those that compiled, diagnostics for all."""
    result = CompileResult()
    first_seen: dict[str, Action] = {}
    for action in sorted(project.actions, key=lambda a: (a.agent, a.name)):
        earlier = first_seen.get(action.address)
        if earlier is not None:
            result.diagnostics.append(duplicate_address(action, earlier))
            continue
        first_seen[action.address] = action
        payload, diagnostics = compile_action(action, project, environment)
        result.diagnostics.extend(diagnostics)
        if payload is None:
            continue
        result.tools[action.address] = CompiledTool(
            agent=action.agent,
            agent_uid=project.config.agent_uid(environment, action.agent),
            name=action.name,
            payload=payload,
            source=action.locate(),
            renamed_from=action.renamed_from,
        )
    return result


def duplicate_address(action: Action, earlier: Action) -> Diagnostic:
    """C611: a second action at one address (agent/name) is not compiled."""
    where = earlier.locate("name")
    return Diagnostic.error(
        action.locate("name"),
        C611,
        f"{action.address} is defined twice (also at {where}); only the first is compiled",
    )


_JSON_SCALARS = (str, int, float, bool, type(None))


def _reject(value: Any) -> Any:
    raise TypeError(type(value).__name__)


def _json_or_none(payload: Any) -> str | None:
    """The payload as compact JSON, or None when JSON cannot carry it (the C encoder
    checks fast; ``_non_json_path`` finds where it cannot)."""
    try:
        return _ENCODER.encode(payload)
    except (TypeError, ValueError):
        return None


# Made once: ``json.dumps`` with any option but the defaults builds an encoder per call.
_ENCODER = json.JSONEncoder(default=_reject, check_circular=False, allow_nan=False)


def _non_json_path(value: Any, path: DataPath = ()) -> DataPath | None:
    """Path of the first value JSON cannot carry (a YAML date, a set, ``.inf``), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path  # json.dumps would write ``Infinity``/``NaN``: no JSON parser reads it
    if isinstance(value, _JSON_SCALARS):
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return (*path, str(key))
            found = _non_json_path(item, (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _non_json_path(item, (*path, index))
            if found is not None:
                return found
        return None
    return path


def _non_json(action: Action, payload: dict[str, Any], path: DataPath) -> Diagnostic:
    value = _value_at(payload, path)
    if isinstance(value, float):
        what = "NaN" if math.isnan(value) else "infinity"
        reason = (
            f"{what}, which JSON cannot carry (YAML reads `.inf`, `-.INF` and `.nan` as "
            "numbers); write a finite number, or leave the key out for no bound"
        )
    else:
        reason = "not a JSON value (a YAML date or timestamp?); quote it"
    return Diagnostic.error(
        locate_payload(action, path), C621, f"payload field {_dotted(path)} is {reason}"
    )


def _value_at(value: Any, path: DataPath) -> Any:
    for part in path:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list | tuple) and isinstance(part, int):
            value = value[part]
        else:
            return None
    return value
