"""The client's budgets, each counted on the wire: ``max_retries`` (0 means no retry),
``max_concurrency`` (1 means one request at a time), the backoff between attempts, the
wait a 429 asks for, and the pacing schedule. Real client, real emulator over loopback
HTTP with scripted faults; times are only ever bounded from below (a loaded machine
makes them longer, never shorter)."""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from compiler.platform.base import PlatformError, TransportError, WriteOutcomeUnknown
from compiler.platform.client import OpenMicClient, _Pacer
from tests.conftest import TEST_API_KEY
from tests.platform.conftest import sms_tool

FAST = {"backoff_base": 0.01, "backoff_max": 0.05}


def make_client(server: Any, **options: Any) -> OpenMicClient:
    return OpenMicClient(server.url, TEST_API_KEY, **{**FAST, **options})


def add_agent(server: Any, uid: str = "support") -> str:
    server.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    return uid


def sent(server: Any) -> int:
    return int(server.stats.snapshot()["requests"])


# ----------------------------------------------------------------- retries


@pytest.mark.parametrize("max_retries", [0, -3])
def test_no_retries_means_one_attempt(emulator: Any, max_retries: int) -> None:
    uid = add_agent(emulator)
    emulator.inject("500")
    with make_client(emulator, max_retries=max_retries) as c:
        assert c.max_retries == 0
        with pytest.raises(TransportError, match="failed after 1 attempts: the server answered"):
            c.list_tools(uid)
        assert (c.request_count, sent(emulator)) == (1, 1)
        assert c.list_tools(uid) == []  # the next call is not refused: the fault was one
    assert sent(emulator) == 2


@pytest.mark.parametrize("fault", ["drop", "lost"])
def test_no_retries_for_a_dropped_read_either(emulator: Any, fault: str) -> None:
    uid = add_agent(emulator)
    emulator.inject(fault)
    with make_client(emulator, max_retries=0) as c, pytest.raises(TransportError):
        c.list_tools(uid)
    assert sent(emulator) == 1


def test_the_retry_budget_is_exact(emulator: Any) -> None:
    uid = add_agent(emulator)
    with make_client(emulator, max_retries=2) as c:
        emulator.inject("500", "500")
        assert c.list_tools(uid) == []  # the last of three attempts
        assert sent(emulator) == 3
        emulator.inject("500", "500", "500")
        with pytest.raises(TransportError, match="failed after 3 attempts"):
            c.list_tools(uid)
        assert sent(emulator) == 6


def test_the_default_budget_is_five_retries(emulator: Any) -> None:
    uid = add_agent(emulator)
    with OpenMicClient(emulator.url, TEST_API_KEY, **FAST) as c:
        emulator.inject(*["500"] * 5)
        assert c.list_tools(uid) == []
        emulator.inject(*["500"] * 6)
        with pytest.raises(TransportError, match="failed after 6 attempts"):
            c.list_tools(uid)
    assert sent(emulator) == 12


def test_a_429_is_not_a_retry_and_is_waited_out(emulator_factory: Callable[..., Any]) -> None:
    server = emulator_factory(fault_retry_after=1)
    uid = add_agent(server)
    server.inject("429")
    lines: list[str] = []
    with make_client(server, max_retries=0, log=lines.append) as c:
        started = time.monotonic()
        assert c.list_tools(uid) == []
        assert time.monotonic() - started >= 1.0
    assert sent(server) == 2
    assert any("rate limiting (429); waiting 1.0 s" in line for line in lines)


def test_a_429_that_asks_for_exactly_the_whole_wait_budget_is_waited_out(
    emulator_factory: Callable[..., Any],
) -> None:
    server = emulator_factory(fault_retry_after=1)
    uid = add_agent(server)
    server.inject("429")
    with make_client(server, max_rate_limit_wait=1.0) as c:
        assert c.list_tools(uid) == []
    assert sent(server) == 2


def test_a_deleted_tool_whose_answer_was_lost_is_gone_not_missing(emulator: Any) -> None:
    uid = add_agent(emulator)
    with make_client(emulator, max_retries=1) as c:
        tool = c.create_tool(uid, sms_tool("t"))
        emulator.inject("500")  # a 500 may have deleted it, or not
        c.delete_tool(uid, tool["id"])
        second = c.create_tool(uid, sms_tool("u"))
        emulator.inject("lost")  # applied, answer lost: the retry's 404 means done
        c.delete_tool(uid, second["id"])
        assert c.list_tools(uid) == []


