"""``actionctl compile``: the platform payloads for one environment, as JSON.

Output: one JSON object keyed ``agent/name`` (sorted), each value the tool's canonical
payload exactly as it would be sent to ``/agents/{agent_uid}/tools`` of the
environment's agent (``--env``). Nothing else is in it, so it diffs cleanly between
commits. Diagnostics (warnings, or the errors that stop it) go to stderr in
``--format``; with errors nothing is written and the exit code is 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from compiler.cli.context import AppContext, diagnostics_format_option, emit_diagnostics, pass_app
from compiler.diagnostics import DiagnosticError, has_errors, json_text, sorted_diagnostics


@click.command("compile")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON to FILE (atomically) instead of stdout.",
)
@diagnostics_format_option()
@pass_app
def command(app: AppContext, out: Path | None, fmt: str | None) -> int:
    """Print the platform API payloads as JSON, keyed by agent/name.

    \b
    Examples:
      actionctl compile
      actionctl --env prod compile --out build/tools.json
    """
    from compiler.cli.context import load_valid_project, select_environment
    from compiler.compile import compile_project

    try:
        project, warnings = load_valid_project(app)
        environment = select_environment(app, project)
    except DiagnosticError as error:
        emit_diagnostics(app, error.diagnostics, fmt=fmt)
        return 1
    result = compile_project(project, environment)
    diagnostics = sorted_diagnostics([*warnings, *result.diagnostics])
    emit_diagnostics(app, diagnostics, fmt=fmt)
    if has_errors(diagnostics):
        return 1
    payloads = {address: dict(tool.payload) for address, tool in result.tools.items()}
    text = json_text(payloads, indent=2) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return 0
    from compiler.atomic_write import write_atomically

    write_atomically(out, text)
    if not app.quiet:
        tools = f"{len(payloads)} tool" + ("" if len(payloads) == 1 else "s")
        click.echo(f"Wrote {tools} ({environment.name}) to {out}", err=True)
    return 0
