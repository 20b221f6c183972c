"""``actionctl apply [PLANFILE]``: apply a saved plan, or plan, confirm and apply.

Exit 0 applied (or nothing to do), 1 error or partial failure, 3 stale plan or another
apply holds the lock on an agent (nothing was changed), 128 + the signal's number when
stopped by SIGINT (130, Ctrl-C), SIGTERM (143) or SIGHUP (129): changes under way
finish and are reported, those not started are not made, the locks are released. A
second signal interrupts at once (a lock left behind is freed once this process has
ended, on this machine, or when it expires).
Progress goes to stderr, one line per finished change with the time left (estimated
from the pace changes finish at, or the client's configured pace at first), unless -q.

``ACTIONCTL_LOCK_EXPIRY_SECONDS`` sets how long an apply lock counts without renewal
(default 900; the heartbeat renews it every third of that).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app
from compiler.diagnostics.codes import (
    A901,
    A902,
    A903,
    A905,
    A906,
    A908,
    A910,
    A911,
    A912,
    E111,
    L804,
)

if TYPE_CHECKING:
    from compiler.apply.engine import ApplyReport, LockSettings, Outcome, Refusal
    from compiler.diagnostics import Diagnostic, Location
    from compiler.model import Environment, Project
    from compiler.plan.model import Plan
    from compiler.platform.base import Platform

EXIT_ERROR = 1
EXIT_STALE = 3
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
EXPIRY_ENV = "ACTIONCTL_LOCK_EXPIRY_SECONDS"


@click.command(
    epilog="""\b
Examples:
  actionctl plan --out plan.json && actionctl apply plan.json
  actionctl apply --auto-approve          plan and apply in one go (CI)
  actionctl apply plan.json --allow-empty a prune that removes an agent's last tool
  actionctl apply --revert plan.json      undo an applied plan (puts each `before` back)
