"""The two examples of the dashboard's Send text message page compile to exactly the
payloads documented in docs/yaml-reference.md. The expected JSON is written by hand from
that table (the booking confirmation's in seed_payloads.py, shared with the CLI test)."""

from __future__ import annotations

from collections.abc import Callable

from compile_helpers import SEED_DESCRIPTION, sms_action

from compiler.compile import compile_action, compile_project
from compiler.model import Project
from tests.compile.seed_payloads import booking_payload_dev

BOOKING = {
    "messaging_channel": "Customer notifications",
    "recipient": "contact",
    "parameters_schema": {
        "type": "object",
        "properties": {
            "booking_reference": {
                "type": "string",
                "description": "The booking reference number",
            }
        },
        "required": ["booking_reference"],
    },
    "message": "Hi, your booking is confirmed! Reference: {{ .parameters.booking_reference }}.",
}

BOOKING_PAYLOAD_DEV = booking_payload_dev(SEED_DESCRIPTION)

SUMMARY_DESCRIPTION = "Sends the caller a short summary of the call."
SUMMARY_PAYLOAD = {
    "type": "send_sms",
    "name": "send_summary_sms",
    "description": SUMMARY_DESCRIPTION,
    "parameters": {"type": "object", "properties": {}, "required": []},
    "static_params": {
        "type": "prompt",
        "message": "Write a short SMS to the caller that does the following: "
        "Sends the caller a short summary of the call.",
        "from_number": "+15550000001",
    },
    "speak_during_execution": True,
    "speak_after_execution": True,
    "async": False,
}


def test_static_template_message(project: Callable[..., Project]) -> None:
    p = project(sms_action(**BOOKING))
    payload, diagnostics = compile_action(p.actions[0], p, p.config.environments["dev"])
    assert diagnostics == []
    assert payload == BOOKING_PAYLOAD_DEV


def test_static_message_in_prod_uses_the_channel_override(
    project: Callable[..., Project],
) -> None:
    p = project(sms_action(**BOOKING))
    result = compile_project(p, p.config.environments["prod"])
    tool = result.tools["support/send_booking_confirmation"]
    assert tool.agent_uid == "agent_support_prod"
    assert tool.payload["static_params"]["from_number"] == "+15550100001"
    assert {**tool.payload, "static_params": None} == {
        **BOOKING_PAYLOAD_DEV,
        "static_params": None,
    }


def test_empty_message_is_prompt_mode(project: Callable[..., Project]) -> None:
    action = sms_action(
        name="send_summary_sms",
        description=SUMMARY_DESCRIPTION,
        messaging_channel="Customer notifications",
        message="",
    )
    p = project(action)
    payload, diagnostics = compile_action(action, p, p.config.environments["dev"])
    assert diagnostics == []
    assert payload == SUMMARY_PAYLOAD


def test_absent_message_is_prompt_mode_too(project: Callable[..., Project]) -> None:
    action = sms_action(
        name="send_summary_sms",
        description=SUMMARY_DESCRIPTION,
        messaging_channel="Customer notifications",
    )
    p = project(action)
    payload, _ = compile_action(action, p, p.config.environments["dev"])
    assert payload == SUMMARY_PAYLOAD


def test_payload_key_order_is_canonical(project: Callable[..., Project]) -> None:
    p = project(sms_action(**BOOKING))
    payload, _ = compile_action(p.actions[0], p, p.config.environments["dev"])
    assert payload is not None
    assert list(payload) == [
        "type",
        "name",
        "description",
        "parameters",
        "static_params",
        "speak_during_execution",
        "speak_after_execution",
        "async",
    ]
