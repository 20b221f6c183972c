"""The scheduled drift workflow (examples/github-actions/actionctl-drift.yml): its shell
step run for real against a sample repository on the local platform (exit 2 and the
``drift`` output while live differs from git, 0 once applied), and its github-script
run with Node against a recording stand-in for the issues API (one issue: created,
then updated in place, closed when the drift is gone)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.plan.drift_report import MARKER
from tests.ecosystem.test_github_scripts import HARNESS, named, script_of
from tests.ecosystem.test_workflow_runs import Runner, step_script

WORKFLOW = "actionctl-drift.yml"
STEP = "Open, update or close the drift issue"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


def test_the_drift_step_reports_until_the_configuration_is_applied(
    sample_repo: Callable[[str], Path], tmp_path: Path
) -> None:
    runner = Runner(sample_repo("good"), tmp_path)
    script, env = step_script(WORKFLOW, "Drift")
    env["ACTIONCTL_ENV"] = "dev"
    drifted = runner.run(script, env)
    assert drifted.returncode == 0, drifted.stdout + drifted.stderr
    assert runner.outputs()["drift"] == "true"
    report = (runner.repo / "drift.md").read_text()
    assert report.startswith(MARKER)
    assert MARKER in runner.summary.read_text()

    applied = runner.run("actionctl --env dev apply --auto-approve", {})
    assert applied.returncode == 0, applied.stdout + applied.stderr
    runner.output.write_text("")
    clean = runner.run(script, env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert runner.outputs()["drift"] == "false"


def run_issue_script(state: dict[str, Any], drift: bool, cwd: Path) -> list[list[Any]]:
    path = cwd / "script.js"
    path.write_text(script_of(WORKFLOW, STEP))
    done = subprocess.run(
        ["node", str(HARNESS), str(path), json.dumps(state)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "DRIFT": "true" if drift else "false",
            "ACTIONCTL_ENV": "prod",
        },
    )
    assert done.returncode == 0, done.stderr
    calls: list[list[Any]] = json.loads(done.stdout)
    return calls


@needs_node
def test_first_drift_opens_one_labelled_issue(tmp_path: Path) -> None:
    (tmp_path / "drift.md").write_text(f"{MARKER}\n### Drift: 1 live tool differs\n")
    calls = run_issue_script({"issues": []}, True, tmp_path)
    (create,) = named(calls, "create")
    assert create[1]["labels"] == ["actionctl-drift"]
    assert create[1]["body"].count(MARKER) == 1
    assert not named(calls, "update")


@needs_node
def test_more_drift_updates_and_reopens_the_same_issue(tmp_path: Path) -> None:
    (tmp_path / "drift.md").write_text(f"{MARKER}\n### Drift: 2 live tools differ\n")
    issues = [
        {"number": 3, "state": "open", "body": "unrelated"},
        {"number": 9, "state": "closed", "body": f"{MARKER}\nold"},
        {"number": 10, "state": "open", "body": "a PR", "pull_request": {}},
    ]
    calls = run_issue_script({"issues": issues}, True, tmp_path)
    (update,) = named(calls, "update")
    assert update[1]["issue_number"] == 9 and update[1]["state"] == "open"
    assert "2 live tools" in update[1]["body"]
    assert not named(calls, "create")


@needs_node
def test_no_drift_closes_the_open_issue_and_opens_none(tmp_path: Path) -> None:
    (tmp_path / "drift.md").write_text(f"{MARKER}\n### No drift\n")
    open_issue = [{"number": 9, "state": "open", "body": f"{MARKER}\nold"}]
    calls = run_issue_script({"issues": open_issue}, False, tmp_path)
    (close,) = named(calls, "update")
    assert close[1] == {"owner": "octo", "repo": "voice", "issue_number": 9, "state": "closed"}
    assert len(named(calls, "createComment")) == 1
    assert not run_issue_script({"issues": []}, False, tmp_path)[1:]  # only the listing
