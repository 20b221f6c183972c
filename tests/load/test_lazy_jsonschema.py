"""jsonschema costs ~65 ms to import: a project whose documents are all valid never
imports it (the fast check says yes); one invalid document does, to explain itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

PROBE = """
import sys
from pathlib import Path
from compiler.load import load_project
from compiler.compile.checks import check_project
loaded = load_project(Path(sys.argv[1]))
diagnostics = loaded.diagnostics + check_project(loaded.project)
print(sorted({d.code for d in diagnostics if d.severity == "error"}))
print(sorted(m for m in sys.modules if m.split(".")[0] in ("jsonschema", "referencing"))[:1])
"""


def _probe(root: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(root)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_a_valid_project_never_imports_jsonschema(example_project: Path):
    assert _probe(example_project) == ["[]", "[]"]


def test_an_invalid_document_imports_it_and_is_explained(example_project: Path):
    root = example_project
    (root / "actions" / "broken.yaml").write_text(
        "kind: action\ntype: handover\nagent: support\nname: broken\n"
        "description: Hands over.\nphone_number: 12\n"
    )
    codes, modules = _probe(root)
    assert codes != "[]" and modules == "['jsonschema']"
