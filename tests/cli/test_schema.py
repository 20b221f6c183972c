"""``actionctl schema``: standalone schemas for editors."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from jsonschema import Draft202012Validator

from compiler.load import schemas
from tests.conftest import CliResult

Cli = Callable[..., CliResult]


def test_default_is_the_action_dispatcher(cli: Cli) -> None:
    result = cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$id"].endswith("/action.schema.json")
    assert "$ref" not in result.stdout  # standalone: an editor needs nothing else
    validator = Draft202012Validator(schema)
    good = {"kind": "action", "type": "client_action", "agent": "a", "name": "n"}
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "nmae": "x"})


@pytest.mark.parametrize("kind", ["project", "channel", "openmic.send_sms", "send_text_message"])
def test_each_kind(cli: Cli, kind: str) -> None:
    result = cli("schema", kind)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == schemas.load_schema(kind)["$id"]


def test_raw_keeps_refs(cli: Cli) -> None:
    result = cli("schema", "--raw", "handover")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schemas.load_schema("handover")
    assert "$ref" in result.stdout


def test_list(cli: Cli) -> None:
    result = cli("schema", "--list")
    assert result.exit_code == 0
    assert result.stdout.split() == list(schemas.kinds())


def test_unknown_kind_lists_kinds_and_exits_1(cli: Cli) -> None:
    result = cli("schema", "chanel")
    assert result.exit_code == 1
    assert "did you mean 'channel'?" in result.stderr
    assert "openmic.transfer_call" in result.stderr
    assert "Traceback" not in result.output
