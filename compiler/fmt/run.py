"""``actionctl fmt`` as one use case: select the project's files, lay each out (unless
its bytes were found canonical before, compiler/fmt/known.py), write the ones that
change (unless only checking).

    format_project(root, paths, write=...) -> FmtRun(results, diagnostics, found_nothing)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import E120
from compiler.fmt.known import KnownCanonical
from compiler.fmt.layout import FormatResult, format_bytes, kind_of, read_file
from compiler.fmt.targets import Target, named_targets, project_targets


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
    known = KnownCanonical.open(root)
    run.results = [_format(target, known) for target in selection.targets]
    run.diagnostics += [d for result in run.results for d in result.diagnostics]
    if write:  # (what is written is laid out once more next time, not taken on trust)
        for result, target in zip(run.results, selection.targets, strict=True):
            if result.changed:
                _write(target.path, result, run.diagnostics)
    known.save(whole_project=not paths)
    return run


def _format(target: Target, known: KnownCanonical) -> FormatResult:
    """Lay the file out, unless its very bytes were found canonical before."""
    raw = read_file(target.path, target.shown)
    if isinstance(raw, FormatResult):
        return raw
    key = known.key(kind_of(target.shown), raw)
    if key in known:
        return FormatResult(target.shown, "", "")  # canonical: the same as before
    result = format_bytes(raw, target.shown)
    if not result.changed and result.formatted is not None and not result.diagnostics:
        known.add(key)
    return result


def _write(path: Path, result: FormatResult, diagnostics: list[Diagnostic]) -> None:
    from compiler.atomic_write import write_atomically

    try:
        write_atomically(path, result.formatted or "")
    except OSError as error:
        message = f"{result.file}: {error.strerror or error}; the file is unchanged"
        diagnostics.append(Diagnostic.error(Location(result.file), E120, message))
        result.formatted = None  # not written: left as it is
