"""``plan --base REF`` where REF is no base to compare with: an environment new in the
branch, a REF on another platform, a project directory that is elsewhere (or nowhere) at
REF. Each is a warning and every tool a change, never a false drift or conflict that
fails CI. Real git repositories in tmp_path, the emulator over HTTP as the platform,
"dashboard" edits straight through its API."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
import yaml
from cmarkgfm.cmark import Options

from compiler.load.git_source import project_at_ref
from compiler.plan.model import CHANGE, CREATE, DELETE, MISSING, NO_OP, UPDATE, Plan
from compiler.plan.threeway import classify
from tests.plan.git_project import (
    BOOKING,
    BOOKING_TOOL,
    GIT_ENV,
    NEW_MESSAGE,
    OLD_MESSAGE,
    GitProject,
    edit_config,
    field_classes,
    git,
    move_project,
)

ADDRESS = f"support/{BOOKING_TOOL}"
DASHBOARD_MESSAGE = "Confirmed! Ref {{booking_reference}} (dashboard)"
DASHBOARD_DESCRIPTION = "Sends the booking confirmation SMS (edited in the dashboard)."


def both_edit_the_message(project: GitProject) -> None:
    """The edit that is a conflict against a real base: the branch and the dashboard
    both reword the confirmation, differently."""
    project.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    project.commit_all("pr: reword the confirmation")
    project.dashboard_message(BOOKING_TOOL, DASHBOARD_MESSAGE)


def checked(project: GitProject, *args: str) -> tuple[dict[str, Any], str]:
    """(three_way, stderr) of the CI check, which must pass: no conflict to fail on."""
    result = project.run(*args, "--fail-on-conflict", "--format", "json")
    assert result.exit_code == 0, result.output
    three_way: dict[str, Any] = json.loads(result.stdout)["three_way"]
    return three_way, result.stderr


def test_an_environment_new_in_the_branch_is_no_base(deployed: GitProject) -> None:
    config = yaml.safe_load((deployed.root / "actionctl.yaml").read_text(encoding="utf-8"))
    environments = dict(config["environments"])
    environments["staging"] = environments["dev"]  # the same agents, a new name
    edit_config(deployed, environments=environments)
    both_edit_the_message(deployed)

    three_way, stderr = checked(deployed, "--env", "staging", "plan", "--base", "main")

    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "change"}
    assert three_way["summary"] == {"conflict": 0, "drift": 0, "change": 1}
    (tool,) = three_way["tools"]
    assert "environment 'staging' is new in this branch" in tool["note"]
    assert "warning L833" in stderr and "'staging'" in stderr
    assert "L831" not in stderr and "L832" not in stderr
    reason = "no base: environment 'staging' is new in this branch"
    args = ("--env", "staging", "plan", "--base", "main")
    says = "every tool is classified as this branch's change"
    assert_no_base_is_said_beside_the_tool(deployed, args, "L833", reason, says)
    for fmt in ("text", "markdown"):  # a field whose base is unknown renders too
        shown = deployed.run("--env", "staging", "plan", "--base", "main", "--format", fmt)
        assert shown.exit_code == 0, shown.output
        assert "change" in shown.stdout and "L833" in shown.stderr
    # The environment REF has is still compared with: the same edits are a conflict.
    assert deployed.run("plan", "--base", "main", "--fail-on-conflict").exit_code == 4


def test_a_ref_on_another_platform_is_no_base(deployed: GitProject) -> None:
    openmic = (deployed.root / "actionctl.yaml").read_text(encoding="utf-8")
    edit_config(deployed, platform="local", base_url=None, api_key_env=None, rate_limit=None)
    deployed.commit_all("on the local platform")
    (deployed.root / "actionctl.yaml").write_text(openmic, encoding="utf-8")
    both_edit_the_message(deployed)

    three_way, stderr = checked(deployed, "plan", "--base", "HEAD~1")

    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "change"}
    (tool,) = three_way["tools"]
    assert "targets platform 'local'" in tool["note"]
    assert "warning L834" in stderr and "'local'" in stderr and "'openmic'" in stderr
    assert "L831" not in stderr and "L832" not in stderr
    reason = f"no base: HEAD~1 ({deployed.git('rev-parse', 'HEAD~1').strip()[:12]})"
    reason += " targets platform 'local'"
    args = ("plan", "--base", "HEAD~1")
    says = "targets platform 'local', the working tree 'openmic'"
    assert_no_base_is_said_beside_the_tool(deployed, args, "L834", reason, says)


def rendered(markdown: str) -> str:
    """The comment as GitHub renders it: cmark-gfm with its table extension."""
    out: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return out


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def cells_of(page: str, address: str) -> list[str]:
    """The text of each cell of the table row that names ``address``."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = [_plain(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if address in cells:
            return cells
    raise AssertionError(f"no row for {address} in {page[:2000]}")


