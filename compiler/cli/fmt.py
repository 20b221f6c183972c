"""``actionctl fmt [PATHS]...``: rewrite the project's YAML files in the canonical layout.

``--check`` (CI, the pre-commit hook) rewrites nothing, lists the files that would
change and exits 1 if any would; ``--diff`` prints what would change, rewrites nothing,
exits 1 likewise. (Both keep a store of the files found canonical, in
``.actionctl/cache/``, so an unchanged file is not laid out again.) Each file is
replaced atomically (compiler/atomic_write.py); a file that cannot be read as YAML is
reported and left as it is. Only the project's own files are touched, found as the
loader finds them (compiler/fmt/targets.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app

if TYPE_CHECKING:
    from compiler.diagnostics import Diagnostic


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Rewrite nothing; list files that would change; exit 1."
)
@click.option(
    "--diff", "show_diff", is_flag=True, help="Print the changes as a diff; write nothing."
)
@pass_app
def command(app: AppContext, paths: tuple[Path, ...], check: bool, show_diff: bool) -> int:
    """Lay the YAML files out canonically (key order, indentation, quoting; comments kept).

    Without PATHS: actionctl.yaml, channels/*.yaml and actions/**/*.yaml of the project.

    \b
    Examples:
      actionctl fmt                  rewrite what is not canonical
      actionctl fmt --check          CI: list files that would change, exit 1 if any
      actionctl fmt --diff actions/support/
    Exit codes: 0 canonical (or rewritten), 1 would change (--check, --diff) or errors.
    """
    from compiler.diagnostics import DiagnosticError, has_errors
    from compiler.fmt.run import format_project

    root = app.project_dir
    run = format_project(root, paths, write=not (check or show_diff))
    for result in run.changed:
        if show_diff:
            click.echo(_diff(result.file, result.original, result.formatted or ""), nl=False)
        elif check:
            click.echo(f"would reformat {result.file}")
        elif not app.quiet:
            click.echo(f"reformatted {result.file}", err=True)
    emit_diagnostics(app, run.diagnostics, err=True)
    if run.found_nothing:
        raise DiagnosticError(_no_files(root))
    if not app.quiet:
        left = sum(1 for result in run.results if result.formatted is None)
        dry = check or show_diff
        click.echo(_summary(len(run.results), len(run.changed), left, dry), err=True)
    if has_errors(run.diagnostics):
        return 1
    return 1 if run.changed and (check or show_diff) else 0


def _diff(file: str, before: str, after: str) -> str:
    import difflib  # only --diff needs it

    lines = difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{file}", f"b/{file}"
    )
    return "".join(lines)


def _summary(total: int, changed: int, left: int, dry: bool) -> str:
    # a file left as it is (errors above) is neither reformatted nor canonical
    canonical = total - changed - left
    parts = [f"{canonical} already canonical"]
    if changed:
        verb = "would be reformatted" if dry else "reformatted"
        parts.insert(0, f"{_count(changed, 'file')} {verb}")
    else:
        parts[0] = f"{_count(canonical, 'file')} already canonical"
    if left:
        parts.append(f"{left} left as {'it is' if left == 1 else 'they are'} (errors above)")
    return ", ".join(parts)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _no_files(root: Path) -> list[Diagnostic]:
    from compiler.diagnostics import Diagnostic, Location
    from compiler.diagnostics.codes import E111

    # Word for word the loader's E111, so every command says it the same way.
    message = (
        "not an actionctl project: looked for actionctl.yaml, channels/*.yaml and "
        f"actions/**/*.yaml in {root.resolve().as_posix()} and found none; is --project "
        "right? (`actionctl init` starts a project)"
    )
    return [Diagnostic.error(Location(root.as_posix()), E111, message)]
