"""An undeclared rename in the change: what plan's L805 says against the live tools, said
before the commit against git's HEAD.

The change (``validate FILE...`` or ``validate --changed``, the pre-commit hook) took an
action away: no file declares its agent and name any more, and no ``renamed_from`` names
it. A changed file now declares, for the same agent, an action that is the same document
but for its name (and ``renamed_from``), and whose name HEAD did not have. That reads as
a rename, and plan would apply it as a delete and a create: a new tool id, and a moment
when the agent has neither. N319 (a warning, at the new name) points to
``renamed_from: OLD``, which is harmless when the old tool was never applied (it renames
nothing, and plan creates the tool). Without a change there is no base: plan's L805
compares with the live tools instead, which the offline hook never reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import N319
from compiler.model import Action, Project
from compiler.validate.involved import Change
from compiler.wording import quoted

# What a rename changes; the rest of the document must be equal.
_RENAME_FIELDS = frozenset({"name", "renamed_from"})


def undeclared_renames(project: Project, change: Change) -> list[Diagnostic]:
    """N319 for each action of a changed file that renames, undeclared, one the change
    took away."""
    old = list(_old_actions(change))
    if not old:
        return []
    kept = {(a.agent, a.name) for a in project.actions}
    kept |= {(a.agent, name) for a in project.actions for name in a.renamed_from}
    gone = [(file, data) for file, data in old if (data["agent"], data["name"]) not in kept]
    if not gone:
        return []
    had = {(data["agent"], data["name"]) for _, data in old}
    found: list[Diagnostic] = []
    for action in project.actions:
        if action.stub or not change.covers(action.source.file):
            continue
        if (action.agent, action.name) in had:
            continue  # (a name HEAD had is no new name)
        match = _same_but_the_name(action, gone)
        if match is None:
            continue
        gone.remove(match)  # (one old action is renamed once)
        found.append(_hint(action, *match))
    return found


def _old_actions(change: Change) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(file, data) of each action document the changed files had at HEAD."""
    for file, documents in change.old_documents.items():
        if not file.startswith("actions/"):
            continue
        for data in documents:
            if (
                isinstance(data, dict)
                and data.get("kind") == "action"
                and isinstance(data.get("agent"), str)
                and isinstance(data.get("name"), str)
            ):
                yield file, data


def _same_but_the_name(
    action: Action, gone: list[tuple[str, Mapping[str, Any]]]
) -> tuple[str, Mapping[str, Any]] | None:
    payload = _payload(action.source.data)
    for file, data in gone:
        if data["agent"] == action.agent and _payload(data) == payload:
            return file, data
    return None


def _payload(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if key not in _RENAME_FIELDS}


def _hint(action: Action, file: str, data: Mapping[str, Any]) -> Diagnostic:
    old_name = data["name"]
    where = "" if file == action.source.file else f" (in {file})"
    return Diagnostic.warning(
        action.locate("name"),
        N319,
        f"name {quoted(action.name)}: the change renames {quoted(old_name)}{where} of agent "
        f"{quoted(action.agent)} and changes nothing else, but no renamed_from says so: "
        "plan would delete that tool and create this one (a new tool id, and a moment "
        f"when the agent has neither); add `renamed_from: {old_name}` to keep the tool",
    )
