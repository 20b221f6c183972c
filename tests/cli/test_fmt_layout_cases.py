"""``actionctl fmt`` on valid files that are hard to lay out: each is formatted, or kept
as written with a warning; never refused for good. And what it found canonical before
is not laid out again (``.actionctl/cache/fmt.json``), without ever trusting it blindly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from compiler.fmt.known import STORE
from compiler.load.yaml_source import read_yaml_text
from tests.conftest import CliResult, write_files

HEAD = "kind: action\ntype: client_action\nagent: a\n"
CANONICAL = HEAD + 'name: "x"\ndescription: d\n'
PLAIN = HEAD + "name: {}\ndescription: d\n"


def data(text: str) -> list[object]:
    return [loaded.document.data for loaded in read_yaml_text(text, "x.yaml").documents]


def project(tmp_path: Path, text: str) -> Path:
    return write_files(
        tmp_path / "p", {"actionctl.yaml": "platform: local\n", "actions/a/x.yaml": text}
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # comments on "---" lines stay on them
            "--- # first\nname: x\n"
            + HEAD
            + "description: d\n--- # second\n"
            + HEAD.replace("kind: action\n", "")
            + "kind: action\nname: y\ndescription: d\n",
            "--- # first\n" + PLAIN.format("x") + "--- # second\n" + PLAIN.format("y"),
        ),
        (  # tabs before a comment and after a colon: YAML allows them, ruamel does not
            HEAD + "name: x\t# the name\ndescription:\td\n",
            HEAD + "name: x # the name\ndescription: d\n",
        ),
        (  # a tab inside a quoted value or a comment is text (the value's written \t)
            HEAD + 'name: "a\tb"  #\tnote\ndescription: d\n',
            HEAD + 'name: "a\\tb" #\tnote\ndescription: d\n',
        ),
        (  # a trailing empty document
            CANONICAL + "---\n",
            CANONICAL + "---\n",
        ),
    ],
)
def test_hard_files_are_formatted(
    cli: Callable[..., CliResult], tmp_path: Path, text: str, expected: str
) -> None:
    root = project(tmp_path, text)
    result = cli("--project", root, "fmt")
    assert result.exit_code == 0, result.output
    assert "error" not in result.stderr and "warning" not in result.stderr
    formatted = (root / "actions/a/x.yaml").read_text()
    assert formatted == expected
    assert data(formatted) == data(text)
    assert cli("--project", root, "fmt", "--check").exit_code == 0


def test_comments_inside_a_flow_list_keep_their_document_as_written(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    flow = (
        HEAD + "name: y\ndescription: d\nparameters_schema:\n  type: object\n"
        "  properties:\n    a: {type: string}\n    b: {type: string}\n"
        "  required: [a,  # first\n    b]  # second\n"
    )
    messy = "description: d\nname: 'x'\n" + HEAD
    root = project(tmp_path, messy + "---\n" + flow)
    for args in (("fmt",), ("fmt", "--check")):
        result = cli("--project", root, *args)
        assert result.exit_code == 0, result.output
        assert "actions/a/x.yaml:6:1: warning E134" in result.stderr
    assert (root / "actions/a/x.yaml").read_text() == CANONICAL + "---\n" + flow


def test_what_was_canonical_is_known_and_a_change_is_seen(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = project(tmp_path, "description: d\nname: 'x'\n" + HEAD)
    assert cli("--project", root, "fmt").exit_code == 0
    assert len(json.loads((root / STORE).read_text())["canonical"]) == 1  # actionctl.yaml
    assert cli("--project", root, "fmt", "--check").exit_code == 0  # lays the new text out
    assert len(json.loads((root / STORE).read_text())["canonical"]) == 2
    assert cli("--project", root, "fmt", "--check").exit_code == 0
    (root / "actions/a/x.yaml").write_text("description: d\n" + HEAD + 'name: "x"\n')
    result = cli("--project", root, "fmt", "--check")
    assert (result.exit_code, result.stdout) == (1, "would reformat actions/a/x.yaml\n")


@pytest.mark.parametrize("damage", ["{not json", '{"format": 1, "stamp": "old", "canonical": []}'])
def test_a_damaged_or_stale_store_is_a_miss(
    cli: Callable[..., CliResult], tmp_path: Path, damage: str
) -> None:
    root = project(tmp_path, "description: d\nname: 'x'\n" + HEAD)
    write_files(root, {STORE.as_posix(): damage})
    result = cli("--project", root, "fmt", "--check")
    assert (result.exit_code, result.stdout) == (1, "would reformat actions/a/x.yaml\n")


def test_the_store_is_never_written_through_a_link(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    root = project(tmp_path, CANONICAL)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".actionctl").mkdir()
    (root / ".actionctl/cache").symlink_to(elsewhere)
    assert cli("--project", root, "fmt", "--check").exit_code == 0
    assert list(elsewhere.iterdir()) == []
