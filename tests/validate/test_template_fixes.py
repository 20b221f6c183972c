"""The fix a template error suggests compiles: following it never leads to a second error
(through real files, the real parser and rules)."""

from __future__ import annotations

import re
from pathlib import Path

from compiler.diagnostics import Diagnostic, sorted_diagnostics
from tests.validate.conftest import validate_files

CHANNEL = 'kind: channel\nname: Main\nphone_number: "+14155550100"\ncapabilities: [sms]\n'
ACTION = """\
kind: action
type: send_text_message
agent: support
name: send_it
description: Texts the caller the dentist's name.
messaging_channel: Main
message: "Your dentist is {message}."
parameters_schema:
  type: object
  properties:
    dentist: {{type: string}}
"""


def errors(tmp_path: Path, message: str) -> list[Diagnostic]:
    files = {"channels/main.yaml": CHANNEL, "actions/a.yaml": ACTION.format(message=message)}
    return sorted_diagnostics(validate_files(tmp_path, files))


def suggested(diagnostic: Diagnostic) -> str:
    (fix,) = re.findall(r"write (\{\{ [^}]+ \}\})", diagnostic.message)
    return fix


def test_missing_dot_suggests_the_reference_not_a_doubled_scope(tmp_path: Path) -> None:
    (error,) = [d for d in errors(tmp_path / "a", "{{ parameters.dentist }}") if d.is_error]
    assert (error.code, error.line, error.column) == ("T410", 7, 27)
    assert suggested(error) == "{{ .parameters.dentist }}"
    assert "parameters.parameters" not in error.message
    # Following the fix gives a clean file.
    assert errors(tmp_path / "b", suggested(error)) == []


def test_missing_dot_on_a_variable(tmp_path: Path) -> None:
    found = errors(tmp_path, "{{ .parameters.dentist }} {{ variables.call.from }}")
    (error,) = [d for d in found if d.is_error]
    assert suggested(error) == "{{ .variables.call.from }}"


def test_a_declared_name_without_its_scope_suggests_parameters(tmp_path: Path) -> None:
    (error,) = [d for d in errors(tmp_path / "a", "{{ .dentist }}") if d.is_error]
    assert error.code == "T411"
    assert suggested(error) == "{{ .parameters.dentist }}"
    assert errors(tmp_path / "b", suggested(error)) == []


def test_an_undeclared_name_without_scope_keeps_the_general_fix(tmp_path: Path) -> None:
    found = errors(tmp_path, "{{ .parameters.dentist }} {{ .nurse }}")
    (error,) = [d for d in found if d.is_error]
    assert error.code == "T411" and ".parameters.nurse" not in error.message


def test_the_unused_parameter_warning_is_folded_under_the_typo_that_causes_it(
    tmp_path: Path,
) -> None:
    (root,) = errors(tmp_path, "{{ parameters.dentist }}")
    assert root.code == "T410"
    assert [d.code for d in root.consequences] == ["T421"]
