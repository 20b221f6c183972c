"""Rule family 'environments' (E10x) on real YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.validate.rules import environments
from tests.validate.conftest import load_clean

CHANNEL = "kind: channel\nname: Main\nphone_number: '+15550000001'\ncapabilities: [sms]\n"
ACTION = "kind: action\ntype: client_action\nagent: {agent}\nname: n\n"


def run(root: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str, bool]]:
    project = load_clean(root, files)
    return [
        (d.code, d.file, d.line, d.column, d.message, d.is_error)
        for d in environments.check(project)
    ]


def test_no_project_file_is_clean(tmp_path: Path) -> None:
    assert run(tmp_path, {"actions/a.yaml": ACTION.format(agent="x")}) == []


def test_default_environment_must_exist(tmp_path: Path) -> None:
    text = "default_environment: prd\nenvironments:\n  dev: {}\n  prod: {}\n"
    [(code, file, line, column, message, error)] = run(tmp_path, {"actionctl.yaml": text})
    assert (code, file, line, column, error) == ("E102", "actionctl.yaml", 1, 22, True)
    assert "did you mean 'prod'?" in message


def test_several_environments_need_a_default(tmp_path: Path) -> None:
    text = "environments:\n  dev: {}\n  prod: {}\n"
    [(code, _, line, column, message, _)] = run(tmp_path, {"actionctl.yaml": text})
    assert (code, line, column) == ("E102", 1, 1)
    assert "set default_environment" in message


def test_default_environment_without_environments(tmp_path: Path) -> None:
    [(code, _, line, _, message, _)] = run(
        tmp_path, {"actionctl.yaml": "default_environment: dev\n"}
    )
    assert (code, line) == ("E102", 1)
    assert "environments: default" in message


def test_override_of_unknown_channel(tmp_path: Path) -> None:
    files = {
        "channels/c.yaml": CHANNEL,
        "actionctl.yaml": "environments:\n  dev:\n    channels:\n      Mian: '+15550000002'\n",
    }
    [(code, file, line, column, message, _)] = run(tmp_path, files)
    assert (code, file, line, column) == ("E103", "actionctl.yaml", 4, 7)
    assert "did you mean 'Main'?" in message


def test_agent_used_but_not_mapped_is_a_warning_on_the_local_platform(tmp_path: Path) -> None:
    files = {
        "actionctl.yaml": "environments:\n  dev:\n    agents: {support: uid1}\n  prod: {}\n"
        "default_environment: dev\n",
        "actions/a.yaml": ACTION.format(agent="support"),
        "actions/b.yaml": ACTION.format(agent="sales"),
    }
    [(code, file, line, column, message, error)] = run(tmp_path, files)
    assert (code, file, line, column, error) == ("E104", "actionctl.yaml", 3, 5, False)
    assert "'sales'" in message and "'dev'" in message


def test_agent_used_but_not_mapped_is_an_error_on_openmic(tmp_path: Path) -> None:
    """Deploy-breaking: plan would fail there (no agent has the logical name as uid)."""
    files = {
        "actionctl.yaml": "platform: openmic\nenvironments:\n  dev:\n    agents: {support: uid1}\n"
        "default_environment: dev\n",
        "actions/a.yaml": ACTION.format(agent="support"),
        "actions/b.yaml": ACTION.format(agent="sales"),
    }
    [(code, file, line, column, message, error)] = run(tmp_path, files)
    assert (code, file, line, column, error) == ("E104", "actionctl.yaml", 4, 5, True)
    assert "plan would fail" in message


def test_look_alike_agent_name_is_an_error_at_the_action(tmp_path: Path) -> None:
    """A Cyrillic о in the agent name: it would deploy to a uid that does not exist."""
    files = {
        "actionctl.yaml": "environments:\n  dev:\n    agents: {support: uid1}\n",
        "actions/a.yaml": ACTION.format(agent="supp\u043ert"),
    }
    [(code, file, line, column, message, error)] = run(tmp_path, files)
    assert (code, file, line, column, error) == ("E110", "actions/a.yaml", 3, 8, True)
    assert "'supp\\u043ert'" in message and "\u043e" not in message
    assert "did you mean 'support'?" in message and "'dev'" in message


@pytest.mark.parametrize(
    ("written", "mapped"),
    [
        ("\u0455upport", "support"),  # Cyrillic dze
        ("supp\u03bfrt", "support"),  # Greek omicron
        ("\u0405ales", "Sales"),  # Cyrillic capital Dze
        ("\u0421\u0410LL", "call"),  # Cyrillic capitals Es, A
        ("\uff53\uff41\uff4c\uff45\uff53", "sales"),  # fullwidth, NFKC
        ("sa\u200bles", "sales"),  # zero-width space
        ("SALES", "sales"),  # case only
        ("b\u0456lling", "billing"),  # Cyrillic i
    ],
)
def test_confusable_names(tmp_path: Path, written: str, mapped: str) -> None:
    files = {
        "actionctl.yaml": f"environments:\n  dev:\n    agents: {{{mapped}: uid1}}\n",
        "actions/a.yaml": ACTION.format(agent=written),
    }
    [(code, _, _, _, message, error)] = run(tmp_path, files)
    assert (code, error) == ("E110", True)
    assert f"did you mean {mapped!r}?" in message
    assert message.isascii() or written.isascii()


def test_one_look_alike_error_for_all_environments_and_actions(tmp_path: Path) -> None:
    text = (
        "default_environment: dev\nenvironments:\n  dev:\n    agents: {support: u1}\n"
        "  prod:\n    agents: {support: u2}\n"
    )
    two = ACTION.format(agent="supp\u043ert") + "---\n" + ACTION.format(agent="supp\u043ert")
    files = {"actionctl.yaml": text, "actions/a.yaml": two.replace("name: n\n---", "name: m\n---")}
    [(code, file, line, column, message, _)] = run(tmp_path, files)
    assert (code, file, line, column) == ("E110", "actions/a.yaml", 3, 8)
    assert "'dev', 'prod'" in message and "2 actions use it" in message


def test_non_ascii_name_that_is_no_look_alike_stays_a_warning_shown_escaped(
    tmp_path: Path,
) -> None:
    files = {
        "actionctl.yaml": "environments:\n  dev:\n    agents: {support: uid1}\n",
        "actions/a.yaml": ACTION.format(agent="verk\u00e4uf"),
    }
    [(code, file, _, _, message, error)] = run(tmp_path, files)
    assert (code, file, error) == ("E104", "actionctl.yaml", False)
    assert "'verk\\xe4uf'" in message


def test_skeleton_and_confusable_with() -> None:
    assert environments.skeleton("S\u03c5pp\u043ert") == environments.skeleton("support")
    assert environments.confusable_with("supp\u043ert", {"sales": 1, "support": 2}) == "support"
    assert environments.confusable_with("sales", {"sales": 1}) is None  # itself: not a look-alike
    assert environments.confusable_with("supporter", ["support"]) is None
