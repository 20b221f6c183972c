"""Rule configuration (``rules:`` in actionctl.yaml), inline ``# actionctl: ignore[...]``
comments, unused-suppression warnings and ``validate --strict``: real files, the CLI."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult, write_files

CHANNEL = """\
kind: channel
name: Notifications
phone_number: "+15550000001"
capabilities: [sms]
"""

# N304 (warning) at `type`, line 3: no messaging_channel.
NO_CHANNEL = """\
kind: action
type: send_text_message{comment}
agent: support
name: {name}
description: Sends a short confirmation text to the caller after a booking is made.
recipient: contact
message: "Your booking is confirmed."
"""

# T420 (error) at the message line: the parameter is not declared.
UNDECLARED = """\
kind: action
type: send_text_message
agent: support
name: broken
description: Sends a short confirmation text to the caller after a booking is made.
messaging_channel: Notifications
recipient: contact
message: "Hi {{{{ .parameters.nope }}}}"{comment}
"""


def project(tmp_path: Path, files: dict[str, str], config: str = "") -> Path:
    return write_files(
        tmp_path / "p",
        {"actionctl.yaml": "platform: local\n" + config, "channels/n.yaml": CHANNEL, **files},
    )


def validate(cli: Callable[..., CliResult], root: Path, *args: str) -> CliResult:
    return cli("--project", root, "--no-color", "validate", *args)


def codes(result: CliResult) -> list[str]:
    pattern = re.compile(r"^\S+:\d+:\d+: (?:error|warning|info) ([A-Z]\d{3}) ", re.MULTILINE)
    return pattern.findall(result.stdout)


def test_without_configuration_the_warning_shows(cli: Callable[..., CliResult], tmp_path: Path):
    root = project(tmp_path, {"actions/a.yaml": NO_CHANNEL.format(comment="", name="a")})
    result = validate(cli, root)
    assert result.exit_code == 0
    assert codes(result) == ["N304"]


def test_strict_makes_a_warning_fail(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    root = project(tmp_path, {"actions/a.yaml": NO_CHANNEL.format(comment="", name="a")})
    assert validate(cli, root, "--strict").exit_code == 1
    clean = project(tmp_path / "clean", {})
    assert validate(cli, clean, "--strict").exit_code == 0


def test_a_comment_on_the_line_suppresses_it(cli: Callable[..., CliResult], tmp_path: Path):
    action = NO_CHANNEL.format(comment="  # actionctl: ignore[N304]", name="a")
    root = project(tmp_path, {"actions/a.yaml": action})
    result = validate(cli, root, "--strict")
    assert result.exit_code == 0, result.stdout
    assert codes(result) == []


def test_a_comment_atop_a_document_covers_that_document_only(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    first = "# actionctl: ignore[N304]\n" + NO_CHANNEL.format(comment="", name="a")
    second = NO_CHANNEL.format(comment="", name="b")
    root = project(tmp_path, {"actions/two.yaml": first + "---\n" + second})
    result = validate(cli, root)
    assert codes(result) == ["N304"]
    assert "actions/two.yaml:11:7:" in result.stdout  # the second document's `type`


def test_a_comment_on_its_own_line_covers_the_next_line(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    action = NO_CHANNEL.format(comment="", name="a").replace(
        "type: send_text_message", "# actionctl: ignore[N304]\ntype: send_text_message"
    )
    root = project(tmp_path, {"actions/a.yaml": "kind: action\n" + action.split("\n", 1)[1]})
    # kind first, then the comment line, then type: not atop the document.
    assert validate(cli, root, "--strict").exit_code == 0


def test_a_marker_inside_a_string_is_text_not_a_suppression(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    action = NO_CHANNEL.format(comment="", name="a").replace(
        'message: "Your booking is confirmed."',
        'message: "Confirmed # actionctl: ignore[N304]"',
    )
    root = project(tmp_path, {"actions/a.yaml": action})
    assert codes(validate(cli, root)) == ["N304"]


def test_an_unused_suppression_is_reported(cli: Callable[..., CliResult], tmp_path: Path):
    action = NO_CHANNEL.format(comment="  # actionctl: ignore[N304, M510]", name="a")
    root = project(tmp_path, {"actions/a.yaml": action})
    result = validate(cli, root)
    assert codes(result) == ["R001"]
    assert "no M510 here" in result.stdout
    assert "actions/a.yaml:2:" in result.stdout  # at the comment
    assert validate(cli, root, "--strict").exit_code == 1


def test_a_malformed_suppression_is_reported(cli: Callable[..., CliResult], tmp_path: Path):
    action = NO_CHANNEL.format(comment="  # actionctl: ignore N304", name="a")
    root = project(tmp_path, {"actions/a.yaml": action})
    assert sorted(codes(validate(cli, root))) == ["N304", "R003"]


def test_errors_cannot_be_suppressed(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    action = UNDECLARED.format(comment="  # actionctl: ignore[T420]")
    root = project(tmp_path, {"actions/a.yaml": action}, "rules:\n  ignore: [T420]\n")
    result = validate(cli, root)
    assert result.exit_code == 1
    assert sorted(codes(result)) == ["R002", "R002", "T420"]


def test_project_wide_ignore(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": NO_CHANNEL.format(comment="", name="a"),
        "actions/legacy/b.yaml": NO_CHANNEL.format(comment="", name="b"),
    }
    root = project(tmp_path, files, "rules:\n  ignore: [N304]\n")
    result = validate(cli, root, "--strict")
    assert result.exit_code == 0, result.stdout
    assert codes(result) == []


def test_per_path_ignores(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": NO_CHANNEL.format(comment="", name="a"),
        "actions/legacy/old/b.yaml": NO_CHANNEL.format(comment="", name="b"),
    }
    config = 'rules:\n  per_path_ignores:\n    "actions/legacy/*": [N304]\n'
    result = validate(cli, project(tmp_path, files, config))
    assert codes(result) == ["N304"]
    assert "actions/a.yaml" in result.stdout and "legacy" not in result.stdout


def test_a_glob_that_matches_nothing_is_reported(cli: Callable[..., CliResult], tmp_path: Path):
    config = 'rules:\n  per_path_ignores:\n    "actions/legacyy/*": [N304]\n'
    result = validate(cli, project(tmp_path, {}, config))
    assert codes(result) == ["R005"]
    assert "actionctl.yaml:4:" in result.stdout


def test_severity_makes_a_warning_an_error_for_plan_too(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    files = {"actions/a.yaml": NO_CHANNEL.format(comment="", name="a")}
    root = project(tmp_path, files, "rules:\n  severity: {N304: error}\n")
    result = validate(cli, root)
    assert result.exit_code == 1
    assert "error N304" in result.stdout
    planned = cli("--project", root, "plan")
    assert planned.exit_code == 1
    assert "error N304" in planned.stderr


def test_severity_cannot_lower_an_error(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    action = UNDECLARED.format(comment="")
    root = project(tmp_path, {"actions/a.yaml": action}, "rules:\n  severity: {T420: info}\n")
    result = validate(cli, root)
    assert result.exit_code == 1
    assert sorted(codes(result)) == ["R004", "T420"]


def test_a_bad_rules_block_is_a_schema_error(cli: Callable[..., CliResult], tmp_path: Path):
    config = "rules:\n  ignore: [m510]\n  severity: {M510: fatal}\n"
    result = validate(cli, project(tmp_path, {}, config))
    assert result.exit_code == 1
    assert "rules.ignore[0]" in result.stdout and "rules.severity.M510" in result.stdout
