"""``actionctl compile`` end to end on the repository's example project."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.compile.seed_payloads import booking_payload_dev
from tests.conftest import CliResult

Cli = Callable[..., CliResult]

BOOKING_DESCRIPTION = (
    "Sends a booking confirmation SMS to the caller. Use after the booking has been "
    "created and the caller has confirmed the date and time."
)


def test_example_project_compiles_every_action(cli: Cli, example_project: Path) -> None:
    result = cli("--project", example_project, "compile")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # the example project has no warnings
    tools = json.loads(result.stdout)
    assert list(tools) == sorted(tools)
    assert len(tools) == 13
    types = {payload["type"] for payload in tools.values()}
    assert types == {
        "send_sms",
        "transfer_call",
        "api_request",
        "function",
        "end_call",
        "dtmf",
        "send_email",
        "call_booking",
        "check_calendar_availability",
        "check_working_hours",
    }


def test_seed_example_through_yaml(cli: Cli, example_project: Path) -> None:
    tools = json.loads(cli("--project", example_project, "compile").stdout)
    assert tools["support/send_booking_confirmation"] == booking_payload_dev(BOOKING_DESCRIPTION)
    summary = tools["support/send_summary_sms"]["static_params"]
    assert summary["type"] == "prompt"
    assert summary["message"].startswith(
        "Write a short SMS to the caller that does the following: Sends the caller a short"
    )


def test_env_prod_uses_the_channel_override(cli: Cli, example_project: Path) -> None:
    tools = json.loads(cli("--project", example_project, "--env", "prod", "compile").stdout)
    params = tools["support/send_booking_confirmation"]["static_params"]
    assert params["from_number"] == "+15550100001"
    # a channel without an override keeps its own number
    assert tools["billing/send_payment_link"]["static_params"]["from_number"] == "+15550000002"


def test_unknown_env_is_an_error(cli: Cli, example_project: Path) -> None:
    result = cli("--project", example_project, "--env", "staging", "compile")
    assert result.exit_code == 1
    assert "unknown environment 'staging'" in result.stderr
    assert result.stdout == ""


def test_out_writes_atomically(cli: Cli, example_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "build" / "tools.json"
    result = cli("--project", example_project, "compile", "--out", out)
    assert result.exit_code == 0 and result.stdout == ""
    assert "Wrote 13 tools (dev)" in result.stderr
    assert len(json.loads(out.read_text())) == 13
    assert [p.name for p in out.parent.iterdir()] == ["tools.json"]  # no temp file left
    assert out.stat().st_mode & 0o077 != 0  # readable by others as umask allows, not 0600


def test_out_keeps_the_mode_of_the_file_it_replaces(
    cli: Cli, example_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tools.json"
    out.write_text("{}")
    out.chmod(0o640)
    assert cli("--project", example_project, "compile", "--out", out).exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o640
    assert len(json.loads(out.read_text())) == 13


def test_errors_exit_1_and_write_nothing(cli: Cli, example_project: Path, tmp_path: Path) -> None:
    (example_project / "actions" / "support" / "bad.yaml").write_text(
        "kind: action\ntype: send_text_message\nagent: support\nname: bad\n"
        "messaging_channel: Customer notifications\n"
        "message: Hi {{ if .parameters.x }}there{{ end }}\n"
    )
    out = tmp_path / "tools.json"
    result = cli("--no-color", "--project", example_project, "compile", "--out", out)
    assert result.exit_code == 1
    assert "actions/support/bad.yaml:6:13: error T404" in result.stderr
    assert not out.exists()


def test_format_json_diagnostics(cli: Cli, example_project: Path) -> None:
    (example_project / "actions" / "support" / "hours.yaml").write_text(
        "kind: action\ntype: static_response\nagent: support\nname: hours\n"
        "response: We are open 9 to 5.\n"
    )
    result = cli("--project", example_project, "compile", "--format", "json")
    assert result.exit_code == 1
    (diagnostic,) = json.loads(result.stderr)
    assert diagnostic["code"] == "C601"
    assert (diagnostic["file"], diagnostic["line"]) == ("actions/support/hours.yaml", 2)


def test_warnings_go_to_stderr_and_exit_0(cli: Cli, example_project: Path) -> None:
    (example_project / "actions" / "support" / "long.yaml").write_text(
        "kind: action\ntype: send_text_message\nagent: support\nname: long_sms\n"
        "messaging_channel: Customer notifications\n"
        f"message: {'word ' * 40}\n"
    )
    result = cli("--no-color", "--project", example_project, "compile")
    assert result.exit_code == 0
    assert "actions/support/long.yaml:6:10: warning M510" in result.stderr
    assert "support/long_sms" in json.loads(result.stdout)


def test_output_is_byte_stable(cli: Cli, example_project: Path) -> None:
    first = cli("--project", example_project, "compile").stdout
    assert cli("--project", example_project, "compile").stdout == first


def test_out_to_an_unwritable_place_is_an_error_not_a_traceback(
    cli: Callable[..., CliResult], example_project: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory\n")
    result = cli("--project", example_project, "compile", "--out", blocker / "tools.json")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert "a-file" in result.stderr


def test_out_of_one_tool_says_one_tool(cli: Cli, tmp_path: Path) -> None:
    from compiler.init.skeleton import ACTION, CHANNEL, project_file
    from tests.conftest import write_files

    root = write_files(
        tmp_path / "p",
        {
            "actionctl.yaml": project_file("local", None),
            "channels/c.yaml": CHANNEL,
            "actions/support/a.yaml": ACTION,
        },
    )
    result = cli("--project", root, "compile", "--out", tmp_path / "tools.json")
    assert result.exit_code == 0
    assert "Wrote 1 tool (dev) to " in result.stderr
