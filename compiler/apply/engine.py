"""Executing a plan against the live platform, safely.

- ``stale_reasons``: before anything is written, with the agents' apply locks held
  (``compiler/apply/lock.py``), compare the listing of each touched agent (read once
  per agent, pages of 100, right after its lock was taken) with the plan and refuse if
  any tool the plan touches changed since planning (fingerprint) or a tool it would
  create (or rename to) now exists. Nothing is written when the plan is stale. This is the
  concurrency guard: per agent, not one GET per tool. Lock tools (``actionctl-lock-*``)
  are never part of this comparison. ``apply_locked`` writes a plan that was itself
  read under the locks (``apply --auto-approve``: ``apply.locked_read``): current by
  construction, so not listed again.
- ``reserved_names``: a plan that would create or update a tool named like a lock tool
  is refused (lock tools are invisible to planning, so it would never converge).
- ``refuse_emptying``: prune never deletes every tool of an agent without allow_empty.
- ``apply_safely``: all of the above in order, the one entry point for a whole apply
  (``actionctl apply`` and the benchmark): refusals come back as values, nothing raised.
- ``apply_plan``: run the changes with bounded concurrency. Each change is one platform
  operation (replace: delete, then create), so an interrupted or partly failed apply
  leaves only whole operations behind and the next plan shows exactly what is left.
  Updates PATCH every changed top-level field whole (the platform's merge rule for
  nested objects is undocumented). Each write's own response (the POST/PATCH body is
  the tool) is compared with what was sent and any field the platform dropped or
  rewrote is reported; a GET is made only when that response is not the tool. A create
  whose outcome is unknown (a 5xx, a dropped connection) is looked up by name, after a
  backoff, before it is ever tried again (``apply.create_once``, shared with the
  apply locks). So an apply costs the listing, one request per change, and a few
  requests for the lock (one lock tool per 20 agents, on actionctl's own lock agent:
  ``apply.lock``).
- A stop (``threading.Event``, set by the CLI's SIGINT/SIGTERM/SIGHUP handlers) is
  looked at between changes: changes under way finish, those not started are not
  made, the locks are released and every finished change is reported.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from compiler.apply.create_once import CreateAttemptsExhausted, create_exactly_once
from compiler.apply.lock import (
    AcquireInterrupted,
    AgentLocks,
    LockAgentHint,
    LockRefused,
    LockWatch,
    holding,
)
from compiler.canonical import canonical_tool, fingerprint
from compiler.diagnostics.codes import A904, A905, A907, A909
from compiler.model import LOCK_PREFIX
from compiler.plan.build import emptied_agents
from compiler.plan.diff import field_changes, split_ignored, top_level_fields
from compiler.plan.model import CREATE, DELETE, MISSING, REPLACE, UPDATE, Change, Plan
from compiler.plan.removal import patch_body
from compiler.platform.base import NotFoundError, Platform, PlatformError
from compiler.platform.lock_tools import LOCK_EXPIRY, without_locks

DEFAULT_PARALLELISM = 4

PAST_TENSE = {CREATE: "created", UPDATE: "updated", REPLACE: "replaced", DELETE: "deleted"}


@dataclass
class Outcome:
    change: Change
    ok: bool
    message: str = ""  # what happened, for people ("created (id 12)", or why it failed)
    tool_id: int | None = None
    warnings: list[str] = field(default_factory=list)  # read-back differences

    @property
    def verb(self) -> str:
        return PAST_TENSE[self.change.action] if self.ok else f"FAILED to {self.change.action}"


@dataclass
class ApplyReport:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False  # Ctrl-C: the changes not started are ``not_started``
    not_started: int = 0

    @property
    def succeeded(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.succeeded:
            counts[outcome.verb] = counts.get(outcome.verb, 0) + 1
        return counts


Progress = Callable[[int, int, Outcome], None]
Guard = Callable[[str], None]  # called with the agent uid before each change's writes


class ApplyWatch(LockWatch, Protocol):
    """Whoever shows an apply's progress, told of every phase: the locks taken (with
    the listing read under each), the writes begun and each change started, each
    change finished (``Progress``), the locks released."""

    def locking(self, agent_uids: list[str]) -> None: ...
    def writing(self, changes: list[Change]) -> None: ...
    def started(self, change: Change) -> None:
        """On a worker thread, as the change's first request goes out."""
        ...


