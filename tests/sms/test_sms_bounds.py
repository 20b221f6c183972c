"""M510/M525 through real files: placeholders counted at the longest value their schema
allows (maxLength, enum), the rest named as not counted, the room left said, GSM-7
extension characters named as costing two."""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostic
from tests.validate.conftest import validate_files

HEADER = "kind: action\ntype: send_text_message\nagent: support\nname: notify\n"


def sms(tmp_path: Path, body: str, header: str = HEADER) -> list[Diagnostic]:
    found = validate_files(tmp_path, {"actions/a.yaml": header + body})
    return [d for d in found if d.code in ("M510", "M525")]


def schema(**properties: str) -> str:
    lines = ["parameters_schema:", "  type: object", "  properties:"]
    lines += [f"    {name}: {spec}" for name, spec in properties.items()]
    return "\n".join(lines) + "\n"


def test_a_full_literal_plus_an_unbounded_placeholder_is_reported(tmp_path: Path) -> None:
    body = schema(ref="{type: string}") + f'message: "{"x" * 160}{{{{ .parameters.ref }}}}"\n'
    (found,) = sms(tmp_path, body)
    assert (found.code, found.is_error) == ("M525", False)
    assert "{{ref}}" in found.message and "160 of 160 septets (0 left)" in found.message


def test_max_length_counts_the_value_at_its_longest(tmp_path: Path) -> None:
    body = schema(ref="{type: string, maxLength: 20}")
    body += f'message: "{"x" * 150}{{{{ .parameters.ref }}}}"\n'
    (found,) = sms(tmp_path, body)
    assert found.code == "M510"
    assert found.message.startswith("message is sent as up to 2 SMS segments (GSM-7, up to 170")
    assert "{{ref}} (maxLength 20)" in found.message
    assert "136 septets left in the last segment for values" in found.message
    assert "not counted" not in found.message


def test_max_length_that_fits_is_quiet(tmp_path: Path) -> None:
    body = schema(ref="{type: string, maxLength: 10}")
    body += f'message: "{"x" * 150}{{{{ .parameters.ref }}}}"\n'
    assert sms(tmp_path, body) == []


def test_enum_counts_its_costliest_value(tmp_path: Path) -> None:
    body = schema(city="{type: string, enum: [Oslo, Zürich, Besançon]}")
    body += f'message: "{"x" * 65} {{{{ .parameters.city }}}}"\n'
    (found,) = sms(tmp_path, body)
    assert "UCS-2" in found.message and "forced by 'ç'" in found.message
    assert "enum, longest 'Besançon'" in found.message


def test_unbounded_placeholders_are_named_as_not_counted(tmp_path: Path) -> None:
    body = schema(ref="{type: string, maxLength: 5}")
    body += f'message: "{"x" * 170} {{{{ .parameters.ref }}}} {{{{ .variables.call.from }}}}"\n'
    (found,) = sms(tmp_path, body)
    assert found.message.startswith("message is sent as at least 2 SMS segments")
    assert "placeholders not counted (no maxLength or enum): {{call.from}}" in found.message
    assert "{{ref}} (maxLength 5)" in found.message


def test_extension_characters_are_named_as_costing_two(tmp_path: Path) -> None:
    (found,) = sms(tmp_path, f'message: "{"x" * 150} [a] {{b}} ~ 5€"\n')
    assert "'[' ']' '{' '}' '~' '€' cost two septets each" in found.message


def test_trims_and_comments_are_not_counted_as_text(tmp_path: Path) -> None:
    body = f'message: "{"x" * 160} {{{{- /* a long internal note, not sent */ -}}}}  "\n'
    assert sms(tmp_path, body) == []


def test_native_message_bounds_from_its_parameters(tmp_path: Path) -> None:
    header = "kind: action\ntype: openmic.send_sms\nagent: support\nname: notify\n"
    body = (
        "parameters:\n  type: object\n  properties:\n    code: {type: string, maxLength: 30}\n"
        f"static_params:\n  type: static\n  message: '{'x' * 140} {{{{code}}}}'\n"
    )
    (found,) = sms(tmp_path, body, header=header)
    assert "up to 2 SMS segments" in found.message and "{{code}} (maxLength 30)" in found.message
