"""The plan as JSON (``format_version: 1``): the same document ``--out`` saves."""

from __future__ import annotations

from compiler.plan.model import Plan


def render(plan: Plan, *, color: bool = False) -> str:
    del color
    return plan.dumps()
