"""A rename made in a branch, against its git base: the tool the base knew by its old
name, with its name edited in this branch, not a tool created here."""

from __future__ import annotations

from tests.plan.git_project import BOOKING, BOOKING_TOOL, GitProject, field_classes

NEW = "confirm_booking_by_sms"


def test_a_rename_in_the_branch_is_a_name_edited_in_this_branch(deployed: GitProject) -> None:
    deployed.edit(BOOKING, f"name: {BOOKING_TOOL}", f"name: {NEW}\nrenamed_from: {BOOKING_TOOL}")
    three_way = deployed.three_way("--base", "main")
    assert field_classes(three_way) == {(f"support/{NEW}", "name"): "change"}
    (tool,) = three_way["tools"]
    assert (tool["action"], tool["note"]) == ("update", "edited in this branch")
