"""The JavaScript in the example workflows (actions/github-script steps), run with Node
against a recording stand-in for GitHub's REST API: the plan comment is created once and
then updated in place (found by its hidden marker); the apply workflow finds the plan
workflow's run for the pull request's head commit, or fails with a clear message."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT

HARNESS = Path(__file__).with_name("github_script_harness.js")
WORKFLOWS = REPO_ROOT / "examples" / "github-actions"
MARKER = "<!-- actionctl-plan -->"
FAILED_MARKER = "<!-- actionctl-plan-failed -->"
SUCCESS = {"PLAN_OUTCOME": "success"}

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")


def script_of(workflow: str, step_name: str) -> str:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / workflow).read_text())
    for job in data["jobs"].values():
        for step in job["steps"]:
            if step.get("name") == step_name:
                assert str(step["uses"]).startswith("actions/github-script@")
                return str(step["with"]["script"])
    raise AssertionError(f"no step {step_name!r} in {workflow}")


def run_script(script: str, state: dict[str, Any], cwd: Path) -> list[list[Any]]:
    path = cwd / "script.js"
    path.write_text(script)
    done = subprocess.run(
        ["node", str(HARNESS), str(path), json.dumps(state)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    calls: list[list[Any]] = json.loads(done.stdout)
    return calls


def named(calls: list[list[Any]], name: str) -> list[list[Any]]:
    return [call for call in calls if call[0] == name]


@pytest.fixture
def comment_script() -> str:
    return script_of("actionctl-plan.yml", "Post or update the plan comment")


def test_first_plan_creates_one_comment_with_the_marker(
    comment_script: str, tmp_path: Path
) -> None:
    (tmp_path / "plan.md").write_text(f"{MARKER}\n## Plan: 1 to create\n")
    calls = run_script(comment_script, {"comments": [], "env": SUCCESS}, tmp_path)
    (create,) = named(calls, "createComment")
    assert create[1]["issue_number"] == 7
    assert create[1]["body"].count(MARKER) == 1
    assert not named(calls, "updateComment")


def test_next_plan_updates_the_marked_comment_only(comment_script: str, tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text(f"{MARKER}\n## Plan: 2 to update\n")
    comments = [
        {"id": 11, "body": "Looks good to me"},
        {"id": 12, "body": f"{MARKER}\n## Plan: 1 to create\n"},
        {"id": 13, "body": None},
    ]
    calls = run_script(comment_script, {"comments": comments, "env": SUCCESS}, tmp_path)
    (update,) = named(calls, "updateComment")
    assert update[1]["comment_id"] == 12
    assert "2 to update" in update[1]["body"]
    assert "Run log" not in update[1]["body"]
    assert not named(calls, "createComment")


def test_a_plan_without_the_marker_gets_it_prepended(comment_script: str, tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text("## Plan: no changes\n")
    calls = run_script(comment_script, {"comments": [], "env": SUCCESS}, tmp_path)
    (create,) = named(calls, "createComment")
    assert create[1]["body"].startswith(MARKER)


def test_a_failed_plan_replaces_the_last_plan_with_actionctls_explanation(
    comment_script: str, tmp_path: Path
) -> None:
    explained = f"{MARKER}\n{FAILED_MARKER}\n### :x: Plan failed for `prod`\nS204 ...\n"
    (tmp_path / "plan.md").write_text(explained)
    comments = [{"id": 12, "body": f"{MARKER}\n### Plan for `prod`: 1 to delete\n"}]
    state = {"comments": comments, "env": {"PLAN_OUTCOME": "failure"}}
    (update,) = named(run_script(comment_script, state, tmp_path), "updateComment")
    assert update[1]["comment_id"] == 12
    body = update[1]["body"]
    assert body.startswith(explained)
    assert "1 to delete" not in body
    assert "[Run log](https://github.com/octo/voice/actions/runs/99)" in body


@pytest.mark.parametrize("plan_md", [None, "", "<!-- actionctl-plan -->\n### Plan for"])
def test_a_plan_that_died_unexplained_still_replaces_the_comment(
    comment_script: str, tmp_path: Path, plan_md: str | None
) -> None:
    if plan_md is not None:
        (tmp_path / "plan.md").write_text(plan_md)
    comments = [{"id": 12, "body": f"{MARKER}\n### Plan for `prod`: 1 to delete\n"}]
    state = {"comments": comments, "env": {"PLAN_OUTCOME": "failure"}, "sha": "ab" * 20}
    (update,) = named(run_script(comment_script, state, tmp_path), "updateComment")
    body = update[1]["body"]
    assert body.startswith(f"{MARKER}\n{FAILED_MARKER}\n### :x: Plan failed")
    assert "ab" * 20 in body and "Plan for" not in body
    assert "/actions/runs/99" in body


def test_labels_follow_the_hidden_summary_and_stale_ones_come_off(
    comment_script: str, tmp_path: Path
) -> None:
    from compiler.plan.markdown import summary_comment

    review = {"labels": ["actionctl:changes", "actionctl:destructive"], "status": "planned"}
    (tmp_path / "plan.md").write_text(f"{MARKER}\n{summary_comment(review)}\n### Plan for\n")
    labels = [{"name": "actionctl:no-changes"}, {"name": "bug"}, {"name": "actionctl:changes"}]
    state = {"comments": [], "env": SUCCESS, "labels": labels}
    calls = run_script(comment_script, state, tmp_path)
    assert [c[1]["name"] for c in named(calls, "removeLabel")] == ["actionctl:no-changes"]
    (added,) = named(calls, "addLabels")
    assert added[1]["labels"] == ["actionctl:changes", "actionctl:destructive"]
    assert added[1]["issue_number"] == 7


def test_a_failed_plan_is_labelled_so(comment_script: str, tmp_path: Path) -> None:
    state = {
        "comments": [],
        "env": {"PLAN_OUTCOME": "failure"},
        "labels": [{"name": "actionctl:changes"}],
    }
    calls = run_script(comment_script, state, tmp_path)
    assert [c[1]["name"] for c in named(calls, "removeLabel")] == ["actionctl:changes"]
    assert named(calls, "addLabels")[0][1]["labels"] == ["actionctl:plan-failed"]


@pytest.fixture
def find_script() -> str:
    return script_of("actionctl-apply.yml", "Find the plan reviewed on the pull request")


def test_apply_finds_the_plan_run_of_the_head_commit(find_script: str, tmp_path: Path) -> None:
    state = {"payload": {"pull_request": {"head": {"sha": "abc123"}}}, "runs": [{"id": 4242}]}
    calls = run_script(find_script, state, tmp_path)
    (listing,) = named(calls, "listWorkflowRuns")
    assert listing[1]["workflow_id"] == "actionctl-plan.yml"
    assert listing[1]["head_sha"] == "abc123"
    assert listing[1]["status"] == "success"
    assert named(calls, "setOutput") == [["setOutput", "run-id", 4242]]
    assert not named(calls, "setFailed")


def test_apply_fails_clearly_without_a_plan_run(find_script: str, tmp_path: Path) -> None:
    state = {"payload": {"pull_request": {"head": {"sha": "abc123"}}}, "runs": []}
    calls = run_script(find_script, state, tmp_path)
    (failed,) = named(calls, "setFailed")
    assert "abc123" in failed[1] and "re-run the plan" in failed[1]
    assert not named(calls, "setOutput")


def test_the_plan_workflow_file_name_matches_what_apply_looks_for() -> None:
    assert (WORKFLOWS / "actionctl-plan.yml").is_file()
    assert "workflow_id: 'actionctl-plan.yml'" in (WORKFLOWS / "actionctl-apply.yml").read_text()


def test_the_comment_step_runs_after_a_failed_plan_and_knows_the_outcome() -> None:
    data: dict[str, Any] = yaml.safe_load((WORKFLOWS / "actionctl-plan.yml").read_text())
    steps = data["jobs"]["plan"]["steps"]
    (step,) = [s for s in steps if s.get("name") == "Post or update the plan comment"]
    assert step["if"] == "${{ !cancelled() }}"
    assert step["env"]["PLAN_OUTCOME"] == "${{ steps.plan.outcome }}"
    assert any(s.get("id") == "plan" for s in steps)
