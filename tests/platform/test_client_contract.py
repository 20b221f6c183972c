"""The client against the vendor's contract: the published /h/v2 prefix, a
404 for a wrong path told apart from an unknown agent, and a list that says there is
more but gives no cursor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.platform.base import NotFoundError
from compiler.platform.client import IncompleteListError, OpenMicClient, UnknownPathError
from tests.conftest import TEST_API_KEY, CliResult, write_files, write_openmic_config
from tests.platform.test_openmic_client import add_agent, make_client


def test_the_default_prefix_is_the_published_one(emulator: Any) -> None:
    uid = add_agent(emulator, tools=3)
    with OpenMicClient(emulator.url, TEST_API_KEY) as client:
        assert client.api_prefix == "/h/v2"
        assert len(client.list_tools(uid)) == 3


def test_a_wrong_prefix_is_a_path_error_not_an_unknown_agent(emulator: Any) -> None:
    uid = add_agent(emulator, tools=1)
    with make_client(emulator, api_prefix="/v2") as client:
        with pytest.raises(UnknownPathError) as caught:
            client.list_tools(uid)
        with pytest.raises(UnknownPathError):
            client.agent_exists(uid)
    message = str(caught.value)
    assert caught.value.code == "P113"
    assert "api_prefix" in message and "/h/v2" in message and "not the agent" in message
    assert TEST_API_KEY not in message


def test_an_unknown_agent_under_the_right_prefix_is_still_an_unknown_agent(emulator: Any) -> None:
    with make_client(emulator) as client:
        with pytest.raises(NotFoundError) as caught:
            client.list_tools("ghost")
        assert not client.agent_exists("ghost")
    assert not isinstance(caught.value, UnknownPathError)
    assert "agent 'ghost' is unknown" in str(caught.value)


def test_has_more_without_a_cursor_is_an_error_naming_the_agent(
    emulator_factory: Callable[..., Any],
) -> None:
    server = emulator_factory(omit_next_cursor=True)
    uid = add_agent(server, "support", tools=150)
    with make_client(server) as client:
        with pytest.raises(IncompleteListError) as caught:
            client.list_tools(uid)
        assert len(client.list_tools(add_agent(server, "small", tools=3))) == 3  # one page
    assert caught.value.code == "P114"
    assert "'support'" in str(caught.value) and "next_cursor" in str(caught.value)


ACTION = """\
kind: action
type: openmic.end_call
agent: support
name: hang_up
"""


def test_plan_with_the_older_prefix_reports_p113_not_l801(
    tmp_path: Path,
    emulator: Any,
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ACTIONCTL_TEST_PREFIX_KEY", TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    add_agent(emulator, "agent_support")
    root = write_files(tmp_path / "p", {"actions/a.yaml": ACTION})
    agents = {"support": "agent_support"}
    write_openmic_config(root, emulator.url, "ACTIONCTL_TEST_PREFIX_KEY", agents, api_prefix="/v2")
    result = cli("--project", root, "plan")
    assert result.exit_code == 1
    assert "P113" in result.output and "L801" not in result.output
    write_openmic_config(root, emulator.url, "ACTIONCTL_TEST_PREFIX_KEY", agents)  # default
    assert cli("--project", root, "plan").exit_code == 0


@pytest.mark.parametrize("uid", [".", "..", "...", "a/..", "%2E%2E"])
def test_an_agent_uid_is_one_path_segment_whatever_it_holds(emulator: Any, uid: str) -> None:
    """An agent uid of dots is not a dot segment: the request reaches that agent's tools,
    never another path (``/agents/../tools`` would resolve to ``/tools``)."""
    add_agent(emulator, uid, tools=2)
    with make_client(emulator) as client:
        assert client.agent_exists(uid)
        assert sorted(tool["name"] for tool in client.list_tools(uid)) == ["t0000", "t0001"]
