"""``actionctl render ACTION``: preview an SMS as it would be sent.

ACTION is ``agent/name`` or a name that only one agent uses. The preview is made from
the payload compiled for the selected environment (``compiler.compile.preview``); this module
only parses the values and prints the result. Problems are diagnostics (M520-M524) in
the ``--diagnostics-format``; when rendering fails nothing is printed on stdout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app

if TYPE_CHECKING:
    from compiler.compile.preview import RenderedSms
    from compiler.sms import SmsAnalysis


@click.command("render")
@click.argument("action_ref", metavar="ACTION")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="A variable value.")
@pass_app
def command(
    app: AppContext, action_ref: str, params: tuple[str, ...], variables: tuple[str, ...]
) -> int:
    """Preview an SMS message: text, encoding, segments.

    The message is filled from --param NAME=VALUE ({{ .parameters.NAME }}) and
    --var NAME=VALUE ({{ .variables.NAME }}, dotted names as written, e.g.
    --var call.from=+15551234567); the sender is the selected environment's
    (--env). In prompt mode the agent writes the text at call time: the instruction
    is shown.

    \b
    Examples:
      actionctl render support/send_booking_confirmation --param booking_reference=AB12
      actionctl --env prod render send_booking_confirmation --param booking_reference=AB12
      actionctl render send_directions_to_number --param phone_number=+15551234567
      actionctl render support/send_summary_sms
    """
    from compiler.cli.context import load_valid_project, select_environment
    from compiler.compile.preview import find_action, render_sms, terminal_safe
    from compiler.diagnostics import DiagnosticError

    param_values = _pairs(params, "--param")
    var_values = _pairs(variables, "--var")
    project, warnings = load_valid_project(app)
    environment = select_environment(app, project)
    emit_diagnostics(app, warnings)
    action = find_action(project, action_ref)
    rendered = render_sms(action, project, environment, param_values, var_values)
    if not rendered.ok:
        raise DiagnosticError(rendered.diagnostics)
    emit_diagnostics(app, rendered.diagnostics)
    click.echo(terminal_safe("\n".join(_lines(rendered))))
    return 0


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        pairs[name.strip()] = text
    return pairs


def _lines(rendered: RenderedSms) -> list[str]:
    lines = [f"{rendered.address} ({rendered.environment})"]
    recipient = "the caller (contact)" if rendered.recipient is None else rendered.recipient
    lines.append(f"To:   {recipient}")
    lines.append(f"From: {_sender(rendered)}")
    if rendered.analysis is None:
        lines += ["", "The agent writes this SMS at call time (prompt mode); its instruction:"]
        return [*lines, rendered.text]
    return [*lines, "", rendered.text, "", *_analysis_lines(rendered.analysis)]


def _sender(rendered: RenderedSms) -> str:
    if rendered.sender is None:
        return "the platform's default sender"
    if rendered.sender_channel is None:
        return rendered.sender
    return f"{rendered.sender} ({rendered.sender_channel})"


def _analysis_lines(analysis: SmsAnalysis) -> list[str]:
    unit = "septets" if analysis.encoding == "GSM-7" else "UTF-16 units"
    lines = [
        f"Encoding:   {analysis.encoding}",
        f"Characters: {analysis.characters}",
        f"Units:      {analysis.units} {unit}",
        f"Segments:   {analysis.segments} ({analysis.per_segment} {unit} per segment)",
    ]
    if analysis.offending:
        chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in analysis.offending)
        lines.append(f"UCS-2 because of: {chars}")
    return lines
