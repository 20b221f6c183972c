"""The project as committed at a git revision: loaded, validated and compiled by the same
pipeline as the working tree, from files git exports (``compiler.load.git_source``).

    with project_at(project_dir, ref, allow_empty=..., working=...) as at_ref: ...
    base_tools(at_ref, platform, environment) -> Base (tools, or why REF is no base; notes)

Given the working tree's project (``plan --base``), a file whose bytes at REF are the
working tree's is not exported or parsed again: what the working tree loaded from it
stands in for it, the rules across files read it as part of REF, and its actions compile
at REF only when the classification looks one of their tools up (a tool the plan
changes). On a typical pull request that leaves the few files it changed to read.

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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, DiagnosticError, Location, has_errors
from compiler.diagnostics.codes import E111, L833, L834, L835, L836, L843
from compiler.load.files import loader_order
from compiler.load.git_source import GitRevision, export_at_ref
from compiler.model import Action, Channel, Environment, Project, SourceDocument
from compiler.plan.threeway import BaseTools, ToolKey

EMPTY_PROJECT = E111  # nothing to load; the caller says whether that is an error
PROJECT_FILE = "actionctl.yaml"
CONNECTION_FIELDS = ("platform", "base_url", "api_prefix", "api_key_env", "requests_per_minute")


@dataclass
class ProjectAtRef:
    project: Project
    revision: GitRevision
    # Already relocated to ``REF:path``. With ``reused``: the rules about an action's
    # own content did not read those files again, so their warnings are not repeated.
    warnings: list[Diagnostic]
    project_dir: Path = Path(".")  # the working tree's, as given
    empty: bool = False  # nothing at REF: the project is new there (an empty base)
    # The working tree's project (loaded and checked without an error), when its loaded
    # files stand in for REF's identical ones (``reused``: their project-relative paths).
    working: Project | None = None
    reused: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Base:
    """What a plan is classified against: the tools at REF, or why REF is no base
    (``no_base``, the note every tool gets); ``notes`` are the warnings to show."""

    tools: BaseTools
    no_base: str | None = None
    notes: tuple[Diagnostic, ...] = ()


@contextmanager
def project_at(
    project_dir: Path, ref: str, *, allow_empty: bool, working: Project | None = None
) -> Iterator[ProjectAtRef]:
    """The project directory as committed at ``ref``, loaded and validated; the exported
    files live in a temp dir for the ``with`` body. ``allow_empty``: nothing at ``ref``
    is an empty project (a plan's base before the project existed); else it is E111,
    as for a working tree that is not a project.

    ``working``: the working tree's project, loaded from ``project_dir`` and checked
    without an error (plan's own). A file whose bytes at ``ref`` are the working tree's
    is then neither exported nor parsed: the documents, actions and channels loaded from
    it stand in for it (the loader's result is a function of a file's bytes and path),
    and the rules still run over the whole project at ``ref``, so what they say across
    files is what a full export gives."""
    from compiler.load import load_project
    from compiler.validate import validate_project

    held = _held_files(working)
    with tempfile.TemporaryDirectory(prefix="actionctl-base-") as tmp:
        exported = export_at_ref(Path(project_dir), ref, Path(tmp), held=held)
        revision, unseen, reused = exported.revision, exported.problems, exported.unchanged
        loaded = load_project(Path(tmp))
        # (files left out were there: a project, even when nothing else was exported)
        empty = any(d.code == EMPTY_PROJECT for d in loaded.diagnostics) and not reused
        if empty and not allow_empty and not unseen:
            raise DiagnosticError([_not_a_project_at(project_dir, revision)])
        diagnostics = unseen + [d for d in loaded.diagnostics if d.code != EMPTY_PROJECT]
        project = loaded.project
        if project is not None and working is not None and reused:
            project = _with_reused(project, working, reused)
        if project is not None:
            # The rules only: ``base_tools`` compiles the one environment compared, and
            # reports what does not compile there (every environment would cost more
            # compiles than the plan itself makes).
            diagnostics += validate_project(project)
        diagnostics = relocate(diagnostics, ref)
        if has_errors(diagnostics) or project is None:
            raise DiagnosticError([_broken_base(project_dir, revision), *diagnostics])
        at_ref = ProjectAtRef(project, revision, diagnostics, Path(project_dir), empty)
        if reused:
            at_ref.working, at_ref.reused = working, reused
        yield at_ref


def _held_files(working: Project | None) -> frozenset[str]:
    """The working tree's document files that can stand in for REF's: all but the project
    file (always read at REF: small, and its settings decide the rest)."""
    if working is None:
        return frozenset()
    return frozenset(d.file for d in working.documents if d.file != PROJECT_FILE)


def _with_reused(exported: Project, working: Project, reused: frozenset[str]) -> Project:
    """The project at REF: what was exported and loaded, with the working tree's loaded
    files of ``reused`` in the places the loader gives them (channels/, then actions/,
    each file by path, documents in file order), so every rule sees what a full export
    would have loaded, in the same order.

    The rules about an action's own content read the action and the target platform
    only, and found no error in the working tree; for the same platform they would say
    the same at REF, so its reused actions are marked as checked (``Action.stub``, as
    the validate cache marks a file it checked before: its fields are whole here) and
    only the rules across files read them again."""
    files: dict[str, _FileLoaded] = {}
    _gather(files, exported, None)
    _gather(files, working, reused)
    if exported.config.platform == working.config.platform:
        for file in reused & files.keys():
            loaded = files[file]
            loaded.actions = [dataclasses.replace(a, stub=True) for a in loaded.actions]
    project = dataclasses.replace(exported, channels=[], actions=[], documents=[])
    if exported.config.source is not None:
        project.documents.append(exported.config.source)
    for file in sorted(files, key=loader_order):
        loaded = files[file]
        project.documents += loaded.documents
        project.channels += loaded.channels
        project.actions += loaded.actions
    return project


@dataclass
class _FileLoaded:
    documents: list[SourceDocument] = dataclasses.field(default_factory=list)
    channels: list[Channel] = dataclasses.field(default_factory=list)
    actions: list[Action] = dataclasses.field(default_factory=list)


def _gather(files: dict[str, _FileLoaded], project: Project, only: frozenset[str] | None) -> None:
    """What ``project`` loaded from each of its document files (of ``only``, if given)."""
    config = project.config.source

    def wanted(file: str) -> bool:
        return only is None or file in only

    for document in project.documents:
        if document is not config and wanted(document.file):
            files.setdefault(document.file, _FileLoaded()).documents.append(document)
    for channel in project.channels:
        if wanted(channel.source.file):
            files.setdefault(channel.source.file, _FileLoaded()).channels.append(channel)
    for action in project.actions:
        if wanted(action.source.file):
            files.setdefault(action.source.file, _FileLoaded()).actions.append(action)


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
    if _compiles_as_working(at_ref, at_base, environment):
        tools = _reused_tools(at_ref, at_base)
        if tools is not None:
            return Base(tools, None, moved)
    compiled = compile_project(project, at_base)
    _refuse_errors(at_ref, compiled.diagnostics)
    tools = {(tool.agent_uid, tool.name): dict(tool.payload) for tool in compiled.tools.values()}
    return Base(tools, None, moved)


def _refuse_errors(at_ref: ProjectAtRef, diagnostics: list[Diagnostic]) -> None:
    """L843 and the compiler's diagnostics (at ``REF:path``) when any is an error."""
    relocated = relocate(diagnostics, at_ref.revision.ref)
    if has_errors(relocated):
        where = Location(at_ref.project.root.as_posix())
        raise DiagnosticError([_broken_base_at(where, at_ref.revision), *relocated])


def _compiles_as_working(at_ref: ProjectAtRef, at_base: Environment, working: Environment) -> bool:
    """Whether an action of a reused file compiles at REF exactly as in the working tree:
    the compiler reads the action, the environment, the platform and the channels, and
    all of them are the same. (The working tree's own check compiled every action in
    every environment without an error, so such an action compiles cleanly here too.)"""
    tree = at_ref.working
    if tree is None or not at_ref.reused:
        return False
    config = at_ref.project.config
    return (
        at_base == working
        and config.platform == tree.config.platform
        and _channel_inputs(at_ref.project) == _channel_inputs(tree)
    )


def _channel_inputs(project: Project) -> list[tuple[str, str, tuple[str, ...], str]]:
    return [(c.name, c.phone_number, c.capabilities, c.description) for c in project.channels]


def _reused_tools(at_ref: ProjectAtRef, environment: Environment) -> BaseTools | None:
    """The tools at REF, compiling now only the actions of files that differ from the
    working tree (what can fail to compile at REF); an action of a reused file compiles
    when the three-way classification looks it up (only for a tool the plan changes).
    None when two actions make one tool (an address declared twice, or two agents of
    one uid) or an action does not compile: the compiler's own pass over the whole
    project then says, and picks, as it always does."""
    project = at_ref.project
    keyed = [((_agent_uid(project, environment, a), a.name), a) for a in project.actions]
    if len(dict(keyed)) != len(keyed):
        return None
    from compiler.compile import compile_action

    tools = _CompiledOnDemand(project, environment, at_ref)
    for key, action in keyed:
        if action.source.file in at_ref.reused:
            tools.pending[key] = action
            continue
        payload, diagnostics = compile_action(action, project, environment)
        if has_errors(diagnostics):
            return None  # the compiler's pass reports it, with all it has to say
        if payload is not None:
            tools.compiled[key] = payload
    return tools


def _agent_uid(project: Project, environment: Environment, action: Action) -> str:
    return project.config.agent_uid(environment, action.agent)


class _CompiledOnDemand(Mapping[ToolKey, Mapping[str, Any]]):
    """Tools at REF by (agent uid, name); those of ``pending`` compiled on first lookup.
    Looking a tool up never compiles another, and iterating compiles them all. (The
    export may be gone by then: the pending actions' files were never in it, and the
    compiler reads a file only to place a diagnostic.)"""

    def __init__(self, project: Project, environment: Environment, at_ref: ProjectAtRef):
        self.project, self.environment, self.at_ref = project, environment, at_ref
        self.compiled: dict[ToolKey, Mapping[str, Any]] = {}
        self.pending: dict[ToolKey, Action] = {}

    def __getitem__(self, key: ToolKey) -> Mapping[str, Any]:
        if key in self.compiled:
            return self.compiled[key]
        from compiler.compile import compile_action

        action = self.pending.pop(key)  # (KeyError: no such tool at REF)
        payload, diagnostics = compile_action(action, self.project, self.environment)
        _refuse_errors(self.at_ref, diagnostics)
        if payload is None:  # (no error said why: the compiler's pass would not list it)
            raise KeyError(key)
        self.compiled[key] = payload
        return payload

    def __contains__(self, key: object) -> bool:
        return key in self.compiled or key in self.pending

    def __iter__(self) -> Iterator[ToolKey]:
        return iter([*self.compiled, *self.pending])

    def __len__(self) -> int:
        return len(self.compiled) + len(self.pending)


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
