"""What users see before any real work: --version, --help with examples on every
command, shell completion, no colour under NO_COLOR or when output is not a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from compiler import __version__
from compiler.cli.main import COMMANDS
from tests.conftest import CliResult
from tests.ecosystem.conftest import VENV_BIN, offline_env

ANSI = "\x1b["


def actionctl(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "actionctl"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**offline_env(), **env},
        timeout=60,
    )


def test_version(cli: Callable[..., CliResult]) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"actionctl, version {__version__}"


def test_top_level_help_lists_every_command_with_examples(cli: Callable[..., CliResult]) -> None:
    result = cli("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    for name in COMMANDS:
        assert name in result.stdout


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_has_an_examples_section(
    cli: Callable[..., CliResult], name: str
) -> None:
    result = cli(name, "--help")
    assert result.exit_code == 0, result.output
    assert "Examples" in result.stdout, f"`actionctl {name} --help` shows no examples"
    assert "actionctl" in result.stdout.split("Examples", 1)[1]


def test_bash_completion_script_and_completions() -> None:
    script = actionctl(_ACTIONCTL_COMPLETE="bash_source")
    assert script.returncode == 0
    assert "complete " in script.stdout and "_ACTIONCTL_COMPLETE" in script.stdout
    words = actionctl(
        _ACTIONCTL_COMPLETE="bash_complete", COMP_WORDS="actionctl va", COMP_CWORD="1"
    )
    assert "validate" in words.stdout
    options = actionctl(
        _ACTIONCTL_COMPLETE="bash_complete", COMP_WORDS="actionctl --no", COMP_CWORD="1"
    )
    assert "--no-color" in options.stdout


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_other_shells_have_completion_scripts(shell: str) -> None:
    script = actionctl(_ACTIONCTL_COMPLETE=f"{shell}_source")
    assert script.returncode == 0
    assert "actionctl" in script.stdout


@pytest.fixture
def bad_project(sample_repo: Callable[[str], Path]) -> Path:
    return sample_repo("bad")


def test_no_color_env_means_no_escape_codes(bad_project: Path) -> None:
    result = actionctl("validate", cwd=bad_project, NO_COLOR="1")
    assert result.returncode == 1
    assert "error" in result.stdout + result.stderr
    assert ANSI not in result.stdout + result.stderr


def test_no_color_flag_means_no_escape_codes(bad_project: Path) -> None:
    env = {k: v for k, v in offline_env().items() if k != "NO_COLOR"}
    result = subprocess.run(
        [str(VENV_BIN / "actionctl"), "--no-color", "validate"],
        cwd=bad_project,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert ANSI not in result.stdout + result.stderr


def test_output_to_a_pipe_or_file_has_no_escape_codes(bad_project: Path) -> None:
    # `actionctl validate > report.txt` and `| grep` must not get colour codes.
    env = {k: v for k, v in offline_env().items() if k != "NO_COLOR"}
    env.pop("FORCE_COLOR", None)
    result = subprocess.run(
        [str(VENV_BIN / "actionctl"), "validate"],
        cwd=bad_project,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert ANSI not in result.stdout + result.stderr


def test_machine_formats_never_have_escape_codes(bad_project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    for fmt in ("json", "github", "sarif"):
        result = subprocess.run(
            [str(VENV_BIN / "actionctl"), "validate", "--format", fmt],
            cwd=bad_project,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert result.returncode == 1, result.stderr
        assert ANSI not in result.stdout, fmt


def test_bad_usage_exits_1_with_a_message_not_a_traceback(cli: Callable[..., CliResult]) -> None:
    result = cli("no-such-command")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "no-such-command" in result.output


def test_python_dash_m_compiler_is_the_same_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "compiler", "--version"], capture_output=True, text=True
    )
    assert done.stdout.strip() == f"actionctl, version {__version__}"
