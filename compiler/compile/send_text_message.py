"""``send_text_message`` -> ``send_sms``.

A non-empty message is sent as written: ``static_params:
{type: static, message}`` with references in the platform's form. An empty or absent
message means the agent writes the text: ``{type: prompt, message: <instruction>}``,
where the instruction is ``prompt`` if given, else derived from the description:

    "Write a short SMS to the caller that does the following: <description>"
    "Write a short SMS that does the following: <description>"   (custom recipient)

and with no description either "Write a short SMS to the caller." (validate warns,
M506). A message or prompt that is written but renders to nothing (only whitespace, only
template comments such as ``{{/* later */}}``) is an error (C634): it would send an empty
SMS, or silently switch to prompt mode.

On the local platform a custom recipient becomes ``to_number`` and the messaging
channel's number in the environment ``from_number``. OpenMic's send_sms has neither
field (it texts the caller from the agent's number): for ``platform: openmic`` a custom
recipient is an error (C630) and the channel is not sent (validate warns, C631), so
nothing undocumented is sent that the user did not write.
"""

from __future__ import annotations

from typing import Any

from compiler.compile import fields
from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import C634
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
    if fields.text(action, "message"):
        message = _written(action, "message", project, diagnostics)
        return {"type": "static", "message": message}
    if fields.text(action, "prompt"):
        prompt = _written(action, "prompt", project, diagnostics)
        return {"type": "prompt", "message": prompt}
    return {"type": "prompt", "message": derived_instruction(action)}


def _written(
    action: Action, name: str, project: Project, diagnostics: list[Diagnostic]
) -> str | None:
    """The field's text in the platform's form; an error when it renders to nothing."""
    rendered = fields.template(action, name, project, diagnostics)
    if rendered is not None and not rendered.strip():
        diagnostics.append(renders_to_nothing(action, name))
    return rendered


def renders_to_nothing(action: Action, name: str) -> Diagnostic:
    """C634: an empty static SMS is never sent, nor is prompt mode chosen silently."""
    raw = fields.text(action, name)
    what = "only whitespace" if not raw.strip() else "nothing (only template comments)"
    fix = (
        'leave `message` out (or empty: `message: ""`) for the agent to write the text, '
        "or write the text"
        if name == "message"
        else "leave `prompt` out for the instruction derived from the description, or "
        "write the instruction"
    )
    return Diagnostic.error(
        action.locate(name), C634, f"{name} renders to {what}, so nothing would be sent; {fix}"
    )


def derived_instruction(action: Action) -> str:
    """The instruction for the agent when neither message nor prompt is given."""
    to_caller = (fields.text(action, "recipient").strip() or CONTACT) == CONTACT
    audience = " to the caller" if to_caller else ""
    description = fields.text(action, "description").strip()
    if not description:
        return f"Write a short SMS{audience}."
    return f"Write a short SMS{audience} that does the following: {description}"
