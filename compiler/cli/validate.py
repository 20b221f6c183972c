"""``actionctl validate [PATHS]...``: schema and semantic checks, no network.

The whole project is always loaded and checked, so references resolve across files;
with PATHS (or ``--changed``) only the diagnostics those files involve are reported
(compiler.validate.involved): theirs, and those elsewhere that refer to a name they
declare or declared before the change, which is what a pre-commit hook needs. Diagnostics go
to stdout; the exit code is 1 when any reported diagnostic is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from compiler.cli.context import AppContext, diagnostics_format_option, emit_diagnostics, pass_app
from compiler.diagnostics import Diagnostic, Location, Severity, has_errors, sorted_diagnostics
from compiler.git_changes import read_changes
from compiler.validate.involved import Change, involved
from compiler.validate.suppress import apply_rules

if TYPE_CHECKING:
    from compiler.model import Project


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--changed",
    is_flag=True,
    help="Also check what git says changed (deleted and renamed files too); the hook's mode.",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1), as errors do.")
@diagnostics_format_option("Output format (default: --diagnostics-format, text).")
@pass_app
def command(
    app: AppContext, paths: tuple[Path, ...], changed: bool, strict: bool, fmt: str | None
) -> int:
    """Check action and channel files (schema, references, names, numbers, templates).

    With PATHS, report what involves those files: their own diagnostics, and those of
    other files that refer to a name they declare, or declared before the change (git's
    HEAD): renaming a channel reports the actions that still name the old one. The
    whole project is always loaded, so references resolve across files.

    \b
    Examples:
      actionctl validate
      actionctl validate actions/support/send_booking_confirmation.yaml --format github
      actionctl validate --changed     files git sees changed, deleted ones included
    Exit codes: 0 clean or warnings only, 1 errors (or warnings, with --strict).
    Rules of actionctl.yaml and `# actionctl: ignore[CODE]` comments apply first.
    """
    from compiler.cli.context import unknown_environment
    from compiler.load import load_project
    from compiler.validate import validate_project

    fmt = fmt or app.diagnostics_format
    loaded = load_project(app.project_dir)
    diagnostics = list(loaded.diagnostics)
    if loaded.project is not None:
        diagnostics += validate_project(loaded.project)
        if app.env and loaded.project.config.environment(app.env) is None:
            diagnostics.append(unknown_environment(app, loaded.project))
    selection: Selection | None = None
    if (paths or changed) and loaded.project is not None and loaded.files:
        selection = Selection.of(app.project_dir, paths, loaded.files, changed)
        diagnostics = apply_rules(diagnostics, loaded.project, scan=selection.covers)
        diagnostics = involved(diagnostics, loaded.project, selection.change)
        diagnostics += selection.problems
    else:
        diagnostics = apply_rules(diagnostics, loaded.project)
    diagnostics = sorted_diagnostics(diagnostics)
    emit_diagnostics(app, diagnostics, fmt=fmt, err=False)
    if has_errors(diagnostics) or (
        strict and any(d.severity is Severity.WARNING for d in diagnostics)
    ):
        return 1
    if fmt == "text" and not app.quiet and loaded.project is not None:
        click.echo(_summary(loaded.project, selection))
    return 0


class Selection:
    """The files (and directories) named on the command line, and those git says the
    change touches, as diagnostics show them (relative to the project root)."""

    def __init__(self, change: Change, problems: list[Diagnostic]) -> None:
        self.change = change
        self.problems = problems

    @classmethod
    def of(
        cls, root: Path, paths: Sequence[Path], project_files: list[str], changed: bool
    ) -> Selection:
        change = Change()
        problems: list[Diagnostic] = []
        missing: dict[str, Diagnostic] = {}
        root = root.resolve()
        known = set(project_files)
        for path in paths:
            shown = path.as_posix()
            try:
                relative = path.resolve().relative_to(root).as_posix()
            except ValueError:
                message = f"{shown} is outside the project {root.as_posix()} (see --project)"
                problems.append(_problem(shown, "E108", message))
                continue
            if not path.exists():
                message = f"{shown}: no such file or directory"
                missing[relative] = _problem(shown, "E107", message)
                continue
            if path.is_dir():
                change.folders.append("" if relative == "." else relative + "/")
                continue
            change.files.add(relative)
            if relative not in known:
                message = (
                    f"{relative} is not read by actionctl (only actionctl.yaml, "
                    "channels/*.yaml and actions/**/*.yaml are)"
                )
                problems.append(Diagnostic.warning(Location(relative), "E109", message))
        git = read_changes(root, change.files | set(missing), with_diff=changed)
        if changed and not git.in_git:
            message = (
                f"--changed asks git what changed, but {root.as_posix()} is not in a git "
                "work tree (or git is not installed); name the files instead"
            )
            problems.append(_problem(root.as_posix(), "E133", message))
        for relative, problem in missing.items():
            if relative in git.old_texts:  # deleted by the change: what it declared counts
                change.files.add(relative)
            else:
                problems.append(problem)
        change.files |= {p for p in git.changed | git.removed if is_project_file(p)}
        change.old_documents = {
            path: _documents(text, path)
            for path, text in git.old_texts.items()
            if is_project_file(path)
        }
        return cls(change, problems)

    def covers(self, file: str) -> bool:
        return self.change.covers(file)


def is_project_file(path: str) -> bool:
    """actionctl.yaml, channels/*.yaml and actions/**/*.yaml (what load_project reads)."""
    if not path.endswith((".yaml", ".yml")):
        return False
    return (
        path == "actionctl.yaml"
        or path.startswith("actions/")
        or (path.startswith("channels/") and path.count("/") == 1)
    )


def _documents(text: bytes, path: str) -> list[Any]:
    from compiler.load.yaml_source import read_yaml_bytes

    return [loaded.document.data for loaded in read_yaml_bytes(text, path).documents]


def _problem(file: str, code: str, message: str) -> Diagnostic:
    return Diagnostic.error(Location(file), code, message)


def _summary(project: Project, selection: Selection | None) -> str:
    actions = project.actions
    channels = project.channels
    if selection is not None:
        actions = [a for a in actions if selection.covers(a.source.file)]
        channels = [c for c in channels if selection.covers(c.source.file)]
        if not selection.change.files and not selection.change.folders:
            return "ok: no actionctl files changed"
    return f"ok: {_count(len(actions), 'action')}, {_count(len(channels), 'channel')} checked"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
