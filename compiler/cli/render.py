"""``actionctl render ACTION``: preview an SMS as it would be sent.

ACTION is ``agent/name`` or a name that only one agent uses. A static message is filled
from ``--param name=value`` (``{{ .parameters.name }}``) and ``--var name=value``
(``{{ .variables.name }}``, dotted names as written: ``--var call.from=+1555...``); a
reference with no value is an error that lists every value needed. Native
``openmic.send_sms`` placeholders ``{{x}}`` take a ``--param`` or ``--var`` named ``x``.
In prompt mode the agent writes the text at call time: the instruction is shown.
Then: encoding (GSM-7 or UCS-2), characters, units, segments, and the characters that
force UCS-2.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app
from compiler.model import Action, Project
from compiler.sms import analyze_sms
from compiler.templates import Rendered, parse_template, render

_PLATFORM_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}")


@click.command("render")
@click.argument("action_ref", metavar="ACTION")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="A variable value.")
@pass_app
def command(
    app: AppContext, action_ref: str, params: tuple[str, ...], variables: tuple[str, ...]
) -> int:
    """Preview an SMS message: text, encoding, segments.

    \b
    Examples:
      actionctl render support/send_booking_confirmation --param booking_reference=AB12
      actionctl render send_callback_sms --var call.from=+15551234567
    """
    from compiler.cli.context import load_valid_project, select_environment

    param_values = _pairs(params, "--param")
    var_values = _pairs(variables, "--var")
    project, warnings = load_valid_project(app)
    environment = select_environment(app, project)
    emit_diagnostics(app, warnings)
    action = _find(project, action_ref)
    if action.type not in ("send_text_message", "openmic.send_sms"):
        raise click.ClickException(
            f"{action.address} is a {action.type} action; render previews SMS messages "
            "(send_text_message, openmic.send_sms)"
        )
    click.echo(f"{action.address} ({environment.name})")
    if action.type == "openmic.send_sms":
        return _render_native(action, param_values, var_values)
    return _render_ui(project, environment.channels, action, param_values, var_values)


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        pairs[name.strip()] = text
    return pairs


def _find(project: Project, ref: str) -> Action:
    if "/" in ref:
        matches = [a for a in project.actions if a.address == ref]
    else:
        matches = [a for a in project.actions if a.name == ref]
    if len(matches) == 1:
        return matches[0]
    if matches:
        options = ", ".join(sorted(a.address for a in matches))
        raise click.ClickException(f"{ref!r} is ambiguous: write one of {options}")
    known = [a.address for a in project.actions] + [a.name for a in project.actions]
    close = difflib.get_close_matches(ref, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise click.ClickException(f"no action {ref!r} in this project{hint}")


def _render_ui(
    project: Project,
    overrides: Mapping[str, str],
    action: Action,
    params: dict[str, str],
    variables: dict[str, str],
) -> int:
    from compiler.compile.send_text_message import derived_instruction

    fields = action.fields
    message = fields.get("message") if isinstance(fields.get("message"), str) else ""
    if not message.strip():
        prompt = fields.get("prompt")
        instruction = prompt if isinstance(prompt, str) and prompt.strip() else None
        click.echo("The agent writes this SMS at call time (prompt mode); its instruction:")
        click.echo(instruction or derived_instruction(action))
        return 0
    recipient = fields.get("recipient", "contact")
    recipient = recipient.strip() if isinstance(recipient, str) else "contact"
    rendered_to = None if recipient == "contact" else render(recipient, params, variables)
    rendered = render(message, params, variables)
    missing = [*(rendered_to.missing if rendered_to else []), *rendered.missing]
    if missing:
        needed = ", ".join(
            dict.fromkeys(
                f"--{'param' if m.scope == 'parameters' else 'var'} {m.name}=VALUE" for m in missing
            )
        )
        raise click.ClickException(f"values needed to render {action.address}: {needed}")
    _unused(params, variables, [message, recipient])
    click.echo(f"To:   {'the caller (contact)' if rendered_to is None else rendered_to.text}")
    click.echo(f"From: {_sender(project, overrides, fields.get('messaging_channel'))}")
    _report(rendered)
    return 0


def _sender(project: Project, overrides: Mapping[str, str], name: object) -> str:
    if not isinstance(name, str):
        return "the platform's default sender"
    channel = project.channel(name)
    number = overrides.get(name, channel.phone_number if channel else "?")
    return f"{number} ({name})"


def _render_native(action: Action, params: dict[str, str], variables: dict[str, str]) -> int:
    static_params = action.fields.get("static_params")
    static_params = static_params if isinstance(static_params, Mapping) else {}
    message = static_params.get("message")
    message = message if isinstance(message, str) else ""
    if static_params.get("type") == "prompt":
        click.echo("The agent writes this SMS at call time (prompt mode); its instruction:")
        click.echo(message)
        return 0
    values = {**variables, **params}
    missing = sorted({m for m in _PLATFORM_PLACEHOLDER.findall(message) if m not in values})
    if missing:
        needed = ", ".join(f"--param {name}=VALUE" for name in missing)
        raise click.ClickException(f"values needed to render {action.address}: {needed}")
    text = _PLATFORM_PLACEHOLDER.sub(lambda m: values[m.group(1)], message)
    _report(Rendered(text, []))
    return 0


def _unused(params: dict[str, str], variables: dict[str, str], templates: list[str]) -> None:
    used = {(r.scope, r.name) for t in templates for r in parse_template(t).references}
    for option, scope, names in (
        ("--param", "parameters", params),
        ("--var", "variables", variables),
    ):
        for name in names:
            if (scope, name) not in used:
                click.echo(f"warning: {option} {name} is not used by this message", err=True)


def _report(rendered: Rendered) -> None:
    analysis = analyze_sms(rendered.text)
    unit = "septets" if analysis.encoding == "GSM-7" else "UTF-16 units"
    click.echo("")
    click.echo(rendered.text)
    click.echo("")
    click.echo(f"Encoding:   {analysis.encoding}")
    click.echo(f"Characters: {analysis.characters}")
    click.echo(f"Units:      {analysis.units} {unit}")
    click.echo(f"Segments:   {analysis.segments} ({analysis.per_segment} {unit} per segment)")
    if analysis.offending:
        chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in analysis.offending)
        click.echo(f"UCS-2 because of: {chars}")
