"""A saved plan, checked before anything connects or is written: readable (A901), made
for the selected environment (A902) and for the target the project uses now (A903).

A saved plan needs only the project file (the plan holds the payloads), so action files
that no longer load do not stop it; a directory that is not a project does (E111, as
for ``plan``): a plan must not be applied from a wrong --project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from compiler.diagnostics import Diagnostic, DiagnosticError, Location
from compiler.diagnostics.codes import A901, A902, A903, E111
from compiler.load import load_project
from compiler.model import Environment, Project
from compiler.plan.file import PlanFormatError, load_plan
from compiler.plan.model import Plan


@dataclass(frozen=True)
class SavedPlan:
    plan: Plan
    project: Project
    environment: Environment
    file: Path


def load_saved(
    planfile: Path, project_dir: Path, environment_of: Callable[[Project], Environment]
) -> SavedPlan:
    """Read ``planfile`` and the project file; ``environment_of`` picks the selected
    environment (``--env`` or the project's default). Raises DiagnosticError."""
    plan = read_plan(planfile)
    project = project_file_only(project_dir)
    environment = environment_of(project)
    if plan.environment != environment.name:
        message = (
            f"this plan was made for environment {plan.environment!r}, not "
            f"{environment.name!r}; run `actionctl --env {plan.environment} apply "
            f"{planfile}` or re-plan for {environment.name!r}"
        )
        raise DiagnosticError([Diagnostic.error(Location(str(planfile)), A902, message)])
    return SavedPlan(plan, project, environment, planfile)


def read_plan(planfile: Path) -> Plan:
    try:
        return load_plan(planfile)
    except PlanFormatError as error:
        where = Location(str(planfile), error.line, error.column)
        raise DiagnosticError([Diagnostic.error(where, A901, str(error))]) from None


def project_file_only(project_dir: Path) -> Project:
    loaded = load_project(project_dir)
    not_a_project = [d for d in loaded.diagnostics if d.code == E111]
    if loaded.project is None or not_a_project:
        raise DiagnosticError(not_a_project or loaded.diagnostics)
    return loaded.project


def check_target(plan: Plan, target: Mapping[str, str], planfile: Path) -> None:
    """The platform the project targets now must be the one the plan was made against."""
    if dict(plan.target) == dict(target):
        return
    message = (
        f"this plan was made for {describe_target(plan.target)}, but the project now "
        f"targets {describe_target(target)}; re-plan against this target"
    )
    raise DiagnosticError([Diagnostic.error(Location(str(planfile)), A903, message)])


def describe_target(target: Mapping[str, str]) -> str:
    return " ".join(v for v in (target.get("platform"), target.get("base_url")) if v)