# --- before writing ---


def touched_agents(plan: Plan) -> list[str]:
    return sorted({change.agent_uid for change in plan.pending()})


def stale_reasons(plan: Plan, listed: Mapping[str, list[Mapping[str, Any]]]) -> list[str]:
    """One message per reason the plan no longer matches the listings (empty: fresh);
    the listings are the ones taken under the apply locks."""
    problems: list[str] = []
    for change in plan.pending():
        problems += _stale_reasons(change, without_locks(listed.get(change.agent_uid, [])))
    return problems


def _stale_reasons(change: Change, tools: list[Mapping[str, Any]]) -> list[str]:
    if change.action == CREATE:
        existing = [t for t in tools if t.get("name") == change.name]
        if existing:
            ids = ", ".join(str(t.get("id")) for t in existing)
            return [f"{change.address}: a tool with this name now exists (id {ids})"]
        return []
    same_name = [t for t in tools if t.get("name") == change.name]
    if change.renamed_from is not None:
        # Renaming onto a name another tool took meanwhile would make two of that name.
        taken = [t for t in same_name if t.get("id") != change.tool_id]
        if taken:
            ids = ", ".join(str(t.get("id")) for t in taken)
            return [
                f"{change.address}: renames {change.renamed_from!r}, but a tool with the new "
                f"name now exists (id {ids})"
            ]
    if len(same_name) > 1 and change.action != DELETE:
        ids = ", ".join(str(t.get("id")) for t in same_name)
        return [
            f"{change.address}: the agent now has {len(same_name)} tools of this name (ids {ids})"
        ]
    by_id = [t for t in tools if t.get("id") == change.tool_id]
    if not by_id:
        return [f"{change.address}: tool id {change.tool_id} was deleted since planning"]
    if fingerprint(canonical_tool(by_id[0])) != change.live_fingerprint:
        return [f"{change.address}: tool id {change.tool_id} changed since planning"]
    return []


def reserved_names(plan: Plan) -> list[tuple[Change, str]]:
    """Changes that would write a tool whose name is reserved for apply locks."""
    return [
        (
            change,
            f"{change.address}: tool names starting with {LOCK_PREFIX!r} are reserved for "
            "actionctl's apply locks (invisible to plan, so it would never converge); "
            "rename the action",
        )
        for change in plan.pending()
        if change.action != DELETE and change.name.startswith(LOCK_PREFIX)
    ]


def refuse_emptying(plan: Plan, allow_empty: bool) -> list[str]:
    if allow_empty:
        return []
    return [
        f"the plan deletes every tool of agent {uid!r}; pass --allow-empty if that is intended"
        for uid in emptied_agents(plan)
    ]


# --- the whole apply ---

STALE_HINT = "Run `actionctl plan` again (with --out to save it), then apply it"


@dataclass(frozen=True)
class Refusal:
    """Why an apply changed nothing. ``stale`` refusals exit 3 (re-plan), others 1."""

    code: str  # A904 stale, A905 would empty an agent, A907 locked, A909 reserved name
    message: str
    change: Change | None = None  # the change it is about, when there is one

    @property
    def stale(self) -> bool:
        return self.code in (A904, A907)


@dataclass
class ApplyResult:
    refusals: list[Refusal] = field(default_factory=list)
    report: ApplyReport | None = None  # None when refused or stopped before writing
    left_behind: list[str] = field(default_factory=list)  # locks that could not be released
    notes: list[str] = field(default_factory=list)  # lock tools someone else made, left alone
    interrupted: bool = False  # stopped while taking the locks: nothing was changed


@dataclass(frozen=True)
class LockSettings:
    """How this apply's locks behave (``actionctl apply`` fills it from its options)."""

    expiry: timedelta = LOCK_EXPIRY
    remove_foreign: bool = False  # delete expired ``actionctl-lock-*`` tools we did not make
    hint: LockAgentHint | None = None  # where the lock agent was last found


