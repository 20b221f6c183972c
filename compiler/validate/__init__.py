"""Semantic checks across the whole project, after the schema check done while loading.

Each rule family is a module in ``compiler.validate.rules`` with a ``check(project)``
generator of diagnostics, each with a stable code (docs/codes.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from compiler.diagnostics import Diagnostic
from compiler.model import Project
from compiler.validate.rules import ALL_RULES


def validate_project(
    project: Project, *, only_files: Iterable[Path] | None = None
) -> list[Diagnostic]:
    """Run every rule over the whole project (references resolve across all files).

    With ``only_files``, report only diagnostics located in those files.
    """
    diagnostics: list[Diagnostic] = []
    for rule in ALL_RULES:
        diagnostics.extend(rule.check(project))
    if only_files is None:
        return diagnostics
    wanted = {_display_path(project.root, Path(f)) for f in only_files}
    return [d for d in diagnostics if d.file in wanted]


def _display_path(root: Path, path: Path) -> str:
    """The path as diagnostics show it: relative to the project root where possible."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
