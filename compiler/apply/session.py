"""``actionctl apply``, the use case: apply a saved plan, plan-confirm-apply, or revert
an applied plan (a mode of apply: its plan is built from the saved plan's ``before``).

The session owns every decision and every apply code: the saved-plan checks, the
refusals before asking, the confirmation, the locks and writes (``engine``), progress,
the summary and the exit code. What it needs from around it comes in as three small
ports, so it knows nothing of click or terminals:

- ``Workspace``: the project directory, the selected environment, connecting, and a
  fresh plan of the working tree;
- ``Console``: where diagnostics, the plan, progress and result lines go;
- ``Confirm``: the question before applying (absent when stdin is not a terminal).

Exit 0 applied (or nothing to do), 1 error or partial failure, 3 stale plan or another
apply holds the lock on an agent (nothing was changed), 128 + the signal's number when
stopped by SIGINT (130), SIGTERM (143) or SIGHUP (129).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from compiler.apply.engine import (
    DEFAULT_PARALLELISM,
    ApplyReport,
    ApplyResult,
    LockSettings,
    Refusal,
    apply_locked,
    apply_safely,
    refuse_emptying,
)
from compiler.apply.lock import AcquireInterrupted, LockRefused, sweep_abandoned
from compiler.apply.lock_memory import LockAgentMemory
from compiler.apply.locked_read import LockedRead
from compiler.apply.progress import ApplyProgress
from compiler.apply.reading import reading_live
from compiler.apply.saved import SavedPlan, check_target, load_saved
from compiler.apply.stop import SignalStop, stopped_by_signals
from compiler.diagnostics import Diagnostic, DiagnosticError, Location, has_errors
from compiler.diagnostics.codes import A905, A906, A907, A908, A910, A911, A912, L804, L850
from compiler.model import Environment, Project
from compiler.plan.live import read_live
from compiler.plan.model import DESTRUCTIVE, Plan
from compiler.plan.revert import Revert, agents_of, revert
from compiler.plan.scope import scope_note
from compiler.platform.base import Platform
from compiler.platform.lock_tools import LOCK_EXPIRY

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_STALE = 3
EXPIRY_ENV = "ACTIONCTL_LOCK_EXPIRY_SECONDS"
PROJECT_FILE = "actionctl.yaml"  # where a fresh plan's refusals are located


# --- the ports ---


class FreshPlan(Protocol):
    """A plan of the working tree, with the platform it was read from still open."""

    @property
    def plan(self) -> Plan: ...
    @property
    def diagnostics(self) -> list[Diagnostic]: ...  # warnings of loading and planning
    @property
    def platform(self) -> Platform: ...
    @property
    def environment(self) -> Environment: ...


# What the planner reads the platform through (``LockedRead.guard``).
ReadGuard = Callable[[Platform], AbstractContextManager[Platform]]


class Workspace(Protocol):
    @property
    def project_dir(self) -> Path: ...
    def environment(self, project: Project) -> Environment:
        """The selected environment (raises DiagnosticError when unknown)."""
        ...

    def connect(
        self, project: Project, environment: Environment
    ) -> AbstractContextManager[Platform]: ...
    def fresh_plan(
        self,
        prune: bool | None,
        targets: tuple[str, ...],
        excludes: tuple[str, ...],
        guard: ReadGuard | None = None,
    ) -> AbstractContextManager[FreshPlan]:
        """The plan of the working tree, narrowed to ``--target``/``--exclude``; the
        platform is read through ``guard`` when given, held until the ``with`` ends."""
        ...


class Console(Protocol):
    def diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        """Diagnostics, in the chosen format, beside the output (stderr)."""
        ...

    def show_plan(self, plan: Plan) -> None:
        """The plan as ``actionctl plan`` prints it (stdout)."""
        ...

    def result(self, line: str) -> None:
        """The result of a successful run (stdout)."""
        ...

    def note(self, line: str) -> None:
        """Everything else a person reads while it runs (stderr)."""
        ...

    def progress(self, line: str, ok: bool) -> None:
        """One progress line (stderr); ``ok`` False: a failure."""
        ...


class Confirm(Protocol):
    def interactive(self) -> bool:
        """Someone can answer (stdin is a terminal)."""
        ...

    def yes_or_no(self, question: str) -> bool:
        """y/N, no by default."""
        ...

    def typed(self, question: str) -> str:
        """A free answer (empty by default)."""
        ...


@dataclass(frozen=True)
class ApplyRequest:
    planfile: Path | None = None  # None: plan the working tree, show it, ask, apply
    revert: bool = False  # undo the applied ``planfile``
    auto_approve: bool = False
    allow_empty: bool = False
    parallelism: int = DEFAULT_PARALLELISM
    prune: bool | None = None  # without planfile: as for ``plan``
    targets: tuple[str, ...] = ()  # without planfile: ``--target``, as for ``plan``
    excludes: tuple[str, ...] = ()  # without planfile: ``--exclude``
    remove_foreign_locks: bool = False
    lock_expiry: str | None = None  # ACTIONCTL_LOCK_EXPIRY_SECONDS as set, if set
    quiet: bool = False

    def __post_init__(self) -> None:
        # The command line refuses these as usage errors; a caller in code is told too.
        if self.revert and self.planfile is None:
            raise ValueError("revert needs the applied plan file")
        if self.planfile is not None and self.prune is not None:
            raise ValueError("prune applies only without a plan file (a saved plan is fixed)")
        if self.planfile is not None and (self.targets or self.excludes):
            raise ValueError("a saved plan keeps its own scope: no targets or excludes")


def run_apply(
    request: ApplyRequest, workspace: Workspace, console: Console, confirm: Confirm
) -> int:
    """The whole of ``actionctl apply``; returns the exit code. Raises DiagnosticError
    for what stops it before anything was written (printed by the caller, exit 1)."""
    session = ApplySession(request, workspace, console, confirm)
    if request.planfile is None:
        return session.plan_and_apply()
    if request.revert:
        return session.revert(request.planfile)
    return session.apply_saved(request.planfile)


def lock_settings(raw_expiry: str | None, remove_foreign: bool = False) -> LockSettings:
    """``ACTIONCTL_LOCK_EXPIRY_SECONDS`` (default 900; the heartbeat renews every third)."""
    if raw_expiry is None or not raw_expiry.strip():
        return LockSettings(LOCK_EXPIRY, remove_foreign)
    try:
        seconds = float(raw_expiry)
    except ValueError:
        seconds = -1.0
    if not 1 <= seconds <= 86_400:  # also refuses nan
        message = (
            f"{EXPIRY_ENV} must be a number of seconds from 1 to 86400, got {raw_expiry[:40]!r}"
        )
        raise DiagnosticError([Diagnostic.error(Location(EXPIRY_ENV), A912, message)])
    return LockSettings(timedelta(seconds=seconds), remove_foreign)


class ApplySession:
    def __init__(
        self, request: ApplyRequest, workspace: Workspace, console: Console, confirm: Confirm
    ) -> None:
        self.request = request
        self.workspace = workspace
        self.console = console
        self.confirm = confirm
        # Checked first, before anything is read or connected.
        settings = lock_settings(request.lock_expiry, request.remove_foreign_locks)
        # Where the lock agent was last found: saves its look-up before the lock's create.
        hint = LockAgentMemory(workspace.project_dir)
        self.locking = replace(settings, hint=hint)

    # --- the three modes ---

    def apply_saved(self, planfile: Path) -> int:
        saved = self._saved(planfile)
        with self._connected(saved) as platform:
            plan = saved.plan
            if not plan.has_changes:
                self._sweep(platform, plan, saved.environment, str(planfile))
            return self._execute(platform, plan, str(planfile))

    def plan_and_apply(self) -> int:
        """Plan, show, ask, then lock, re-read and write; with --auto-approve the locks
        come first (``_plan_and_apply_locked``)."""
        if self.request.auto_approve:
            return self._plan_and_apply_locked()
        request, console = self.request, self.console
        with self.workspace.fresh_plan(request.prune, request.targets, request.excludes) as fresh:
            plan, platform = fresh.plan, fresh.platform
            console.diagnostics(fresh.diagnostics)
            asking = plan.has_changes
            if not request.quiet or asking:  # -q: only the result line (unless asking)
                console.show_plan(plan)
            if not plan.has_changes:
                # Only when the plan's own listing showed a lock tool (L804): a no-change
                # apply that would have asked costs exactly the listing.
                if any(d.code == L804 for d in fresh.diagnostics):
                    self._sweep(platform, plan, fresh.environment, PROJECT_FILE)
                if request.quiet:
                    console.result("No changes. Nothing to apply.")
                return EXIT_OK
            if asking and not self._approved(plan, platform, PROJECT_FILE):
                return EXIT_ERROR
            return self._execute(platform, plan, PROJECT_FILE)

    def _plan_and_apply_locked(self) -> int:
        """Nobody to ask: the apply locks are taken before the live tools are read (as
        Terraform locks the state before refreshing it), so the plan is read under them
        and stays current until they are released; the agents are not listed again
        (``compiler.apply.locked_read``). A person asked first is not made to hold the
        locks while reading the plan: that path locks after the answer and re-reads."""
        request, console = self.request, self.console
        with stopped_by_signals() as stop:
            progress = ApplyProgress(console.progress, None, quiet=request.quiet, stop=stop.event)
            reads = LockedRead(self.locking, stop=stop.event, watch=progress)
            with progress.watching():
                try:
                    with self.workspace.fresh_plan(
                        request.prune, request.targets, request.excludes, reads.guard
                    ) as fresh:
                        result = self._apply_read_locked(fresh, reads, progress, stop)
                except LockRefused as refused:
                    result = ApplyResult([Refusal(A907, f"{refused}; nothing was changed")])
                except AcquireInterrupted:
                    result = ApplyResult(interrupted=True)
            result = result or ApplyResult()
            result.left_behind = reads.left_behind
            if result.report is None and not (result.refusals or result.interrupted):
                # No changes: the locks' release is all that can have gone wrong.
                self._warn_left_behind(result.left_behind)
                return EXIT_OK
            return self._outcome(result, stop, PROJECT_FILE)

    def _apply_read_locked(
        self, fresh: FreshPlan, reads: LockedRead, progress: ApplyProgress, stop: SignalStop
    ) -> ApplyResult | None:
        """The plan read under ``reads``' locks, shown and written; None: nothing to do."""
        plan, console = fresh.plan, self.console
        console.diagnostics(fresh.diagnostics)
        if not self.request.quiet:
            console.show_plan(plan)
        if stop.event.is_set():
            return ApplyResult(interrupted=True)  # stopped while planning: nothing written
        if not plan.has_changes:
            self._warn_foreign_locks(reads.notes, PROJECT_FILE)
            reads.release()
            if self.request.quiet:  # otherwise the plan said so
                console.result("No changes. Nothing to apply.")
            return None
        assert reads.locks is not None and reads.platform is not None
        platform = reads.platform
        progress.requests_per_minute = getattr(platform, "requests_per_minute", None)
        progress.planned(plan)
        try:
            return apply_locked(
                platform,
                plan,
                reads.locks,
                allow_empty=self.request.allow_empty,
                parallelism=self.request.parallelism,
                progress=progress,
                stop=stop.event,
                watch=progress,
            )
        finally:
            reads.release()  # before the summary: its lines come first

    def revert(self, planfile: Path) -> int:
        """The revert plan is built from the saved plan's ``before`` against the live
        tools read now, for the changes that were made (a partial apply made only some);
        it is refused (L850, exit 3, nothing changed) when a tool changed since the
        apply. Then it is shown, confirmed and applied as a fresh plan is."""
        saved = self._saved(planfile)
        if not saved.plan.has_changes:
            self.console.result("Nothing to revert: the plan has no changes.")
            return EXIT_OK
        origin = str(saved.file)
        with self._connected(saved) as platform:
            undo = self._revert_plan(saved, platform)
            plan = undo.plan
            if undo.reasons:
                where = Location(origin)
                stale = [Diagnostic.error(where, L850, f"cannot revert: {r}") for r in undo.reasons]
                self.console.diagnostics(stale)
                return EXIT_STALE
            asking = not self.request.auto_approve and plan.has_changes
            if not self.request.quiet or asking:
                for line in reverting(undo, origin):
                    self.console.note(line)
                self.console.show_plan(plan)
            if asking and not self._approved(plan, platform, origin):
                return EXIT_ERROR
            return self._execute(platform, plan, origin)

    # --- before writing ---

    def _saved(self, planfile: Path) -> SavedPlan:
        return load_saved(planfile, self.workspace.project_dir, self.workspace.environment)

    @contextmanager
    def _connected(self, saved: SavedPlan) -> Iterator[Platform]:
        with self.workspace.connect(saved.project, saved.environment) as platform:
            check_target(saved.plan, platform.target, saved.file)
            yield platform

    def _revert_plan(self, saved: SavedPlan, platform: Platform) -> Revert:
        agents = agents_of(saved.plan)
        count = len(set(agents.values()))
        shown = reading_live(platform, count, self.console.note, first_after=0)
        with nullcontext() if self.request.quiet else shown:
            live = read_live(platform, agents)
        if has_errors(live.diagnostics):
            raise DiagnosticError(live.diagnostics)
        return revert(saved.plan, live)

    def _approved(self, plan: Plan, platform: Platform, origin: str) -> bool:
        """A prune that would empty an agent is refused anyway (A905): say so before the
        user types ``yes``, not after. Then ask (A906 when nobody can answer)."""
        reasons = refuse_emptying(plan, self.request.allow_empty)
        for text in reasons:
            self._refuse(A905, f"{text}; nothing was changed", origin)
        if reasons:
            return False
        if not self.confirm.interactive():
            message = (
                "refusing to apply without confirmation: stdin is not a terminal; pass "
                "--auto-approve, or save a plan with `actionctl plan --out plan.json`, review "
                "it, then `actionctl apply plan.json`"
            )
            self._refuse(A906, message, PROJECT_FILE)
            return False
        self.console.note("")
        for line in restatement(plan, platform.description):
            self.console.note(line)
        if self._answered_yes(plan):
            return True
        self.console.note("Apply cancelled; nothing was changed.")
        return False

    def _answered_yes(self, plan: Plan) -> bool:
        """y/N for creates and updates; a plan that deletes or replaces needs the word
        ``yes`` (as Terraform asks): a reflexive ``y`` must not remove live tools."""
        if not any(change.action in DESTRUCTIVE for change in plan.changes):
            return self.confirm.yes_or_no("Apply these changes?")
        self.console.note("This plan deletes or replaces live tools. Only 'yes' will apply it.")
        answer = self.confirm.typed("Apply these changes?").strip()
        if answer.lower() in ("y", "ye"):
            self.console.note("Only 'yes' applies a plan that deletes or replaces.")
        return answer == "yes"

    def _refuse(self, code: str, message: str, file: str) -> None:
        self.console.diagnostics([Diagnostic.error(Location(file), code, message)])

    def _sweep(self, platform: Platform, plan: Plan, environment: Environment, origin: str) -> None:
        """Nothing to apply: still remove apply locks a killed apply left on these
        agents (they are tools the voice agent would otherwise carry)."""
        uids = set(environment.agents.values()) | {c.agent_uid for c in plan.changes}
        notes = sweep_abandoned(
            platform,
            uids | {u.agent_uid for u in plan.unmanaged},
            expiry=self.locking.expiry,
            remove_foreign=self.locking.remove_foreign,
        )
        self._warn_foreign_locks(notes, origin)

    # --- writing and the outcome ---

    def _execute(self, platform: Platform, plan: Plan, origin: str) -> int:
        """Refusals are diagnostics located at ``origin`` (the plan file, or the project
        file for a fresh plan), so CI sees them in --diagnostics-format."""
        if not plan.has_changes:
            self.console.result("No changes. Nothing to apply.")
            return EXIT_OK
        with stopped_by_signals() as stop:
            progress = ApplyProgress(
                self.console.progress,
                plan,
                quiet=self.request.quiet,
                # The OpenMic client's bucket; other targets are not paced.
                requests_per_minute=getattr(platform, "requests_per_minute", None),
                stop=stop.event,
            )
            with progress.watching():
                result = apply_safely(
                    platform,
                    plan,
                    allow_empty=self.request.allow_empty,
                    parallelism=self.request.parallelism,
                    progress=progress,
                    locking=self.locking,
                    stop=stop.event,
                    watch=progress,
                )
            return self._outcome(result, stop, origin)

    def _outcome(self, result: ApplyResult, stop: SignalStop, origin: str) -> int:
        console = self.console
        console.diagnostics([refusal_diagnostic(r, origin) for r in result.refusals])
        if result.report is not None:
            console.diagnostics(readback_warnings(result.report))
        self._warn_foreign_locks(result.notes, origin)
        self._warn_left_behind(result.left_behind, origin)
        if result.refusals:
            return EXIT_STALE if any(r.stale for r in result.refusals) else EXIT_ERROR
        if result.interrupted:
            console.note(
                f"Interrupted ({stop.name}) while taking the apply locks; nothing was changed."
            )
            return stop.exit_code
        assert result.report is not None
        if result.report.interrupted:
            return self._summarise_interrupted(result.report, stop)
        return self._summarise(result.report)

    def _warn_left_behind(self, left_behind: list[str], origin: str = PROJECT_FILE) -> None:
        warnings = [Diagnostic.warning(Location(origin), A908, text) for text in left_behind]
        self.console.diagnostics(warnings)

    def _warn_foreign_locks(self, notes: list[str], origin: str) -> None:
        self.console.diagnostics([Diagnostic.warning(Location(origin), A911, n) for n in notes])

    def _summarise(self, report: ApplyReport) -> int:
        if report.interrupted:  # Ctrl-C seen as KeyboardInterrupt (outside the handlers)
            return self._summarise_interrupted(report, SignalStop())
        done = ", ".join(f"{n} {verb}" for verb, n in sorted(report.counts().items()))
        done = done or "nothing"
        if not report.failed:
            self.console.result(f"Apply complete: {done}.")
            return EXIT_OK
        if report.succeeded:
            headline = f"Apply incomplete: {done}; {len(report.failed)} failed:"
        else:
            headline = f"Apply failed: 0 changes applied, {len(report.failed)} failed:"
        self.console.note(headline)
        self._list_failed(report)
        self.console.note(
            "What succeeded stays applied; run `actionctl plan` to see exactly what is left."
        )
        return EXIT_ERROR

    def _summarise_interrupted(self, report: ApplyReport, stop: SignalStop) -> int:
        failed = f", {len(report.failed)} failed" if report.failed else ""
        by = "" if stop.name == "SIGINT" else f" ({stop.name})"
        self.console.note(
            f"Interrupted{by}: {len(report.succeeded)} done{failed}, {report.not_started} not "
            "started; run `actionctl plan` to see what is left."
        )
        self._list_failed(report)
        return stop.exit_code

    def _list_failed(self, report: ApplyReport) -> None:
        for outcome in sorted(report.failed, key=lambda o: o.change.address):
            change = outcome.change
            self.console.note(f"  {change.action} {change.address}: {outcome.message}")


