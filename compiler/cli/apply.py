"""``actionctl apply [PLANFILE]``: parse the options, run the apply session
(``compiler.apply.session``), print what it says and exit with its code.

Exit 0 applied (or nothing to do), 1 error or partial failure, 3 stale plan or another
apply holds the lock on an agent (nothing was changed), 128 + the signal's number when
stopped by SIGINT (130, Ctrl-C), SIGTERM (143) or SIGHUP (129): changes under way
finish and are reported, those not started are not made, the locks are released. A
second signal interrupts at once (a lock left behind is freed once this process has
ended, on this machine, or when it expires).
Progress goes to stderr, every phase (each lock taken and released, each change
finished, the first signal's notice) with the time left in requests, unless -q
(``compiler.apply.progress``).

``ACTIONCTL_LOCK_EXPIRY_SECONDS`` sets how long an apply lock counts without renewal
(default 900; the heartbeat renews it every third of that).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from compiler.cli.context import AppContext, emit_diagnostics, pass_app
from compiler.cli.plan import Scoping, target_options

if TYPE_CHECKING:
    from compiler.apply.session import ReadGuard
    from compiler.cli.plan import Planned
    from compiler.diagnostics import Diagnostic
    from compiler.model import Environment, Project
    from compiler.plan.model import Plan
    from compiler.platform.base import Platform


@click.command(
    epilog="""\b
Examples:
  actionctl plan --out plan.json && actionctl apply plan.json
  actionctl apply --auto-approve          plan and apply in one go (CI)
  actionctl apply plan.json --allow-empty a prune that removes an agent's last tool
  actionctl apply --revert plan.json      undo an applied plan (puts each `before` back)
  actionctl apply --target support/send_sms   plan, confirm and apply one tool only
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
@target_options
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
    targets: tuple[str, ...],
    excludes: tuple[str, ...],
) -> int:
    """Apply a saved plan (or plan, confirm and apply)."""
    from compiler.apply.session import EXPIRY_ENV, ApplyRequest, run_apply

    if revert and (planfile is None or prune is not None):
        raise click.UsageError("--revert needs PLANFILE (the applied plan) and no --prune")
    if planfile is not None and prune is not None:
        raise click.UsageError(
            "--prune/--no-prune apply only without PLANFILE (a saved plan is fixed)"
        )
    if planfile is not None and (targets or excludes):
        raise click.UsageError(
            "--target/--exclude apply only without PLANFILE (a saved plan keeps the scope "
            "it was planned with: `actionctl plan --target ... --out plan.json`)"
        )
    request = ApplyRequest(
        planfile=planfile,
        revert=revert,
        auto_approve=auto_approve,
        allow_empty=allow_empty,
        parallelism=parallelism,
        prune=prune,
        targets=targets,
        excludes=excludes,
        remove_foreign_locks=remove_foreign_locks,
        lock_expiry=os.environ.get(EXPIRY_ENV),
        quiet=app.quiet,
    )
    return run_apply(request, AppWorkspace(app), ClickConsole(app), TerminalConfirm())


@dataclass
class AppWorkspace:
    """The project as the global options (--project, --env, -v) select it."""

    app: AppContext

    @property
    def project_dir(self) -> Path:
        return Path(self.app.project_dir)

    def environment(self, project: Project) -> Environment:
        from compiler.cli.context import select_environment

        return select_environment(self.app, project)

    @contextmanager
    def connect(self, project: Project, environment: Environment) -> Iterator[Platform]:
        from compiler.cli.plan import connected

        with connected(self.app, project, environment) as platform:
            yield platform

    @contextmanager
    def fresh_plan(
        self,
        prune: bool | None,
        targets: tuple[str, ...],
        excludes: tuple[str, ...],
        guard: ReadGuard | None = None,
    ) -> Iterator[Planned]:
        from compiler.cli.plan import planned

        scope = Scoping(targets, excludes)
        with planned(self.app, prune, scope=scope, guard=guard) as result:
            yield result


@dataclass
class ClickConsole:
    """Results on stdout, everything a person follows on stderr; colour only on a
    terminal (CI logs and pipes get plain text)."""

    app: AppContext

    def diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        emit_diagnostics(self.app, diagnostics, err=True)

    def show_plan(self, plan: Plan) -> None:
        from compiler.cli.plan import show_plan

        show_plan(self.app, plan, "text")

    def result(self, line: str) -> None:
        click.echo(line)

    def note(self, line: str) -> None:
        click.echo(line, err=True)

    def progress(self, line: str, ok: bool) -> None:
        if self.app.color and not ok and sys.stderr.isatty():
            line = click.style(line, fg="red")
        click.echo(line, err=True)


class TerminalConfirm:
    """The question before applying, asked on the terminal (stderr), if there is one."""

    def interactive(self) -> bool:
        return sys.stdin is not None and sys.stdin.isatty()

    def yes_or_no(self, question: str) -> bool:
        return click.confirm(question, default=False, err=True)

    def typed(self, question: str) -> str:
        return str(click.prompt(question, default="", show_default=False, err=True))
