"""``actionctl fmt`` never writes outside the project and never hangs on what is not a
file: it rewrites only what the loader reads, as the loader finds it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, write_files
from tests.load.test_unreadable_files import run_cli

# Valid, not canonical (key order, single quotes): fmt would rewrite it if it may.
MESSY = "name: 'lookup'\nagent: support\ntype: client_action\nkind: action\ndescription: d\n"
CANONICAL = 'kind: action\ntype: client_action\nagent: support\nname: "lookup"\ndescription: d\n'


def project(tmp_path: Path) -> Path:
    return write_files(
        tmp_path / "p",
        {"actionctl.yaml": "platform: local\n", "actions/support/a.yaml": CANONICAL},
    )


def outside(tmp_path: Path) -> Path:
    return write_files(tmp_path / "outside", {"x.yaml": MESSY})


def test_a_link_out_of_the_project_is_refused_and_its_target_untouched(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root, elsewhere = project(tmp_path), outside(tmp_path)
    (root / "actions/support/linked.yaml").symlink_to(elsewhere / "x.yaml")
    for args in (("fmt",), ("fmt", root / "actions/support/linked.yaml"), ("fmt", root)):
        result = cli("--project", root, *args)
        assert result.exit_code == 1, result.output
        assert "actions/support/linked.yaml: error E113" in result.stderr
    assert (elsewhere / "x.yaml").read_text() == MESSY
    assert (root / "actions/support/linked.yaml").is_symlink()


def test_a_linked_folder_out_of_the_project_is_refused(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root, elsewhere = project(tmp_path), outside(tmp_path)
    (root / "actions/shared").symlink_to(elsewhere)
    (root / "notes").symlink_to(elsewhere)
    for named in ("actions/shared/x.yaml", "notes/x.yaml", "actions"):
        result = cli("--project", root, "fmt", root / named)
        assert result.exit_code == 1, (named, result.output)
        assert "E113" in result.stderr
    assert (elsewhere / "x.yaml").read_text() == MESSY


def test_a_path_outside_the_project_is_refused(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, elsewhere = project(tmp_path), outside(tmp_path)
    monkeypatch.chdir(root)
    for named in ("../outside/x.yaml", str(elsewhere / "x.yaml"), "actions/../../outside"):
        result = cli("--project", root, "fmt", named)
        assert result.exit_code == 1, (named, result.output)
        assert f"{named}: error E108" in result.stderr and "outside the project" in result.stderr
    assert (elsewhere / "x.yaml").read_text() == MESSY


def test_links_inside_the_project_are_formatted_through(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = project(tmp_path)
    write_files(root, {"shared/b.yaml": MESSY.replace("lookup", "other")})
    (root / "actions/shared").symlink_to(root / "shared")
    result = cli("--project", root, "fmt")
    assert result.exit_code == 0, result.output
    assert (root / "shared/b.yaml").read_text() == CANONICAL.replace("lookup", "other")
    assert (root / "actions/shared").is_symlink()


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    root = project(tmp_path)
    os.mkfifo(root / "actions/support/pipe.yaml")
    os.mkfifo(root / "notes.yaml")
    for args in (("fmt",), ("fmt", "--check"), ("fmt", str(root / "notes.yaml"))):
        result = run_cli(root, *args, timeout=60)  # a hang fails here, it does not block
        assert result.returncode == 1, result.stderr
        assert "E115" in result.stderr
    assert (root / "actions/support/a.yaml").read_text() == CANONICAL
