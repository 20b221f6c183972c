"""Live tools spelled differently from what compile makes (the platform answers
``static_params: {}``, an object schema without ``properties``) plan as unchanged:
without canonical's normalisations each would be an update that apply makes and the
next plan proposes again, forever. (Placeholders inside lists cannot be
declared in YAML today; tests/test_canonical_pins.py pins that one.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_API_KEY, emulator_rest, write_openmic_config

KEY_ENV = "ACTIONCTL_TEST_ENDLESS_KEY"
LIVE = [
    {"type": "end_call", "name": "bye", "description": "", "static_params": {}},
    {"type": "function", "name": "fn", "description": "", "parameters": {"type": "object"}},
]
DECLARED = {
    "bye.yaml": "kind: action\ntype: openmic.end_call\nagent: support\nname: bye\n",
    "fn.yaml": "kind: action\ntype: openmic.function\nagent: support\nname: fn\n",
}


@pytest.mark.parametrize("tool", LIVE, ids=[t["name"] for t in LIVE])
def test_a_live_spelling_of_the_same_tool_is_no_change(
    emulator: Any,
    tmp_path: Path,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    tool: dict[str, Any],
) -> None:
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    emulator.store.create_agent({"name": "support", "prompt": "p"}, uid="uid_support")
    emulator_rest(emulator.url, "POST", "/agents/uid_support/tools", tool)
    root = tmp_path / "project"
    write_openmic_config(root, emulator.url, KEY_ENV, {"support": "uid_support"})
    (root / "actions").mkdir()
    name = f"{tool['name']}.yaml"
    (root / "actions" / name).write_text(DECLARED[name])
    result = cli("--project", root, "plan", "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No changes.")
