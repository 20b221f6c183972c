"""OpenMicClient against the real emulator over loopback HTTP: paging, every error
status, each fault kind, rate limits, and the API key never leaking."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest

from compiler.platform.base import (
    AuthenticationError,
    NotFoundError,
    PlatformError,
    RateLimitedError,
    TransportError,
    ValidationFailed,
    WriteOutcomeUnknown,
)
from compiler.platform.client import (
    ApiKeyUnusableError,
    InsecureBaseUrlError,
    OpenMicClient,
    UnexpectedResponseError,
)
from tests.conftest import TEST_API_KEY
from tests.platform.conftest import sms_tool

FAST = {"backoff_base": 0.01, "backoff_max": 0.05}


def make_client(server: Any, key: str = TEST_API_KEY, **options: Any) -> OpenMicClient:
    return OpenMicClient(server.url, key, **{**FAST, **options})


@pytest.fixture
def client(emulator: Any) -> Iterator[OpenMicClient]:
    with make_client(emulator) as c:
        yield c


def add_agent(server: Any, uid: str = "support", tools: int = 0) -> str:
    server.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    for i in range(tools):
        server.store.create_tool(uid, {"type": "dtmf", "name": f"t{i:04d}", "static_params": {}})
    return uid


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------- reading


def test_list_tools_reads_every_page_with_the_fewest_requests(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator, tools=260)
    emulator.stats.reset()
    tools = client.list_tools(uid)
    assert [t["name"] for t in tools] == [f"t{i:04d}" for i in range(260)]
    assert emulator.stats.snapshot()["requests"] == 3  # pages of 100


def test_exactly_one_full_page_is_one_request(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator, tools=100)
    emulator.stats.reset()
    assert len(client.list_tools(uid)) == 100
    assert emulator.stats.snapshot()["requests"] == 1


def test_older_v2_prefix_works_against_an_emulator_serving_it(
    emulator_factory: Callable[..., Any],
):
    server = emulator_factory(legacy_v2_prefix=True)
    uid = add_agent(server, tools=2)
    with make_client(server, api_prefix="/v2") as c:
        assert len(c.list_tools(uid)) == 2


def test_list_tools_many_reads_agents_concurrently(emulator_factory: Callable[..., Any]):
    server = emulator_factory(latency_ms=50)
    uids = [add_agent(server, f"agent{i}", tools=3) for i in range(8)]
    with make_client(server, max_concurrency=8) as c:
        started = time.monotonic()
        result = c.list_tools_many([*uids, uids[0]])
        elapsed = time.monotonic() - started
    assert list(result) == uids
    assert all(len(tools) == 3 for tools in result.values())
    assert elapsed < 8 * 0.05  # sequential would take 8 x 50 ms


def test_list_tools_many_names_the_unknown_agent(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator)
    with pytest.raises(NotFoundError, match="agent 'ghost' is unknown"):
        client.list_tools_many([uid, "ghost"])


def test_agents_and_phone_numbers(emulator: Any, client: OpenMicClient):
    add_agent(emulator, "a")
    emulator.store.add_phone_number("+15550000001", "Main", inbound_agent_uid="a")
    assert [a["uid"] for a in client.list_agents()] == ["a"]
    assert client.agent_exists("a") and not client.agent_exists("b")
    numbers = client.list_phone_numbers()
    assert [(n["phone_number"], n["inbound_agent_uid"]) for n in numbers] == [("+15550000001", "a")]


def test_create_update_get_delete_round_trip(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator)
    tool = client.create_tool(uid, sms_tool("confirm"))
    updated = client.update_tool(
        uid, tool["id"], {"static_params": {"type": "prompt", "message": "x"}}
    )
    assert updated["static_params"] == {"type": "prompt", "message": "x"}
    assert client.get_tool(uid, tool["id"]) == updated
    client.delete_tool(uid, tool["id"])
    assert client.list_tools(uid) == []


def test_sees_a_change_made_behind_its_back(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator)
    tool = client.create_tool(uid, sms_tool("confirm"))
    with httpx.Client(base_url=emulator.url) as other:  # someone using the dashboard
        other.patch(
            f"/h/v2/agents/{uid}/tools/{tool['id']}",
            json={"description": "edited by hand"},
            headers={"Authorization": f"Bearer {TEST_API_KEY}"},
        )
    assert client.get_tool(uid, tool["id"])["description"] == "edited by hand"


# ------------------------------------------------------------------- errors


def test_401_names_the_env_var_and_url_not_the_key(emulator: Any):
    uid = add_agent(emulator)
    wrong = "wrong-key-9876543210"
    with (
        make_client(emulator, wrong, api_key_env="MY_KEY") as c,
        pytest.raises(AuthenticationError) as caught,
    ):
        c.list_tools(uid)
    message = str(caught.value)
    assert message == f"the API key in $MY_KEY was rejected by {emulator.url} (401)"
    assert wrong not in message and caught.value.code == "P101"


def test_404_names_the_tool(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator)
    with pytest.raises(NotFoundError, match=f"tool 42 of agent '{uid}' does not exist"):
        client.get_tool(uid, 42)
    with pytest.raises(NotFoundError, match="tool 42"):
        client.update_tool(uid, 42, {"description": "x"})
    with pytest.raises(NotFoundError, match="tool 42"):
        client.delete_tool(uid, 42)
    with pytest.raises(NotFoundError, match="agent 'ghost' is unknown"):
        client.create_tool("ghost", sms_tool("x"))


def test_400_carries_the_platform_details(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator)
    with pytest.raises(ValidationFailed, match="url is required for api_request") as caught:
        client.create_tool(uid, {"type": "api_request", "name": "x"})
    assert caught.value.status == 400 and caught.value.code == "P103"


def test_other_statuses_become_platform_errors(emulator: Any, client: OpenMicClient):
    add_agent(emulator, "busy")
    emulator.store.add_phone_number("+15550000001", inbound_agent_uid="busy")
    # 409 has no Platform method; reach it through the request core the methods share.
    with pytest.raises(PlatformError, match="409") as caught:
        client._request("DELETE", "/h/v2/agents/busy")
    assert type(caught.value) is PlatformError


def test_network_down_names_the_url():
    url = f"http://127.0.0.1:{free_port()}"
    with (
        OpenMicClient(url, TEST_API_KEY, max_retries=2, **FAST) as c,
        pytest.raises(TransportError, match=f"could not connect to {url}") as caught,
    ):
        c.list_tools("a")
    assert "after 3 attempts" in str(caught.value)
    assert not any(isinstance(e, httpx.HTTPError) for e in _chain(caught.value))


def test_a_create_that_never_left_is_retried(emulator_factory: Callable[..., Any]):
    # Connection refused means nothing was sent, so even a POST is safe to repeat.
    url = f"http://127.0.0.1:{free_port()}"
    with (
        OpenMicClient(url, TEST_API_KEY, max_retries=1, **FAST) as c,
        pytest.raises(TransportError),
    ):
        c.create_tool("a", sms_tool("x"))
    assert c.request_count == 2


class _WebsiteHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html>Welcome</html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_website_instead_of_the_api_is_an_unexpected_response():
    site = HTTPServer(("127.0.0.1", 0), _WebsiteHandler)
    thread = threading.Thread(target=site.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{site.server_address[1]}"
        with (
            OpenMicClient(url, TEST_API_KEY) as c,
            pytest.raises(UnexpectedResponseError, match="is it the OpenMic API") as caught,
        ):
            c.list_tools("a")
    finally:
        site.shutdown()
        site.server_close()
    assert caught.value.code == "P111"


# -------------------------------------------------------------------- faults


def test_500s_are_retried_for_reads(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator, tools=3)
    emulator.inject("500", "500")
    emulator.stats.reset()
    assert len(client.list_tools(uid)) == 3
    assert emulator.stats.snapshot()["statuses"] == {500: 2, 200: 1}


def test_500s_beyond_the_retry_budget_raise(emulator: Any):
    uid = add_agent(emulator)
    emulator.inject(*["500"] * 3)
    with (
        make_client(emulator, max_retries=2) as c,
        pytest.raises(TransportError, match="answered 500"),
    ):
        c.list_tools(uid)


def test_429_waits_for_retry_after_from_the_body(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator)
    emulator.inject("429")  # retryAfter 1 (the emulator's default for injected 429s)
    started = time.monotonic()
    assert client.list_tools(uid) == []
    assert time.monotonic() - started >= 1.0


def test_retry_after_header_alone_is_honoured(client: OpenMicClient):
    request = httpx.Request("GET", "http://127.0.0.1/")
    header_only = httpx.Response(429, headers={"Retry-After": "7"}, request=request)
    body_only = httpx.Response(429, json={"retryAfter": 3}, request=request)
    assert 7 <= client._retry_after(header_only) <= 7.5
    assert 3 <= client._retry_after(body_only) <= 3.2


def test_rate_limit_that_never_lifts_raises(emulator_factory: Callable[..., Any]):
    server = emulator_factory(fault_rate=1.0, fault_kinds=("429",), fault_retry_after=1)
    uid = "a"
    with (
        make_client(server, max_rate_limit_wait=1.5) as c,
        pytest.raises(RateLimitedError, match="kept refusing"),
    ):
        c.list_tools(uid)


def test_dropped_connections_are_retried_for_reads_and_patches(
    emulator: Any, client: OpenMicClient
):
    uid = add_agent(emulator)
    tool = client.create_tool(uid, sms_tool("t"))
    emulator.inject("drop")
    assert client.get_tool(uid, tool["id"])["name"] == "t"
    emulator.inject("drop", "lost")  # the second attempt applied but its answer was lost
    patched = client.update_tool(uid, tool["id"], {"description": "d"})
    assert patched["description"] == "d"
    assert emulator.stats.snapshot()["faults"] == {"drop": 2, "lost": 1}


def test_a_delete_whose_answer_was_lost_succeeds_on_retry(emulator: Any, client: OpenMicClient):
    uid = add_agent(emulator)
    tool = client.create_tool(uid, sms_tool("t"))
    emulator.inject("lost")
    client.delete_tool(uid, tool["id"])  # the retry sees 404: already gone
    assert client.list_tools(uid) == []


def test_a_lost_create_raises_write_outcome_unknown_and_the_tool_exists(
    emulator: Any, client: OpenMicClient
):
    uid = add_agent(emulator)
    emulator.inject("lost")
    emulator.stats.reset()
    with pytest.raises(WriteOutcomeUnknown, match="creating tool 'booking' on agent") as caught:
        client.create_tool(uid, sms_tool("booking"))
    assert caught.value.code == "P106"
    assert emulator.stats.snapshot()["requests"] == 1  # never repeated
    assert [t["name"] for t in client.list_tools(uid)] == ["booking"]


@pytest.mark.parametrize("fault", ["drop", "500"])
def test_an_ambiguous_create_is_not_repeated(emulator: Any, client: OpenMicClient, fault: str):
    uid = add_agent(emulator)
    emulator.inject(fault)
    emulator.stats.reset()
    with pytest.raises(WriteOutcomeUnknown, match="look it up before trying again"):
        client.create_tool(uid, sms_tool("x"))
    assert emulator.stats.snapshot()["requests"] == 1


def test_a_rate_limited_create_is_retried(emulator_factory: Callable[..., Any]):
    server = emulator_factory(fault_retry_after=0)
    uid = add_agent(server)
    server.inject("429")
    with make_client(server) as c:
        c.create_tool(uid, sms_tool("x"))
        assert [t["name"] for t in c.list_tools(uid)] == ["x"]


def test_timeouts_retry_reads_and_make_creates_unknown(emulator_factory: Callable[..., Any]):
    server = emulator_factory(latency_ms=300)
    uid = add_agent(server)
    with make_client(server, timeout=0.1, max_retries=1) as c:
        with pytest.raises(TransportError, match="no response before the timeout"):
            c.list_tools(uid)
        assert c.request_count == 2
        with pytest.raises(WriteOutcomeUnknown):
            c.create_tool(uid, sms_tool("slow"))


def _read_with_faults(server_factory: Callable[..., Any], seed: int) -> tuple[int, dict[str, int]]:
    server = server_factory(
        fault_rate=0.3, fault_seed=seed, fault_kinds=("500", "429", "drop"), fault_retry_after=0
    )
    uid = add_agent(server, tools=250)
    with make_client(server, max_retries=10) as c:
        count = len(c.list_tools(uid))
    return count, server.stats.snapshot()["faults"]


def test_seeded_fault_mix_is_survived_and_replayable(emulator_factory: Callable[..., Any]):
    first = _read_with_faults(emulator_factory, seed=7)
    second = _read_with_faults(emulator_factory, seed=7)
    assert first[0] == second[0] == 250
    assert first[1] == second[1] and sum(first[1].values()) > 0


def test_token_bucket_limit_is_survived_with_pacing(emulator_factory: Callable[..., Any]):
    # One token, refilled every half second. Whether the bucket itself refuses a request
    # depends on how fast this machine sends the next one (a loaded machine may never be
    # refused), so one refusal is scripted for the second request: the client must wait
    # it out, and the bucket still spaces the four answers over 1.5 s.
    server = emulator_factory(rate_limit_per_min=120, rate_limit_burst=1, fault_retry_after=1)
    uid = add_agent(server)
    server.inject(None, "429")
    with make_client(server, max_concurrency=4) as c:
        started = time.monotonic()
        for _ in range(4):
            c.list_tools(uid)
        elapsed = time.monotonic() - started
    statuses = server.stats.snapshot()["statuses"]
    assert statuses[200] == 4 and statuses.get(429, 0) >= 1
    assert elapsed >= 1.4  # 4 requests at 2 per second with no saved-up tokens: 1.5 s


def test_client_side_pace(emulator: Any):
    uid = add_agent(emulator)
    with make_client(emulator, requests_per_minute=600) as c:  # one per 100 ms
        started = time.monotonic()
        for _ in range(4):
            c.list_tools(uid)
    assert time.monotonic() - started >= 0.3


# ------------------------------------------------------------------- secrets


def test_the_key_never_appears_in_messages_logs_or_reprs(
    emulator_factory: Callable[..., Any], caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    server = emulator_factory(fault_rate=0.2, fault_seed=3, fault_retry_after=0)
    uid = add_agent(server, tools=120)
    lines: list[str] = []
    texts: list[str] = []
    with make_client(server, log=lines.append, max_retries=8) as c:
        texts.append(repr(c))
        texts.append(str(c.target))
        for call in (
            lambda: c.list_tools(uid),
            lambda: c.list_tools("ghost"),
            lambda: c.get_tool(uid, 10_000),
            lambda: c.create_tool(uid, {"type": "nope", "name": "x"}),
            lambda: c.create_tool(uid, sms_tool("maybe")),
        ):
            try:
                call()
            except PlatformError as error:
                texts += [str(error), repr(error), repr(error.args)]
    with make_client(server, "another-wrong-key-123") as wrong:
        try:
            wrong.list_tools(uid)
        except PlatformError as error:
            texts.append(str(error))
    # The invalid type was sent on purpose: the contract check caught it, nothing else.
    assert server.contract.violations and all(
        "type: 'nope' is not one of" in v for v in server.contract.violations
    )
    server.contract.violations.clear()
    assert lines, "-v logging produced request lines"
    assert any("GET /h/v2/agents/support/tools?page_size=100 -> 200" in line for line in lines)
    everything = "\n".join(texts + lines + [r.getMessage() for r in caplog.records])
    assert TEST_API_KEY not in everything
    assert "another-wrong-key-123" not in everything
    assert "Bearer" not in everything


def test_connection_errors_are_wrapped_not_chained():
    url = f"http://127.0.0.1:{free_port()}"
    with (
        OpenMicClient(url, TEST_API_KEY, max_retries=0) as c,
        pytest.raises(TransportError) as caught,
    ):
        c.get_tool("a", 1)
    # httpx errors carry the request and its Authorization header: never attached.
    assert not any(isinstance(e, httpx.HTTPError) for e in _chain(caught.value))


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


# -------------------------------------------------------------- construction


@pytest.mark.parametrize(
    "url",
    [
        "http://api.openmic.ai",
        "http://10.0.0.5:8080",
        "ftp://127.0.0.1",
        "not a url",
        "http://[::1",  # urlsplit raises ValueError
        "http://127.0.0.1:abc",
        "http://127.0.0.1:99999",
    ],
)
def test_non_tls_or_bad_urls_are_refused(url: str):
    with pytest.raises(InsecureBaseUrlError) as caught:
        OpenMicClient(url, TEST_API_KEY)
    assert caught.value.code == "P107"


def test_credentials_in_the_url_are_refused():
    with pytest.raises(InsecureBaseUrlError, match="must not contain credentials") as caught:
        OpenMicClient("https://user:hunter2-secret@api.openmic.ai", TEST_API_KEY)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"])
def test_loopback_http_and_https_are_allowed(url: str):
    client = OpenMicClient(url, TEST_API_KEY)
    assert client.target["base_url"] == url
    client.close()
    client = OpenMicClient("https://api.openmic.ai/", TEST_API_KEY)
    assert client.target["base_url"] == "https://api.openmic.ai"
    client.close()


def test_plain_http_to_localhost_reaches_the_server(emulator: Any):
    url = emulator.url.replace("127.0.0.1", "localhost")
    client = OpenMicClient(url, TEST_API_KEY, max_retries=0)
    try:
        assert client.agent_exists("no_such_agent") is False  # a real round trip
    finally:
        client.close()


def test_a_base_path_is_used_but_never_shown(emulator: Any):
    """A gateway path may hold a key: requests go there, messages show ``/...``."""
    client = OpenMicClient(emulator.url + "/gateway-KEY-1234567890", TEST_API_KEY, max_retries=0)
    try:
        with pytest.raises(PlatformError) as caught:
            client.list_tools("agent_x")
    finally:
        client.close()
    assert client.target["base_url"] == emulator.url + "/..."
    assert "KEY-1234567890" not in str(caught.value)


@pytest.mark.parametrize(
    "key", ["", "has space-0123456789", "line\nbreak-0123456789", "ключ-0123456789"]
)
def test_unusable_keys_are_refused_without_echoing_them(key: str):
    with pytest.raises(ApiKeyUnusableError) as caught:
        OpenMicClient("https://api.openmic.ai", key, api_key_env="K")
    assert "$K" in str(caught.value)
    if key:
        assert key not in str(caught.value)


def test_target_is_secret_free():
    with OpenMicClient("https://api.openmic.ai/", TEST_API_KEY, api_prefix="h/v2") as c:
        assert c.target == {
            "platform": "openmic",
            "base_url": "https://api.openmic.ai",
            "api_prefix": "/h/v2",
        }
        assert c.description == "OpenMic API at https://api.openmic.ai"
