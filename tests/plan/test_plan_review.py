"""The PR comment as reviewers read it: -/+ diff lines, destructive changes first under a
caution, the environment and commit in the headline, a labels-ready JSON summary (plan
JSON and a hidden comment), and the comment that replaces it when planning fails."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from compiler.diagnostics import Diagnostic, Location, Severity, sorted_diagnostics
from compiler.plan import markdown
from compiler.plan.commit import source_commit
from compiler.plan.file import dumps_plan, plan_from_json, plan_to_json
from compiler.plan.lines import display_lines, review_lines, word_hint
from compiler.plan.model import Plan

SHA = "0123456789abcdef0123456789abcdef01234567"


def summary_of(comment: str) -> dict[str, Any]:
    match = re.search(r"<!-- actionctl-plan-summary: (.*) -->", comment)
    assert match, comment[:300]
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def diff_blocks(comment: str) -> list[list[str]]:
    return [b.splitlines() for b in re.findall(r"```diff\n(.*?)\n```", comment, re.S)]


def test_every_diff_line_is_minus_plus_or_context(plan: Plan) -> None:
    blocks = diff_blocks(markdown.render(plan))
    assert len(blocks) == 4
    for line in (line for block in blocks for line in block):
        assert line[:2] in {"- ", "+ ", "  "}, line


def test_a_changed_field_is_a_minus_line_then_a_plus_line(plan: Plan) -> None:
    update = next(c for c in plan.changes if c.action == "update")
    lines = [(line.sign, line.text) for line in review_lines(update)]
    assert ("-", "speak_after_execution: true") in lines
    at = lines.index(("-", "speak_after_execution: true"))
    assert lines[at + 1] == ("+", "speak_after_execution: false")
    assert ("-", 'parameters.required: ["booking_reference"]') in lines
    assert ("+", "Sends a booking confirmation SMS to the caller once the booking is made.") in [
        (s, t) for s, t in lines
    ]


def test_long_text_is_wrapped_at_sentences_and_hinted_word_by_word() -> None:
    before = (
        "You help callers move bookings. Ask for the booking reference and the new date, "
        "then confirm both back to the caller in one short sentence before you change it."
    )
    after = before.replace("new date", "new date and time")
    shown = display_lines(after)
    assert all(len(line) <= 80 for line in shown)
    assert shown[0] == "You help callers move bookings."
    # A wrapped piece is marked, not indented: it cannot pass for a line of the text.
    assert all(line.startswith("↪ ") for line in shown[1:])
    hint = word_hint(before, after)
    assert hint == "…and the new [-date,-]{+date and time,+} then confirm both…"


def test_long_text_of_a_deleted_or_created_tool_is_wrapped_too(make_plan: Any) -> None:
    plan = make_plan()
    delete = next(c for c in plan.changes if c.action == "delete")
    long = "Presses one to reach the operator. " * 4 + "Use only when the menu asks for it."
    delete.before = {**delete.before, "description": long.strip()}
    block = next(b for b in diff_blocks(markdown.render(plan)) if '- name: "press_one"' in b)
    at = block.index("- description:")
    wrapped = block[at + 1 : at + 6]
    assert all(line.startswith("-     ") and len(line) <= 90 for line in wrapped)
    assert wrapped[0] == "-     Presses one to reach the operator."


def test_headline_names_environment_and_commit_and_deletes_come_first(plan: Plan) -> None:
    plan.commit = SHA
    comment = markdown.render(plan)
    lines = comment.splitlines()
    assert lines[0] == markdown.MARKER
    assert lines[2] == (
        "### Plan for `dev` at `0123456789ab`: 1 to create, 1 to update, 1 to replace, "
        "1 to delete, 1 unchanged."
    )
    assert f"· commit {SHA}" in comment
    caution = comment.index("> [!CAUTION]")
    assert "**deletes 1 tool**" in comment and "**replaces 1 tool**" in comment
    details = [m.start() for m in re.finditer("<details", comment)]
    assert caution < details[0]
    assert comment[details[0] :].startswith("<details open><summary><code>- support/press_one")
    assert comment[details[2] :].startswith("<details><summary><code>~ ")


def test_no_caution_without_destructive_changes(make_plan: Any) -> None:
    plan = make_plan()
    plan.changes = [c for c in plan.changes if c.action in ("create", "no-op")]
    comment = markdown.render(plan)
    assert "[!CAUTION]" not in comment and "<details open" not in comment
    assert summary_of(comment)["labels"] == ["actionctl:changes"]


def test_labels_ready_summary_in_the_comment_and_the_plan_json(plan: Plan) -> None:
    plan.commit = SHA
    review = summary_of(markdown.render(plan))
    assert review == plan_to_json(plan)["review"]
    assert review == {
        "status": "planned",
        "environment": "dev",
        "commit": SHA,
        "changes": 4,
        "destructive": 2,
        "labels": ["actionctl:changes", "actionctl:destructive"],
    }
    assert plan_from_json(json.loads(dumps_plan(plan))).commit == SHA
    forged = {**plan_to_json(plan), "commit": "<img src=x> **merge me**"}
    assert plan_from_json(forged).commit is None


def test_the_hidden_summary_cannot_be_closed_by_a_value(plan: Plan) -> None:
    plan.environment = "x-->\n<b>"
    comment = markdown.render(plan)
    line = next(x for x in comment.splitlines() if x.startswith("<!-- actionctl-plan-summary"))
    assert line.count("-->") == 1 and line.endswith(" -->")
    assert summary_of(comment)["environment"] == "x-->\n<b>"


def test_no_changes_headline(make_plan: Any) -> None:
    plan = make_plan()
    plan.changes = [c for c in plan.changes if c.action == "no-op"]
    headline = markdown.render(plan).splitlines()[2]
    assert headline == (
        "### No changes for `dev`: the live tools match the configuration (1 unchanged)."
    )
    assert summary_of(markdown.render(plan))["labels"] == ["actionctl:no-changes"]


def test_destructive_changes_survive_the_size_limit(make_plan: Any) -> None:
    plan = make_plan()
    delete = next(c for c in plan.changes if c.action == "delete")
    plan.changes = []
    for i in range(300):
        change = type(delete)(**{**delete.__dict__, "name": f"d{i:03}"})
        change.address = f"support/d{i:03}"
        change.before = {**delete.before, "description": "y" * 500}
        plan.changes.append(change)
    comment = markdown.render(plan)
    assert len(comment) <= markdown.LIMIT
    assert "**deletes 300 tools**" in comment
    assert summary_of(comment)["destructive"] == 300


def test_failure_comment_says_it_failed_and_why_causes_first() -> None:
    root = Diagnostic.error(Location("channels/c.yaml", 2, 7), "S204", "quote it")
    echo = Diagnostic.error(Location("actions/a.yaml", 8, 20), "N301", "unknown channel")
    diagnostics = sorted_diagnostics([echo.because_of(root), root])
    comment = markdown.render_failure(diagnostics, environment="prod", commit=SHA)
    lines = comment.splitlines()
    assert lines[:2] == [markdown.MARKER, markdown.FAILED_MARKER]
    assert lines[3] == "### :x: Plan failed for `prod` at `0123456789ab`"
    assert comment.index(" S204 ") < comment.index(" N301 ")
    assert "1 more error caused by this:" in comment
    assert summary_of(comment)["labels"] == ["actionctl:plan-failed"]
    many = [
        Diagnostic(f"actions/{i}.yaml", 1, 1, Severity.ERROR, "S201", "z" * 300) for i in range(400)
    ]
    capped = markdown.render_failure(many, environment=None, commit=None, limit=20_000)
    assert len(capped) <= 20_000 and capped.rstrip().endswith("```")
    assert "see the job log for all" in capped


def test_failure_comment_puts_errors_before_warnings_in_wrapped_lines() -> None:
    warning = Diagnostic.warning(Location("actions/a.yaml", 1, 1), "L801", "stale " * 40)
    error = Diagnostic.error(Location("actions/z.yaml", 9, 3), "S204", "the reason " * 30)
    comment = markdown.render_failure(
        sorted_diagnostics([warning, error]), environment="prod", commit=None
    )
    assert "1 error, 1 warning." in comment
    assert comment.index("**Errors**") < comment.index(" S204 ") < comment.index("**Warnings**")
    assert comment.index("**Warnings**") < comment.index(" L801 ")
    body = [line for line in comment.splitlines() if "reason" in line or "stale" in line]
    assert len(body) > 4 and all(len(line) <= markdown.WIDE for line in body)
    assert all(line.startswith("↪ ") for line in body if not line.startswith("actions/"))


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_commit_comes_from_git_then_from_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    monkeypatch.delenv("CI_COMMIT_SHA", raising=False)
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert source_commit(outside) is None
    monkeypatch.setenv("GITHUB_SHA", SHA.upper())
    assert source_commit(outside) == SHA
    monkeypatch.setenv("GITHUB_SHA", "not-a-sha")
    assert source_commit(outside) is None

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "a.txt").write_text("a")
    _git(repo, "add", "a.txt")
    _git(repo, "commit", "-q", "-m", "a")
    head = _git(repo, "rev-parse", "HEAD")
    monkeypatch.setenv("GITHUB_SHA", SHA)
    assert source_commit(repo) == head != SHA


def test_plan_command_puts_the_checkout_commit_in_the_comment(
    tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from tests.conftest import REPO_ROOT

    project = tmp_path / "project"
    project.mkdir()
    for name in ("actions", "channels", "actionctl.yaml"):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy(source, project / name)
    (project / "actionctl.yaml").write_text((project / "actionctl.yaml").read_text())
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "commit", "-q", "-m", "init")
    head = _git(project, "rev-parse", "HEAD")
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    result = cli("--project", project, "--env", "nowhere", "plan", "--format", "markdown")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{markdown.MARKER}\n{markdown.FAILED_MARKER}\n")
    assert f"### :x: Plan failed for `nowhere` at `{head[:12]}`" in result.stdout
    assert " E101 " in result.stdout and " E101 " in result.stderr
    # Without --env, the project's default environment is named, not "the default".
    (project / "actions" / "broken.yaml").write_text("kind: action\ntype: nope\n")
    default = cli("--project", project, "plan", "--format", "markdown")
    assert default.exit_code == 1
    assert f"### :x: Plan failed for `dev` at `{head[:12]}`" in default.stdout


def test_plan_base_conflicts_and_drift_become_labels(plan: Plan) -> None:
    from compiler.plan.threeway import CONFLICT, DRIFT, ThreeWay, ToolClass

    tools = [
        ToolClass("support/a", "uid", "a", "update", CONFLICT, "edited in both"),
        ToolClass("support/b", "uid", "b", "update", DRIFT, "edited in the dashboard"),
    ]
    plan.three_way = ThreeWay("origin/main", "0" * 40, tools)
    labels = summary_of(markdown.render(plan))["labels"]
    assert labels == [
        "actionctl:changes",
        "actionctl:destructive",
        "actionctl:conflict",
        "actionctl:drift",
    ]
    plan.three_way = ThreeWay("origin/main", "0" * 40, [])
    assert "actionctl:conflict" not in plan.review["labels"]
