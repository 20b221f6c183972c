"""Schema checks while loading: each problem located where a person would fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.load import load_project

SMS = """\
kind: action
type: send_text_message
agent: support
name: send_booking_confirmation
message: "Hi"
"""


def load(tmp_path: Path, text: str, folder: str = "actions") -> list[tuple[str, int, int, str]]:
    (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / folder / "a.yaml").write_text(text)
    result = load_project(tmp_path)
    return [(d.code, d.line, d.column, d.message) for d in result.diagnostics]


def only(tmp_path: Path, text: str, folder: str = "actions") -> tuple[str, int, int, str]:
    found = load(tmp_path, text, folder)
    assert len(found) == 1, found
    return found[0]


def test_valid_action_loads(tmp_path: Path) -> None:
    assert load(tmp_path, SMS) == []
    [action] = load_project(tmp_path).project.actions  # type: ignore[union-attr]
    assert (action.type, action.address, action.fields["message"]) == (
        "send_text_message",
        "support/send_booking_confirmation",
        "Hi",
    )


def test_unknown_field_points_at_the_key_with_did_you_mean(tmp_path: Path) -> None:
    code, line, column, message = only(tmp_path, SMS + "mesage: x\n")
    assert (code, line, column) == ("S201", 6, 1)
    assert "did you mean 'message'?" in message


def test_unknown_nested_field(tmp_path: Path) -> None:
    text = SMS.replace("send_text_message", "openmic.send_sms").replace('message: "Hi"\n', "")
    text += "static_params:\n  type: static\n  mesage: hi\n  message: hi\n"
    code, line, column, message = only(tmp_path, text)
    assert (code, line, column) == ("S201", 7, 3)
    assert "'message'" in message


def test_unknown_field_without_close_match_lists_allowed(tmp_path: Path) -> None:
    code, _, _, message = only(tmp_path, SMS + "zzz: 1\n")
    assert code == "S201"
    assert "allowed:" in message and "messaging_channel" in message


def test_missing_required_points_at_the_mapping(tmp_path: Path) -> None:
    text = "kind: action\ntype: handover\nagent: a\nname: t\n"
    assert only(tmp_path, text)[:3] == ("S202", 1, 1)


def test_missing_required_in_nested_mapping(tmp_path: Path) -> None:
    text = (
        "kind: action\ntype: openmic.check_working_hours\nagent: a\nname: t\n"
        "static_params:\n  working_hours:\n    monday:\n      start: '09:00'\n"
    )
    code, line, column, message = only(tmp_path, text)
    assert (code, line, column) == ("S202", 8, 7)
    assert "'end'" in message and "working_hours.monday" in message


def test_at_least_one_of(tmp_path: Path) -> None:
    text = (
        "kind: action\ntype: openmic.transfer_call\nagent: a\nname: t\n"
        "static_params:\n  transfer_type: cold\n"
    )
    code, line, column, message = only(tmp_path, text)
    assert (code, line, column) == ("S202", 6, 3)
    assert "routing_rules" in message and "default_transfer_number" in message


def test_wrong_type_points_at_the_value(tmp_path: Path) -> None:
    code, line, column, message = only(tmp_path, SMS + "async: maybe\n")
    assert (code, line, column) == ("S203", 6, 8)
    assert message == "async must be a boolean, not a string"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("no", "no"), ("on", "on"), ("yes", "yes"), ("1.10", "1.10"), ("12:30", "12:30")],
)
def test_yaml11_trap_says_quote_it(tmp_path: Path, value: str, shown: str) -> None:
    text = SMS.replace("name: send_booking_confirmation", f"name: {value}")
    code, line, column, message = only(tmp_path, text)
    assert (code, line, column) == ("S204", 4, 7)
    assert f'quote it: name: "{shown}"' in message


def test_yaml11_trap_in_enum_and_nested_string(tmp_path: Path) -> None:
    text = (
        "kind: action\ntype: openmic.check_working_hours\nagent: a\nname: t\n"
        "static_params:\n  working_hours:\n    monday: {start: 9:00, end: '17:00'}\n"
    )
    code, line, column, message = only(tmp_path, text)
    assert (code, line, column) == ("S204", 7, 21)
    assert "(540)" in message and 'start: "9:00"' in message


def test_empty_value_for_a_string(tmp_path: Path) -> None:
    code, line, _column, message = only(tmp_path, SMS.replace('message: "Hi"', "message:"))
    assert (code, line) == ("S204", 5)
    assert 'message: ""' in message


def test_enum_did_you_mean(tmp_path: Path) -> None:
    text = "kind: action\ntype: handover\nagent: a\nname: t\nphone_number: '+15550000001'\n"
    code, line, column, message = only(tmp_path, text + "transfer_type: wram\n")
    assert (code, line, column) == ("S205", 6, 16)
    assert "did you mean 'warm'?" in message


def test_unknown_type_did_you_mean_lists_types(tmp_path: Path) -> None:
    code, line, column, message = only(tmp_path, SMS.replace("send_text_message", "send_sms"))
    assert (code, line, column) == ("S208", 2, 7)
    assert "did you mean 'openmic.send_sms'?" in message
    assert "handover" in message and "openmic.dtmf" in message


def test_missing_type(tmp_path: Path) -> None:
    assert only(tmp_path, "kind: action\nagent: a\nname: b\n")[:3] == ("S202", 1, 1)


def test_kind_missing_unknown_and_misplaced(tmp_path: Path) -> None:
    assert only(tmp_path, "type: handover\n")[:3] == ("S202", 1, 1)
    code, line, column, message = only(tmp_path, "kind: actoin\n")
    assert (code, line, column) == ("S209", 1, 7)
    assert "did you mean 'action'?" in message
    code, _, _, message = only(tmp_path, "kind: channel\nname: x\n")
    assert code == "S210" and "channels/" in message


def test_action_name_rule(tmp_path: Path) -> None:
    code, line, column, message = only(tmp_path, SMS.replace("send_booking", "send booking"))
    assert (code, line, column) == ("N311", 4, 7)
    assert "letters, digits, _ and -" in message


def test_errors_are_not_duplicated_and_each_is_precise(tmp_path: Path) -> None:
    text = SMS + "speak_after_execution: 3\nrecipient: [a]\n"
    found = load(tmp_path, text)
    assert [(c, line) for c, line, _, _ in found] == [("S203", 6), ("S203", 7)]


def test_range(tmp_path: Path) -> None:
    text = "kind: action\ntype: api_call\nagent: a\nname: t\nurl: https://x.test\ntimeout_ms: 0\n"
    assert only(tmp_path, text)[:3] == ("S207", 6, 13)


def test_transfer_settings_allow_only_the_documented_fields(tmp_path: Path) -> None:
    base = "kind: action\ntype: handover\nagent: a\nname: t\nphone_number: '+15550000001'\n"
    documented = (
        "transfer_settings: {ring_duration: 30, on_hold_music: music, human_detection: true,"
        " detection_timeout: 20, max_session_duration_after_transfer: 15,"
        " whisper_type: static, whisper_static: Incoming call, fallback_message_type: prompt,"
        " fallback_message_prompt: Apologise}\n"
    )
    assert load(tmp_path, base + documented) == []
    assert only(tmp_path, base + "transfer_settings: {ring_duration: 5}\n")[:2] == ("S207", 6)
    code, line, column, message = only(tmp_path, base + "transfer_settings:\n  ring_duraton: 40\n")
    assert (code, line, column) == ("S201", 7, 3)
    assert "did you mean 'ring_duration'?" in message
    code, _, _, message = only(tmp_path, base + "transfer_settings: {custom_flag: 1}\n")
    assert code == "S201" and "custom_flag" in message


def test_native_transfer_call_settings_are_strict_too(tmp_path: Path) -> None:
    text = (
        "kind: action\ntype: openmic.transfer_call\nagent: a\nname: t\n"
        "static_params:\n  transfer_type: warm\n  default_transfer_number: '+15550000001'\n"
        "  transfer_settings:\n    ring_duraton: 40\n    success_type: prompt\n"
    )
    code, line, column, message = only(tmp_path, text)
    assert (code, line, column) == ("S201", 9, 5)
    assert "did you mean 'ring_duration'?" in message


def test_native_send_sms_type_is_optional_message_required(tmp_path: Path) -> None:
    base = "kind: action\ntype: openmic.send_sms\nagent: a\nname: t\n"
    assert load(tmp_path, base + "static_params: {message: hi}\n") == []
    assert only(tmp_path, base + "static_params: {type: static}\n")[:2] == ("S202", 5)


def test_invalid_action_is_left_out_of_the_model(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.yaml").write_text(SMS + "---\n" + SMS.replace("name: s", "nme: s"))
    result = load_project(tmp_path)
    assert result.project is not None
    assert [a.name for a in result.project.actions] == ["send_booking_confirmation"]
    assert {d.code for d in result.diagnostics} == {"S201", "S202"}


def test_channel_schema(tmp_path: Path) -> None:
    text = "kind: channel\nname: Main\nphone_number: '+15550000001'\ncapabilities: [sms, fax]\n"
    code, line, column, message = only(tmp_path, text, folder="channels")
    assert (code, line, column) == ("S205", 4, 21)
    assert "fax" in message


def test_unquoted_phone_number_gets_the_quote_hint(tmp_path: Path) -> None:
    text = "kind: channel\nname: Main\nphone_number: +15550000001\ncapabilities: [sms]\n"
    code, line, column, message = only(tmp_path, text, folder="channels")
    assert (code, line, column) == ("S204", 3, 15)
    assert 'phone_number: "+15550000001"' in message


def test_enum_shows_the_text_as_written(tmp_path: Path) -> None:
    text = "kind: action\ntype: handover\nagent: a\nname: t\nphone_number: '+15550000001'\n"
    code, line, column, message = only(tmp_path, text + "transfer_type: off\n")
    assert (code, line, column) == ("S205", 6, 16)
    assert "'off' is not allowed" in message and "cold, warm" in message


def test_many_unknown_fields_are_summarised(tmp_path: Path) -> None:
    extra = "".join(f"junk{i}: 1\n" for i in range(100))
    found = load(tmp_path, SMS + extra)
    assert len(found) == 21
    assert found[-1][:3] == ("S201", 26, 1)
    assert "and 80 more unknown fields" in found[-1][3]


def test_huge_values_are_not_echoed(tmp_path: Path) -> None:
    text = SMS.replace("name: send_booking_confirmation", "name: " + "n" * 300 + " x")
    found = load(tmp_path, text)
    assert [(code, line) for code, line, _, _ in found] == [("N311", 4), ("S207", 4)]
    assert "(302 characters)" in found[0][3]
    assert found[1][3] == "name must be at most 255 characters long"
    assert all(len(message) < 250 for _, _, _, message in found)
    long_number = SMS.replace('message: "Hi"', "message: 1." + "1" * 5000)
    code, _, _, message = only(tmp_path, long_number)
    assert code == "S204" and len(message) < 250


@pytest.mark.parametrize(
    ("action_type", "field", "value"),
    [
        ("openmic.dtmf", "url", "https://x.test"),
        ("openmic.end_call", "method", "get"),
        ("openmic.send_sms", "api_timeout", 1000),
        ("openmic.api_request", "use_raw_schema", "true"),
        ("openmic.transfer_call", "use_raw_schema", "false"),
    ],
)
def test_native_fields_belong_to_their_type(
    tmp_path: Path, action_type: str, field: str, value: str
) -> None:
    body = {
        "openmic.dtmf": "",
        "openmic.end_call": "",
        "openmic.send_sms": "static_params: {message: hi}\n",
        "openmic.api_request": "url: https://x.test\n",
        "openmic.transfer_call": "static_params: {transfer_type: cold, routing_rules: x}\n",
    }[action_type]
    text = f"kind: action\ntype: {action_type}\nagent: a\nname: t\n{body}{field}: {value}\n"
    code, _, column, message = only(tmp_path, text)
    assert (code, column) == ("S201", 1)
    assert f"unknown field '{field}' for type {action_type}" in message


@pytest.mark.parametrize("method", ["get", "POST", "Get", "pOsT"])
def test_native_method_any_case(tmp_path: Path, method: str) -> None:
    text = "kind: action\ntype: openmic.api_request\nagent: a\nname: t\nurl: https://x\n"
    text += f"method: {method}\n"
    assert load(tmp_path, text) == []


def test_native_method_only_get_or_post(tmp_path: Path) -> None:
    text = (
        "kind: action\ntype: openmic.api_request\nagent: a\nname: t\nurl: https://x\nmethod: put\n"
    )
    code, line, column, message = only(tmp_path, text)
    assert (code, line, column) == ("S206", 6, 9)
    assert "get or post" in message


def test_working_hours_days_share_one_definition(tmp_path: Path) -> None:
    from compiler.load import schemas

    hours = schemas.bundled("openmic.check_working_hours")["properties"]["static_params"]
    days = hours["properties"]["working_hours"]["properties"]
    assert len(days) == 7 and len({repr(day) for day in days.values()}) == 1
    text = (
        "kind: action\ntype: openmic.check_working_hours\nagent: a\nname: t\n"
        "static_params:\n  working_hours:\n    sunday: {start: '9:00', end: closed}\n"
    )
    assert only(tmp_path, text)[:3] == ("S206", 7, 21)


def test_a_key_pasted_into_api_key_env_is_not_echoed(tmp_path: Path) -> None:
    key = "sk-live-abc123SECRETxyz"
    (tmp_path / "actionctl.yaml").write_text(f"api_key_env: {key}\n")
    [(code, line, column, message)] = load(tmp_path, "", folder="channels")
    assert (code, line, column) == ("S206", 1, 14)
    assert key not in message and "SECRET" not in message
    assert "value not shown" in message and "NAME of an environment variable" in message
