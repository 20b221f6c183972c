"""Which semantic errors follow from a document that failed to load.

A channel file with a YAML mistake is left out of the project, so every action that
names that channel gets "unknown channel" (N301) and every environment that overrides
its number gets E103: one mistake, five errors, the cause sorted last. Here each such
error is marked ``caused_by`` the rejected document's first error, and
``sorted_diagnostics`` folds them under it.

We cannot tell which rejected file declared the missing name (its ``name`` may be the
very value that failed), so a consequence points at the first rejected document of the
kind it refers to.
"""

from __future__ import annotations

from compiler.diagnostics import Diagnostic
from compiler.diagnostics.codes import E103, N301
from compiler.model import Project

# Codes that mean "refers to a <kind> the project does not have".
CONSEQUENCES: dict[str, frozenset[str]] = {
    "channel": frozenset({N301, E103}),
}


def link_causes(project: Project, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    linked: list[Diagnostic] = []
    for diagnostic in diagnostics:
        cause = _cause_of(project, diagnostic)
        linked.append(diagnostic if cause is None else diagnostic.because_of(cause))
    return linked


def _cause_of(project: Project, diagnostic: Diagnostic) -> Diagnostic | None:
    if diagnostic.caused_by is not None:
        return None
    for kind, codes in CONSEQUENCES.items():
        rejected = project.rejected.get(kind)
        if diagnostic.code in codes and rejected:
            return min(rejected, key=Diagnostic.sort_key)
    return None
