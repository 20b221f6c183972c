"""``actionctl fmt`` as one use case: select the project's files, lay each out, write
the ones that change (unless only checking).

    format_project(root, paths, write=...) -> FmtRun(results, diagnostics, found_nothing)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.diagnostics import Diagnostic, Location
from compiler.fmt.layout import FormatResult, format_file
from compiler.fmt.targets import named_targets, project_targets


@dataclass
class FmtRun:
    results: list[FormatResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    found_nothing: bool = False  # no path named and no project file found

    @property
    def changed(self) -> list[FormatResult]:
        return [result for result in self.results if result.changed]


def format_project(root: Path, paths: tuple[Path, ...], *, write: bool) -> FmtRun:
    selection = named_targets(root, paths) if paths else project_targets(root)
    run = FmtRun(diagnostics=list(selection.diagnostics))
    run.found_nothing = not paths and not selection.targets
    run.results = [format_file(target.path, target.shown) for target in selection.targets]
    run.diagnostics += [d for result in run.results for d in result.diagnostics]
    if write:
        for result, target in zip(run.results, selection.targets, strict=True):
            if result.changed:
                _write(target.path, result, run.diagnostics)
    return run


def _write(path: Path, result: FormatResult, diagnostics: list[Diagnostic]) -> None:
    from compiler.atomic_write import write_atomically

    try:
        write_atomically(path, result.formatted or "")
    except OSError as error:
        message = f"{result.file}: {error.strerror or error}; the file is unchanged"
        diagnostics.append(Diagnostic.error(Location(result.file), "E120", message))
        result.formatted = None  # not written: left as it is
