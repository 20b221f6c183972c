"""Pieces every UI-style builder shares: speak flags, the parameters schema, templates,
the messaging channel's number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from compiler.canonical import empty_parameters
from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import C610
from compiler.gotemplate.parser import parse_template, to_platform
from compiler.model import Action, Environment, Project
from compiler.validate.rules.templates import scope_conflicts, syntax_diagnostics
from compiler.wording import did_you_mean

# A dict first: ``isinstance`` of an abstract class costs ~8x a concrete one.
_MAPPINGS = (dict, Mapping)


def speak_flags(action: Action, *, during: bool, after: bool) -> dict[str, bool]:
    """Always explicit: the action's own values, else this type's dashboard defaults."""
    fields = action.fields
    return {
        "speak_during_execution": _flag(fields.get("speak_during_execution"), during),
        "speak_after_execution": _flag(fields.get("speak_after_execution"), after),
        "async": _flag(fields.get("async"), False),
    }


def _flag(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def parameters(action: Action) -> dict[str, Any]:
    schema = action.fields.get("parameters_schema")
    if isinstance(schema, _MAPPINGS) and schema:
        return dict(schema)  # canonical_tool rebuilds it, nested values included
    return empty_parameters()


def text(action: Action, name: str) -> str:
    value = action.fields.get(name)
    return value if isinstance(value, str) else ""


def template(
    action: Action, name: str, project: Project, diagnostics: list[Diagnostic]
) -> str | None:
    """The field's text with references in the platform's form; None (and located
    errors appended to ``diagnostics``) when it holds anything but references."""
    value = text(action, name)
    if "{" not in value and "}" not in value:
        return value
    parsed = parse_template(value)
    problems = [
        *syntax_diagnostics(action, name, parsed, project.root),
        *scope_conflicts(action, name, project.root),
    ]
    if problems:
        diagnostics.extend(problems)
        return None
    return to_platform(value)


def channel_number(
    action: Action,
    project: Project,
    environment: Environment,
    diagnostics: list[Diagnostic],
) -> str | None:
    """The messaging channel's number in ``environment`` (its override, else the file's)."""
    name = action.fields.get("messaging_channel")
    if not isinstance(name, str):
        return None
    channel = project.channel(name)
    if channel is None:
        known = [c.name for c in project.channels]
        diagnostics.append(
            Diagnostic.error(
                action.locate("messaging_channel"),
                C610,
                f"messaging channel {name!r} is not defined in channels/"
                + did_you_mean(name, known),
            )
        )
        return None
    return environment.channels.get(name, channel.phone_number)
