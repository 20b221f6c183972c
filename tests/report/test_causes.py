"""One mistake, one headline: errors that follow from a document that failed to load are
folded under its error, which comes first, in every diagnostics format.

The project is the repository's example on disk; the mistake is the issue's: the
customer-notifications channel's name as an unquoted number (YAML 1.1 reads it as an
int), so the channel is left out and every action and override naming it is "unknown".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from compiler.diagnostics import Diagnostic, Location, Severity, sorted_diagnostics
from compiler.report import format_diagnostics
from tests.report.test_sarif import SCHEMA_FILE

CHANNEL = "channels/customer-notifications.yaml"


def break_channel(project: Path) -> None:
    path = project / CHANNEL
    text = path.read_text()
    assert "name: Customer notifications" in text
    path.write_text(text.replace("name: Customer notifications", "name: 5551234"))


def test_text_puts_the_cause_first_and_folds_its_consequences(
    example_project: Path, cli: Any
) -> None:
    break_channel(example_project)
    result = cli("--project", example_project, "validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{CHANNEL}:2:7: error S204 ")
    assert lines[1] == "    4 more errors caused by this:"
    folded = lines[2:6]
    assert all(line.startswith("    ") for line in folded)
    assert sum(" N301 " in line for line in folded) == 3
    assert sum(" E103 " in line for line in folded) == 1
    assert lines[-1] == "5 errors, 0 warnings (4 caused by others)"


def test_json_stays_flat_with_links_both_ways(example_project: Path, cli: Any) -> None:
    break_channel(example_project)
    items = json.loads(cli("--project", example_project, "validate", "--format", "json").stdout)
    assert [item["code"] for item in items] == ["S204", "E103", "N301", "N301", "N301"]
    assert items[0]["consequences"] == 4
    cause = {"file": CHANNEL, "line": 2, "column": 7, "code": "S204"}
    assert [item.get("caused_by") for item in items[1:]] == [cause] * 4


def test_github_annotates_the_cause_only_and_logs_the_rest(example_project: Path, cli: Any) -> None:
    break_channel(example_project)
    out = cli("--project", example_project, "validate", "--format", "github").stdout
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 1
    assert annotations[0].startswith(f"::error file={CHANNEL},line=2,col=7,title=S204::")
    assert annotations[0].endswith("(4 more caused by this; see the log)")
    assert out.count("  caused by S204: actions/") == 3


def test_sarif_folds_consequences_into_related_locations(example_project: Path, cli: Any) -> None:
    break_channel(example_project)
    log = json.loads(cli("--project", example_project, "validate", "--format", "sarif").stdout)
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA_FILE.read_text()))
    assert not list(validator.iter_errors(log))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "S204"
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == [0, 1, 2, 3]
    assert sum("N301" in r["message"]["text"] for r in related) == 3


def test_a_quoted_name_has_no_consequences(example_project: Path, cli: Any) -> None:
    result = cli("--project", example_project, "validate")
    assert result.exit_code == 0, result.stdout
    assert "caused by" not in result.stdout


def _diagnostic(file: str, code: str, **extra: Any) -> Diagnostic:
    return Diagnostic(file, 1, 1, Severity.ERROR, code, "m", **extra)


def test_a_consequence_whose_cause_was_filtered_out_stands_alone() -> None:
    root = _diagnostic("channels/a.yaml", "S204")
    consequence = _diagnostic("actions/x.yaml", "N301").because_of(root)
    (alone,) = sorted_diagnostics([consequence])
    assert alone.consequences == () and alone.caused_by == root.cause
    (folded,) = sorted_diagnostics([consequence, root])
    assert folded == root and folded.consequences == (consequence,)


def test_chains_fold_under_the_first_cause_and_causes_sort_first() -> None:
    first = _diagnostic("z.yaml", "S204")
    second = _diagnostic("b.yaml", "N301").because_of(first)
    third = _diagnostic("c.yaml", "E103").because_of(second)
    other = _diagnostic("a.yaml", "S201")
    ordered = sorted_diagnostics([other, third, second, first])
    assert [d.code for d in ordered] == ["S204", "S201"]
    assert [d.code for d in ordered[0].consequences] == ["N301", "E103"]
    text = format_diagnostics(ordered, "text")
    assert text.splitlines()[-1] == "4 errors, 0 warnings (2 caused by others)"
    assert Location("z.yaml", 1, 1) == ordered[0].location
