"""Project discovery and the project file."""

from __future__ import annotations

from pathlib import Path

from compiler.load import LoadResult, load_project
from compiler.model import Environment
from tests.conftest import write_files

CHANNEL = "kind: channel\nname: {name}\nphone_number: '+15550000001'\ncapabilities: [sms]\n"
ACTION = "kind: action\ntype: client_action\nagent: {agent}\nname: {name}\n"


def codes(result: LoadResult) -> list[tuple[str, str, int]]:
    return [(d.code, d.file, d.line) for d in result.diagnostics]


def test_missing_project_directory(tmp_path: Path) -> None:
    result = load_project(tmp_path / "nope")
    assert result.project is None
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "E100" and "does not exist" in diagnostic.message


def test_project_path_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    assert [d.code for d in load_project(tmp_path / "f").diagnostics] == ["E100"]


def test_defaults_without_project_file(tmp_path: Path) -> None:
    result = load_project(tmp_path)
    # Nothing at all to load: defaults, and an error that --project is wrong.
    assert [(d.code, d.is_error) for d in result.diagnostics] == [("E111", True)]
    assert result.project is not None
    config = result.project.config
    assert (config.platform, config.default_environment, config.source) == (
        "local",
        "default",
        None,
    )
    assert config.environments == {"default": Environment("default")}


def test_discovery_is_sorted_recursive_and_posix_relative(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "channels/b.yml": CHANNEL.format(name="B"),
            "channels/a.yaml": CHANNEL.format(name="A"),
            "channels/nested/ignored.yaml": CHANNEL.format(name="N"),
            "actions/z.yaml": ACTION.format(agent="x", name="z"),
            "actions/sub/deeper/a.yml": ACTION.format(agent="x", name="a")
            + "---\n"
            + ACTION.format(agent="x", name="b"),
            "actions/notes.txt": "not yaml",
        },
    )
    result = load_project(tmp_path)
    assert result.diagnostics == []
    project = result.project
    assert project is not None
    assert [c.name for c in project.channels] == ["A", "B"]
    assert [a.name for a in project.actions] == ["a", "b", "z"]
    assert project.actions[1].source.file == "actions/sub/deeper/a.yml"
    assert project.actions[1].source.index == 1
    assert result.files == [
        "channels/a.yaml",
        "channels/b.yml",
        "actions/sub/deeper/a.yml",
        "actions/z.yaml",
    ]


def test_project_file_is_read(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "actionctl.yaml": (
                "platform: openmic\napi_prefix: /h/v2\ndefault_environment: prod\nprune: true\n"
                "environments:\n  dev:\n    agents: {support: uid_dev}\n"
                "  prod:\n    agents: {support: uid_prod}\n"
                "    channels: {Main: '+15550000002'}\n"
            )
        },
    )
    result = load_project(tmp_path)
    assert result.diagnostics == []
    config = result.project.config  # type: ignore[union-attr]
    assert (config.platform, config.api_prefix, config.prune) == ("openmic", "/h/v2", True)
    assert config.environment(None) == Environment(
        "prod", {"support": "uid_prod"}, {"Main": "+15550000002"}
    )
    assert config.source is not None and config.source.file == "actionctl.yaml"


def test_single_environment_is_the_default(tmp_path: Path) -> None:
    write_files(tmp_path, {"actionctl.yaml": "environments:\n  staging: {}\n"})
    config = load_project(tmp_path).project.config  # type: ignore[union-attr]
    assert config.default_environment == "staging"


def test_project_file_errors(tmp_path: Path) -> None:
    write_files(tmp_path, {"actionctl.yaml": "kind: project\nplatfrom: local\napi_key: secret\n"})
    result = load_project(tmp_path)
    found = [(d.code, d.line, d.column) for d in result.diagnostics]
    assert found == [("S201", 1, 1), ("S201", 2, 1), ("S201", 3, 1)]
    messages = " ".join(d.message for d in result.diagnostics)
    assert "did you mean 'platform'?" in messages and "did you mean 'api_key_env'?" in messages
    assert "secret" not in messages
    assert result.project is not None  # other files are still checked


def test_project_file_with_two_documents(tmp_path: Path) -> None:
    write_files(tmp_path, {"actionctl.yaml": "prune: false\n---\nprune: true\n"})
    assert codes(load_project(tmp_path)) == [("E106", "actionctl.yaml", 3)]


def test_api_key_env_must_be_a_variable_name(tmp_path: Path) -> None:
    write_files(tmp_path, {"actionctl.yaml": "api_key_env: sk-live-abc.def\n"})
    [diagnostic] = load_project(tmp_path).diagnostics
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("S206", 1, 14)
    assert "NAME of an environment variable" in diagnostic.message


def test_environment_names_are_checked(tmp_path: Path) -> None:
    write_files(tmp_path, {"actionctl.yaml": "environments:\n  'my env': {}\n"})
    assert codes(load_project(tmp_path)) == [("S206", "actionctl.yaml", 2)]


def test_every_document_is_kept_in_documents(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "actionctl.yaml": "prune: false\n",
            "actions/a.yaml": ACTION.format(agent="x", name="ok") + "---\nkind: action\n",
        },
    )
    project = load_project(tmp_path).project
    assert project is not None
    assert [(d.file, d.index) for d in project.documents] == [
        ("actionctl.yaml", 0),
        ("actions/a.yaml", 0),
        ("actions/a.yaml", 1),
    ]
    assert [a.name for a in project.actions] == ["ok"]


def test_project_file_with_the_yml_suffix_is_pointed_out(tmp_path: Path) -> None:
    write_files(tmp_path, {"actionctl.yml": "prune: true\n"})
    result = load_project(tmp_path)
    assert [(d.code, d.file, d.line, d.is_error) for d in result.diagnostics] == [
        ("E105", "actionctl.yml", 1, False)
    ]
    assert result.project is not None and result.project.config.prune is False
