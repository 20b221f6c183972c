"""Rule family 'capability' (C60x): what the target platform (OpenMic) cannot express.

- C601 ``static_response``: OpenMic has no static response tool;
- C602 ``api_call`` with a method other than GET/POST;
- C603 ``api_call`` url with placeholders (OpenMic API call URLs are static).

The compiler refuses the same actions with the same codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from compiler.diagnostics import Diagnostic, Location
from compiler.model import Action, Project

TARGET = "OpenMic"
SUPPORTED_METHODS = ("GET", "POST")
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{[^{}]*\}")


def check(project: Project) -> Iterable[Diagnostic]:
    for action in project.actions:
        yield from check_action(action)
    yield from _static_responses_left_out(project)


def check_action(action: Action) -> Iterator[Diagnostic]:
    if action.type == "static_response":
        yield no_static_response(action.locate("type"))
    if action.type == "api_call":
        yield from _check_api_call(action)


def no_static_response(location: Location) -> Diagnostic:
    return Diagnostic.error(
        location,
        "C601",
        f"{TARGET} has no static response tool, so static_response cannot be compiled "
        f"for {TARGET}; use send_text_message, or openmic.end_call with an end_message",
    )


def _static_responses_left_out(project: Project) -> Iterator[Diagnostic]:
    """A static_response whose fields are also wrong is left out of the project; fixing
    those fields would only lead to C601, so say it now."""
    loaded = {id(action.source) for action in project.actions}
    for document in project.documents:
        data = document.data
        if id(document) in loaded or not isinstance(data, dict):
            continue
        if data.get("kind") == "action" and data.get("type") == "static_response":
            yield no_static_response(document.locate("type"))


def _check_api_call(action: Action) -> Iterator[Diagnostic]:
    method = action.fields.get("method", "GET")
    if isinstance(method, str) and method.upper() not in SUPPORTED_METHODS:
        yield Diagnostic.error(
            action.locate("method"),
            "C602",
            f"{TARGET} API calls support only GET and POST; method {method.upper()} cannot "
            f"be compiled for {TARGET} (use POST, or a client_action)",
        )
    url = action.fields.get("url")
    if isinstance(url, str):
        match = _PLACEHOLDER.search(url)
        if match:
            yield Diagnostic.error(
                action.locate("url"),
                "C603",
                f"{TARGET} API call URLs are static; {match.group(0)!r} cannot be filled in. "
                "Declare it in parameters_schema instead (GET sends parameters as the "
                "query string, POST in the body)",
            )
