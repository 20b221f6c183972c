"""Semantic checks across the whole project, after the schema check done while loading.

Each rule family is a module in ``compiler.validate.rules`` with a ``check(project)``
generator of diagnostics, each with a stable code (docs/codes.md). References always
resolve across every file; ``actionctl validate PATHS`` narrows only what it reports.
``validate`` as users run it is this and the compiler for every environment
(``compiler.compile.checks.check_project``): what compile or plan would refuse offline,
validate has already reported. The compiler sits above the rules (it reuses them), so
that whole check lives with it.
"""

from __future__ import annotations

from compiler.diagnostics import Diagnostic
from compiler.model import Project
from compiler.validate.causes import link_causes
from compiler.validate.rules import ALL_RULES


def rule_diagnostics(project: Project) -> list[Diagnostic]:
    """Every rule over the whole project, causes not linked yet."""
    diagnostics: list[Diagnostic] = []
    for rule in ALL_RULES:
        diagnostics.extend(rule.check(project))
    return diagnostics


def validate_project(project: Project) -> list[Diagnostic]:
    """Every rule over the whole project (not the compiler: ``check_project`` adds it);
    errors that follow from a document that failed to load are marked as caused by its
    error."""
    return link_causes(project, rule_diagnostics(project))
