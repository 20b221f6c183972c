"""An HTTP server speaking the OpenMic v2 API over the SQLite store, with injectable faults.

``EmulatorServer(EmulatorConfig(db_path=...))`` serves in a background thread
(``start``/``stop``, or as a context manager) or in the calling thread
(``serve_forever``, for ``actionctl emulator``). The routes answer under ``/h/v2``, the
vendor's published prefix (and under ``/v2``, an older revision, only with
``legacy_v2_prefix``). Behaviour where the platform's docs are silent is written down in
``docs/emulator.md``.

Layers: ``EmulatorApp`` turns (method, path, query, body) into a ``Response`` and knows
nothing about sockets; ``_Handler`` adds latency and faults and talks HTTP.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import math
import re
import socket
import socketserver
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from compiler.canonical import TOOL_TYPES, find_null
from compiler.emulator.faults import FAULT_KINDS, FaultInjector, TokenBucket
from compiler.emulator.seed import load_seed
from compiler.platform.store import (
    InvalidRequest,
    NotFound,
    Page,
    Store,
    StoreError,
    normalize_timestamp,
)

PREFIX = "/h/v2"  # every operation of the vendor's current OpenAPI file
LEGACY_PREFIX = "/v2"  # an older revision; served only with legacy_v2_prefix
V1_PREFIX = "/v1"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
MAX_BODY_BYTES = 1_000_000
MAX_TOOL_ID = 2**63 - 1  # SQLite's largest integer
NO_TOOL_ID = -1  # ids are positive: a lookup that finds nothing
STATS_PATH = "/_emulator/stats"  # request counters; not counted, no latency or faults


@dataclass
class EmulatorConfig:
    db_path: Path
    api_key: str | None = None  # None: requests are not authenticated
    host: str = "127.0.0.1"
    port: int = 0  # 0: a free port
    latency_ms: float = 0
    fault_rate: float = 0.0
    fault_seed: int = 0
    rate_limit_per_min: int | None = None
    seed_file: Path | None = None
    fault_kinds: tuple[str, ...] = FAULT_KINDS
    fault_retry_after: int = 1  # retryAfter (seconds) of an injected "429" fault
    rate_limit_burst: float | None = None  # token-bucket capacity; default 1 s of requests
    patch_merge_nested: bool = False  # True: PATCH shallow-merges nested objects
    # True: a created tool's description is stored without surrounding white space, a
    # normalisation a platform may do silently; apply's read-back must report it.
    trim_descriptions: bool = False
    id_order: str = "sequential"  # "shuffled": ids not in commit order (store.py)
    commit_delay_ms: float = 50.0  # shuffled: a create commits up to this long after its id
    legacy_v2_prefix: bool = False  # True: also answer under /v2 (an older API revision)
    omit_next_cursor: bool = False  # True: has_more pages without next_cursor (spec-valid)
    # Called with every exchange (method, target, headers, body, Response): the contract
    # tests validate requests and responses against the OpenAPI description with it.
    observer: Callable[[str, str, Mapping[str, str], bytes, Response], None] | None = None

    @property
    def prefixes(self) -> tuple[str, ...]:
        return (PREFIX, LEGACY_PREFIX) if self.legacy_v2_prefix else (PREFIX,)


@dataclass
class Response:
    status: int
    body: Any = None  # JSON-able; None for 204
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # an already-encoded JSON body (wins over ``body``)


def rate_limit_response(retry_after: float) -> Response:
    """The platform's documented 429 body, plus a ``Retry-After`` header (whole seconds)."""
    seconds = max(1, math.ceil(retry_after)) if retry_after > 0 else 0
    body = {
        "success": False,
        "message": "Too many requests",
        "error": "RATE_LIMIT_EXCEEDED",
        "retryAfter": seconds,
    }
    return Response(429, body, {"Retry-After": str(seconds)})


def _error(status: int, error: str, details: str | None = None) -> Response:
    body = {"error": error}
    if details:
        body["details"] = details
    return Response(status, body)


# --------------------------------------------------------------------------- app


Route = tuple[str, re.Pattern[str], Callable[..., Response]]


