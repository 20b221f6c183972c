"""The pre-commit hook runs only the changed actions' tests (entry run as pre-commit
runs it, in a real git repository); ``--init`` writes starter cases that pass."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT, CliResult
from tests.ecosystem.conftest import VENV_BIN, git, offline_env
from tests.testing.conftest import replace_in

HOOK_ID = "actionctl-test"


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    (found,) = [h for h in hooks if h["id"] == HOOK_ID]
    return found


def test_hook_definition() -> None:
    declared = hook()
    assert declared["entry"] == "actionctl test"
    assert declared["pass_filenames"] is True
    pattern = re.compile(declared["files"])
    for path in ("actions/a/b.yaml", "channels/c.yml", "actionctl.yaml", "tests/a/b.test.yaml"):
        assert pattern.search(path), path
    for path in ("tests/golden/dev/a/b.json", "tests/load/x.yaml", "README.md"):
        assert not pattern.search(path), path


@pytest.fixture
def repo(tested_project: Path) -> Path:
    # A golden missing for an action the change does not touch: a full run fails on it,
    # the hook must not even look.
    (tested_project / "tests/golden/dev/support/lookup_booking.json").unlink()
    git(tested_project, "init", "-q", "-b", "main")
    git(tested_project, "add", ".")
    git(tested_project, "commit", "-q", "-m", "project")
    return tested_project


def run_hook(repo: Path, files: list[str]) -> dict[str, Any]:
    """entry + the files pre-commit passes (those its pattern matches), in the repo root."""
    pattern = re.compile(hook()["files"])
    command, *args = shlex.split(hook()["entry"])
    completed = subprocess.run(
        [str(VENV_BIN / command), *args, *[f for f in files if pattern.search(f)]],
        cwd=repo,
        capture_output=True,
        text=True,
        env=offline_env(ACTIONCTL_DIAGNOSTICS_FORMAT="json"),
        timeout=120,
    )
    assert "Traceback" not in completed.stderr
    report: dict[str, Any] = json.loads(completed.stdout)
    report["exit_code"] = completed.returncode
    return report


def test_the_hook_runs_only_the_changed_actions_tests(repo: Path) -> None:
    action = "actions/billing/send_payment_link.yaml"
    replace_in(repo / action, "securely at", "safely at")
    report = run_hook(repo, [action, "README.md"])
    assert report["exit_code"] == 1
    assert {r["action"] for r in report["results"]} == {"billing/send_payment_link"}
    failed = {(r["case"], r["environment"]) for r in report["results"] if r["status"] == "failed"}
    assert ("golden", "dev") in failed and ("golden", "prod") in failed
    assert (repo / ".actionctl/cache/validate.json").is_file()  # validate's per-file cache


def test_the_hook_runs_a_changed_test_file_and_all_tests_for_a_channel(repo: Path) -> None:
    report = run_hook(repo, ["tests/support/send_summary_sms.test.yaml"])
    assert report["exit_code"] == 0, report
    assert {r["action"] for r in report["results"]} == {"support/send_summary_sms"}
    everything = run_hook(repo, ["channels/customer-notifications.yaml"])
    assert everything["exit_code"] == 1
    assert [(r["action"], r["case"]) for r in everything["results"] if r["status"] == "failed"] == [
        ("support/lookup_booking", "golden")
    ]


def test_init_writes_starter_cases_that_pass(
    example_project: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli(
        "--project", example_project, "test", "--init", "support/send_booking_confirmation"
    )
    assert result.exit_code == 0, result.output
    written = example_project / "tests/support/send_booking_confirmation.test.yaml"
    text = written.read_text()
    assert "&id" not in text  # every case written out in full
    cases = yaml.safe_load(text)["cases"]
    assert [case["name"] for case in cases] == [
        "typical",
        "sent from dev's number",
        "sent from prod's number",
        "worst case",
        "rejects missing arguments",
    ]
    assert cli("--project", example_project, "test", "--update").exit_code == 0
    assert cli("--project", example_project, "test").exit_code == 0
    again = cli("--project", example_project, "test", "--init", "send_booking_confirmation")
    assert again.exit_code == 1
    assert "U105" in again.output and written.read_text() == text


def test_init_of_an_unknown_action(example_project: Path, cli: Callable[..., CliResult]) -> None:
    result = cli("--project", example_project, "test", "--init", "support/nope")
    assert result.exit_code == 1
    assert "M523" in result.output and "Traceback" not in result.output
