"""An api_call's request checked against the backend's OpenAPI document (3.0 or 3.1),
when the test names one (``openapi: backend/openapi.yaml``, relative to the project).

The request (method, URL, query, JSON body) must reach an operation of the document: a
path template matching the URL's path (after a server's base path), the method among
its operations, every required query parameter present, no query parameter it does not
declare, and each value and the body valid against their schemas (``$ref``s resolve
inside the document, offline).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from compiler.diagnostics import Diagnostic, Location
from compiler.diagnostics.codes import U140, U141
from compiler.load.yaml_source import read_yaml_file

OPENAPI_MISMATCH = U140  # the request does not match the OpenAPI document
OPENAPI_UNREADABLE = U141  # the OpenAPI document cannot be read or is not one

_URI = "urn:actionctl:openapi"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SCALARS = ("integer", "number", "boolean")


@dataclass
class OpenApi:
    file: str
    document: Mapping[str, Any]

    def problems(self, request: Mapping[str, Any]) -> list[str]:
        """Why ``request`` would not reach an operation of the document ([] when it does)."""
        method = str(request.get("method", "GET")).lower()
        path = urlsplit(str(request.get("url", ""))).path
        found = self._path(path)
        if found is None:
            return [f"no path of {self.file} matches {path}"]
        template, item, pointer = found
        operation = item.get(method)
        if not isinstance(operation, Mapping):
            have = ", ".join(m.upper() for m in _METHODS if m in item) or "none"
            return [f"{template} has no {method.upper()} operation in {self.file} (has: {have})"]
        at = f"{pointer}/{method}"
        query = request.get("query") or {}
        problems = self._query(item, pointer, operation, at, query)
        if "body" in request:
            problems += self._body(operation, at, request["body"])
        return problems

    def _path(self, path: str) -> tuple[str, Mapping[str, Any], str] | None:
        paths = self.document.get("paths")
        if not isinstance(paths, Mapping):
            return None
        for rest in self._relative(path):
            for template, item in paths.items():
                if isinstance(item, Mapping) and _template(str(template)).fullmatch(rest):
                    return str(template), item, "/paths/" + _escape(str(template))
        return None

    def _relative(self, path: str) -> list[str]:
        """The request's path after each server's base path (and as it is)."""
        bases = []
        for server in self.document.get("servers") or []:
            url = str(server.get("url", "")) if isinstance(server, Mapping) else ""
            base = urlsplit(_server_defaults(url, server)).path.rstrip("/")
            if base and (path == base or path.startswith(base + "/")):
                bases.append(path[len(base) :] or "/")
        return [*bases, path]

    def _query(
        self,
        item: Mapping[str, Any],
        item_pointer: str,
        operation: Mapping[str, Any],
        at: str,
        query: Mapping[str, Any],
    ) -> list[str]:
        declared: dict[str, tuple[Mapping[str, Any], str]] = {}
        for owner, pointer in ((item, item_pointer), (operation, at)):
            for index, raw in enumerate(owner.get("parameters") or []):
                parameter, where = self._resolve(raw, f"{pointer}/parameters/{index}")
                if parameter.get("in") == "query":
                    declared[str(parameter.get("name"))] = (parameter, where)
        problems = [
            f"query parameter {name!r} is required by the operation and missing"
            for name, (parameter, _) in declared.items()
            if parameter.get("required") and name not in query
        ]
        for name, value in query.items():
            if name not in declared:
                problems.append(f"query parameter {name!r} is not declared by the operation")
                continue
            parameter, where = declared[name]
            if "schema" in parameter:
                schema, _ = self._resolve(parameter["schema"], f"{where}/schema")
                problems += self._invalid(f"{where}/schema", _typed(value, schema), f"query {name}")
        return problems

    def _body(self, operation: Mapping[str, Any], at: str, body: Any) -> list[str]:
        raw = operation.get("requestBody")
        if raw is None:
            return [] if not body else ["the operation takes no request body"]
        request_body, where = self._resolve(raw, f"{at}/requestBody")
        content = request_body.get("content")
        media = content.get("application/json") if isinstance(content, Mapping) else None
        if not isinstance(media, Mapping):
            return ["the operation takes no application/json body"]
        if "schema" not in media:
            return []
        pointer = f"{where}/content/{_escape('application/json')}/schema"
        return self._invalid(pointer, body, "body")

    def _resolve(self, node: Any, pointer: str) -> tuple[Mapping[str, Any], str]:
        """``node`` with local ``$ref``s followed, and the pointer it was found at."""
        for _ in range(20):
            ref = node.get("$ref") if isinstance(node, Mapping) else None
            if not isinstance(ref, str) or not ref.startswith("#/"):
                break
            pointer = ref[1:]
            node = _at(self.document, pointer)
        return (node if isinstance(node, Mapping) else {}), pointer

    def _invalid(self, pointer: str, value: Any, what: str) -> list[str]:
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator({"$ref": f"{_URI}#{pointer}"}, registry=self._registry)
        return [f"{what}: {error.message}" for error in validator.iter_errors(value)]

    @cached_property
    def _registry(self) -> Any:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        resource = Resource.from_contents(dict(self.document), default_specification=DRAFT202012)
        return Registry().with_resource(_URI, resource)


def load_openapi(root: Path, file: str, at: Location) -> tuple[OpenApi | None, Diagnostic | None]:
    """The document at ``file`` (relative to the project), or why it cannot be used."""
    path = root / file
    real_root = Path(os.path.realpath(root))
    if not Path(os.path.realpath(path)).is_relative_to(real_root):
        return None, _unreadable(at, f"{file} is outside the project: copy it into the project")
    if not path.is_file():
        return None, _unreadable(at, f"no OpenAPI document {file} in the project")
    read = read_yaml_file(path, file)
    if read.diagnostics or not read.documents:
        return None, _unreadable(at, f"{file} is not a YAML or JSON document (see validate)")
    document = read.documents[0].document.data
    if not isinstance(document, Mapping) or "openapi" not in document:
        return None, _unreadable(at, f"{file} is not an OpenAPI document (no `openapi:` version)")
    return OpenApi(file, document), None


def _unreadable(at: Location, message: str) -> Diagnostic:
    return Diagnostic.error(at, OPENAPI_UNREADABLE, message)


def _template(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^/{}]+\})", template)
    pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(pattern.rstrip("/") + "/?" if pattern != "/" else "/")


def _server_defaults(url: str, server: Any) -> str:
    variables = server.get("variables") if isinstance(server, Mapping) else None
    for name, spec in (variables or {}).items():
        default = spec.get("default", "") if isinstance(spec, Mapping) else ""
        url = url.replace("{" + str(name) + "}", str(default))
    return url


def _escape(token: str) -> str:
    return quote(token.replace("~", "~0").replace("/", "~1"), safe="~")


def _at(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.split("/")[1:]:
        key = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, Mapping) and key in node:
            node = node[key]
        else:
            return None
    return node


def _typed(value: Any, schema: Mapping[str, Any]) -> Any:
    """A query value (text on the wire) as the type its schema declares."""
    if schema.get("type") in _SCALARS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