"""
)
@click.argument("planfile", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Allow a prune to delete every tool of an agent.",
)
@click.option(
    "--parallelism",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="How many changes run at once.",
)
@click.option(
    "--prune/--no-prune",
    default=None,
    help="Without PLANFILE: as for `plan` (default: the project's prune).",
)
@click.option(
    "--remove-foreign-locks",
    is_flag=True,
    help="Delete expired actionctl-lock-* tools that actionctl did not create "
    "(otherwise they are reported and left alone).",
)
@click.option(
    "--revert",
    is_flag=True,
    help="Undo the applied PLANFILE: put back each tool's `before` (refused if changed since).",
)
@pass_app
def command(
    app: AppContext,
    planfile: Path | None,
    auto_approve: bool,
    allow_empty: bool,
    parallelism: int,
    prune: bool | None,
    remove_foreign_locks: bool,
    revert: bool,
) -> int:
    """Apply a saved plan (or plan, confirm and apply)."""
    from compiler.apply.engine import LockSettings
    from compiler.cli.plan import connected, planned, show_plan

    locking = LockSettings(_lock_expiry(), remove_foreign_locks)
    if revert:
        from compiler.cli.revert import revert as revert_applied

        if planfile is None or prune is not None:
            raise click.UsageError("--revert needs PLANFILE (the applied plan) and no --prune")
        return revert_applied(
            app,
            planfile,
            auto_approve=auto_approve,
            allow_empty=allow_empty,
            parallelism=parallelism,
        )

    if planfile is not None and prune is not None:
        raise click.UsageError(
            "--prune/--no-prune apply only without PLANFILE (a saved plan is fixed)"
        )
    if planfile is not None:
        plan, project, environment = _saved_plan(app, planfile)
        with connected(app, project, environment) as platform:
            _check_target(plan, platform, planfile)
            if not plan.has_changes:
                _sweep(app, platform, plan, environment, locking, str(planfile))
            return _apply(app, platform, plan, allow_empty, parallelism, str(planfile), locking)
    with planned(app, prune) as result:
        plan, platform = result.plan, result.platform
        emit_diagnostics(app, result.diagnostics, err=True)
        asking = not auto_approve and plan.has_changes
        if not app.quiet or asking:  # -q: only the result line (unless asked to confirm)
            show_plan(app, plan, "text")
        if not plan.has_changes:
            # Only when the plan's own listing showed a lock tool (L804): a no-change
            # apply costs exactly the listing.
            if any(d.code == L804 for d in result.diagnostics):
                _sweep(app, platform, plan, result.environment, locking, "actionctl.yaml")
            if app.quiet:
                click.echo("No changes. Nothing to apply.")
            return 0
        if not auto_approve and _refused_before_asking(app, plan, allow_empty, "actionctl.yaml"):
            return EXIT_ERROR
        if not auto_approve and not _confirmed(app, plan):
            return EXIT_ERROR
        return _apply(app, platform, plan, allow_empty, parallelism, "actionctl.yaml", locking)


def _lock_expiry() -> timedelta:
    from compiler.diagnostics import Diagnostic, DiagnosticError, Location
    from compiler.platform.lock_tools import LOCK_EXPIRY

    raw = os.environ.get(EXPIRY_ENV)
    if raw is None or not raw.strip():
        return LOCK_EXPIRY
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 1 <= seconds <= 86_400:  # also refuses nan
        message = f"{EXPIRY_ENV} must be a number of seconds from 1 to 86400, got {raw[:40]!r}"
        raise DiagnosticError([Diagnostic.error(Location(EXPIRY_ENV), A912, message)])
    return timedelta(seconds=seconds)


def _sweep(
    app: AppContext,
    platform: Platform,
    plan: Plan,
    environment: Environment,
    locking: LockSettings,
    origin: str,
) -> None:
    """Nothing to apply: still remove apply locks a killed apply left on these agents
    (they are tools the voice agent would otherwise carry)."""
    from compiler.apply.lock import sweep_abandoned

    uids = set(environment.agents.values()) | {c.agent_uid for c in plan.changes}
    notes = sweep_abandoned(
        platform,
        uids | {u.agent_uid for u in plan.unmanaged},
        expiry=locking.expiry,
        remove_foreign=locking.remove_foreign,
    )
    _warn_foreign_locks(app, notes, origin)


def _warn_foreign_locks(app: AppContext, notes: list[str], origin: str) -> None:
    from compiler.diagnostics import Diagnostic, Location

    emit_diagnostics(app, [Diagnostic.warning(Location(origin), A911, n) for n in notes], err=True)


def _refused_before_asking(app: AppContext, plan: Plan, allow_empty: bool, origin: str) -> bool:
    """A prune that would empty an agent is refused anyway (A905): say so before the
    user types ``yes``, not after."""
    from compiler.apply.engine import refuse_emptying

    reasons = refuse_emptying(plan, allow_empty)
    for text in reasons:
        _refuse(app, A905, f"{text}; nothing was changed", origin)
    return bool(reasons)


def _confirmed(app: AppContext, plan: Plan) -> bool:
    if not sys.stdin.isatty():
        message = (
            "refusing to apply without confirmation: stdin is not a terminal; pass "
            "--auto-approve, or save a plan with `actionctl plan --out plan.json`, review "
            "it, then `actionctl apply plan.json`"
        )
        _refuse(app, A906, message, "actionctl.yaml")
        return False
    if _answered_yes(plan):
        return True
    click.echo("Apply cancelled; nothing was changed.", err=True)
    return False


def _answered_yes(plan: Plan) -> bool:
    """y/N for creates and updates; a plan that deletes or replaces needs the word ``yes``
    (as Terraform asks): a reflexive ``y`` must not remove live tools."""
    from compiler.plan.model import DESTRUCTIVE

    if not any(change.action in DESTRUCTIVE for change in plan.changes):
        return click.confirm("\nApply these changes?", default=False, err=True)
    click.echo("\nThis plan deletes or replaces live tools. Only 'yes' will apply it.", err=True)
    answer = str(click.prompt("Apply these changes?", default="", show_default=False, err=True))
    if answer.strip().lower() in ("y", "ye"):
        click.echo("Only 'yes' applies a plan that deletes or replaces.", err=True)
    return answer.strip() == "yes"


def _refuse(app: AppContext, code: str, message: str, file: str) -> None:
    from compiler.diagnostics import Diagnostic, Location

    emit_diagnostics(app, [Diagnostic.error(Location(file), code, message)], err=True)


def _project_file_only(app: AppContext) -> Project:
    """A saved plan needs only the project file (the plan holds the payloads), so action
    files that no longer load do not stop it; a directory that is not a project does
    (E111, as for ``plan``): a plan must not be applied from a wrong --project."""
    from compiler.diagnostics import DiagnosticError
    from compiler.load import load_project

    loaded = load_project(app.project_dir)
    not_a_project = [d for d in loaded.diagnostics if d.code == E111]
    if loaded.project is None or not_a_project:
        raise DiagnosticError(not_a_project or loaded.diagnostics)
    return loaded.project


def _saved_plan(app: AppContext, planfile: Path) -> tuple[Plan, Project, Environment]:
    from compiler.cli.context import select_environment
    from compiler.diagnostics import Diagnostic, DiagnosticError, Location
    from compiler.plan.file import PlanFormatError, load_plan

    try:
        plan = load_plan(planfile)
    except PlanFormatError as error:
        diagnostic = Diagnostic.error(
            Location(str(planfile), error.line, error.column), A901, str(error)
        )
        raise DiagnosticError([diagnostic]) from None
    project = _project_file_only(app)
    environment = select_environment(app, project)
    if plan.environment != environment.name:
        message = (
            f"this plan was made for environment {plan.environment!r}, not "
            f"{environment.name!r}; run `actionctl --env {plan.environment} apply "
            f"{planfile}` or re-plan for {environment.name!r}"
        )
        raise DiagnosticError([Diagnostic.error(Location(str(planfile)), A902, message)])
    return plan, project, environment


def _check_target(plan: Plan, platform: Platform, planfile: Path) -> None:
    from compiler.diagnostics import Diagnostic, DiagnosticError, Location

    if dict(plan.target) == dict(platform.target):
        return
    message = (
        f"this plan was made for {_describe_target(plan.target)}, but the project now "
        f"targets {_describe_target(platform.target)}; re-plan against this target"
    )
    raise DiagnosticError([Diagnostic.error(Location(str(planfile)), A903, message)])


def _describe_target(target: dict[str, str]) -> str:
    return " ".join(v for v in (target.get("platform"), target.get("base_url")) if v)


def _apply(
    app: AppContext,
    platform: Platform,
    plan: Plan,
    allow_empty: bool,
    parallelism: int,
    origin: str,
    locking: LockSettings | None = None,
) -> int:
    """Refusals are diagnostics located at ``origin`` (the plan file, or the project
    file for a fresh plan), so CI sees them in --diagnostics-format."""
    from compiler.apply.engine import apply_safely

    if not plan.has_changes:
        click.echo("No changes. Nothing to apply.")
        return 0
    if locking is None:
        from compiler.apply.engine import LockSettings

        locking = LockSettings(_lock_expiry())
    with stopped_by_signals() as stop:
        result = apply_safely(
            platform,
            plan,
            allow_empty=allow_empty,
            parallelism=parallelism,
            progress=_progress(app, platform),
            locking=locking,
            stop=stop.event,
        )
        emit_diagnostics(app, [_refusal(r, origin) for r in result.refusals], err=True)
        if result.report is not None:
            emit_diagnostics(app, _readback_warnings(result.report), err=True)
        _warn_foreign_locks(app, result.notes, origin)
        _warn_left_behind(app, result.left_behind, origin)
        if result.refusals:
            return EXIT_STALE if any(r.stale for r in result.refusals) else EXIT_ERROR
        if result.interrupted:
            click.echo(
                f"Interrupted ({stop.name}) while taking the apply locks; nothing was changed.",
                err=True,
            )
            return stop.exit_code
        assert result.report is not None
        if result.report.interrupted:
            return _summarise_interrupted(result.report, stop)
        return _summarise(app, result.report)


class SignalStop:
    """What the signal handlers saw: the first SIGINT/SIGTERM/SIGHUP sets ``event``
    (the apply stops between changes, cleanly); a second one stops at once."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signum: int = signal.SIGINT

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)

    def handle(self, signum: int, frame: object) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt  # asked twice: stop now
        self.signum = signum
        self.event.set()


