"""Where ``actionctl import`` points its agent diagnostics (I020, I021, I024): at the
line of actionctl.yaml that maps the agents when there is one, at the project directory
(and saying the file is missing) when there is none; never at a file that does not
exist. Real directories in tmp_path, the CLI in-process, the emulator over HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_API_KEY, CliResult, write_openmic_config

KEY_ENV = "ACTIONCTL_TEST_OPENMIC_KEY"


def located(output: str, code: str) -> tuple[str, int | None]:
    """(file, line) of the one ``code`` diagnostic in ``output``."""
    (match,) = re.findall(rf"^(.*?)(?::(\d+):\d+)?: (?:error|warning) {code} ", output, re.M)
    return match[0], int(match[1]) if match[1] else None


def files_in(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture
def no_project_file(tmp_path: Path) -> Path:
    root = tmp_path / "not-a-project"
    root.mkdir()
    return root


def test_no_agents_without_actionctl_yaml_points_at_the_directory_and_says_why(
    cli: Callable[..., CliResult], no_project_file: Path
) -> None:
    result = cli("--project", no_project_file, "--no-color", "import")

    assert result.exit_code == 1, result.output
    assert located(result.stderr, "I021") == (no_project_file.as_posix(), None)
    assert f"there is no actionctl.yaml in {no_project_file.resolve().as_posix()}" in (
        result.stderr
    )
    assert "is --project right?" in result.stderr
    assert "`actionctl init`" in result.stderr and "--agent NAME" in result.stderr
    assert "actionctl.yaml:" not in result.output  # no location in a missing file
    assert files_in(no_project_file) == []


def test_an_agent_with_no_tools_without_actionctl_yaml_says_the_file_is_missing(
    cli: Callable[..., CliResult], no_project_file: Path
) -> None:
    result = cli("--project", no_project_file, "--no-color", "import", "--agent", "support")

    assert result.exit_code == 0, result.output
    assert located(result.stderr, "I024") == (no_project_file.as_posix(), None)
    assert "agent support has no tools on local platform" in result.stderr
    assert "there is no actionctl.yaml in" in result.stderr
    assert files_in(no_project_file) == []


def mapping_line(root: Path, text: str) -> int:
    """The 1-based line of actionctl.yaml holding ``text`` (a key as the file spells it)."""
    lines = (root / "actionctl.yaml").read_text(encoding="utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if line.strip().startswith(text)]
    return number


def test_an_unknown_mapped_agent_points_at_its_mapping_line(
    cli: Callable[..., CliResult],
    tmp_path: Path,
    emulator: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    root = tmp_path / "project"
    uid = str(emulator.store.create_agent({"name": "billing", "prompt": ""})["uid"])
    write_openmic_config(root, emulator.url, KEY_ENV, {"billing": uid, "support": "agent_gone"})

    result = cli("--project", root, "--no-color", "import")

    assert result.exit_code == 1, result.output
    assert "error I020 agent support (agent_gone) does not exist" in result.stderr
    file, line = located(result.stderr, "I020")
    assert Path(file).name == "actionctl.yaml" and (root / "actionctl.yaml").is_file()
    assert line == mapping_line(root, "support: agent_gone")
    assert "there is no actionctl.yaml" not in result.stderr
    assert files_in(root) == ["actionctl.yaml"]


def test_an_environment_that_maps_no_agents_points_at_it(
    cli: Callable[..., CliResult],
    tmp_path: Path,
    emulator: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    root = tmp_path / "project"
    write_openmic_config(root, emulator.url, KEY_ENV, {})

    result = cli("--project", root, "--no-color", "import")

    assert result.exit_code == 1, result.output
    assert "error I021 no agents to import: environment 'dev' maps none" in result.stderr
    file, line = located(result.stderr, "I021")
    assert Path(file).name == "actionctl.yaml"
    assert line == mapping_line(root, "agents:")
