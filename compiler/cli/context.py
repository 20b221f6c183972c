"""What every command shares: the global options, loading the project, printing diagnostics."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pathlib import Path

    from compiler.diagnostics import Diagnostic
    from compiler.model import Environment, Project


def _path(value: str | os.PathLike[str]) -> Path:
    # pathlib is imported on first use, not at start-up: it costs ~5 ms (urllib.parse,
    # ipaddress) that ``actionctl --version``, ``--help`` and shell completion never need.
    from pathlib import Path

    return Path(value)


class DirectoryPath(click.Path):
    """A directory option as a ``pathlib.Path``: ``click.Path(file_okay=False,
    path_type=Path)``, with pathlib imported only when a value is converted."""

    def __init__(self) -> None:
        super().__init__(file_okay=False)

    def coerce_path_result(self, value: str | os.PathLike[str]) -> Path:
        return _path(value)


@dataclass
class AppContext:
    project_dir: Path = field(default_factory=lambda: _path("."))
    env: str | None = None
    color: bool = False
    quiet: bool = False
    verbose: int = 0
    diagnostics_format: str = "text"


pass_app = click.make_pass_decorator(AppContext, ensure=True)

DIAGNOSTIC_FORMATS = ("text", "json", "github", "sarif")  # compiler.report.FORMATS


def diagnostics_format_option(
    help: str = "Format of diagnostics (default: --diagnostics-format, text).",
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format`` for commands whose output is diagnostics (validate, compile, import)."""
    return click.option(
        "--format", "fmt", type=click.Choice(DIAGNOSTIC_FORMATS), default=None, help=help
    )


def emit_diagnostics(
    app: AppContext,
    diagnostics: list[Diagnostic],
    *,
    fmt: str | None = None,
    err: bool = True,
) -> None:
    """Print diagnostics in the chosen format (the one place they are formatted)."""
    from compiler.report import format_diagnostics

    fmt = fmt or app.diagnostics_format
    # Nothing to say: silence, except where diagnostics ARE the output (validate's
    # stdout), where an empty JSON list or SARIF run is the machine-readable "clean".
    if not diagnostics and (fmt == "text" or err):
        return
    if app.quiet and fmt == "text":
        diagnostics = [d for d in diagnostics if d.is_error]
    # Colour only on a terminal: `2> log`, `| grep` and CI logs get plain text.
    stream = sys.stderr if err else sys.stdout
    color = app.color and stream.isatty()
    text = format_diagnostics(diagnostics, fmt, color=color, project_dir=_path(app.project_dir))
    if text:
        click.echo(text, err=err)


def load_valid_project(app: AppContext) -> tuple[Project, list[Diagnostic]]:
    """Load and validate the whole project. Raises DiagnosticError if anything is an error;
    otherwise returns the project and its warnings (for the caller to print)."""
    from compiler.compile.checks import check_project
    from compiler.diagnostics import DiagnosticError, has_errors, sorted_diagnostics
    from compiler.load import load_project
    from compiler.validate.suppress import apply_rules

    loaded = load_project(app.project_dir)
    diagnostics = list(loaded.diagnostics)
    if loaded.project is not None:
        diagnostics += check_project(loaded.project)
    diagnostics = sorted_diagnostics(apply_rules(diagnostics, loaded.project))
    if has_errors(diagnostics) or loaded.project is None:
        raise DiagnosticError(diagnostics)
    return loaded.project, diagnostics


def select_environment(app: AppContext, project: Project) -> Environment:
    """The environment named by --env (or the project's default); unknown -> DiagnosticError."""
    from compiler.load.project import select_environment as select

    return select(project, app.env)


def unknown_environment(app: AppContext, project: Project) -> Diagnostic:
    from compiler.load.project import unknown_environment as unknown

    return unknown(project, app.env)
