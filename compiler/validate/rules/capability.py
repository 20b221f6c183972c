"""Rule family 'capability' (C60x): what the target platform (OpenMic) cannot express.

- C601 ``static_response``: OpenMic has no static response tool;
- C602 ``api_call`` with a method other than GET/POST;
- C603 ``api_call`` url with placeholders (OpenMic API call URLs are static).

For ``platform: openmic`` only (the local platform keeps both as ``static_params``):

- C630 ``send_text_message`` with a custom recipient: OpenMic's send_sms has no
  recipient field and texts the caller;
- C631 warning: ``send_text_message`` with a ``messaging_channel``: OpenMic's send_sms
  has no sender field; the agent's number sends, and nothing about the channel is sent.

- C632 warning: a native ``openmic.send_sms`` whose ``static_params`` has keys the
  vendor does not document (named; the schema allows only ``to_number`` and
  ``from_number`` besides ``type`` and ``message``, for the local platform): on OpenMic
  they are sent as written, and most likely stored and ignored.

The compiler refuses the same actions with the same codes (C630; C631 and C632 are
warnings of validate only).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import C601, C602, C603, C630, C631, C632
from compiler.model import Action, Project

TARGET = "OpenMic"
SUPPORTED_METHODS = ("GET", "POST")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{[^{}]*\}")


# static_params keys of send_sms in the vendor's API reference; the local platform also
# keeps the recipient and sender UI-style actions compile to there.
SMS_KEYS = frozenset({"type", "message"})
LOCAL_SMS_KEYS = SMS_KEYS | {"to_number", "from_number"}


def check(project: Project) -> Iterable[Diagnostic]:
    platform = project.config.platform
    for action in project.actions:
        yield from _sender_not_sent(action, platform)  # (stubs too: a site of a channel)
        if not action.stub:
            yield from check_action(action)
            yield from check_target(action, platform)
    yield from _static_responses_left_out(project)


def check_target(action: Action, platform: str) -> Iterator[Diagnostic]:
    """What the project's target platform cannot deploy as written (C631 aside)."""
    if action.type == "send_text_message" and platform == "openmic" and custom_recipient(action):
        yield custom_recipient_error(action)
    if action.type == "openmic.send_sms":
        yield from _undocumented_sms_keys(action, platform)


def _sender_not_sent(action: Action, platform: str) -> Iterator[Diagnostic]:
    if action.type != "send_text_message" or platform != "openmic":
        return
    if action.fields.get("messaging_channel") is not None:
        yield Diagnostic.warning(
            action.locate("messaging_channel"),
            C631,
            f"{TARGET} send_sms has no sender field: the agent's own number sends the "
            "SMS, so messaging_channel is not sent (platform: openmic); remove it, or "
            "link the channel's number to the agent on OpenMic",
        )


def custom_recipient(action: Action) -> bool:
    recipient = action.fields.get("recipient")
    return isinstance(recipient, str) and recipient.strip() not in ("", "contact")


def custom_recipient_error(action: Action) -> Diagnostic:
    """C630, shared with the compiler."""
    return Diagnostic.error(
        action.locate("recipient"),
        C630,
        f"{TARGET} send_sms texts the caller; a custom recipient cannot be deployed there "
        f"(platform: openmic): the SMS would go to the caller instead. Use recipient: "
        "contact, or send it from your backend (an api_call)",
    )


def _undocumented_sms_keys(action: Action, platform: str) -> Iterator[Diagnostic]:
    static_params = action.fields.get("static_params")
    if not isinstance(static_params, dict):
        return
    known = SMS_KEYS if platform == "openmic" else LOCAL_SMS_KEYS
    extra = sorted(str(k) for k in static_params if k not in known)
    if not extra:
        return
    keys = ", ".join(extra)
    yield Diagnostic.warning(
        action.locate("static_params", extra[0]),
        C632,
        f"static_params {keys}: not documented for {TARGET} send_sms (only type and "
        f"message are); sent as written, but the platform most likely stores and ignores "
        f"{'it' if len(extra) == 1 else 'them'} (send_sms texts the caller from the "
        "agent's number)",
    )


def check_action(action: Action) -> Iterator[Diagnostic]:
    if action.type == "static_response":
        yield no_static_response(action.locate("type"))
    if action.type == "api_call":
        yield from _check_api_call(action)


def no_static_response(location: Location) -> Diagnostic:
    return Diagnostic.error(
        location,
        C601,
        f"{TARGET} has no static response tool, so static_response cannot be compiled "
        f"for {TARGET}; use send_text_message, or openmic.end_call with an end_message",
    )


def _static_responses_left_out(project: Project) -> Iterator[Diagnostic]:
    """A static_response whose fields are also wrong is left out of the project; fixing
    those fields would only lead to C601, so say it now."""
    loaded = {id(action.source) for action in project.actions}
    for document in project.documents:
        data = document.data
        if id(document) in loaded or not isinstance(data, dict):
            continue
        if data.get("kind") == "action" and data.get("type") == "static_response":
            yield no_static_response(document.locate("type"))


def _check_api_call(action: Action) -> Iterator[Diagnostic]:
    method = action.fields.get("method", "GET")
    if isinstance(method, str) and method.upper() not in SUPPORTED_METHODS:
        yield Diagnostic.error(
            action.locate("method"),
            C602,
            f"{TARGET} API calls support only GET and POST; method {method.upper()} cannot "
            f"be compiled for {TARGET} (use POST, or a client_action)",
        )
    url = action.fields.get("url")
    if isinstance(url, str):
        match = _PLACEHOLDER.search(url)
        if match:
            yield Diagnostic.error(
                action.locate("url"),
                C603,
                f"{TARGET} API call URLs are static; {match.group(0)!r} cannot be filled in. "
                "Declare it in parameters_schema instead (GET sends parameters as the "
                "query string, POST in the body)",
            )
