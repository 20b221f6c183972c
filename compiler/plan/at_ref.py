"""The project as committed at a git revision: loaded, validated and compiled by the same
pipeline as the working tree, from files git exports (``compiler.load.git_source``).

    with project_at(project_dir, ref, allow_empty=...) as at_ref: at_ref.project, ...
    base_tools(at_ref, platform, environment) -> Base (tools, or why REF is no base; notes)

A configuration at REF that does not load or compile is L843, followed by its own
diagnostics with each file shown as ``REF:path`` (so they are never mistaken for the
working tree's). Nothing at REF (no actionctl.yaml, channels/ or actions/) is an empty
project where the caller allows it (plan's base before the project existed), else E111.

Three cases make REF no base at all, each with a warning, and every tool a change (never
a false drift or conflict that fails CI): the environment is new in this branch (L833),
REF's actionctl.yaml targets another platform (L834), or the project directory is not
in REF and git's rename detection finds no earlier place for it (L836). A directory git
does find elsewhere at REF is read from there, said by L835.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from compiler.diagnostics import Diagnostic, DiagnosticError, Location, has_errors
from compiler.diagnostics.codes import E111, L833, L834, L835, L836, L843
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
    project_dir: Path = Path(".")  # the working tree's, as given
    empty: bool = False  # nothing at REF: the project is new there (an empty base)


@dataclass(frozen=True)
class Base:
    """What a plan is classified against: the tools at REF, or why REF is no base
    (``no_base``, the note every tool gets); ``notes`` are the warnings to show."""

    tools: BaseTools
    no_base: str | None = None
    notes: tuple[Diagnostic, ...] = ()


@contextmanager
def project_at(project_dir: Path, ref: str, *, allow_empty: bool) -> Iterator[ProjectAtRef]:
    """The project directory as committed at ``ref``, loaded and validated; the exported
    files live in a temp dir for the ``with`` body. ``allow_empty``: nothing at ``ref``
    is an empty project (a plan's base before the project existed); else it is E111,
    as for a working tree that is not a project."""
    from compiler.load import load_project
    from compiler.validate import validate_project

    with tempfile.TemporaryDirectory(prefix="actionctl-base-") as tmp:
        revision, unseen = project_at_ref(Path(project_dir), ref, Path(tmp))
        loaded = load_project(Path(tmp))
        empty = any(d.code == EMPTY_PROJECT for d in loaded.diagnostics)
        if empty and not allow_empty and not unseen:
            raise DiagnosticError([_not_a_project_at(project_dir, revision)])
        diagnostics = unseen + [d for d in loaded.diagnostics if d.code != EMPTY_PROJECT]
        if loaded.project is not None:
            # The rules only: ``base_tools`` compiles the one environment compared, and
            # reports what does not compile there (every environment would cost more
            # compiles than the plan itself makes).
            diagnostics += validate_project(loaded.project)
        diagnostics = relocate(diagnostics, ref)
        if has_errors(diagnostics) or loaded.project is None:
            raise DiagnosticError([_broken_base(project_dir, revision), *diagnostics])
        yield ProjectAtRef(loaded.project, revision, diagnostics, Path(project_dir), empty)


def base_tools(at_ref: ProjectAtRef, platform: str, environment: Environment) -> Base:
    """Every tool the configuration at REF compiles to, in the environment of the same
    name there; or no base (see the module doc) when REF cannot be compared with the
    working tree, which targets ``platform`` in ``environment``."""
    from compiler.compile import compile_project

    moved = moved_note(at_ref)
    no_base = _no_base(at_ref, platform, environment)
    if no_base is not None:
        reason, note = no_base
        return Base({}, reason, (*moved, note))
    project = at_ref.project
    at_base = project.config.environment(environment.name) or environment
    compiled = compile_project(project, at_base)
    diagnostics = relocate(compiled.diagnostics, at_ref.revision.ref)
    if has_errors(diagnostics):
        where = Location(project.root.as_posix())
        raise DiagnosticError([_broken_base_at(where, at_ref.revision), *diagnostics])
    tools = {(tool.agent_uid, tool.name): dict(tool.payload) for tool in compiled.tools.values()}
    return Base(tools, None, moved)


def _no_base(
    at_ref: ProjectAtRef, platform: str, environment: Environment
) -> tuple[str, Diagnostic] | None:
    """(the tools' note, the warning) when REF cannot be compared with the working tree.
    An empty REF (the project new there, at the same place) stays an empty base: its
    tools are creates, this branch's changes, without a word."""
    revision, config = at_ref.revision, at_ref.project.config
    label = revision.label
    if not revision.existed:
        where = Location(at_ref.project_dir.as_posix())
        message = (
            f"no base: the project directory is not in {label} and git's rename detection "
            "found no earlier place for it; every tool is classified as this branch's "
            "change (commit a move with `git mv` so its earlier place is found)"
        )
        return f"no base: the project is not in {label}", Diagnostic.warning(where, L836, message)
    if at_ref.empty:
        return None
    project_file = Location("actionctl.yaml")
    if config.environment(environment.name) is None:
        message = (
            f"no base: environment {environment.name!r} is new in this branch (not in "
            f"actionctl.yaml at {label}); every tool is classified as this branch's change"
        )
        note = f"no base: environment {environment.name!r} is new in this branch"
        return note, Diagnostic.warning(project_file, L833, message)
    if config.platform != platform:
        message = (
            f"no base: actionctl.yaml at {label} targets platform {config.platform!r}, "
            f"the working tree {platform!r}; its tools are not compared with this "
            "platform's: every tool is classified as this branch's change"
        )
        note = f"no base: {label} targets platform {config.platform!r}"
        return note, Diagnostic.warning(project_file, L834, message)
    return None


def moved_note(at_ref: ProjectAtRef) -> tuple[Diagnostic, ...]:
    """L835 when the project was read from its earlier place at REF."""
    moved_from = at_ref.revision.moved_from
    if moved_from is None:
        return ()
    place = f"{moved_from}/" if moved_from else "the top of the repository"
    message = (
        f"the project directory was at {place} in {at_ref.revision.label} (found by git's "
        "rename detection): the base is read from there"
    )
    return (Diagnostic.warning(Location(at_ref.project_dir.as_posix()), L835, message),)


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
