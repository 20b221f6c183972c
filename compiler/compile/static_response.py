"""``static_response`` has no OpenMic counterpart: always a compile error (C601) naming
the target."""

from __future__ import annotations

from typing import Any

from compiler.diagnostics import Diagnostic
from compiler.model import Action, Environment, Project
from compiler.validate.rules import capability


def build(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    return None, list(capability.check_action(action))
