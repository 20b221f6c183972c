"""What passes the hook deploys, and what it warns about reaches the person: real git,
real pre-commit (a local hook built from .pre-commit-hooks.yaml, no network)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from tests.conftest import deployable_on_openmic
from tests.ecosystem.conftest import git
from tests.ecosystem.test_precommit_involvement import (  # noqa: F401 (the fixture)
    local_hook_config,
    pre_commit_env,
    repo,
)


def installed(root: Path) -> dict[str, str]:
    local_hook_config(root)
    env = pre_commit_env(root)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, env=env, check=True)
    return env


def commit(root: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", message],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_hook_declares_verbose_so_warnings_are_shown() -> None:
    from tests.ecosystem.test_precommit_involvement import hook

    assert hook()["verbose"] is True


def test_renaming_an_agent_key_on_openmic_fails_the_commit(repo: Path) -> None:  # noqa: F811
    config = repo / "actionctl.yaml"
    config.write_text(config.read_text().replace("platform: local", "platform: openmic"))
    deployable_on_openmic(repo)
    git(repo, "commit", "-qam", "on openmic")
    env = installed(repo)
    config.write_text(config.read_text().replace("support: agent_support_dev", "helpdesk: x"))
    git(repo, "add", "actionctl.yaml")
    result = commit(repo, env, "rename the support agent key")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    first = first_lines(output)[0]
    assert first.startswith("actionctl.yaml:9:7: error E118 agent 'support' renamed to 'helpdesk'")
    assert "E104" in output and "did you mean" not in output
    assert git(repo, "log", "--format=%s", "-1").strip() == "hooks"  # nothing committed


def test_a_warning_is_visible_in_a_passing_hook_s_output(repo: Path) -> None:  # noqa: F811
    env = installed(repo)
    action = """\
    kind: action
    type: send_text_message
    agent: support
    name: send_parking_note
    description: Texts the caller where to park.
    message: Park behind the clinic, bay 3.
    """
    (repo / "actions/support/send_parking_note.yaml").write_text(textwrap.dedent(action))
    git(repo, "add", "actions/support/send_parking_note.yaml")
    result = commit(repo, env, "parking note")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "N304" in output  # no messaging_channel: the default sender is used
    assert git(repo, "log", "--format=%s", "-1").strip() == "parking note"


CHANNEL_FILE = "channels/customer-notifications.yaml"
CHANNEL = "Customer notifications"


def first_lines(output: str) -> list[str]:
    """The hook's diagnostic lines (pre-commit's own banner left out)."""
    return [line for line in output.splitlines() if ": error " in line]


def test_a_channel_rename_fails_the_commit_naming_the_rename_first(repo: Path) -> None:  # noqa: F811
    env = installed(repo)
    path = repo / CHANNEL_FILE
    path.write_text(path.read_text().replace(f"name: {CHANNEL}", "name: Customer alerts"))
    git(repo, "add", CHANNEL_FILE)
    result = commit(repo, env, "rename the channel")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    first = first_lines(output)[0]
    assert first.startswith(f"{CHANNEL_FILE}:2:7: error N305 channel '{CHANNEL}' renamed to")
    assert "'Customer alerts'" in first and "still name it" in first
    assert "did you mean" not in output  # the old name is known: no guess at another
    assert f"unknown channel '{CHANNEL}': renamed to 'Customer alerts'" in output


def test_a_channel_delete_fails_the_commit_naming_the_delete_first(repo: Path) -> None:  # noqa: F811
    env = installed(repo)
    git(repo, "rm", "-q", CHANNEL_FILE)
    result = commit(repo, env, "drop the channel")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    first = first_lines(output)[0]
    assert first.startswith(f"{CHANNEL_FILE}: error N305 channel '{CHANNEL}' deleted from")
    assert "did you mean" not in output and "channels:" not in output


def test_the_rename_is_the_cause_in_every_format(repo: Path, cli: Any) -> None:  # noqa: F811
    import json

    path = repo / CHANNEL_FILE
    path.write_text(path.read_text().replace(f"name: {CHANNEL}", "name: Customer alerts"))
    as_json = json.loads(cli("--project", repo, "validate", "--changed", "--format", "json").stdout)
    (cause,) = [d for d in as_json if d["code"] == "N305"]
    assert cause["file"] == CHANNEL_FILE and cause["consequences"] >= 2
    echoes = [d for d in as_json if d.get("caused_by", {}).get("code") == "N305"]
    assert {d["code"] for d in echoes} == {"N301", "E103"}
    assert all("did you mean" not in d["message"] for d in echoes)
    sarif = json.loads(cli("--project", repo, "validate", "--changed", "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert results[0]["ruleId"] == "N305"
    github = cli("--project", repo, "validate", "--changed", "--format", "github").stdout
    assert github.startswith(f"::error file={CHANNEL_FILE},line=2,col=7,title=N305::")


def test_a_channel_moved_and_renamed_is_a_rename_not_a_delete(repo: Path, cli: Any) -> None:  # noqa: F811
    git(repo, "mv", CHANNEL_FILE, "channels/alerts.yaml")
    moved = repo / "channels/alerts.yaml"
    moved.write_text(moved.read_text().replace(f"name: {CHANNEL}", "name: Customer alerts"))
    result = cli("--project", repo, "validate", "--changed")
    first = first_lines(result.stdout)[0]
    assert first.startswith("channels/alerts.yaml:2:7: error N305")
    assert (
        f"renamed to 'Customer alerts' in channels/alerts.yaml (moved from {CHANNEL_FILE})" in first
    )
