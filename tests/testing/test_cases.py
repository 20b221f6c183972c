"""The checks of one case, on small projects written in tmp dirs: sample arguments
against the schema (and expected failures), placeholders, E.164, encoding, segments,
the worst case, handover numbers and API requests; and bad test files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult, write_files
from tests.testing.conftest import failures, line_of

PROJECT = {
    "actionctl.yaml": "default_environment: dev\nenvironments:\n  dev: {}\n  prod:\n"
    "    channels:\n      Notify: '+15550100001'\n",
    "channels/notify.yaml": "kind: channel\nname: Notify\nphone_number: '+15550000001'\n"
    "capabilities: [sms]\n",
    "actions/a/sms.yaml": """\
kind: action
type: send_text_message
agent: a
name: notify
description: Texts the caller a note about their booking.
messaging_channel: Notify
recipient: "{{ .parameters.to }}"
parameters_schema:
  type: object
  properties:
    to: {type: string, description: "The number, e.g. +15551234567"}
    note: {type: string, maxLength: 30, description: The note}
    size: {type: string, enum: [S, XXL], description: A size}
  required: [to, note]
message: "Note: {{ .parameters.note }} ({{ .parameters.size }}) from {{ .variables.clinic }}"
""",
    "actions/a/api.yaml": """\
kind: action
type: api_call
agent: a
name: create
description: Creates a booking in the bookings backend.
url: https://api.example.com/bookings
method: POST
parameters_schema:
  type: object
  properties:
    day: {type: string, description: The day}
  required: [day]
""",
    "actions/a/handover.yaml": """\
kind: action
type: handover
agent: a
name: transfer
description: Transfers the call to the number the caller came from, as a callback.
phone_number: "{{ .variables.call.from }}"
transfer_type: cold
""",
}
GOOD = {"to": "+15551234567", "note": "ok", "size": "S"}


def project(tmp_path: Path, tests: dict[str, str]) -> Path:
    root = write_files(tmp_path / "p", PROJECT | tests)
    return root


def sms_test(cases: str) -> dict[str, str]:
    head = "kind: test\naction: a/notify\ngolden: false\nenvironments: [dev]\ncases:\n"
    return {"tests/a/notify.test.yaml": head + cases}


@pytest.fixture
def run(
    tmp_path: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> Callable[..., tuple[int, list[dict[str, Any]], dict[str, Any]]]:
    def go(tests: dict[str, str], *args: str) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
        code, report = run_json(project(tmp_path, tests), *args)
        return code, failures(report), report

    return go


def test_a_passing_sms_case(run: Callable[..., Any]) -> None:
    code, found, report = run(
        sms_test(
            """\
- name: renders
  parameters: {to: "+15551234567", note: ok, size: S}
  variables: {clinic: Northside}
  expect:
    text: "Note: ok (S) from Northside"
    contains: [ok, Northside]
    not_contains: "{{"
    matches: "^Note: "
    encoding: GSM-7
    segments: 1
    recipient: "+15551234567"
    sender: "+15550000001"
"""
        )
    )
    assert (code, found) == (0, [])
    assert report["results"][0]["observed"]["text"] == "Note: ok (S) from Northside"


def test_unrendered_placeholder_and_a_recipient_that_is_not_e164(run: Callable[..., Any]) -> None:
    code, found, _ = run(
        sms_test(
            """\
- name: no clinic
  parameters: {to: "+15551234567", note: ok, size: S}
- name: local number
  parameters: {to: "555 1234", note: ok, size: S}
  variables: {clinic: N}
"""
        )
    )
    assert code == 1
    assert [(f["code"], f["id"].split("::")[1]) for f in found] == [
        ("U110", "no clinic[dev]"),
        ("U111", "local number[dev]"),
    ]
    assert "{{clinic}}" in found[0]["message"]


def test_a_sample_the_schema_rejects_fails_with_each_reason(run: Callable[..., Any]) -> None:
    code, found, _ = run(
        sms_test(
            """\
- name: too long
  parameters: {to: "+15551234567", note: "a note much longer than thirty characters", size: M}
  variables: {clinic: N}
