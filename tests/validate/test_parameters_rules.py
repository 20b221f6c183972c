"""M50x through real YAML files: the parameters schema is valid JSON Schema of type
object with required ⊆ properties; the message mode rules of send_text_message."""

from __future__ import annotations

import textwrap
from pathlib import Path

from compiler.diagnostics import Diagnostic
from tests.validate.conftest import validate_files

HEADER = """\
kind: action
type: send_text_message
agent: support
name: notify
description: Texts the caller.
"""


def diagnostics(tmp_path: Path, body: str, header: str = HEADER) -> list[Diagnostic]:
    found = validate_files(tmp_path, {"actions/a.yaml": header + textwrap.dedent(body)})
    return sorted((d for d in found if d.code.startswith("M50")), key=Diagnostic.sort_key)


def located(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in found]


def test_valid_schema_is_clean(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        n: {type: integer, minimum: 1}
        tags: {type: array, items: {type: string}, uniqueItems: true}
        code: {type: string, pattern: "^[A-Z]{2}[0-9]+$"}
      required: [n]
    message: Hi {{ .parameters.n }} {{ .parameters.tags }} {{ .parameters.code }}
    """
    assert diagnostics(tmp_path, body) == []


def test_invalid_schema_at_the_offending_subpath(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        count:
          type: integr
        name: {type: string, minLength: -1}
    message: "{{ .parameters.count }}{{ .parameters.name }}"
    """
    found = diagnostics(tmp_path, body)
    assert located(found) == [("M501", 10, 13), ("M501", 11, 37)]
    assert "parameters_schema.properties.count.type" in found[0].message


def test_invalid_regex_pattern_is_caught_by_the_metaschema(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        code: {type: string, pattern: "([a-z"}
    message: "{{ .parameters.code }}"
    """
    assert located(diagnostics(tmp_path, body)) == [("M501", 9, 35)]


def test_type_must_be_object(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: array
      items: {type: string}
    message: Hi
    """
    assert located(diagnostics(tmp_path, body)) == [("M502", 7, 9)]


def test_missing_type_points_at_the_schema(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      properties:
        a: {type: string}
    message: "{{ .parameters.a }}"
    """
    assert located(diagnostics(tmp_path, body)) == [("M502", 7, 3)]


def test_required_item_not_in_properties(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        booking_reference: {type: string}
      required:
        - booking_reference
        - booking_ref
    message: "{{ .parameters.booking_reference }}"
    """
    (found,) = diagnostics(tmp_path, body)
    assert (found.code, found.line, found.column) == ("M503", 12, 7)
    assert "did you mean 'booking_reference'" in found.message


def test_message_parameter_in_prompt_mode(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        message: {type: string}
    message: ""
    """
    found = diagnostics(tmp_path, body)
    assert located(found) == [("M504", 9, 5)]
    assert found[0].is_error


def test_message_parameter_with_a_static_message_is_fine(tmp_path: Path) -> None:
    body = """\
    parameters_schema:
      type: object
      properties:
        message: {type: string}
    message: "Note: {{ .parameters.message }}"
    """
    assert diagnostics(tmp_path, body) == []


def test_prompt_with_a_static_message(tmp_path: Path) -> None:
    body = "message: Hi\nprompt: Write something nice\n"
    assert located(diagnostics(tmp_path, body)) == [("M505", 7, 1)]


def test_prompt_mode_without_any_instruction_warns(tmp_path: Path) -> None:
    header = HEADER.replace("description: Texts the caller.\n", "")
    found = diagnostics(tmp_path, "message: ''\n", header=header)
    assert located(found) == [("M506", 1, 1)]
    assert not found[0].is_error


def test_native_parameters_are_checked_too(tmp_path: Path) -> None:
    header = "kind: action\ntype: openmic.function\nagent: support\nname: f\n"
    body = """\
    use_raw_schema: true
    parameters:
      type: object
      properties: {a: {type: string}}
      required: [b]
    """
    assert located(diagnostics(tmp_path, body, header=header)) == [("M503", 9, 14)]


def test_handover_schema_checked(tmp_path: Path) -> None:
    header = "kind: action\ntype: handover\nagent: support\nname: h\nphone_number: '+15550000100'\n"
    body = """\
    parameters_schema:
      type: object
      properties:
        reason: {type: strin}
    """
    assert located(diagnostics(tmp_path, body, header=header)) == [("M501", 9, 20)]


DEDENTED = """\
kind: action
type: client_action
agent: support
name: show_form
description: Shows a form.
parameters_schema:
  type: object
  properties:
    service: {{type: string}}
  preferred_date:
    type: string
    description: The date the caller asked for
  required: [service{required}]
"""


def test_a_property_dedented_out_of_properties_is_named_as_such(tmp_path: Path) -> None:
    found = validate_files(tmp_path, {"actions/a.yaml": DEDENTED.format(required="")})
    (warning,) = [d for d in found if d.code == "M531"]
    assert (warning.line, warning.column, warning.is_error) == (10, 3, False)
    assert "'preferred_date'" in warning.message and "dedented" in warning.message


def test_a_required_dedented_property_says_where_it_sits(tmp_path: Path) -> None:
    files = {"actions/a.yaml": DEDENTED.format(required=", preferred_date")}
    found = validate_files(tmp_path, files)
    (error,) = [d for d in found if d.is_error]
    assert error.code == "M503"
    assert "sits beside properties (line 10), not under it" in error.message
    assert not [d for d in found if d.code == "M531"]  # said once, by the error


def test_keywords_beside_properties_are_not_taken_for_properties(tmp_path: Path) -> None:
    text = DEDENTED.format(required="").replace(
        "  preferred_date:\n    type: string\n    description: The date the caller asked for\n",
        "  additionalProperties: {type: string}\n  $defs:\n    day: {type: string}\n",
    )
    assert [d.code for d in validate_files(tmp_path, {"actions/a.yaml": text})] == []
