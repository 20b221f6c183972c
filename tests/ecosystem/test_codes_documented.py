"""The code registry (compiler/diagnostics/codes.py) is the one source of every code:
the compiler writes its constants, never a code as a string; docs/codes.md and the
tables of docs/codes/*.md are generated from it and up to date; a diagnostic's severity
is the registry's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from compiler.diagnostics import Diagnostic, Location, Severity
from compiler.diagnostics.codes import N301, REGISTRY, S201, STAGES, Code
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def build() -> ModuleType:
    path = REPO_ROOT / "docs" / "build_codes.py"
    spec = importlib.util.spec_from_file_location("build_codes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_compiler_writes_no_code_as_a_string(build: ModuleType) -> None:
    assert build.literals() == {}, "import these from compiler.diagnostics.codes"


def test_generated_pages_are_up_to_date(build: ModuleType) -> None:
    assert build.check() == []


def test_literals_are_found_in_source(build: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "compiler"
    source.mkdir()
    (source / "rule.py").write_text('CODE = "N301"\nOTHER = \'T420\'\nNOT_A_CODE = "N30"\n')
    root = build.ROOT
    try:
        build.ROOT = tmp_path
        assert build.literals(source) == {
            "N301": ["compiler/rule.py"],
            "T420": ["compiler/rule.py"],
        }
    finally:
        build.ROOT = root


def test_every_code_has_a_stage_meaning_and_fix() -> None:
    assert len(REGISTRY) > 150
    for id, code in REGISTRY.items():
        assert code == id and code.stage in STAGES, id
        assert code.meaning.strip() and code.fix.strip(), id
        assert code.severity in set(Severity), id


def test_the_index_gives_every_code_its_own_anchor_and_the_fix(build: ModuleType) -> None:
    page = build.render()
    for code in REGISTRY.values():
        assert f"### {code}\n" in page and f"[{code}](#{code.lower()})" in page
        assert f"Fix: {code.fix}" in page
    for title in STAGES.values():
        assert f"## {title}\n" in page


def test_a_stage_page_keeps_its_prose_and_gets_the_registry_table(build: ModuleType) -> None:
    page = "# Rules\n\nProse stays.\n\n| code | severity | meaning | fix |\n| old | row |\n"
    out = build.stage_page("rules", page)
    assert out.startswith("# Rules\n\nProse stays.\n\n| code | severity | meaning | fix |")
    assert "| old | row |" not in out
    assert "| R001 | warning |" in out and "| N301 |" not in out


def test_a_code_is_its_id_everywhere_a_string_is_expected() -> None:
    import copy
    import json
    import pickle

    assert N301 == "N301" and hash(N301) == hash("N301") and json.dumps(N301) == '"N301"'
    assert copy.deepcopy(N301) is N301 and pickle.loads(pickle.dumps(N301)) is N301
    assert isinstance(N301, str) and isinstance(N301, Code)


def test_the_registry_decides_a_diagnostics_severity() -> None:
    where = Location("actions/a.yaml", 3, 1)
    assert Diagnostic.of(where, S201, "unknown field").severity is S201.severity
    wrong = Severity.WARNING if S201.severity is Severity.ERROR else Severity.ERROR
    with pytest.raises(ValueError, match="S201"):
        Diagnostic.at(where, S201, "unknown field", wrong)
