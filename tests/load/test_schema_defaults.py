"""Every ``default`` in the schemas is what actually happens when the field is left out:
leaving the field out and writing its default compile to the same payload, and the
project file's defaults are the loader's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from compiler.compile import compile_action
from compiler.load import load_project, schemas
from compiler.model import ProjectConfig

# The smallest valid document of each type that compiles (static_response compiles to
# nothing, so it has no defaults to agree with).
MINIMAL: dict[str, dict[str, Any]] = {
    "send_text_message": {"message": "Hi"},
    "handover": {"phone_number": "+15550000100"},
    "api_call": {"url": "https://api.example.com/x"},
    "client_action": {},
    "openmic.api_request": {"url": "https://api.example.com/x"},
    "openmic.function": {"use_raw_schema": True},
    "openmic.end_call": {},
    "openmic.transfer_call": {
        "static_params": {"transfer_type": "cold", "default_transfer_number": "+15550000100"}
    },
    "openmic.dtmf": {"static_params": {"digits": "1"}},
    "openmic.send_sms": {"static_params": {"message": "Hi"}},
    "openmic.send_email": {},
    "openmic.call_booking": {},
    "openmic.check_calendar_availability": {},
    "openmic.check_working_hours": {},
}
# Defaults the platform applies, not the compiler: transfer_settings is passed through
# as written (reference: ring_duration default 30, max_session_duration... default 15).
PLATFORM_DEFAULTS = {"ring_duration", "max_session_duration_after_transfer"}


def defaults(schema: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Paths of every property with a ``default`` (nested objects included)."""
    for name, prop in schema.get("properties", {}).items():
        if "default" in prop:
            yield (*path, name)
        yield from defaults(prop, (*path, name))


def compiled(root: Path, document: dict[str, Any]) -> dict[str, Any] | None:
    (root / "actions").mkdir(parents=True, exist_ok=True)
    (root / "actions" / "a.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    loaded = load_project(root)
    assert loaded.diagnostics == [] and loaded.project is not None, loaded.diagnostics
    [action] = loaded.project.actions
    environment = loaded.project.config.environment(None)
    assert environment is not None
    payload, problems = compile_action(action, loaded.project, environment)
    assert problems == [], problems
    return payload


def with_value(document: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    copy = yaml.safe_load(yaml.safe_dump(document))
    target = copy
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return copy


def test_every_type_with_a_payload_is_covered() -> None:
    assert set(MINIMAL) == set(schemas.action_types()) - {"static_response"}


@pytest.mark.parametrize("action_type", sorted(MINIMAL))
def test_a_default_written_out_compiles_like_the_field_left_out(
    action_type: str, tmp_path: Path
) -> None:
    schema = schemas.bundled(action_type)
    base = {"kind": "action", "type": action_type, "agent": "support", "name": "t"}
    document = {**base, **MINIMAL[action_type]}
    left_out = compiled(tmp_path / "left_out", document)
    checked = 0
    for path in defaults(schema):
        if path[-1] in PLATFORM_DEFAULTS:
            continue
        prop = schema
        for key in path:
            prop = prop["properties"][key]
        written = compiled(tmp_path / "_".join(path), with_value(document, path, prop["default"]))
        assert written == left_out, f"{action_type}: {'.'.join(path)}"
        checked += 1
    assert checked >= 3  # at least the speak flags and async


def test_speak_defaults_differ_for_handover_as_compiled(tmp_path: Path) -> None:
    """The handover's own defaults (false, false) are the ones its payload gets."""
    schema = schemas.bundled("handover")["properties"]
    document = {"kind": "action", "type": "handover", "agent": "s", "name": "t"}
    payload = compiled(tmp_path, {**document, **MINIMAL["handover"]})
    assert payload is not None
    for flag in ("speak_during_execution", "speak_after_execution"):
        assert schema[flag]["default"] is False
        assert payload[flag] is False


def test_platform_defaults_are_only_in_transfer_settings() -> None:
    found = {
        path
        for kind in schemas.action_types()
        for path in defaults(schemas.bundled(kind))
        if path[-1] in PLATFORM_DEFAULTS
    }
    assert found and all("transfer_settings" in path for path in found)


def test_project_file_defaults_are_the_loaders() -> None:
    properties = schemas.bundled("project")["properties"]
    config = ProjectConfig()
    written = {name: prop["default"] for name, prop in properties.items() if "default" in prop}
    assert written == {
        "platform": config.platform,
        "base_url": config.base_url,
        "api_prefix": config.api_prefix,
        "api_key_env": config.api_key_env,
        "prune": config.prune,
    }


def test_default_environment_has_no_fixed_default(tmp_path: Path) -> None:
    """Without it the loader picks `default`, or the only environment: no one value."""
    assert "default" not in schemas.bundled("project")["properties"]["default_environment"]
    (tmp_path / "actionctl.yaml").write_text("environments:\n  prod: {}\n")
    loaded = load_project(tmp_path)
    assert loaded.project is not None
    assert loaded.project.config.default_environment == "prod"


@pytest.mark.parametrize(
    ("action_type", "method"), [("openmic.api_request", "PoSt"), ("api_call", "POST")]
)
def test_methods_in_any_case_compile_lowercase(
    tmp_path: Path, action_type: str, method: str
) -> None:
    document = {"kind": "action", "type": action_type, "agent": "s", "name": "t"}
    payload = compiled(tmp_path, {**document, **MINIMAL[action_type], "method": method})
    assert payload is not None and payload["method"] == "post"
