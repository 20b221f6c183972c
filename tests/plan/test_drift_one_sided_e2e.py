"""``plan --base`` meeting fields present on one side only, end to end: a parameter the
branch adds and one a dashboard edit adds, in a real git repository deployed to the
emulator over HTTP (the dashboard edit goes straight through its API)."""

from __future__ import annotations

from typing import Any

from tests.plan.git_project import BOOKING, BOOKING_TOOL, GitProject, field_classes

ADDRESS = f"support/{BOOKING_TOOL}"
REFERENCE = "      description: The booking reference number\n"
PARTY_SIZE = REFERENCE + "    party_size:\n      type: integer\n      description: Guests\n"
NOTE = {"type": "string", "description": "Added in the dashboard"}


def test_a_parameter_added_in_the_branch_and_another_added_live(
    deployed: GitProject,
) -> None:
    deployed.edit(BOOKING, REFERENCE, PARTY_SIZE)
    deployed.commit_all("pr: ask for the party size")
    live: dict[str, Any] = deployed.tool(BOOKING_TOOL)["parameters"]
    live["properties"] = {**live["properties"], "note": NOTE}
    deployed.dashboard_patch(BOOKING_TOOL, {"parameters": live})

    three_way = deployed.three_way("--base", "main")

    assert field_classes(three_way) == {
        (ADDRESS, "parameters.properties.party_size"): "change",
        (ADDRESS, "parameters.properties.note"): "drift",
    }
    # A side where the field is missing carries no value at all (not null).
    fields = {f["path"]: f for f in three_way["tools"][0]["fields"]}
    assert fields["parameters.properties.note"] == {
        "path": "parameters.properties.note",
        "class": "drift",
        "live": NOTE,
    }
    assert fields["parameters.properties.party_size"] == {
        "path": "parameters.properties.party_size",
        "class": "change",
        "branch": {"type": "integer", "description": "Guests"},
    }
