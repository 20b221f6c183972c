"""``actionctl validate [PATHS]...``: schema and semantic checks, no network.

The whole project is always loaded and checked, so references resolve across files;
with PATHS (or ``--changed``) only the diagnostics those files involve are reported
(compiler.validate.involved): theirs, and those elsewhere that refer to a name they
declare or declared before the change, which is what a pre-commit hook needs. Diagnostics go
to stdout; the exit code is 1 when any reported diagnostic is an error. The use case is
``compiler.compile.checks.validate``; this module parses, calls it and prints.
"""

from __future__ import annotations

from pathlib import Path

import click

from compiler.cli.context import AppContext, diagnostics_format_option, emit_diagnostics, pass_app
from compiler.diagnostics import Severity, has_errors


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--changed",
    is_flag=True,
    help="Also check what git says changed (deleted and renamed files too); the hook's mode.",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1), as errors do.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read every file in full; with PATHS, the cache in .actionctl/cache/ is not used.",
)
@diagnostics_format_option("Output format (default: --diagnostics-format, text).")
@pass_app
def command(
    app: AppContext,
    paths: tuple[Path, ...],
    changed: bool,
    strict: bool,
    no_cache: bool,
    fmt: str | None,
) -> int:
    """Check action and channel files (schema, references, names, numbers, templates).

    With PATHS, report what involves those files: their own diagnostics, and those of
    other files that refer to a name they declare, or declared before the change (git's
    HEAD): renaming a channel reports the actions that still name the old one.
    References resolve across the whole project; with PATHS, files the change does not
    involve come from a per-file cache (.actionctl/cache/, checked by content hash), so
    the hook costs about what the changed files cost.

    \b
    Examples:
      actionctl validate
      actionctl validate actions/support/send_booking_confirmation.yaml --format github
      actionctl validate --changed     files git sees changed, deleted ones included
    Exit codes: 0 clean or warnings only, 1 errors (or warnings, with --strict).
    Rules of actionctl.yaml and `# actionctl: ignore[CODE]` comments apply first.
    """
    from compiler.compile.checks import validate

    fmt = fmt or app.diagnostics_format
    result = validate(
        app.project_dir, environment=app.env, paths=paths, changed=changed, use_cache=not no_cache
    )
    emit_diagnostics(app, result.diagnostics, fmt=fmt, err=False)
    if has_errors(result.diagnostics) or (
        strict and any(d.severity is Severity.WARNING for d in result.diagnostics)
    ):
        return 1
    if fmt == "text" and not app.quiet and result.checked is not None:
        click.echo(result.checked)
    return 0
