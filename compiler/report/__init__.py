"""Formatting diagnostics: one module per output format, each with ``render()``.

``text`` (``path:line:col: severity CODE message``), ``json`` (a list of objects),
``github`` (workflow annotations), ``sarif`` (SARIF 2.1.0).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from compiler.diagnostics import Diagnostic

FORMATS: dict[str, str] = {
    "text": "compiler.report.text",
    "json": "compiler.report.json_format",
    "github": "compiler.report.github",
    "sarif": "compiler.report.sarif",
}


def format_diagnostics(
    diagnostics: list[Diagnostic],
    fmt: str,
    *,
    color: bool = False,
    project_dir: Path | None = None,
) -> str:
    """``project_dir`` (the command's ``--project``) lets the CI formats name files from
    the checkout root, where annotations and SARIF paths are resolved."""
    from compiler.report.paths import project_prefix

    module = importlib.import_module(FORMATS[fmt])
    text: str = module.render(diagnostics, color=color, prefix=project_prefix(project_dir))
    return text
