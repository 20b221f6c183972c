"""Every diagnostic code the compiler uses is documented, and docs/codes.md (the index
assembled by docs/build_codes.py from docs/codes/*.md) is up to date."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def build() -> ModuleType:
    path = REPO_ROOT / "docs" / "build_codes.py"
    spec = importlib.util.spec_from_file_location("build_codes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_every_code_used_in_compiler_is_documented(build: ModuleType) -> None:
    entries, _ = build.documented()
    missing = {code: files for code, files in build.used().items() if code not in entries}
    assert not missing, "undocumented codes (add a row to docs/codes/<area>.md):\n" + "\n".join(
        f"  {code}: {', '.join(files)}" for code, files in sorted(missing.items())
    )


def test_code_tables_are_well_formed(build: ModuleType) -> None:
    _, problems = build.documented()
    assert problems == []


def test_codes_index_is_up_to_date(build: ModuleType) -> None:
    entries, _ = build.documented()
    expected = build.render(entries)
    actual = (REPO_ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/codes.md is stale: run `python docs/build_codes.py`"


def test_codes_in_the_index_have_their_own_anchor(build: ModuleType, tmp_path: Path) -> None:
    areas = tmp_path / "codes"
    areas.mkdir()
    (areas / "loader.md").write_text(
        "# Loading files\n\n| code | severity | meaning | fix |\n|---|---|---|---|\n"
        "| `Y101` | error | YAML syntax error | Fix the indentation \\| quoting. |\n"
        "| Y102 | warning | bare `no` | Quote it: `'no'`. |\n"
    )
    (areas / "other.md").write_text(
        "| code | severity | meaning | fix |\n|---|---|---|---|\n"
        "| Y102 | error | again | x |\n| S201 | fatal | bad severity | x |\n"
    )
    entries, problems = build.documented(areas)
    assert set(entries) == {"Y101", "Y102", "S201"}
    assert entries["Y101"].fix == "Fix the indentation \\| quoting."
    assert any("Y102 also documented" in p for p in problems)
    assert any("S201" in p and "fatal" in p for p in problems)
    page = build.render(entries, areas)
    assert "### Y101" in page and "[Y101](#y101)" in page
    assert "## Loading files" in page


def test_used_codes_are_found_in_source(build: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "compiler"
    source.mkdir()
    (source / "rule.py").write_text('CODE = "N301"\nOTHER = \'T420\'\nNOT_A_CODE = "X123"\n')
    build_root = build.ROOT
    try:
        build.ROOT = tmp_path
        assert build.used(source) == {"N301": ["compiler/rule.py"], "T420": ["compiler/rule.py"]}
    finally:
        build.ROOT = build_root
