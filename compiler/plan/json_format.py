"""The plan as JSON (``format_version: 1``): the same document ``--out`` saves."""

from __future__ import annotations

from compiler.plan.file import dumps_plan
from compiler.plan.model import Plan


def render(plan: Plan, *, color: bool = False) -> str:
    del color
    return dumps_plan(plan)
