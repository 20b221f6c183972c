"""Rule family 'sms' (M51x): what a static SMS costs to send.

- M510 (warning) a static message longer than one SMS: names the encoding, the number
  of segments and, for UCS-2, the characters that force it. Placeholders are filled at
  call time, so only the literal text is counted and the figures say "at least".

Applies to send_text_message with a non-empty message and to native ``openmic.send_sms``
with ``static_params.type: static``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from compiler.canonical import normalize_placeholders
from compiler.diagnostics import Diagnostic, Location
from compiler.model import Action, Project
from compiler.sms import SmsAnalysis, analyze_sms
from compiler.templates import parse_template


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions:
        yield from check_action(action)


@dataclass(frozen=True)
class StaticText:
    literal: str  # the text without placeholders
    has_placeholders: bool
    location: Location


def static_text(action: Action) -> StaticText | None:
    """The static SMS text of an action, if it has one."""
    if action.type == "send_text_message":
        message = action.fields.get("message")
        if not isinstance(message, str) or not message.strip():
            return None
        parsed = parse_template(message)
        literal = parsed.literal_text
        return StaticText(literal, literal != message, action.locate("message"))
    if action.type == "openmic.send_sms":
        params = action.fields.get("static_params")
        if not isinstance(params, dict) or params.get("type", "static") != "static":
            return None
        message = params.get("message")
        if not isinstance(message, str):
            return None
        literal = _strip_platform_placeholders(message)
        return StaticText(literal, literal != message, action.locate("static_params", "message"))
    return None


def _strip_platform_placeholders(text: str) -> str:
    if "{{" not in text:
        return text
    normalized = normalize_placeholders(text)
    out, position = [], 0
    while (start := normalized.find("{{", position)) >= 0:
        end = normalized.find("}}", start)
        if end < 0:
            break
        out.append(normalized[position:start])
        position = end + 2
    out.append(normalized[position:])
    return "".join(out)


def check_action(action: Action) -> Iterator[Diagnostic]:
    text = static_text(action)
    if text is None:
        return
    analysis = analyze_sms(text.literal)
    if analysis.segments <= 1:
        return
    yield Diagnostic.warning(text.location, "M510", describe(analysis, text.has_placeholders))


def describe(analysis: SmsAnalysis, has_placeholders: bool) -> str:
    qualifier = "at least " if has_placeholders else ""
    unit = "septets" if analysis.encoding == "GSM-7" else "UTF-16 units"
    message = (
        f"message is sent as {qualifier}{analysis.segments} SMS segments "
        f"({analysis.encoding}, {qualifier}{analysis.units} {unit}, "
        f"{analysis.per_segment} per segment)"
    )
    if analysis.offending:
        chars = " ".join(repr(c) for c in analysis.offending[:10])
        message += f"; UCS-2 is forced by {chars}"
    if has_placeholders:
        message += "; placeholders not counted"
    return message