def note_boxes(page: str) -> list[str]:
    return [_plain(quote) for quote in re.findall(r"<blockquote>(.*?)</blockquote>", page, re.S)]


def shown_everywhere(project: GitProject, *args: str) -> dict[str, str]:
    """The plan (or drift report) in each format: text, the Markdown as rendered, JSON."""
    out = {}
    for fmt in ("text", "markdown", "json"):
        result = project.run(*args, "--format", fmt)
        assert result.exit_code in (0, 2), result.output
        out[fmt] = rendered(result.stdout) if fmt == "markdown" else result.stdout
    return out


def assert_no_base_is_said_beside_the_tool(
    project: GitProject, args: tuple[str, ...], code: str, reason: str, says: str
) -> None:
    """Where the reviewer reads the tool: its class cell in the comment, its line in the
    terminal, its note and the plan's notes in JSON; and the full warning once, above."""
    shown = shown_everywhere(project, *args)
    cells = cells_of(shown["markdown"], ADDRESS)
    assert cells[2] == f"change ({reason}): static_params.message", cells
    boxes = note_boxes(shown["markdown"])
    assert any(box.endswith(f"({code})") and says in box for box in boxes), boxes
    lines = shown["text"].splitlines()
    assert any(line.startswith("  Note: ") and line.endswith(f"({code})") for line in lines)
    assert f"  => change   {ADDRESS}: {reason}" in lines
    three_way = json.loads(shown["json"])["three_way"]
    assert [note["code"] for note in three_way["notes"]][-1] == code
    assert says in three_way["notes"][-1]["message"]
    assert {tool["note"] for tool in three_way["tools"]} == {reason}


def test_a_moved_project_is_read_where_git_says_it_was(deployed: GitProject) -> None:
    moved = move_project(deployed, "voice")
    moved.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    moved.commit_all("pr: reword the confirmation")
    # A dashboard edit of a field the branch left alone: drift only against the real
    # base, so the base was found (an empty one would make the tool a conflict).
    moved.dashboard_patch(BOOKING_TOOL, {"description": DASHBOARD_DESCRIPTION})

    three_way, stderr = checked(moved, "plan", "--base", "main")

    assert field_classes(three_way) == {
        (ADDRESS, "static_params.message"): "change",
        (ADDRESS, "description"): "drift",
    }
    assert "warning L835" in stderr and "the top of the repository" in stderr
    # Where the reviewer reads the tools, not only on stderr; the classes as ever.
    shown = shown_everywhere(moved, "plan", "--base", "main")
    message = said_moved(shown, "the top of the repository")
    cells = cells_of(shown["markdown"], ADDRESS)
    assert cells[2].startswith("drift: applying reverts an edit made outside git"), cells
    assert "no base" not in message


def said_moved(shown: dict[str, str], place: str) -> str:
    """L835 in the text, the Markdown as rendered and the JSON; returns its message."""
    notes = json.loads(shown["json"]).get("three_way", json.loads(shown["json"]))["notes"]
    ((code, message),) = [(note["code"], note["message"]) for note in notes]
    assert code == "L835" and place in message
    assert f"Note: {message} (L835)" in [line.strip() for line in shown["text"].splitlines()]
    box = f"[!NOTE] {message[:1].upper()}{message[1:]} (L835)"
    assert box in note_boxes(shown["markdown"])
    return message


