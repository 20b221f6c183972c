"""The ``sarif`` diagnostics format validates against the SARIF 2.1.0 JSON schema.

``sarif-schema-2.1.0.json`` next to this file is the OASIS SARIF 2.1.0 schema
(oasis-tcs/sarif-spec, Documents/CommitteeSpecifications/2.1.0/sarif-schema-2.1.0.json,
commit 3682e9ee648f2f3e11ba1fcd47fc390a0b8f9dab), vendored because tests run offline.
It keeps every validation keyword of the original (types, properties,
additionalProperties, required, enum, patterns, formats, minimum/maximum, minItems,
uniqueItems, anyOf/oneOf, $ref); the annotation-only keywords ``description`` (below
the top level) and ``default`` were left out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from compiler.diagnostics import Diagnostic, Location, Severity
from compiler.report import format_diagnostics

SCHEMA_FILE = Path(__file__).with_name("sarif-schema-2.1.0.json")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def sarif(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(format_diagnostics(diagnostics, "sarif"))
    return data


def assert_valid(validator: jsonschema.Draft7Validator, log: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


DIAGNOSTICS = [
    Diagnostic("actions/sms.yaml", 12, 7, Severity.ERROR, "T201", "control flow {{ if }}"),
    Diagnostic("actions/sms.yaml", 14, 3, Severity.WARNING, "S104", "unused parameter"),
    Diagnostic("actions/my file.yaml", 1, 1, Severity.INFO, "I101", "note"),
    Diagnostic("channels/main.yaml", 0, 0, Severity.ERROR, "L101", "cannot read file"),
    Diagnostic("actionctl.yaml", 5, 0, Severity.ERROR, "T201", "second use of a code"),
]


def test_output_validates_against_the_sarif_schema(validator: jsonschema.Draft7Validator) -> None:
    assert_valid(validator, sarif(DIAGNOSTICS))


def test_empty_output_validates_too(validator: jsonschema.Draft7Validator) -> None:
    log = sarif([])
    assert_valid(validator, log)
    assert log["runs"][0]["results"] == []


def test_the_schema_rejects_what_sarif_forbids(validator: jsonschema.Draft7Validator) -> None:
    # proves the vendored schema has teeth: a region with line 0 and a bad level fail
    log = sarif(DIAGNOSTICS[:1])
    result = log["runs"][0]["results"][0]
    result["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    result["level"] = "fatal"
    assert len(list(validator.iter_errors(log))) == 2


def test_log_header_and_driver() -> None:
    from compiler import __version__

    log = sarif(DIAGNOSTICS)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "actionctl"
    assert driver["version"] == __version__
    # pyproject.toml declares no [project.urls]: no link to a place that may not exist
    assert "informationUri" not in driver
    assert "https://" not in json.dumps(log).replace(log["$schema"], "")


def test_one_rule_per_code_used_with_help_anchor() -> None:
    log = sarif(DIAGNOSTICS)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["T201", "S104", "I101", "L101"]
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert "helpUri" not in rule
    results = log["runs"][0]["results"]
    assert [rules[r["ruleIndex"]]["id"] for r in results] == [r["ruleId"] for r in results]


def test_results_carry_level_message_and_location() -> None:
    results = sarif(DIAGNOSTICS)["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note", "error", "error"]
    first = results[0]
    assert first["message"]["text"] == "control flow {{ if }}"
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "actions/sms.yaml", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "startColumn": 7}


def test_unknown_line_omits_region_and_unknown_column_omits_start_column() -> None:
    results = sarif(DIAGNOSTICS)["runs"][0]["results"]
    assert "region" not in results[3]["locations"][0]["physicalLocation"]
    assert results[4]["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}


def test_uri_is_percent_encoded() -> None:
    results = sarif(DIAGNOSTICS)["runs"][0]["results"]
    artifact = results[2]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "actions/my%20file.yaml"


def test_validate_command_sarif_validates_and_names_the_problems(
    validator: jsonschema.Draft7Validator, tmp_path: Path, cli: Any
) -> None:
    import shutil

    from tests.ecosystem.conftest import SAMPLES

    project = tmp_path / "bad"
    shutil.copytree(SAMPLES / "bad", project)
    result = cli("--project", project, "validate", "--format", "sarif")
    assert result.exit_code == 1, result.output
    log = json.loads(result.stdout)
    assert_valid(validator, log)
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"N301", "T420"}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"actions/support/booking.yaml"}
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    # rules describe themselves from the code registry
    assert all(rule["shortDescription"]["text"] for rule in rules)


def test_rules_are_described_from_the_registry_with_a_readable_name(
    validator: jsonschema.Draft7Validator,
) -> None:
    from compiler.diagnostics.codes import S201

    diagnostics = [
        Diagnostic("actions/a.yaml", 3, 1, Severity.ERROR, "S201", "unknown field 'mesage'"),
        Diagnostic("actions/a.yaml", 4, 1, Severity.ERROR, "S204", "`no` is a boolean"),
    ]
    log = sarif(diagnostics)
    assert_valid(validator, log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    documented = S201
    unknown_field = rules["S201"]
    assert unknown_field["name"] == "UnknownField"
    assert unknown_field["fullDescription"]["text"] == documented.meaning
    assert unknown_field["shortDescription"]["text"] == "Unknown field; the message suggests " + (
        "the nearest known one or lists them all."
    )
    assert documented.fix in unknown_field["help"]["text"]
    assert f"**Fix:** {documented.fix}" in unknown_field["help"]["markdown"]
    assert unknown_field["help"]["text"] == f"{S201.meaning}\nFix: {S201.fix}"
    assert rules["S204"]["name"] == "StringWasExpectedButYAML"
    for rule in rules.values():
        assert rule["name"] != rule["id"] and rule["name"][:1].isupper()
        assert " " not in rule["name"]


def test_every_documented_code_gets_a_distinct_pascal_case_name() -> None:
    import re

    from compiler.diagnostics.codes import REGISTRY
    from compiler.report.sarif import rule_name

    assert len(REGISTRY) > 100
    for code in REGISTRY.values():
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule_name(code.meaning, code)), code
    every = [Diagnostic.of(Location("a.yaml", 1, 1), code, "m") for code in REGISTRY.values()]
    names = [rule["name"] for rule in sarif(every)["runs"][0]["tool"]["driver"]["rules"]]
    assert len(set(names)) == len(names)


def test_undocumented_codes_fall_back_to_their_message(
    validator: jsonschema.Draft7Validator,
) -> None:
    log = sarif([Diagnostic("a.yaml", 1, 1, Severity.ERROR, "Z999", "something odd")])
    assert_valid(validator, log)
    (rule,) = log["runs"][0]["tool"]["driver"]["rules"]
    assert rule["fullDescription"]["text"] == "something odd"
    assert rule["name"] == "SomethingOdd"
    assert rule["help"]["text"] == "something odd"


def test_links_go_only_to_a_url_the_project_declares() -> None:
    from compiler.report.sarif import preferred_url

    assert preferred_url([]) is None
    assert preferred_url(["Homepage, http://insecure.example"]) is None
    assert preferred_url(
        ["Homepage, https://example.org/", "Repository, https://git.example.org/actionctl"]
    ) == ("https://git.example.org/actionctl")
