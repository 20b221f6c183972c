"""Rule family 'channels' (N30x): messaging channels and the actions that use them.

- N301 ``messaging_channel`` names no channel (did-you-mean);
- N302 the channel has no ``sms`` capability;
- N303 two channel files declare the same name (both named), or names that only look
  alike (NFC and NFD, a Cyrillic "В" for a Latin "B", an invisible character);
- N304 warning: a send_text_message without ``messaging_channel`` uses the platform's
  default sender (not for ``platform: openmic``, where the agent's number always sends:
  there is nothing to choose, see C631).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import N301, N302, N303, N304
from compiler.lookalike import look_alike_key, look_alike_note
from compiler.model import Action, Channel, Project
from compiler.wording import did_you_mean, escaped, quoted


def check(project: Project) -> Iterable[Diagnostic]:
    yield from _duplicates(project.channels)
    by_name: dict[str, Channel] = {}
    for channel in project.channels:
        by_name.setdefault(channel.name, channel)
    for action in project.actions:
        if action.type == "send_text_message":
            yield from _check_reference(action, by_name, project.config.platform)


def _duplicates(channels: list[Channel]) -> Iterator[Diagnostic]:
    first: dict[str, Channel] = {}
    for channel in channels:
        earlier = first.setdefault(look_alike_key(channel.name), channel)
        if earlier is channel:
            continue
        where = str(earlier.source.locate("name"))
        if earlier.name != channel.name:
            where += f" as {quoted(earlier.name)}{look_alike_note(channel.name, earlier.name)}"
        yield Diagnostic.error(
            channel.source.locate("name"),
            N303,
            f"channel {quoted(channel.name)} is already declared at {where}; channel names must be "
            "unique",
        )


def _check_reference(
    action: Action, channels: dict[str, Channel], platform: str
) -> Iterator[Diagnostic]:
    name = action.fields.get("messaging_channel")
    if name is None and platform == "openmic":
        return
    if name is None:
        yield Diagnostic.warning(
            action.locate("type"),
            N304,
            f"{action.address} has no messaging_channel: the platform's default sender number "
            "is used (set messaging_channel to choose one)",
        )
        return
    channel = channels.get(name)
    if channel is None:
        yield Diagnostic.error(
            action.locate("messaging_channel"), N301, _unknown(name, sorted(channels))
        )
        return
    if "sms" not in channel.capabilities:
        has = ", ".join(channel.capabilities) or "none"
        yield Diagnostic.error(
            action.locate("messaging_channel"),
            N302,
            f"channel {quoted(name)} ({channel.source.locate('capabilities')}) cannot send SMS "
            f"(capabilities: {has}); add sms to its capabilities or pick another channel",
        )


def _unknown(name: str, known: list[str]) -> str:
    message = f"unknown channel {escaped(name)}"
    hint = did_you_mean(name, known)
    if hint:
        return message + hint
    if known:
        return f"{message}; channels: {', '.join(known)}"
    return f"{message}: the project has no channels (add one in channels/)"
