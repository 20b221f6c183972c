"""Rule family 'names' (N31x): action names.

- N311 a name breaks the dashboard's rule ``^[A-Za-z0-9_-]+$`` (1-255 characters). The
  schema reports it while loading (such actions never reach the project); this rule holds
  it for any ``Project``, however it was built (e.g. from live tools);
- N312 two actions of one agent share a name (both files and lines named);
- N313 two logical agents map to one platform agent in an environment and both declare
  an action of the same name (they would be one tool on the platform);
- N314 a name starts with ``actionctl-lock-``: the prefix is reserved for apply's
  per-agent lock tools, which plan, import and prune ignore, so such an action could
  never be managed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from compiler.diagnostics import Diagnostic
from compiler.model import Action, Project
from compiler.platform.lock_tools import LOCK_PREFIX
from compiler.wording import quoted

NAME_RULE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions:
        if not NAME_RULE.match(action.name):
            yield Diagnostic.error(
                action.locate("name"),
                "N311",
                f"name {quoted(action.name)}: action names may hold only letters, digits, "
                "_ and - (the dashboard's rule), 1-255 characters",
            )
        elif action.name.startswith(LOCK_PREFIX):
            yield Diagnostic.error(
                action.locate("name"),
                "N314",
                f"name {quoted(action.name)}: names starting with {LOCK_PREFIX!r} are reserved "
                "for actionctl's apply locks, which plan, import and prune ignore (this action "
                "would never be managed); rename it",
            )
    yield from _unique_per_agent(project.actions)
    yield from _unique_per_uid(project)


def _unique_per_agent(actions: list[Action]) -> Iterator[Diagnostic]:
    first: dict[tuple[str, str], Action] = {}
    for action in actions:
        earlier = first.setdefault((action.agent, action.name), action)
        if earlier is action:
            continue
        yield Diagnostic.error(
            action.locate("name"),
            "N312",
            f"action name {quoted(action.name)} is already used by agent {quoted(action.agent)} at "
            f"{earlier.locate('name')} (this one: {action.locate('name')}); names must be "
            "unique per agent",
        )


def _unique_per_uid(project: Project) -> Iterator[Diagnostic]:
    """Different logical agents that are one platform agent must not collide."""
    config = project.config
    for environment in config.environments.values():
        first: dict[tuple[str, str], Action] = {}
        for action in project.actions:
            uid = config.agent_uid(environment, action.agent)
            earlier = first.setdefault((uid, action.name), action)
            if earlier is action or earlier.agent == action.agent:
                continue
            yield Diagnostic.error(
                action.locate("name"),
                "N313",
                f"in environment {quoted(environment.name)}, agents {quoted(earlier.agent)} and "
                f"{quoted(action.agent)} are both platform agent {quoted(uid)}, and both declare "
                f"{quoted(action.name)} (other: {earlier.locate('name')})",
            )
