"""The static example of the platform's send_sms tool page, as the API returns it (less
its id): the decompile unit tests and the CLI import test both start from it."""

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
