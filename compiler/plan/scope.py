"""``plan``/``apply --target ADDRESS --exclude ADDRESS``: a partial plan, as Terraform's
``-target``/``-exclude``.

An ADDRESS is ``agent/name``; each side is matched on its own with ``fnmatch`` (so
``support/*`` is every tool of agent ``support`` and ``*/send_*`` never crosses the
slash). A change is in scope when it matches a target (any, when there is none) and no
exclude; a delete is a change like any other, so prune never reaches outside the scope.
Every address must match a tool of the whole plan: a typo in ``--exclude`` would
otherwise apply the very change it meant to hold (A913).

    check_addresses(targets, excludes)      -> None, or DiagnosticError (A913), offline
    scope_plan(plan, targets, excludes)      -> the partial plan, or DiagnosticError (A913)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from compiler.diagnostics import Diagnostic, DiagnosticError, Location
from compiler.diagnostics.codes import A913
from compiler.plan.model import CREATE, Change, Plan, Scope

TARGET = "--target"
EXCLUDE = "--exclude"


def check_addresses(targets: Sequence[str], excludes: Sequence[str]) -> None:
    """Every address is ``agent/name`` with both sides non-empty: checked before anything
    is read, so a malformed one fails fast and offline."""
    problems = [
        _error(option, address, "is not agent/name (e.g. support/send_sms or support/*)")
        for option, address in _given(targets, excludes)
        if not _well_formed(address)
    ]
    if problems:
        raise DiagnosticError(problems)


def matches(address: str, pattern: str) -> bool:
    """``agent/name`` against ``agent-glob/name-glob``, side by side."""
    agent, _, name = address.partition("/")
    agent_glob, _, name_glob = pattern.partition("/")
    return fnmatchcase(agent, agent_glob) and fnmatchcase(name, name_glob)


def in_scope(address: str, targets: Sequence[str], excludes: Sequence[str]) -> bool:
    targeted = not targets or any(matches(address, t) for t in targets)
    return targeted and not any(matches(address, e) for e in excludes)


def scope_plan(plan: Plan, targets: Sequence[str], excludes: Sequence[str]) -> Plan:
    """The plan less what lies outside the scope (no-ops and unmanaged tools too), with
    its ``Scope``; the plan itself when no address was given."""
    if not targets and not excludes:
        return plan
    check_addresses(targets, excludes)
    known = [c.address for c in plan.changes] + [t.address for t in plan.unmanaged]
    agents = sorted({address.partition("/")[0] for address in known})
    problem = f"matches no tool of the plan (its agents: {', '.join(_listed(agents, str))})"
    unmatched = [
        _error(option, address, problem)
        for option, address in _given(targets, excludes)
        if not any(matches(a, address) for a in known)
    ]
    if unmatched:
        raise DiagnosticError(unmatched)
    kept: list[Change] = []
    outside: list[Change] = []
    for change in plan.changes:
        (kept if in_scope(change.address, targets, excludes) else outside).append(change)
    unmanaged = [t for t in plan.unmanaged if in_scope(t.address, targets, excludes)]
    # A live tool outside the scope stays on its agent whatever the plan says of it.
    kept_agents = {c.agent_uid for c in outside if c.action != CREATE}
    kept_agents |= {
        t.agent_uid for t in plan.unmanaged if not in_scope(t.address, targets, excludes)
    }
    scope = Scope(
        targets=tuple(targets),
        excludes=tuple(excludes),
        left_out=tuple(sorted(c.address for c in outside if c.is_change)),
        kept_agents=tuple(sorted(kept_agents)),
    )
    return replace(plan, changes=kept, unmanaged=unmanaged, scope=scope)


LISTED = 8  # addresses named in the note, of each kind; more are counted


def scope_note(plan: Plan, code: Callable[[str], str] = str) -> str | None:
    """``Partial plan: 2 changes outside --target support/* are not included: ...``;
    None for a whole plan. ``code`` shows one flag or address (Markdown: a code span,
    so ``*`` is no emphasis)."""
    scope = plan.scope
    if scope is None:
        return None
    flags = [f"--target {t}" for t in scope.targets] + [f"--exclude {e}" for e in scope.excludes]
    count = len(scope.left_out)
    head = (
        f"Partial plan: {count} change{'' if count == 1 else 's'} outside "
        f"{' '.join(_listed(flags, code))} {'is' if count == 1 else 'are'} not included"
    )
    if not count:
        return head + "."
    return f"{head}: {', '.join(_listed(list(scope.left_out), code))}."


def _listed(items: list[str], code: Callable[[str], str]) -> list[str]:
    shown = [code(item) for item in items[:LISTED]]
    if len(items) > LISTED:
        shown.append(f"and {len(items) - LISTED} more")
    return shown


def _given(targets: Sequence[str], excludes: Sequence[str]) -> list[tuple[str, str]]:
    return [(TARGET, t) for t in targets] + [(EXCLUDE, e) for e in excludes]


def _well_formed(address: str) -> bool:
    agent, slash, name = address.partition("/")
    return bool(slash and agent and name and "/" not in name)


def _error(option: str, address: str, problem: str) -> Diagnostic:
    """Located at the option itself: the command line is where the address was typed."""
    return Diagnostic.error(Location(option), A913, f"{address!r} {problem}")
