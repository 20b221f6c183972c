"""Hostile validate cases through the CLI: each gives exit 1, its code at file:line
in text and json, and no traceback. (File-system cases: tests/load/test_unreadable_files.py;
saved plans: tests/plan/test_plan_file_hostile.py; output: tests/report/test_hostile_names.py.)"""

# ruff: noqa: E501  (the case table reads best with one case per line)

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.test_bad_input_cli import CHANNEL, SMS, Case
from tests.conftest import CliResult, write_files


def api_call(schema: str) -> str:
    return f"kind: action\ntype: api_call\nagent: a\nname: c\nurl: https://x.test\nparameters_schema:\n{schema}"


NESTED_REQUIRED = "  type: object\n  properties:\n    address:\n      type: object\n      properties: {street: {type: string}}\n      required: [zip]\n"
ALIASED = "  type: object\n  properties:\n    a: &bad\n      type: strin\n    b: *bad\n"

CASES = [
    Case("ref-remote", {"actions/a.yaml": api_call("  type: object\n  properties:\n    x: {$ref: 'https://evil.test/s.json'}\n")}, "M530", "actions/a.yaml:9"),
    Case("ref-file", {"actions/a.yaml": api_call("  type: object\n  properties:\n    x: {$ref: 'file:///etc/passwd'}\n")}, "M530", "actions/a.yaml:9"),
    Case("ref-relative", {"actions/a.yaml": api_call("  type: object\n  properties:\n    x: {$ref: 'other.json#/a'}\n")}, "M530", "actions/a.yaml:9"),
    Case("ref-dangling", {"actions/a.yaml": api_call("  type: object\n  $defs: {there: {type: string}}\n  properties:\n    x: {$ref: '#/$defs/missing'}\n")}, "M530", "actions/a.yaml:10"),
    Case("ref-anchor", {"actions/a.yaml": api_call("  type: object\n  properties:\n    x: {$ref: '#name'}\n")}, "M530", "actions/a.yaml:9"),
    Case("nested-required", {"actions/a.yaml": api_call(NESTED_REQUIRED)}, "M503", "actions/a.yaml:12"),
    Case("alias-use-site", {"actions/a.yaml": api_call(ALIASED)}, "M501", "actions/a.yaml:11"),
    Case("recipient-contact-template", {"channels/c.yaml": CHANNEL, "actions/a.yaml": SMS + "recipient: 'contact{{ .parameters.x }}'\nparameters_schema: {type: object, properties: {x: {type: string}}}\n"}, "N324", "actions/a.yaml:7"),
    Case("handover-without-number", {"actions/a.yaml": "kind: action\ntype: handover\nagent: support\nname: desk\ndescription: d\n"}, "S202", "actions/a.yaml:1"),
    Case("static-response-also-wrong", {"actions/a.yaml": "kind: action\ntype: static_response\nagent: a\nname: s\nresponse: 3\nbogus: 1\n"}, "C601", "actions/a.yaml:2"),
    Case("base-url-plain-http", {"actionctl.yaml": "platform: openmic\nbase_url: http://api.example.com\n"}, "E117", "actionctl.yaml:2"),
    Case("base-url-credentials", {"actionctl.yaml": "base_url: https://user:pw@api.example.com\n"}, "E117", "actionctl.yaml:1"),
    Case("base-url-port", {"actionctl.yaml": "base_url: https://api.example.com:99999\n"}, "E117", "actionctl.yaml:1"),
    Case("base-url-query", {"actionctl.yaml": "base_url: https://api.example.com/?key=abc\n"}, "E117", "actionctl.yaml:1"),
    Case("key-as-variable-name", {"actionctl.yaml": "api_key_env: omk_live_4f9a8b7c6d5e\n"}, "S206", "actionctl.yaml:1"),
    Case("project-file-is-a-folder", {"actionctl.yaml/x": "prune: true\n"}, "E115", "actionctl.yaml:0"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_case_is_a_located_error(
    cli: Callable[..., CliResult], tmp_path: Path, case: Case
) -> None:
    write_files(tmp_path, case.files)
    text = cli("--project", tmp_path, "validate")
    assert text.exit_code == 1, text.output
    assert "Traceback" not in text.output and "internal error" not in text.output
    result = cli("--project", tmp_path, "validate", "--format", "json")
    found = {(d["code"], f"{d['file']}:{d['line']}") for d in json.loads(result.stdout)}
    assert (case.code, case.where) in found, found


def test_messages_name_what_they_must(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    write_files(tmp_path, {c.name + "/" + k: v for c in CASES[8:10] for k, v in c.files.items()})
    handover = cli("--project", tmp_path / "handover-without-number", "validate").stdout
    assert "of handover 'support/desk'" in handover
    key = cli("--project", tmp_path, "validate").stdout  # nothing to say about a missing key
    assert "omk_live" not in key
    write_files(tmp_path / "k", dict(CASES[14].files))
    out = cli("--project", tmp_path / "k", "validate", "--format", "json").stdout
    assert "omk_live" not in out
