"""Rule family 'phones' (N32x): phone numbers must be E.164 (``+`` country code number).

- N321 a channel's ``phone_number``;
- N322 a number written in an action: a custom ``recipient``, a handover
  ``phone_number``, a native tool's ``default_transfer_number``/``transfer_number``/
  ``to_number``/``from_number`` (templates are checked by the templates rule instead);
- N323 an environment's channel number override in actionctl.yaml;
- N324 such a number built from placeholders and text that cannot be part of a number
  (``contact{{ .parameters.x }}``): only a ``+`` and digits may stand around placeholders.
  UI-style fields are Go templates and are read with the template parser (a comment may
  hold a brace); native fields hold the platform's own ``{{x}}`` form;
- N325 warning: such a template outputs whitespace around the number (a tab before
  ``{{ .parameters.phone }}``): Go keeps it, the compiled number drops it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from compiler.canonical import PLACEHOLDER
from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import N321, N322, N323, N324, N325
from compiler.gotemplate.parser import parse_template
from compiler.model import Action, Project
from compiler.wording import quoted

# ASCII digits only and \Z, not $: "\d" admits other scripts' digits, "$" a trailing newline.
E164 = re.compile(r"\+[1-9][0-9]{6,14}\Z")
_SEPARATORS = re.compile(r"[\s().\-/]")
_NUMBER_TEXT = re.compile(r"\+?[0-9]*")  # what may stand next to placeholders in a number

# Where each action type writes phone numbers: paths into the document.
_NUMBER_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "send_text_message": (("recipient",),),
    "handover": (("phone_number",),),
    "openmic.transfer_call": (
        ("static_params", "default_transfer_number"),
        ("static_params", "transfer_number"),
    ),
    "openmic.send_sms": (("static_params", "to_number"), ("static_params", "from_number")),
}


def is_e164(number: str) -> bool:
    return bool(E164.match(number))


def check(project: Project) -> Iterable[Diagnostic]:
    for channel in project.channels:
        if not is_e164(channel.phone_number):
            message = _problem(f"channel {quoted(channel.name)} phone_number", channel.phone_number)
            yield Diagnostic.error(channel.source.locate("phone_number"), N321, message)
    for action in project.actions_read_in_full():
        yield from _check_action(action)
    yield from _check_overrides(project)


def _check_action(action: Action) -> Iterator[Diagnostic]:
    for path in _NUMBER_FIELDS.get(action.type, ()):
        value = _get(action.fields, path)
        if isinstance(value, str) and "{{" in value:
            yield from _check_templated(action, path, value)
            continue
        if not isinstance(value, str) or is_e164(value):
            continue
        if path == ("recipient",) and value == "contact":
            continue
        field = ".".join(path)
        message = _problem(f"{action.address} {field}", value)
        if path == ("recipient",):
            message += ' (or "contact" for the caller, or a template)'
        yield Diagnostic.error(action.locate(*path), N322, message)


def _check_templated(action: Action, path: tuple[str, ...], value: str) -> Iterator[Diagnostic]:
    """A number built from placeholders may only add a ``+`` and digits around them:
    ``contact{{x}}`` or ``tel:{{x}}`` can never be a phone number."""
    literal, output = _literal_and_output(action, value)
    field = ".".join(path)
    if not _NUMBER_TEXT.fullmatch(literal.strip()):
        message = (
            f"{action.address} {field} {quoted(value)} mixes placeholders with text that is "
            f"not part of a phone number ({quoted(literal.strip())}); use one placeholder "
            'alone, e.g. "{{ .parameters.phone }}", or "contact" for the caller'
        )
        yield Diagnostic.error(action.locate(*path), N324, message)
        return
    if output != output.strip():
        yield Diagnostic.warning(
            action.locate(*path),
            N325,
            f"{action.address} {field} {quoted(value)} outputs whitespace around the number "
            f"(Go keeps it, so the template means {quoted(output)}); the compiled number "
            f"drops it ({quoted(output.strip())}): remove the whitespace from the field",
        )


def _literal_and_output(action: Action, value: str) -> tuple[str, str]:
    """(the text around the placeholders, the whole output with placeholders kept).

    A UI-style field is a Go template: the parser tells text from comments, trims and
    actions (a brace inside a comment is not text). Actions in error are left out: the
    templates rule reports them. A native field holds the platform's ``{{x}}`` form."""
    if action.is_native:
        return PLACEHOLDER.sub("", value), value
    pieces = parse_template(value).pieces
    literal = "".join(piece.text for piece in pieces if piece.kind == "text")
    output = "".join(piece.text for piece in pieces if piece.kind in ("text", "reference"))
    return literal, output


def _check_overrides(project: Project) -> Iterator[Diagnostic]:
    source = project.config.source
    for environment in project.config.environments.values():
        for channel, number in environment.channels.items():
            if is_e164(number):
                continue
            location = (
                source.locate("environments", environment.name, "channels", channel)
                if source is not None
                else Location("actionctl.yaml")
            )
            what = f"environment {quoted(environment.name)} number for channel {quoted(channel)}"
            yield Diagnostic.error(location, N323, _problem(what, number))


def _problem(what: str, number: str) -> str:
    message = f"{what} {quoted(number)} is not an E.164 number (+ country code and number)"
    suggestion = _suggest(number)
    if suggestion:
        message += f'; write it as "{suggestion}"'
    return message


def _suggest(number: str) -> str | None:
    """A fix for common spellings: spaces/dashes/brackets, a 00 international prefix."""
    compact = _SEPARATORS.sub("", number)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact != number and is_e164(compact):
        return compact
    return None


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data