def test_a_create_answered_500_is_never_repeated(emulator: Any) -> None:
    uid = add_agent(emulator)
    emulator.inject("500")
    with make_client(emulator, max_retries=5) as c, pytest.raises(WriteOutcomeUnknown):
        c.create_tool(uid, sms_tool("t"))
    assert sent(emulator) == 1


# ------------------------------------------------------------- concurrency


def _busiest(server: Any, max_concurrency: int, requests: int = 12) -> int:
    """The most requests in flight at once (from the client's own log: each line is
    written inside the request's slot, with the request's duration)."""
    uid = add_agent(server)
    spans: list[tuple[float, float]] = []
    guard = threading.Lock()

    def log(line: str) -> None:
        found = re.search(r"-> \d{3} \((\d+) ms\)$", line)
        if found:
            end = time.monotonic()
            with guard:
                spans.append((end - int(found.group(1)) / 1000, end))

    with (
        make_client(server, max_concurrency=max_concurrency, log=log) as c,
        ThreadPoolExecutor(max_workers=4) as pool,
    ):
        for future in [pool.submit(c.list_tools, uid) for _ in range(requests)]:
            future.result()
    assert len(spans) == requests
    # A request's start is known to the millisecond: overlaps shorter than 5 ms are
    # rounding, while two requests really in flight together overlap by ~100 ms.
    starts = sorted((start + 0.005, 1) for start, _ in spans)
    ends = sorted((end, -1) for _, end in spans)
    busiest = in_flight = 0
    for _, step in sorted(starts + ends):
        in_flight += step
        busiest = max(busiest, in_flight)
    return busiest


@pytest.mark.parametrize("max_concurrency", [1, 0])
def test_max_concurrency_one_sends_one_request_at_a_time(
    emulator_factory: Callable[..., Any], max_concurrency: int
) -> None:
    assert _busiest(emulator_factory(latency_ms=100), max_concurrency) == 1


def test_the_default_concurrency_is_eight(emulator: Any) -> None:
    with OpenMicClient(emulator.url, TEST_API_KEY) as c:
        assert c.max_concurrency == 8


def test_max_concurrency_two_never_has_three_in_flight(
    emulator_factory: Callable[..., Any],
) -> None:
    assert _busiest(emulator_factory(latency_ms=100), 2) <= 2


def test_list_tools_many_is_one_request_at_a_time_with_one_slot(
    emulator_factory: Callable[..., Any],
) -> None:
    server = emulator_factory(latency_ms=100)
    uids = [add_agent(server, f"a{i}") for i in range(4)]
    with make_client(server, max_concurrency=1) as c:
        started = time.monotonic()
        assert c.list_tools_many([*uids, uids[0]]) == {uid: [] for uid in uids}
        assert time.monotonic() - started >= 4 * 0.1  # four reads, one after the other
        assert c.request_count == 4  # a uid named twice is read once


# ----------------------------------------------------------------- backoff


@pytest.mark.parametrize(
    ("failures", "ceiling"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (7, 30.0), (40, 30.0)]
)
def test_backoff_doubles_up_to_its_cap_with_jitter_in_the_upper_half(
    failures: int, ceiling: float
) -> None:
    client = OpenMicClient("http://127.0.0.1:9", TEST_API_KEY, backoff_base=0.5, backoff_max=30)
    with client:
        waits = [client._backoff(failures) for _ in range(200)]
    assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
    # Jittered over the whole upper half (200 draws all below 90 % of the ceiling: a
    # chance of about 1 in 10^9), not one fixed delay.
    assert min(waits) < ceiling * 0.6 and max(waits) > ceiling * 0.9


def test_backoff_is_slept_between_attempts(emulator: Any) -> None:
    uid = add_agent(emulator)
    emulator.inject("500", "500")
    with make_client(emulator, backoff_base=0.2, backoff_max=10) as c:
        started = time.monotonic()
        assert c.list_tools(uid) == []
        assert time.monotonic() - started >= 0.1 + 0.2  # at least half of 0.2 s, then 0.4 s


# ------------------------------------------------------------- retry-after

