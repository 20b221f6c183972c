"""Where a diagnostic's file is, as CI tools resolve it (shared by the github, summary
and sarif formats, so none of them imports another)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def repository_path(file: str) -> str:
    """A diagnostic's path (relative to the project root) as seen from the working directory.

    CI tools resolve annotation and SARIF paths against the checkout root, where the job
    runs; with ``--project sub/dir`` the project's files live under that prefix.
    """
    if not file or PurePosixPath(file).is_absolute():
        return file
    prefix = _project_prefix()
    if not prefix:
        return file
    return (PurePosixPath(prefix) / file).as_posix()


def _project_prefix() -> str:
    project_dir = _current_project_dir()
    if project_dir is None:
        return ""
    try:
        relative = project_dir.resolve().relative_to(Path.cwd().resolve())
    except (OSError, ValueError):
        return ""
    text = relative.as_posix()
    return "" if text == "." else text


def _current_project_dir() -> Path | None:
    """The running command's ``--project``, when called from inside the CLI."""
    import click

    from compiler.cli.context import AppContext

    context = click.get_current_context(silent=True)
    if context is None:
        return None
    app = context.find_object(AppContext)
    return None if app is None else Path(app.project_dir)
