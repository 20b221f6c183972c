"""Bad input through the CLI: every rejection gives exit 1, its code at ``file:line``,
and never a traceback."""

# ruff: noqa: E501  (the case table reads best with one case per line)

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler.load.yaml_source import MAX_FILE_BYTES
from tests.conftest import CliResult, billion_laughs, write_files

CHANNEL = "kind: channel\nname: Main\nphone_number: '+15550000001'\ncapabilities: [sms]\n"
SMS = (
    "kind: action\ntype: send_text_message\nagent: support\nname: confirm\n"
    "messaging_channel: Main\nmessage: Hi\n"
)


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes]
    code: str
    where: str  # "file:line"


CASES = [
    Case("malformed", {"actions/a.yaml": "kind: action\ntype: [handover\n"}, "Y101", "actions/a.yaml:3"),
    Case("unterminated-quote", {"actions/a.yaml": 'kind: "action\n'}, "Y101", "actions/a.yaml:2"),
    Case("undefined-alias", {"actions/a.yaml": "kind: *nothing\n"}, "Y101", "actions/a.yaml:1"),
    Case("control-char", {"actions/a.yaml": b"kind: action\nname: a\x00b\n"}, "Y101", "actions/a.yaml:2"),
    Case("duplicate-key", {"actions/a.yaml": SMS + "name: again\n"}, "Y102", "actions/a.yaml:7"),
    Case("tab-indent", {"actions/a.yaml": "kind: action\nparameters_schema:\n\ttype: object\n"}, "Y103", "actions/a.yaml:3"),
    Case("latin-1", {"actions/a.yaml": b"kind: action\ndescription: caf\xe9\n"}, "Y104", "actions/a.yaml:2"),
    Case("utf-16", {"actions/a.yaml": "kind: action\n".encode("utf-16")}, "Y104", "actions/a.yaml:1"),
    Case("python-object", {"actions/a.yaml": "kind: !!python/object:os.system x\n"}, "Y105", "actions/a.yaml:1"),
    Case("python-apply", {"actions/a.yaml": "kind: action\nx: !!python/object/apply:os.system ['id']\n"}, "Y105", "actions/a.yaml:2"),
    Case("custom-tag", {"channels/c.yaml": "kind: !channel x\n"}, "Y105", "channels/c.yaml:1"),
    Case("list-document", {"actions/a.yaml": "- kind: action\n"}, "Y106", "actions/a.yaml:1"),
    Case("scalar-document", {"channels/c.yaml": CHANNEL + "---\njust text\n"}, "Y106", "channels/c.yaml:6"),
    Case("billion-laughs", {"actions/a.yaml": billion_laughs()}, "Y107", "actions/a.yaml:1"),
    Case("recursive-alias", {"actions/a.yaml": "kind: &k [*k]\n"}, "Y107", "actions/a.yaml:1"),
    Case("too-large", {"actions/a.yaml": "kind: action\nd: " + "x" * MAX_FILE_BYTES + "\n"}, "Y108", "actions/a.yaml:1"),
    Case("complex-key", {"actions/a.yaml": "kind: action\n? {a: 1}\n: x\n"}, "Y109", "actions/a.yaml:2"),
    Case("deep-nesting", {"actions/a.yaml": "kind: " + "[" * 50_000 + "]" * 50_000 + "\n"}, "Y110", "actions/a.yaml:1"),
    Case("unknown-field", {"actions/a.yaml": SMS + "mesage: Hi\n"}, "S201", "actions/a.yaml:7"),
    Case("missing-field", {"actions/a.yaml": "kind: action\ntype: handover\nagent: a\nname: h\n"}, "S202", "actions/a.yaml:1"),
    Case("wrong-type", {"actions/a.yaml": SMS + "async: 3\n"}, "S203", "actions/a.yaml:7"),
    Case("yaml11-no", {"actions/a.yaml": SMS.replace("name: confirm", "name: no")}, "S204", "actions/a.yaml:4"),
    Case("yaml11-time", {"actions/a.yaml": SMS.replace("message: Hi", "message: 12:30")}, "S204", "actions/a.yaml:6"),
    Case("yaml11-version", {"actions/a.yaml": SMS.replace("agent: support", "agent: 1.10")}, "S204", "actions/a.yaml:3"),
    Case("bad-enum", {"channels/c.yaml": CHANNEL.replace("[sms]", "[sms, fax]")}, "S205", "channels/c.yaml:4"),
    Case("bad-pattern", {"actionctl.yaml": "api_key_env: sk-live-123\n"}, "S206", "actionctl.yaml:1"),
    Case("out-of-range", {"actions/a.yaml": "kind: action\ntype: api_call\nagent: a\nname: c\nurl: https://x.test\ntimeout_ms: -1\n"}, "S207", "actions/a.yaml:6"),
    Case("unknown-type", {"actions/a.yaml": SMS.replace("send_text_message", "send_text")}, "S208", "actions/a.yaml:2"),
    Case("unknown-kind", {"actions/a.yaml": SMS.replace("kind: action", "kind: acton")}, "S209", "actions/a.yaml:1"),
    Case("kind-in-wrong-folder", {"actions/c.yaml": CHANNEL}, "S210", "actions/c.yaml:1"),
    Case("project-file-list", {"actionctl.yaml": "- dev\n"}, "Y106", "actionctl.yaml:1"),
    Case("project-two-docs", {"actionctl.yaml": "prune: true\n---\nprune: false\n"}, "E106", "actionctl.yaml:3"),
    Case("bad-default-env", {"actionctl.yaml": "default_environment: prod\nenvironments: {dev: {}}\n"}, "E102", "actionctl.yaml:1"),
    Case("override-unknown-channel", {"actionctl.yaml": "environments:\n  dev:\n    channels: {Mian: '+15550000002'}\n", "channels/c.yaml": CHANNEL}, "E103", "actionctl.yaml:3"),
    Case("unknown-channel", {"channels/c.yaml": CHANNEL, "actions/a.yaml": SMS.replace("channel: Main", "channel: Mian")}, "N301", "actions/a.yaml:5"),
    Case("channel-without-sms", {"channels/c.yaml": CHANNEL.replace("[sms]", "[voice]"), "actions/a.yaml": SMS}, "N302", "actions/a.yaml:5"),
    Case("duplicate-channel", {"channels/a.yaml": CHANNEL, "channels/b.yaml": CHANNEL}, "N303", "channels/b.yaml:2"),
    Case("bad-action-name", {"actions/a.yaml": SMS.replace("name: confirm", "name: confirm booking")}, "N311", "actions/a.yaml:4"),
    Case("duplicate-action", {"channels/c.yaml": CHANNEL, "actions/a.yaml": SMS, "actions/b.yaml": SMS}, "N312", "actions/b.yaml:4"),
    Case("channel-not-e164", {"channels/c.yaml": CHANNEL.replace("+15550000001", "555-0001")}, "N321", "channels/c.yaml:3"),
    Case("recipient-not-e164", {"channels/c.yaml": CHANNEL, "actions/a.yaml": SMS + "recipient: '0101'\n"}, "N322", "actions/a.yaml:7"),
    Case("override-not-e164", {"actionctl.yaml": "environments:\n  dev:\n    channels: {Main: '12'}\n", "channels/c.yaml": CHANNEL}, "N323", "actionctl.yaml:3"),
]  # fmt: skip


def test_enough_distinct_cases() -> None:
    assert len({case.name for case in CASES}) == len(CASES) >= 25
    assert len({case.code for case in CASES}) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_bad_input_is_a_located_diagnostic(
    cli: Callable[..., CliResult], tmp_path: Path, case: Case, fmt: str
) -> None:
    write_files(tmp_path, case.files)
    result = cli("--project", tmp_path, "validate", "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    if fmt == "text":
        lines = [line for line in result.stdout.splitlines() if f" {case.code} " in line]
        assert any(line.startswith(case.where + ":") for line in lines), result.stdout
    else:
        import json

        found = {(d["code"], f"{d['file']}:{d['line']}") for d in json.loads(result.stdout)}
        assert (case.code, case.where) in found, found


@pytest.mark.parametrize("case", CASES[:18], ids=[case.name for case in CASES[:18]])
def test_other_commands_reject_bad_yaml_the_same_way(
    cli: Callable[..., CliResult], tmp_path: Path, case: Case
) -> None:
    write_files(tmp_path, case.files)
    result = cli("--project", tmp_path, "compile")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert case.code in result.output
