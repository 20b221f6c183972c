"""docs/yaml-reference.md: current with the schemas, complete (every property of every
schema), and every example in it a real, valid document that compiles to the platform
type the reference names."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from compiler.compile import compile_action
from compiler.compile.checks import check_project
from compiler.diagnostics import Diagnostic
from compiler.load import load_project, schemas
from tests.conftest import REPO_ROOT, CliResult

REFERENCE = REPO_ROOT / "docs" / "yaml-reference.md"
YAML_FENCE = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)
HEADING = re.compile(r"^(#{2,4}) (.+)$", re.M)


def _load_build() -> ModuleType:
    path = REPO_ROOT / "docs" / "build_reference.py"
    spec = importlib.util.spec_from_file_location("build_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _load_build()


def reference_text() -> str:
    return REFERENCE.read_text(encoding="utf-8") if REFERENCE.is_file() else ""


def example_blocks() -> list[str]:
    return YAML_FENCE.findall(reference_text())


def block_label(block: str) -> str:
    data = yaml.safe_load(block)
    if data.get("kind") == "action":
        return str(data["type"])
    return str(data.get("kind", "project"))


def sections() -> dict[str, str]:
    """Heading text -> everything up to the next heading of its level or above (its
    sub-tables included)."""
    text = reference_text()
    found: dict[str, str] = {}
    matches = list(HEADING.finditer(text))
    for index, match in enumerate(matches):
        level = len(match.group(1))
        ends = [m.start() for m in matches[index + 1 :] if len(m.group(1)) <= level]
        found[match.group(2)] = text[match.end() : ends[0] if ends else len(text)]
    return found


def section_of(kind: str) -> str:
    headings = {"project": "Project file `actionctl.yaml`", "channel": "Channel"}
    heading = headings.get(kind, "Actions" if kind == "action" else f"`{kind}`")
    found = sections()
    assert heading in found, f"no section {heading!r} in docs/yaml-reference.md"
    return found[heading]


def properties(schema: dict[str, Any], parent: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every property path of a schema: into nested objects and mapping values."""
    for name, prop in schema.get("properties", {}).items():
        yield (*parent, name)
        yield from properties(prop, (*parent, name))
        values = prop.get("additionalProperties")
        if isinstance(values, dict):
            yield from properties(values, (*parent, name, "<name>"))


# Up to date


def test_the_committed_reference_is_current(build: ModuleType) -> None:
    assert reference_text() == build.render(), (
        "docs/yaml-reference.md is stale: run `python docs/build_reference.py`"
    )
    assert build.main(["--check"]) == 0


def test_check_fails_on_a_stale_or_missing_reference(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    stale = tmp_path / "yaml-reference.md"
    stale.write_text(build.render().replace("| `prune` |", "| `purge` |"), encoding="utf-8")
    assert build.check(stale) != []
    assert build.check(tmp_path / "missing.md") != []
    monkeypatch.setattr(build, "OUTPUT", stale)
    assert build.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err


def test_the_reference_says_it_is_generated_and_links_the_editor_setup() -> None:
    head = reference_text()[:2000]
    assert "python docs/build_reference.py" in head
    assert "(editors.md)" in head


# Complete


@pytest.mark.parametrize("kind", schemas.kinds())
def test_every_property_of_every_schema_appears(kind: str) -> None:
    section = section_of(kind)
    missing = []
    for path in properties(schemas.bundled(kind)):
        if f"| `{path[-1]}` |" not in section:
            missing.append(".".join(path))
            continue
        parent = ".".join(path[:-1])
        # A nested field sits under its object's own sub-heading, or under a sibling's
        # identical one ("The same for `tuesday`, ...").
        shared = len(path) > 2 and f"`{path[-2]}`" in section.split("The same for", 1)[-1]
        if parent and f"`{parent}`" not in section and not shared:
            missing.append(".".join(path))
    assert missing == [], f"{kind}: fields missing from docs/yaml-reference.md"


def test_required_fields_are_marked(build: ModuleType) -> None:
    section = section_of("openmic.send_sms")
    assert "| `static_params` | mapping" in section
    assert re.search(r"^\| `static_params` \|[^|]*\| yes \|", section, re.M)
    assert re.search(r"^\| `message` \| string \| yes \|", section, re.M)
    assert re.search(r"^\| `to_number` \| string \| no \|", section, re.M)


def test_sub_table_links_lead_to_headings(build: ModuleType) -> None:
    text = reference_text()
    anchors = {build.anchor(m.group(2)) for m in re.finditer(r"^(#+) (.+)$", text, re.M)}
    links = re.findall(r"\]\(#([^)]+)\)", text)
    assert links, "no links inside the reference"
    assert sorted(set(links) - anchors) == []


# Examples


def test_one_example_per_kind_and_action_type() -> None:
    labels = [block_label(block) for block in example_blocks()]
    assert sorted(labels) == sorted(["project", "channel", "test", *schemas.action_types()])


def test_examples_are_the_example_projects_own_files(build: ModuleType) -> None:
    """Every example the example project has is quoted from it; the written ones are
    only for types it does not use."""
    own = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("actions", "channels")
        for path in sorted((REPO_ROOT / folder).rglob("*.yaml"))
    )
    own += (REPO_ROOT / "actionctl.yaml").read_text(encoding="utf-8")
    own += "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(REPO_ROOT.glob("tests/**/*.test.yaml"))
    )
    for block in example_blocks():
        label = block_label(block)
        if label in build.WRITTEN_EXAMPLES:
            assert f"type: {label}\n" not in own, f"use the example project's {label}"
            assert block == build.WRITTEN_EXAMPLES[label]
        else:
            assert block in own, f"{label}: example not found in the example project"


