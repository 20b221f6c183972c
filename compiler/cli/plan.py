"""``actionctl plan``: read live, diff, print the plan, optionally save it.

The plan goes to stdout in ``--format``; diagnostics go to stderr in the global
``--diagnostics-format``. ``--out`` always saves the JSON form, atomically.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app

if TYPE_CHECKING:
    from compiler.diagnostics import Diagnostic
    from compiler.load.git_source import GitRevision
    from compiler.model import Environment, Project
    from compiler.plan.at_ref import Base
    from compiler.plan.model import Plan
    from compiler.platform.base import Platform

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CHANGES = 2
EXIT_CONFLICT = 4  # plan --base REF --fail-on-conflict: applying would overwrite an edit

RENDERERS = {
    "text": "compiler.plan.text",
    "markdown": "compiler.plan.markdown",
    "json": "compiler.plan.json_format",
}


def target_options(function: F) -> F:
    """``--target``/``--exclude``, the same on ``plan`` and ``apply``."""
    target = click.option(
        "--target",
        "targets",
        metavar="ADDRESS",
        multiple=True,
        help="Plan only the tools at ADDRESS (agent/name; a glob per side: support/*, "
        "*/send_*). Repeatable.",
    )
    exclude = click.option(
        "--exclude",
        "excludes",
        metavar="ADDRESS",
        multiple=True,
        help="Leave out the tools at ADDRESS (same syntax as --target). Repeatable.",
    )
    return target(exclude(function))


@dataclass(frozen=True)
class Scoping:
    """``--target``/``--exclude`` as given (none: the whole plan)."""

    targets: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()


@click.command(
    epilog="""\b
Examples:
  actionctl plan                               what would change, for people
  actionctl plan --out plan.json               ...and save it for `actionctl apply plan.json`
  actionctl plan --format markdown > plan.md   one pull-request comment
  actionctl plan --detailed-exitcode           exit 2 when there are changes (CI)
  actionctl plan --base origin/main            mark each change, drift and conflict
  actionctl plan --base origin/main --fail-on-conflict   exit 4 on a conflict (CI)
  actionctl plan --target 'support/*' --exclude support/beta   a partial plan
