"""``send_text_message`` -> ``send_sms`` (SPEC §2.4).

A non-empty message (not just whitespace) is sent as written: ``static_params:
{type: static, message}`` with references in the platform's form. An empty or absent
message means the agent writes the text: ``{type: prompt, message: <instruction>}``,
where the instruction is ``prompt`` if given, else derived from the description:

    "Write a short SMS to the caller that does the following: <description>"
    "Write a short SMS that does the following: <description>"   (custom recipient)

and with no description either "Write a short SMS to the caller." (validate warns,
M506). A custom recipient becomes ``to_number``; the messaging channel's number in the
environment becomes ``from_number``.
"""

from __future__ import annotations

from typing import Any

from compiler.compile import fields
from compiler.diagnostics import Diagnostic
from compiler.model import Action, Environment, Project

CONTACT = "contact"


def build(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    static_params = _message(action, project, diagnostics)
    recipient = fields.text(action, "recipient").strip() or CONTACT
    if recipient != CONTACT:
        to_number = fields.template(action, "recipient", project, diagnostics)
        if to_number is not None:
            static_params["to_number"] = to_number.strip()
    from_number = fields.channel_number(action, project, environment, diagnostics)
    if from_number is not None:
        static_params["from_number"] = from_number
    payload = {
        "type": "send_sms",
        "name": action.name,
        "description": fields.text(action, "description"),
        "parameters": fields.parameters(action),
        "static_params": static_params,
        **fields.speak_flags(action, during=True, after=True),
    }
    return payload, diagnostics


def _message(action: Action, project: Project, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    if fields.text(action, "message").strip():
        message = fields.template(action, "message", project, diagnostics)
        return {"type": "static", "message": message}
    if fields.text(action, "prompt").strip():
        prompt = fields.template(action, "prompt", project, diagnostics)
        return {"type": "prompt", "message": prompt}
    return {"type": "prompt", "message": derived_instruction(action)}


def derived_instruction(action: Action) -> str:
    """The instruction for the agent when neither message nor prompt is given."""
    to_caller = (fields.text(action, "recipient").strip() or CONTACT) == CONTACT
    audience = " to the caller" if to_caller else ""
    description = fields.text(action, "description").strip()
    if not description:
        return f"Write a short SMS{audience}."
    return f"Write a short SMS{audience} that does the following: {description}"
