"""What an action would produce for one case in one environment: the SMS (text,
encoding, segments, recipient, sender), the number a handover dials, or the HTTP request
an API call makes. Made from the compiled payload, so it is what would be deployed.

The SMS is rendered by ``compiler.compile.preview.render_sms``, the same code as
``actionctl render``; the rest is read from the payload here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from compiler.canonical import PLACEHOLDER
from compiler.model import Action, Environment, Project
from compiler.sms import SmsAnalysis

SMS, HANDOVER, REQUEST, OTHER = "sms", "handover", "request", "other"
_QUERY_METHODS = frozenset({"GET", "DELETE"})


@dataclass
class Observed:
    kind: str
    text: str | None = None
    prompt_mode: bool = False
    analysis: SmsAnalysis | None = None
    recipient: str | None = None  # None: the caller (contact)
    sender: str | None = None
    number: str | None = None
    request: dict[str, Any] | None = None
    unrendered: list[str] = field(default_factory=list)  # placeholder names with no value

    def summary(self) -> dict[str, Any]:
        """What was observed, as JSON (the json format's ``observed``)."""
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind == SMS:
            data |= {"text": self.text, "prompt_mode": self.prompt_mode}
            data |= {"recipient": self.recipient or "caller", "sender": self.sender}
            if self.analysis is not None:
                data |= {"encoding": self.analysis.encoding, "segments": self.analysis.segments}
        if self.number is not None:
            data["number"] = self.number
        if self.request is not None:
            data["request"] = self.request
        return data


def observe(
    action: Action,
    project: Project,
    environment: Environment,
    payload: Mapping[str, Any],
    parameters: Mapping[str, Any],
    variables: Mapping[str, str],
) -> Observed:
    kind = payload.get("type")
    if kind == "send_sms":
        return _sms(action, project, environment, payload, parameters, variables)
    if kind == "transfer_call":
        return _handover(payload, parameters, variables)
    if kind == "api_request":
        return _request(payload, parameters)
    return Observed(OTHER)


def as_text(value: Any) -> str:
    """A sample value as a template prints it: strings as they are, the rest as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _sms(
    action: Action,
    project: Project,
    environment: Environment,
    payload: Mapping[str, Any],
    parameters: Mapping[str, Any],
    variables: Mapping[str, str],
) -> Observed:
    from compiler.compile.preview import render_sms

    texts = {name: as_text(value) for name, value in parameters.items()}
    rendered = render_sms(action, project, environment, texts, variables, compiled=payload)
    return Observed(
        SMS,
        text=rendered.text,
        prompt_mode=rendered.prompt_mode,
        analysis=rendered.analysis,
        recipient=rendered.recipient,
        sender=rendered.sender,
        unrendered=[value.name for value in rendered.missing],
    )


def _handover(
    payload: Mapping[str, Any], parameters: Mapping[str, Any], variables: Mapping[str, str]
) -> Observed:
    static = payload.get("static_params")
    static = static if isinstance(static, Mapping) else {}
    number = static.get("default_transfer_number") or static.get("transfer_number")
    if not isinstance(number, str):
        return Observed(HANDOVER)
    unrendered: list[str] = []
    filled = fill(number, parameters, variables, unrendered)
    return Observed(HANDOVER, number=filled, unrendered=unrendered)


def fill(
    text: str, parameters: Mapping[str, Any], variables: Mapping[str, str], missing: list[str]
) -> str:
    """``text`` with each ``{{name}}`` filled (parameters first, as the platform does)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in parameters:
            return as_text(parameters[name])
        if name in variables:
            return str(variables[name])
        missing.append(name)
        return match.group(0)

    return PLACEHOLDER.sub(value, text)


def _request(payload: Mapping[str, Any], parameters: Mapping[str, Any]) -> Observed:
    """GET and DELETE send the arguments as the query string, the others as a JSON body."""
    method = str(payload.get("method", "get")).upper()
    url = str(payload.get("url", ""))
    request: dict[str, Any] = {"method": method, "url": url}
    if method in _QUERY_METHODS:
        query = {name: as_text(value) for name, value in parameters.items()}
        request["query"] = query
        if query:
            request["url"] = url + ("&" if "?" in url else "?") + urlencode(query)
    else:
        request["body"] = dict(parameters)
    return Observed(REQUEST, request=request)
