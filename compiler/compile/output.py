"""``actionctl compile`` as one use case: validate, then write each payload as it is
compiled.

    compile_to(root, environment, out) -> Compiled(diagnostics, tools, environment)

The JSON is the one ``json_text({address: payload, ...}, indent=2)`` gives, byte for
byte, but it is written piece by piece: each payload's text is written, then dropped,
so the whole document never sits in memory beside the payloads. The payloads validate
compiled (its compile step compiles every action) are taken over for the chosen
environment rather than compiled again. Written through a temporary file: with
``--out`` it replaces the file only when every tool compiled (``open_atomically``), and
for stdout it is copied out only then, so an error leaves nothing half-written.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from compiler.compile import compile_action, duplicate_address
from compiler.compile.checks import Kept, check_project, without_cycle_collection
from compiler.diagnostics import (
    Diagnostic,
    has_errors,
    json_text,
    safe_json,
    sorted_diagnostics,
)
from compiler.model import Action, Project

COPY_CHUNK = 1 << 20  # characters copied to stdout at a time


@dataclass
class Compiled:
    """What ``compile`` did: the diagnostics to show (warnings, or the errors that
    stopped it), how many tools were written, and for which environment."""

    diagnostics: list[Diagnostic]
    tools: int = 0
    environment: str | None = None
    text: TextIO | None = None  # without --out: the JSON, to copy to stdout


class _Abandon(Exception):
    """A compile error after the first payloads were written: nothing is kept."""


def compile_to(root: Path, environment: str | None, out: Path | None) -> Compiled:
    """Validate the project at ``root`` and write its payloads for ``environment`` (the
    default when None) to ``out``; with ``out`` None, ``Compiled.text`` holds them, for
    the caller to copy to stdout after the diagnostics."""
    with without_cycle_collection():
        return _compile_to(root, environment, out)


def _compile_to(root: Path, environment: str | None, out: Path | None) -> Compiled:
    from compiler.load import load_project
    from compiler.load.project import unknown_environment
    from compiler.validate.suppress import apply_rules

    loaded = load_project(root)
    project = loaded.project
    diagnostics = list(loaded.diagnostics)
    chosen = project.config.environment(environment) if project is not None else None
    kept = Kept(chosen, render) if chosen is not None else None
    if project is not None:
        diagnostics += check_project(project, keep=kept)
    diagnostics = sorted_diagnostics(apply_rules(diagnostics, project))
    if has_errors(diagnostics) or project is None:
        return Compiled(diagnostics)
    if kept is None:
        return Compiled([unknown_environment(project, environment)])
    return _written(project, kept, out, diagnostics)


def _written(
    project: Project, kept: Kept, out: Path | None, warnings: list[Diagnostic]
) -> Compiled:
    found: list[Diagnostic] = []
    name = kept.environment.name
    if out is not None:
        from compiler.atomic_write import open_atomically

        try:
            with open_atomically(out) as handle:
                count = _write(project, kept, handle, found)
        except _Abandon:
            count = 0
        return Compiled(sorted_diagnostics([*warnings, *found]), count, name)
    text = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed by copy_out)
    try:
        count = _write(project, kept, text, found)
    except BaseException as error:
        text.close()
        if not isinstance(error, _Abandon):
            raise
        return Compiled(sorted_diagnostics([*warnings, *found]), 0, name)
    text.seek(0)
    return Compiled(sorted_diagnostics([*warnings, *found]), count, name, text)


def copy_out(text: TextIO, echo: Callable[[str], None]) -> None:
    """Hand ``text`` (a ``Compiled.text``) to ``echo`` in chunks, then close it."""
    with text:
        for chunk in iter(lambda: text.read(COPY_CHUNK), ""):
            echo(chunk)


def _write(project: Project, kept: Kept, handle: TextIO, found: list[Diagnostic]) -> int:
    """Write the JSON object of every payload to ``handle``; raises ``_Abandon`` (after
    the reasons are in ``found``) when one does not compile."""
    count = 0
    handle.write("{")
    for address, text in _payloads(project, kept, found):
        if has_errors(found):
            raise _Abandon
        if text is not None:
            handle.write(f"{',' if count else ''}\n  {safe_json(_STRING(address))}: {text}")
            count += 1
    if has_errors(found):
        raise _Abandon
    handle.write("\n}\n" if count else "}\n")
    return count


def _payloads(
    project: Project, kept: Kept, found: list[Diagnostic]
) -> Iterator[tuple[str, str | None]]:
    """(address, rendered payload or None) of every action in address order, as
    ``compile_project`` compiles them (the first of two actions at one address)."""
    first_seen: dict[str, Action] = {}
    environment = kept.environment
    for action in sorted(project.actions, key=_order):
        earlier = first_seen.setdefault(action.address, action)
        if earlier is not action:
            found.append(duplicate_address(action, earlier))
            kept.results.pop(id(action), None)
            yield action.address, None
            continue
        # Taken out of the kept results: once written, the text is dropped.
        rendered = kept.results.pop(id(action), None)
        if rendered is None:
            kept.keep(action, compile_action(action, project, environment))
            rendered = kept.results.pop(id(action))
        text, diagnostics = rendered
        found.extend(diagnostics)
        yield action.address, text


def render(payload: dict[str, Any], indent: str = "  ") -> str:
    """The payload as ``json_text(payload, indent=2)`` writes it, at the second level of
    the document (each line after the first indented by ``indent`` more).

    ``json.dumps`` leaves its C encoder for its pure-Python one as soon as it indents;
    the payloads hold only plain JSON values, which ``_pretty`` writes the way that
    encoder does, at a third of its cost. Anything else goes to ``json.dumps``."""
    try:
        return safe_json(_pretty(payload, indent))
    except _Unusual:
        return json_text(payload, indent=2).replace("\n", "\n" + indent)


class _Unusual(Exception):
    """A value ``_pretty`` leaves to ``json.dumps``."""


_STRING = json.encoder.encode_basestring  # json's own (C) string writer, ensure_ascii=False


def _pretty(value: Any, indent: str) -> str:
    kind = value.__class__
    if kind is str:
        return _STRING(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = indent + "  "
        items = []
        for key, item in value.items():
            if key.__class__ is not str:
                raise _Unusual  # (json writes numbers and booleans as keys its own way)
            items.append(f"{_STRING(key)}: {_pretty(item, inner)}")
        return "{\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = indent + "  "
        items = [_pretty(item, inner) for item in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + indent + "]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    raise _Unusual


def _order(action: Action) -> tuple[str, str]:
    return action.agent, action.name