def apply_safely(
    platform: Platform,
    plan: Plan,
    *,
    allow_empty: bool = False,
    parallelism: int = DEFAULT_PARALLELISM,
    progress: Progress | None = None,
    locking: LockSettings | None = None,
    stop: threading.Event | None = None,
    watch: ApplyWatch | None = None,
) -> ApplyResult:
    """Check, lock, re-check staleness, then write: the whole of ``actionctl apply``.
    ``watch`` (if any) is told of each phase; ``progress`` of each finished change."""
    locking = locking or LockSettings()
    result = ApplyResult(refusals=refusals(plan, allow_empty))
    if result.refusals:
        return result
    agents = touched_agents(plan)
    if watch is not None:
        watch.locking(agents)
    try:
        with holding(
            platform,
            agents,
            result.left_behind.append,
            expiry=locking.expiry,
            remove_foreign=locking.remove_foreign,
            stop=stop,
            watch=watch,
            hint=locking.hint,
        ) as locks:
            result.notes = locks.notes
            # The listings the locks were taken with are the ones the stale check reads.
            stale = stale_reasons(plan, locks.listed)
            result.refusals = [
                Refusal(A904, f"stale plan: {text}; nothing was changed. {STALE_HINT}")
                for text in stale
            ]
            if not stale:
                result.report = _write(platform, plan, locks, parallelism, progress, stop, watch)
    except LockRefused as refused:
        result.refusals = [Refusal(A907, f"{refused}; nothing was changed")]
    except AcquireInterrupted:
        result.interrupted = True
    except NotFoundError as error:  # only taking the locks can raise it: an agent is gone
        text = f"stale plan: an agent the plan touches is gone: {error}; nothing was changed"
        result.refusals = [Refusal(A904, f"{text}. Run `actionctl plan` again")]
    return result


def refusals(plan: Plan, allow_empty: bool) -> list[Refusal]:
    """What refuses a plan before any lock is taken or anything written."""
    return [
        Refusal(A909, f"{text}; nothing was changed", change)
        for change, text in reserved_names(plan)
    ] or [
        Refusal(A905, f"{text}; nothing was changed") for text in refuse_emptying(plan, allow_empty)
    ]


def apply_locked(
    platform: Platform,
    plan: Plan,
    locks: AgentLocks,
    *,
    allow_empty: bool = False,
    parallelism: int = DEFAULT_PARALLELISM,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    watch: ApplyWatch | None = None,
) -> ApplyResult:
    """Write a plan that was built from the listing ``locks`` were taken with
    (``compiler.apply.locked_read``): the locks have been held since before the live
    tools were read, so no other apply can have written to these agents since, and the
    stale check holds by construction; the agents are not listed again. The caller
    releases ``locks``."""
    result = ApplyResult(refusals=refusals(plan, allow_empty), notes=locks.notes)
    if result.refusals:
        return result
    result.report = _write(platform, plan, locks, parallelism, progress, stop, watch)
    return result


def _write(
    platform: Platform,
    plan: Plan,
    locks: AgentLocks,
    parallelism: int,
    progress: Progress | None,
    stop: threading.Event | None,
    watch: ApplyWatch | None,
) -> ApplyReport:
    """The plan's writes under ``locks``: an agent the plan read is locked, and a change
    to any other fails (``guard``)."""
    if watch is not None:
        watch.writing(plan.pending())
    return apply_plan(
        platform,
        plan,
        parallelism=parallelism,
        progress=progress,
        guard=locks.check,
        stop=stop,
        started=watch.started if watch is not None else None,
    )


# --- writing ---