AGENTS_NAMED = 8  # agents named in the confirmation; more are counted
NEVER_APPLIED_NAMED = 10  # changes named as never applied; more are counted


def reverting(undo: Revert, origin: str) -> list[str]:
    """What a revert undoes: all of the plan, or (after a partial apply) only what was
    made, naming the changes it leaves alone so nobody expects them undone."""
    if not undo.never_applied:
        return [f"Reverting {origin}:"]
    skipped = len(undo.never_applied)
    named = [f"  {c.action} {c.address}" for c in undo.never_applied[:NEVER_APPLIED_NAMED]]
    if skipped > NEVER_APPLIED_NAMED:
        named.append(f"  and {skipped - NEVER_APPLIED_NAMED} more")
    return [
        f"Reverting {origin}: {undo.reverting} of {undo.planned} changes; {skipped} "
        f"{'was' if skipped == 1 else 'were'} never applied and stay as they are:",
        *named,
    ]


def restatement(plan: Plan, where: str) -> list[str]:
    """What the question is about, right above it (the diff may be long): the counts,
    the environment, the platform and its host, the agents (as Terraform's prompt)."""
    counts = plan.summary
    pending = plan.pending()
    by_uid = {change.agent_uid: change.agent for change in pending}
    named = [f"{by_uid[uid]} ({uid})" for uid in sorted(by_uid)]
    if len(named) > AGENTS_NAMED:
        named = [*named[:AGENTS_NAMED], f"and {len(named) - AGENTS_NAMED} more"]
    lines = [
        f"Applying to environment {plan.environment!r} on {where}:",
        f"  {len(pending)} change{'' if len(pending) == 1 else 's'}: "
        f"{counts['create']} to create, {counts['update']} to update, "
        f"{counts['replace']} to replace, {counts['delete']} to delete",
        f"  {len(by_uid)} agent{'' if len(by_uid) == 1 else 's'}: {', '.join(named)}",
    ]
    note = scope_note(plan)
    return lines if note is None else [*lines, f"  {note}"]


def refusal_diagnostic(refusal: Refusal, origin: str) -> Diagnostic:
    change = refusal.change
    where = parse_location(change.source) if change and change.source else Location(origin)
    return Diagnostic.error(where, refusal.code, refusal.message)


def readback_warnings(report: ApplyReport) -> list[Diagnostic]:
    diagnostics = []
    for outcome in report.outcomes:
        where = parse_location(outcome.change.source or outcome.change.address)
        for text in outcome.warnings:
            message = f"{outcome.change.address}: {text}"
            diagnostics.append(Diagnostic.warning(where, A910, message))
    return diagnostics


def parse_location(text: str) -> Location:
    """``actions/x.yaml:3:1`` as recorded in a plan -> a Location with line and column
    (anything else: a Location naming just that text)."""
    parts = text.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return Location(parts[0], int(parts[1]), int(parts[2]))
    return Location(text)
