"""The ``github`` diagnostics format: workflow-command syntax, escaping, GitHub's caps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compiler.diagnostics import Diagnostic, Severity
from compiler.report import format_diagnostics
from compiler.report.github import escape_data, escape_property


def make(severity: Severity, n: int, *, line: int = 3, column: int = 5) -> list[Diagnostic]:
    return [
        Diagnostic(f"actions/a{i:03}.yaml", line, column, severity, "S101", f"problem {i}")
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def lines_starting(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def test_error_annotation_has_file_line_col_and_code_as_title() -> None:
    diagnostic = Diagnostic("actions/sms.yaml", 12, 7, Severity.ERROR, "T201", "bad template")
    assert format_diagnostics([diagnostic], "github") == (
        "::error file=actions/sms.yaml,line=12,col=7,title=T201::bad template"
    )


def test_severities_map_to_error_warning_notice() -> None:
    diagnostics = [
        Diagnostic("a.yaml", 1, 1, Severity.ERROR, "E101", "e"),
        Diagnostic("a.yaml", 2, 1, Severity.WARNING, "W101", "w"),
        Diagnostic("a.yaml", 3, 1, Severity.INFO, "I101", "i"),
    ]
    out = format_diagnostics(diagnostics, "github").splitlines()
    assert [line.split(" ", 1)[0] for line in out] == ["::error", "::warning", "::notice"]


def test_unknown_position_omits_line_and_col() -> None:
    whole_file = Diagnostic("channels/sms.yaml", 0, 0, Severity.ERROR, "L101", "unreadable")
    no_column = Diagnostic("channels/sms.yaml", 4, 0, Severity.ERROR, "L101", "unreadable")
    assert format_diagnostics([whole_file], "github") == (
        "::error file=channels/sms.yaml,title=L101::unreadable"
    )
    assert format_diagnostics([no_column], "github") == (
        "::error file=channels/sms.yaml,line=4,title=L101::unreadable"
    )


def test_escaping_follows_workflow_command_rules() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_message_and_path_are_escaped_in_the_annotation() -> None:
    diagnostic = Diagnostic(
        "actions/odd,name:1.yaml", 2, 3, Severity.WARNING, "S102", "50% off\nline two: a,b"
    )
    out = format_diagnostics([diagnostic], "github")
    assert out == (
        "::warning file=actions/odd%2Cname%3A1.yaml,line=2,col=3,title=S102"
        "::50%25 off\\x0aline two: a,b"  # the Diagnostic escaped the newline already
    )
    assert "\n" not in out


def test_at_most_ten_annotations_per_type_then_one_summary_notice() -> None:
    diagnostics = make(Severity.ERROR, 25) + make(Severity.WARNING, 12) + make(Severity.INFO, 3)
    out = format_diagnostics(diagnostics, "github")
    assert len(lines_starting(out, "::error ")) == 10
    assert len(lines_starting(out, "::warning ")) == 10
    notices = lines_starting(out, "::notice ")
    assert len(notices) <= 10
    summary = [n for n in notices if "more diagnostics" in n]
    assert len(summary) == 1
    assert "17 more diagnostics" in summary[0]
    assert "15 errors" in summary[0] and "2 warnings" in summary[0]
    # every annotation line is one workflow command; nothing else starts with "::"
    assert len(lines_starting(out, "::")) == 10 + 10 + 3 + 1


def test_omitted_diagnostics_stay_in_the_log_as_plain_lines() -> None:
    out = format_diagnostics(make(Severity.ERROR, 12), "github")
    assert "actions/a010.yaml:3:5: error S101 problem 10" in out.splitlines()
    assert "actions/a011.yaml:3:5: error S101 problem 11" in out.splitlines()


def test_summary_notice_never_pushes_notices_past_the_cap() -> None:
    out = format_diagnostics(make(Severity.INFO, 30), "github")
    notices = lines_starting(out, "::notice ")
    assert len(notices) == 10  # 9 diagnostics + the summary
    assert "21 more diagnostics" in notices[-1]


def test_under_the_cap_nothing_is_summarised() -> None:
    out = format_diagnostics(make(Severity.ERROR, 10) + make(Severity.INFO, 10), "github")
    assert "more diagnostics" not in out
    assert len(out.splitlines()) == 20


def test_job_summary_gets_the_full_list_as_a_markdown_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    diagnostics = make(Severity.ERROR, 13)
    diagnostics.append(Diagnostic("actions/pipe.yaml", 1, 1, Severity.WARNING, "S103", "a | b\nc"))
    out = format_diagnostics(diagnostics, "github")
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, not overwritten
    assert "| severity | code | location | message |" in text
    rows = [line for line in text.splitlines() if line.startswith("| error ")]
    assert len(rows) == 13
    assert "| warning | `S103` | `actions/pipe.yaml:1:1` | a \\| b\\\\x0ac |" in text
    assert "3 not shown as annotations" in text
    assert "job summary" in out


def test_no_diagnostics_no_output_and_no_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert format_diagnostics([], "github") == ""
    assert not summary.exists()


def test_paths_are_prefixed_with_the_project_dir_relative_to_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "infra" / "voice").mkdir(parents=True)
    diagnostic = Diagnostic("actions/x.yaml", 1, 2, Severity.ERROR, "S101", "m")
    out = format_diagnostics([diagnostic], "github", project_dir=Path("infra/voice"))
    assert out.startswith("::error file=infra/voice/actions/x.yaml,line=1,col=2,")
    outside = format_diagnostics([diagnostic], "github", project_dir=tmp_path.parent)
    assert outside.startswith("::error file=actions/x.yaml,")  # not under the checkout


def test_a_project_in_a_sub_directory_is_prefixed_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any
) -> None:
    import shutil

    from tests.ecosystem.conftest import SAMPLES

    shutil.copytree(SAMPLES / "bad", tmp_path / "infra" / "bad")
    monkeypatch.chdir(tmp_path)
    result = cli("--project", "infra/bad", "validate", "--format", "github")
    assert result.exit_code == 1, result.output
    errors = lines_starting(result.stdout, "::error ")
    assert any(line.startswith("::error file=infra/bad/actions/support/") for line in errors)
    sarif = cli("--project", "infra/bad", "validate", "--format", "sarif")
    assert '"uri": "infra/bad/actions/support/' in sarif.stdout


def test_validate_command_github_format_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Any
) -> None:
    import shutil

    from tests.ecosystem.conftest import SAMPLES

    project = tmp_path / "bad"
    shutil.copytree(SAMPLES / "bad", project)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = cli("--project", project, "validate", "--format", "github")
    assert result.exit_code == 1, result.output
    errors = lines_starting(result.stdout, "::error ")
    assert any(
        line.startswith("::error file=actions/support/booking.yaml,line=6,col=20,title=N301::")
        for line in errors
    ), errors
    assert "| error | `N301` | `actions/support/booking.yaml:6:20` |" in summary.read_text()


def test_job_summary_fits_what_the_step_file_has_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler.report.github_summary import STEP_CAP

    summary = tmp_path / "summary.md"
    summary.write_text("x" * (STEP_CAP - 50_000))  # earlier steps' output, same file
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    diagnostics = [
        Diagnostic(f"actions/{i}.yaml", 1, 1, Severity.ERROR, "S201", "é" * 5_000)
        for i in range(100)
    ]
    format_diagnostics(diagnostics, "github")
    assert summary.stat().st_size <= STEP_CAP
    text = summary.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| error ")]
    assert 0 < len(rows) < 100
    assert f"… and {100 - len(rows)} more (see the step's log)." in text
    assert all(len(line) < 2_200 for line in rows)  # one message stays one bounded row
