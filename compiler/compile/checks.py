"""``validate`` as users run it: every rule, then the compiler, so that what compile and
plan would refuse offline, validate reports first, at the key or value that causes it.

    check_project(project) -> the rules' diagnostics and the compiler's, causes linked
    validate(root, paths=..., changed=...) -> Validated: the command's whole use case

Every action read in full is compiled once per distinct input: the environments differ
for the compiler only in the number they give the action's messaging channel, so an
action is compiled once per distinct override of its channel (usually once), not once
per environment. The cache's stubs are not compiled: their files were checked in full
when cached, and their content is not held.

A compile diagnostic where validate already reported an error (the same position: an
unknown channel is N301 at validate and C610 at compile), or the same code at the same
position, says the same thing twice, so it is left out; so is C699, the compiler's
"this input was not validated", when the action's own file already has an error that
explains it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compiler.diagnostics import Diagnostic, Location, sorted_diagnostics
from compiler.diagnostics.codes import C699
from compiler.model import Action, Environment, Project
from compiler.validate.causes import link_causes
from compiler.validate.rules import ALL_RULES, sms, templates

UNVALIDATED = C699


@dataclass
class Kept:
    """What the compile step compiled for one environment, kept for ``compile`` to
    write instead of compiling it again: ``results[id(action)]`` is the payload
    ``compile_action`` made for the action in ``environment`` as ``render`` writes it
    (text is a third of the payload's size in memory), or None, and its diagnostics."""

    environment: Environment
    render: Callable[[dict[str, Any]], str]
    results: dict[int, tuple[str | None, list[Diagnostic]]] = field(default_factory=dict)

    def keep(
        self, action: Action, compiled: tuple[dict[str, Any] | None, list[Diagnostic]]
    ) -> None:
        payload, diagnostics = compiled
        self.results[id(action)] = (None if payload is None else self.render(payload), diagnostics)


def check_project(project: Project, *, keep: Kept | None = None) -> list[Diagnostic]:
    """Every rule over the whole project, then the compiler in every environment; errors
    that follow from a document that failed to load are marked as caused by its error.
    With ``keep``, what each action compiled to in its environment is kept there.

    The template rules and the compiler read each action's templates: they take the
    actions in turn together, so that a template is parsed once (``parse_template``
    keeps only the last few hundred), and their diagnostics are listed where
    ``rule_diagnostics`` lists them."""
    by_rule: dict[Any, list[Diagnostic]] = {templates: [], sms: []}
    compiled: set[Diagnostic] = set()
    for action in project.actions_read_in_full():
        by_rule[templates].extend(templates.check_action(action, project.root))
        by_rule[sms].extend(sms.check_action(action))
        compiled.update(_compile(action, project, keep))
    diagnostics: list[Diagnostic] = []
    for rule in ALL_RULES:
        diagnostics.extend(by_rule[rule] if rule in by_rule else rule.check(project))
    diagnostics += _not_said(compiled, diagnostics)
    return link_causes(project, diagnostics)


def compile_diagnostics(
    project: Project, found: Iterable[Diagnostic], keep: Kept | None = None
) -> list[Diagnostic]:
    """Diagnostics of compiling each action in each environment that validate did not
    already report (``found``: validate's own)."""
    seen: set[Diagnostic] = set()
    for action in project.actions_read_in_full():
        seen.update(_compile(action, project, keep))
    return _not_said(seen, list(found))


def _compile(action: Action, project: Project, keep: Kept | None) -> Iterator[Diagnostic]:
    """The diagnostics of compiling ``action`` once per distinct input."""
    from compiler.compile import compile_action

    for environment in _distinct_inputs(action, project):
        compiled = compile_action(action, project, environment)
        yield from compiled[1]
        if keep is not None and _same_input(action, environment, keep.environment):
            keep.keep(action, compiled)


def _not_said(seen: set[Diagnostic], found: list[Diagnostic]) -> list[Diagnostic]:
    """The compile diagnostics in ``seen`` that validate's own (``found``) do not say."""
    # Only an error explains a compile error away: a warning at the same key (C631 at
    # messaging_channel) must not hide an error there that would stop compile.
    taken = {d.location for d in found if d.is_error}
    said = {(d.location, d.code) for d in found}
    files_with_errors = {d.file for d in found if d.is_error}
    new = [d for d in seen if _new(d, taken, said, files_with_errors)]
    return sorted(new, key=Diagnostic.sort_key)


def _new(
    diagnostic: Diagnostic,
    taken: set[Location],
    said: set[tuple[Location, str]],
    files_with_errors: set[str],
) -> bool:
    if diagnostic.location in taken or (diagnostic.location, diagnostic.code) in said:
        return False
    return not (diagnostic.code == UNVALIDATED and diagnostic.file in files_with_errors)


def _same_input(action: Action, one: Environment, other: Environment) -> bool:
    """Whether the compiler reads the same input for ``action`` in both environments."""
    channel = action.fields.get("messaging_channel")
    if not isinstance(channel, str):
        return True
    return one.channels.get(channel) == other.channels.get(channel)


def _distinct_inputs(action: Action, project: Project) -> Iterator[Environment]:
    """One environment per distinct number of the action's channel (the only input of
    the compiler that differs between environments)."""
    channel = action.fields.get("messaging_channel")
    numbers: set[object] = set()
    for environment in project.config.environments.values():
        number = environment.channels.get(channel) if isinstance(channel, str) else None
        if number in numbers:
            continue
        numbers.add(number)
        yield environment


@dataclass
class Validated:
    """What ``actionctl validate`` found: the diagnostics to report (rules and
    suppressions applied, narrowed to the change when one was given, causes first) and,
    when the project loaded, the line that says what was checked."""

    diagnostics: list[Diagnostic]
    checked: str | None


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the body, then restore it as it was.

    Loading builds a tree of plain data (tens of thousands of dicts, lists and tuples)
    that stays alive until the command ends: the collector walks it again and again as
    it grows (a sixth of validate's time) and never finds a cycle in it (it holds none;
    reference counting frees it). Cycles made meanwhile are collected once it resumes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate(
    root: Path,
    *,
    environment: str | None = None,
    paths: Sequence[Path] = (),
    changed: bool = False,
    use_cache: bool = True,
) -> Validated:
    """The whole ``validate`` use case: load (from the per-file cache where the change
    allows), every rule and the compiler, then with PATHS or ``changed`` only what the
    change involves, renames and deletes named first."""
    with without_cycle_collection():
        return _validate(root, environment, paths, changed, use_cache)


def _validate(
    root: Path,
    environment: str | None,
    paths: Sequence[Path],
    changed: bool,
    use_cache: bool,
) -> Validated:
    from compiler.compile.selection import Selection, summary
    from compiler.load import load_project
    from compiler.load.project import unknown_environment
    from compiler.validate.change_causes import fold_under_changes
    from compiler.validate.involved import involved
    from compiler.validate.renames import undeclared_renames
    from compiler.validate.suppress import apply_rules

    selection: Selection | None = None
    if (paths or changed) and root.is_dir():
        selection = Selection.of(root, paths, changed)
    cache = selection.cache(root) if selection and use_cache else None
    loaded = load_project(root, cache=cache)
    if cache is not None:
        cache.save()
    diagnostics = list(loaded.diagnostics)
    if loaded.project is not None:
        diagnostics += check_project(loaded.project)
        if environment and loaded.project.config.environment(environment) is None:
            diagnostics.append(unknown_environment(loaded.project, environment))
    if loaded.project is None or not loaded.files:
        selection = None
    if selection is not None and loaded.project is not None:
        selection.problems += selection.unread(loaded.files)
        diagnostics += undeclared_renames(loaded.project, selection.change)
        diagnostics = apply_rules(diagnostics, loaded.project, scan=selection.covers)
        diagnostics = involved(diagnostics, loaded.project, selection.change)
        diagnostics = fold_under_changes(diagnostics, loaded.project, selection.change)
        diagnostics += selection.problems
    else:
        diagnostics = apply_rules(diagnostics, loaded.project)
    checked = summary(loaded.project, selection) if loaded.project is not None else None
    return Validated(sorted_diagnostics(diagnostics), checked)