class EmulatorApp:
    """The API's semantics: routing, validation, pagination, auth, rate limit."""

    def __init__(self, store: Store, config: EmulatorConfig) -> None:
        self.store = store
        self.config = config
        self.bucket = (
            TokenBucket(config.rate_limit_per_min, config.rate_limit_burst)
            if config.rate_limit_per_min
            else None
        )
        self.routes: list[Route] = [
            ("GET", re.compile(r"/agents"), self.list_agents),
            ("POST", re.compile(r"/agents"), self.create_agent),
            ("GET", re.compile(r"/agents/([^/]+)"), self.get_agent),
            ("PATCH", re.compile(r"/agents/([^/]+)"), self.update_agent),
            ("DELETE", re.compile(r"/agents/([^/]+)"), self.delete_agent),
            ("GET", re.compile(r"/agents/([^/]+)/tools"), self.list_tools),
            ("POST", re.compile(r"/agents/([^/]+)/tools"), self.create_tool),
            ("GET", re.compile(r"/agents/([^/]+)/tools/([^/]+)"), self.get_tool),
            ("PATCH", re.compile(r"/agents/([^/]+)/tools/([^/]+)"), self.update_tool),
            ("DELETE", re.compile(r"/agents/([^/]+)/tools/([^/]+)"), self.delete_tool),
            ("GET", re.compile(r"/phone-numbers"), self.list_numbers),
            ("POST", re.compile(r"/phone-numbers/link-agent"), self.link_agent),
            ("POST", re.compile(r"/phone-numbers/unlink-agent"), self.unlink_agent),
            ("GET", re.compile(r"/phone-numbers/([^/]+)"), self.get_number),
        ]

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], raw_body: bytes
    ) -> Response:
        url = urlsplit(target)
        path = url.path.rstrip("/") or "/"
        prefixes = (*self.config.prefixes, V1_PREFIX)
        prefix = next((p for p in prefixes if path.startswith(p + "/")), None)
        if prefix is None:
            return _no_route(method, url.path)
        if not self.authorized(headers):
            return _error(401, "Unauthorized", "missing or invalid API key")
        if self.bucket is not None:
            wait = self.bucket.take()
            if wait > 0:
                return rate_limit_response(wait)
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if prefix == V1_PREFIX:
            return _v1_errors(self._dispatch_v1(method, path[len(prefix) :], query, raw_body))
        return self._dispatch(self._route(method, path[len(prefix) :]), method, query, raw_body)

    def _dispatch(
        self,
        route: tuple[Callable[..., Response], list[str]] | Response,
        method: str,
        query: dict[str, str],
        raw_body: bytes,
    ) -> Response:
        if isinstance(route, Response):
            return route
        handler, args = route
        try:
            _check_query(handler, query)
            body = _json_body(raw_body) if method in ("POST", "PATCH") else None
            return handler(*args, query=query, body=body)
        except StoreError as error:
            return Response(error.status, error.body())

    def _dispatch_v1(
        self, method: str, path: str, query: dict[str, str], raw_body: bytes
    ) -> Response:
        """v1: the same tools under ``/v1/bots/{uid}``, paged by ``limit``/``offset``."""
        if not path.startswith("/bots/"):
            return _no_route(method, f"/v1{path}")
        v2_path = "/agents/" + path[len("/bots/") :]
        route = self._route(method, v2_path)
        if not isinstance(route, Response) and route[0] == self.list_tools:
            route = (self.list_tools_v1, route[1])
        return self._dispatch(route, method, query, raw_body)

    def authorized(self, headers: Mapping[str, str]) -> bool:
        if self.config.api_key is None:
            return True
        supplied = headers.get("authorization", "")
        expected = f"Bearer {self.config.api_key}"
        return hmac.compare_digest(supplied.encode(), expected.encode())

    def _route(
        self, method: str, path: str
    ) -> tuple[Callable[..., Response], list[str]] | Response:
        allowed: list[str] = []
        for route_method, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            allowed.append(route_method)
            if route_method == method:
                return handler, [unquote(g) for g in match.groups()]
        if allowed:
            response = _error(405, "Method not allowed", f"{method} is not supported on {path}")
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return _no_route(method, path)

    # ---------------------------------------------------------------- agents

    def list_agents(self, *, query: dict[str, str], body: Any) -> Response:
        size, after = _paging(query, "agents")
        page = self.store.list_agents(after=after, limit=size, name=query.get("name"))
        return Response(200, self._page_body("agents", page))

    def create_agent(self, *, query: dict[str, str], body: Any) -> Response:
        return Response(201, self.store.create_agent(body))

    def get_agent(self, uid: str, *, query: dict[str, str], body: Any) -> Response:
        return Response(200, self.store.get_agent(uid))

    def update_agent(self, uid: str, *, query: dict[str, str], body: Any) -> Response:
        return Response(200, self.store.update_agent(uid, body))

    def delete_agent(self, uid: str, *, query: dict[str, str], body: Any) -> Response:
        self.store.delete_agent(uid)
        return Response(204)

    # ----------------------------------------------------------------- tools

    def list_tools(self, uid: str, *, query: dict[str, str], body: Any) -> Response:
        size, after = _paging(query, "tools")
        tool_type = query.get("type")
        if tool_type is not None and tool_type not in TOOL_TYPES:
            raise InvalidRequest("Validation failed", f"unknown tool type {tool_type!r}")
        page = self.store.list_tools_json(
            uid,
            after=after,
            limit=size,
            tool_type=tool_type,
            created_after=_timestamp(query, "created_after"),
            created_before=_timestamp(query, "created_before"),
        )
        # Spliced, not re-encoded: listing is the hot path of every plan.
        tail = self._page_body("tools", Page([], page.has_more, page.last_key))
        cursor = (
            f',"next_cursor":{json.dumps(tail["next_cursor"])}' if "next_cursor" in tail else ""
        )
        raw = (
            '{"tools":['
            + ",".join(page.items)
            + f'],"has_more":{json.dumps(tail["has_more"])}{cursor}}}'
        )
        return Response(200, raw=raw.encode())

    def list_tools_v1(self, uid: str, *, query: dict[str, str], body: Any) -> Response:
        limit = _bounded_int(query, "limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        offset = _bounded_int(query, "offset", 0, 0, None)
        tools, total = self.store.list_tools_offset(uid, offset=offset, limit=limit)
        pagination = {
            "limit": limit,
            "offset": offset,
            "total": total,
            "has_more": offset + len(tools) < total,
        }
        return Response(200, {"tools": tools, "pagination": pagination})

    def create_tool(self, uid: str, *, query: dict[str, str], body: Any) -> Response:
        if self.config.trim_descriptions and isinstance(body.get("description"), str):
            body = {**body, "description": body["description"].strip()}
        return Response(201, self.store.create_tool(uid, body))

    def get_tool(self, uid: str, tool_id: str, *, query: dict[str, str], body: Any) -> Response:
        return Response(200, self.store.get_tool(uid, _tool_id(tool_id)))

    def update_tool(self, uid: str, tool_id: str, *, query: dict[str, str], body: Any) -> Response:
        tool = self.store.update_tool(
            uid, _tool_id(tool_id), body, merge_nested=self.config.patch_merge_nested
        )
        return Response(200, tool)

    def delete_tool(self, uid: str, tool_id: str, *, query: dict[str, str], body: Any) -> Response:
        self.store.delete_tool(uid, _tool_id(tool_id))
        return Response(204)

    # --------------------------------------------------------- phone numbers

    def list_numbers(self, *, query: dict[str, str], body: Any) -> Response:
        size, after = _paging(query, "phone_numbers")
        page = self.store.list_phone_numbers(
            after=after, limit=size, phone_number=query.get("phone_number"), name=query.get("name")
        )
        numbers = Page([_number(n) for n in page.items], page.has_more, page.last_key)
        return Response(200, self._page_body("phone_numbers", numbers))

    def get_number(self, number_id: str, *, query: dict[str, str], body: Any) -> Response:
        if not _digits(number_id):
            raise NotFound("Phone number not found", f"no phone number with id {number_id!r}")
        return Response(200, _number(self.store.get_phone_number(int(number_id))))

    def link_agent(self, *, query: dict[str, str], body: Any) -> Response:
        number_id = _number_id(body)
        agent_uid = body.get("agent_uid")
        if not isinstance(agent_uid, str) or not agent_uid:
            raise InvalidRequest("Validation failed", "agent_uid is required")
        direction = body.get("direction", "both")
        return Response(200, _number(self.store.link_agent(number_id, agent_uid, direction)))

    def unlink_agent(self, *, query: dict[str, str], body: Any) -> Response:
        number_id = _number_id(body)
        number = self.store.unlink_agent(number_id, body.get("direction", "both"))
        return Response(200, _number(number))

    def _page_body(self, kind: str, page: Page) -> dict[str, Any]:
        """A list page. ``next_cursor`` is absent (never null) on the last page, and on
        every page with ``omit_next_cursor``: spec-valid, and a careful client must not
        take such a page for the last."""
        body: dict[str, Any] = {kind: page.items, "has_more": page.has_more}
        if page.has_more and page.last_key and not self.config.omit_next_cursor:
            body["next_cursor"] = encode_cursor(kind, page.last_key)
        return body


# The query parameters each operation documents; any other is refused (400), so a
# client sending one the platform would ignore finds out in tests.
_PAGING = frozenset({"page_size", "cursor"})
QUERY_KEYS: Mapping[str, frozenset[str]] = {
    "list_agents": _PAGING | {"name"},
    "list_tools": _PAGING | {"type", "created_after", "created_before"},
    "list_tools_v1": frozenset({"limit", "offset"}),
    "list_numbers": _PAGING | {"phone_number", "name"},
}


def _check_query(handler: Callable[..., Response], query: Mapping[str, str]) -> None:
    allowed = QUERY_KEYS.get(handler.__name__, frozenset())
    unknown = sorted(k for k in query if k not in allowed)
    if unknown:
        listed = ", ".join(sorted(allowed)) or "none"
        raise InvalidRequest(
            "Validation failed",
            f"unknown query parameter {unknown[0]!r} (this operation takes: {listed})",
        )


def _number(number: Mapping[str, Any]) -> dict[str, Any]:
    """A phone number as the API shows it: an agent uid that is not linked is absent
    (no field of the schema is nullable), not null."""
    return {k: v for k, v in number.items() if v is not None}


def _no_route(method: str, path: str) -> Response:
    """An unknown path. The error names no resource (unlike "Agent not found"), which is
    how a client tells a wrong base URL or prefix from an unknown agent."""
    return _error(404, "Route not found", f"no route for {method} {path}")


def _json_body(raw: bytes) -> Any:
    if not raw.strip():
        # Every POST and PATCH of the API takes a JSON object (required request body).
        raise InvalidRequest("Validation failed", "the request body must be a JSON object")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidRequest(
            "Invalid JSON", f"the request body is not valid JSON: {error}"
        ) from None
    try:  # "\ud800" parses, but a lone surrogate is no character: storing it would fail
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidRequest(
            "Invalid JSON", "the request body holds a lone surrogate escape (\\ud800-\\udfff)"
        ) from None
    null_at = find_null(body)
    if null_at is not None:
        # No field of the vendor's schema is nullable: a validating server refuses it.
        raise InvalidRequest("Validation failed", f"{null_at} must not be null")
    return body


def _paging(query: Mapping[str, str], kind: str) -> tuple[int, int]:
    raw = query.get("page_size", str(DEFAULT_PAGE_SIZE))
    if not _digits(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidRequest("Validation failed", f"page_size must be an integer 1-{MAX_PAGE_SIZE}")
    cursor = query.get("cursor")
    return int(raw), (decode_cursor(cursor, kind) if cursor else 0)


def _bounded_int(
    query: Mapping[str, str], key: str, default: int, low: int, high: int | None
) -> int:
    raw = query.get(key, str(default))
    if not _digits(raw) or int(raw) < low or (high is not None and int(raw) > high):
        bounds = f"{low}-{high}" if high is not None else f">= {low}"
        raise InvalidRequest("Validation failed", f"{key} must be an integer {bounds}")
    return int(raw)


def _v1_errors(response: Response) -> Response:
    """v1 error bodies are ``{"error", "message"}`` (v2: ``{"error", "details"}``)."""
    body = response.body
    # The 429 body (with "success") is the same in both versions.
    if isinstance(body, dict) and "error" in body and "success" not in body:
        body = {"error": body["error"], "message": body.get("details", body["error"])}
    return Response(response.status, body, response.headers, response.raw)


def encode_cursor(kind: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    found_kind, _, key = text.partition(":")
    if found_kind != kind or not _digits(key):
        raise InvalidRequest("Invalid cursor", "use the next_cursor of a previous response")
    return int(key)


def _timestamp(query: Mapping[str, str], key: str) -> str | None:
    value = query.get(key)
    return normalize_timestamp(value) if value else None


def _tool_id(raw: str) -> int:
    if raw.startswith("-") and _digits(raw[1:]):
        return NO_TOOL_ID  # an integer, but no tool has it: 404
    if not _digits(raw):
        raise InvalidRequest("Validation failed", f"tool_id must be an integer, got {raw!r}")
    # Beyond SQLite's integers no tool can exist: look up an id that never does, so the
    # answer is the same 404 (agent or tool) as for any other missing id, not a 500.
    return int(raw) if len(raw) <= 19 and int(raw) <= MAX_TOOL_ID else NO_TOOL_ID


def _digits(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²", which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def _number_id(body: Any) -> int:
    if not isinstance(body, dict):
        raise InvalidRequest("Validation failed", "the request body must be a JSON object")
    number_id = body.get("phone_number_id")
    if isinstance(number_id, bool) or not isinstance(number_id, int):
        raise InvalidRequest("Validation failed", "phone_number_id (integer) is required")
    return number_id


# -------------------------------------------------------------------- server


class EmulatorStats:
    """Request counters (for benchmarks and fault tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.statuses: Counter[int] = Counter()
            self.faults: Counter[str] = Counter()
            self.methods: Counter[str] = Counter()
            self.internal_errors = 0  # the emulator's own bugs (never injected faults)

    def record(self, method: str, status: int | None = None, fault: str | None = None) -> None:
        with self._lock:
            self.requests += 1
            self.methods[method] += 1
            if status is not None:
                self.statuses[status] += 1
            if fault is not None:
                self.faults[fault] += 1

    def record_internal_error(self) -> None:
        with self._lock:
            self.internal_errors += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "statuses": dict(self.statuses),
                "faults": dict(self.faults),
                "methods": dict(self.methods),
                "internal_errors": self.internal_errors,
            }


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], emulator: EmulatorServer) -> None:
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away is not worth a traceback on stderr

    def close_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a pooled client reuses connections
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as separate writes: without this, Nagle's algorithm
        # and delayed ACKs add ~40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # never echo requests (their headers carry the key); stats count them

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def __getattr__(self, name: str) -> Any:
        # http.server looks up do_<VERB>: every other verb (HEAD, OPTIONS, QUERY, ...)
        # goes through routing too, so a known path answers 405 with Allow, as JSON.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (an unknown verb: 501, a bad request line: 400) as the
        API's JSON error body instead of its HTML page."""
        self.close_connection = True
        if code == 501:
            details = f"method {self.command} is not supported"
            return self._send(_error(501, "Not implemented", details))
        self._send(_error(code, message or "Bad request", explain))

    def _serve(self) -> None:
        emulator = self.server.emulator
        raw = self._read_body()
        if raw is None:
            return
        if urlsplit(self.path).path == STATS_PATH:
            return self._send(emulator.stats_response(self.headers.get("Authorization", "")))
        # Latency is the time the platform takes to answer: the response leaves no
        # earlier than latency_ms after the request arrived, processing included.
        answer_at = time.monotonic() + emulator.config.latency_ms / 1000.0
        fault = emulator.faults.next_fault()
        if fault == "drop":
            emulator.stats.record(self.command, fault=fault)
            _sleep_until(answer_at)
            return self._drop()
        if fault in ("500", "429"):
            response = (
                _error(500, "Internal server error", "injected fault")
                if fault == "500"
                else rate_limit_response(emulator.config.fault_retry_after)
            )
            emulator.stats.record(self.command, response.status, fault)
            headers = {k.lower(): v for k, v in self.headers.items()}
            emulator.observe(self.command, self.path, headers, raw, response)
            _sleep_until(answer_at)
            return self._send(response)
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            response = emulator.app.handle(self.command, self.path, headers, raw)
        except Exception as error:  # a bug in the emulator must still answer, not hang the client
            response = emulator.internal_error(self.command, urlsplit(self.path).path, error)
        emulator.observe(self.command, self.path, headers, raw, response)
        _sleep_until(answer_at)
        if fault == "lost":
            emulator.stats.record(self.command, fault=fault)
            return self._drop()
        if fault == "empty" and 200 <= response.status < 300 and response.status != 204:
            response = Response(response.status, {})
        emulator.stats.record(self.command, response.status)
        self._send(response)

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send(_error(411, "Length required", "send a Content-Length"))
            self.close_connection = True
            return None
        if not length:
            return b""
        if not _digits(length) or int(length) > MAX_BODY_BYTES:
            self._send(_error(413, "Payload too large"))
            self.close_connection = True
            return None
        return self.rfile.read(int(length))

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, response: Response) -> None:
        if response.raw is not None:
            payload = response.raw
        else:
            payload = b"" if response.body is None else json.dumps(response.body).encode()
        try:
            self.send_response(response.status)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":  # a HEAD answer has headers only
                self.wfile.write(payload)
        except OSError:
            self.close_connection = True


def _sleep_until(deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


class EmulatorServer:
    """The emulator as a server: ``start()`` in a thread, ``url``, ``stop()``."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.stats = EmulatorStats()
        self.faults = FaultInjector(config.fault_rate, config.fault_seed, config.fault_kinds)
        self.store: Store | None = None
        self.app: EmulatorApp
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the emulator is not running")
        # server_bind set these from the bound socket's address (the port when 0 was asked).
        return f"http://{self._httpd.server_name}:{self._httpd.server_port}"

    @property
    def request_count(self) -> int:
        return self.stats.requests

    def stats_response(self, authorization: str) -> Response:
        if not self.app.authorized({"authorization": authorization}):
            return _error(401, "Unauthorized", "missing or invalid API key")
        return Response(200, self.stats.snapshot())

    def internal_error(self, method: str, path: str, error: Exception) -> Response:
        """A bug of the emulator's own, told apart from an injected fault: counted in
        ``internal_errors``, logged on stderr (type and message; never headers, which
        carry the key), and answered 500 with a body that says so."""
        self.stats.record_internal_error()
        print(
            f"emulator: internal error on {method} {path}: {type(error).__name__}: {error}",
            file=sys.stderr,
            flush=True,
        )
        return _error(
            500, "Internal server error", f"emulator internal error: {type(error).__name__}"
        )

    def observe(
        self, method: str, target: str, headers: Mapping[str, str], raw: bytes, response: Response
    ) -> None:
        """Hand one exchange to ``config.observer`` (the contract tests' check)."""
        if self.config.observer is not None:
            self.config.observer(method, target, headers, raw, response)

    def inject(self, *kinds: str | None) -> None:
        """Script faults for the next requests, in arrival order (``None`` = none)."""
        self.faults.inject(*kinds)

    def bind(self) -> None:
        """Open the store, apply the seed and bind the socket (without serving yet)."""
        if self._httpd is not None:
            return
        self.store = Store(
            self.config.db_path,
            id_order=self.config.id_order,
            commit_delay_ms=self.config.commit_delay_ms,
        )
        if self.config.seed_file is not None:
            load_seed(self.store, self.config.seed_file)
        self.app = EmulatorApp(self.store, self.config)
        self._httpd = _HTTPServer((self.config.host, self.config.port), self)

    def start(self) -> EmulatorServer:
        if self._thread is not None:
            return self  # already serving
        self.bind()
        assert self._httpd is not None
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="actionctl-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (Ctrl-C), then clean up."""
        self.bind()
        assert self._httpd is not None
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close()

    def stop(self) -> None:
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._close()

    def _close(self) -> None:
        if self._httpd is None:
            return
        # Keep-alive connections would otherwise outlive the server in their threads.
        self._httpd.close_connections()
        self._httpd.server_close()
        self._httpd = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
