"""Rule family 'templates' (T4xx): Go template placeholders in UI-style fields.

Template fields: send_text_message ``message``, ``prompt`` and a custom ``recipient``;
handover ``phone_number`` and ``routing_rules``. Each is parsed with positions
(``compiler.templates``); T401–T413 are the parser's errors, located in the file at
the offending ``{{`` (see ``locate_in_value`` for how block and quoted scalars map).

- T420 a ``{{ .parameters.x }}`` whose ``x`` the parameters schema does not declare;
- T421 (warning) a declared parameter that a static send_text_message never uses
  (message and recipient). Not in prompt mode: there parameters are inputs the agent
  fills, read by the model, not by the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from compiler.diagnostics import Diagnostic
from compiler.model import Action, Project
from compiler.templates import (
    PLATFORM_FORM,
    ParsedTemplate,
    TemplateError,
    locate_in_value,
    parse_template,
)
from compiler.validate.rules.parameters import declared_parameters, did_you_mean, is_prompt_mode

TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {
    "send_text_message": ("message", "recipient", "prompt"),
    "handover": ("phone_number", "routing_rules"),
}
_PLATFORM_NAME = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions:
        yield from check_action(action, project.root)


def template_fields(action: Action) -> Iterator[tuple[str, str]]:
    """(field, text) of every template field the action sets."""
    for field in TEMPLATE_FIELDS.get(action.type, ()):
        value = action.fields.get(field)
        if not isinstance(value, str):
            continue
        if field == "recipient" and value.strip() == "contact":
            continue
        yield field, value


def check_action(action: Action, root: Path | None = None) -> Iterator[Diagnostic]:
    declared = declared_parameters(action)
    used: set[str] = set()
    for field, text in template_fields(action):
        parsed = parse_template(text)
        yield from syntax_diagnostics(action, field, parsed, root, declared)
        for reference in parsed.references:
            if reference.scope != "parameters":
                continue
            used.add(reference.name)
            if reference.name in declared:
                continue
            yield Diagnostic.error(
                locate_in_value(action.source, (field,), reference.line, reference.column, root),
                "T420",
                f"{{{{ .parameters.{reference.name} }}}} refers to a parameter that "
                "parameters_schema does not declare" + did_you_mean(reference.name, declared),
            )
    if action.type == "send_text_message" and not is_prompt_mode(action):
        yield from _unused(action, declared - used)


def syntax_diagnostics(
    action: Action,
    field: str,
    parsed: ParsedTemplate,
    root: Path | None = None,
    declared: set[str] | None = None,
) -> Iterator[Diagnostic]:
    """One located error per template error of ``field``'s text."""
    for error in parsed.errors:
        yield Diagnostic.error(
            locate_in_value(action.source, (field,), error.line, error.column, root),
            error.code,
            _message(error, parsed.text, declared or set()),
        )


def _message(error: TemplateError, text: str, declared: set[str]) -> str:
    """A bare ``{{x}}`` gets the one fix that applies when ``x`` is a declared parameter."""
    if error.code != PLATFORM_FORM:
        return error.message
    match = _PLATFORM_NAME.match(text, error.offset)
    if match is None or match.group(1) not in declared:
        return error.message
    name = match.group(1)
    return (
        f"platform-style placeholder {{{{{name}}}}} in a UI-style field: write "
        f"{{{{ .parameters.{name} }}}} (a declared parameter)"
    )


def _unused(action: Action, unused: set[str]) -> Iterator[Diagnostic]:
    for name in sorted(unused):
        yield Diagnostic.warning(
            action.source.locate_key("parameters_schema", "properties", name),
            "T421",
            f"parameter {name!r} is declared but neither the message nor the recipient "
            f"uses it; reference it as {{{{ .parameters.{name} }}}} or remove it",
        )
