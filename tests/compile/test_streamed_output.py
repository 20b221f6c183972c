"""``actionctl compile`` writes each payload as it is compiled: the text must be exactly
the one-document JSON it replaces, and a write that fails must leave nothing behind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.atomic_write import open_atomically
from compiler.compile import compile_project
from compiler.compile.output import render
from compiler.diagnostics import json_text
from compiler.load import load_project
from tests.compile.test_bench_validate_compile import load_bench
from tests.conftest import CliResult

Cli = Callable[..., CliResult]

# Characters json_text escapes (bidi, C1, line separator) and ones it keeps (accents,
# CJK), written with YAML's double-quoted escapes.
ODD = r"Caf\u00e9 \u202eevil\u202c \x85 \u2028 \u4e2d \"quoted\" back\\slash"


def _one_document(root: Path, environment: str | None = None) -> str:
    """What compile printed before it streamed: one ``json_text`` of every payload."""
    loaded = load_project(root)
    assert loaded.project is not None
    chosen = loaded.project.config.environment(environment)
    assert chosen is not None
    result = compile_project(loaded.project, chosen)
    payloads = {address: dict(tool.payload) for address, tool in result.tools.items()}
    return json_text(payloads, indent=2) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The benchmark's generator: every action type, two of each, one with odd text."""
    root = tmp_path / "p"
    load_bench().generate(root, 24)
    odd = root / "actions" / "agent_00" / "action_00000.yaml"
    lines = odd.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("description:"))
    lines[at : at + 3] = [f'description: "{ODD}"\n']  # (the folded text's three lines)
    odd.write_text("".join(lines))
    return root


def test_stdout_is_the_one_document_json_byte_for_byte(cli: Cli, project: Path) -> None:
    result = cli("--project", project, "compile")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == _one_document(project)
    assert "\\u202e" in result.stdout and "Caf\u00e9" in result.stdout
    assert len(json.loads(result.stdout)) == 24


def test_out_is_the_one_document_json_byte_for_byte(
    cli: Cli, project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "build" / "tools.json"
    result = cli("--project", project, "compile", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == _one_document(project)
    assert "Wrote 24 tools (dev) to " in result.stderr
    assert [p.name for p in out.parent.iterdir()] == ["tools.json"]  # no temporary left


def test_an_environment_with_a_channel_override_gets_its_own_numbers(
    cli: Cli, project: Path
) -> None:
    config = project / "actionctl.yaml"
    config.write_text(
        config.read_text()
        + "  prod:\n    agents: {"
        + ", ".join(f"agent_{a:02}: uid_prod_{a:02}" for a in range(10))
        + "}\n    channels: {Channel 1: '+15559990001'}\n"
    )
    result = cli("--project", project, "--env", "prod", "compile")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == _one_document(project, "prod")
    assert "+15559990001" in result.stdout
    assert cli("--project", project, "compile").stdout == _one_document(project, "dev")


def test_a_project_without_actions_writes_an_empty_object(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "channels").mkdir(parents=True)
    (root / "actionctl.yaml").write_text("platform: local\n")
    (root / "channels" / "c.yaml").write_text(
        'kind: channel\nname: C\nphone_number: "+15550000001"\ncapabilities: [sms]\n'
    )
    result = cli("--project", root, "compile")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "{}\n" == _one_document(root)


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(
    tmp_path: Path,
) -> None:
    target = tmp_path / "tools.json"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), open_atomically(target) as handle:
        handle.write("{\n  half")
        raise RuntimeError("stopped")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tools.json"]


def test_a_write_that_ends_replaces_the_file_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "tools.json"
    target.write_text("old\n")
    target.chmod(0o640)
    with open_atomically(target) as handle:
        handle.write("new\n")
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640


_TEXT = st.text(st.characters(codec=None), max_size=12)  # surrogates and controls too
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | _TEXT
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_TEXT | st.integers(), _JSON, max_size=5))
def test_a_rendered_payload_is_json_text_indented_byte_for_byte(payload: dict[str, Any]) -> None:
    expected = json_text(payload, indent=2).replace("\n", "\n  ")
    assert render(payload) == expected