def apply_plan(
    platform: Platform,
    plan: Plan,
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    progress: Progress | None = None,
    guard: Guard | None = None,
    stop: threading.Event | None = None,
    started: Callable[[Change], None] | None = None,
) -> ApplyReport:
    """Execute every pending change; never raises for a failed change (see the report).

    ``guard(agent_uid)`` runs before each change (the apply lock's check); if it raises
    ``PlatformError`` that change fails and is not attempted. When ``stop`` is set,
    changes not yet started are not made and the report says interrupted.
    ``started(change)`` is called on the worker thread as a change begins."""
    pending = plan.pending()
    report = ApplyReport()
    futures: list[Future[Outcome | None]] = []

    def run(change: Change) -> Outcome | None:
        if stop is not None and stop.is_set():
            return None  # not started
        if started is not None:
            started(change)
        return execute(platform, change, guard)

    def record(future: Future[Outcome | None]) -> None:
        # Only ever called on this (the main) thread: the workers just return outcomes.
        if future.cancelled():
            return
        outcome = future.result()
        if outcome is None or any(seen is outcome for seen in report.outcomes):
            return
        report.outcomes.append(outcome)
        if progress is not None:
            progress(len(report.outcomes), len(pending), outcome)

    pool = ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply")
    try:
        for change in pending:  # one by one: a Ctrl-C meanwhile keeps those submitted
            futures.append(pool.submit(run, change))
        _collect(futures, record, stop)
    except KeyboardInterrupt:
        # Ctrl-C without a stop event (a library caller): changes not yet started are
        # dropped, the ones under way finish (only whole platform operations are left
        # behind), and every change that finished is reported.
        pool.shutdown(wait=True, cancel_futures=True)
        for future in futures:
            if future.done():
                record(future)
        report.interrupted = True
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if stop is not None and stop.is_set():
        report.interrupted = True
    if report.interrupted:
        report.not_started = len(pending) - len(report.outcomes)
    return report


def _collect(
    futures: list[Future[Outcome | None]],
    record: Callable[[Future[Outcome | None]], None],
    stop: threading.Event | None,
) -> None:
    """Record outcomes as they finish; on a stop, cancel what has not started and wait
    for what has. The stop is a flag, not an exception: nothing is cut off halfway
    (an outcome counted but its progress line never printed)."""
    remaining = set(futures)
    order = {future: index for index, future in enumerate(futures)}
    while remaining:
        done, remaining = wait(remaining, timeout=0.1, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=order.__getitem__):
            record(future)
        if stop is not None and stop.is_set():
            for future in remaining:
                future.cancel()
            for future in sorted(remaining, key=order.__getitem__):
                if not future.cancelled():
                    wait([future])
                    record(future)
            return


def execute(platform: Platform, change: Change, guard: Guard | None = None) -> Outcome:
    """One change; every failure becomes an Outcome, so one bad tool cannot stop the rest."""
    try:
        if guard is not None:
            guard(change.agent_uid)
        if change.action == CREATE:
            return _create(platform, change)
        if change.action == UPDATE:
            return _update(platform, change)
        if change.action == DELETE:
            return _delete(platform, change)
        return _replace(platform, change)
    except PlatformError as error:
        return Outcome(change, ok=False, message=f"{error.code} {error}")
    except Exception as error:  # a bug must not hide which changes were made
        return Outcome(change, ok=False, message=f"internal error: {type(error).__name__}: {error}")


def _create(platform: Platform, change: Change) -> Outcome:
    tool, how = create_once(platform, change.agent_uid, change.after or {})
    tool_id = int(tool["id"])
    outcome = Outcome(change, ok=True, message=how, tool_id=tool_id)
    outcome.warnings = read_back(platform, change, tool_id, tool)
    return outcome


def create_once(
    platform: Platform,
    agent_uid: str,
    payload: Mapping[str, Any],
    *,
    backoff_base: float | None = None,
) -> tuple[Mapping[str, Any], str]:
    """Create a tool exactly once (``create_exactly_once``); returns the tool (the
    POST's answer, or as listed when that answer was lost) and how it was made.

    One tool of that name found after a lost response is adopted (the lost create did
    happen); several, or one of another type, is an error for a person to sort out.
    """
    name = payload.get("name")
    try:
        created = create_exactly_once(platform, agent_uid, payload, backoff_base=backoff_base)
    except CreateAttemptsExhausted as error:
        raise PlatformError(f"{error}; plan and apply again") from None
    if not created.found:
        tool = created.tools[0]
        return tool, f"created (id {tool.get('id')})"
    found = created.tools
    if len(found) > 1:
        ids = ", ".join(str(t.get("id")) for t in found)
        raise PlatformError(
            f"after a create whose {created.why} agent {agent_uid!r} has {len(found)} tools named "
            f"{name!r} (ids {ids}); delete all but one, then plan again"
        )
    if found[0].get("type") != payload.get("type"):
        raise PlatformError(
            f"after a create whose {created.why} a tool named {name!r} of type "
            f"{found[0].get('type')!r} exists on agent {agent_uid!r}; plan again"
        )
    return found[0], f"created (id {found[0]['id']}, {created.why}, found)"


