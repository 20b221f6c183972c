"""``actionctl validate [PATHS]...``: schema and semantic checks, no network.

References always resolve across the whole project; with PATHS only diagnostics
located in those files (or under those directories) are reported, which is what a
pre-commit hook with ``pass_filenames`` needs. Then the other files come from the
per-file cache in ``.actionctl/cache/`` when unchanged (``compiler/load/cache.py``), so
the hook costs about what the named files cost. Diagnostics go
to stdout; the exit code is 1 when any reported diagnostic is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.cli.context import AppContext, diagnostics_format_option, emit_diagnostics, pass_app
from compiler.diagnostics import Diagnostic, Location, has_errors, sorted_diagnostics

if TYPE_CHECKING:
    from compiler.load.cache import FileCache
    from compiler.model import Project


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@diagnostics_format_option("Output format (default: --diagnostics-format, text).")
@pass_app
def command(app: AppContext, paths: tuple[Path, ...], fmt: str | None) -> int:
    """Check action and channel files (schema, references, names, numbers, templates).

    With PATHS, report only on those files (references still resolve across the
    whole project).

    \b
    Examples:
      actionctl validate
      actionctl validate actions/support/send_booking_confirmation.yaml --format github
    Exit codes: 0 clean or warnings only, 1 errors.
    """
    from compiler.cli.context import unknown_environment
    from compiler.load import load_project
    from compiler.validate import validate_project

    fmt = fmt or app.diagnostics_format
    cache = _cache(app.project_dir, paths)
    loaded = load_project(app.project_dir, cache=cache)
    if cache is not None:
        cache.save()
    diagnostics = list(loaded.diagnostics)
    if loaded.project is not None:
        diagnostics += validate_project(loaded.project)
        if app.env and loaded.project.config.environment(app.env) is None:
            diagnostics.append(unknown_environment(app, loaded.project))
    selection: Selection | None = None
    if paths and loaded.project is not None:
        selection = Selection.of(app.project_dir, paths, loaded.files)
        diagnostics = [d for d in diagnostics if selection.covers(d.file)]
        diagnostics += selection.problems
    diagnostics = sorted_diagnostics(diagnostics)
    emit_diagnostics(app, diagnostics, fmt=fmt, err=False)
    if has_errors(diagnostics):
        return 1
    if fmt == "text" and not app.quiet and loaded.project is not None:
        click.echo(_summary(loaded.project, selection))
    return 0


def _cache(root: Path, paths: tuple[Path, ...]) -> FileCache | None:
    """With PATHS, files outside them are taken from the per-file cache when unchanged
    (only diagnostics in PATHS are reported, and references need just their index)."""
    if not paths:
        return None
    from compiler.load.cache import FileCache

    return FileCache(root, Selection.of(root, paths, None).covers)


class Selection:
    """The files (and directories) named on the command line, as diagnostics show them."""

    def __init__(self, files: set[str], folders: list[str], problems: list[Diagnostic]) -> None:
        self.files = files
        self.folders = folders
        self.problems = problems

    @classmethod
    def of(cls, root: Path, paths: Sequence[Path], project_files: list[str] | None) -> Selection:
        """``project_files`` None: before loading, when files cannot be checked yet."""
        files: set[str] = set()
        folders: list[str] = []
        problems: list[Diagnostic] = []
        root = root.resolve()
        known = set(project_files or ())
        for path in paths:
            shown = path.as_posix()
            if not path.exists():
                problems.append(_problem(shown, "E107", f"{shown}: no such file or directory"))
                continue
            try:
                relative = path.resolve().relative_to(root).as_posix()
            except ValueError:
                message = f"{shown} is outside the project {root.as_posix()} (see --project)"
                problems.append(_problem(shown, "E108", message))
                continue
            if path.is_dir():
                folders.append("" if relative == "." else relative + "/")
                continue
            files.add(relative)
            if project_files is not None and relative not in known:
                message = (
                    f"{relative} is not read by actionctl (only actionctl.yaml, "
                    "channels/*.yaml and actions/**/*.yaml are)"
                )
                problems.append(Diagnostic.warning(Location(relative), "E109", message))
        return cls(files, folders, problems)

    def covers(self, file: str) -> bool:
        if file in self.files:
            return True
        return bool(self.folders) and file.startswith(tuple(self.folders))


def _problem(file: str, code: str, message: str) -> Diagnostic:
    return Diagnostic.error(Location(file), code, message)


def _summary(project: Project, selection: Selection | None) -> str:
    actions = project.actions
    channels = project.channels
    if selection is not None:
        actions = [a for a in actions if selection.covers(a.source.file)]
        channels = [c for c in channels if selection.covers(c.source.file)]
    return f"ok: {_count(len(actions), 'action')}, {_count(len(channels), 'channel')} checked"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
