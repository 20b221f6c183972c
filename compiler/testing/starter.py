"""``actionctl test --init AGENT/NAME``: starter cases for one action, from what it does
today. The sample arguments come from its parameters schema (``examples``, ``default``,
the first ``enum`` member, the ``e.g.`` of a description); the expectations are what
those arguments render to now, so the file passes as written and fails when the action
changes. A file that exists is never overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from compiler.atomic_write import write_atomically
from compiler.diagnostics import Diagnostic, DiagnosticError, Location
from compiler.diagnostics.codes import U105
from compiler.model import Action, Environment, Project
from compiler.testing.arguments import worst_arguments
from compiler.testing.cases import TESTS_FOLDER
from compiler.testing.observe import HANDOVER, REQUEST, SMS, Observed, observe

EXISTS = U105
_EXAMPLE = re.compile(r"\be\.g\.,?\s+(\S+?)[.,;)]?(?:\s|$)")
_ASSUMED_LENGTH = 40


def starter_path(action: Action) -> str:
    return f"{TESTS_FOLDER}/{action.agent}/{action.name}.test.yaml"


def write_starter(root: Path, project: Project, environment: Environment, action: Action) -> str:
    """Write the starter file; its path. DiagnosticError when it exists already."""
    shown = starter_path(action)
    path = root / shown
    if path.exists():
        message = f"{shown} exists: edit it, or remove it to start again"
        raise DiagnosticError([Diagnostic.error(Location(shown), EXISTS, message)])
    text = starter_text(project, environment, action)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, text)
    return shown


def starter_text(project: Project, environment: Environment, action: Action) -> str:
    from compiler.compile import compile_action

    payload, diagnostics = compile_action(action, project, environment)
    if payload is None:
        raise DiagnosticError(diagnostics)
    found = payload.get("parameters")
    schema: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    sample = sample_arguments(schema)
    observed = observe(action, project, environment, payload, sample, {})
    typical: dict[str, Any] = {"name": "typical", "parameters": sample}
    expect = _expectations(observed)
    cases: list[dict[str, Any]] = [typical | {"expect": expect} if expect else typical]
    cases += _senders(action, project, sample)
    cases += _worst_case(action, project, environment, payload, schema, sample)
    if schema.get("required"):
        cases.append(
            {"name": "rejects missing arguments", "parameters": {}, "expect_failures": ["required"]}
        )
    document = {"kind": "test", "action": action.address, "cases": cases}
    head = (
        f"# Tests of {action.address} (actionctl test; see docs/testing.md). Written from\n"
        f"# what it renders in {environment.name} today: check the values, then run\n"
        "# `actionctl test --update` to write its golden payloads.\n"
    )
    dumped = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=88)
    return head + dumped


class _Dumper(yaml.SafeDumper):
    """Each case written out in full: no ``&id001`` anchors for a shared sample."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def sample_arguments(schema: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return {}
    return {
        name: _sample(name, prop) for name, prop in properties.items() if isinstance(prop, Mapping)
    }


def _sample(name: str, prop: Mapping[str, Any]) -> Any:
    if isinstance(prop.get("examples"), list) and prop["examples"]:
        return prop["examples"][0]
    for key in ("default", "const"):
        if key in prop:
            return prop[key]
    if isinstance(prop.get("enum"), list) and prop["enum"]:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind in ("integer", "number"):
        return prop.get("minimum", 1)
    if kind == "boolean":
        return True
    found = _EXAMPLE.search(str(prop.get("description", "")))
    if found:
        return found.group(1)
    return _by_name(name)


def _by_name(name: str) -> str:
    """A plausible value from the parameter's name, when its schema gives none."""
    if "email" in name:
        return "caller@example.com"
    if "date" in name:
        return "2030-01-31"
    if "phone" in name or "number" in name:
        return "+15551234567"
    return f"sample {name}"


def _expectations(observed: Observed) -> dict[str, Any]:
    if observed.kind == SMS:
        expect: dict[str, Any] = {"text": observed.text} if not observed.prompt_mode else {}
        if observed.analysis is not None:
            expect |= {
                "encoding": observed.analysis.encoding,
                "segments": observed.analysis.segments,
            }
        expect["recipient"] = observed.recipient or "caller"
        return expect
    if observed.kind == HANDOVER and observed.number:
        return {"number": observed.number}
    if observed.kind == REQUEST and observed.request:
        return {"request": observed.request}
    return {}


def _senders(action: Action, project: Project, sample: dict[str, Any]) -> list[dict[str, Any]]:
    """One case per environment for the sender: channel numbers differ per environment."""
    from compiler.compile import compile_action

    cases = []
    for name, environment in sorted(project.config.environments.items()):
        payload = compile_action(action, project, environment)[0]
        static = payload.get("static_params") if payload else None
        sender = static.get("from_number") if isinstance(static, Mapping) else None
        if payload is None or payload.get("type") != "send_sms" or not isinstance(sender, str):
            continue
        case = {"name": f"sent from {name}'s number", "environments": [name]}
        cases.append(case | {"parameters": sample, "expect": {"sender": sender}})
    return cases


def _worst_case(
    action: Action,
    project: Project,
    environment: Environment,
    payload: Mapping[str, Any],
    schema: Mapping[str, Any],
    sample: dict[str, Any],
) -> list[dict[str, Any]]:
    """A worst case with today's ceiling, for an SMS with its own text."""
    if payload.get("type") != "send_sms":
        return []
    from compiler.testing.runner import message_names

    printed = message_names(dict(payload))
    if not printed:  # a fixed text: its one rendering is the worst case
        return []
    variants = worst_arguments(schema, sample, _ASSUMED_LENGTH, printed)[0]
    segments = 0
    for variant in variants:
        seen = observe(action, project, environment, payload, variant.arguments, {})
        if seen.analysis is None:
            return []
        segments = max(segments, seen.analysis.segments)
    free = worst_arguments(schema, {}, None, printed)[1]
    worst: dict[str, Any] = {"assume_max_length": _ASSUMED_LENGTH} if free else {}
    case = {"name": "worst case", "parameters": sample, "worst_case": worst}
    return [case | {"expect": {"max_segments": segments}}]