@contextmanager
def stopped_by_signals() -> Iterator[SignalStop]:
    """SIGINT, SIGTERM and SIGHUP set a flag instead of raising wherever the main
    thread happens to be (a progress line half printed, a lock half released)."""
    stop = SignalStop()
    previous = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, stop.handle)
    except ValueError:  # not the main thread: signals stay as they are
        pass
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _refusal(refusal: Refusal, origin: str) -> Diagnostic:
    from compiler.diagnostics import Diagnostic, Location

    change = refusal.change
    where = _parse_location(change.source) if change and change.source else Location(origin)
    return Diagnostic.error(where, refusal.code, refusal.message)


def _warn_left_behind(app: AppContext, messages: list[str], origin: str) -> None:
    from compiler.diagnostics import Diagnostic, Location

    warnings = [Diagnostic.warning(Location(origin), A908, text) for text in messages]
    emit_diagnostics(app, warnings, err=True)


def _progress(app: AppContext, platform: Platform) -> Callable[[int, int, Outcome], None]:
    from compiler.apply.eta import Eta

    pace = getattr(platform, "requests_per_minute", None)  # the OpenMic client's bucket
    eta: Eta | None = None

    def show(done: int, total: int, outcome: Outcome) -> None:
        # This change was made: its line must come out even when Ctrl-C lands while it
        # is being written (the apply counts it as reported); the interrupt follows.
        nonlocal eta
        interrupted = False
        left: float | None = None
        recorded = False
        while True:
            try:
                if not recorded:
                    eta = eta or Eta(total, requests_per_minute=pace)
                    left = eta.finished(done)
                    recorded = True
                line = _progress_line(app, done, total, outcome, left)
                if line is not None:
                    click.echo(line, err=True)
                break
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt

    return show


