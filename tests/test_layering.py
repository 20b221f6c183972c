"""The package's modules use one another through public names, and the layering contracts
agree with each other.

A name with a leading underscore is its module's own business: a module that imports it
from another (``from compiler.x import _y``) ties itself to a detail the owner may change
without looking outside. Which stage may import which is import-linter's job
(``[tool.importlinter]`` in pyproject.toml, run by ``lint-imports`` in .ci/run); private
names are the part it cannot see.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def module_name(path: Path, root: Path) -> str:
    """``compiler.plan.live`` for ``root/compiler/plan/live.py`` (a package by its folder)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_from(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute name of the module a ``from ... import`` reads, relative ones resolved."""
    if node.level == 0:
        return node.module or ""
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(root: Path, package: str = "compiler") -> list[str]:
    """``file:line: from module import _name`` for each private name that a module of
    ``package`` (under ``root``) imports from the package; aliases do not matter, only
    the name taken."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        module = module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = imported_from(node, module, path.name == "__init__.py")
            if source != package and not source.startswith(f"{package}."):
                continue
            found += [
                f"{path.relative_to(root)}:{node.lineno}: from {source} import {alias.name}"
                for alias in node.names
                if is_private(alias.name)
            ]
    return found


# Known, and being removed: revert borrows apply's command helpers (the cli apply/revert
# cycle that import-linter reports too). Delete these lines when it is gone.
KNOWN: set[str] = set()  # private imports allowed across modules: none


def test_no_module_imports_another_modules_private_name() -> None:
    assert len(list((ROOT / "compiler").rglob("*.py"))) > 50  # the walk sees the package
    assert [found for found in private_imports(ROOT) if found not in KNOWN] == []


def test_private_imports_are_found_in_every_form(tmp_path: Path) -> None:
    stage = tmp_path / "compiler" / "stage"
    stage.mkdir(parents=True)
    (tmp_path / "compiler" / "__init__.py").write_text('__version__ = "0"\n')
    (stage / "__init__.py").write_text("from .part import _helper\n")
    (stage / "part.py").write_text(
        "from __future__ import annotations\n"
        "import os\n"
        "from os import _exit\n"  # not ours
        "from compiler import __version__\n"  # dunder: public
        "from compiler.wording import file_kind as _kind\n"  # a public name, aliased
        "from compiler.model import Action, _Hidden\n"
        "from compiler.plan.live import (\n"
        "    index_by_name,\n"
        "    _location_of,\n"
        ")\n"
        "from . import _sibling\n"
        "from .. import _top\n"
        "\n"
        "def late() -> None:\n"
        "    from compiler.load.files import _inside\n"
    )
    assert private_imports(tmp_path) == [
        "compiler/stage/__init__.py:1: from compiler.stage.part import _helper",
        "compiler/stage/part.py:6: from compiler.model import _Hidden",
        "compiler/stage/part.py:7: from compiler.plan.live import _location_of",
        "compiler/stage/part.py:11: from compiler.stage import _sibling",
        "compiler/stage/part.py:12: from compiler import _top",
        "compiler/stage/part.py:15: from compiler.load.files import _inside",
    ]


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["type"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _tails(modules: list[str]) -> set[str]:
    return {m.removeprefix("compiler.") for m in modules}


def test_the_kernel_and_the_stages_are_named_alike_in_both_contracts() -> None:
    """The kernel contract forbids exactly the stages the layers list, and the layers
    contract leaves out exactly the kernel (and ``__main__``): a module added to one list
    and not the other would escape a check."""
    contracts = _contracts()
    kernel, layers = contracts["forbidden"], contracts["layers"]
    stages = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    assert _tails(kernel["forbidden_modules"]) == stages
    assert _tails(kernel["source_modules"]) == set(layers["exhaustive_ignores"]) - {"__main__"}
    assert layers["exhaustive"] is True
