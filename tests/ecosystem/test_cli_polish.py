"""What users see before any real work: --version, --help with examples on every
command, shell completion, no colour under NO_COLOR or when output is not a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from compiler import __version__
from compiler.cli.main import COMMANDS
from tests.conftest import CliResult, read_until_closed
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


def colour_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in offline_env().items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm-256color", **extra)
    return env


def run_in_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run actionctl with stdout and stderr on a pseudo-terminal, as a person sees it."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(VENV_BIN / "actionctl"), *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    output = read_until_closed(master)
    code = process.wait(timeout=60)
    os.close(master)
    return code, output.decode(errors="replace")


needs_pty = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


@needs_pty
@pytest.mark.parametrize("command", [["validate"], ["plan"]], ids=["validate", "plan"])
def test_terminal_output_is_coloured_and_no_color_turns_it_off(
    sample_repo: Callable[[str], Path], command: list[str]
) -> None:
    project = sample_repo("bad" if command == ["validate"] else "good")
    _, coloured = run_in_terminal(command, project, colour_env())
    assert ANSI in coloured  # without this, the NO_COLOR checks below prove nothing
    _, plain = run_in_terminal(command, project, colour_env(NO_COLOR="1"))
    assert ANSI not in plain
    assert plain.replace("\r", "").strip()
    _, flag = run_in_terminal(["--no-color", *command], project, colour_env())
    assert ANSI not in flag


def test_output_to_a_pipe_or_file_has_no_escape_codes(bad_project: Path) -> None:
    # `actionctl validate > report.txt` and `| grep` must not get colour codes.
    result = subprocess.run(
        [str(VENV_BIN / "actionctl"), "validate"],
        cwd=bad_project,
        capture_output=True,
        text=True,
        env=colour_env(),
        timeout=60,
    )
    assert result.returncode == 1
    assert "N301" in result.stdout + result.stderr
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


HEAVY_MODULES = ("yaml", "jsonschema", "referencing", "httpx", "jinja2", "deepdiff", "sqlite3")
IMPORTS_PROBE = """
import sys
from compiler.cli.main import run
run(sys.argv[1:])
print(",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--help"]] + [[name, "--help"] for name in COMMANDS],
    ids=lambda args: " ".join(args),
)
def test_startup_paths_import_none_of_the_pipeline(args: list[str]) -> None:
    # The deterministic half of the 0.12 s startup goal (bench/bench_startup.py times it):
    # --version and every --help must not load YAML, schemas, HTTP or the database.
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS_PROBE.format(heavy=HEAVY_MODULES), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1:] in ([], [""]), done.stderr
