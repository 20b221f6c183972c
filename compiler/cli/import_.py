"""``actionctl import``: write YAML for the tools that already live on the platform.

One file per tool under ``<out>/actions/<agent>/``, UI style where it compiles back to
exactly the live tool, native ``openmic.<type>`` otherwise; ``<out>/channels/`` for
sender numbers no project channel has. Tools the project already declares (same agent
and name) are skipped unless ``--include-declared``. Existing files are never
overwritten without ``--force``, and when anything is wrong nothing is written at all.

``--only AGENT/NAME`` keeps the live edits of declared tools instead: each declaration
is rewritten in place, in its own file, to compile to the live tool, keeping comments
and the fields the platform does not hold (``compiler/importer/keep_live.py``).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.cli.context import AppContext, diagnostics_format_option, emit_diagnostics, pass_app
from compiler.diagnostics import DiagnosticError, has_errors, sorted_diagnostics

if TYPE_CHECKING:
    from collections.abc import Iterator

    from compiler.importer import ImportResult
    from compiler.importer.keep_live import KeepLiveResult
    from compiler.model import Environment, Project
    from compiler.platform.base import Platform


@click.command("import")
@click.option(
    "--agent",
    "agents",
    multiple=True,
    metavar="NAME",
    help="Logical agent name from the environment, or a platform agent uid (repeatable). "
    "Default: every agent the environment maps (and every agent of the local platform).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write actions/ and channels/ into (default: the project).",
)
@click.option(
    "--include-declared",
    is_flag=True,
    help="Also write the tools the project already declares (same agent and name); "
    "meant for a separate --out, e.g. to compare with the platform.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Overwrite existing files that do not declare the imported tool (stale files).",
)
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="AGENT/NAME",
    help="Keep the live edits of this declared tool (repeatable): rewrite its own "
    "document, in place, to match the live tool; comments and fields the platform does "
    "not hold are kept. Adopts nothing and declares nothing twice.",
)
@diagnostics_format_option()
@pass_app
def command(
    app: AppContext,
    agents: tuple[str, ...],
    out: Path | None,
    include_declared: bool,
    force: bool,
    only: tuple[str, ...],
    fmt: str | None,
) -> int:
    """Write YAML for tools that already live on the platform.

    \b
    Examples:
      actionctl import                        tools the project does not declare yet
      actionctl --env prod import --agent support --out imported/
      actionctl import --include-declared --out /tmp/live   everything, elsewhere
      actionctl import --only support/send_booking_confirmation   keep a dashboard edit
    """
    if only and (agents or out is not None or include_declared or force):
        raise click.UsageError("--only rewrites declared tools in place; it takes no other option")
    from compiler.importer import import_tools
    from compiler.importer.keep_live import keep_live_edits

    with _connected(app, fmt) as opened:
        if opened is None:
            return 1
        project, environment, platform = opened
        if only:
            kept = keep_live_edits(project, environment, platform, only)
            return _report_kept(app, kept, fmt)
        result = import_tools(
            project,
            environment,
            platform,
            agents=agents,
            out_dir=out if out is not None else project.root,
            force=force,
            include_declared=include_declared,
            local=project.config.platform == "local",
        )
    diagnostics = sorted_diagnostics(result.diagnostics)
    emit_diagnostics(app, diagnostics, fmt=fmt)
    click.echo(_summary(result, out if out is not None else project.root), err=True)
    return 1 if has_errors(diagnostics) else 0


@contextmanager
def _connected(
    app: AppContext, fmt: str | None
) -> Iterator[tuple[Project, Environment, Platform] | None]:
    """The project, its environment and the platform (closed afterwards); None when the
    project or the environment is wrong (reported)."""
    from compiler.cli.context import select_environment
    from compiler.platform.connect import connect

    try:
        project = _load_project(app)
        environment = select_environment(app, project)
    except DiagnosticError as error:
        emit_diagnostics(app, error.diagnostics, fmt=fmt)
        yield None
        return
    platform = connect(project.config, environment, project.root, verbose=app.verbose)
    try:
        yield project, environment, platform
    finally:
        platform.close()


def _report_kept(app: AppContext, result: KeepLiveResult, fmt: str | None) -> int:
    diagnostics = sorted_diagnostics(result.diagnostics)
    emit_diagnostics(app, diagnostics, fmt=fmt)
    if has_errors(diagnostics):
        click.echo("Nothing was written.", err=True)
        return 1
    for tool in result.tools:
        kept = f" (kept {', '.join(tool.kept)})" if tool.kept else ""
        click.echo(f"{tool.address}: {tool.file} now matches the live tool{kept}", err=True)
    return 0


def _load_project(app: AppContext) -> Project:
    """The project as it is: import does not need the existing files to be valid, only
    the project file (environments, agents) and the channels that parse."""
    from compiler.load import load_project

    loaded = load_project(app.project_dir)
    if loaded.project is None:
        raise DiagnosticError(sorted_diagnostics(loaded.diagnostics))
    return loaded.project


def _summary(result: ImportResult, out: Path) -> str:
    tools = len(result.tools)
    head = f"{_count(tools, 'tool')} imported: {result.ui} as UI style, {result.native} native"
    if result.skipped:
        head += (
            f"; {len(result.skipped)} already declared, skipped (--include-declared writes them)"
        )
    if not result.written:
        return f"{head}; nothing was written."
    # All or nothing: when anything was written, every planned file was.
    actions, channels = len(result.tools), len(result.channels)
    return (
        f"{head}; wrote {_count(len(result.written), 'file')} under {out} "
        f"({_count(actions, 'action')}, {_count(channels, 'channel')})."
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
