"""The embedded local platform over a tmp SQLite file: implicit agents, the same
validation and PATCH rule as the emulator, persistence, secret-free identity."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from compiler.platform.base import NotFoundError, ValidationFailed
from compiler.platform.local import LocalPlatform
from compiler.platform.store import Store
from tests.platform.conftest import sms_tool


@pytest.fixture
def local(tmp_path: Path) -> Iterator[LocalPlatform]:
    platform = LocalPlatform(tmp_path / ".actionctl" / "platform.db", display_path="x/platform.db")
    yield platform
    platform.close()


def test_every_agent_exists_and_starts_empty(local: LocalPlatform):
    assert local.agent_exists("never_seen")
    assert local.list_tools("never_seen") == []
    assert local.list_tools_many(["a", "b", "a"]) == {"a": [], "b": []}


def test_create_makes_the_agent_and_round_trips(local: LocalPlatform):
    tool = local.create_tool("support", sms_tool("confirm"))
    assert isinstance(tool["id"], int)
    assert [a["uid"] for a in local.list_agents()] == ["support"]
    assert local.list_tools("support") == [tool]
    assert local.get_tool("support", tool["id"]) == tool
    body = sms_tool("confirm")
    body["static_params"] = {"type": "prompt", "message": "Tell them"}
    updated = local.update_tool("support", tool["id"], {"static_params": body["static_params"]})
    assert updated["static_params"] == {"type": "prompt", "message": "Tell them"}
    local.delete_tool("support", tool["id"])
    assert local.list_tools("support") == []


def test_returned_tools_are_copies(local: LocalPlatform):
    tool = local.create_tool("a", sms_tool("t"))
    tool["static_params"]["message"] = "mutated"
    assert local.get_tool("a", tool["id"])["static_params"]["message"] != "mutated"


def test_validation_and_not_found_are_platform_errors(local: LocalPlatform):
    with pytest.raises(ValidationFailed, match="url is required") as caught:
        local.create_tool("a", {"type": "api_request", "name": "x"})
    assert caught.value.code == "P103"
    with pytest.raises(NotFoundError, match="tool 7 of agent 'a'"):
        local.get_tool("a", 7)
    with pytest.raises(NotFoundError):
        local.update_tool("a", 7, {"description": "x"})
    with pytest.raises(NotFoundError):
        local.delete_tool("a", 7)


def test_state_persists_across_instances(tmp_path: Path):
    db = tmp_path / "p.db"
    first = LocalPlatform(db)
    tool = first.create_tool("a", sms_tool("kept"))
    first.close()
    second = LocalPlatform(db)
    assert second.list_tools("a") == [tool]
    second.close()


def test_target_and_description_are_relative_and_secret_free(local: LocalPlatform):
    assert local.target == {"platform": "local", "base_url": "x/platform.db"}
    assert local.description == "local platform at x/platform.db"


def test_phone_numbers_come_from_the_shared_store(local: LocalPlatform, tmp_path: Path):
    assert local.list_phone_numbers() == []
    other = Store(tmp_path / ".actionctl" / "platform.db")  # e.g. an emulator on the same file
    other.add_phone_number("+15550000001", "Main")
    other.close()
    assert [n["phone_number"] for n in local.list_phone_numbers()] == ["+15550000001"]
