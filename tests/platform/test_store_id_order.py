"""The store's ``id_order="shuffled"`` mode: ids taken at insert, visible at commit, so a
listing can show a higher id while a lower one is not there yet (what a SQL sequence
does under concurrency, and what the vendor's contract allows)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from compiler.platform.store import Store

AGENT = "agent_ids"


def test_concurrent_creates_become_visible_out_of_id_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db", id_order="shuffled", commit_delay_ms=150)
    store.create_agent({"name": AGENT, "prompt": ""}, uid=AGENT)
    gaps: list[list[int]] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            ids = [t["id"] for t in store.list_tools(AGENT).items]
            if ids and ids != list(range(1, len(ids) + 1)):
                gaps.append(ids)  # a higher id visible while a lower one is not
            time.sleep(0.002)

    def create(index: int) -> None:
        store.create_tool(AGENT, {"type": "end_call", "name": f"t{index}"})

    watcher = threading.Thread(target=watch)
    watcher.start()
    creators = [threading.Thread(target=create, args=(i,)) for i in range(12)]
    for thread in creators:
        thread.start()
    for thread in creators:
        thread.join()
    done.set()
    watcher.join()
    final = [t["id"] for t in store.list_tools(AGENT).items]
    store.close()
    assert final == list(range(1, 13))  # every id used once, none lost
    assert gaps, "no listing ever showed ids out of commit order"


def test_sequential_ids_stay_the_default(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    store.create_agent({"name": AGENT, "prompt": ""}, uid=AGENT)
    ids = [store.create_tool(AGENT, {"type": "end_call", "name": f"t{i}"})["id"] for i in range(3)]
    store.close()
    assert ids == [1, 2, 3]


def test_an_unknown_id_order_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="id_order"):
        Store(tmp_path / "s.db", id_order="backwards")
