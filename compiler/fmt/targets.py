"""Which files ``actionctl fmt`` may rewrite: the project's own, found as the loader
finds them, and nothing outside the project.

The loader's walk (compiler/load/files.py) decides what a project file is: a link is
followed only when it stays inside the project (else E113), a dangling one is E112, a
FIFO, socket or device named ``*.yaml`` is never opened (E115). fmt gets the same
answers, so it never writes where validate would not read. A path named on the command
line must lie inside the project (E108, as for ``validate PATH``); a file there that the
project does not read (``notes/x.yaml``) is formatted only when it is a regular file
reached without leaving the project.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import E107, E108, E109, E113
from compiler.load.files import find_document_files, project_file

PROJECT_FILE = "actionctl.yaml"
YAML_SUFFIXES = (".yaml", ".yml")


class Target(NamedTuple):
    """A file to format: ``path`` is where it is read and written (links resolved,
    inside the project), ``shown`` the path relative to the project root."""

    path: Path
    shown: str


@dataclass
class Selection:
    targets: list[Target] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def project_targets(root: Path) -> Selection:
    """actionctl.yaml, channels/*.yaml and actions/**/*.yaml, as ``load`` reads them."""
    selection = Selection()
    config, problems = project_file(root, PROJECT_FILE)
    selection.diagnostics += problems
    if config is not None:
        selection.targets.append(Target(Path(config), PROJECT_FILE))
    found = find_document_files(root)
    selection.targets += [Target(Path(d.path), d.display) for d in found.documents]
    selection.diagnostics += found.diagnostics
    return selection


def named_targets(root: Path, paths: tuple[Path, ...]) -> Selection:
    """The files of ``paths`` (files or folders): each one the project's, or refused."""
    project = project_targets(root)
    by_name = {target.shown: target for target in project.targets}
    selection = Selection()
    for path in paths:
        _select(root, path, project, by_name, selection)
    selection.targets = list({target.shown: target for target in selection.targets}.values())
    return selection


def _select(
    root: Path, path: Path, project: Selection, by_name: dict[str, Target], selection: Selection
) -> None:
    shown = path.as_posix()
    candidate = path if path.is_absolute() or os.path.lexists(path) else root / path
    relative = _relative(root, candidate)
    if relative is None:
        message = (
            f"{shown} is outside the project {Path(root).resolve().as_posix()}: fmt rewrites "
            "only the project's files (see --project)"
        )
        selection.diagnostics.append(Diagnostic.error(Location(shown), E108, message))
        return
    if relative in by_name:
        selection.targets.append(by_name[relative])
        return
    refused = [d for d in project.diagnostics if _within(d.file, relative)]
    if refused:  # the loader's own word on it: E112, E113, E114, E115
        selection.diagnostics += refused
        if not os.path.isdir(candidate) or os.path.islink(candidate):
            return
    if not os.path.lexists(candidate):
        message = f"{shown}: no such file or directory"
        selection.diagnostics.append(Diagnostic.error(Location(shown), E107, message))
        return
    if os.path.isdir(candidate):
        folder = "" if relative == "." else relative + "/"
        selection.targets += [t for t in project.targets if t.shown.startswith(folder)]
        return
    _other_file(root, relative, shown, selection)


def _other_file(root: Path, relative: str, shown: str, selection: Selection) -> None:
    """A YAML file inside the project that the project does not read."""
    if not relative.endswith(YAML_SUFFIXES):
        message = f"{shown} is not a YAML file; fmt formats only .yaml and .yml files"
        selection.diagnostics.append(Diagnostic.warning(Location(shown), E109, message))
        return
    path, problems = project_file(root, relative)  # links, FIFOs: as the loader says
    selection.diagnostics += problems
    if path is None:
        return
    if _relative(root, Path(os.path.realpath(path))) is None:  # a folder on the way is a link
        message = (
            f"{shown} leads to a place outside the project (a linked folder on the way); "
            "it is not formatted"
        )
        selection.diagnostics.append(Diagnostic.error(Location(shown), E113, message))
        return
    selection.targets.append(Target(Path(path), relative))


def _relative(root: Path, path: Path) -> str | None:
    """``path`` relative to the project root as written (links not followed), or None
    when it lies outside."""
    base = os.path.abspath(root)
    absolute = os.path.abspath(path)
    if absolute != base and not absolute.startswith(base.rstrip(os.sep) + os.sep):
        return None
    return Path(os.path.relpath(absolute, base)).as_posix()


def _within(file: str, relative: str) -> bool:
    """``file`` (a diagnostic's) is ``relative``, lies under it, or is a folder it lies in."""
    if relative == "." or file == relative:
        return True
    return file.startswith(relative + "/") or relative.startswith(file + "/")
