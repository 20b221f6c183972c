"""Which diagnostics a change to some files involves: what ``validate FILE...`` reports.

A diagnostic is involved when it stands in a changed file, or when it stands where
another file declares or refers to a name that a changed file declares now or declared
before the change: renaming a channel involves the actions (and environment overrides)
that name the old channel; a new action involves the other action of the same name (or
of a name that only looks like it) and any ``renamed_from`` that names it (N317); a
``renamed_from`` involves any other ``renamed_from`` of that name (N318).

Rules need not know about this: a name's *sites* (where a document declares it, where a
document refers to it) are the very locations the rules report at (``messaging_channel``,
an environment's channel key, ``name``, ``agent``, each ``renamed_from`` name), so matching
the location is enough.
``actionctl.yaml`` configures every document (environments, agents, rules): a change to
it involves the whole project. (The per-file cache, compiler.load.cache, relies on this:
what stands at a site must be what the cache's stubs can give.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from compiler.diagnostics import Diagnostic, Location
from compiler.load.declared import (
    action_key,
    agent_key,
    channel_key,
    declared_names,
    renamed_from_paths,
    renamed_key,
)
from compiler.model import Project

PROJECT_FILE = "actionctl.yaml"


@dataclass
class Change:
    """The files a change touches (project-relative) and what they declared before."""

    files: set[str] = field(default_factory=set)
    folders: list[str] = field(default_factory=list)  # "actions/support/" (or "" = all)
    old_documents: dict[str, list[Any]] = field(default_factory=dict)  # path -> data list

    def covers(self, file: str) -> bool:
        if file in self.files:
            return True
        return bool(self.folders) and file.startswith(tuple(self.folders))

    def old_names(self) -> set[str]:
        """The names the changed files declared at the base revision."""
        return {
            name
            for path, documents in self.old_documents.items()
            for data in documents
            for name in declared_names(path, data)
        }


def involved(
    diagnostics: Iterable[Diagnostic], project: Project, change: Change
) -> list[Diagnostic]:
    """The diagnostics that stand in a changed file or at a site of a name it touches."""
    diagnostics = list(diagnostics)
    if PROJECT_FILE in change.files or "" in change.folders:
        return diagnostics
    names = touched_names(project, change)
    sites = name_sites(project, names) if names else {}
    return [d for d in diagnostics if change.covers(d.file) or sites.get(d.location, set()) & names]


def touched_names(project: Project, change: Change) -> set[str]:
    """Names declared by the changed files now (in the project) or at the base revision."""
    names = change.old_names()
    for document in project.documents:
        if change.covers(document.file):
            names |= set(declared_names(document.file, document.data))
    return names


def name_sites(project: Project, names: set[str]) -> dict[Location, set[str]]:
    """Where each of ``names`` is declared or referred to, at the locations rules report
    at (only those names: locating every value of a large project costs)."""
    sites: dict[Location, set[str]] = {}

    def add(name: str, locate: Callable[[], Location]) -> None:
        if name in names:
            sites.setdefault(locate(), set()).add(name)

    for channel in project.channels:
        add(channel_key(channel.name), partial(channel.source.locate, "name"))
    for action in project.actions:
        add(action_key(action.name), partial(action.locate, "name"))
        add(agent_key(action.agent), partial(action.locate, "agent"))
        named = action.fields.get("messaging_channel")
        if isinstance(named, str):
            add(channel_key(named), partial(action.locate, "messaging_channel"))
        for old_name, path in renamed_from_paths(action.fields.get("renamed_from")):
            # N317 stands here when the agent declares the name; N318 when another
            # action renames it too.
            add(action_key(old_name), partial(action.locate, *path))
            add(renamed_key(old_name), partial(action.locate, *path))
    config = project.config.source
    if config is None:
        return sites
    agents = {agent_key(action.agent) for action in project.actions} & names
    for environment in project.config.environments.values():
        for override in environment.channels:
            path = ("environments", environment.name, "channels", override)
            add(channel_key(override), partial(config.locate_key, *path))
        # Unmapped agents are reported at the ``agents`` key: any agent may be the one.
        if environment.agents and agents:
            key = config.locate_key("environments", environment.name, "agents")
            sites.setdefault(key, set()).update(agents)
    return sites
