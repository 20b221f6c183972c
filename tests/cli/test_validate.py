"""``actionctl validate`` through the CLI, in-process."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CliResult, write_files

Cli = Callable[..., CliResult]

CHANNEL = "kind: channel\nname: Main\nphone_number: '+15550000001'\ncapabilities: [sms]\n"
GOOD = "kind: action\ntype: send_text_message\nagent: s\nname: good\nmessaging_channel: Main\n"
BAD = "kind: action\ntype: send_text_message\nagent: s\nname: bad\nmessaging_channel: Nope\n"
GOOD += "message: Hi\n"
BAD += "message: Hi\n"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    return write_files(
        tmp_path / "p",
        {"channels/c.yaml": CHANNEL, "actions/good.yaml": GOOD, "actions/bad.yaml": BAD},
    )


@pytest.fixture
def chdir(tmp_path: Path) -> Iterator[Callable[[Path], None]]:
    before = Path.cwd()
    yield os.chdir
    os.chdir(before)


def test_clean_project_says_ok(cli: Cli, tmp_path: Path) -> None:
    root = write_files(tmp_path, {"channels/c.yaml": CHANNEL, "actions/good.yaml": GOOD})
    result = cli("--project", root, "validate")
    assert result.exit_code == 0
    assert result.stdout.strip() == "ok: 1 action, 1 channel checked"


def test_a_changed_project_file_says_the_whole_project_was_checked(
    cli: Cli, tmp_path: Path
) -> None:
    root = write_files(
        tmp_path,
        {"actionctl.yaml": "prune: false\n", "channels/c.yaml": CHANNEL, "actions/good.yaml": GOOD},
    )
    result = cli("--project", root, "validate", root / "actionctl.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "ok: 1 action, 1 channel checked (actionctl.yaml changed: it configures every document)"
    )


def test_quiet_prints_nothing_when_clean(cli: Cli, tmp_path: Path) -> None:
    root = write_files(tmp_path, {"channels/c.yaml": CHANNEL, "actions/good.yaml": GOOD})
    result = cli("-q", "--project", root, "validate")
    assert (result.exit_code, result.stdout) == (0, "")


def test_errors_exit_1_with_text_lines_on_stdout(cli: Cli, mixed: Path) -> None:
    result = cli("--project", mixed, "validate")
    assert result.exit_code == 1
    assert "actions/bad.yaml:5:20: error N301 unknown channel 'Nope'" in result.stdout
    assert "1 error, 0 warnings" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour codes


def test_warnings_only_exit_0(cli: Cli, tmp_path: Path) -> None:
    text = GOOD.replace("messaging_channel: Main\n", "")
    root = write_files(tmp_path, {"actions/a.yaml": text})
    result = cli("--project", root, "validate")
    assert result.exit_code == 0
    assert "warning N304" in result.stdout
    assert "ok: 1 action, 0 channels checked" in result.stdout


def test_json_format(cli: Cli, mixed: Path) -> None:
    result = cli("--project", mixed, "validate", "--format", "json")
    assert result.exit_code == 1
    [item] = json.loads(result.stdout)
    assert item == {
        "file": "actions/bad.yaml",
        "line": 5,
        "column": 20,
        "severity": "error",
        "code": "N301",
        "message": item["message"],
    }


def test_paths_report_only_those_files_but_resolve_across_the_project(
    cli: Cli, mixed: Path
) -> None:
    good = cli("--project", mixed, "validate", mixed / "actions" / "good.yaml")
    assert good.exit_code == 0, good.output
    assert good.stdout.strip() == "ok: 1 action, 0 channels checked"
    bad = cli("--project", mixed, "validate", mixed / "actions" / "bad.yaml")
    assert bad.exit_code == 1
    assert "N301" in bad.stdout


def test_paths_relative_to_the_working_directory(
    cli: Cli, mixed: Path, chdir: Callable[[Path], None]
) -> None:
    chdir(mixed / "actions")
    result = cli("--project", "..", "validate", "bad.yaml", "good.yaml")
    assert result.exit_code == 1
    assert "actions/bad.yaml:5:20" in result.stdout


def test_directory_path_covers_its_files(cli: Cli, mixed: Path) -> None:
    result = cli("--project", mixed, "validate", mixed / "actions")
    assert result.exit_code == 1 and "N301" in result.stdout
    result = cli("--project", mixed, "validate", mixed / "channels")
    assert result.exit_code == 0


def test_missing_and_outside_paths(cli: Cli, mixed: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("a: 1\n")
    result = cli("--project", mixed, "validate", mixed / "actions" / "gone.yaml", outside)
    assert result.exit_code == 1
    assert "E107" in result.stdout and "E108" in result.stdout


def test_file_in_project_that_is_not_read_is_a_warning(cli: Cli, mixed: Path) -> None:
    (mixed / "notes.yaml").write_text("a: 1\n")
    result = cli("--project", mixed, "validate", mixed / "notes.yaml")
    assert result.exit_code == 0
    assert "warning E109" in result.stdout


def test_missing_project_directory(cli: Cli, tmp_path: Path) -> None:
    result = cli("--project", tmp_path / "none", "validate")
    assert result.exit_code == 1
    assert "E100" in result.stdout


def test_github_and_sarif_formats_are_accepted(cli: Cli, mixed: Path) -> None:
    for fmt in ("github", "sarif"):
        result = cli("--project", mixed, "validate", "--format", fmt)
        assert result.exit_code == 1
        assert "actions/bad.yaml" in result.stdout


def test_global_diagnostics_format_is_the_default(cli: Cli, mixed: Path) -> None:
    result = cli("--diagnostics-format", "json", "--project", mixed, "validate")
    assert json.loads(result.stdout)[0]["code"] == "N301"


def test_validate_with_an_unknown_env_is_an_error(
    cli: Callable[..., CliResult], example_project: Path
) -> None:
    result = cli("--project", example_project, "--env", "staging", "validate")
    assert result.exit_code == 1
    assert "actionctl.yaml:1:1: error E101 unknown environment 'staging'" in result.stdout


def test_an_empty_project_directory_is_flagged(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    result = cli("--project", tmp_path, "validate")
    assert result.exit_code == 1
    assert "error E111" in result.stdout and "is --project right?" in result.stdout
    # It says where it looked, and never claims success.
    assert f"in {tmp_path.resolve().as_posix()} and found none" in result.stdout
    assert "ok:" not in result.stdout


def test_validate_outside_a_project_from_the_current_directory(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "compiler", "validate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not an actionctl project" in result.stdout
    assert tmp_path.resolve().as_posix() in result.stdout


def test_the_help_example_paths_exist(example_project: Path) -> None:
    from compiler.cli.validate import command

    for word in (command.help or "").split():
        if word.startswith("actions/"):
            assert (example_project / word).is_file(), word


def test_changed_outside_git_is_an_error_not_a_silent_ok(
    cli: Callable[..., CliResult], example_project: Path
) -> None:
    result = cli("--project", example_project, "validate", "--changed")
    assert result.exit_code == 1
    assert "E133" in result.stdout and "not in a git work tree" in result.stdout
    assert "ok:" not in result.stdout
