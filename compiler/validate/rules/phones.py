"""Rule family 'phones' (placeholder until implemented)."""

from __future__ import annotations

from collections.abc import Iterable

from compiler.diagnostics import Diagnostic
from compiler.model import Project


def check(project: Project) -> Iterable[Diagnostic]:
    return ()
