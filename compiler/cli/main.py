"""``actionctl``: the command group, global options, and where errors become exit codes.

Subcommands are imported only when they run (click's documented lazy-loading
pattern), so ``actionctl --version`` and shell completion start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from compiler import __version__
from compiler.cli.context import DIAGNOSTIC_FORMATS, AppContext, DirectoryPath

if TYPE_CHECKING:
    from pathlib import Path

    from click.shell_completion import CompletionItem

    from compiler.diagnostics import Diagnostic

# name -> (module, one-line help shown in ``actionctl --help`` without importing it)
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("compiler.cli.init", "Start a project: actionctl.yaml, channels/, actions/."),
    "validate": ("compiler.cli.validate", "Check action and channel files (no network)."),
    "fmt": ("compiler.cli.fmt", "Lay the YAML files out canonically (comments kept)."),
    "compile": ("compiler.cli.compile", "Print the platform API payloads as JSON."),
    "plan": ("compiler.cli.plan", "Show what apply would change on the live platform."),
    "apply": ("compiler.cli.apply", "Apply a saved plan (or plan, confirm and apply)."),
    "drift": ("compiler.cli.drift", "Report live tools that differ from the configuration in git."),
    "import": ("compiler.cli.import_", "Write YAML for tools that already live on the platform."),
    "render": ("compiler.cli.render", "Preview an SMS message: text, encoding, segments."),
    "test": ("compiler.cli.test", "Run the offline action tests in tests/ (no network)."),
    "emulator": ("compiler.cli.emulator", "Serve the OpenMic-compatible API over HTTP."),
    "schema": ("compiler.cli.schema", "Print a JSON Schema (for editors)."),
}

EXIT_ERROR = 1

# Flags that delete, overwrite or skip a safety question. A mistyped option never gets
# them as a "Did you mean" hint: whoever wants one types it out.
DESTRUCTIVE_FLAGS = frozenset({"--prune", "--allow-empty", "--auto-approve", "--force", "--revert"})
# How alike (difflib ratio, without the dashes) a typo and an option must be to suggest it.
OPTION_CUTOFF = 0.7


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        command: click.Command = module.command
        _accept_global_options(command)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name in COMMANDS or name.startswith("-") or ctx.resilient_parsing:
            return super().resolve_command(ctx, args)
        import difflib  # only a mistyped command needs it, not every start

        close = difflib.get_close_matches(name, COMMANDS, n=1, cutoff=0.5)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise click.UsageError(f"No such command {name!r}.{hint}", ctx)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        """Command names complete with the help ``actionctl --help`` shows, from COMMANDS:
        click's own way imports every command module to read its help, on every Tab."""
        from click.shell_completion import CompletionItem

        names = [CompletionItem(name, help=short) for name, (_, short) in COMMANDS.items()]
        options = click.Command.shell_complete(self, ctx, incomplete)
        return [item for item in names if item.value.startswith(incomplete)] + options

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Examples:
  actionctl init                          start a project in this directory
  actionctl validate                      check every file in the project
  actionctl fmt --check                   are the files in the canonical layout?
  actionctl plan --out plan.json          show and save what would change
  actionctl apply plan.json               apply exactly that plan
  actionctl --env prod plan --format markdown

Global options may also follow the command: actionctl plan --env prod -q

Exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode) or drift, 3 stale plan,
4 conflict (plan --base REF --fail-on-conflict).""",
)
@click.version_option(__version__, "--version", prog_name="actionctl")
@click.option(
    "--project",
    "project_dir",
    type=DirectoryPath(),
    default=".",
    show_default=True,
    envvar="ACTIONCTL_PROJECT",
    help="Project root (holds actionctl.yaml, actions/, channels/).",
)
@click.option("--env", "env", envvar="ACTIONCTL_ENV", help="Environment from actionctl.yaml.")
@click.option("--no-color", is_flag=True, help="No colour (also when NO_COLOR is set).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the command's result.")
@click.option("-v", "--verbose", count=True, help="More detail (requests, timings).")
@click.option(
    "--diagnostics-format",
    type=click.Choice(DIAGNOSTIC_FORMATS),
    default="text",
    show_default=True,
    envvar="ACTIONCTL_DIAGNOSTICS_FORMAT",
    help="Format of diagnostics for commands whose --format is about their result (plan).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    project_dir: Path,
    env: str | None,
    no_color: bool,
    quiet: bool,
    verbose: int,
    diagnostics_format: str,
) -> None:
    """Voice-agent actions as YAML in git: validate, compile, plan, apply, import.

    Reads actionctl.yaml, channels/*.yaml and actions/**/*.yaml under --project.
    """
    color = not no_color and "NO_COLOR" not in os.environ
    ctx.obj = AppContext(
        project_dir=project_dir,
        env=env,
        color=color,
        quiet=quiet,
        verbose=verbose,
        diagnostics_format=diagnostics_format,
    )
    # None lets click strip colour codes from output that is not a terminal.
    ctx.color = None if color else False


def _accept_global_options(command: click.Command) -> None:
    """Let the global options follow the command too (``actionctl plan --env prod``), as
    git and kubectl users type them. They are hidden from the command's own help."""
    if getattr(command, "_actionctl_globals", False):
        return
    command.params.extend(
        [
            _global("--project", type=DirectoryPath()),
            _global("--env"),
            _global("--no-color", is_flag=True),
            _global("-q", "--quiet", is_flag=True),
            _global("-v", "--verbose", count=True),
            _global("--diagnostics-format", type=click.Choice(DIAGNOSTIC_FORMATS)),
        ]
    )
    command._actionctl_globals = True  # type: ignore[attr-defined]


