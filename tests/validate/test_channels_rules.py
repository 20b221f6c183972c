"""Rule family 'channels' (N30x) on real YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.load import load_project
from compiler.validate.rules import channels
from tests.validate.conftest import load_clean

SMS = """\
kind: action
type: send_text_message
agent: support
name: {name}
messaging_channel: {channel}
message: Hi
"""
CHANNEL = "kind: channel\nname: {name}\nphone_number: '+15550000001'\ncapabilities: {caps}\n"


def run(root: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str]]:
    project = load_clean(root, files)
    return [(d.code, d.file, d.line, d.column, d.message) for d in channels.check(project)]


def test_known_sms_channel_is_clean(tmp_path: Path) -> None:
    files = {
        "channels/main.yaml": CHANNEL.format(name="Main", caps="[sms, voice]"),
        "actions/a.yaml": SMS.format(name="a", channel="Main"),
    }
    assert run(tmp_path, files) == []


def test_unknown_channel_with_did_you_mean(tmp_path: Path) -> None:
    files = {
        "channels/main.yaml": CHANNEL.format(name="Customer notifications", caps="[sms]"),
        "actions/a.yaml": SMS.format(name="a", channel="Customer notification"),
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N301", "actions/a.yaml", 5, 20)
    assert "did you mean 'Customer notifications'?" in message


def test_unknown_channel_lists_channels_or_says_there_are_none(tmp_path: Path) -> None:
    [(_, _, _, _, message)] = run(tmp_path, {"actions/a.yaml": SMS.format(name="a", channel="X")})
    assert "no channels" in message
    (tmp_path / "channels").mkdir()
    (tmp_path / "channels" / "c.yaml").write_text(CHANNEL.format(name="Main", caps="[sms]"))
    [(_, _, _, _, message)] = run(tmp_path, {})
    assert "channels: Main" in message


def test_channel_without_sms(tmp_path: Path) -> None:
    files = {
        "channels/voice.yaml": CHANNEL.format(name="Voice", caps="[voice]"),
        "actions/a.yaml": SMS.format(name="a", channel="Voice"),
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N302", "actions/a.yaml", 5, 20)
    assert "channels/voice.yaml:4:15" in message and "voice" in message


def test_duplicate_channel_names_name_both_places(tmp_path: Path) -> None:
    files = {
        "channels/a.yaml": CHANNEL.format(name="Main", caps="[sms]"),
        "channels/b.yaml": "# second\n" + CHANNEL.format(name="Main", caps="[sms]"),
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N303", "channels/b.yaml", 3, 7)
    assert "channels/a.yaml:2:7" in message


def test_missing_messaging_channel_is_a_warning(tmp_path: Path) -> None:
    text = SMS.format(name="a", channel="x").replace("messaging_channel: x\n", "")
    loaded_files = {"actions/a.yaml": text}
    [(code, file, line, column, message)] = run(tmp_path, loaded_files)
    assert (code, file, line, column) == ("N304", "actions/a.yaml", 2, 7)
    assert "default sender" in message
    project = load_project(tmp_path).project
    assert project is not None
    assert not next(iter(channels.check(project))).is_error


def test_other_action_types_are_not_checked(tmp_path: Path) -> None:
    text = "kind: action\ntype: client_action\nagent: a\nname: b\n"
    assert run(tmp_path, {"actions/a.yaml": text}) == []


def test_look_alike_channel_name_is_shown_escaped(tmp_path: Path) -> None:
    files = {
        "channels/main.yaml": CHANNEL.format(name="Main", caps="[sms]"),
        "actions/a.yaml": SMS.format(name="a", channel="M\u0430in"),  # Cyrillic a
    }
    [(code, _, _, _, message)] = run(tmp_path, files)
    assert code == "N301"
    assert "'M\\u0430in'" in message and "did you mean 'Main'?" in message


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ("Billing desk", "\\u0412illing desk", "look alike"),  # a Cyrillic В
        ("Billing desk", "Billing\\u00a0desk", "look alike"),  # a no-break space
        ("B\\u00edlling desk", "Bi\\u0301lling desk", "NFC and NFD"),
    ],
)
def test_look_alike_channel_names_are_duplicates(
    tmp_path: Path, first: str, second: str, why: str
) -> None:
    files = {
        "channels/a.yaml": CHANNEL.format(name=f'"{first}"', caps="[sms]"),
        "channels/b.yaml": CHANNEL.format(name=f'"{second}"', caps="[sms]"),
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N303", "channels/b.yaml", 2, 7)
    assert why in message and "channels/a.yaml:2:7" in message


def test_channel_names_differing_in_case_are_two_channels(tmp_path: Path) -> None:
    files = {
        "channels/a.yaml": CHANNEL.format(name="Billing desk", caps="[sms]"),
        "channels/b.yaml": CHANNEL.format(name="billing desk", caps="[sms]"),
    }
    assert run(tmp_path, files) == []
