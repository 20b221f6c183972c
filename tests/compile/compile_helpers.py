"""Model objects built directly (no loader): the compiler is tested on its own input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compiler.model import (
    Action,
    Channel,
    Environment,
    Project,
    ProjectConfig,
    SourceDocument,
    SourceMap,
)

SEED_DESCRIPTION = "Sends a booking confirmation SMS to the caller. Use after booking."


def make_action(fields: dict[str, Any], file: str = "actions/a.yaml") -> Action:
    values = {(): (1, 1)}
    for line, key in enumerate(fields, start=1):
        values[(key,)] = (line, len(key) + 3)
    document = SourceDocument(file, 0, fields, SourceMap(file, values=values))
    return Action(fields["type"], fields["agent"], fields["name"], fields, document)


def make_channel(name: str, number: str) -> Channel:
    data = {"kind": "channel", "name": name, "phone_number": number, "capabilities": ["sms"]}
    document = SourceDocument("channels/c.yaml", 0, data, SourceMap("channels/c.yaml"))
    return Channel(name, number, ("sms",), "", document)


def build_project(root: Path, *actions: Action) -> Project:
    """dev/prod environments, agent uids, one SMS channel with a prod override."""
    config = ProjectConfig(
        default_environment="dev",
        environments={
            "dev": Environment("dev", {"support": "agent_support_dev"}),
            "prod": Environment(
                "prod",
                {"support": "agent_support_prod"},
                {"Customer notifications": "+15550100001"},
            ),
        },
    )
    channel = make_channel("Customer notifications", "+15550000001")
    return Project(root, config, [channel], list(actions))


def sms_action(**fields: Any) -> Action:
    base: dict[str, Any] = {
        "kind": "action",
        "type": "send_text_message",
        "agent": "support",
        "name": "send_booking_confirmation",
        "description": SEED_DESCRIPTION,
    }
    return make_action({**base, **fields})
