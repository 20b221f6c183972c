"""Rule families. Each module exposes ``check(project) -> Iterable[Diagnostic]``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from compiler.diagnostics import Diagnostic
from compiler.model import Project
from compiler.validate.rules import (
    capability,
    channels,
    environments,
    names,
    parameters,
    phones,
    project_file,
    sms,
    templates,
)


class Rule(Protocol):
    def check(self, project: Project) -> Iterable[Diagnostic]: ...


ALL_RULES: tuple[Rule, ...] = (
    project_file,
    environments,
    channels,
    names,
    phones,
    parameters,
    templates,
    sms,
    capability,
)
