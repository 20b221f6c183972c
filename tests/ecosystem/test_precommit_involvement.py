"""The hook catches what a change breaks elsewhere (real git repositories).

Renaming or deleting a channel must fail on the actions (and environment overrides) in
other files that still name it; pre-commit passes only the changed files and never the
deleted ones, so the hook runs always and asks git for the rest (``validate --changed``).
The default run drives pre-commit itself through ``git commit`` with a local hook built
from .pre-commit-hooks.yaml (no network: language system); the slow run uses try-repo.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compiler.load.cache import STORE
from tests.conftest import REPO_ROOT
from tests.ecosystem.conftest import VENV_BIN, git, git_env, offline_env

CHANNEL_FILE = "channels/customer-notifications.yaml"
CHANNEL = "Customer notifications"
HOOKS = ("actionctl-validate", "actionctl-fmt")


def hook(hook_id: str = "actionctl-validate") -> dict[str, object]:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    (found,) = [h for h in hooks if h["id"] == hook_id]
    return found


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The repository's example project, committed in a fresh git repository."""
    root = tmp_path / "voice"
    root.mkdir()
    for name in ("actions", "channels"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy(REPO_ROOT / "actionctl.yaml", root / "actionctl.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "example project")
    return root


def users_of_channel(root: Path) -> set[str]:
    """Where the project names the channel, read from the files (not hard-coded)."""
    users = {
        path.relative_to(root).as_posix()
        for path in (root / "actions").rglob("*.yaml")
        if f"messaging_channel: {CHANNEL}" in path.read_text()
    }
    if f"{CHANNEL}:" in (root / "actionctl.yaml").read_text():
        users.add("actionctl.yaml")
    return users


def run_entry(root: Path, files: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """The hook's entry as pre-commit runs it: entry + the matched file names."""
    command, *args = shlex.split(str(hook()["entry"]))
    return subprocess.run(
        [str(VENV_BIN / command), *args, *files],
        cwd=root,
        capture_output=True,
        text=True,
        env=offline_env(**env),
        timeout=60,
    )


def reported_files(output: str) -> set[str]:
    """Files with an error, folded under a cause or not; the cause that names the change
    (N305, at the changed file) left out."""
    pattern = r"^\s*(\S+?):\d+:\d+: error (?!N305)"
    return {m.group(1) for m in re.finditer(pattern, output, re.MULTILINE)}


def rename_channel(root: Path) -> None:
    path = root / CHANNEL_FILE
    path.write_text(path.read_text().replace(f"name: {CHANNEL}", "name: Customer alerts"))
    git(root, "add", CHANNEL_FILE)


def test_renaming_a_channel_reports_every_file_that_still_names_it(repo: Path) -> None:
    users = users_of_channel(repo)
    assert len(users) >= 2  # the example project really uses the channel in several files
    rename_channel(repo)
    result = run_entry(repo, [CHANNEL_FILE])
    assert result.returncode == 1, result.stdout + result.stderr
    assert reported_files(result.stdout) == users
    assert f"unknown channel '{CHANNEL}': renamed to 'Customer alerts'" in result.stdout


def test_the_old_name_comes_from_git_without_changed_too(repo: Path) -> None:
    rename_channel(repo)
    result = subprocess.run(
        [str(VENV_BIN / "actionctl"), "validate", CHANNEL_FILE],
        cwd=repo,
        capture_output=True,
        text=True,
        env=offline_env(),
    )
    assert result.returncode == 1
    assert reported_files(result.stdout) == users_of_channel(repo)


def test_deleting_a_channel_file_fails_though_pre_commit_passes_no_file(repo: Path) -> None:
    users = users_of_channel(repo)
    git(repo, "rm", "-q", CHANNEL_FILE)
    result = run_entry(repo, [])  # what pre-commit passes for a commit that only deletes
    assert result.returncode == 1, result.stdout + result.stderr
    assert reported_files(result.stdout) == users


def test_a_deleted_file_named_on_the_command_line_is_not_an_error(repo: Path) -> None:
    (repo / CHANNEL_FILE).unlink()
    result = run_entry(repo, [CHANNEL_FILE])
    assert "E107" not in result.stdout
    assert reported_files(result.stdout) == users_of_channel(repo)


def test_renaming_the_file_only_breaks_nothing(repo: Path) -> None:
    git(repo, "mv", CHANNEL_FILE, "channels/notifications.yaml")
    result = run_entry(repo, ["channels/notifications.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_change_that_touches_nothing_passes_quickly_and_says_so(repo: Path) -> None:
    (repo / "README.md").write_text("notes\n")
    git(repo, "add", "README.md")
    result = run_entry(repo, [])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok: no actionctl files changed"


def test_a_new_action_reports_the_other_file_with_the_same_name(repo: Path) -> None:
    original = repo / "actions/support/send_summary_sms.yaml"
    copy = repo / "actions/support/copy.yaml"
    copy.write_text(original.read_text())
    git(repo, "add", "actions/support/copy.yaml")
    result = run_entry(repo, ["actions/support/copy.yaml"])
    assert result.returncode == 1
    assert "N312" in result.stdout
    # N312 stands at the later file in sort order: the old file, which was not passed.
    assert reported_files(result.stdout) == {"actions/support/send_summary_sms.yaml"}


def test_unrelated_problems_elsewhere_do_not_block_the_commit(repo: Path) -> None:
    broken = repo / "actions/billing/send_invoice_email.yaml"
    broken.write_text(broken.read_text() + "\nnot_a_field: 1\n")
    git(repo, "commit", "-qam", "already broken")
    description = repo / "channels/billing-desk.yaml"
    description.write_text(description.read_text() + "# reviewed\n")
    git(repo, "add", "channels/billing-desk.yaml")
    result = run_entry(repo, ["channels/billing-desk.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_push_ranges_come_from_pre_commit_s_refs(repo: Path) -> None:
    git(repo, "rm", "-q", CHANNEL_FILE)
    git(repo, "commit", "-q", "-m", "drop the channel")
    # pre-push: pre-commit sets the range; the working tree equals the new commit.
    result = run_entry(repo, [], PRE_COMMIT_FROM_REF="HEAD~1", PRE_COMMIT_TO_REF="HEAD")
    assert result.returncode == 1
    assert reported_files(result.stdout) == users_of_channel(repo)


def test_a_project_in_a_subdirectory_sees_its_own_deletions(repo: Path, tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    mono.mkdir()
    shutil.rmtree(repo / ".git")
    repo.rename(mono / "voice")
    git(mono, "init", "-q", "-b", "main")
    git(mono, "add", ".")
    git(mono, "commit", "-q", "-m", "mono")
    git(mono, "rm", "-q", f"voice/{CHANNEL_FILE}")
    result = subprocess.run(
        [str(VENV_BIN / "actionctl"), "--project", "voice", "validate", "--changed"],
        cwd=mono,
        capture_output=True,
        text=True,
        env=offline_env(),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "N301" in result.stdout


def local_hook_config(root: Path) -> None:
    """.pre-commit-config.yaml with our hooks as declared, run from this venv (language
    system: no clone, no pip, no network)."""
    hooks = []
    for hook_id in HOOKS:
        declared = dict(hook(hook_id))
        command, *args = shlex.split(str(declared["entry"]))
        declared["entry"] = shlex.join([str(VENV_BIN / command), *args])
        declared["language"] = "system"
        declared.pop("minimum_pre_commit_version", None)
        hooks.append(declared)
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-q", "-m", "hooks")


def pre_commit_env(root: Path) -> dict[str, str]:
    return {**offline_env(), **git_env(), "PRE_COMMIT_HOME": str(root.parent / "pc-home")}


def test_git_commit_with_pre_commit_refuses_a_deletion_that_breaks_actions(repo: Path) -> None:
    local_hook_config(repo)
    env = pre_commit_env(repo)
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, capture_output=True
    )
    assert install.returncode == 0, install.stderr
    git(repo, "rm", "-q", CHANNEL_FILE)
    commit = subprocess.run(
        ["git", "commit", "-m", "drop a channel"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = commit.stdout + commit.stderr
    assert commit.returncode != 0, output
    assert "actionctl validate" in output and "Failed" in output
    for user in users_of_channel(repo):
        assert user in output
    assert git(repo, "log", "--format=%s", "-1").strip() == "hooks"  # nothing committed

    git(repo, "reset", "-q", "--hard")
    (repo / "NOTES.md").write_text("notes\n")
    git(repo, "add", "NOTES.md")
    unrelated = subprocess.run(
        ["git", "commit", "-m", "notes"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert unrelated.returncode == 0, unrelated.stdout + unrelated.stderr


def test_git_commit_with_pre_commit_refuses_a_file_out_of_canonical_layout(repo: Path) -> None:
    local_hook_config(repo)
    env = pre_commit_env(repo)
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, check=True)
    channel = repo / CHANNEL_FILE
    original = channel.read_text()
    messy = "capabilities: [sms]\n" + original.replace("capabilities: [sms]\n", "")
    channel.write_text(messy)
    git(repo, "add", CHANNEL_FILE)
    commit = subprocess.run(
        ["git", "commit", "-m", "reorder"], cwd=repo, env=env, capture_output=True, text=True
    )
    output = commit.stdout + commit.stderr
    assert commit.returncode != 0, output
    assert f"would reformat {CHANNEL_FILE}" in output
    assert channel.read_text() == messy  # the hook checks; it never rewrites
    fixed = subprocess.run(
        [str(VENV_BIN / "actionctl"), "fmt", CHANNEL_FILE], cwd=repo, env=env, check=True
    )
    assert fixed.returncode == 0
    assert channel.read_text() == original  # the example file was canonical already


def commit_through_pre_commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", message],
        cwd=repo,
        env=pre_commit_env(repo),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_git_commit_with_pre_commit_refuses_renames_of_a_tool_another_file_keeps(
    repo: Path,
) -> None:
    """N319 (a warning) for a rename nobody declared; N317 both ways, each file committed
    alone: a renamed_from naming what an unchanged file declares, and a name that an
    unchanged file's renamed_from names."""
    local_hook_config(repo)
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo,
        env=pre_commit_env(repo),
        check=True,
        capture_output=True,
    )
    # First an undeclared rename: a warning the hook shows, and the commit goes on.
    directions = repo / "actions/support/send_directions_to_number.yaml"
    old = "name: send_directions_to_number\n"
    assert old in directions.read_text()
    directions.write_text(directions.read_text().replace(old, "name: send_directions\n"))
    git(repo, "add", "actions/support/send_directions_to_number.yaml")
    warned = commit_through_pre_commit(repo, "shorter name")
    assert warned.returncode == 0, warned.stdout + warned.stderr
    assert "warning N319 name 'send_directions'" in warned.stdout + warned.stderr
    assert "add `renamed_from: send_directions_to_number`" in warned.stdout + warned.stderr

    kept = "actions/support/send_summary_sms.yaml"
    text = (repo / kept).read_text()
    recap = repo / "actions/support/recap.yaml"
    recap.write_text(
        text.replace("name: send_summary_sms", "name: send_recap\nrenamed_from: send_summary_sms")
    )
    git(repo, "add", "actions/support/recap.yaml")
    refused = commit_through_pre_commit(repo, "recap")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "actions/support/recap.yaml:5:15: error N317 renamed_from 'send_summary_sms'" in output
    assert f"(the action at {kept}:4:7)" in output
    assert git(repo, "log", "--format=%s", "-1").strip() == "shorter name"  # not committed

    # The rename from a name nobody declares any more is committed; then another
    # commit declares that name again, in a file of its own: the unchanged file fails.
    recap.write_text(
        text.replace("name: send_summary_sms", "name: send_recap\nrenamed_from: old_recap")
    )
    git(repo, "add", "actions/support/recap.yaml")
    accepted = commit_through_pre_commit(repo, "recap")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert (repo / STORE).is_file()  # recap.yaml is unchanged now: the cache stands in
    again = repo / "actions/support/old_recap.yaml"
    again.write_text(text.replace("name: send_summary_sms", "name: old_recap"))
    git(repo, "add", "actions/support/old_recap.yaml")
    refused = commit_through_pre_commit(repo, "old recap again")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "actions/support/recap.yaml:5:15: error N317 renamed_from 'old_recap'" in output
    assert git(repo, "log", "--format=%s", "-1").strip() == "recap"


@pytest.mark.slow
def test_pre_commit_try_repo_fails_a_staged_channel_deletion(repo: Path, tmp_path: Path) -> None:
    git(repo, "rm", "-q", CHANNEL_FILE)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), "actionctl-validate"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "N301" in result.stdout


def test_the_first_commit_of_a_repository_is_checked(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    for name in ("actions", "channels"):
        shutil.copytree(REPO_ROOT / name, root / name)
    shutil.copy(REPO_ROOT / "actionctl.yaml", root / "actionctl.yaml")
    (root / CHANNEL_FILE).unlink()  # the first commit already lacks the channel
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    files = [p.relative_to(root).as_posix() for p in root.rglob("*.yaml")]
    result = run_entry(root, files)
    assert result.returncode == 1, result.stdout + result.stderr
    assert reported_files(result.stdout) == users_of_channel(root)


def test_a_change_to_the_project_file_checks_the_whole_project(repo: Path) -> None:
    broken = repo / "actions/billing/send_invoice_email.yaml"
    broken.write_text(broken.read_text() + "\nnot_a_field: 1\n")
    git(repo, "commit", "-qam", "already broken")
    config = repo / "actionctl.yaml"
    config.write_text(config.read_text() + "# reviewed\n")
    git(repo, "add", "actionctl.yaml")
    result = run_entry(repo, ["actionctl.yaml"])
    assert result.returncode == 1  # environments and rules configure every document
    assert reported_files(result.stdout) == {"actions/billing/send_invoice_email.yaml"}
