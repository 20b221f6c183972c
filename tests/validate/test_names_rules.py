"""Rule family 'names' (N31x) on real YAML files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from compiler.load import load_project
from compiler.validate.rules import names
from tests.validate.conftest import load_clean

ACTION = "kind: action\ntype: client_action\nagent: {agent}\nname: {name}\n"


def run(root: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str]]:
    project = load_clean(root, files)
    return [(d.code, d.file, d.line, d.column, d.message) for d in names.check(project)]


def test_same_name_on_two_agents_is_fine(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": ACTION.format(agent="support", name="lookup"),
        "actions/b.yaml": ACTION.format(agent="sales", name="lookup"),
    }
    assert run(tmp_path, files) == []


def test_duplicate_name_per_agent_names_both_files_and_lines(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": ACTION.format(agent="support", name="lookup"),
        "actions/b.yaml": "# x\n" + ACTION.format(agent="support", name="lookup"),
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N312", "actions/b.yaml", 5, 7)
    assert "actions/a.yaml:4:7" in message and "actions/b.yaml:5:7" in message


def test_duplicate_within_one_file(tmp_path: Path) -> None:
    text = ACTION.format(agent="s", name="x") + "---\n" + ACTION.format(agent="s", name="x")
    [(code, _, line, _, _)] = run(tmp_path, {"actions/a.yaml": text})
    assert (code, line) == ("N312", 9)


def test_two_logical_agents_on_one_platform_agent(tmp_path: Path) -> None:
    files = {
        "actionctl.yaml": "environments:\n  prod:\n    agents: {support: uid1, sales: uid1}\n",
        "actions/a.yaml": ACTION.format(agent="support", name="lookup"),
        "actions/b.yaml": ACTION.format(agent="sales", name="lookup"),
    }
    [(code, file, line, _, message)] = run(tmp_path, files)
    assert (code, file, line) == ("N313", "actions/b.yaml", 4)
    assert "'prod'" in message and "'uid1'" in message


def test_name_rule_holds_for_a_project_built_without_the_loader(tmp_path: Path) -> None:
    from compiler.model import Action, Project, ProjectConfig, SourceDocument, SourceMap

    source_map = SourceMap("live", {(): (1, 1), ("name",): (3, 7)})
    document = SourceDocument("live", 0, {"name": "Book a table"}, source_map)
    action = Action("client_action", "support", "Book a table", document.data, document)
    project = Project(root=tmp_path, config=ProjectConfig(), actions=[action])
    [diagnostic] = names.check(project)
    assert (diagnostic.code, diagnostic.file, diagnostic.line, diagnostic.column) == (
        "N311",
        "live",
        3,
        7,
    )
    assert "'Book a table'" in diagnostic.message


def test_loaded_projects_get_n311_once(tmp_path: Path) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.yaml").write_text(ACTION.format(agent="s", name="bad name"))
    loaded = load_project(tmp_path)
    assert [d.code for d in loaded.diagnostics] == ["N311"]
    assert loaded.project is not None and list(names.check(loaded.project)) == []


def test_lock_prefix_is_reserved(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": "# apply's lock tools\n"
        + ACTION.format(agent="support", name="actionctl-lock-mine")
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N314", "actions/a.yaml", 5, 7)
    assert "'actionctl-lock-'" in message and "rename it" in message


def test_lock_prefix_only_at_the_start_and_exactly(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": ACTION.format(agent="support", name="my-actionctl-lock-x"),
        "actions/b.yaml": ACTION.format(agent="support", name="actionctl-locks"),
        "actions/c.yaml": ACTION.format(agent="support", name="actionctl-lock"),
    }
    assert run(tmp_path, files) == []


def test_lock_prefix_through_the_cli(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.yaml").write_text(
        ACTION.format(agent="support", name="actionctl-lock-0123abcd")
    )
    result = cli("--project", tmp_path, "--no-color", "validate")
    assert result.exit_code == 1
    assert "actions/a.yaml:4:7: error N314 " in result.stdout


NATIVE = (
    'kind: action\ntype: openmic.send_sms\nagent: {agent}\nname: "{name}"\n'
    "static_params:\n  message: hi\n"
)


def test_names_in_nfc_and_nfd_are_one_name(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": NATIVE.format(agent="support", name="Caf\\u00e9 hours"),
        "actions/b.yaml": NATIVE.format(agent="support", name="Cafe\\u0301 hours"),
    }
    [(code, file, line, column, message)] = run(tmp_path, files)
    assert (code, file, line, column) == ("N312", "actions/b.yaml", 4, 7)
    assert "actions/a.yaml:4:7" in message and "NFC and NFD" in message


def test_a_name_in_look_alike_letters_is_the_latin_name(tmp_path: Path) -> None:
    files = {
        "actions/a.yaml": NATIVE.format(agent="support", name="COPE desk"),
        # Cyrillic С, О, Р, Е: one script per word, so no N316, yet it reads "COPE"
        "actions/b.yaml": NATIVE.format(agent="support", name="\\u0421\\u041e\\u0420\\u0415 desk"),
    }
    [(code, file, _, _, message)] = run(tmp_path, files)
    assert (code, file) == ("N312", "actions/b.yaml")
    assert "look alike" in message and "'COPE desk'" in message


def test_look_alike_names_on_two_agents_are_fine_and_case_is_no_look_alike(
    tmp_path: Path,
) -> None:
    files = {
        "actions/a.yaml": NATIVE.format(agent="support", name="Caf\\u00e9"),
        "actions/b.yaml": NATIVE.format(agent="sales", name="Cafe\\u0301"),
        "actions/c.yaml": NATIVE.format(agent="sales", name="caf\\u00e9"),
    }
    assert run(tmp_path, files) == []


def test_look_alike_key() -> None:
    assert names.look_alike_key("Caf\u00e9") == names.look_alike_key("Cafe\u0301")
    assert names.look_alike_key("\u0412illing") == "Billing"
    assert names.look_alike_key("Bil\u200bling") == "Billing"
    assert names.look_alike_key("\uff22illing") == "Billing"  # fullwidth B
    assert names.look_alike_key("billing") != names.look_alike_key("Billing")
