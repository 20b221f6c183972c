"""``actionctl schema`` output works for an editor's YAML language server: it is one
self-contained JSON Schema per kind (no ``$ref`` to fetch) that accepts the sample
project's files and rejects a broken one, as docs/editors.md promises."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import REPO_ROOT, CliResult
from tests.ecosystem.conftest import SAMPLES

KINDS = {
    "action": sorted((SAMPLES / "good" / "actions").rglob("*.yaml")),
    "channel": sorted((SAMPLES / "good" / "channels").glob("*.yaml")),
    "project": [SAMPLES / "good" / "actionctl.yaml"],
}


def schema_of(cli: Callable[..., CliResult], kind: str) -> dict[str, Any]:
    result = cli("schema", kind)
    assert result.exit_code == 0, result.output
    schema: dict[str, Any] = json.loads(result.stdout)
    return schema


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in refs(item)]
    return []


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_output_is_a_self_contained_json_schema(
    cli: Callable[..., CliResult], kind: str
) -> None:
    schema = schema_of(cli, kind)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # An editor must not need the network: only references inside the document.
    assert all(ref.startswith("#") for ref in refs(schema)), refs(schema)


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_accepts_the_sample_files(cli: Callable[..., CliResult], kind: str) -> None:
    schema = schema_of(cli, kind)
    validator = jsonschema.validators.validator_for(schema)(schema)
    for path in KINDS[kind]:
        errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
        assert errors == [], path


def test_action_schema_rejects_what_validate_rejects(cli: Callable[..., CliResult]) -> None:
    schema = schema_of(cli, "action")
    validator = jsonschema.validators.validator_for(schema)(schema)
    broken = {
        "kind": "action",
        "type": "send_text_message",
        "agent": "support",
        "name": "has spaces",
        "recipient": 5,
    }
    assert list(validator.iter_errors(broken))


def test_schema_files_the_editor_guide_names_exist() -> None:
    guide = (REPO_ROOT / "docs" / "editors.md").read_text()
    named = set(re.findall(r"\bschemas/[\w.-]+\.json", guide))
    assert named
    for path in named:
        assert (REPO_ROOT / path).is_file(), path


def test_the_editor_guide_covers_modeline_and_vscode_mapping() -> None:
    guide = (REPO_ROOT / "docs" / "editors.md").read_text()
    assert "# yaml-language-server: $schema=" in guide
    assert '"yaml.schemas"' in guide
    for kind in KINDS:
        assert f"actionctl schema {kind}" in guide


def test_modeline_in_the_guide_is_valid_yaml_for_an_action(tmp_path: Path) -> None:
    guide = (REPO_ROOT / "docs" / "editors.md").read_text()
    (block,) = re.findall(r"```yaml\n(# yaml-language-server.*?)```", guide, re.S)
    assert yaml.safe_load(block)["kind"] == "action"


# Keywords of JSON Schema 2019-09/2020-12 that draft-07 validators (and so some YAML
# language servers) do not know; if the schemas used them, editors would silently
# check less than actionctl does.
NEWER_KEYWORDS = {
    "$defs",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "minContains",
    "maxContains",
}


def keywords(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node)
        for key, value in node.items():
            if key in ("properties", "patternProperties"):  # keys here are field names
                found |= {k for v in value.values() for k in keywords(v)}
            else:
                found |= keywords(value)
        return found
    if isinstance(node, list):
        return {k for item in node for k in keywords(item)}
    return set()


@pytest.mark.parametrize("kind", list(KINDS))
def test_schemas_work_for_draft_07_language_servers_too(
    cli: Callable[..., CliResult], kind: str
) -> None:
    schema = schema_of(cli, kind)
    assert not keywords(schema) & NEWER_KEYWORDS
    draft7 = jsonschema.Draft7Validator(schema)
    for path in KINDS[kind]:
        assert list(draft7.iter_errors(yaml.safe_load(path.read_text()))) == [], path
