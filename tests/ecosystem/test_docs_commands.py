"""Every ``actionctl ...`` line in the documentation's shell examples uses commands and
options that exist (README.md, docs/**/*.md, examples/README.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.ecosystem.cli_lines import actionctl_invocations, check_invocation

SHELL_FENCE = re.compile(r"^```(?:sh|bash|shell|console)\s*\n(.*?)^```", re.M | re.S)


def documents() -> list[Path]:
    pages = [REPO_ROOT / "README.md", REPO_ROOT / "examples" / "README.md"]
    pages += sorted((REPO_ROOT / "docs").rglob("*.md"))
    return [page for page in pages if page.is_file()]


def shell_lines(page: Path) -> list[tuple[str, list[str]]]:
    found = []
    for block in SHELL_FENCE.findall(page.read_text(encoding="utf-8")):
        script = "\n".join(line.removeprefix("$ ") for line in block.splitlines())
        for args in actionctl_invocations(script):
            found.append((f"{page.relative_to(REPO_ROOT)}: actionctl {' '.join(args)}", args))
    return found


EXAMPLES = [example for page in documents() for example in shell_lines(page)]


def test_the_docs_have_shell_examples() -> None:
    sources = {label.split(":", 1)[0] for label, _ in EXAMPLES}
    assert "docs/ci.md" in sources
    assert "docs/editors.md" in sources


@pytest.mark.parametrize("label, args", EXAMPLES, ids=[label for label, _ in EXAMPLES])
def test_documented_command_lines_are_real(label: str, args: list[str]) -> None:
    assert check_invocation(args) == [], label
