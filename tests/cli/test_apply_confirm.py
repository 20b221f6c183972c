"""The apply prompt: a plan that deletes or replaces needs the word ``yes`` (Terraform's
habit), a bare ``y`` is refused; a plan that only creates or updates takes y/N."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.cli.test_apply import live_names
from tests.conftest import read_until_closed


def apply_in_terminal(project: Path, answer: bytes, *args: str) -> tuple[int, str]:
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "compiler", "--project", str(project), "apply", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env={**os.environ, "NO_COLOR": "1"},
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 30
    while b"Apply these changes?" not in seen and time.monotonic() < deadline:
        seen += os.read(master, 65536)
    os.write(master, answer)
    seen += read_until_closed(master)
    code = process.wait(timeout=30)
    os.close(master)
    return code, seen.decode(errors="replace")


def test_a_bare_y_does_not_apply_a_plan_that_deletes(run: Any, example_project: Path) -> None:
    assert run("apply", "--auto-approve").exit_code == 0
    before = live_names(example_project)
    victim = sorted((example_project / "actions").rglob("*.yaml"))[0]
    victim.unlink()
    code, output = apply_in_terminal(example_project, b"y\n", "--prune")
    assert code == 1, output
    assert "Only 'yes'" in output
    assert "nothing was changed" in output
    assert live_names(example_project) == before


def test_yes_applies_a_plan_that_deletes(run: Any, example_project: Path) -> None:
    assert run("apply", "--auto-approve").exit_code == 0
    before = live_names(example_project)
    victim = sorted((example_project / "actions").rglob("*.yaml"))[0]
    victim.unlink()
    code, output = apply_in_terminal(example_project, b"yes\n", "--prune")
    assert code == 0, output
    assert "deletes or replaces" in output
    assert len(live_names(example_project)) < len(before)


def test_a_plan_that_only_creates_still_takes_y(example_project: Path) -> None:
    code, output = apply_in_terminal(example_project, b"y\n")
    assert code == 0, output
    assert "Only 'yes'" not in output
    assert live_names(example_project)


def test_reverting_creates_deletes_so_it_needs_yes(
    run: Any, example_project: Path, tmp_path: Path
) -> None:
    plan_file = tmp_path / "plan.json"
    assert run("plan", "--out", plan_file).exit_code == 0
    assert run("apply", plan_file).exit_code == 0
    applied = live_names(example_project)
    result = run("apply", "--revert", plan_file)  # it empties both agents: refused unasked
    assert result.exit_code == 1
    assert "A905" in result.stderr and "A906" not in result.stderr
    args = ("--revert", str(plan_file), "--allow-empty")
    code, output = apply_in_terminal(example_project, b"y\n", *args)
    assert code == 1, output
    assert "Only 'yes'" in output
    assert live_names(example_project) == applied
    code, output = apply_in_terminal(example_project, b"yes\n", *args)
    assert code == 0, output
    assert live_names(example_project) == []


def test_a_prune_that_empties_an_agent_is_refused_before_the_question(
    run: Any, example_project: Path
) -> None:
    assert run("apply", "--auto-approve").exit_code == 0
    before = live_names(example_project)
    for file in (example_project / "actions/billing").glob("*.yaml"):
        file.unlink()
    result = run("apply", "--prune")  # stdin is not a terminal: A906 if it asked
    assert result.exit_code == 1
    assert "A905" in result.stderr and "--allow-empty" in result.stderr
    assert "A906" not in result.stderr
    assert live_names(example_project) == before
