"""Rule family 'templates' (T4xx): Go template placeholders in UI-style fields.

Template fields: send_text_message ``message``, ``prompt`` and a custom ``recipient``;
handover ``phone_number`` and ``routing_rules``. Each is parsed with positions
(``compiler.gotemplate.parser``); T401–T419 (T414 aside) are the parser's errors, located at
the offending ``{{`` (see ``compiler.gotemplate.positions`` for how every scalar style maps).

- T414 a ``{{ .variables.N }}`` where ``N`` is also a parameter (declared, or referenced
  as ``{{ .parameters.N }}`` in the action): both become ``{{N}}`` on the platform, which
  cannot tell them apart;
- T420 a ``{{ .parameters.x }}`` whose ``x`` the parameters schema does not declare;
- T421 (warning) a declared parameter that a static send_text_message never uses
  (message and recipient). Not in prompt mode: there parameters are inputs the agent
  fills, read by the model, not by the template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import T420, T421
from compiler.gotemplate.parser import (
    MAX_ERRORS,
    PLATFORM_FORM,
    SCOPE_CONFLICT,
    TOO_MANY_ERRORS,
    UNKNOWN_SCOPE,
    ParsedTemplate,
    TemplateError,
    TemplateReference,
    locate_in_value,
    parse_template,
)
from compiler.model import Action, Project
from compiler.validate.rules.parameters import declared_parameters, is_prompt_mode
from compiler.wording import did_you_mean

TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {
    "send_text_message": ("message", "recipient", "prompt"),
    "handover": ("phone_number", "routing_rules"),
}


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions_read_in_full():
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
    parsed_fields = [(field, parse_template(text)) for field, text in template_fields(action)]
    parameters = _parameter_names(parsed_fields, declared)
    typos: dict[str, Diagnostic] = {}  # parameter -> the syntax error that misspells its use
    for field, parsed in parsed_fields:
        for diagnostic in syntax_diagnostics(action, field, parsed, root, declared):
            fixed = _FIXED_USE.search(diagnostic.message)
            if fixed is not None:
                typos.setdefault(fixed.group(1), diagnostic)
            yield diagnostic
        problems = _reference_problems(parsed, declared, parameters)
        yield from _located(action, field, problems, declared, parameters, root)
        # a variable named like a declared parameter is T414, not an unused parameter
        used.update(reference.name for reference in parsed.references)
    if action.type == "send_text_message" and not is_prompt_mode(action):
        for name in sorted(declared - used):
            unused = _unused(action, name)
            # "declared but unused" because its one use is misspelt: the typo comes first
            cause = typos.get(name)
            yield unused if cause is None else unused.because_of(cause)


# The fix a syntax error gives for a misspelt use of a parameter: ``{{ .parameters.x }}``.
_FIXED_USE = re.compile(r"write \{\{ \.parameters\.(\w+) \}\}")


def _parameter_names(
    parsed_fields: list[tuple[str, ParsedTemplate]], declared: set[str]
) -> dict[str, TemplateReference | None]:
    """Every parameter name of the action: referenced (first reference) or declared."""
    names: dict[str, TemplateReference | None] = dict.fromkeys(declared)
    for _, parsed in parsed_fields:
        for reference in parsed.references:
            if reference.scope == "parameters" and names.get(reference.name) is None:
                names[reference.name] = reference
    return names


def _reference_problems(
    parsed: ParsedTemplate, declared: set[str], parameters: Mapping[str, object]
) -> list[tuple[str, TemplateReference]]:
    """(T414 or T420, reference) for each reference of a field that is wrong, in order."""
    problems: list[tuple[str, TemplateReference]] = []
    for reference in parsed.references:
        if reference.scope == "variables":
            if reference.name in parameters:
                problems.append((SCOPE_CONFLICT, reference))
        elif reference.name not in declared:
            problems.append((T420, reference))
    return problems


def _located(
    action: Action,
    field: str,
    problems: list[tuple[str, TemplateReference]],
    declared: set[str],
    parameters: dict[str, TemplateReference | None],
    root: Path | None,
) -> Iterator[Diagnostic]:
    """The first ``MAX_ERRORS`` problems as located errors, then how many more (T419):
    building a message costs a did-you-mean search, so the rest are only counted."""
    for code, reference in problems[:MAX_ERRORS]:
        where = locate_in_value(action.source, (field,), reference.line, reference.column, root)
        if code == SCOPE_CONFLICT:
            message = _conflict_message(reference.name, parameters[reference.name])
        else:
            message = (
                f"{{{{ .parameters.{reference.name} }}}} refers to a parameter that "
                "parameters_schema does not declare" + did_you_mean(reference.name, declared)
            )
        yield Diagnostic.error(where, code, message)
    hidden = len(problems) - MAX_ERRORS
    if hidden > 0:
        last = problems[MAX_ERRORS - 1][1]
        yield Diagnostic.error(
            locate_in_value(action.source, (field,), last.line, last.column, root),
            TOO_MANY_ERRORS,
            f"{hidden} more reference error{'s' if hidden > 1 else ''} (T414/T420) in this "
            f"field not shown (the first {MAX_ERRORS} are); fix those and validate again",
        )


def _conflict_message(name: str, parameter: TemplateReference | None) -> str:
    how = (
        f"{{{{ .parameters.{name} }}}} is also used"
        if parameter is not None
        else f"{name!r} is a declared parameter"
    )
    return (
        f"{{{{ .variables.{name} }}}} and the parameter {name!r} ({how}) both become "
        f"{{{{{name}}}}} on the platform, which cannot tell them apart; rename the "
        "parameter, or use one of the two"
    )


def scope_conflicts(action: Action, field: str, root: Path | None = None) -> list[Diagnostic]:
    """T414 for ``field`` of ``action`` (compile refuses what validate reports)."""
    declared = declared_parameters(action)
    parsed_fields = [(name, parse_template(text)) for name, text in template_fields(action)]
    parameters = _parameter_names(parsed_fields, declared)
    diagnostics: list[Diagnostic] = []
    for name, parsed in parsed_fields:
        if name != field:
            continue
        problems = _reference_problems(parsed, declared, parameters)
        conflicts = [problem for problem in problems if problem[0] == SCOPE_CONFLICT]
        diagnostics += _located(action, name, conflicts, declared, parameters, root)
    return diagnostics


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
    """A bare ``{{x}}`` or ``{{ .x }}`` gets the one fix that applies when ``x`` is a
    declared parameter."""
    if error.code == UNKNOWN_SCOPE:
        return _scope_missing(error.message, declared)
    if error.code != PLATFORM_FORM:
        return error.message
    name = error.message.split("{{", 1)[1].split("}}", 1)[0] if "{{" in error.message else ""
    if name not in declared:
        return error.message
    return (
        f"platform-style placeholder {{{{{name}}}}} in a UI-style field: write "
        f"{{{{ .parameters.{name} }}}} (a declared parameter)"
    )


def _scope_missing(message: str, declared: set[str]) -> str:
    """``{{ .dentist }}`` where ``dentist`` is declared: the ``.parameters`` is missing."""
    match = _SCOPELESS.match(message)
    if match is None or match.group(1) not in declared:
        return message
    name = match.group(1)
    return (
        f"{{{{ .{name} }}}} is not a reference the platform can fill: write "
        f"{{{{ .parameters.{name} }}}} (a declared parameter)"
    )


_SCOPELESS = re.compile(r"\{\{ \.(\w+) \}\} is not a reference")


def _unused(action: Action, name: str) -> Diagnostic:
    return Diagnostic.warning(
        action.source.locate_key("parameters_schema", "properties", name),
        T421,
        f"parameter {name!r} is declared but neither the message nor the recipient "
        f"uses it; reference it as {{{{ .parameters.{name} }}}} or remove it",
    )
