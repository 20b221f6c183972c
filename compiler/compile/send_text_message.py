"""``send_text_message`` -> ``send_sms``.

A non-empty message (not just whitespace) is sent as written: ``static_params:
{type: static, message}`` with references in the platform's form. An empty or absent
message means the agent writes the text: ``{type: prompt, message: <instruction>}``,
where the instruction is ``prompt`` if given, else derived from the description:

    "Write a short SMS to the caller that does the following: <description>"
    "Write a short SMS that does the following: <description>"   (custom recipient)

and with no description either "Write a short SMS to the caller." (validate warns,
M506). On the local platform a custom recipient becomes ``to_number`` and the messaging
channel's number in the environment ``from_number``. OpenMic's send_sms has neither
field (it texts the caller from the agent's number): for ``platform: openmic`` a custom
recipient is an error (C630) and the channel is not sent (validate warns, C631), so
nothing undocumented is sent that the user did not write.
"""

from __future__ import annotations

from typing import Any

from compiler.compile import fields
from compiler.diagnostics import Diagnostic
from compiler.model import Action, Environment, Project
from compiler.validate.rules.capability import custom_recipient, custom_recipient_error

CONTACT = "contact"


def build(
    action: Action, project: Project, environment: Environment
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    static_params = _message(action, project, diagnostics)
    if project.config.platform == "openmic":
        if custom_recipient(action):
            return None, [*diagnostics, custom_recipient_error(action)]
    else:
        _local_recipient_and_sender(action, project, environment, static_params, diagnostics)
    payload = {
        "type": "send_sms",
        "name": action.name,
        "description": fields.text(action, "description"),
        "parameters": fields.parameters(action),
        "static_params": static_params,
        **fields.speak_flags(action, during=True, after=True),
    }
    return payload, diagnostics


def _local_recipient_and_sender(
    action: Action,
    project: Project,
    environment: Environment,
    static_params: dict[str, Any],
    diagnostics: list[Diagnostic],
) -> None:
    """The local platform keeps a custom recipient and the sender in ``static_params``."""
    recipient = fields.text(action, "recipient").strip() or CONTACT
    if recipient != CONTACT:
        to_number = fields.template(action, "recipient", project, diagnostics)
        if to_number is not None:
            static_params["to_number"] = to_number.strip()
    from_number = fields.channel_number(action, project, environment, diagnostics)
    if from_number is not None:
        static_params["from_number"] = from_number


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
