"""``actionctl drift``: compare the live tools with the configuration at a git ref.

For a schedule: every difference is drift (an edit made outside git). The report goes
to stdout in ``--format``; exit 0 no drift, 2 drift found, 1 error. The configuration
is read from git objects at ``--ref`` (default HEAD), never from the working tree; a
REF without the project is E111 (exit 1), as ``plan`` outside a project: "no drift"
against nothing would pass a check pointed at the wrong --project. Where to connect and
with which key come from the working tree, never from REF.
"""

from __future__ import annotations

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app

EXIT_DRIFT = 2


@click.command(
    epilog="""\b
Examples:
  actionctl drift                              live vs HEAD, for people
  actionctl drift --ref origin/main --format markdown > drift.md
  actionctl --env prod drift --format json     exit 2 when there is drift (schedules)
"""
)
@click.option(
    "--ref",
    default="HEAD",
    show_default=True,
    metavar="REF",
    help="Git revision whose configuration the live tools should match.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="How the report is printed on stdout.",
)
@click.option(
    "--prune/--no-prune",
    default=None,
    help="Count live tools no file declares as drift (default: the project's prune).",
)
@pass_app
def command(app: AppContext, ref: str, fmt: str, prune: bool | None) -> int:
    """Report live tools that differ from the configuration in git (exit 2: drift)."""
    from compiler.diagnostics import DiagnosticError
    from compiler.plan.at_ref import moved_note, project_at, with_working_tree_connection
    from compiler.plan.drift_report import render
    from compiler.plan.make import make_plan
    from compiler.plan.model import BaseNote
    from compiler.plan.threeway import ThreeWay, classify
    from compiler.platform.connect import connect

    with project_at(app.project_dir, ref, allow_empty=False) as at_ref:
        project = with_working_tree_connection(at_ref.project, app.project_dir)
        environment = project.config.environment(app.env)
        if environment is None:
            from compiler.cli.context import unknown_environment

            raise DiagnosticError([unknown_environment(app, project)])
        use_prune = project.config.prune if prune is None else prune
        # The real project directory, not the export: the local platform keeps its
        # state there.
        platform = connect(project.config, environment, app.project_dir, verbose=app.verbose)
        try:
            plan, diagnostics = make_plan(project, environment, platform, prune=use_prune)
        finally:
            platform.close()
        revision = at_ref.revision
        moved = list(moved_note(at_ref))  # read from the project's earlier place: L835
    # Planned from the configuration at REF: it is both the base and the "branch".
    at_base = {(c.agent_uid, c.name): c.after for c in plan.changes if c.after is not None}
    notes = tuple(BaseNote.of(note) for note in moved)  # in the report, too
    plan.three_way = ThreeWay(revision.ref, revision.commit, classify(plan, at_base), notes)
    emit_diagnostics(app, [*moved, *diagnostics], err=True)
    click.echo(render(plan, fmt), nl=False)
    return EXIT_DRIFT if plan.three_way.tools else 0
