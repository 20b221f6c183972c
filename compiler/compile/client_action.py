"""``client_action`` -> ``function`` with ``use_raw_schema: true``: the platform hands the
call to the client (browser or app), which acts on the parameters."""

from __future__ import annotations

from typing import Any

from compiler.compile import fields
from compiler.diagnostics import Diagnostic
from compiler.model import Action, Environment, Project


def build(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    payload = {
        "type": "function",
        "name": action.name,
        "description": fields.text(action, "description"),
        "use_raw_schema": True,
        "parameters": fields.parameters(action),
        **fields.speak_flags(action, during=True, after=True),
    }
    return payload, []
