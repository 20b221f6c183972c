"""Rename matching in ``build_plan``, on plain values: which live tool a ``renamed_from``
takes over, and when it takes none."""

from __future__ import annotations

from typing import Any

from compiler.canonical import canonical_tool
from compiler.model import CompiledTool
from compiler.plan.build import build_plan, undeclared_rename_warnings
from compiler.plan.live import LiveState, index_by_name
from compiler.plan.model import Plan

UID = "agent_support"


def end_call(name: str, description: str = "Ends the call") -> dict[str, Any]:
    return canonical_tool({"type": "end_call", "name": name, "description": description})


def tool(name: str, *renamed_from: str, description: str = "Ends the call") -> CompiledTool:
    payload = end_call(name, description)
    return CompiledTool("support", UID, name, payload, renamed_from=renamed_from)


def live(*names: str) -> LiveState:
    raw = [{**end_call(name), "id": i} for i, name in enumerate(names, start=1)]
    tools, problems = index_by_name(UID, raw)
    assert problems == []
    return LiveState({UID: tools})


def plan(tools: list[CompiledTool], state: LiveState, *, prune: bool = True) -> Plan:
    desired = {t.address: t for t in tools}
    return build_plan(
        desired, state, environment="dev", target={}, agents={"support": UID}, prune=prune
    )


def actions(built: Plan) -> dict[str, tuple[str, str | None, int | None]]:
    return {c.address: (c.action, c.renamed_from, c.tool_id) for c in built.changes}


def test_a_rename_updates_the_old_tool_and_nothing_deletes_it() -> None:
    built = plan([tool("bye", "hang_up")], live("hang_up"))
    assert actions(built) == {"support/bye": ("update", "hang_up", 1)}
    (change,) = built.changes
    assert [str(path) for path in change.changed_paths] == ["name"]


def test_the_tool_of_the_new_name_wins_over_renamed_from() -> None:
    built = plan([tool("bye", "hang_up")], live("hang_up", "bye"))
    assert actions(built) == {
        "support/bye": ("no-op", None, 2),
        "support/hang_up": ("delete", None, 1),
    }


def test_an_old_name_another_action_declares_is_not_renamed() -> None:
    built = plan([tool("bye", "hang_up"), tool("hang_up")], live("hang_up"))
    assert actions(built) == {
        "support/bye": ("create", None, None),
        "support/hang_up": ("no-op", None, 1),
    }


def test_two_renames_from_one_name_take_it_once() -> None:
    built = plan([tool("a_bye", "hang_up"), tool("b_bye", "hang_up")], live("hang_up"))
    assert actions(built) == {
        "support/a_bye": ("update", "hang_up", 1),
        "support/b_bye": ("create", None, None),
    }


def test_an_old_name_not_live_is_a_create() -> None:
    assert actions(plan([tool("bye", "hang_up")], live())) == {
        "support/bye": ("create", None, None)
    }


def test_an_undeclared_rename_is_warned_about_only_when_nothing_but_the_name_differs() -> None:
    state = live("hang_up")
    for prune in (True, False):
        same = plan([tool("bye")], state, prune=prune)
        (warning,) = undeclared_rename_warnings(same, state, {"support/bye": tool("bye")})
        assert warning.code == "L805" and "renamed_from: hang_up" in warning.message
    other = tool("bye", description="Says goodbye")
    edited = plan([other], state)
    assert undeclared_rename_warnings(edited, state, {"support/bye": other}) == []
