"""What each target can deploy: a custom recipient and a
messaging channel on OpenMic, undocumented send_sms keys, and the platform's name rule
for native actions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from compiler.compile import compile_project
from compiler.load import load_project
from tests.conftest import CliResult, write_files
from tests.validate.conftest import validate_files

OPENMIC = "platform: openmic\n"
CHANNEL = 'kind: channel\nname: Desk\nphone_number: "+15550000001"\ncapabilities: [sms]\n'
SMS = """\
kind: action
type: send_text_message
agent: support
name: send_directions
description: Texts the directions to a number the caller gives.
messaging_channel: Desk
recipient: "{{ .parameters.phone }}"
parameters_schema:
  type: object
  properties:
    phone: {type: string, description: The number}
  required: [phone]
message: Northside Clinic, 12 Harbour Road.
"""


def _files(platform: str = "", sms: str = SMS) -> dict[str, str]:
    files = {"channels/desk.yaml": CHANNEL, "actions/sms.yaml": sms}
    if platform:
        files["actionctl.yaml"] = platform
    return files


def _codes(root: Path, files: dict[str, str]) -> list[tuple[str, str, int, int]]:
    return [(d.code, d.severity, d.line, d.column) for d in validate_files(root, files)]


def test_a_custom_recipient_on_openmic_is_an_error_at_the_recipient(tmp_path: Path) -> None:
    diagnostics = validate_files(tmp_path, _files(OPENMIC))
    (error,) = [d for d in diagnostics if d.code == "C630"]
    assert (error.severity, error.file, error.line, error.column) == (
        "error",
        "actions/sms.yaml",
        7,
        12,
    )
    assert "OpenMic send_sms texts the caller; a custom recipient cannot be deployed there" in (
        error.message
    )
    (warning,) = [d for d in diagnostics if d.code == "C631"]
    assert (warning.severity, warning.line) == ("warning", 6)
    assert "agent's own number sends" in warning.message


def test_the_local_platform_keeps_recipient_and_sender(tmp_path: Path) -> None:
    assert not [c for c in _codes(tmp_path, _files()) if c[0].startswith("C63")]
    project = load_project(tmp_path).project
    assert project is not None
    environment = project.config.environment(None)
    assert environment is not None
    compiled = compile_project(project, environment)
    static_params = compiled.tools["support/send_directions"].payload["static_params"]
    assert static_params["to_number"] == "{{phone}}"
    assert static_params["from_number"] == "+15550000001"


def test_openmic_sends_neither_recipient_nor_sender(tmp_path: Path) -> None:
    sms = SMS.replace('recipient: "{{ .parameters.phone }}"', "recipient: contact").replace(
        "    phone: {type: string, description: The number}\n  required: [phone]\n",
        "    phone: {type: string, description: The number}\n",
    )
    root = write_files(tmp_path, _files(OPENMIC, sms))
    project = load_project(root).project
    assert project is not None
    environment = project.config.environment(None)
    assert environment is not None
    compiled = compile_project(project, environment)
    static_params = compiled.tools["support/send_directions"].payload["static_params"]
    assert set(static_params) == {"type", "message"}


def test_compile_refuses_a_custom_recipient_for_openmic(tmp_path: Path) -> None:
    root = write_files(tmp_path, _files(OPENMIC))
    project = load_project(root).project
    assert project is not None
    environment = project.config.environment(None)
    assert environment is not None
    compiled = compile_project(project, environment)
    assert compiled.tools == {}
    assert [d.code for d in compiled.diagnostics if d.is_error] == ["C630"]


def test_validate_command_fails_with_a_located_c630(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    root = write_files(tmp_path, _files(OPENMIC))
    result = cli("--project", root, "--no-color", "validate")
    assert result.exit_code == 1
    assert "actions/sms.yaml:7:12: error C630" in result.output


NATIVE_SMS = """\
kind: action
type: openmic.send_sms
agent: support
name: notify
static_params:
  type: static
  message: hi
  to_number: "+15551234567"
"""


def test_undocumented_send_sms_keys_are_named_on_openmic(tmp_path: Path) -> None:
    files = {"actionctl.yaml": OPENMIC, "actions/n.yaml": NATIVE_SMS}
    (warning,) = validate_files(tmp_path, files)
    assert (warning.code, warning.severity, warning.line) == ("C632", "warning", 8)
    assert "static_params to_number" in warning.message


def test_local_send_sms_keys_are_documented_there(tmp_path: Path) -> None:
    assert validate_files(tmp_path, {"actions/n.yaml": NATIVE_SMS}) == []


NATIVE = "kind: action\ntype: openmic.end_call\nagent: support\nname: {name}\n"
UI = "kind: action\ntype: client_action\nagent: support\nname: {name}\n"


@pytest.mark.parametrize(
    "name", ["Send Appointment Confirmation", "Send Link", "Rückruf anbieten", "a/b", "CON"]
)
def test_native_names_follow_the_platforms_rule(tmp_path: Path, name: str) -> None:
    assert validate_files(tmp_path, {"actions/a.yaml": NATIVE.format(name=f'"{name}"')}) == []


def test_ui_style_names_keep_the_dashboards_rule(tmp_path: Path) -> None:
    files = {"actions/a.yaml": UI.format(name='"Send Link"')}
    assert [d.code for d in validate_files(tmp_path, files)] == ["N311"]


@pytest.mark.parametrize(
    "name, code",
    [
        ('"zero\\u200bwidth"', "N315"),
        ('"bidi\\u202eevil"', "N315"),
        ('"nul\\0name"', "N315"),
        ('"no\\u00a0break"', "N315"),
        ("send_cоnfirmation", "N316"),  # a Cyrillic o among Latin letters
    ],
)
def test_native_names_that_look_like_others_are_refused(
    tmp_path: Path, name: str, code: str
) -> None:
    (diagnostic,) = validate_files(tmp_path, {"actions/a.yaml": NATIVE.format(name=name)})
    assert (diagnostic.code, diagnostic.severity, diagnostic.line) == (code, "error", 4)


def test_a_null_in_a_native_payload_is_a_compile_error_never_sent(tmp_path: Path) -> None:
    text = "kind: action\ntype: openmic.end_call\nagent: support\nname: bye\n"
    text += "parameters:\n  type: object\n  properties:\n    a: {type: string, default: ~}\n"
    root = write_files(tmp_path, {"actions/a.yaml": text})
    project = load_project(root).project
    assert project is not None and project.actions
    environment = project.config.environment(None)
    assert environment is not None
    compiled = compile_project(project, environment)
    assert compiled.tools == {}
    (error,) = [d for d in compiled.diagnostics if d.is_error]
    assert (error.code, error.line) == ("C633", 8)
    assert "parameters.properties.a.default is null" in error.message
