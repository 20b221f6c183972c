"""``compiler.compile.preview``: an SMS preview made from the compiled payload.

(Not named test_render.py: tests/cli/test_render.py has that basename and the test
directories are not packages, so pytest would refuse to collect both.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from compiler.compile import compile_action
from compiler.compile.preview import RenderedSms, Value, find_action, render_sms, terminal_safe
from compiler.diagnostics import DiagnosticError, Severity
from compiler.load import load_project
from compiler.model import Environment, Project
from tests.conftest import CliResult


@pytest.fixture
def project(example_project: Path) -> Project:
    loaded = load_project(example_project)
    assert loaded.project is not None, loaded.diagnostics
    return loaded.project


def environment(project: Project, name: str = "dev") -> Environment:
    found = project.config.environment(name)
    assert found is not None
    return found


def preview(
    project: Project,
    ref: str,
    params: dict[str, str] | None = None,
    variables: dict[str, str] | None = None,
    env: str = "dev",
) -> RenderedSms:
    action = find_action(project, ref)
    return render_sms(action, project, environment(project, env), params or {}, variables or {})


def test_static_message_filled(project: Project) -> None:
    rendered = preview(project, "support/send_booking_confirmation", {"booking_reference": "X1"})
    assert rendered.ok and rendered.diagnostics == []
    assert rendered.text == "Hi, your booking is confirmed! Reference: X1."
    assert rendered.recipient is None
    assert (rendered.sender, rendered.sender_channel) == ("+15550000001", "Customer notifications")
    assert rendered.analysis is not None
    assert (rendered.analysis.encoding, rendered.analysis.segments) == ("GSM-7", 1)
    assert rendered.missing == [] and rendered.unused == []


def test_sender_is_the_environments_override(project: Project) -> None:
    rendered = preview(project, "send_booking_confirmation", {"booking_reference": "X"}, env="prod")
    assert rendered.environment == "prod"
    assert rendered.sender == "+15550100001"


def test_text_is_the_compiled_message_with_values(project: Project) -> None:
    action = find_action(project, "send_directions_to_number")
    payload, _ = compile_action(action, project, environment(project))
    assert payload is not None
    rendered = preview(project, "send_directions_to_number", {"phone_number": "+15551234567"})
    assert rendered.text == payload["static_params"]["message"]
    assert rendered.recipient == "+15551234567"


def test_missing_and_unused_are_both_reported(project: Project) -> None:
    rendered = preview(project, "send_directions_to_number", {"phone": "+1555"}, {"x": "1"})
    assert rendered.missing == [Value("param", "phone_number")]
    assert rendered.unused == [Value("param", "phone"), Value("var", "x")]
    codes = [(d.code, d.severity) for d in rendered.diagnostics]
    assert codes == [
        ("M520", Severity.ERROR),
        ("M521", Severity.WARNING),
        ("M521", Severity.WARNING),
    ]
    assert not rendered.ok
    # The missing value is located at the recipient, in the action's file.
    missing = rendered.diagnostics[0]
    assert missing.file.endswith("send_directions_to_number.yaml") and missing.line == 10


def test_recipient_not_e164_is_an_error(project: Project) -> None:
    rendered = preview(project, "send_directions_to_number", {"phone_number": "abc"})
    assert [d.code for d in rendered.diagnostics] == ["M522"]
    assert rendered.recipient == "abc"


def test_prompt_mode_is_the_instruction_unanalysed(project: Project) -> None:
    rendered = preview(project, "support/send_summary_sms")
    assert rendered.prompt_mode and rendered.analysis is None
    assert rendered.text.startswith("Write a short SMS to the caller that does the following:")


def test_native_placeholders_take_either_kind(example_project: Path) -> None:
    (example_project / "actions" / "support" / "native_sms.yaml").write_text(
        "kind: action\ntype: openmic.send_sms\nagent: support\nname: native_sms\n"
        "parameters:\n  type: object\n  properties:\n    code: {type: string}\n"
        "static_params:\n  type: static\n  message: 'Code {{ code }} for {{name}}'\n"
        "  to_number: '{{call.from}}'\n"
    )
    loaded = load_project(example_project)
    assert loaded.project is not None
    rendered = preview(
        loaded.project,
        "native_sms",
        {"code": "7", "name": "Al"},
        {"call.from": "+15551234567", "code": "unused"},
    )
    assert rendered.text == "Code 7 for Al"
    assert rendered.recipient == "+15551234567"
    assert rendered.unused == [Value("var", "code")]
    missing = preview(loaded.project, "native_sms")
    # A declared parameter asks for --param, any other name for --var.
    assert missing.missing == [
        Value("param", "code"),
        Value("var", "name"),
        Value("var", "call.from"),
    ]
    assert {d.line for d in missing.diagnostics} == {11, 12}  # message, to_number


def test_unknown_action(project: Project) -> None:
    with pytest.raises(DiagnosticError) as raised:
        find_action(project, "support/send_booking_confirmaton")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "M523"
    assert "did you mean 'support/send_booking_confirmation'" in diagnostic.message


def test_not_an_sms(project: Project) -> None:
    with pytest.raises(DiagnosticError) as raised:
        preview(project, "support/end_call")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "M524"
    assert "is of type openmic.end_call" in diagnostic.message


def test_control_characters_are_escaped_for_the_terminal(
    cli: Callable[..., CliResult], example_project: Path
) -> None:
    """A value (or a project file) holding ESC or a bidi override must not act on the
    user's terminal: render prints it escaped, the text itself stays as it is."""
    value = "X1\x1b[2J\x1b]0;owned\x07\u202eevil\x9b"
    result = cli(
        "--project",
        example_project,
        "render",
        "support/send_booking_confirmation",
        "--param",
        f"booking_reference={value}",
    )
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "\x07" not in result.stdout and "\x9b" not in result.stdout
    assert "Reference: X1\\x1b[2J\\x1b]0;owned\\x07\\u202eevil\\x9b." in result.stdout


def test_terminal_safe_keeps_newlines_tabs_and_text() -> None:
    assert terminal_safe("Hi\tthere\nçà 😀 {x}") == "Hi\tthere\nçà 😀 {x}"
    assert terminal_safe("\r\x00\x7f\u2028") == "\\x0d\\x00\\x7f\\u2028"
