"""A YAML syntax error shows the line and a caret in the text format, and says when the
parser's complaint is really a key indented wrongly (real files, the real CLI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult, write_files

HEAD = "kind: action\ntype: client_action\nagent: support\nname: x\n"


def validate(tmp_path: Path, cli: Callable[..., CliResult], text: str, *args: str) -> CliResult:
    root = write_files(tmp_path, {"actions/a.yaml": text})
    return cli("--project", root, "validate", *args)


def test_an_over_indented_key_gets_the_excerpt_caret_and_an_indentation_hint(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    result = validate(tmp_path, cli, HEAD + "description: Shows a form.\n  extra: 1\n")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("actions/a.yaml:6:8: error Y101 invalid YAML: mapping values")
    assert "line 6 is indented 2 spaces, more than `description:` on line 5" in lines[0]
    assert lines[1:3] == ["    6 |   extra: 1", "      |        ^"]


def test_a_key_between_two_indentation_levels_names_both(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    schema = "parameters_schema:\n  type: object\n  properties:\n    a:\n      type: string\n"
    result = validate(tmp_path, cli, HEAD + schema + "     description: x\n")
    first, excerpt, caret = result.stdout.splitlines()[:3]
    assert first.startswith("actions/a.yaml:10:6: error Y101")
    assert "`a:` (line 8), 4 spaces or `type:` (line 9), 6 spaces" in first
    assert excerpt == "    10 |      description: x"
    assert caret == "       |      ^"


def test_other_syntax_errors_get_the_excerpt_without_an_indentation_hint(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    result = validate(tmp_path, cli, HEAD + "description: [a, b\nurl: x\n")
    first, excerpt, _ = result.stdout.splitlines()[:3]
    assert "Y101" in first and "indentation" not in first
    assert excerpt.startswith("    6 | url: x")


def test_machine_formats_stay_one_record_without_the_excerpt(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    import json

    result = validate(tmp_path, cli, HEAD + "description: a\n  extra: 1\n", "--format", "json")
    (record,) = json.loads(result.stdout)
    assert record["code"] == "Y101" and "indentation" in record["message"]
    assert set(record) == {"file", "line", "column", "severity", "code", "message"}
