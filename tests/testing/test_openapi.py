"""An api_call's request against the backend's OpenAPI document named by the test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import write_files
from tests.testing.conftest import failures

OPENAPI = """\
openapi: 3.1.0
info: {title: Bookings, version: "1"}
servers:
  - url: https://bookings.example.com/api/{version}
    variables: {version: {default: v1}}
paths:
  /bookings/lookup:
    get:
      parameters:
        - $ref: "#/components/parameters/Reference"
        - {name: verbose, in: query, schema: {type: boolean}}
      responses: {"200": {description: found}}
  /bookings/{id}/notes:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Note"}
      responses: {"201": {description: created}}
components:
  parameters:
    Reference:
      name: booking_reference
      in: query
      required: true
      schema: {type: string, pattern: "^BK-[0-9]+$"}
  schemas:
    Note:
      type: object
      required: [text]
      properties:
        text: {type: string, maxLength: 20}
"""


def action(name: str, url: str, method: str, properties: str) -> str:
    return f"""\
kind: action
type: api_call
agent: a
name: {name}
description: Calls the bookings backend for the caller's booking.
url: {url}
method: {method}
parameters_schema:
  type: object
  properties:
{properties}
"""


FILES = {
    "actionctl.yaml": "environments:\n  dev: {}\n",
    "backend/openapi.yaml": OPENAPI,
    "actions/a/lookup.yaml": action(
        "lookup",
        "https://bookings.example.com/api/v1/bookings/lookup",
        "GET",
        "    booking_reference: {type: string, description: The reference}\n"
        "    note: {type: string, description: A note}",
    ),
    "actions/a/note.yaml": action(
        "note",
        "https://bookings.example.com/api/v1/bookings/42/notes",
        "POST",
        "    text: {type: string, description: The note}",
    ),
}


def cases_of(name: str, cases: str, openapi: str = "backend/openapi.yaml") -> dict[str, str]:
    head = f"kind: test\naction: a/{name}\ngolden: false\nopenapi: {openapi}\ncases:\n"
    return {f"tests/a/{name}.test.yaml": head + cases}


def run(
    tmp_path: Path,
    run_json: Callable[..., tuple[int, dict[str, Any]]],
    tests: dict[str, str],
) -> tuple[int, dict[str, dict[str, Any]], dict[str, Any]]:
    code, report = run_json(write_files(tmp_path / "p", FILES | tests))
    return code, {f["id"]: f for f in failures(report)}, report


def test_requests_that_match_their_operations_pass(
    tmp_path: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    tests = cases_of("lookup", "- name: ok\n  parameters: {booking_reference: BK-1}\n")
    tests |= cases_of("note", "- name: ok\n  parameters: {text: call back}\n")
    code, found, report = run(tmp_path, run_json, tests)
    assert (code, found) == (0, {})
    assert len(report["results"]) == 2


def test_each_mismatch_is_named(
    tmp_path: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    tests = cases_of(
        "lookup",
        """\
- name: bad reference
  parameters: {booking_reference: "20931"}
- name: undeclared
  parameters: {booking_reference: BK-1, note: hi}
""",
    )
    tests |= cases_of(
        "note", "- name: too long\n  parameters: {text: a note far too long for it}\n"
    )
    code, found, _ = run(tmp_path, run_json, tests)
    assert code == 1
    assert {key: value["code"] for key, value in found.items()} == {
        "a/lookup::bad reference[dev]": "U140",
        "a/lookup::undeclared[dev]": "U140",
        "a/note::too long[dev]": "U140",
    }
    assert "does not match '^BK-[0-9]+$'" in found["a/lookup::bad reference[dev]"]["message"]
    assert "'note' is not declared" in found["a/lookup::undeclared[dev]"]["message"]
    assert found["a/note::too long[dev]"]["details"][0].startswith("body: ")


def test_a_url_no_path_matches_and_a_missing_document(
    tmp_path: Path, run_json: Callable[..., tuple[int, dict[str, Any]]]
) -> None:
    files = FILES | {
        "actions/a/lookup.yaml": FILES["actions/a/lookup.yaml"].replace("/lookup\n", "/find\n")
    }
    root = write_files(tmp_path / "p", files)
    write_files(root, cases_of("lookup", "- name: x\n  parameters: {booking_reference: BK-1}\n"))
    write_files(root, cases_of("note", "- name: x\n  parameters: {text: t}\n", "backend/nope.yaml"))
    code, report = run_json(root)
    assert code == 1
    (failure,) = failures(report)
    assert failure["message"].endswith(
        "no path of backend/openapi.yaml matches /api/v1/bookings/find"
    )
    (problem,) = report["problems"]
    assert (problem["code"], problem["file"], problem["line"]) == (
        "U141",
        "tests/a/note.test.yaml",
        4,
    )
