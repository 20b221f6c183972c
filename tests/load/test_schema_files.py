"""The schema files: valid 2020-12 schemas with ids and help, resolvable offline, and the
fast pre-check never accepts what jsonschema rejects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from compiler.canonical import TOOL_TYPES
from compiler.load import schemas
from compiler.load.fast_schema import compile_check


def test_every_tool_type_and_ui_type_has_a_schema() -> None:
    types = schemas.action_types()
    assert set(types) == set(schemas.UI_ACTION_TYPES) | {f"openmic.{t}" for t in TOOL_TYPES}


@pytest.mark.parametrize("kind", schemas.kinds())
def test_schema_is_valid_with_id_and_descriptions(kind: str) -> None:
    schema = schemas.load_schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(".schema.json")
    assert schema["description"]
    for name, prop in schemas.bundled(kind).get("properties", {}).items():
        assert prop.get("description"), f"{kind}.{name} has no description"


def test_bundled_schemas_have_no_refs_left() -> None:
    for kind in schemas.kinds():
        assert "$ref" not in json.dumps(schemas.bundled(kind))


def test_dispatcher_resolves_refs_offline_through_the_registry() -> None:
    validator = schemas.referencing_validator("action")
    good = {"kind": "action", "type": "openmic.dtmf", "agent": "a", "name": "n"}
    assert validator.is_valid(good)
    errors = list(validator.iter_errors({**good, "digitz": "1"}))
    assert errors and "digitz" in errors[0].message
    assert not validator.is_valid({**good, "type": "nope"})


def test_schema_dir_is_the_source_checkout_here() -> None:
    assert (schemas.schema_dir() / "project.schema.json").is_file()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 500)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(
        [
            *("", "a", "cold", "warm", "sms", "12:30", "closed", "+15550000001", "contact"),
            *("{{ .parameters.p }}", "+1 555", "Get", "put"),
        ]
    ),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    *("type", "message", "name", "start", "end", "monday", "transfer_type"),
                    *("x", "ring_duration", "whisper_type", "fallback_message_static"),
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)


def documents() -> st.SearchStrategy[dict[str, Any]]:
    """Mostly-valid action documents with random values in random places."""
    base = st.fixed_dictionaries(
        {
            "kind": st.just("action"),
            "agent": st.sampled_from(["a", "", 1]),
            "name": st.sampled_from(["n", "bad name", True]),
        }
    )
    extra_keys = st.sampled_from(
        [
            "static_params",
            "message",
            "recipient",
            "parameters",
            "async",
            "method",
            "url",
            "api_timeout",
            "transfer_settings",
            "zzz",
        ]
    )
    return st.tuples(base, st.dictionaries(extra_keys, json_values, max_size=3)).map(
        lambda pair: {**pair[0], **pair[1]}
    )


@settings(max_examples=200, deadline=None)
@given(kind=st.sampled_from(schemas.action_types()), document=documents())
def test_fast_check_agrees_with_jsonschema(kind: str, document: dict[str, Any]) -> None:
    document = {**document, "type": kind}
    fast = compile_check(schemas.bundled(kind))(document)
    assert fast == schemas.validator(kind).is_valid(document)


def test_installed_layout_finds_the_schemas_inside_the_package(tmp_path: Path) -> None:
    """A wheel ships schemas/ as compiler/schemas/, beside the package's stages."""
    import os
    import shutil
    import subprocess
    import sys

    repo = Path(schemas.__file__).resolve().parents[2]
    shutil.copytree(repo / "compiler", tmp_path / "compiler")
    shutil.copytree(repo / "schemas", tmp_path / "compiler" / "schemas")
    code = (
        "from compiler.load import schemas; print(schemas.schema_dir()); "
        "print(schemas.validator('action').is_valid({}))"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(tmp_path / "compiler" / "schemas"), "False"]


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["project", "channel"]),
    document=st.dictionaries(
        st.sampled_from(
            [
                "kind",
                "name",
                "phone_number",
                "capabilities",
                "platform",
                "environments",
                "default_environment",
                "api_key_env",
                "prune",
                "agents",
                "dev",
            ]
        ),
        json_values,
        max_size=5,
    ),
)
def test_fast_check_agrees_for_project_and_channel(kind: str, document: dict[str, Any]) -> None:
    fast = compile_check(schemas.bundled(kind))(document)
    assert fast == schemas.validator(kind).is_valid(document)
