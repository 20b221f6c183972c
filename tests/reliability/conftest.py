"""Fixtures for the reliability suite: a generated fleet project wired to an emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.fleet import KEY_ENV, RELIABILITY_KEY, Fleet, Workspace


@pytest.fixture
def workspace_factory(
    tmp_path: Path,
    emulator_factory: Callable[..., Any],
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Workspace]:
    """``workspace_factory(fleet, **emulator_config)``: revision 1 written, agents created."""
    monkeypatch.setenv(KEY_ENV, RELIABILITY_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    made: list[Workspace] = []

    def make(fleet: Fleet, name: str = "project", **emulator_config: Any) -> Workspace:
        emulator_config.setdefault("api_key", RELIABILITY_KEY)
        server = emulator_config.pop("server", None) or emulator_factory(**emulator_config)
        ws = Workspace(tmp_path / name, server, fleet, cli)
        ws.write(1)
        ws.add_agents()
        made.append(ws)
        return ws

    return make
