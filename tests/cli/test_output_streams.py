"""What every command's output looks like to a pipe, a CI log and a machine: no colour
codes outside terminals, platform and file errors in the diagnostics format asked for,
``--out`` that follows symlinks and never replaces what is not a regular file."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, write_openmic_config

Cli = Callable[..., CliResult]


def _break_an_action(project: Path) -> None:
    path = project / "actions" / "support" / "send_summary_sms.yaml"
    path.write_text(path.read_text().replace("name: send_summary_sms", 'name: "bad name!"'))


@pytest.mark.parametrize("command", ["plan", "compile", "apply", "render"])
def test_no_colour_codes_when_output_is_not_a_terminal(
    cli: Cli, example_project: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)  # colour allowed: only the pipe stops it
    _break_an_action(example_project)
    args = ["send_booking_confirmation"] if command == "render" else []
    result = cli("--project", example_project, command, *args)
    assert result.exit_code == 1
    assert "N311" in result.stderr
    assert "\x1b[" not in result.output


def test_no_colour_codes_in_an_unknown_environment_error(
    cli: Cli, example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = cli("--project", example_project, "--env", "nope", "plan")
    assert result.exit_code == 1
    assert "E101" in result.stderr and "\x1b[" not in result.output


def test_platform_errors_follow_the_diagnostics_format(
    cli: Cli, example_project: Path, emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACTIONCTL_TEST_KEY", raising=False)
    agents = {"support": "s", "billing": "b"}  # every agent mapped: E104 is an error there
    write_openmic_config(example_project, emulator.url, "ACTIONCTL_TEST_KEY", agents)
    result = cli("--project", example_project, "--diagnostics-format", "json", "plan")
    assert result.exit_code == 1
    (diagnostic,) = json.loads(result.stderr)
    assert diagnostic["code"] == "P109"
    assert "ACTIONCTL_TEST_KEY" in diagnostic["message"]


def test_plan_out_follows_a_symlink(cli: Cli, example_project: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old\n")
    link = tmp_path / "plan.json"
    link.symlink_to(real)
    result = cli("--project", example_project, "plan", "--out", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert json.loads(real.read_text())["format_version"] == 1


def test_plan_out_writes_through_what_is_not_a_regular_file(
    cli: Cli, example_project: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    result = cli("--project", example_project, "plan", "--out", fifo)
    reader.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert fifo.exists() and not fifo.is_file()  # still the FIFO, not replaced by a file
    assert json.loads(received[0])["format_version"] == 1


def test_an_unwritable_out_is_a_located_error(
    cli: Cli, example_project: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x\n")
    target = blocker / "plan.json"
    result = cli(
        "--project", example_project, "--diagnostics-format", "json", "plan", "--out", target
    )
    assert result.exit_code == 1
    (diagnostic,) = json.loads(result.stderr)
    assert diagnostic["code"] == "E120"
    assert diagnostic["file"] == str(target)
    assert not list(tmp_path.glob("**/.plan.json.*"))  # no temporary file left behind
