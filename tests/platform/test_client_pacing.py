"""Client-side pacing: one token bucket per client, shared by its workers, set from
actionctl.yaml; a 429 drains it. Real client, real emulator over loopback HTTP."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from compiler.load import load_project
from compiler.model import DEFAULT_REQUESTS_PER_MINUTE, Environment
from compiler.platform.client import OpenMicClient
from compiler.platform.connect import connect
from tests.conftest import TEST_API_KEY
from tests.platform.conftest import sms_tool

FAST = {"backoff_base": 0.01, "backoff_max": 0.05}


def _creates(client: OpenMicClient, uid: str, count: int, workers: int = 4) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [
            pool.submit(client.create_tool, uid, sms_tool(f"t{i:03}")) for i in range(count)
        ]:
            future.result()


def _limited_emulator(factory: Callable[..., Any], per_minute: int) -> Any:
    # A bucket of two: one request of arrival jitter is absorbed, no saved-up burst.
    server = factory(rate_limit_per_min=per_minute, rate_limit_burst=2, fault_retry_after=1)
    server.store.create_agent({"name": "a", "prompt": ""}, uid="a")
    return server


def test_workers_share_one_bucket_so_429s_are_the_exception(
    emulator_factory: Callable[..., Any],
):
    paced = _limited_emulator(emulator_factory, 1200)  # 20 per second
    with OpenMicClient(paced.url, TEST_API_KEY, requests_per_minute=1200, **FAST) as client:
        started = time.monotonic()
        _creates(client, "a", 30)
        elapsed = time.monotonic() - started
    statuses = paced.stats.snapshot()["statuses"]
    assert statuses.get(429, 0) <= 1  # <= 2 % of the requests (at most one of 30)
    assert statuses[201] == 30
    assert elapsed >= 29 * 60 / 1200 * 0.95  # never faster than the pace

    # The same run unpaced is refused again and again: the limit is real.
    unpaced = _limited_emulator(emulator_factory, 1200)
    with OpenMicClient(unpaced.url, TEST_API_KEY, max_retries=20, **FAST) as client:
        _creates(client, "a", 30)
    assert unpaced.stats.snapshot()["statuses"].get(429, 0) >= 5


def test_a_429_pauses_every_worker_then_requests_are_spaced_from_its_end(
    emulator_factory: Callable[..., Any],
):
    server = _limited_emulator(emulator_factory, 6000)  # the limit is not reached here
    sent: list[tuple[float, str]] = []
    guard = threading.Lock()

    def log(line: str) -> None:
        with guard:
            sent.append((time.monotonic(), line))

    server.inject("429")  # the first request is refused with retryAfter 1
    with OpenMicClient(
        server.url, TEST_API_KEY, requests_per_minute=600, log=log, **FAST
    ) as client:
        _creates(client, "a", 8)
    answered = [(t, line) for t, line in sent if re.search(r"-> \d{3} ", line)]
    refused = [t for t, line in answered if "-> 429" in line]
    after = sorted(t for t, line in answered if "-> 201" in line)
    assert len(refused) == 1 and len(after) == 8
    assert after[0] >= refused[0] + 0.95  # nobody sent during the pause
    # Then one per 100 ms: the bucket was drained, so the eight went out spaced from the
    # pause's end. Measured as the span to the last answer, a lower bound that a loaded
    # machine only makes longer (a single gap between two answers is not: their
    # responses may arrive closer together than the requests left).
    assert after[-1] >= refused[0] + 1 + 7 * 0.1 * 0.95


def test_an_unpaced_client_does_not_wait(emulator: Any):
    emulator.store.create_agent({"name": "a", "prompt": ""}, uid="a")
    with OpenMicClient(emulator.url, TEST_API_KEY, **FAST) as client:
        assert client.requests_per_minute is None
        started = time.monotonic()
        for _ in range(20):
            client.list_tools("a")
    assert time.monotonic() - started < 20 * 0.6  # well under one 100/min pace


# ---------------------------------------------------------------- project file


def _project(root: Path, extra: str) -> Any:
    root.mkdir(parents=True, exist_ok=True)
    (root / "actionctl.yaml").write_text(f"platform: openmic\n{extra}")
    return load_project(root)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", DEFAULT_REQUESTS_PER_MINUTE),
        ("rate_limit: {}\n", DEFAULT_REQUESTS_PER_MINUTE),
        ("rate_limit:\n  requests_per_minute: 50\n", 50),
        ("rate_limit:\n  requests_per_minute: 12.5\n", 12.5),
        ("rate_limit:\n  requests_per_minute: null\n", None),
    ],
)
def test_rate_limit_is_read_from_the_project_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    emulator: Any,
    extra: str,
    expected: float | None,
):
    loaded = _project(tmp_path, extra)
    assert loaded.diagnostics == []
    assert loaded.project is not None
    config = loaded.project.config
    assert config.requests_per_minute == expected
    monkeypatch.setenv("OPENMIC_BASE_URL", emulator.url)
    monkeypatch.setenv("OPENMIC_API_KEY", TEST_API_KEY)
    platform = connect(config, Environment("dev"), tmp_path)
    try:
        assert isinstance(platform, OpenMicClient)
        assert platform.requests_per_minute == expected
    finally:
        platform.close()


@pytest.mark.parametrize(
    "extra",
    [
        "rate_limit:\n  requests_per_minute: 0\n",
        "rate_limit:\n  requests_per_minute: fast\n",
        "rate_limit:\n  per_minute: 100\n",
        "rate_limit: 100\n",
    ],
)
def test_a_bad_rate_limit_is_a_located_error(tmp_path: Path, extra: str):
    loaded = _project(tmp_path, extra)
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert errors, extra
    assert all(d.file == "actionctl.yaml" and d.line >= 2 for d in errors)


def test_the_local_platform_is_never_paced(tmp_path: Path):
    loaded = _project(tmp_path, "rate_limit:\n  requests_per_minute: 1\n")
    assert loaded.project is not None
    config = loaded.project.config
    config.platform = "local"
    platform = connect(config, Environment("dev"), tmp_path)
    try:
        assert not hasattr(platform, "requests_per_minute")
    finally:
        platform.close()
