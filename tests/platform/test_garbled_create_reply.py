"""A create answered 2xx with a body that is not JSON (a proxy's HTML page, a truncated
body) created the tool: apply must find it and report it created, not "FAILED to
create". A real proxy on loopback in front of the emulator garbles the
replies to POST .../tools; everything else passes through."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_API_KEY, write_openmic_config

KEY_ENV = "ACTIONCTL_TEST_GARBLED_KEY"
HANDOVER = (
    "kind: action\ntype: handover\nagent: support\nname: {name}\n"
    "description: Hand over\nphone_number: '+15550000001'\n"
)


@pytest.fixture
def garbling_proxy(emulator: Any) -> Iterator[str]:
    upstream = emulator.url

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            reply = httpx.request(
                self.command, upstream + self.path, headers=headers, content=body, timeout=10
            )
            content = reply.content
            if self.command == "POST" and self.path.endswith("/tools") and reply.is_success:
                content = b"<html><body>Created</body></html>"
            self.send_response(reply.status_code)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_DELETE = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_create_answered_with_a_non_json_200_is_reported_created(
    emulator: Any,
    garbling_proxy: str,
    tmp_path: Path,
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(KEY_ENV, TEST_API_KEY)
    monkeypatch.delenv("OPENMIC_BASE_URL", raising=False)
    emulator.store.create_agent({"name": "support", "prompt": "p"}, uid="uid_support")
    root = tmp_path / "project"
    write_openmic_config(root, garbling_proxy, KEY_ENV, {"support": "uid_support"})
    (root / "actions").mkdir()
    for name in ("desk_a", "desk_b"):
        (root / "actions" / f"{name}.yaml").write_text(HANDOVER.format(name=name))
    result = cli("--project", root, "apply", "--auto-approve")
    assert "FAILED" not in result.output
    assert result.exit_code == 0, result.output
    assert "created support/desk_a" in result.stderr
    live = sorted(t["name"] for t in emulator.store.list_tools("uid_support").items)
    assert live == ["desk_a", "desk_b"]  # each created once, not twice
    again = cli("--project", root, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.output
