"""Rule family 'phones' (N32x) on real YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.validate.rules import phones
from tests.validate.conftest import load_clean

CHANNEL = "kind: channel\nname: Main\nphone_number: '{number}'\ncapabilities: [sms]\n"
SMS = "kind: action\ntype: send_text_message\nagent: a\nname: n\nrecipient: '{recipient}'\n"
HANDOVER = "kind: action\ntype: handover\nagent: a\nname: h\nphone_number: '{number}'\n"


def run(root: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str]]:
    project = load_clean(root, files)
    return [(d.code, d.file, d.line, d.column, d.message) for d in phones.check(project)]


@pytest.mark.parametrize("number", ["+15550000001", "+442071838750", "+4930123"])
def test_e164_accepted(number: str) -> None:
    assert phones.is_e164(number)


@pytest.mark.parametrize(
    "number", ["15550000001", "+0555000000", "+1 555 000 0001", "+123456", "+1234567890123456"]
)
def test_not_e164(number: str) -> None:
    assert not phones.is_e164(number)


def test_channel_number(tmp_path: Path) -> None:
    files = {"channels/c.yaml": CHANNEL.format(number="+1 (555) 000-0001")}
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N321", "channels/c.yaml", 3, 15)
    assert 'write it as "+15550000001"' in message


def test_international_prefix_suggestion(tmp_path: Path) -> None:
    [(_, _, _, _, message)] = run(
        tmp_path, {"channels/c.yaml": CHANNEL.format(number="0044 20 7183 8750")}
    )
    assert '"+442071838750"' in message


@pytest.mark.parametrize("recipient", ["contact", "+15550000001", "{{ .parameters.phone }}"])
def test_recipient_contact_literal_or_template_is_fine(tmp_path: Path, recipient: str) -> None:
    assert run(tmp_path, {"actions/a.yaml": SMS.format(recipient=recipient)}) == []


def test_recipient_literal_must_be_e164(tmp_path: Path) -> None:
    [(code, file, line, column, message)] = run(
        tmp_path, {"actions/a.yaml": SMS.format(recipient="555-0101")}
    )
    assert (code, file, line, column) == ("N322", "actions/a.yaml", 5, 12)
    assert "contact" in message


def test_handover_literal(tmp_path: Path) -> None:
    [(code, _, line, column, _)] = run(
        tmp_path, {"actions/h.yaml": HANDOVER.format(number="5550000001")}
    )
    assert (code, line, column) == ("N322", 5, 15)
    assert (
        run(tmp_path, {"actions/h.yaml": HANDOVER.format(number="{{ .variables.call.from }}")})
        == []
    )


def test_native_transfer_and_sms_numbers(tmp_path: Path) -> None:
    text = (
        "kind: action\ntype: openmic.transfer_call\nagent: a\nname: t\nstatic_params:\n"
        "  transfer_type: cold\n  default_transfer_number: '12345'\n"
        "---\nkind: action\ntype: openmic.send_sms\nagent: a\nname: s\nstatic_params:\n"
        "  message: hi\n  to_number: '{{phone}}'\n  from_number: '+1555'\n"
    )
    found = [(c, line, col) for c, _, line, col, _ in run(tmp_path, {"actions/n.yaml": text})]
    assert found == [("N322", 7, 28), ("N322", 16, 16)]


def test_environment_channel_override(tmp_path: Path) -> None:
    files = {
        "actionctl.yaml": "environments:\n  dev:\n    channels:\n      Main: '555 0101'\n",
        "channels/c.yaml": CHANNEL.format(number="+15550000001"),
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N323", "actionctl.yaml", 4, 13)
    assert "'dev'" in message


def test_e164_accepts_only_ascii_digits_and_no_trailing_newline() -> None:
    from compiler.validate.rules.phones import is_e164

    assert is_e164("+15550000001")
    assert not is_e164("+1555000000\u0661")  # an Arabic-Indic digit one
    assert not is_e164("+15550000001\n")
    assert not is_e164("+1555")


SMS_WITH_PHONE = SMS + "parameters_schema: {type: object, properties: {phone: {type: string}}}\n"


@pytest.mark.parametrize(
    "recipient",
    [
        "{{/* } */}}{{ .parameters.phone }}",  # a brace in a comment is no text
        "{{ .parameters.phone }}{{/* {{ x } */}}",
        "+{{- /* country code follows */ -}}{{ .parameters.phone }}",
        "{{- \t .parameters.phone \t -}}",
    ],
)
def test_recipient_templates_are_read_as_go_reads_them(tmp_path: Path, recipient: str) -> None:
    assert run(tmp_path, {"actions/a.yaml": SMS_WITH_PHONE.replace("{recipient}", recipient)}) == []


def test_text_around_a_comment_is_still_text(tmp_path: Path) -> None:
    text = SMS_WITH_PHONE.replace("{recipient}", "tel:{{/* } */}}{{ .parameters.phone }}")
    [(code, _, line, column, message)] = run(tmp_path, {"actions/a.yaml": text})
    assert (code, line, column) == ("N324", 5, 12)
    assert "('tel:')" in message


def test_handover_number_with_a_commented_brace(tmp_path: Path) -> None:
    number = "{{/* } */}}{{ .variables.call.from }}"
    assert run(tmp_path, {"actions/h.yaml": HANDOVER.replace("{number}", number)}) == []


@pytest.mark.parametrize(
    ("recipient", "kept"),
    [
        ("\\t{{ .parameters.phone }}", "'\\t{{phone}}'"),
        ("{{ .parameters.phone }}\\n", "'{{phone}}\\n'"),
        (" {{ .parameters.phone }}", "' {{phone}}'"),
    ],
)
def test_whitespace_go_keeps_around_a_number_is_a_warning(
    tmp_path: Path, recipient: str, kept: str
) -> None:
    text = SMS_WITH_PHONE.replace("'{recipient}'", '"' + recipient + '"')
    [(code, _, line, column, message)] = run(tmp_path, {"actions/a.yaml": text})
    assert (code, line, column) == ("N325", 5, 12)
    assert kept in message and "('{{phone}}')" in message


def test_whitespace_a_trim_marker_removes_is_no_warning(tmp_path: Path) -> None:
    text = SMS_WITH_PHONE.replace("'{recipient}'", '"\\t{{- .parameters.phone -}} "')
    assert run(tmp_path, {"actions/a.yaml": text}) == []
