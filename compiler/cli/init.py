"""``actionctl init``: start a project in --project (default: the current directory).

Writes actionctl.yaml, channels/ and actions/ with a commented example that validates
and plans as it is; or, with ``--import``, actionctl.yaml and the tools that already
live on the account (through the importer). Refuses to touch a directory that already
holds a project, and writes no file through a link. All or nothing: when something
fails, the files written are removed (compiler/init/start.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app

if TYPE_CHECKING:
    from compiler.importer.writer import PlannedFile


@click.command("init")
@click.option(
    "--platform",
    type=click.Choice(["local", "openmic"]),
    default="local",
    show_default=True,
    help="local: embedded SQLite platform (offline); openmic: the OpenMic API.",
)
@click.option(
    "--import",
    "--from-account",
    "from_account",
    is_flag=True,
    help="Import the tools that live on the account instead of writing the example.",
)
@click.option(
    "--agent",
    "agents",
    multiple=True,
    metavar="UID",
    help="Platform agent uid to manage (repeatable); with --import, whose tools to import.",
)
@pass_app
def command(app: AppContext, platform: str, from_account: bool, agents: tuple[str, ...]) -> int:
    """Start a project: actionctl.yaml, channels/ and actions/ with a commented example.

    \b
    Examples:
      actionctl init                                  example project, local platform
      actionctl --project voice init --platform openmic --import --agent agent_123
    """
    from compiler.init.skeleton import GITIGNORE, example_files, project_file
    from compiler.init.start import refuse_unsafe, remove, write_all

    root = app.project_dir
    refuse_unsafe(root, [])
    mapping = {uid: uid for uid in agents} if agents else None
    ignore = {} if (root / ".gitignore").exists() else {".gitignore": GITIGNORE}
    if not from_account:
        written = write_all(root, {**example_files(platform, mapping), **ignore})
        _report(app, root, written)
        return 0
    first = {"actionctl.yaml": project_file(platform, mapping or {}), **ignore}
    written = write_all(root, first)
    try:
        imported = _import(app, root, agents)
    except BaseException:
        remove(root, written)
        raise
    if imported is None:
        remove(root, written)
        return 1
    _report(app, root, written + imported)
    return 0


def _import(app: AppContext, root: Path, agents: tuple[str, ...]) -> list[str] | None:
    """The account's tools into the new project; None (reported) when the import fails."""
    from compiler.cli.context import select_environment
    from compiler.diagnostics import has_errors
    from compiler.importer import import_tools
    from compiler.load import load_project
    from compiler.platform.connect import connect

    loaded = load_project(root)
    project = loaded.project
    if project is None or has_errors(loaded.diagnostics):
        emit_diagnostics(app, loaded.diagnostics)
        return None
    environment = select_environment(app, project)
    platform = connect(project.config, environment, root, verbose=app.verbose)
    try:
        result = import_tools(
            project,
            environment,
            platform,
            agents=agents,
            out_dir=root,
            local=project.config.platform == "local",
        )
    finally:
        platform.close()
    emit_diagnostics(app, result.diagnostics)
    if has_errors(result.diagnostics):
        click.echo("init --import failed; nothing was kept.", err=True)
        return None
    return [_relative(root, planned) for planned in result.written]


def _relative(root: Path, planned: PlannedFile) -> str:
    try:
        return planned.path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return planned.path.as_posix()


def _report(app: AppContext, root: Path, written: list[str]) -> None:
    if app.quiet:
        return
    for name in written:
        click.echo(f"created {(root / name).as_posix()}", err=True)
    click.echo("Next: actionctl validate, then actionctl plan.", err=True)
