"""``handover`` -> ``transfer_call``.

``phone_number`` -> ``static_params.default_transfer_number`` (templates converted,
``{{ .variables.call.from }}`` -> ``{{call.from}}``), ``transfer_type`` (default cold),
``routing_rules`` and ``transfer_settings`` passed through. Speak flags default to
false, false: the dashboard's defaults for transfers.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from compiler.compile import fields
from compiler.diagnostics import Diagnostic
from compiler.model import Action, Environment, Project


def build(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    transfer_type = action.fields.get("transfer_type", "cold")
    static_params: dict[str, Any] = {"transfer_type": transfer_type}
    if fields.text(action, "phone_number").strip():
        number = fields.template(action, "phone_number", project, diagnostics)
        if number is not None:
            static_params["default_transfer_number"] = number.strip()
    if fields.text(action, "routing_rules").strip():
        static_params["routing_rules"] = fields.template(
            action, "routing_rules", project, diagnostics
        )
    settings = action.fields.get("transfer_settings")
    if isinstance(settings, Mapping):
        static_params["transfer_settings"] = copy.deepcopy(dict(settings))
    payload = {
        "type": "transfer_call",
        "name": action.name,
        "description": fields.text(action, "description"),
        "parameters": fields.parameters(action),
        "static_params": static_params,
        **fields.speak_flags(action, during=False, after=False),
    }
    return payload, diagnostics