def _global(*decls: str, **attrs: Any) -> click.Option:
    return click.Option(
        decls, hidden=True, expose_value=False, callback=_set_global_option, **attrs
    )


def _set_global_option(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A global option given after the command overrides (or, for -v, adds to) the one
    given before it; options not typed after the command change nothing."""
    if ctx.get_parameter_source(str(param.name)) is not ParameterSource.COMMANDLINE:
        return
    app = ctx.find_object(AppContext)
    if app is None:
        return
    if param.name == "project":
        app.project_dir = value
    elif param.name == "env":
        app.env = value
    elif param.name == "no_color":
        app.color = False
        ctx.color = False
    elif param.name == "quiet":
        app.quiet = True
    elif param.name == "verbose":
        app.verbose += value
    elif param.name == "diagnostics_format":
        app.diagnostics_format = value


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn every failure into a message and an exit code."""
    code = run(argv)
    sys.exit(code)


def run(argv: list[str] | None = None) -> int:
    if "_ACTIONCTL_COMPLETE" in os.environ:  # shell completion: click's own machinery
        cli.main(prog_name="actionctl")
    args = sys.argv[1:] if argv is None else list(argv)
    ctx: click.Context | None = None
    try:
        ctx = cli.make_context("actionctl", args)
        with ctx:
            result = cli.invoke(ctx)
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.UsageError as error:
        # Usage errors exit 1, not click's 2: 2 means "changes" under --detailed-exitcode.
        if isinstance(error, click.NoSuchOption):
            error = _suggest_safely(error)
        error.show()
        return EXIT_ERROR
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as error:  # the last line of defence: never a traceback for a user
        return _failed(ctx, error)
    return result if isinstance(result, int) else 0


def _failed(ctx: click.Context | None, error: Exception) -> int:
    """Report an error click did not handle: diagnostics for what the user can fix, an
    internal-error note for the rest (our bugs). Returns the exit code."""
    # Imported here, not at the top: only a failing command needs them, and
    # ``actionctl --version`` should not pay for loading them.
    from compiler.diagnostics import Diagnostic, DiagnosticError, Location
    from compiler.diagnostics.codes import E120
    from compiler.platform.base import PlatformError

    if isinstance(error, DiagnosticError):
        _emit(ctx, error.diagnostics)
        return EXIT_ERROR
    if isinstance(error, PlatformError):
        # The platform refused or could not be reached: a message the user can act on,
        # in the format they asked for (json, github, sarif too).
        _emit(ctx, [Diagnostic.error(Location("actionctl.yaml"), error.code, str(error))])
        return EXIT_ERROR
    if isinstance(error, OSError):  # a file we were told to read or write: not a bug of ours
        where = Location(str(error.filename or "actionctl"))
        _emit(ctx, [Diagnostic.error(where, E120, str(error.strerror or error))])
        return EXIT_ERROR
    return _internal_error(error)


def _suggest_safely(error: click.NoSuchOption) -> click.NoSuchOption:
    """Narrow click's "Did you mean" (difflib at 0.6 over names with their ``--``, which
    every option shares, so ``--dry-run`` got ``--no-prune``) to options really like the
    typo and closer to it than any destructive flag: dropping just the destructive ones
    would answer ``--auto-aprove`` or ``--prun`` with the runner-up, ``--no-prune``."""
    import difflib  # only a mistyped option needs it, not every start

    typed = error.option_name.lstrip("-")

    def likeness(option: str) -> float:
        return difflib.SequenceMatcher(None, typed, option.lstrip("-")).ratio()

    close = [p for p in error.possibilities or [] if likeness(p) >= OPTION_CUTOFF]
    nearest_destructive = max((likeness(p) for p in close if p in DESTRUCTIVE_FLAGS), default=0)
    safe = [p for p in close if p not in DESTRUCTIVE_FLAGS and likeness(p) > nearest_destructive]
    message = error.message
    if nearest_destructive and not safe:
        message += (
            " (The nearest option deletes or skips a question, so it is not suggested: see --help.)"
        )
    # A new error, as click keeps these fields final; it picks its suggestions again from
    # ``safe`` with the same cutoff they all passed, so it keeps them in the same order.
    return click.NoSuchOption(error.option_name, message, safe, error.ctx)


def _emit(ctx: click.Context | None, diagnostics: list[Diagnostic]) -> None:
    from compiler.cli.context import emit_diagnostics

    app = ctx.obj if ctx is not None and isinstance(ctx.obj, AppContext) else AppContext()
    emit_diagnostics(app, diagnostics, err=True)


def _internal_error(error: Exception) -> int:
    click.echo(f"actionctl: internal error: {type(error).__name__}: {error}", err=True)
    click.echo("This is a bug in actionctl; please report it with the command you ran.", err=True)
    if os.environ.get("ACTIONCTL_DEBUG"):
        import traceback

        traceback.print_exc()
    return EXIT_ERROR
