"""Editor snippets (``defaultSnippets``, the YAML language server's insert-a-skeleton):
one for every action type that compiles for OpenMic, in the action schema and in each
type's own schema, and one for a channel. Each snippet, with its placeholders filled by
their defaults as the editor does, must be a file actionctl validates cleanly and the
self-contained ``actionctl schema`` output must carry them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from compiler.load import schemas
from tests.conftest import CliResult

PLACEHOLDER = re.compile(r"\$\{\d+:([^}]*)\}|\$\{\d+\|([^,|]*)[^}]*\|\}")


def expand(node: Any) -> Any:
    """The text an editor inserts when every placeholder keeps its default."""
    if isinstance(node, str):
        return PLACEHOLDER.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), node)
    if isinstance(node, dict):
        return {expand(k): expand(v) for k, v in node.items()}
    if isinstance(node, list):
        return [expand(item) for item in node]
    return node


def snippets_of(cli: Callable[..., CliResult], kind: str) -> list[dict[str, Any]]:
    result = cli("schema", kind)
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.stdout).get("defaultSnippets", [])
    return found


def test_every_compilable_action_type_has_a_snippet(cli: Callable[..., CliResult]) -> None:
    types = [t for t in schemas.action_types() if t != "static_response"]  # C601 on OpenMic
    bodies = [s["body"] for s in snippets_of(cli, "action")]
    assert sorted(b["type"] for b in bodies) == sorted(types)
    for action_type in types:
        (own,) = snippets_of(cli, action_type)
        assert own["body"]["type"] == action_type and own["label"] and own["description"]


def test_each_snippet_is_a_valid_file_once_filled_in(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (channel,) = snippets_of(cli, "channel")
    (tmp_path / "channels").mkdir()
    (tmp_path / "channels" / "notify.yaml").write_text(yaml.safe_dump(expand(channel["body"])))
    actions = tmp_path / "actions"
    actions.mkdir()
    snippets = snippets_of(cli, "action")
    for index, snippet in enumerate(snippets):
        body = expand(snippet["body"])
        body["name"] = f"{body['name']}_{index}"  # one agent: names must differ
        assert "${" not in json.dumps(body), snippet["label"]
        (actions / f"a{index}.yaml").write_text(yaml.safe_dump(body, sort_keys=False))
    result = cli("--project", tmp_path, "validate")
    assert result.exit_code == 0, result.output
    assert f"{len(snippets)} actions" in result.stdout
    assert "warning" not in result.stdout, result.stdout