"""
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan as JSON (whatever --format prints), for `apply PLANFILE`.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(RENDERERS)),
    default="text",
    show_default=True,
    help="How the plan is printed on stdout.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 2 when the plan has changes, 0 when it has none (1 is always an error).",
)
@click.option(
    "--prune/--no-prune",
    default=None,
    help="Delete tools on managed agents that no file declares (default: the project's prune).",
)
@click.option(
    "--base",
    metavar="REF",
    help="Git revision last applied (e.g. origin/main): class each difference as change, "
    "drift (edited outside git) or conflict.",
)
@click.option(
    "--fail-on-conflict",
    is_flag=True,
    help="With --base: exit 4 when applying would overwrite an edit made outside git.",
)
@target_options
@pass_app
def command(
    app: AppContext,
    out: Path | None,
    fmt: str,
    detailed_exitcode: bool,
    prune: bool | None,
    base: str | None,
    fail_on_conflict: bool,
    targets: tuple[str, ...],
    excludes: tuple[str, ...],
) -> int:
    """Show what `apply` would change on the live platform."""
    if fail_on_conflict and base is None:
        raise click.UsageError("--fail-on-conflict needs --base REF (the revision last applied)")
    scope = Scoping(targets, excludes)
    with failure_comment(app, fmt), planned(app, prune, base=base, scope=scope) as result:
        plan = result.plan
    emit_diagnostics(app, result.diagnostics, err=True)
    if out is not None:
        from compiler.plan.file import save_plan

        save_plan(plan, out)
        if not app.quiet:
            click.echo(f"Saved the plan to {out}; apply it with: actionctl apply {out}", err=True)
    show_plan(app, plan, fmt)
    if fail_on_conflict and plan.three_way is not None and plan.three_way.has_conflicts:
        return EXIT_CONFLICT
    if detailed_exitcode and plan.has_changes:
        return EXIT_CHANGES
    return 0


@contextmanager
def failure_comment(app: AppContext, fmt: str) -> Iterator[None]:
    """With ``--format markdown``, a plan that cannot be made still prints a comment on
    stdout, saying that it failed and why, so CI replaces the last plan's comment instead
    of leaving a stale plan in place; the diagnostics still go to stderr, exit 1."""
    from compiler.diagnostics import DiagnosticError, sorted_diagnostics

    try:
        yield
    except DiagnosticError as error:
        if fmt == "markdown":
            from compiler.plan.commit import source_commit
            from compiler.plan.markdown import render_failure

            text = render_failure(
                sorted_diagnostics(error.diagnostics),
                environment=_environment_name(app),
                commit=source_commit(app.project_dir),
            )
            click.echo(text, nl=False)
        raise


def _environment_name(app: AppContext) -> str | None:
    """``--env``, else the project's default environment when its file can be read: the
    failure comment names what the plan was for (read again only on this failure path)."""
    if app.env:
        return app.env
    from compiler.load import load_project

    project = load_project(app.project_dir).project
    return None if project is None else project.config.default_environment


def show_plan(app: AppContext, plan: Plan, fmt: str) -> None:
    """The plan on stdout; colour only on a terminal (a saved or piped plan stays plain)."""
    import sys

    color = app.color and fmt == "text" and sys.stdout.isatty()
    click.echo(render_plan(plan, fmt, color=color), nl=False, color=color)


def render_plan(plan: Plan, fmt: str, *, color: bool) -> str:
    module = importlib.import_module(RENDERERS[fmt])
    text: str = module.render(plan, color=color)
    return text


@dataclass
class Planned:
    plan: Plan
    diagnostics: list[Diagnostic]  # warnings of loading, validating and planning
    platform: Platform  # still open inside ``planned``: apply writes through it
    environment: Environment


@contextmanager
def planned(
    app: AppContext,
    prune: bool | None,
    *,
    base: str | None = None,
    scope: Scoping = Scoping(),
    guard: Callable[[Platform], AbstractContextManager[Platform]] | None = None,
) -> Iterator[Planned]:
    """Load, validate, compile, read live and build the plan; the platform stays open
    for the ``with`` body. Raises DiagnosticError for anything that stops planning.
    ``base``: a git revision to classify the plan against (``compiler.plan.threeway``);
    ``scope``: ``--target``/``--exclude`` (``compiler.plan.scope``); ``guard``: what the
    platform is read through, held for the ``with`` body (apply's locks, taken before
    the live tools are read: ``compiler.apply.locked_read``)."""
    from compiler.cli.context import load_valid_project, select_environment
    from compiler.plan.make import make_plan
    from compiler.plan.scope import check_addresses

    check_addresses(scope.targets, scope.excludes)  # offline, before anything is read
    project, warnings = load_valid_project(app)
    environment = select_environment(app, project)
    use_prune = project.config.prune if prune is None else prune
    at_base = _tools_at(app, base, project, environment) if base is not None else None
    with (
        connected(app, project, environment) as connection,
        guard(connection) if guard is not None else nullcontext(connection) as platform,
    ):
        with _shown_reading(app, platform, project, environment, locked=guard is not None):
            plan, diagnostics = make_plan(
                project,
                environment,
                platform,
                prune=use_prune,
                targets=scope.targets,
                excludes=scope.excludes,
            )
        if at_base is not None:
            diagnostics += _classify(plan, *at_base)
        yield Planned(plan, warnings + diagnostics, platform, environment)


def _shown_reading(
    app: AppContext, platform: Platform, project: Project, environment: Environment, *, locked: bool
) -> AbstractContextManager[None]:
    """A long read of the live tools says how it goes on stderr (``-q``: nothing; nor
    where stderr is JSON or SARIF diagnostics). Under apply's locks the read is the
    locks' own listing, which their progress shows."""
    from compiler.apply.reading import reading_live
    from compiler.plan.make import managed_agents

    if app.quiet or locked or app.diagnostics_format in ("json", "sarif"):
        return nullcontext()
    agents = len(set(managed_agents(project, environment, ()).values()))
    return reading_live(platform, agents, lambda line: click.echo(line, err=True))


def _tools_at(
    app: AppContext, ref: str, project: Project, environment: Environment
) -> tuple[GitRevision, Base]:
    """(revision, base) of the configuration at ``ref``: read before connecting, so a
    missing ref fails fast and offline. The working tree's ``project`` stands in for
    the files unchanged since ``ref``."""
    from compiler.plan.at_ref import base_tools, project_at

    with project_at(app.project_dir, ref, allow_empty=True, working=project) as at_ref:
        return at_ref.revision, base_tools(at_ref, project.config.platform, environment)


def _classify(plan: Plan, revision: GitRevision, base: Base) -> list[Diagnostic]:
    from compiler.plan.model import BaseNote
    from compiler.plan.threeway import ThreeWay, classify, three_way_warnings

    tools = classify(plan, base.tools, no_base=base.no_base)
    notes = tuple(BaseNote.of(note) for note in base.notes)  # shown beside the tools too
    plan.three_way = ThreeWay(revision.ref, revision.commit, tools, notes)
    return [*base.notes, *three_way_warnings(plan)]


@contextmanager
def connected(app: AppContext, project: Project, environment: Environment) -> Iterator[Platform]:
    """The project's platform for this environment, closed afterwards."""
    from compiler.platform.connect import connect

    platform = connect(project.config, environment, project.root, verbose=app.verbose)
    try:
        yield platform
    finally:
        platform.close()
