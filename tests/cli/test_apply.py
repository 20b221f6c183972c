"""``actionctl apply`` in-process against the embedded local platform: plan files,
confirmation, environment and target checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compiler.platform.local import LocalPlatform
from tests.conftest import read_until_closed

EXAMPLE_TOOLS = 13


def live_names(project: Path) -> list[str]:
    platform = LocalPlatform(project / ".actionctl" / "platform.db")
    try:
        tools = platform.list_tools_many(["agent_support_dev", "agent_billing_dev"])
    finally:
        platform.close()
    return sorted(t["name"] for group in tools.values() for t in group)


@pytest.fixture
def plan_file(run: Any, tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    assert run("plan", "--out", path).exit_code == 0
    return path


def test_saved_plan_applies_with_progress(run: Any, plan_file: Path, example_project: Path) -> None:
    result = run("apply", plan_file)
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == EXAMPLE_TOOLS
    assert progress[-1].startswith(f"[{EXAMPLE_TOOLS}/{EXAMPLE_TOOLS}] created ")
    assert result.stdout.strip() == f"Apply complete: {EXAMPLE_TOOLS} created."
    assert len(live_names(example_project)) == EXAMPLE_TOOLS


def test_quiet_hides_progress_but_not_the_result(run: Any, plan_file: Path) -> None:
    result = run("-q", "apply", plan_file)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "Apply complete" in result.stdout


def test_quiet_auto_approve_prints_only_the_summary_line(run: Any) -> None:
    result = run("-q", "apply", "--auto-approve")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == f"Apply complete: {EXAMPLE_TOOLS} created.\n"
    again = run("-q", "apply", "--auto-approve")
    assert again.exit_code == 0, again.output
    assert (again.stdout, again.stderr) == ("No changes. Nothing to apply.\n", "")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", "invalid JSON"),
        ('{"format_version": 9, "environment": "dev", "target": {}, "changes": []}',
         "unsupported plan format_version 9"),
        ('{"format_version": 1, "environment": "dev", "changes": []}', "missing 'target'"),
    ],
)  # fmt: skip
def test_bad_plan_files_are_diagnostics(
    run: Any, tmp_path: Path, content: str, message: str, example_project: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = run("apply", path)
    assert result.exit_code == 1
    assert "A901" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output
    assert live_names(example_project) == []


def test_plan_for_another_environment_is_refused(run: Any, tmp_path: Path) -> None:
    path = tmp_path / "prod.json"
    assert run("--env", "prod", "plan", "--out", path).exit_code == 0
    result = run("apply", path)
    assert result.exit_code == 1
    assert "A902" in result.stderr and "environment 'prod'" in result.stderr
    assert run("--env", "prod", "apply", path).exit_code == 0


def test_plan_for_another_target_is_refused(
    run: Any, plan_file: Path, example_project: Path
) -> None:
    data = json.loads(plan_file.read_text())
    data["target"] = {
        "platform": "openmic",
        "base_url": "https://api.openmic.ai",
        "api_prefix": "/h/v2",
    }
    plan_file.write_text(json.dumps(data))
    result = run("apply", plan_file)
    assert result.exit_code == 1
    assert "A903" in result.stderr and "openmic https://api.openmic.ai" in result.stderr
    assert live_names(example_project) == []


def test_without_a_tty_and_without_auto_approve_nothing_happens(
    run: Any, example_project: Path
) -> None:
    result = run("apply")
    assert result.exit_code == 1
    assert "A906" in result.stderr and "--auto-approve" in result.stderr
    assert result.stdout.startswith("Plan: 13 to create")
    assert live_names(example_project) == []


def test_nothing_to_apply(run: Any) -> None:
    assert run("apply", "--auto-approve").exit_code == 0
    result = run("apply")  # no changes: no confirmation needed
    assert result.exit_code == 0
    assert result.stdout.startswith("No changes.")


def test_saved_plan_needs_only_the_project_file(
    run: Any, plan_file: Path, example_project: Path
) -> None:
    (example_project / "actions" / "support" / "end_call_broken.yaml").write_text("kind: [\n")
    result = run("apply", plan_file)
    assert result.exit_code == 0, result.output
    assert len(live_names(example_project)) == EXAMPLE_TOOLS


def test_an_applied_plan_cannot_be_applied_twice(run: Any, plan_file: Path) -> None:
    assert run("apply", plan_file).exit_code == 0
    again = run("apply", plan_file)
    assert again.exit_code == 3
    assert "a tool with this name now exists" in again.stderr


def apply_in_terminal(project: Path, answer: bytes) -> tuple[int, str]:
    """``actionctl apply`` with a pseudo-terminal on stdin/stdout/stderr, answering the prompt."""
    import os
    import pty
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "compiler", "--project", str(project), "apply"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
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


def test_confirmation_yes_applies(example_project: Path) -> None:
    code, output = apply_in_terminal(example_project, b"y\n")
    assert code == 0, output
    assert "Apply complete: 13 created." in output
    assert len(live_names(example_project)) == EXAMPLE_TOOLS


def test_confirmation_no_changes_nothing(example_project: Path) -> None:
    code, output = apply_in_terminal(example_project, b"n\n")
    assert code == 1
    assert "Apply cancelled; nothing was changed." in output
    assert live_names(example_project) == []


def test_prune_flag_with_a_saved_plan_is_a_usage_error(run: Any, plan_file: Path) -> None:
    result = run("apply", plan_file, "--prune")
    assert result.exit_code == 1
    assert "only without PLANFILE" in result.stderr
