"""The output formats: text summary, JSON, GitHub annotations, SARIF, and JUnit XML that
follows the JUnit schema CI systems read (Surefire/Jenkins junit-10.xsd, as pytest's own
--junitxml is checked against): its elements, required attributes and time format."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import CliResult
from tests.testing.conftest import replace_in

BOOKING_ACTION = "actions/support/send_booking_confirmation.yaml"

# junit-10.xsd: what each element may hold and which attributes it may (and must) have.
CHILDREN = {
    "testsuites": {"testsuite"},
    "testsuite": {"testsuite", "properties", "testcase", "system-out", "system-err"},
    "testcase": {"skipped", "errors", "failure", "system-out", "system-err"},
    "failure": set(),
}
ATTRIBUTES = {
    "testsuites": {"name", "time", "tests", "failures", "errors"},
    "testsuite": {
        "name",
        "tests",
        "failures",
        "errors",
        "group",
        "time",
        "skipped",
        "timestamp",
        "hostname",
        "id",
        "package",
        "file",
        "log",
        "url",
        "version",
    },
    "testcase": {"name", "time", "classname", "group"},
    "failure": {"type", "message"},
}
REQUIRED = {
    "testsuites": set(),
    "testsuite": {"name", "tests", "failures", "errors"},
    "testcase": {"name"},
    "failure": set(),
}
SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?")


def assert_junit_valid(element: ElementTree.Element) -> None:
    tag = element.tag
    assert tag in CHILDREN, tag
    assert set(element.attrib) <= ATTRIBUTES[tag], (tag, element.attrib)
    assert REQUIRED[tag] <= set(element.attrib), (tag, element.attrib)
    if tag in ("testsuites", "testsuite") and "time" in element.attrib:
        assert SUREFIRE_TIME.fullmatch(element.attrib["time"]), element.attrib["time"]
    for child in element:
        assert child.tag in CHILDREN[tag], (tag, child.tag)
        assert_junit_valid(child)


@pytest.fixture
def broken(tested_project: Path) -> Path:
    replace_in(tested_project / BOOKING_ACTION, "is confirmed!", "is confirmd!")
    return tested_project


def test_junit_follows_the_schema_and_locates_each_failure(
    broken: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("--project", broken, "test", "--format", "junit")
    assert result.exit_code == 1
    root = ElementTree.fromstring(result.stdout.encode())
    assert root.tag == "testsuites"
    assert_junit_valid(root)
    cases = root.findall("./testsuite/testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    assert int(root.attrib["tests"]) == len(cases)
    assert int(root.attrib["failures"]) == len(failed)
    suite_failures = sum(int(suite.attrib["failures"]) for suite in root.findall("testsuite"))
    assert suite_failures == len(failed)
    messages = [f.attrib["message"] for case in failed for f in case.findall("failure")]
    assert any(
        re.match(r"tests/support/send_booking_confirmation\.test\.yaml:\d+:\d+: U120 ", m)
        for m in messages
    ), messages


def test_junit_reports_errors_outside_the_cases_as_failures(
    tested_project: Path, cli: Callable[..., CliResult]
) -> None:
    (tested_project / "tests/support/bad.test.yaml").write_text("kind: test\naction: x/y\n")
    result = cli("--project", tested_project, "test", "--format", "junit")
    assert result.exit_code == 1
    root = ElementTree.fromstring(result.stdout.encode())
    assert_junit_valid(root)
    messages = [f.attrib["message"] for f in root.iter("failure")]
    assert any(m.startswith("tests/support/bad.test.yaml:1:1: U100") for m in messages), messages


def test_json_has_the_summary_the_results_and_what_was_observed(
    tested_project: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli(
        "--project", tested_project, "test", "--format", "json", "-k", "lookup_booking::sends"
    )
    report = json.loads(result.stdout)
    assert report["summary"]["ok"] is True
    assert report["summary"]["total"] == 2  # dev and prod
    assert report["summary"]["deselected"] > 0
    observed = report["results"][0]["observed"]
    assert observed["request"]["url"].endswith("?booking_reference=BK-20931")


def test_github_annotations_point_at_the_case_line(
    broken: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("--project", broken, "test", "--format", "github")
    assert result.exit_code == 1
    assert re.search(
        r"^::error file=tests/support/send_booking_confirmation\.test\.yaml,line=\d+,col=\d+,"
        r"title=U120",
        result.stdout,
        re.MULTILINE,
    ), result.stdout


def test_sarif_lists_the_failures_with_their_regions(
    broken: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("--project", broken, "test", "--format", "sarif")
    log = json.loads(result.stdout)
    results = log["runs"][0]["results"]
    x120 = [r for r in results if r["ruleId"] == "U120"]
    assert x120
    region = x120[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] > 1


def test_text_summary_counts_and_k_selects(
    tested_project: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("--project", tested_project, "test", "-k", "worst case", "--env", "dev")
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[-1]
    assert re.fullmatch(r"ok: \d+ passed, \d+ deselected \(\d+\.\d\ds in cases\)", summary), summary
