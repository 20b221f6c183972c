"""The project as committed at a git revision: loaded, validated and compiled by the same
pipeline as the working tree, from files git exports (``compiler.load.git_source``).

    with project_at(project_dir, ref, allow_empty=...) as at_ref: at_ref.project, ...
    base_tools(at_ref, environment) -> {(agent uid, name): canonical payload}

A configuration at REF that does not load or compile is L843, followed by its own
diagnostics with each file shown as ``REF:path`` (so they are never mistaken for the
working tree's). Nothing at REF (no actionctl.yaml, channels/ or actions/) is an empty
project where the caller allows it (plan's base before the project existed), else E111.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from compiler.diagnostics import Diagnostic, DiagnosticError, Location, has_errors
from compiler.diagnostics.codes import E111, L843
from compiler.load.git_source import GitRevision, project_at_ref
from compiler.model import Environment, Project
from compiler.plan.threeway import BaseTools

EMPTY_PROJECT = E111  # nothing to load; the caller says whether that is an error
CONNECTION_FIELDS = ("platform", "base_url", "api_prefix", "api_key_env", "requests_per_minute")


@dataclass
class ProjectAtRef:
    project: Project
    revision: GitRevision
    warnings: list[Diagnostic]  # already relocated to ``REF:path``


@contextmanager
def project_at(project_dir: Path, ref: str, *, allow_empty: bool) -> Iterator[ProjectAtRef]:
    """The project directory as committed at ``ref``, loaded and validated; the exported
    files live in a temp dir for the ``with`` body. ``allow_empty``: nothing at ``ref``
    is an empty project (a plan's base before the project existed); else it is E111,
    as for a working tree that is not a project."""
    from compiler.compile.checks import check_project
    from compiler.load import load_project

    with tempfile.TemporaryDirectory(prefix="actionctl-base-") as tmp:
        revision, unseen = project_at_ref(Path(project_dir), ref, Path(tmp))
        loaded = load_project(Path(tmp))
        empty = any(d.code == EMPTY_PROJECT for d in loaded.diagnostics)
        if empty and not allow_empty and not unseen:
            raise DiagnosticError([_not_a_project_at(project_dir, revision)])
        diagnostics = unseen + [d for d in loaded.diagnostics if d.code != EMPTY_PROJECT]
        if loaded.project is not None:
            diagnostics += check_project(loaded.project)
        diagnostics = relocate(diagnostics, ref)
        if has_errors(diagnostics) or loaded.project is None:
            raise DiagnosticError([_broken_base(project_dir, revision), *diagnostics])
        yield ProjectAtRef(loaded.project, revision, diagnostics)


def base_tools(at_ref: ProjectAtRef, environment: Environment) -> BaseTools:
    """Every tool the configuration at REF compiles to, in the environment of the same
    name there (or, when REF does not have it yet, the working tree's mapping)."""
    from compiler.compile import compile_project

    project = at_ref.project
    at_base = project.config.environment(environment.name) or environment
    compiled = compile_project(project, at_base)
    diagnostics = relocate(compiled.diagnostics, at_ref.revision.ref)
    if has_errors(diagnostics):
        where = Location(project.root.as_posix())
        raise DiagnosticError([_broken_base_at(where, at_ref.revision), *diagnostics])
    return {(tool.agent_uid, tool.name): dict(tool.payload) for tool in compiled.tools.values()}


def with_working_tree_connection(project: Project, project_dir: Path) -> Project:
    """``project`` (read at a revision) with the connection settings of the working
    tree's actionctl.yaml; an error in that file stops here, before any connection."""
    from compiler.load.project import load_config

    config, diagnostics = load_config(Path(project_dir))
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        raise DiagnosticError(errors)
    connection = {name: getattr(config, name) for name in CONNECTION_FIELDS}
    return dataclasses.replace(project, config=dataclasses.replace(project.config, **connection))


def relocate(diagnostics: list[Diagnostic], ref: str) -> list[Diagnostic]:
    """``actions/x.yaml:3:1`` -> ``origin/main:actions/x.yaml:3:1`` (git's own spelling
    of a file at a revision)."""
    return [dataclasses.replace(d, file=f"{ref}:{d.file}") for d in diagnostics]


def _not_a_project_at(project_dir: Path, revision: GitRevision) -> Diagnostic:
    """The loader's E111, said of the revision: its message would name the temp dir."""
    root = Path(project_dir)
    message = (
        f"not an actionctl project at {revision.label}: looked for actionctl.yaml, "
        f"channels/*.yaml and actions/**/*.yaml in {root.resolve().as_posix()} as "
        "committed there and found none; is --project right? (`actionctl init` starts a "
        "project; commit it, the configuration is read from git)"
    )
    return Diagnostic.error(Location(root.as_posix()), EMPTY_PROJECT, message)


def _broken_base(project_dir: Path, revision: GitRevision) -> Diagnostic:
    return _broken_base_at(Location(Path(project_dir).as_posix()), revision)


def _broken_base_at(where: Location, revision: GitRevision) -> Diagnostic:
    message = (
        f"the configuration at {revision.label} does not load or compile (its diagnostics "
        "follow); compare with a revision that does"
    )
    return Diagnostic.error(where, L843, message)
