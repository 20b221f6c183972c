"""Cause first, from the change: a renamed or deleted channel or agent key, named
before its echoes.

When the change (working tree vs HEAD, or the files named to ``validate``) renamed or
deleted a channel that actions or environment overrides still name, each of those
reports "unknown channel". People need the one change that caused them, not dozens of
echoes, and never an edit-distance guess at some other channel when the old name is
known. So the change itself becomes the diagnostic (N305, at the changed file), and each
echo is folded under it (``caused_by``) with its message saying what became of the
name instead of "did you mean". The same for an agent key of an environment in
actionctl.yaml that the change renamed or removed while actions still use the agent
(E118, at the new key; E104 folded under it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import E103, E104, E118, N301, N305
from compiler.load.declared import channel_key
from compiler.model import Channel, Project
from compiler.validate.involved import Change, name_sites
from compiler.wording import escaped, quoted

# What an action (N301) or an environment override (E103) says of a channel it names
# that the project no longer has.
_ECHOES = frozenset({N301, E103})


@dataclass(frozen=True)
class GoneChannel:
    """A channel the change took away: its old name, the file that declared it, and
    what that file declares now (a rename), if anything."""

    name: str
    file: str
    renamed_to: Channel | None

    def what(self) -> str:
        if self.renamed_to is None:
            return f"deleted from {self.file}"
        where = self.renamed_to.source.file
        moved = f" (moved from {self.file})" if where != self.file else ""
        return f"renamed to {quoted(self.renamed_to.name)} in {where}{moved}"


def fold_under_changes(
    diagnostics: list[Diagnostic], project: Project, change: Change
) -> list[Diagnostic]:
    """``diagnostics`` with each echo of a channel the change took away folded under a
    diagnostic that names the change."""
    result = _fold_agent_keys(list(diagnostics), project, change)
    for gone in _gone_channels(project, change):
        sites = name_sites(project, {channel_key(gone.name)})
        echoes = {d for d in result if _is_echo(d, sites)}
        if not echoes:
            continue
        cause = _cause(gone, echoes)
        result = [_folded(d, cause, gone) if d in echoes else d for d in result]
        result.append(cause)
    return result


def _is_echo(diagnostic: Diagnostic, sites: dict[Location, set[str]]) -> bool:
    # A consequence of a file that failed to load already names its cause.
    return (
        diagnostic.code in _ECHOES and diagnostic.caused_by is None and diagnostic.location in sites
    )


def _gone_channels(project: Project, change: Change) -> Iterator[GoneChannel]:
    old_names = {
        path: _channel_names(documents) for path, documents in change.old_documents.items()
    }
    every_old = {name for names in old_names.values() for name in names}
    # Channels the changed files declare now that none declared before: a rename's new
    # name, in the same file or (``git mv`` and an edit) in the file it moved to.
    appeared = [
        c for c in project.channels if change.covers(c.source.file) and c.name not in every_old
    ]
    gone = [
        (path, name)
        for path, names in sorted(old_names.items())
        if path.startswith("channels/")
        for name in names
        if project.channel(name) is None  # else still declared (maybe moved): not gone
    ]
    for path, name in gone:
        here = [c for c in appeared if c.source.file == path]
        candidates = here if here else appeared
        renamed_to = candidates[0] if len(gone) == 1 and len(candidates) == 1 else None
        yield GoneChannel(name, path, renamed_to)


def _channel_names(documents: list[object]) -> list[str]:
    return [d["name"] for d in documents if isinstance(d, dict) and isinstance(d.get("name"), str)]


def _cause(gone: GoneChannel, echoes: set[Diagnostic]) -> Diagnostic:
    actions = sum(1 for d in echoes if d.code == N301)
    overrides = len(echoes) - actions
    users = [
        _count(actions, "action"),
        _count(overrides, "environment override"),
    ]
    still = " and ".join(u for u in users if u)
    verb = "names" if len(echoes) == 1 else "name"
    fix = (
        f"rename it back, or change them to {quoted(gone.renamed_to.name)}"
        if gone.renamed_to is not None
        else "restore the file, or point them at another channel"
    )
    message = f"channel {quoted(gone.name)} {gone.what()}; {still} still {verb} it: {fix}"
    where = (
        gone.renamed_to.source.locate("name")
        if gone.renamed_to is not None
        else Location(gone.file)
    )
    return Diagnostic.error(where, N305, message)


def _count(n: int, word: str) -> str:
    if not n:
        return ""
    return f"{n} {word}" + ("" if n == 1 else "s")


def _folded(diagnostic: Diagnostic, cause: Diagnostic, gone: GoneChannel) -> Diagnostic:
    """The echo, caused by the change, saying what became of the name (no guess)."""
    if diagnostic.code == N301:
        message = f"unknown channel {quoted(gone.name)}: {gone.what()}"
    else:
        message = (
            f"{diagnostic.message.split(';', 1)[0].split(' (did you mean', 1)[0]}: {gone.what()}"
        )
    return replace(diagnostic, message=message, caused_by=cause.cause)


@dataclass(frozen=True)
class GoneAgentKey:
    """An agent key the change took out of an environment's ``agents`` mapping."""

    agent: str
    environment: str
    renamed_to: str | None

    def what(self) -> str:
        where = f"in environment {quoted(self.environment)} of {PROJECT_FILE}"
        if self.renamed_to is None:
            return f"removed from the agents {where}"
        return f"renamed to {escaped(self.renamed_to)} {where}"


PROJECT_FILE = "actionctl.yaml"


def _fold_agent_keys(
    diagnostics: list[Diagnostic], project: Project, change: Change
) -> list[Diagnostic]:
    config = project.config.source
    if config is None:
        return diagnostics
    for gone in _gone_agent_keys(project, change):
        prefix = f"environment {quoted(gone.environment)} maps agents but not {escaped(gone.agent)}"
        echoes = {
            d
            for d in diagnostics
            if d.code == E104 and d.file == config.file and d.message.startswith(prefix)
        }
        if not echoes:
            continue
        path = ("environments", gone.environment, "agents")
        where = (
            config.locate_key(*path, gone.renamed_to)
            if gone.renamed_to
            else config.locate_key(*path)
        )
        users = sum(1 for action in project.actions if action.agent == gone.agent)
        fix = "rename the key back, or change the agent of those actions"
        message = (
            f"agent {escaped(gone.agent)} {gone.what()}; {_count(users, 'action')} still "
            f"{'uses' if users == 1 else 'use'} it: {fix}"
        )
        cause = Diagnostic.at(where, E118, message, next(iter(echoes)).severity)
        folded = f"{prefix}: {gone.what()}"
        diagnostics = [
            replace(d, message=folded, caused_by=cause.cause) if d in echoes else d
            for d in diagnostics
        ]
        diagnostics.append(cause)
    return diagnostics


def _gone_agent_keys(project: Project, change: Change) -> Iterator[GoneAgentKey]:
    old = change.old_documents.get(PROJECT_FILE) or []
    data = old[0] if old and isinstance(old[0], dict) else {}
    environments = data.get("environments")
    if not isinstance(environments, dict):
        return
    used = {action.agent for action in project.actions}
    for name, environment in environments.items():
        current = project.config.environments.get(str(name))
        agents = environment.get("agents") if isinstance(environment, dict) else None
        if current is None or not isinstance(agents, dict):
            continue
        new = [agent for agent in current.agents if agent not in agents]
        for agent in agents:
            if agent in current.agents or agent not in used:
                continue
            yield GoneAgentKey(str(agent), str(name), new[0] if len(new) == 1 else None)
