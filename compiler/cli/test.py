"""``actionctl test [PATHS]...``: run the project's offline action tests
(``compiler.testing``); this module only parses, calls the run and prints it."""

from __future__ import annotations

from pathlib import Path

import click

from compiler.cli.context import AppContext, pass_app

FORMATS = ("text", "json", "github", "junit", "sarif")  # compiler.testing.output.FORMATS


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-k",
    "keywords",
    multiple=True,
    metavar="TEXT",
    help="Only tests whose id (agent/name::case[env]) contains TEXT (repeat: any of them).",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Output format.")
@click.option(
    "--update", is_flag=True, help="Write the golden payloads that are missing or differ."
)
@click.option(
    "--portability",
    "portability",
    multiple=True,
    type=click.Choice(("openai",)),
    help="Also warn where a parameters schema would not port (OpenAI strict mode).",
)
@click.option(
    "--init",
    "init_ref",
    metavar="AGENT/NAME",
    help="Write starter cases for an action to tests/AGENT/NAME.test.yaml, and exit.",
)
@pass_app
def command(
    app: AppContext,
    paths: tuple[Path, ...],
    keywords: tuple[str, ...],
    fmt: str | None,
    update: bool,
    portability: tuple[str, ...],
    init_ref: str | None,
) -> int:
    """Run the offline tests in tests/**/*.test.yaml (no network, no key).

    Each case gives sample arguments and checks what the caller would receive: the SMS
    text, encoding and segments, the recipient and sender, a handover's number, an
    api_call's request; the arguments are checked against the action's parameters
    schema. Golden payloads in tests/golden/ are compared field by field. With PATHS,
    only the tests of those test files and actions run (the pre-commit hook).

    \b
    Examples:
      actionctl test
      actionctl test -k booking --env prod
      actionctl test actions/support/send_booking_confirmation.yaml
      actionctl test --format junit > report.xml
      actionctl test --update                  write golden payloads that changed
      actionctl test --init support/send_summary_sms
    Exit codes: 0 every test passed, 1 a test failed or the project has errors.
    """
    if init_ref is not None:
        return _init(app, init_ref)
    from compiler.testing import RunOptions, run_tests
    from compiler.testing.output import render

    fmt = fmt or (app.diagnostics_format if app.diagnostics_format in FORMATS else "text")
    options = RunOptions(
        paths=paths,
        keywords=keywords,
        environment=app.env,
        update=update,
        portability=portability,
    )
    run = run_tests(app.project_dir, options)
    click.echo(render(run, fmt, project_dir=app.project_dir, verbose=app.verbose > 0))
    return 0 if run.ok else 1


def _init(app: AppContext, ref: str) -> int:
    from compiler.cli.context import emit_diagnostics, load_valid_project, select_environment
    from compiler.compile.preview import find_action
    from compiler.testing.starter import write_starter

    project, warnings = load_valid_project(app)
    environment = select_environment(app, project)
    emit_diagnostics(app, warnings)
    action = find_action(project, ref)
    written = write_starter(app.project_dir, project, environment, action)
    click.echo(f"wrote {written}: check its values, then `actionctl test --update`")
    return 0
