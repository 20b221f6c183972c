"""A JSON list of ``{file, line, column, severity, code, message}``.

The list stays flat (every diagnostic, as before) with each cause right before its
consequences: a consequence has ``caused_by`` (``{file, line, column, code}`` of its
cause) and a cause has ``consequences`` (how many follow it).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from compiler.diagnostics import Diagnostic, json_text


def as_dicts(diagnostics: list[Diagnostic]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for diagnostic in diagnostics:
        out.append(_as_dict(diagnostic))
        out.extend(_as_dict(d) for d in diagnostic.consequences)
    return out


def _as_dict(d: Diagnostic) -> dict[str, Any]:
    item: dict[str, Any] = {
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
    }
    if d.caused_by is not None:
        item["caused_by"] = asdict(d.caused_by)
    if d.consequences:
        item["consequences"] = len(d.consequences)
    return item


def render(diagnostics: list[Diagnostic], *, color: bool = False, prefix: str = "") -> str:
    return json_text(as_dicts(diagnostics), indent=2)
