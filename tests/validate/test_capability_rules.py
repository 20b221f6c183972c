"""C60x: what OpenMic cannot express is an error naming the target, at the field."""

from __future__ import annotations

from pathlib import Path

from compiler.diagnostics import Diagnostic
from tests.validate.conftest import validate_files


def capability(tmp_path: Path, text: str) -> list[Diagnostic]:
    found = validate_files(tmp_path, {"actions/a.yaml": text})
    return [d for d in found if d.code.startswith("C6")]


API = "kind: action\ntype: api_call\nagent: support\nname: call\n"


def test_static_response(tmp_path: Path) -> None:
    (found,) = capability(
        tmp_path,
        "kind: action\ntype: static_response\nagent: support\nname: hours\n"
        "response: We are open 9 to 5.\n",
    )
    assert (found.code, found.line, found.column, found.is_error) == ("C601", 2, 7, True)
    assert found.message.startswith("OpenMic has no static response tool")


def test_methods_other_than_get_and_post(tmp_path: Path) -> None:
    for method in ("PUT", "patch", "DELETE"):
        found = capability(tmp_path, API + f"url: https://x.example.com\nmethod: {method}\n")
        assert [(d.code, d.line, d.column) for d in found] == [("C602", 6, 9)]
        assert f"method {method.upper()} cannot be compiled for OpenMic" in found[0].message


def test_get_and_post_any_case_are_fine(tmp_path: Path) -> None:
    for method in ("GET", "post", "Get"):
        assert capability(tmp_path, API + f"url: https://x.example.com\nmethod: {method}\n") == []


def test_url_with_placeholders(tmp_path: Path) -> None:
    for url in (
        "https://x.example.com/orders/{{ .parameters.id }}",
        "https://x.example.com/orders/{id}",
    ):
        found = capability(tmp_path, API + f'url: "{url}"\n')
        assert [(d.code, d.line, d.column) for d in found] == [("C603", 5, 6)]
        assert "static" in found[0].message
