"""Formatting diagnostics: one module per output format, each with ``render()``.

``text`` (``path:line:col: severity CODE message``), ``json`` (a list of objects),
``github`` (workflow annotations), ``sarif`` (SARIF 2.1.0).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compiler.diagnostics import Diagnostic

FORMATS: dict[str, str] = {
    "text": "compiler.report.text",
    "json": "compiler.report.json_format",
    "github": "compiler.report.github",
    "sarif": "compiler.report.sarif",
}


def format_diagnostics(diagnostics: list[Diagnostic], fmt: str, *, color: bool = False) -> str:
    module = importlib.import_module(FORMATS[fmt])
    text: str = module.render(diagnostics, color=color)
    return text
