"""``api_call`` -> ``api_request``: static ``url``, ``method`` lowercase (GET/POST only,
C602), ``timeout_ms`` -> ``api_timeout``, ``parameters_schema`` -> ``parameters``."""

from __future__ import annotations

from typing import Any

from compiler.compile import fields
from compiler.diagnostics import Diagnostic, has_errors
from compiler.model import Action, Environment, Project
from compiler.validate.rules import capability


def build(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    diagnostics = list(capability.check_action(action))
    if has_errors(diagnostics):
        return None, diagnostics
    method = action.fields.get("method", "get")
    payload: dict[str, Any] = {
        "type": "api_request",
        "name": action.name,
        "description": fields.text(action, "description"),
        "url": fields.text(action, "url"),
        "method": method.lower() if isinstance(method, str) else method,
        "parameters": fields.parameters(action),
        **fields.speak_flags(action, during=True, after=True),
    }
    if "timeout_ms" in action.fields:
        payload["api_timeout"] = action.fields["timeout_ms"]
    return payload, diagnostics
