"""The embedded local platform over a tmp SQLite file: implicit agents, the same
validation and PATCH rule as the emulator, persistence, secret-free identity."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from compiler.platform.base import NotFoundError, ValidationFailed
from compiler.platform.local import LocalPlatform
from compiler.platform.store import DatabaseUnusable, Store
from tests.conftest import CliResult, write_files
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


def test_a_file_that_is_not_a_database_is_a_platform_error(tmp_path: Path):
    db = tmp_path / "platform.db"
    db.write_text("x\n")
    with pytest.raises(DatabaseUnusable) as caught:
        LocalPlatform(db, display_path=".actionctl/platform.db")
    assert caught.value.code == "P112"
    assert str(caught.value).startswith(".actionctl/platform.db is not an actionctl database")
    assert "move it away to start empty" in str(caught.value)


def test_plan_on_a_corrupt_local_database_says_what_to_do(
    cli: Callable[..., CliResult], example_project: Path
):
    write_files(example_project, {".actionctl/platform.db": "x\n"})
    result = cli("--project", example_project, "plan")
    assert result.exit_code == 1
    assert "P112 .actionctl/platform.db is not an actionctl database" in result.stderr
    assert "internal error" not in result.output


def test_the_emulator_refuses_a_corrupt_db_at_start(cli: Callable[..., CliResult], tmp_path: Path):
    write_files(tmp_path, {"e.db": "x\n"})
    result = cli("emulator", "--port", "0", "--db", tmp_path / "e.db")
    assert result.exit_code == 1
    assert "P112" in result.stderr and "e.db is not an actionctl database" in result.stderr
    assert "internal error" not in result.output


def test_a_failed_commit_rolls_back_and_the_next_write_is_committed(tmp_path: Path):
    """A COMMIT can fail (disk full, I/O error; here a deferred foreign key): the
    transaction must not stay open and swallow the next write uncommitted."""
    store = Store(tmp_path / "p.db")
    store._db.execute("PRAGMA foreign_keys = ON")
    store._db.execute(
        "CREATE TABLE refs (uid TEXT REFERENCES agents (uid) DEFERRABLE INITIALLY DEFERRED)"
    )
    with pytest.raises(DatabaseUnusable, match="FOREIGN KEY"), store._write() as db:
        db.execute("INSERT INTO refs VALUES ('nobody')")
    assert not store._db.in_transaction
    store.ensure_agent("kept")
    other = Store(tmp_path / "p.db")
    try:
        assert [a["uid"] for a in other.list_agents().items] == ["kept"]
    finally:
        other.close()
        store.close()


def test_create_fills_the_documented_defaults_but_no_description(local: LocalPlatform):
    tool = local.create_tool("a", {"type": "end_call", "name": "bye"})
    assert (tool["speak_during_execution"], tool["speak_after_execution"], tool["async"]) == (
        True,
        True,
        False,
    )
    assert "description" not in tool


def test_reading_an_empty_platform_makes_no_file(tmp_path: Path):
    """Until the first write there is no database: reads see an empty platform and a
    tool named by id does not exist; the first create makes the file (and its folder,
    through ``prepare_dir``)."""
    db = tmp_path / "state" / "platform.db"
    prepared: list[Path] = []
    platform = LocalPlatform(db, prepare_dir=prepared.append)
    assert platform.list_agents() == [] and platform.list_tools("a") == []
    assert platform.list_tools_many(["a"]) == {"a": []}
    assert platform.list_phone_numbers() == []
    with pytest.raises(NotFoundError, match="tool 3 of agent 'a'"):
        platform.get_tool("a", 3)
    with pytest.raises(NotFoundError):
        platform.update_tool("a", 3, {"description": "x"})
    with pytest.raises(NotFoundError):
        platform.delete_tool("a", 3)
    platform.close()
    assert not (tmp_path / "state").exists() and prepared == []

    platform = LocalPlatform(db, prepare_dir=prepared.append)
    tool = platform.create_tool("a", sms_tool("first"))
    platform.close()
    assert prepared == [db.parent] and db.is_file()
    reopened = LocalPlatform(db)
    assert reopened.list_tools("a") == [tool]
    reopened.close()