"""
        )
    )
    assert code == 1
    (failure,) = found
    assert failure["code"] == "U113"
    assert [d.split(" [")[-1] for d in failure["details"]] == ["maxLength]", "enum]"]


def test_expected_failures_must_happen_and_be_the_listed_ones(run: Callable[..., Any]) -> None:
    code, found, _ = run(
        sms_test(
            """\
- name: rejects a missing note
  parameters: {to: "+15551234567"}
  expect_failures: [note]
- name: rejects nothing
  parameters: {to: "+15551234567", note: ok}
  expect_failures: [required]
- name: rejects for another reason
  parameters: {to: "+15551234567", note: ok, size: M}
  expect_failures: [maxLength]
"""
        )
    )
    assert code == 1
    by_case: dict[str, list[str]] = {}
    for failure in found:
        by_case.setdefault(failure["id"].split("::")[1], []).append(failure["message"])
    assert set(by_case) == {"rejects nothing[dev]", "rejects for another reason[dev]"}
    assert "accepts these arguments" in by_case["rejects nothing[dev]"][0]
    unmet, extra = by_case["rejects for another reason[dev]"]
    assert "not for maxLength (it fails on: enum)" in unmet
    assert "does not list" in extra


def test_encoding_failure_names_the_characters_that_force_ucs2(
    tmp_path: Path, run: Callable[..., Any]
) -> None:
    code, found, _ = run(
        sms_test(
            """\
- name: curly quote
  parameters: {to: "+15551234567", note: "it’s ok", size: S}
  variables: {clinic: N}
  expect: {encoding: GSM-7}
"""
        )
    )
    assert code == 1
    (failure,) = found
    assert failure["code"] == "U123"
    assert "'’' (U+2019)" in failure["message"]
    path = tmp_path / "p/tests/a/notify.test.yaml"
    assert failure["line"] == line_of(path, "expect: {encoding")


def test_worst_case_takes_the_costliest_values_the_schema_allows(run: Callable[..., Any]) -> None:
    code, found, report = run(
        sms_test(
            """\
- name: worst
  parameters: {to: "+15551234567"}
  variables: {clinic: Northside}
  worst_case: {}
  expect: {max_segments: 1}
"""
        )
    )
    # 30 emoji force UCS-2: the text is over 70 UTF-16 units, two segments.
    assert code == 1
    (failure,) = found
    assert failure["code"] == "U124"
    assert "2 segment(s), not at most 1" in failure["message"]
    observed = report["results"][0]["observed"]
    assert observed["worst_case"] == "emoji"
    assert observed["arguments"]["size"] == "XXL"  # the costliest enum member
    assert observed["arguments"]["to"] == "+15551234567"  # not printed: kept


def test_worst_case_needs_a_bound_for_every_printed_string(run: Callable[..., Any]) -> None:
    tests = sms_test(
        """\
- name: worst
  parameters: {to: "+15551234567"}
  variables: {clinic: N}
  worst_case: {}
  expect: {max_segments: 3}
"""
    )
    schema_without_bound = "note: {type: string, description: The note}"
    code, found, _ = run(
        tests
        | {
            "actions/a/sms.yaml": PROJECT["actions/a/sms.yaml"].replace(
                "note: {type: string, maxLength: 30, description: The note}", schema_without_bound
            )
        }
    )
    assert code == 1
    assert [f["code"] for f in found] == ["U114"]
    assert "note" in found[0]["message"]


def test_api_call_request_body_and_handover_number(run: Callable[..., Any]) -> None:
    tests = {
        "tests/a/create.test.yaml": """\
kind: test
action: a/create
golden: false
cases:
- name: posts the day
  parameters: {day: monday}
  expect:
    request: {method: POST, url: "https://api.example.com/bookings", body: {day: monday}}
- name: wrong method
  parameters: {day: monday}
  expect:
    request: {method: GET}
""",
        "tests/a/transfer.test.yaml": """\
kind: test
action: a/transfer
golden: false
environments: [dev]
cases:
- name: calls back
  variables: {call.from: "+15557654321"}
  expect: {number: "+15557654321"}
