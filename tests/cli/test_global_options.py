"""Global options before or after the command (git and kubectl habits), hints that never
point at a flag that deletes, and the nearest command for a typo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.cli.main import COMMANDS, DESTRUCTIVE_FLAGS
from compiler.cli.main import cli as group


def test_options_after_the_command_equal_options_before_it(cli: Any, example_project: Path) -> None:
    before = cli("--project", example_project, "--env", "prod", "compile")
    after = cli("compile", "--env", "prod", "--project", example_project)
    assert before.exit_code == 0, before.output
    assert after.exit_code == 0, after.output
    assert json.loads(after.stdout) == json.loads(before.stdout)
    default = cli("compile", "--project", example_project)
    assert json.loads(default.stdout) != json.loads(after.stdout)  # --env really took effect


def test_quiet_and_diagnostics_format_after_the_command(cli: Any, example_project: Path) -> None:
    text = cli("validate", "--project", example_project)
    assert "ok:" in text.stdout
    quiet = cli("validate", "-q", "--project", example_project)
    assert quiet.exit_code == 0 and "ok:" not in quiet.stdout
    as_json = cli("validate", "--project", example_project, "--diagnostics-format", "json")
    assert isinstance(json.loads(as_json.stdout), list)


def test_an_unknown_environment_after_the_command_is_reported(
    cli: Any, example_project: Path
) -> None:
    result = cli("plan", "--project", example_project, "--env", "nowhere")
    assert result.exit_code == 1
    assert "unknown environment 'nowhere'" in result.stderr


def test_verbose_after_the_command_adds_up(cli: Any, example_project: Path) -> None:
    result = cli("--project", example_project, "validate", "--no-color", "-v")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "args",
    [
        ["apply", "--auto-aprove"],
        ["apply", "--prun"],
        ["plan", "--prunee"],
        ["apply", "--allow-empt"],
        ["import", "--forse"],
        ["plan", "--no-colr"],
    ],
)
def test_a_mistyped_option_is_never_pointed_at_a_destructive_flag(
    cli: Any, example_project: Path, args: list[str]
) -> None:
    result = cli("--project", example_project, *args)
    assert result.exit_code == 1
    assert "No such option" in result.stderr
    for flag in DESTRUCTIVE_FLAGS:
        assert f"'{flag}'" not in result.stderr, result.stderr


def test_a_harmless_option_is_still_suggested(cli: Any, example_project: Path) -> None:
    result = cli("--project", example_project, "plan", "--no-colr")
    assert "'--no-color'" in result.stderr


@pytest.mark.parametrize(
    "args, error",
    [
        # The nearest is destructive: nothing else is offered in its place.
        (["apply", "--auto-aprove"], "No such option '--auto-aprove'. (The nearest option"),
        (["plan", "--prun"], "No such option '--prun'. (The nearest option"),
        (["import", "--forse"], "No such option '--forse'. (The nearest option"),
        # Only options really like the typo, the best first.
        (["plan", "--fromat", "json"], "No such option '--fromat'. Did you mean '--format'?"),
        (["plan", "--no-colr"], "No such option '--no-colr'. Did you mean '--no-color'?"),
        (["import", "--agnet", "x"], "No such option '--agnet'. Did you mean '--agent'?"),
        (["render", "--pram", "a=b"], "No such option '--pram'. Did you mean '--param'?"),
        (["apply", "--dry-run"], "No such option '--dry-run'.\n"),
    ],
)
def test_a_mistyped_option_gets_the_option_meant_or_nothing(
    cli: Any, example_project: Path, args: list[str], error: str
) -> None:
    result = cli("--project", example_project, *args)
    assert result.exit_code == 1
    assert f"Error: {error}" in result.stderr
    assert "--no-prune" not in result.stderr  # once the answer to all three kinds
    if "(The nearest option" in error:
        assert "deletes or skips a question, so it is not suggested: see --help.)" in (
            result.stderr
        )
        assert "Did you mean" not in result.stderr


def test_every_destructive_flag_exists() -> None:
    import click

    ctx = click.Context(group)
    flags = {
        opt
        for name in COMMANDS
        for param in group.get_command(ctx, name).params  # type: ignore[union-attr]
        for opt in [*param.opts, *param.secondary_opts]
    }
    assert flags >= DESTRUCTIVE_FLAGS


@pytest.mark.parametrize(
    "typed, meant", [("plna", "plan"), ("valdiate", "validate"), ("aply", "apply")]
)
def test_a_mistyped_command_gets_the_nearest_name(cli: Any, typed: str, meant: str) -> None:
    result = cli(typed)
    assert result.exit_code == 1
    assert f"No such command '{typed}'. Did you mean '{meant}'?" in result.stderr


def test_a_command_like_nothing_gets_no_guess(cli: Any) -> None:
    result = cli("xyzzy")
    assert result.exit_code == 1
    assert "No such command 'xyzzy'." in result.stderr
    assert "Did you mean" not in result.stderr
