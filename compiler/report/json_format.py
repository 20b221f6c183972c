"""A JSON list of ``{file, line, column, severity, code, message}``."""

from __future__ import annotations

import json

from compiler.diagnostics import Diagnostic


def as_dicts(diagnostics: list[Diagnostic]) -> list[dict[str, object]]:
    return [
        {
            "file": d.file,
            "line": d.line,
            "column": d.column,
            "severity": d.severity.value,
            "code": d.code,
            "message": d.message,
        }
        for d in diagnostics
    ]


def render(diagnostics: list[Diagnostic], *, color: bool = False) -> str:
    return json.dumps(as_dicts(diagnostics), indent=2, ensure_ascii=False)
