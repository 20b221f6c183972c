"""connect(): the right platform for the project file, keys only from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from compiler.model import Environment, ProjectConfig
from compiler.platform.client import InsecureBaseUrlError, OpenMicClient
from compiler.platform.connect import MissingApiKeyError, UnknownPlatformError, connect
from compiler.platform.local import LocalPlatform
from tests.conftest import TEST_API_KEY
from tests.platform.conftest import sms_tool

ENV = Environment("dev")


def test_local_is_the_default_and_lives_in_dot_actionctl(tmp_path: Path):
    platform = connect(ProjectConfig(), ENV, tmp_path)
    try:
        assert isinstance(platform, LocalPlatform)
        assert platform.target == {"platform": "local", "base_url": ".actionctl/platform.db"}
        # Reading makes nothing: an empty platform needs no file.
        assert platform.list_agents() == [] and platform.list_tools("support") == []
        assert platform.list_phone_numbers() == []
        assert not (tmp_path / ".actionctl").exists()
        platform.create_tool("support", sms_tool("first"))
        assert (tmp_path / ".actionctl" / "platform.db").is_file()
        assert (tmp_path / ".actionctl" / ".gitignore").read_text().endswith("*\n")
    finally:
        platform.close()


def test_openmic_without_the_key_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.delenv("ACME_KEY", raising=False)
    config = ProjectConfig(platform="openmic", api_key_env="ACME_KEY")
    with pytest.raises(MissingApiKeyError, match="ACME_KEY is not set") as caught:
        connect(config, ENV, tmp_path)
    assert caught.value.code == "P109"


def test_openmic_uses_base_url_env_and_reaches_the_emulator(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    emulator: Any,
    capsys: pytest.CaptureFixture[str],
):
    emulator.store.create_agent({"name": "s", "prompt": ""}, uid="support_dev")
    emulator.store.create_tool("support_dev", {"type": "end_call", "name": "bye"})
    monkeypatch.setenv("OPENMIC_BASE_URL", emulator.url)
    monkeypatch.setenv("OPENMIC_API_KEY", TEST_API_KEY)
    config = ProjectConfig(platform="openmic", base_url="https://api.openmic.ai")
    platform = connect(config, ENV, tmp_path, verbose=1)
    try:
        assert isinstance(platform, OpenMicClient)
        assert platform.target["base_url"] == emulator.url
        assert [t["name"] for t in platform.list_tools("support_dev")] == ["bye"]
    finally:
        platform.close()
    err = capsys.readouterr().err
    assert "GET /h/v2/agents/support_dev/tools?page_size=100 -> 200" in err
    assert TEST_API_KEY not in err


def test_openmic_refuses_plain_http_to_a_remote_host(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    monkeypatch.setenv("OPENMIC_API_KEY", TEST_API_KEY)
    config = ProjectConfig(platform="openmic", base_url="http://api.openmic.ai")
    with pytest.raises(InsecureBaseUrlError, match="refusing plain http"):
        connect(config, ENV, tmp_path)


def test_unknown_platform(tmp_path: Path):
    with pytest.raises(UnknownPlatformError, match="'vapi'"):
        connect(ProjectConfig(platform="vapi"), ENV, tmp_path)
