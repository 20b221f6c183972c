"""Every status class the client sorts, at and beside each boundary, from a real HTTP
server on loopback that answers the status named in the request path (a gateway or proxy
in front of the API can answer any of them, not only what the emulator sends)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from compiler.platform.base import (
    AuthenticationError,
    NotFoundError,
    PlatformError,
    TransportError,
    ValidationFailed,
)
from compiler.platform.client import OpenMicClient, UnexpectedResponseError
from tests.conftest import TEST_API_KEY


class _StatusHandler(BaseHTTPRequestHandler):
    """``GET /h/v2/agents/<status>/tools`` is answered with ``<status>``."""

    def do_GET(self) -> None:
        self.server.requests += 1  # type: ignore[attr-defined]
        status = int(self.path.split("/")[4])
        body = json.dumps({"error": "Agent not found" if status == 404 else "nope"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[Any]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StatusHandler)
    server.requests = 0  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (200, UnexpectedResponseError),  # a success, read as one: this body is no list
        (299, UnexpectedResponseError),
        (300, PlatformError),  # not followed, not a success
        (302, PlatformError),
        (399, PlatformError),
        (400, ValidationFailed),
        (401, AuthenticationError),
        (402, PlatformError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (405, PlatformError),
        (421, PlatformError),
        (422, ValidationFailed),
        (423, PlatformError),
        (428, PlatformError),
        (430, PlatformError),
        (499, PlatformError),
    ],
)
def test_each_final_status_is_one_request_and_one_error(
    gateway: Any, status: int, error: type[PlatformError]
) -> None:
    url = f"http://127.0.0.1:{gateway.server_address[1]}"
    with (
        OpenMicClient(url, TEST_API_KEY, max_retries=3, backoff_base=0.01) as c,
        pytest.raises(PlatformError) as caught,
    ):
        c.list_tools(str(status))
    assert type(caught.value) is error
    assert caught.value.status == (None if status < 300 else status)
    assert gateway.requests == 1  # none of these is retried


@pytest.mark.parametrize("status", [500, 502, 599])
def test_5xx_is_retried_then_a_transport_error(gateway: Any, status: int) -> None:
    url = f"http://127.0.0.1:{gateway.server_address[1]}"
    with (
        OpenMicClient(url, TEST_API_KEY, max_retries=2, backoff_base=0.01) as c,
        pytest.raises(TransportError, match=f"answered {status}"),
    ):
        c.list_tools(str(status))
    assert gateway.requests == 3
