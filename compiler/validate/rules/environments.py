"""Rule family 'environments' (E10x): actionctl.yaml's environments.

- E101 (reported by the CLI) ``--env`` names an environment that is not defined;
- E102 ``default_environment`` is not one of ``environments``;
- E103 an environment overrides the number of a channel that does not exist;
- E104 warning: an agent used by actions has no uid in an environment that maps others
  (it would be used as its own uid there).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from compiler.diagnostics import Diagnostic, Location
from compiler.load.quoting import escaped, quoted
from compiler.model import Project

PROJECT_FILE = "actionctl.yaml"


def check(project: Project) -> Iterable[Diagnostic]:
    yield from _default_environment(project)
    yield from _channel_overrides(project)
    yield from _agent_mappings(project)


def _locate(project: Project, *path: str) -> Location:
    source = project.config.source
    return source.locate(*path) if source is not None else Location(PROJECT_FILE)


def _locate_key(project: Project, *path: str) -> Location:
    source = project.config.source
    return source.locate_key(*path) if source is not None else Location(PROJECT_FILE)


def _default_environment(project: Project) -> Iterator[Diagnostic]:
    config = project.config
    name = config.default_environment
    if name in config.environments:
        return
    known = sorted(config.environments)
    source = config.source
    if source is not None and "default_environment" not in source.data:
        message = (
            f"several environments ({', '.join(known)}) and no default_environment: "
            "set default_environment to one of them"
        )
        yield Diagnostic.error(_locate_key(project, "environments"), "E102", message)
        return
    matches = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean {quoted(matches[0])}?)" if matches else ""
    listed = ", ".join(known) or "none"
    message = f"default_environment {quoted(name)} is not defined{hint}; environments: {listed}"
    yield Diagnostic.error(_locate(project, "default_environment"), "E102", message)


def _channel_overrides(project: Project) -> Iterator[Diagnostic]:
    names = sorted(channel.name for channel in project.channels)
    for environment in project.config.environments.values():
        for channel in environment.channels:
            if channel in names:
                continue
            matches = difflib.get_close_matches(channel, names, n=1, cutoff=0.6)
            hint = f" (did you mean {quoted(matches[0])}?)" if matches else ""
            listed = ", ".join(names) or "none"
            message = (
                f"environment {quoted(environment.name)} overrides the number of unknown channel "
                f"{escaped(channel)}{hint}; channels: {listed}"
            )
            location = _locate_key(project, "environments", environment.name, "channels", channel)
            yield Diagnostic.error(location, "E103", message)


def _agent_mappings(project: Project) -> Iterator[Diagnostic]:
    used = sorted({action.agent for action in project.actions})
    for environment in project.config.environments.values():
        if not environment.agents:
            continue  # no mapping at all: every agent is its own uid, by design
        for agent in used:
            if agent in environment.agents:
                continue
            location = _locate_key(project, "environments", environment.name, "agents")
            yield Diagnostic.warning(
                location, "E104", _unmapped(environment.name, agent, environment.agents)
            )


def _unmapped(environment: str, agent: str, mapped: Iterable[str]) -> str:
    """Name the agent escaped (a Cyrillic ``о`` must not pass for ``o``) and the mapped
    name it probably means."""
    matches = difflib.get_close_matches(agent, sorted(mapped), n=1, cutoff=0.6)
    hint = ""
    if matches:
        look_alike = not agent.isascii() and len(agent) == len(matches[0])
        why = ": the names differ in characters that look alike" if look_alike else ""
        hint = f" (did you mean {quoted(matches[0])}{why}?)"
    return (
        f"environment {quoted(environment)} maps agents but not {escaped(agent)}{hint}, "
        f"which actions use; it would be sent as uid {escaped(agent)} (add it under agents)"
    )