def project_with(block: str, root: Path) -> Path:
    """A project holding the example, plus the example project's channels it may name."""
    label = block_label(block)
    if label == "channel":
        (root / "channels").mkdir(parents=True)
        (root / "channels" / "example.yaml").write_text(block, encoding="utf-8")
        return root
    shutil.copytree(REPO_ROOT / "channels", root / "channels")
    if label == "project":
        (root / "actionctl.yaml").write_text(block, encoding="utf-8")
        return root
    (root / "actions").mkdir()
    (root / "actions" / "example.yaml").write_text(block, encoding="utf-8")
    return root


def shown(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.file}:{d.line}: {d.code} {d.message}" for d in diagnostics]


BLOCKS = example_blocks()


@pytest.mark.parametrize("block", BLOCKS, ids=[block_label(b) for b in BLOCKS])
def test_example_loads_and_validates(
    build: ModuleType, block: str, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    if block_label(block) == "test":  # a test of the example project: it passes there
        root = tmp_path / "project"
        for name in ("actions", "channels", "tests"):
            shutil.copytree(REPO_ROOT / name, root / name, ignore=shutil.ignore_patterns("*.py"))
        shutil.copy(REPO_ROOT / "actionctl.yaml", root / "actionctl.yaml")
        # In place of the file it quotes (two copies would name every case twice).
        (root / "tests" / "support" / "send_booking_confirmation.test.yaml").unlink()
        (root / "tests" / "example.test.yaml").write_text(block, encoding="utf-8")
        result = cli("--project", root, "test")
        assert result.exit_code == 0, result.output
        return
    root = project_with(block, tmp_path / "project")
    loaded = load_project(root)
    assert loaded.project is not None
    assert shown(loaded.diagnostics) == []
    documents = len(loaded.project.actions) + len(loaded.project.channels)
    assert documents >= 1
    expected = build.EXPECTED_CODES.get(block_label(block), ())
    codes = [d.code for d in check_project(loaded.project)]
    assert codes == list(expected), shown(check_project(loaded.project))


ACTION_BLOCKS = [b for b in BLOCKS if yaml.safe_load(b).get("kind") == "action"]


@pytest.mark.parametrize("block", ACTION_BLOCKS, ids=[block_label(b) for b in ACTION_BLOCKS])
def test_example_compiles_to_the_documented_platform_type(
    build: ModuleType, block: str, tmp_path: Path
) -> None:
    root = project_with(block, tmp_path / "project")
    project = load_project(root).project
    assert project is not None and len(project.actions) == 1
    environment = project.config.environment(None)
    assert environment is not None
    payload, diagnostics = compile_action(project.actions[0], project, environment)
    target = build.compiles_to(block_label(block))
    if target is None:
        assert payload is None
        expected = build.EXPECTED_CODES[block_label(block)]
        assert [d.code for d in diagnostics] == list(expected)
        return
    assert payload is not None, shown(diagnostics)
    assert payload["type"] == target
    assert f"`{target}`" in section_of(block_label(block))


DESCRIPTION = "Sends the caller the clinic's address and parking directions."


def _derived_instruction(tmp_path: Path, extra: str) -> str:
    """Compile a send_text_message without message or prompt; its static_params.message."""
    from compiler.compile import compile_project

    (tmp_path / "actions").mkdir()
    (tmp_path / "actions" / "a.yaml").write_text(
        "kind: action\ntype: send_text_message\nagent: support\nname: directions\n" + extra
    )
    loaded = load_project(tmp_path)
    assert loaded.project is not None and not loaded.diagnostics, loaded.diagnostics
    result = compile_project(loaded.project, loaded.project.config.environment(None))  # type: ignore[arg-type]
    (tool,) = result.tools.values()
    assert tool.payload["static_params"]["type"] == "prompt"
    message: str = tool.payload["static_params"]["message"]
    return message


@pytest.mark.parametrize(
    ("extra", "documented"),
    [
        (
            f"description: {DESCRIPTION}\n",
            "Write a short SMS to the caller that does the following: <description>",
        ),
        (
            f"description: {DESCRIPTION}\nrecipient: '+15550000199'\n",
            "Write a short SMS that does the following: <description>",
        ),
        ("", "Write a short SMS to the caller."),
    ],
)
def test_the_derived_instruction_is_documented_word_for_word(
    tmp_path: Path, extra: str, documented: str
) -> None:
    """README and the YAML reference quote the instruction an empty message becomes."""
    compiled = _derived_instruction(tmp_path, extra)
    assert compiled == documented.replace("<description>", DESCRIPTION)
    reference = " ".join(REFERENCE.read_text().split())
    assert f"`{documented}`" in reference
    if "<description>" in documented:
        readme = " ".join((REPO_ROOT / "README.md").read_text().split())
        assert f'"{documented}"' in readme