def patch_fields(change: Change) -> dict[str, Any]:
    """Every changed top-level field, whole; a field no longer wanted is sent as the value
    the platform treats as absent, never as null (``compiler.plan.removal``)."""
    return patch_body(change.after or {}, top_level_fields(change.changed_paths))


def _update(platform: Platform, change: Change) -> Outcome:
    assert change.tool_id is not None
    try:
        returned = platform.update_tool(change.agent_uid, change.tool_id, patch_fields(change))
    except NotFoundError:
        raise PlatformError(
            f"tool id {change.tool_id} was deleted since planning; not recreated, plan again"
        ) from None
    outcome = Outcome(change, ok=True, message=f"updated (id {change.tool_id})")
    outcome.tool_id = change.tool_id
    outcome.warnings = read_back(platform, change, change.tool_id, returned)
    return outcome


def _delete(platform: Platform, change: Change) -> Outcome:
    assert change.tool_id is not None
    try:
        platform.delete_tool(change.agent_uid, change.tool_id)
    except NotFoundError:
        # Deleted meanwhile (by hand, or a retried DELETE whose first response was
        # lost): the goal state holds.
        return Outcome(change, ok=True, message=f"deleted (id {change.tool_id}, already gone)")
    return Outcome(change, ok=True, message=f"deleted (id {change.tool_id})")


def _replace(platform: Platform, change: Change) -> Outcome:
    deleted = _delete(platform, change)
    try:
        tool, how = create_once(platform, change.agent_uid, change.after or {})
    except PlatformError as error:
        # The old tool is gone, the new one is not there: the next plan shows a create.
        message = f"old tool deleted, create failed: {error.code} {error}"
        return Outcome(change, ok=False, message=message)
    tool_id = int(tool["id"])
    outcome = Outcome(change, ok=True, message=f"{deleted.message}, {how}", tool_id=tool_id)
    outcome.warnings = read_back(platform, change, tool_id, tool)
    return outcome


def read_back(
    platform: Platform, change: Change, tool_id: int, returned: Mapping[str, Any] | None = None
) -> list[str]:
    """Fields the platform dropped, added or rewrote compared with what was sent.

    ``returned`` is the write's own response: when it is the tool (its id, type and
    name), it is what the platform stored and no request is needed; otherwise the tool
    is read with one GET."""
    try:
        stored = returned if returned is not None and _is_tool(returned, tool_id) else None
        live = canonical_tool(stored if stored is not None else _get(platform, change, tool_id))
    except PlatformError as error:
        return [f"could not read the tool back to verify it: {error}"]
    # Fields the platform keeps that actionctl does not manage are not a rewrite.
    compared, _ = split_ignored(live, change.after or {})
    return [_describe(fc) for fc in field_changes(change.after or {}, compared)]


def _get(platform: Platform, change: Change, tool_id: int) -> Mapping[str, Any]:
    return platform.get_tool(change.agent_uid, tool_id)


def _is_tool(returned: Mapping[str, Any] | None, tool_id: int) -> bool:
    if not isinstance(returned, Mapping):
        return False
    found_id = returned.get("id")
    return (
        isinstance(found_id, int)
        and found_id == tool_id
        and isinstance(returned.get("type"), str)
        and isinstance(returned.get("name"), str)
    )


def _describe(change: Any) -> str:
    if change.after is MISSING:
        return f"the platform dropped {change.path}"
    if change.before is MISSING:
        return f"the platform kept or added {change.path}, which the plan does not have"
    return f"the platform rewrote {change.path}"
