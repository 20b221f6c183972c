"""Phone numbers: the schemas carry E.164 patterns so editors flag bad numbers, but a user
of actionctl sees exactly one diagnostic per bad number, the validate rule's (N321-N323,
with the suggested fix), unless the document fails for another reason too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.load import schemas
from tests.conftest import write_files

CHANNEL = "kind: channel\nname: Main\nphone_number: {number}\ncapabilities: [sms]\n"
HANDOVER = "kind: action\ntype: handover\nagent: support\nname: h\nphone_number: {number}\n"
SMS = (
    "kind: action\ntype: send_text_message\nagent: support\nname: s\n"
    "messaging_channel: Main\nmessage: Hi\nrecipient: {number}\n"
)
GOOD_CHANNEL = CHANNEL.format(number="'+15550000001'")
PROJECT = "environments:\n  dev:\n    channels:\n      Main: {number}\n"


def validate(cli: Callable[..., Any], root: Path) -> tuple[int, list[str]]:
    result = cli("--project", root, "--no-color", "validate")
    lines = [line for line in result.stdout.splitlines() if ": error " in line]
    return result.exit_code, lines


CASES = [
    # (files, expected single diagnostic line start, suggested fix)
    (
        {"channels/c.yaml": CHANNEL.format(number="'+1 (555) 000-0001'")},
        "channels/c.yaml:3:15: error N321 ",
        '"+15550000001"',
    ),
    (
        {"channels/c.yaml": GOOD_CHANNEL, "actionctl.yaml": PROJECT.format(number="'555 0101'")},
        "actionctl.yaml:4:13: error N323 ",
        None,
    ),
    (
        {
            "channels/c.yaml": GOOD_CHANNEL,
            "actionctl.yaml": PROJECT.format(number="'0044 20 7946 0000'"),
        },
        "actionctl.yaml:4:13: error N323 ",
        '"+442079460000"',
    ),
    (
        {"actions/a.yaml": HANDOVER.format(number="'+1 555-000-0100'")},
        "actions/a.yaml:5:15: error N322 ",
        '"+15550000100"',
    ),
    (
        {"channels/c.yaml": GOOD_CHANNEL, "actions/a.yaml": SMS.format(number="'555-0101'")},
        "actions/a.yaml:7:12: error N322 ",
        None,
    ),
]


@pytest.mark.parametrize(("files", "start", "fix"), CASES)
def test_one_diagnostic_per_bad_number_with_the_fix(
    tmp_path: Path, cli: Callable[..., Any], files: dict[str, str], start: str, fix: str | None
) -> None:
    code, lines = validate(cli, write_files(tmp_path, files))
    assert code == 1
    assert len(lines) == 1, lines
    assert lines[0].startswith(start), lines
    assert "S206" not in lines[0]
    if fix is not None:
        assert f"write it as {fix}" in lines[0]


@pytest.mark.parametrize(
    ("kind", "field", "value", "valid"),
    [
        ("channel", ("phone_number",), "+15550000001", True),
        ("channel", ("phone_number",), "+1 555 000 0001", False),
        ("channel", ("phone_number",), "15550000001", False),
        ("handover", ("phone_number",), "{{ .variables.call.from }}", True),
        ("handover", ("phone_number",), "+15550000100", True),
        ("handover", ("phone_number",), "555-0100", False),
        ("send_text_message", ("recipient",), "contact", True),
        ("send_text_message", ("recipient",), "{{ .parameters.phone }}", True),
        ("send_text_message", ("recipient",), "+15550000100", True),
        ("send_text_message", ("recipient",), "caller", False),
        ("project", ("environments", "dev", "channels", "Main"), "+15550000001", True),
        ("project", ("environments", "dev", "channels", "Main"), "+1-555-000-0001", False),
    ],
)
def test_editors_see_the_pattern(
    kind: str, field: tuple[str, ...], value: str, valid: bool
) -> None:
    """What an editor's YAML language server checks (the schema alone)."""
    documents: dict[str, dict[str, Any]] = {
        "channel": {"kind": "channel", "name": "M", "capabilities": ["sms"]},
        "handover": {"kind": "action", "type": "handover", "agent": "a", "name": "h"},
        "send_text_message": {"kind": "action", "type": "send_text_message", "agent": "a"},
        "project": {},
    }
    document = documents[kind]
    if kind == "send_text_message":
        document["name"] = "s"
    target = document
    for key in field[:-1]:
        target = target.setdefault(key, {})
    target[field[-1]] = value
    assert schemas.validator(kind).is_valid(document) is valid
    assert schemas.referencing_validator(kind).is_valid(document) is valid


def test_with_another_error_the_number_is_still_named_once(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    """The document is left out (so no rule sees it): the schema names the number."""
    text = HANDOVER.format(number="'555-0100'") + "transfer_type: cool\n"
    code, lines = validate(cli, write_files(tmp_path, {"actions/a.yaml": text}))
    assert code == 1
    assert [line.split(" ")[2] for line in lines] == ["S206", "S205"]
    assert lines[0].startswith("actions/a.yaml:5:15: error S206 ")
    assert "E.164" in lines[0]


def test_no_second_diagnostic_where_one_already_points(
    tmp_path: Path, cli: Callable[..., Any]
) -> None:
    text = HANDOVER.format(number="''")
    code, lines = validate(cli, write_files(tmp_path, {"actions/a.yaml": text}))
    assert code == 1
    assert len(lines) == 1 and " S207 " in lines[0], lines
