"""The payload the seed's booking confirmation compiles to in ``dev``, written
by hand once from the compile table of docs/yaml-reference.md. The compile unit tests
and the CLI test on the example
project both compare against it; only the description differs between the two (a short
one in the unit tests, the example project's full sentence)."""

from __future__ import annotations

from typing import Any


def booking_payload_dev(description: str) -> dict[str, Any]:
    return {
        "type": "send_sms",
        "name": "send_booking_confirmation",
        "description": description,
        "parameters": {
            "type": "object",
            "properties": {
                "booking_reference": {
                    "type": "string",
                    "description": "The booking reference number",
                }
            },
            "required": ["booking_reference"],
        },
        "static_params": {
            "type": "static",
            "message": "Hi, your booking is confirmed! Reference: {{booking_reference}}.",
            "from_number": "+15550000001",
        },
        "speak_during_execution": True,
        "speak_after_execution": True,
        "async": False,
    }
