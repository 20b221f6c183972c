"""Rule family 'environments' (E10x) on real YAML files."""

from __future__ import annotations

from pathlib import Path

from compiler.load import load_project
from compiler.validate.rules import environments

CHANNEL = "kind: channel\nname: Main\nphone_number: '+15550000001'\ncapabilities: [sms]\n"
ACTION = "kind: action\ntype: client_action\nagent: {agent}\nname: n\n"


def run(root: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str, bool]]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    loaded = load_project(root)
    assert loaded.diagnostics == []
    assert loaded.project is not None
    return [
        (d.code, d.file, d.line, d.column, d.message, d.is_error)
        for d in environments.check(loaded.project)
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


def test_agent_used_but_not_mapped_is_a_warning(tmp_path: Path) -> None:
    files = {
        "actionctl.yaml": "environments:\n  dev:\n    agents: {support: uid1}\n  prod: {}\n"
        "default_environment: dev\n",
        "actions/a.yaml": ACTION.format(agent="support"),
        "actions/b.yaml": ACTION.format(agent="sales"),
    }
    [(code, file, line, column, message, error)] = run(tmp_path, files)
    assert (code, file, line, column, error) == ("E104", "actionctl.yaml", 3, 5, False)
    assert "'sales'" in message and "'dev'" in message


def test_look_alike_agent_name_is_escaped_with_a_suggestion(tmp_path: Path) -> None:
    files = {
        "actionctl.yaml": "environments:\n  dev:\n    agents: {support: uid1}\n",
        "actions/a.yaml": ACTION.format(agent="supp\u043ert"),
    }
    [(code, _, _, _, message, _)] = run(tmp_path, files)
    assert code == "E104"
    assert "'supp\\u043ert'" in message
    assert "did you mean 'support'" in message and "look alike" in message
