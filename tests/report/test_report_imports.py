"""The report formats form no import cycle (github and its job summary used to import
each other): every module's imports of other ``compiler.report`` modules, found by
reading the source, must make an acyclic graph."""

from __future__ import annotations

import ast
from pathlib import Path

import compiler.report

REPORT = Path(compiler.report.__file__).parent


def _report_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found |= {n.rsplit(".", 1)[-1] for n in names if n.startswith("compiler.report.")}
    return found & {p.stem for p in REPORT.glob("*.py")}


def test_report_modules_import_each_other_without_a_cycle() -> None:
    graph = {p.stem: _report_imports(p) for p in REPORT.glob("*.py") if p.stem != "__init__"}
    assert graph["github"] >= {"github_summary", "paths"}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        assert module not in visiting, f"import cycle: {' -> '.join([*visiting, module])}"
        if module in done:
            return
        visiting.append(module)
        for imported in graph.get(module, ()):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in graph:
        visit(module)
