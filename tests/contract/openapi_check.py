"""Requests and responses checked against docs/openapi/openmic-tools.yaml.

``ContractCheck.observe`` is an ``EmulatorConfig.observer``: the emulator hands it every
exchange. A request sent by actionctl's client (its ``User-Agent``) must be one the
OpenAPI description allows (operation, path and query parameters, JSON body); every
response of the emulator to a request it matched must be one the operation documents,
with a body of that schema; any other error answer must have the v2 error body.
Violations are collected as sentences, for the test to assert there are none.

The check is jsonschema over the OpenAPI file's own schemas (resolved against the file,
so ``#/components/...`` references work): the subset of OpenAPI 3.0 the file uses.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml
from jsonschema import Draft202012Validator

OPENAPI_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi" / "openmic-tools.yaml"
CLIENT_AGENT = "actionctl/"
DESCRIBED_PREFIX = "/h/v2/"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    spec: Mapping[str, Any]
    parameters: tuple[Mapping[str, Any], ...]


@cache
def openapi() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
    return data


def _resolve(node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local ``$ref`` (``#/components/...``) to the node it names."""
    while "$ref" in node:
        target: Any = openapi()
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


@cache
def operations() -> tuple[Operation, ...]:
    found = []
    for template, item in openapi()["paths"].items():
        pattern = re.compile(re.sub(r"\{[^/]+\}", "([^/]+)", template) + "$")
        shared = tuple(_resolve(p) for p in item.get("parameters", []))
        for method, spec in item.items():
            if method == "parameters":
                continue
            own = tuple(_resolve(p) for p in spec.get("parameters", []))
            found.append(Operation(method.upper(), template, pattern, spec, shared + own))
    return tuple(found)


_VALIDATORS: dict[int, Draft202012Validator] = {}


def _validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """One validator per schema node of the (cached, never mutated) document. The whole
    document rides along, so "#/components/schemas/X" resolves."""
    key = id(schema)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = Draft202012Validator({**schema, "components": openapi()["components"]})
    return _VALIDATORS[key]


def schema_errors(schema: Mapping[str, Any], value: Any) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in _validator(schema).iter_errors(value)
    ][:3]


def find_operation(method: str, path: str) -> tuple[Operation | None, bool]:
    """(the operation, whether the path is documented at all)."""
    path_known = False
    for operation in operations():
        if operation.pattern.fullmatch(path):
            path_known = True
            if operation.method == method:
                return operation, True
    return None, path_known


def _query_value(raw: str, schema: Mapping[str, Any]) -> Any:
    """A query string value as the JSON type its schema names (integers stay strings when
    they are not integers, so the schema reports them)."""
    if _resolve(schema).get("type") == "integer" and re.fullmatch(r"-?[0-9]+", raw):
        return int(raw)
    return raw


@dataclass
class ContractCheck:
    """Collects violations of the OpenAPI description; thread-safe (the emulator's
    request threads call ``observe`` concurrently)."""

    violations: list[str] = field(default_factory=list)
    checked_requests: int = 0
    checked_responses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def observe(
        self, method: str, target: str, headers: Mapping[str, str], raw: bytes, response: Any
    ) -> None:
        url = urlsplit(target)
        path = url.path.rstrip("/") or "/"
        operation, path_known = find_operation(method, path)
        # The description covers /h/v2; v1 and the older /v2 revision are not described.
        from_client = headers.get("user-agent", "").startswith(CLIENT_AGENT) and (
            path.startswith(DESCRIBED_PREFIX)
        )
        problems: list[str] = []
        # A client killed while sending (the crash-safety tests do that) leaves a
        # truncated body: not something the client chose to send.
        length = headers.get("content-length", "0")
        truncated = length.isdigit() and len(raw) < int(length)
        from_client = from_client and not truncated
        if from_client:
            problems += self._request_problems(method, path, url.query, raw, operation, path_known)
        problems += self._response_problems(operation, response)
        with self._lock:
            self.checked_requests += from_client
            self.checked_responses += 1
            self.violations += [f"{method} {path} -> {response.status}: {p}" for p in problems]

    # ------------------------------------------------------------------ requests

    def _request_problems(
        self,
        method: str,
        path: str,
        query: str,
        raw: bytes,
        operation: Operation | None,
        path_known: bool,
    ) -> list[str]:
        if operation is None:
            return [
                "request: method not documented for this path"
                if path_known
                else "request: path not in the OpenAPI description"
            ]
        problems = self._parameter_problems(operation, path, query)
        body_spec = operation.spec.get("requestBody")
        if body_spec is None:
            if raw.strip():
                problems.append("request: a body on an operation that takes none")
            return problems
        try:
            body = json.loads(raw) if raw.strip() else None
        except ValueError:
            return [*problems, "request: the body is not JSON"]
        if body is None:
            return [*problems, "request: the body is required"]
        schema = body_spec["content"]["application/json"]["schema"]
        problems += [f"request body {e}" for e in schema_errors(schema, body)]
        return problems

    @staticmethod
    def _parameter_problems(operation: Operation, path: str, query: str) -> list[str]:
        problems = []
        match = operation.pattern.fullmatch(path)
        assert match is not None
        values = dict(
            zip(re.findall(r"\{([^/]+)\}", operation.template), match.groups(), strict=True)
        )
        supplied = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        documented = {p["name"] for p in operation.parameters if p["in"] == "query"}
        problems += [
            f"query parameter {k!r} is not documented" for k in supplied if k not in documented
        ]
        for parameter in operation.parameters:
            source = values if parameter["in"] == "path" else supplied
            if parameter["name"] not in source:
                continue
            value = _query_value(source[parameter["name"]], parameter["schema"])
            problems += [
                f"{parameter['in']} parameter {parameter['name']} {e}"
                for e in schema_errors(parameter["schema"], value)
            ]
        return problems

    # ----------------------------------------------------------------- responses

    @staticmethod
    def _response_problems(operation: Operation | None, response: Any) -> list[str]:
        body = _response_body(response)
        if operation is None:
            if response.status < 400:
                return []  # outside the description (v1, the emulator's stats)
            return [f"response body {e}" for e in schema_errors(_error_schema(), body)]
        responses = operation.spec["responses"]
        spec = responses.get(str(response.status)) or responses.get("default")
        if spec is None:
            return [f"response status {response.status} is not documented"]
        if (
            response.status < 400
            and "default" in responses
            and str(response.status) not in responses
        ):
            return [f"response status {response.status} is not documented"]
        content = _resolve(spec).get("content")
        if content is None:
            return [] if body is None else ["response: a body where none is documented"]
        if body is None:
            return ["response: no JSON body"]
        schema = content["application/json"]["schema"]
        return [f"response body {e}" for e in schema_errors(schema, body)]


_ERROR_SCHEMA: Mapping[str, Any] = {"$ref": "#/components/schemas/Error"}


def _error_schema() -> Mapping[str, Any]:
    return _ERROR_SCHEMA


def _response_body(response: Any) -> Any:
    raw = response.raw
    if raw is None:
        return response.body
    return json.loads(raw)