- name: text is for SMS
  variables: {call.from: "+15557654321"}
  expect: {text: hello}
""",
    }
    code, found, _ = run(tests)
    assert code == 1
    assert sorted((f["code"], f["id"]) for f in found) == [
        ("U128", "a/create::wrong method[dev]"),
        ("U128", "a/create::wrong method[prod]"),
        ("U129", "a/transfer::text is for SMS[dev]"),
    ]


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ("kind: test\naction: a/notify\ncases: []\n", "U100", 3),
        ("kind: test\naction: a/notify\ncases:\n- name: x\n  expect: {txt: a}\n", "U100", 5),
        ("kind: action\n", "U100", 1),
        ("kind: test\naction: a/nope\ncases:\n- name: x\n", "U103", 2),
        ("kind: test\naction: a/notify\nenvironments: [stage]\ncases:\n- name: x\n", "U102", 3),
        ("kind: test\naction: a/notify\ncases:\n- name: x\n- name: x\n", "U101", 5),
        ("kind: test\naction: a/notify\ncases: [\n", "Y", 4),
    ],
)
def test_bad_test_files_get_a_located_error_and_exit_1(
    tmp_path: Path, cli: Callable[..., CliResult], text: str, code: str, where: int
) -> None:
    root = project(tmp_path, {"tests/bad.test.yaml": text})
    result = cli("--project", root, "test")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"tests/bad.test.yaml:{where}:" in result.stdout
    assert f" {code}" in result.stdout


def test_unknown_env_option(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = project(tmp_path, sms_test("- name: x\n  parameters: {}\n  expect_failures: [to]\n"))
    result = cli("--project", root, "--env", "stage", "test")
    assert result.exit_code == 1
    assert "U102 unknown environment 'stage'" in result.stdout


def test_a_project_with_errors_runs_no_test(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = project(tmp_path, sms_test("- name: x\n  parameters: {}\n  expect_failures: [to]\n"))
    (root / "channels/notify.yaml").write_text("kind: channel\nname: Notify\n")
    result = cli("--project", root, "test")
    assert result.exit_code == 1
    assert "channels/notify.yaml:1:1: error" in result.stdout
    assert "0 passed" in result.stdout


def test_worst_case_respects_a_pattern_that_forbids_the_costly_characters(
    run: Callable[..., Any],
) -> None:
    tests = sms_test(
        """\
- name: worst
  parameters: {to: "+15551234567"}
  variables: {clinic: N}
  worst_case: {}
  expect: {encoding: GSM-7}
"""
    )
    bounded = "note: {type: string, maxLength: 30, pattern: '^[A-Z]+$', description: The note}"
    action = PROJECT["actions/a/sms.yaml"].replace(
        "note: {type: string, maxLength: 30, description: The note}", bounded
    )
    code, found, report = run(tests | {"actions/a/sms.yaml": action})
    assert (code, found) == (0, [])
    assert report["results"][0]["observed"]["arguments"]["note"] == "W" * 30


def test_a_test_file_linked_from_outside_is_refused(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    outside = tmp_path / "elsewhere.test.yaml"
    outside.write_text("kind: test\naction: a/notify\ncases:\n- name: x\n")
    root = project(tmp_path, {})
    (root / "tests").mkdir()
    (root / "tests/linked.test.yaml").symlink_to(outside)
    result = cli("--project", root, "test")
    assert result.exit_code == 1
    assert "tests/linked.test.yaml: error U108" in result.stdout


def test_no_tests_says_how_to_start(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    result = cli("--project", project(tmp_path, {}), "test")
    assert result.exit_code == 0
    assert "no tests" in result.stdout and "--init" in result.stdout


def test_an_invalid_regular_expression_is_a_located_failure(
    tmp_path: Path, run: Callable[..., Any]
) -> None:
    code, found, _ = run(
        sms_test(
            """\
- name: bad regex
  parameters: {to: "+15551234567", note: ok, size: S}
  variables: {clinic: N}
  expect: {matches: "(unclosed"}
"""
        )
    )
    assert code == 1
    assert [f["code"] for f in found] == ["U122"]
    assert "not a valid regular expression" in found[0]["message"]
