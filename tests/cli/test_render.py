"""``actionctl render``: preview an SMS with values, encoding and segments."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

Cli = Callable[..., CliResult]


@pytest.fixture
def render(cli: Cli, example_project: Path) -> Cli:
    """``actionctl --project <example project> render ARGS...`` in-process."""

    def invoke(*args: str | Path) -> CliResult:
        return cli("--project", example_project, "render", *args)

    return invoke


def test_static_message_with_a_param(render: Cli) -> None:
    result = render(
        "support/send_booking_confirmation",
        "--param",
        "booking_reference=BK-1042",
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "support/send_booking_confirmation (dev)"
    assert "To:   the caller (contact)" in lines
    assert "From: +15550000001 (Customer notifications)" in lines
    assert "Hi, your booking is confirmed! Reference: BK-1042." in lines
    assert "Encoding:   GSM-7" in lines
    assert "Characters: 50" in lines
    assert "Segments:   1 (160 septets per segment)" in lines


def test_unique_name_and_prod_sender(cli: Cli, example_project: Path) -> None:
    result = cli(
        "--project",
        example_project,
        "--env",
        "prod",
        "render",
        "send_booking_confirmation",
        "--param",
        "booking_reference=X",
    )
    assert result.exit_code == 0
    assert "From: +15550100001 (Customer notifications)" in result.stdout


def test_missing_values_are_listed(render: Cli) -> None:
    result = render("send_directions_to_number")
    assert result.exit_code == 1
    assert "--param phone_number=VALUE" in result.stderr


def test_custom_recipient_rendered(render: Cli) -> None:
    result = render(
        "send_directions_to_number",
        "--param",
        "phone_number=+15551234567",
    )
    assert result.exit_code == 0
    assert "To:   +15551234567" in result.stdout


def test_ucs2_and_segments(render: Cli) -> None:
    result = render(
        "send_booking_confirmation",
        "--param",
        "booking_reference=" + "ç" * 30,
    )
    assert result.exit_code == 0
    assert "Encoding:   UCS-2" in result.stdout
    assert "Segments:   2 (67 UTF-16 units per segment)" in result.stdout
    assert "UCS-2 because of: 'ç' (U+00E7)" in result.stdout


def test_prompt_mode_shows_the_instruction(render: Cli) -> None:
    result = render("support/send_summary_sms")
    assert result.exit_code == 0
    assert "The agent writes this SMS at call time (prompt mode)" in result.stdout
    assert "Write a short SMS to the caller that does the following:" in result.stdout


def test_not_an_sms(render: Cli) -> None:
    result = render("transfer_to_front_desk")
    assert result.exit_code == 1
    assert "error M524 render previews SMS actions" in result.stderr
    assert result.stderr.startswith("actions/support/transfer_to_front_desk.yaml:")


def test_not_an_sms_message_reads_well_for_any_type(render: Cli) -> None:
    result = render("end_call")
    assert result.exit_code == 1
    assert "support/end_call is of type openmic.end_call" in result.stderr
    assert " a openmic" not in result.stderr


def test_unknown_action_suggests(render: Cli) -> None:
    result = render("send_booking_confirmaton")
    assert result.exit_code == 1
    assert "M523" in result.stderr
    assert "did you mean 'send_booking_confirmation'" in result.stderr


def test_ambiguous_name_lists_the_addresses(example_project: Path, render: Cli) -> None:
    source = example_project / "actions" / "support" / "send_booking_confirmation.yaml"
    text = source.read_text().replace("agent: support", "agent: billing")
    (example_project / "actions" / "billing" / "confirm.yaml").write_text(text)
    result = render("send_booking_confirmation", "--param", "booking_reference=A")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "M523" in result.stderr
    assert "billing/send_booking_confirmation, support/send_booking_confirmation" in result.stderr


def test_help_examples_run_on_the_example_project(cli: Cli, example_project: Path) -> None:
    help_text = cli("render", "--help").stdout
    examples = [
        line.strip() for line in help_text.splitlines() if line.strip().startswith("actionctl ")
    ]
    assert len(examples) >= 3
    for example in examples:
        args = shlex.split(example)[1:]
        result = cli("--project", example_project, *args)
        assert result.exit_code == 0, (example, result.stderr)
        assert "To:   " in result.stdout


def test_nothing_on_stdout_when_a_value_is_missing(render: Cli) -> None:
    result = render("send_directions_to_number")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error M520" in result.stderr


def test_missing_and_unknown_values_are_both_reported(render: Cli) -> None:
    result = render("send_directions_to_number", "--param", "phone=+15551234567")
    assert result.exit_code == 1
    assert "M520" in result.stderr and "--param phone_number=VALUE" in result.stderr
    assert "warning M521 --param phone is not used" in result.stderr


def test_recipient_must_render_as_e164(render: Cli) -> None:
    result = render("send_directions_to_number", "--param", "phone_number=abc")
    assert result.exit_code == 1
    assert result.stdout == ""
    # At the recipient line of the action's file.
    assert "send_directions_to_number.yaml:10:" in result.stderr
    assert "error M522" in result.stderr and "'abc'" in result.stderr


def test_errors_follow_the_diagnostics_format(cli: Cli, example_project: Path) -> None:
    result = cli(
        "--project",
        example_project,
        "--diagnostics-format",
        "json",
        "render",
        "send_directions_to_number",
        "--var",
        "x=1",
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    found = {(d["code"], d["severity"], d["file"]) for d in json.loads(result.stderr)}
    where = "actions/support/send_directions_to_number.yaml"
    assert found == {("M520", "error", where), ("M521", "warning", where)}


def test_bad_param_syntax(render: Cli) -> None:
    result = render("send_booking_confirmation", "--param", "oops")
    assert result.exit_code == 1
    assert "NAME=VALUE" in result.stderr


def test_unused_param_warns(render: Cli) -> None:
    result = render(
        "send_booking_confirmation",
        "--param",
        "booking_reference=A",
        "--param",
        "booking=B",
    )
    assert result.exit_code == 0
    assert "warning M521 --param booking is not used" in result.stderr
    assert "Reference: A." in result.stdout


def test_native_send_sms(example_project: Path, render: Cli) -> None:
    (example_project / "actions" / "support" / "native_sms.yaml").write_text(
        "kind: action\ntype: openmic.send_sms\nagent: support\nname: native_sms\n"
        "static_params:\n  type: static\n  message: 'Code {{code}} for {{ name }}'\n"
        "  from_number: '+15550000009'\n"
    )
    result = render(
        "native_sms",
        "--param",
        "code=7",
        "--var",
        "name=Al",
    )
    assert result.exit_code == 0, result.output
    assert "Code 7 for Al" in result.stdout
    # From the compiled payload: the native tool's own sender.
    assert "From: +15550000009" in result.stdout.splitlines()
