"""Where a diagnostic's file is, as CI tools resolve it (shared by the github, summary
and sarif formats, so none of them imports another)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def project_prefix(project_dir: Path | None) -> str:
    """The project directory relative to the working directory (``""`` when it is the
    working directory, outside it, or unknown)."""
    if project_dir is None:
        return ""
    try:
        relative = Path(project_dir).resolve().relative_to(Path.cwd().resolve())
    except (OSError, ValueError):
        return ""
    text = relative.as_posix()
    return "" if text == "." else text


def repository_path(file: str, prefix: str = "") -> str:
    """A diagnostic's path (relative to the project root) as seen from the working directory.

    CI tools resolve annotation and SARIF paths against the checkout root, where the job
    runs; with ``--project sub/dir`` the project's files live under ``prefix``
    (``project_prefix``).
    """
    if not file or not prefix or PurePosixPath(file).is_absolute():
        return file
    return (PurePosixPath(prefix) / file).as_posix()