def test_drift_follows_a_moved_project_and_says_so_like_plan(deployed: GitProject) -> None:
    moved = move_project(deployed, "voice")
    moved.dashboard_patch(BOOKING_TOOL, {"description": DASHBOARD_DESCRIPTION})

    drift = shown_everywhere(moved, "drift", "--ref", "main")
    plan = shown_everywhere(moved, "plan", "--base", "main")

    message = said_moved(drift, "the top of the repository")
    assert said_moved(plan, "the top of the repository") == message  # the same words
    (tool,) = json.loads(drift["json"])["tools"]
    assert (tool["address"], tool["class"]) == (ADDRESS, "drift")  # read from the old place
    for fmt in ("text", "markdown", "json"):
        result = moved.run("drift", "--ref", "main", "--format", fmt)
        assert result.exit_code == 2, result.output
        assert f"warning L835 {message}" in result.stderr
    # Not moved against the commit that has it where it is: no note at all.
    here = shown_everywhere(moved, "drift", "--ref", "HEAD")
    assert json.loads(here["json"])["notes"] == [] and "Note:" not in here["text"]
    assert not note_boxes(here["markdown"])


def test_a_project_moved_out_of_a_subdirectory_is_followed_too(deployed: GitProject) -> None:
    inner = move_project(deployed, "voice")
    # Back to the top, where main has it: not moved at all against main...
    deployed.git("mv", "voice/actionctl.yaml", "voice/actions", "voice/channels", ".")
    deployed.commit_all("back to the top")
    deployed.edit(BOOKING, OLD_MESSAGE, NEW_MESSAGE)
    deployed.commit_all("pr: reword the confirmation")
    assert not (inner.root / "actionctl.yaml").exists()

    # ...but moved from voice/ against the commit that had it there.
    three_way, stderr = checked(deployed, "plan", "--base", "HEAD~2")

    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "change"}
    assert "warning L835" in stderr and "voice/" in stderr
    _, at_main = checked(deployed, "plan", "--base", "main")
    assert "L835" not in at_main


def test_a_project_directory_not_in_the_ref_is_no_base(deployed: GitProject) -> None:
    moved = move_project(deployed, "voice")
    # A base that never held the project (nor anything git could pair with it).
    deployed.git("checkout", "-q", "--orphan", "unrelated")
    deployed.git("rm", "-rq", "--cached", ".")
    deployed.git("commit", "-q", "--allow-empty", "-m", "unrelated history")
    deployed.git("checkout", "-q", "-f", "pr")
    both_edit_the_message(moved)

    three_way, stderr = checked(moved, "plan", "--base", "unrelated")

    assert field_classes(three_way) == {(ADDRESS, "static_params.message"): "change"}
    (tool,) = three_way["tools"]
    assert "not in unrelated" in tool["note"]
    assert "warning L836" in stderr and "git mv" in stderr
    assert "L831" not in stderr and "L832" not in stderr
    commit = moved.git("rev-parse", "unrelated").strip()[:12]
    reason = f"no base: the project is not in unrelated ({commit})"
    args, says = ("plan", "--base", "unrelated"), "so its earlier place is found"
    assert_no_base_is_said_beside_the_tool(moved, args, "L836", reason, says)


def test_without_a_base_every_kind_of_change_is_a_change(plan: Plan) -> None:
    """Creates, deletes and updates alike: nothing to tell drift or a conflict by."""
    tools = classify(plan, {}, no_base="no base: why")

    acting = [c for c in plan.changes if c.action != NO_OP]
    assert {c.action for c in acting} >= {CREATE, DELETE, UPDATE}
    assert len(tools) == len(acting)
    assert {(t.kind, t.note) for t in tools} == {(CHANGE, "no base: why")}
    assert all(f.kind == CHANGE and f.base is MISSING for t in tools for f in t.fields)


def test_the_projects_files_lead_when_git_does_not_pair_its_project_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """actionctl.yaml rewritten in the move (no rename git can see): the directory most
    of the project's renamed files came from is its earlier place."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HOME", str(tmp_path))
    root = tmp_path / "repo"
    (root / "old" / "actions").mkdir(parents=True)
    (root / "old" / "actionctl.yaml").write_text("platform: local\n")
    for name in ("a", "b"):
        (root / "old" / "actions" / f"{name}.yaml").write_text(f"name: {name}\n" * 20)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "at old/")
    git(root, "mv", "old", "new")
    (root / "new" / "actionctl.yaml").write_text("# rewritten\nplatform: local\nprune: false\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "moved to new/")
    dest = tmp_path / "out"
    dest.mkdir()

    revision, problems = project_at_ref(root / "new", "main~1", dest)

    assert problems == [] and revision.existed and revision.moved_from == "old"
    assert (dest / "actionctl.yaml").read_text() == "platform: local\n"
    assert sorted(p.name for p in (dest / "actions").iterdir()) == ["a.yaml", "b.yaml"]
