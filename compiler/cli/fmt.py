"""``actionctl fmt [PATHS]...``: rewrite the project's YAML files in the canonical layout.

``--check`` (CI, the pre-commit hook) writes nothing, lists the files that would change
and exits 1 if any would; ``--diff`` prints what would change, writes nothing, exits 1
likewise. Each file is replaced atomically (compiler/atomic_write.py); a file that
cannot be read as YAML is reported and left as it is.
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
@click.option("--check", is_flag=True, help="Write nothing; list files that would change; exit 1.")
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
    from compiler.atomic_write import write_atomically
    from compiler.diagnostics import DiagnosticError, has_errors
    from compiler.fmt.layout import format_file

    root = app.project_dir
    files, problems = _files(root, paths)
    results = [format_file(path, _shown(root, path)) for path in files]
    diagnostics = problems + [d for result in results for d in result.diagnostics]
    changed = [result for result in results if result.changed]
    for result in changed:
        if show_diff:
            click.echo(_diff(result.file, result.original, result.formatted or ""), nl=False)
        elif check:
            click.echo(f"would reformat {result.file}")
        else:
            write_atomically(root / result.file, result.formatted or "")
            if not app.quiet:
                click.echo(f"reformatted {result.file}", err=True)
    emit_diagnostics(app, diagnostics, err=True)
    if not files and not paths:
        raise DiagnosticError(_no_files(root))
    if not app.quiet:
        left = sum(1 for result in results if result.formatted is None)
        click.echo(_summary(len(results), len(changed), left, check or show_diff), err=True)
    if has_errors(diagnostics):
        return 1
    return 1 if changed and (check or show_diff) else 0


def _files(root: Path, paths: tuple[Path, ...]) -> tuple[list[Path], list[Diagnostic]]:
    """The YAML files to format, and a diagnostic for each named path that is none
    (a path given by mistake must not pass as "already canonical")."""
    from compiler.diagnostics import Diagnostic, Location
    from compiler.diagnostics.codes import E107, E109
    from compiler.fmt.layout import yaml_files

    if not paths:
        return list(yaml_files(root)), []
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        shown = path.as_posix()
        if path.is_dir():
            found += [f for f in yaml_files(root) if _under(f, path)]
        elif not path.exists() and not (root / path).exists():
            problems.append(
                Diagnostic.error(Location(shown), E107, f"{shown}: no such file or directory")
            )
        elif path.suffix in (".yaml", ".yml"):
            found.append(path if path.is_absolute() or path.exists() else root / path)
        else:
            message = f"{shown} is not a YAML file; fmt formats only .yaml and .yml files"
            problems.append(Diagnostic.warning(Location(shown), E109, message))
    return list(dict.fromkeys(found)), problems


def _under(file: Path, folder: Path) -> bool:
    try:
        file.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _shown(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


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
