"""Rule family 'sms' (M51x, M525): what a static SMS costs to send.

Placeholders are filled at call time. A parameter whose schema bounds its value
(``maxLength``, or ``enum``) is counted at its longest: ``maxLength`` plain characters,
or the enum value that costs most. A placeholder with no bound (a conversation
variable, a parameter without either keyword) cannot be counted: the figures then say
"at least" and name it.

- M510 (warning) a static message longer than one SMS: names the encoding, the number
  of segments, the room left in the last segment, the GSM-7 extension characters (two
  septets each) and, for UCS-2, the characters that force it.
- M525 (warning) a message that fits one SMS only while its unbounded placeholders are
  empty: the room left is smaller than the number of such placeholders, so any real
  values make it two.

Applies to send_text_message with a non-empty message and to native ``openmic.send_sms``
with ``static_params.type: static``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.canonical import PLACEHOLDER
from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import M510, M525
from compiler.gotemplate.parser import parse_template
from compiler.model import Action, Project
from compiler.sms import SmsAnalysis, analyze_sms
from compiler.validate.rules.parameters import parameters_field

# A dict first: ``isinstance`` of an abstract class costs ~8x a concrete one.
_MAPPINGS = (dict, Mapping)

NO_ROOM = M525
_Part = tuple[str, str | None, bool]  # (literal text, placeholder name, is a parameter)


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions_read_in_full():
        yield from check_action(action)


@dataclass(frozen=True)
class StaticText:
    literal: str  # the text as sent, bounded placeholders at their longest, others empty
    has_placeholders: bool
    location: Location
    bounded: list[str] = field(default_factory=list)  # "{{x}} (maxLength 20)", ...
    unbounded: list[str] = field(default_factory=list)  # placeholder names not counted


def static_text(action: Action) -> StaticText | None:
    """The static SMS text of an action, if it has one, placeholders at their longest."""
    bounds = _bounds(action)
    if action.type == "send_text_message":
        message = action.fields.get("message")
        if not isinstance(message, str) or not message.strip():
            return None
        parts: list[_Part] = []
        for piece in parse_template(message).pieces:
            reference = piece.reference
            if reference is None:
                parts.append((piece.text if piece.kind == "text" else "", None, False))
            else:  # a conversation variable has no schema: never bounded
                parts.append(("", reference.name, reference.scope == "parameters"))
        return _static(parts, bounds, action.locate("message"))
    if action.type == "openmic.send_sms":
        params = action.fields.get("static_params")
        if not isinstance(params, dict) or params.get("type", "static") != "static":
            return None
        message = params.get("message")
        if not isinstance(message, str):
            return None
        return _static(_platform_parts(message), bounds, action.locate("static_params", "message"))
    return None


def _platform_parts(text: str) -> list[_Part]:
    """A native message: ``{{x}}`` is a parameter when the schema declares one."""
    parts: list[_Part] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append((text[position : match.start()], None, False))
        parts.append(("", match.group(1), True))
        position = match.end()
    parts.append((text[position:], None, False))
    return parts


def _static(parts: list[_Part], bounds: dict[str, tuple[str, str]], where: Location) -> StaticText:
    out: list[str] = []
    bounded: dict[str, str] = {}
    unbounded: dict[str, None] = {}
    for text, name, is_parameter in parts:
        out.append(text)
        if name is None:
            continue
        bound = bounds.get(name) if is_parameter else None
        if bound is None:
            unbounded[name] = None
            continue
        value, why = bound
        out.append(value)
        bounded.setdefault(name, f"{{{{{name}}}}} ({why})")
    has_placeholders = bool(bounded or unbounded)
    return StaticText(
        "".join(out), has_placeholders, where, list(bounded.values()), list(unbounded)
    )


def _bounds(action: Action) -> dict[str, tuple[str, str]]:
    """name -> (the costliest value the schema allows, why) for bounded parameters."""
    name = parameters_field(action)
    schema = action.fields.get(name) if name else None
    properties = schema.get("properties") if isinstance(schema, _MAPPINGS) else None
    if not isinstance(properties, _MAPPINGS):
        return {}
    bounds: dict[str, tuple[str, str]] = {}
    for key, spec in properties.items():
        bound = _bound(spec)
        if bound is not None:
            bounds[str(key)] = bound
    return bounds


def _bound(spec: Any) -> tuple[str, str] | None:
    if not isinstance(spec, _MAPPINGS):
        return None
    enum = spec.get("enum")
    if isinstance(enum, list) and enum:
        values = [_as_text(value) for value in enum]
        costliest = max(values, key=_cost)
        return costliest, f"enum, longest {costliest!r}"
    length = spec.get("maxLength")
    if isinstance(length, int) and not isinstance(length, bool) and 0 <= length <= 10_000:
        return "x" * length, f"maxLength {length}"
    return None


def _cost(value: str) -> tuple[bool, int]:
    analysis = analyze_sms(value)
    return analysis.encoding == "UCS-2", analysis.units


def _as_text(value: Any) -> str:
    """How a JSON value is written into the message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def check_action(action: Action) -> Iterator[Diagnostic]:
    text = static_text(action)
    if text is None:
        return
    analysis = analyze_sms(text.literal)
    if analysis.segments > 1:
        yield Diagnostic.warning(text.location, M510, describe(analysis, text))
    elif text.unbounded and analysis.room < len(text.unbounded):
        yield Diagnostic.warning(text.location, NO_ROOM, _no_room(analysis, text))


def describe(analysis: SmsAnalysis, text: StaticText) -> str:
    qualifier = "at least " if text.unbounded else ("up to " if text.bounded else "")
    unit = analysis.unit_name
    message = (
        f"message is sent as {qualifier}{analysis.segments} SMS segments "
        f"({analysis.encoding}, {qualifier}{analysis.units} {unit}, "
        f"{analysis.per_segment} per segment)"
    )
    if analysis.offending:
        chars = " ".join(repr(c) for c in analysis.offending[:10])
        message += f"; UCS-2 is forced by {chars}"
    message += _extension_note(analysis)
    if text.bounded:
        message += f"; counted at their longest: {', '.join(text.bounded)}"
    if text.has_placeholders:
        message += f"; {analysis.room} {unit} left in the last segment for values"
    if text.unbounded:
        names = ", ".join("{{" + name + "}}" for name in text.unbounded)
        message += f"; placeholders not counted (no maxLength or enum): {names}"
    return message


def _extension_note(analysis: SmsAnalysis) -> str:
    if not analysis.extension:
        return ""
    chars = " ".join(repr(c) for c in analysis.extension[:10])
    return f"; {chars} cost two septets each (GSM-7 extension table)"


def _no_room(analysis: SmsAnalysis, text: StaticText) -> str:
    names = ", ".join("{{" + name + "}}" for name in text.unbounded)
    return (
        f"message fits one SMS only while {names} stay empty: the text around them "
        f"takes {analysis.units} of {analysis.per_segment} {analysis.unit_name} "
        f"({analysis.room} left){_extension_note(analysis)}; any value makes it 2 "
        f"segments. Give the parameter a maxLength, or shorten the text"
    )
