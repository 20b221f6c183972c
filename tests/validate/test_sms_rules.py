"""M510: a static SMS past one segment is a warning naming encoding, segments and the
characters that force UCS-2; placeholders make the figures a lower bound."""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostic
from tests.validate.conftest import validate_files

HEADER = "kind: action\ntype: send_text_message\nagent: support\nname: notify\n"


def sms_diagnostics(tmp_path: Path, body: str, header: str = HEADER) -> list[Diagnostic]:
    found = validate_files(tmp_path, {"actions/a.yaml": header + body})
    return [d for d in found if d.code.startswith("M51")]


def test_one_segment_is_quiet(tmp_path: Path) -> None:
    assert sms_diagnostics(tmp_path, f"message: {'x' * 160}\n") == []


def test_gsm_two_segments(tmp_path: Path) -> None:
    (found,) = sms_diagnostics(tmp_path, f"message: {'x' * 161}\n")
    assert (found.code, found.line, found.column, found.is_error) == ("M510", 5, 10, False)
    assert found.message == (
        "message is sent as 2 SMS segments (GSM-7, 161 septets, 153 per segment)"
    )


def test_ucs2_names_the_characters(tmp_path: Path) -> None:
    text = "Votre rendez-vous est confirmé, à bientôt! " + "x" * 30
    (found,) = sms_diagnostics(tmp_path, f'message: "{text}"\n')
    assert "UCS-2" in found.message and "2 SMS segments" in found.message
    assert "forced by 'ô'" in found.message  # é and à are in GSM-7


def test_placeholders_make_it_a_lower_bound(tmp_path: Path) -> None:
    body = (
        "parameters_schema:\n  type: object\n  properties:\n    ref: {type: string}\n"
        f'message: "{"x" * 160} {{{{ .parameters.ref }}}}"\n'
    )
    (found,) = sms_diagnostics(tmp_path, body)
    assert found.message.startswith("message is sent as at least 2 SMS segments")
    assert "at least 161 septets" in found.message and "placeholders not counted" in found.message


def test_prompt_mode_is_not_counted(tmp_path: Path) -> None:
    assert sms_diagnostics(tmp_path, f"description: {'x' * 300}\n") == []


def test_native_static_send_sms(tmp_path: Path) -> None:
    header = "kind: action\ntype: openmic.send_sms\nagent: support\nname: notify\n"
    body = f"static_params:\n  type: static\n  message: {'ç' * 71}\n"
    (found,) = sms_diagnostics(tmp_path, body, header=header)
    assert (found.line, found.column) == (7, 12)
    assert "2 SMS segments (UCS-2, 71 UTF-16 units, 67 per segment)" in found.message
