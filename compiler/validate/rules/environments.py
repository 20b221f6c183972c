"""Rule family 'environments' (E10x): actionctl.yaml's environments.

- E101 (reported by the CLI) ``--env`` names an environment that is not defined;
- E102 ``default_environment`` is not one of ``environments``;
- E103 an environment overrides the number of a channel that does not exist;
- E104 an agent used by actions has no uid in an environment that maps others (it would
  be used as its own uid there): an error for ``platform: openmic``, where no agent has
  such a uid and plan would fail (L801); a warning for the local platform, which makes
  the agent;
- E110 the same, when the unmapped name is confusable with a mapped one (equal after NFKC,
  case folding, dropping invisible format characters and mapping Cyrillic/Greek
  look-alike letters): ``agent: suppоrt`` with a Cyrillic ``о`` would silently deploy to
  a platform agent that does not exist, so it is an error, at the action's ``agent``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import E102, E103, E104, E110
from compiler.model import Action, Environment, Project
from compiler.wording import did_you_mean, escaped, quoted

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
        yield Diagnostic.error(_locate_key(project, "environments"), E102, message)
        return
    hint = did_you_mean(name, known)
    listed = ", ".join(known) or "none"
    message = f"default_environment {quoted(name)} is not defined{hint}; environments: {listed}"
    yield Diagnostic.error(_locate(project, "default_environment"), E102, message)


def _channel_overrides(project: Project) -> Iterator[Diagnostic]:
    names = sorted(channel.name for channel in project.channels)
    for environment in project.config.environments.values():
        for channel in environment.channels:
            if channel in names:
                continue
            hint = did_you_mean(channel, names)
            listed = ", ".join(names) or "none"
            message = (
                f"environment {quoted(environment.name)} overrides the number of unknown channel "
                f"{escaped(channel)}{hint}; channels: {listed}"
            )
            location = _locate_key(project, "environments", environment.name, "channels", channel)
            yield Diagnostic.error(location, E103, message)


def _agent_mappings(project: Project) -> Iterator[Diagnostic]:
    used = sorted({action.agent for action in project.actions})
    look_alikes: dict[tuple[str, str], list[str]] = {}  # (agent, mapped) -> environments
    for environment in project.config.environments.values():
        if not environment.agents:
            continue  # no mapping at all: every agent is its own uid, by design
        for agent in used:
            if agent in environment.agents:
                continue
            mapped = confusable_with(agent, environment.agents)
            if mapped is not None:
                look_alikes.setdefault((agent, mapped), []).append(environment.name)
                continue
            location = _locate_key(project, "environments", environment.name, "agents")
            yield _unmapped_diagnostic(project, location, environment.name, agent, environment)
    for (agent, mapped), names in look_alikes.items():
        users = [action for action in project.actions if action.agent == agent]
        yield Diagnostic.error(
            users[0].locate("agent"), E110, _look_alike(agent, mapped, names, users)
        )


def _unmapped_diagnostic(
    project: Project, location: Location, name: str, agent: str, environment: Environment
) -> Diagnostic:
    """E104: deploy-breaking on OpenMic (plan fails, L801: no agent has the logical name
    as its uid), so an error there; the local platform deploys it to a new agent."""
    message = _unmapped(name, agent, environment.agents)
    if project.config.platform != "openmic":
        return Diagnostic.warning(location, E104, message)
    message += "; on OpenMic no agent has that uid, so plan would fail"
    return Diagnostic.error(location, E104, message)


def _unmapped(environment: str, agent: str, mapped: Iterable[str]) -> str:
    """Name the agent escaped (a non-ASCII letter must not pass for an ASCII one) and the
    mapped name it probably means."""
    hint = did_you_mean(agent, sorted(mapped))
    return (
        f"environment {quoted(environment)} maps agents but not {escaped(agent)}{hint}, "
        f"which actions use; it would be sent as uid {escaped(agent)} (add it under agents)"
    )


def _look_alike(agent: str, mapped: str, environments: list[str], users: list[Action]) -> str:
    where = ", ".join(quoted(name) for name in environments)
    others = f" ({len(users)} actions use it; this is the first)" if len(users) > 1 else ""
    return (
        f"agent {escaped(agent)} only looks like {quoted(mapped)}: the names differ in "
        f"look-alike characters or case (did you mean {quoted(mapped)}?); environment "
        f"{where} maps {quoted(mapped)} but not this name, so its actions would go to "
        f"platform agent uid {escaped(agent)}, which probably does not exist{others}"
    )


# Letters that look like Latin ones, after NFKC and case folding (so capitals are their
# lower-case forms: Cyrillic В folds to в, which stands for B).
_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "һ": "h", "н": "h", "і": "i", "ј": "j", "к": "k",
        "ӏ": "l", "м": "m", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "т": "t", "у": "y",
        "ԝ": "w", "х": "x", "с": "c", "ԁ": "d",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v",
        "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ζ": "z",
        # Latin without its dot
        "ı": "i",
    }
)  # fmt: skip


def skeleton(name: str) -> str:
    """What a name looks like on screen: NFKC (fullwidth and compatibility forms), case
    folded, invisible format characters (zero-width space, bidi marks) dropped,
    Cyrillic/Greek look-alike letters as the Latin ones."""
    text = unicodedata.normalize("NFKC", name).casefold()
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return visible.translate(_LOOK_ALIKES)


def confusable_with(name: str, names: Mapping[str, object] | Iterable[str]) -> str | None:
    """The first (sorted) other name that looks the same as ``name``, if any."""
    shape = skeleton(name)
    for other in sorted(names):
        if other != name and skeleton(other) == shape:
            return other
    return None
