"""``actionctl apply --revert PLANFILE``: undo an applied plan.

The revert plan is built from the saved plan's ``before`` (``compiler.plan.revert``)
against the live tools read now; it is refused (L850, exit 3, nothing changed) when a
tool changed since the apply. Then it is shown, confirmed and applied exactly as
``apply`` does with a fresh plan (stale check, locks, retries, read-back).
"""

from __future__ import annotations

from pathlib import Path

import click

from compiler.cli.context import AppContext, emit_diagnostics
from compiler.diagnostics.codes import L850

EXIT_ERROR = 1
EXIT_STALE = 3


def revert(
    app: AppContext,
    planfile: Path,
    *,
    auto_approve: bool,
    allow_empty: bool,
    parallelism: int,
) -> int:
    from compiler.cli.apply import (
        _apply,
        _check_target,
        _confirmed,
        _refused_before_asking,
        _saved_plan,
    )
    from compiler.cli.plan import connected, show_plan
    from compiler.diagnostics import Diagnostic, DiagnosticError, Location, has_errors
    from compiler.plan.live import read_live
    from compiler.plan.revert import agents_of, revert_plan

    saved, project, environment = _saved_plan(app, planfile)
    if not saved.has_changes:
        click.echo("Nothing to revert: the plan has no changes.")
        return 0
    with connected(app, project, environment) as platform:
        _check_target(saved, platform, planfile)
        live = read_live(platform, agents_of(saved))
        if has_errors(live.diagnostics):
            raise DiagnosticError(live.diagnostics)
        plan, reasons = revert_plan(saved, live)
        if reasons:
            where = Location(str(planfile))
            stale = [Diagnostic.error(where, L850, f"cannot revert: {r}") for r in reasons]
            emit_diagnostics(app, stale, err=True)
            return EXIT_STALE
        asking = not auto_approve and plan.has_changes
        if not app.quiet or asking:
            click.echo(f"Reverting {planfile}:", err=True)
            show_plan(app, plan, "text")
        if asking and _refused_before_asking(app, plan, allow_empty, str(planfile)):
            return EXIT_ERROR
        if asking and not _confirmed(app, plan):
            return EXIT_ERROR
        return _apply(app, platform, plan, allow_empty, parallelism, str(planfile))
