"""Semantic checks across the whole project, after the schema check done while loading.

Each rule family is a module in ``compiler.validate.rules`` with a ``check(project)``
generator of diagnostics, each with a stable code (docs/codes.md). References always
resolve across every file; ``actionctl validate PATHS`` narrows only what it reports.
Then the compiler runs for every environment (``compiler.validate.compiles``): what
compile or plan would refuse offline, validate has already reported.
"""

from __future__ import annotations

from compiler.diagnostics import Diagnostic
from compiler.model import Project
from compiler.validate.causes import link_causes
from compiler.validate.compiles import compile_diagnostics
from compiler.validate.rules import ALL_RULES


def validate_project(project: Project) -> list[Diagnostic]:
    """Run every rule over the whole project, then the compiler; errors that follow from
    a document that failed to load are marked as caused by its error."""
    diagnostics: list[Diagnostic] = []
    for rule in ALL_RULES:
        diagnostics.extend(rule.check(project))
    diagnostics += compile_diagnostics(project, diagnostics)
    return link_causes(project, diagnostics)
