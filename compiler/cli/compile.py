"""``actionctl compile``: the platform payloads for one environment, as JSON.

Output: one JSON object keyed ``agent/name`` (sorted), each value the tool's canonical
payload exactly as it would be sent to ``/agents/{agent_uid}/tools`` of the
environment's agent (``--env``). Nothing else is in it, so it diffs cleanly between
commits. Diagnostics (warnings, or the errors that stop it) go to stderr in
``--format``; with errors nothing is written and the exit code is 1. Each payload is
written as it is compiled, through a temporary file (``compiler/compile/output.py``), so
memory does not hold the whole document.
"""

from __future__ import annotations

from pathlib import Path

import click

from compiler.cli.context import AppContext, diagnostics_format_option, emit_diagnostics, pass_app
from compiler.diagnostics import has_errors


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
    from compiler.compile.output import compile_to, copy_out

    compiled = compile_to(app.project_dir, app.env, out)
    emit_diagnostics(app, compiled.diagnostics, fmt=fmt)
    if has_errors(compiled.diagnostics):
        return 1
    if compiled.text is not None:
        copy_out(compiled.text, lambda chunk: click.echo(chunk, nl=False))
    if out is not None and not app.quiet:
        tools = f"{compiled.tools} tool" + ("" if compiled.tools == 1 else "s")
        click.echo(f"Wrote {tools} ({compiled.environment}) to {out}", err=True)
    return 0