REQUEST = httpx.Request("GET", "http://127.0.0.1/")


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        ({"retryAfter": 3}, {"Retry-After": "9"}, 3.0),  # the body wins
        ({"retryAfter": 0}, {"Retry-After": "9"}, 9.0),  # not a pause: the header
        ({"retryAfter": -2}, {"Retry-After": "9"}, 9.0),
        ({"retryAfter": "soon"}, {"Retry-After": "2.5"}, 2.5),
        ([1, 2], {"Retry-After": "4"}, 4.0),  # a body that is not an object
        (None, {"Retry-After": "0.5"}, 0.5),
    ],
)
def test_retry_after_comes_from_the_body_then_the_header(
    body: Any, headers: dict[str, str], expected: float
) -> None:
    with OpenMicClient("http://127.0.0.1:9", TEST_API_KEY) as client:
        if body is None:
            response = httpx.Response(429, text="slow down", headers=headers, request=REQUEST)
        else:
            response = httpx.Response(429, json=body, headers=headers, request=REQUEST)
        assert client._retry_after(response) == expected


def test_retry_after_without_a_usable_value_is_a_first_backoff() -> None:
    options = {"backoff_base": 4.0, "backoff_max": 30.0}
    with OpenMicClient("http://127.0.0.1:9", TEST_API_KEY, **options) as client:
        response = httpx.Response(429, json={"retryAfter": 0}, request=REQUEST)
        assert all(2.0 <= client._retry_after(response) <= 4.0 for _ in range(50))


# ------------------------------------------------------------------ pacing


def test_paced_requests_leave_one_interval_apart(emulator: Any) -> None:
    uid = add_agent(emulator)
    with make_client(emulator, requests_per_minute=300) as c:  # one per 200 ms
        assert c.requests_per_minute == 300
        started = time.monotonic()
        c.list_tools(uid)  # the first goes at once, then one per interval
        for _ in range(3):
            c.list_tools(uid)
        assert time.monotonic() - started >= 3 * 0.2


def test_workers_share_the_pace(emulator: Any) -> None:
    uid = add_agent(emulator)
    with make_client(emulator, requests_per_minute=600, max_concurrency=4) as c:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: c.list_tools(uid), range(8)))
        assert time.monotonic() - started >= 7 * 0.1


def test_a_worker_asleep_until_its_turn_wakes_to_a_pause_and_waits_it_out() -> None:
    # The client's own bucket, driven by real threads: a worker that reserved the next
    # turn (1 s away) is asleep when a 429 pauses everyone for 1.5 s; its turn is void.
    pacer = _Pacer(60)
    pacer.wait()  # the first turn is now
    returned: list[float] = []
    worker = threading.Thread(target=lambda: (pacer.wait(), returned.append(time.monotonic())))
    worker.start()
    time.sleep(0.2)  # let it reserve its turn first (if it has not, the bound still holds)
    paused_at = time.monotonic()
    pacer.pause(1.5)
    worker.join(timeout=30)
    assert returned and returned[0] >= paused_at + 1.5


def test_two_requests_refused_together_both_wait_out_the_pause(
    emulator_factory: Callable[..., Any],
) -> None:
    # Two requests in flight are both refused (retryAfter 1): neither is retried before
    # the pause ends, and neither refusal counts against the retry budget.
    server = emulator_factory(fault_retry_after=1, latency_ms=50)
    uid = add_agent(server)
    server.inject("429", "429")
    with make_client(server, max_concurrency=2, max_retries=0) as c:
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda _: c.list_tools(uid), range(2)))
        elapsed = time.monotonic() - started
    assert elapsed >= 1.0
    assert server.stats.snapshot()["statuses"] == {429: 2, 200: 2}


# -------------------------------------------------------------------- logs


def test_a_base_path_is_hidden_in_the_http_library_log_too(
    emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # A gateway path may hold a key; one no other test uses, since the mask is global.
    secret = f"gateway-{uuid.uuid4().hex}"
    caplog.set_level(logging.DEBUG, logger="httpx")
    with (
        OpenMicClient(f"{emulator.url}/{secret}", TEST_API_KEY, max_retries=0) as c,
        pytest.raises(PlatformError),
    ):
        c.list_tools("agent_x")
    logged = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert logged, "httpx logged no request: the test would prove nothing"
    assert not any(secret in line for line in logged)
