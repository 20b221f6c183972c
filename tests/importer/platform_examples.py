"""The static example of the platform's send_sms tool page, as the API returns it (less
its id), and the file actionctl imports it as, written by hand: the decompile unit tests
and the CLI import test both start from the one and expect the other."""

from __future__ import annotations

from typing import Any

APPOINTMENT_CONFIRMATION: dict[str, Any] = {
    "type": "send_sms",
    "name": "send_appointment_confirmation",
    "description": "Send appointment confirmation via SMS",
    "parameters": {
        "type": "object",
        "properties": {
            "appointment_date": {"type": "string", "description": "The appointment date"}
        },
        "required": ["appointment_date"],
    },
    "static_params": {
        "type": "static",
        "message": "Your appointment is confirmed for {{appointment_date}}.",
    },
}

# UI style: the {{appointment_date}} placeholder becomes a reference to the declared parameter.
APPOINTMENT_CONFIRMATION_YAML = (
    "kind: action\n"
    "type: send_text_message\n"
    "agent: support\n"
    "name: send_appointment_confirmation\n"
    "description: Send appointment confirmation via SMS\n"
    "parameters_schema:\n"
    "  type: object\n"
    "  properties:\n"
    "    appointment_date:\n"
    "      type: string\n"
    "      description: The appointment date\n"
    "  required: [appointment_date]\n"
    'message: "Your appointment is confirmed for {{ .parameters.appointment_date }}."\n'
)
