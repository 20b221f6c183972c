"""The example project's own tests pass offline; breaking a message, a schema or a
channel number makes the right case fail at its line with a readable difference."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT, CliResult
from tests.testing.conftest import failures, line_of, replace_in

BOOKING_TEST = "tests/support/send_booking_confirmation.test.yaml"
BOOKING_ACTION = "actions/support/send_booking_confirmation.yaml"


def test_the_repository_example_project_passes(cli: Callable[..., CliResult]) -> None:
    result = cli("--project", REPO_ROOT, "test")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("ok: ")


def test_every_action_of_the_example_project_has_tests(tested_project: Path) -> None:
    from compiler.load import load_project

    project = load_project(tested_project).project
    assert project is not None
    tested = {p.name.removesuffix(".test.yaml") for p in tested_project.glob("tests/*/*.test.yaml")}
    assert tested == {action.name for action in project.actions}


def test_every_case_and_golden_passes_in_both_environments(
    tested_project: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    code, report = run_json(tested_project)
    assert code == 0, failures(report)
    assert report["summary"]["failed"] == 0
    assert {r["environment"] for r in report["results"]} == {"dev", "prod"}
    kinds = {r["kind"] for r in report["results"]}
    assert kinds == {"case", "golden"}
    assert report["summary"]["total"] == len(report["results"]) > 50


def test_a_broken_message_fails_at_the_expected_text_with_a_word_diff(
    tested_project: Path, cli: Callable[..., CliResult]
) -> None:
    replace_in(tested_project / BOOKING_ACTION, "is confirmed!", "is confirmd!")
    result = cli("--project", tested_project, "test")
    assert result.exit_code == 1
    line = line_of(tested_project / BOOKING_TEST, "text: 'Hi, your booking")
    assert f"{BOOKING_TEST}:{line}:11: U120 the SMS text differs" in result.stdout
    assert "[-confirmed!-]{+confirmd!+}" in result.stdout
    # The golden payload shows the same change field by field, as plan does.
    assert "U131" in result.stdout and "static_params.message:" in result.stdout


def test_a_schema_that_rejects_the_sample_fails_at_its_parameters(
    tested_project: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    replace_in(
        tested_project / BOOKING_ACTION,
        "description: The booking reference number",
        "description: The booking reference number\n      maxLength: 5",
    )
    code, report = run_json(tested_project, "-k", "confirms the reference")
    assert code == 1
    (failure,) = [f for f in failures(report) if f["code"] == "U113"][:1]
    path = tested_project / BOOKING_TEST
    assert failure["file"] == BOOKING_TEST
    assert failure["line"] == line_of(path, "name: confirms the reference") + 2
    assert any("maxLength" in detail for detail in failure["details"])


def test_a_changed_channel_number_fails_the_sender_case_of_that_environment(
    tested_project: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    replace_in(tested_project / "actionctl.yaml", '"+15550100001"', '"+15550100009"')
    code, report = run_json(tested_project, "-k", "send_booking_confirmation")
    assert code == 1
    failed = {f["id"]: f for f in failures(report)}
    sender = failed["support/send_booking_confirmation::sent from prod's number[prod]"]
    assert sender["code"] == "U126"
    assert "+15550100009" in sender["message"]
    assert sender["line"] == line_of(tested_project / BOOKING_TEST, "sender: '+15550100001'")
    golden = failed["support/send_booking_confirmation::golden[prod]"]
    assert golden["code"] == "U131"
    assert golden["details"] == ['~ static_params.from_number: "+15550100001" -> "+15550100009"']
    assert not any(f["id"].endswith("[dev]") for f in failed.values())


def test_the_project_loader_does_not_read_test_files(tested_project: Path) -> None:
    from compiler.load import load_project

    loaded = load_project(tested_project)
    assert not [f for f in loaded.files if f.startswith("tests/")]
    assert loaded.diagnostics == []