def _progress_line(
    app: AppContext, done: int, total: int, outcome: Outcome, left: float | None
) -> str | None:
    from compiler.apply.eta import format_duration

    if app.quiet and outcome.ok:
        return None
    # The time left goes after the counter: the address stays the line's last word
    # (before a failure's reason), where scripts find it.
    counter = f"[{done}/{total}]"
    if left and done < total:
        counter += f" (about {format_duration(left)} left)"
    line = f"{counter} {outcome.verb} {outcome.change.address}"
    if not outcome.ok:
        line += f": {outcome.message}"
    if app.color and not outcome.ok and sys.stderr.isatty():
        line = click.style(line, fg="red")
    return line


def _readback_warnings(report: ApplyReport) -> list[Diagnostic]:
    from compiler.diagnostics import Diagnostic

    diagnostics = []
    for outcome in report.outcomes:
        where = _parse_location(outcome.change.source or outcome.change.address)
        for text in outcome.warnings:
            message = f"{outcome.change.address}: {text}"
            diagnostics.append(Diagnostic.warning(where, A910, message))
    return diagnostics


def _parse_location(text: str) -> Location:
    """``actions/x.yaml:3:1`` as recorded in a plan -> a Location with line and column
    (anything else: a Location naming just that text)."""
    from compiler.diagnostics import Location

    parts = text.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return Location(parts[0], int(parts[1]), int(parts[2]))
    return Location(text)


def _summarise(app: AppContext, report: ApplyReport) -> int:
    if report.interrupted:  # Ctrl-C seen as KeyboardInterrupt (outside the handlers)
        return _summarise_interrupted(report, SignalStop())
    done = ", ".join(f"{n} {verb}" for verb, n in sorted(report.counts().items())) or "nothing"
    if not report.failed:
        click.echo(f"Apply complete: {done}.")
        return 0
    if report.succeeded:
        headline = f"Apply incomplete: {done}; {len(report.failed)} failed:"
    else:
        headline = f"Apply failed: 0 changes applied, {len(report.failed)} failed:"
    click.echo(headline, err=True)
    for outcome in sorted(report.failed, key=lambda o: o.change.address):
        click.echo(
            f"  {outcome.change.action} {outcome.change.address}: {outcome.message}", err=True
        )
    click.echo(
        "What succeeded stays applied; run `actionctl plan` to see exactly what is left.",
        err=True,
    )
    return EXIT_ERROR


def _summarise_interrupted(report: ApplyReport, stop: SignalStop) -> int:
    failed = f", {len(report.failed)} failed" if report.failed else ""
    by = "" if stop.signum == signal.SIGINT else f" ({stop.name})"
    click.echo(
        f"Interrupted{by}: {len(report.succeeded)} done{failed}, {report.not_started} not "
        "started; run `actionctl plan` to see what is left.",
        err=True,
    )
    for outcome in sorted(report.failed, key=lambda o: o.change.address):
        click.echo(
            f"  {outcome.change.action} {outcome.change.address}: {outcome.message}", err=True
        )
    return stop.exit_code
