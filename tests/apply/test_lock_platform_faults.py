"""The apply lock against a platform that misbehaves on the lock's own requests: a create
committed twice, a create accepted but left out of the listing, deletes that fail, a
lock agent that moves or vanishes. Real emulator over HTTP; the misbehaviour is the
emulator's fault injection, or a hook on the emulator's own exchange (``on_exchange``)
that changes its store the way such a platform would, before the answer leaves."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from compiler.apply.lock import (
    AcquireInterrupted,
    AgentLocks,
    LockRefused,
    holding,
    sweep_abandoned,
)
from compiler.platform.base import PlatformError
from compiler.platform.client import OpenMicClient
from compiler.platform.lock_tools import (
    LOCK_AGENT_NAME,
    LOCK_PREFIX,
    iso,
    lock_description,
    locked_agents,
    parse_holder,
    parse_time,
)
from tests.apply.test_lock import (
    BILLING,
    SUPPORT,
    all_locks,
    lock_agent_tools,
    lock_agents,
    make_lock_agent,
    old_style_lock,
    our_locks,
    their_lock,
)
from tests.conftest import TEST_API_KEY

Exchange = Callable[[str, str, Any], None]


def on_exchange(site: Any, hook: Exchange) -> None:
    """Call ``hook(method, path, answer body)`` on every exchange the emulator handled,
    after its store changed and before the answer is sent (the contract check still
    sees every exchange)."""
    check = site.server.config.observer

    def observe(
        method: str, target: str, headers: Mapping[str, str], raw: bytes, response: Any
    ) -> None:
        if check is not None:
            check(method, target, headers, raw, response)
        body = response.body
        if body is None and response.raw:
            body = json.loads(response.raw)
        hook(method, target.split("?")[0], body)

    site.server.config.observer = observe


def lock_creates(site: Any, hook: Callable[[str, dict[str, Any]], None]) -> None:
    """``hook(lock agent uid, created tool)`` after each create of a lock tool."""

    def watch(method: str, path: str, body: Any) -> None:
        if method != "POST" or not isinstance(body, dict):
            return
        if str(body.get("name", "")).startswith(LOCK_PREFIX) and path.endswith("/tools"):
            hook(path.split("/")[-2], body)

    on_exchange(site, watch)


def count(site: Any, method: str) -> int:
    return int(site.server.stats.snapshot()["methods"].get(method, 0))


@pytest.fixture
def client(site: Any) -> Iterator[OpenMicClient]:
    client = OpenMicClient(site.url, TEST_API_KEY, backoff_base=0.01)
    yield client
    client.close()


@pytest.fixture
def unretried(site: Any) -> Iterator[OpenMicClient]:
    """A client that sends each request once: the lock's own attempts are counted."""
    client = OpenMicClient(site.url, TEST_API_KEY, max_retries=0)
    yield client
    client.close()


class Watch:
    """A LockWatch that records what it is told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def locked(self, agent_uid: str, listed: int) -> None:
        self.events.append(("locked", (agent_uid, listed)))

    def releasing(self, agent_uids: list[str]) -> None:
        self.events.append(("releasing", agent_uids))

    def released(self, agent_uid: str) -> None:
        self.events.append(("released", agent_uid))


# --- the lock's own create ---


@pytest.mark.parametrize("fault", [None, "lost"], ids=["answered", "answer-lost"])
def test_a_lock_create_committed_twice_is_held_and_released_whole(
    site: Any, client: Any, fault: str | None
) -> None:
    """The platform commits the lock's create twice (a gateway that retried it); with
    its answer lost too, the create is adopted by name. Either way both copies are the
    lock: both renewed, both released, none left behind."""
    home = make_lock_agent(site)
    twice = site.server.store
    lock_creates(site, lambda uid, tool: twice.create_tool(uid, tool) if tool else None)
    site.server.inject(None, fault)  # the look-up of the lock agent, then the create
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        copies = our_locks(site)
        assert len(copies) == 2 and len({t["name"] for t in copies}) == 1
        assert locks.held[SUPPORT].tool_ids == sorted(t["id"] for t in copies)
        site.server.stats.reset()
        locks.renew()
        assert count(site, "PATCH") == 2
    finally:
        problems = locks.release()
    assert problems == []
    assert lock_agent_tools(site) == [] and all_locks(site) == []
    assert [a["uid"] for a in lock_agents(site)] == [home]


def test_a_lock_tool_says_nothing_on_a_call_and_has_a_fresh_name(site: Any, client: Any) -> None:
    names = set()
    for _ in range(2):
        locks = AgentLocks(client)
        locks.acquire([SUPPORT])
        (lock,) = our_locks(site)
        locks.release()
        # 64 random bits: two applies never draw the same lock name.
        assert re.fullmatch(re.escape(LOCK_PREFIX) + "[0-9a-f]{16}", lock["name"])
        assert lock["speak_during_execution"] is False and lock["speak_after_execution"] is False
        names.add(lock["name"])
    assert len(names) == 2


def test_a_lock_create_accepted_but_not_listed_cannot_lock(site: Any, client: Any) -> None:
    """The platform answers the lock's create with the tool, but its listing leaves it
    out: mutual exclusion rests on that listing, so nothing may be locked."""
    make_lock_agent(site)
    store = site.server.store
    lock_creates(site, lambda uid, tool: store.delete_tool(uid, int(tool["id"])))
    before = site.all_tools()
    locks = AgentLocks(client)
    with pytest.raises(PlatformError, match="is missing from its tool list") as caught:
        locks.acquire([SUPPORT, BILLING])
    assert "nothing was changed" in str(caught.value)
    assert locks.held == {} and locks.listed == {}
    assert site.all_tools() == before and all_locks(site) == []
    with pytest.raises(PlatformError, match="no longer held"):
        locks.check(SUPPORT)


def test_a_lock_create_that_keeps_failing_names_the_lock_and_changes_nothing(
    site: Any, client: Any
) -> None:
    make_lock_agent(site)
    site.server.stats.reset()
    # The look-up, then each of the five create attempts fails and its look-up finds
    # nothing (a POST is never retried by the client: its outcome is unknown).
    site.server.inject(None, *["500", None] * 5)
    locks = AgentLocks(client)
    with pytest.raises(PlatformError, match="could not create the apply lock") as caught:
        locks.acquire([SUPPORT])
    assert "on the lock agent" in str(caught.value) and "try again" in str(caught.value)
    assert not isinstance(caught.value, LockRefused)
    assert count(site, "POST") == 5
    assert all_locks(site) == [] and locks.held == {}


def test_the_lock_agent_is_made_again_when_its_create_answer_is_lost(
    site: Any, client: Any
) -> None:
    """The lock agent's create commits but its answer is lost: it is found by name,
    not made twice."""
    site.server.inject(None, "lost")  # the look-up finds none, the create's answer is lost
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    locks.release()
    assert len(lock_agents(site)) == 1


def test_a_lock_agent_that_never_shows_up_is_an_error(site: Any, client: Any) -> None:
    """Every create of the lock agent is accepted, but it never appears under its name."""
    store = site.server.store

    def hide(method: str, path: str, body: Any) -> None:
        if method == "POST" and path.endswith("/agents") and isinstance(body, dict):
            store.delete_agent(body["uid"])

    on_exchange(site, hide)
    locks = AgentLocks(client)
    with pytest.raises(PlatformError, match="could not create the apply lock agent") as caught:
        locks.acquire([SUPPORT])
    assert "after 3 creates" in str(caught.value)
    assert count(site, "POST") == 3 and all_locks(site) == []


# --- the lock agent changing under an apply ---


def test_a_lock_agent_deleted_during_the_acquire_is_made_again(site: Any, client: Any) -> None:
    """Someone deletes the lock agent (with our fresh lock on it) right after our create:
    the apply gives way and locks on a new lock agent, without refusing."""
    store = site.server.store
    deleted: list[str] = []

    def delete_once(uid: str, tool: dict[str, Any]) -> None:
        if not deleted:
            deleted.append(uid)
            store.delete_agent(uid)

    first = make_lock_agent(site)
    lock_creates(site, delete_once)
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        assert deleted == [first]
        ((agent),) = lock_agents(site)
        assert agent["uid"] != first
        assert locks.held[SUPPORT].on == agent["uid"]
        assert [t["name"] for t in our_locks(site)] == [locks.held[SUPPORT].name]
    finally:
        locks.release()
    assert all_locks(site) == []


def test_a_lock_agent_deleted_under_a_lost_create_is_made_again(site: Any, client: Any) -> None:
    """The lock's create commits, its answer is lost, and the lock agent is deleted
    before the look-up: nothing to adopt or delete there; the locks go on a new one."""
    first = make_lock_agent(site)
    store = site.server.store
    lock_creates(site, lambda uid, tool: store.delete_agent(uid) if uid == first else None)
    site.server.inject(None, "lost")
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        assert locks.held[SUPPORT].on != first
        assert [t["name"] for t in our_locks(site)] == [locks.held[SUPPORT].name]
    finally:
        locks.release()
    assert all_locks(site) == []


def test_a_lock_agent_that_keeps_moving_is_an_error_after_four_attempts(
    site: Any, client: Any
) -> None:
    store = site.server.store
    lock_creates(site, lambda uid, tool: store.delete_agent(uid))
    locks = AgentLocks(client)
    with pytest.raises(PlatformError, match="kept changing while the locks were taken"):
        locks.acquire([SUPPORT])
    assert count(site, "POST") == 8  # each attempt: the lock agent made, the lock created
    assert all_locks(site) == [] and locks.held == {}


def test_an_older_spare_lock_agent_made_during_the_acquire_wins(site: Any, client: Any) -> None:
    """Between our create and our listing, a lock agent preferred to ours appears (made
    by a racing apply, older by its timestamp): we give way and lock on it."""
    ours = make_lock_agent(site)
    store = site.server.store
    made: list[str] = []

    def older_one(uid: str, tool: dict[str, Any]) -> None:
        if made:
            return
        agent = store.create_agent({"name": LOCK_AGENT_NAME, "prompt": "racing"})
        made.append(str(agent["uid"]))
        with store._write() as db:  # created (by its clock) before ours
            db.execute(
                "UPDATE agents SET created_at = ? WHERE uid = ?",
                ("2000-01-01T00:00:00Z", agent["uid"]),
            )

    lock_creates(site, older_one)
    reads: list[str] = []
    on_exchange(site, lambda method, path, body: reads.append(path) if method == "GET" else None)
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    # Giving way deleted our first lock by the id its create returned (no look-up by
    # name): our lock agent's tools were read once, by the second attempt's listing.
    assert reads.count(f"/h/v2/agents/{ours}/tools") == 1
    try:
        assert locks.held[SUPPORT].on == made[0] != ours
        assert [t["name"] for t in site.tools(made[0])] == [locks.held[SUPPORT].name]
    finally:
        locks.release()
    # The spare (ours, empty) was deleted once the preferred one was seen.
    assert [a["uid"] for a in lock_agents(site)] == made
    assert all_locks(site) == []


# --- contenders ---


def test_a_racing_lock_on_our_agents_makes_us_give_way_then_refuse(site: Any, client: Any) -> None:
    """A young lock of another apply (taken now, not abandoned) on one of our agents:
    we delete our lock and try again; still there on the next attempt, it is held."""
    their_lock(site, agent=BILLING, since=timedelta(0))
    locks = AgentLocks(client)
    site.server.stats.reset()
    with pytest.raises(LockRefused) as caught:
        locks.acquire([SUPPORT, BILLING])
    assert caught.value.agent_uid == BILLING
    assert count(site, "POST") == 2  # one attempt each: gave way once, then refused
    assert count(site, "DELETE") == 2
    assert [t["name"] for t in lock_agent_tools(site)] == [LOCK_PREFIX + "feedfacecafebeef"]
    assert locks.held == {}


def timeline(site: Any) -> list[tuple[str, float]]:
    """(method, when) of each lock create and each delete the emulator handles."""
    seen: list[tuple[str, float]] = []
    lock_creates(site, lambda uid, tool: seen.append(("POST", time.monotonic())))
    on_exchange(
        site,
        lambda method, path, body: (
            seen.append((method, time.monotonic())) if method == "DELETE" else None
        ),
    )
    return seen


@pytest.mark.parametrize("stop", [None, threading.Event()], ids=["no-stop", "stop-never-set"])
def test_a_contender_that_gave_way_waits_at_least_its_round_trip(
    site: Any, client: Any, stop: threading.Event | None
) -> None:
    """Between giving way and trying again, a contender waits at least as long as its
    attempt took, so that the other one (as fast) can finish first."""
    their_lock(site, agent=SUPPORT)
    seen = timeline(site)
    with pytest.raises(LockRefused):
        AgentLocks(client, stop=stop).acquire([SUPPORT])
    (first, _), (gave_way, at), (second, again) = seen[:3]
    assert (first, gave_way, second) == ("POST", "DELETE", "POST")
    assert again - at >= at - seen[0][1]


def test_giving_way_deletes_both_copies_of_a_lock_or_stops_at_one_it_cannot(
    site: Any, unretried: Any
) -> None:
    """Each lock create is committed twice. On the first attempt the first copy's
    deletes fail: giving way stops there (both copies stay, abandoned); on the second,
    both copies are deleted."""
    theirs = their_lock(site, agent=SUPPORT)
    store = site.server.store
    lock_creates(site, lambda uid, tool: store.create_tool(uid, tool))
    # The look-up, our create, the listings of the lock agents and of their tools; then
    # the first copy's three deletes fail.
    site.server.inject(None, None, None, None, "500", "500", "500")
    with pytest.raises(LockRefused):
        AgentLocks(unretried).acquire([SUPPORT])
    left = [t for t in lock_agent_tools(site) if t["id"] != theirs["id"]]
    assert len(left) == 2 and len({t["name"] for t in left}) == 1  # the first attempt's


def test_a_contender_back_with_a_new_lock_each_time_is_refused_after_four_attempts(
    site: Any, client: Any
) -> None:
    """Another apply gives way and locks again with a fresh name on every attempt of
    ours, never a lock we saw before nor an old one: after four attempts we refuse."""
    make_lock_agent(site)
    store = site.server.store
    theirs: list[str] = []

    def lock_again(uid: str, tool: dict[str, Any]) -> None:
        for old in store.list_tools(uid).items:
            if old["name"] in theirs:
                store.delete_tool(uid, old["id"])  # it gave way
        now = datetime.now(UTC)
        theirs.append(f"{LOCK_PREFIX}{len(theirs):016x}")
        description = (
            f'actionctl apply lock on agents ["{SUPPORT}"]: not an action, never call it. '
            f"Held by host build-agent-7 machine 0123456789ab pid 4242 since {iso(now)}; "
            f"safe to delete after {iso(now + timedelta(minutes=15))}."
        )
        store.create_tool(uid, {"type": "end_call", "name": theirs[-1], "description": description})

    lock_creates(site, lock_again)
    seen = timeline(site)
    site.server.stats.reset()
    with pytest.raises(LockRefused) as caught:
        AgentLocks(client).acquire([SUPPORT])
    assert count(site, "POST") == 4 and len(theirs) == 4
    assert caught.value.agent_uid == SUPPORT
    # The n-th wait lasts at least n times that attempt's round trip (which contains
    # our create to our delete as the emulator saw them), and a round counts at least
    # 50 ms: a contender on a fast link still gets its turn.
    assert [method for method, _ in seen] == ["POST", "DELETE"] * 4
    times = [when for _, when in seen]
    for n in (1, 2, 3):
        created, gave_way, again = times[2 * n - 2 : 2 * n + 1]
        assert again - gave_way >= n * max(gave_way - created, 0.05), n


def test_a_lock_held_for_long_refuses_at_once(site: Any, client: Any) -> None:
    their_lock(site, agent=SUPPORT, since=timedelta(seconds=30))
    locks = AgentLocks(client)
    site.server.stats.reset()
    with pytest.raises(LockRefused, match="another apply holds the lock on agent"):
        locks.acquire([SUPPORT])
    assert count(site, "POST") == 1 and count(site, "DELETE") == 1


@pytest.mark.parametrize(("age", "attempts"), [(4.5, 2), (5.0, 2), (5.5, 1)])
def test_a_lock_older_than_the_race_window_is_held(
    site: Any, client: Any, age: float, attempts: int
) -> None:
    """Taken up to 5 s before our attempt (by our clock), another lock may be a racing
    contender: we give way once before refusing; taken longer ago, it is held."""
    theirs = their_lock(site, agent=SUPPORT)
    holder = parse_holder(theirs)
    assert holder is not None
    taken = parse_time(holder.since)
    assert taken is not None
    locks = AgentLocks(client, clock=lambda: taken + timedelta(seconds=age))
    site.server.stats.reset()
    with pytest.raises(LockRefused):
        locks.acquire([SUPPORT])
    assert count(site, "POST") == attempts


def test_a_young_hand_made_lock_refuses_at_once(site: Any, client: Any) -> None:
    """A lock tool no actionctl wrote says nothing of when it was taken: it is held, not
    a contender that may give way."""
    site.rest("POST", f"/agents/{SUPPORT}/tools", {"type": "end_call", "name": LOCK_PREFIX + "x"})
    make_lock_agent(site)
    site.server.stats.reset()
    with pytest.raises(LockRefused, match=r"\(lock tool id \d+\)"):
        AgentLocks(client).acquire([SUPPORT])
    assert count(site, "POST") == 1


def test_a_lock_we_could_not_delete_when_giving_way_is_abandoned_at_once(
    site: Any, unretried: Any
) -> None:
    """Giving way, our lock's deletes fail: it stays on the lock agent, naming this
    process, but it no longer counts (the next apply of this process takes over)."""
    theirs = their_lock(site, agent=SUPPORT)
    # The look-up, our create, the lock agents' and their tools' listings, then the
    # three deletes of giving way fail.
    site.server.inject(None, None, None, None, "500", "500", "500")
    with pytest.raises(LockRefused):
        AgentLocks(unretried).acquire([SUPPORT])
    (left,) = [t for t in lock_agent_tools(site) if t["id"] != theirs["id"]]
    site.rest("DELETE", f"/agents/{lock_agents(site)[0]['uid']}/tools/{theirs['id']}")
    locks = AgentLocks(unretried)
    locks.acquire([SUPPORT])
    try:
        assert left["id"] not in {t["id"] for t in lock_agent_tools(site)}  # swept
    finally:
        locks.release()
    assert lock_agent_tools(site) == []


def test_a_racing_lock_that_goes_away_lets_the_next_attempt_win(site: Any, client: Any) -> None:
    """The other contender gives way (deletes its lock) while we wait: ours on retry."""
    theirs = their_lock(site, agent=SUPPORT)
    home = lock_agents(site)[0]["uid"]
    store = site.server.store
    creates: list[str] = []

    def give_way_after_ours(uid: str, tool: dict[str, Any]) -> None:
        creates.append(tool["name"])
        if len(creates) == 2:  # our second attempt: they are gone by now
            store.delete_tool(home, theirs["id"])

    lock_creates(site, give_way_after_ours)
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        assert len(creates) == 2 and creates[0] != creates[1]  # a fresh token per attempt
        assert [t["name"] for t in lock_agent_tools(site)] == [creates[1]]
        assert locks.held[SUPPORT].name == creates[1]
    finally:
        locks.release()


def test_a_lock_on_an_agent_we_do_not_lock_is_not_ours_to_mind(site: Any, client: Any) -> None:
    their_lock(site, agent="agent_someone_else")
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    locks.release()
    assert len(lock_agent_tools(site)) == 1  # theirs, untouched


def test_an_old_style_lock_that_is_young_makes_us_give_way(site: Any, client: Any) -> None:
    """A lock an older actionctl put on the agent itself, held by someone else: refused
    on the second attempt (its holder is not known to hold it long)."""
    old_style_lock(site, agent=BILLING)
    locks = AgentLocks(client)
    with pytest.raises(LockRefused) as caught:
        locks.acquire([BILLING, SUPPORT])
    assert caught.value.agent_uid == BILLING
    assert our_locks(site, SUPPORT) == []


# --- a stop (a signal) while the locks are taken ---


def test_a_stop_before_the_locks_are_taken_sends_nothing(site: Any, client: Any) -> None:
    stop = threading.Event()
    stop.set()
    site.server.stats.reset()
    with pytest.raises(AcquireInterrupted):
        AgentLocks(client, stop=stop).acquire([SUPPORT])
    assert site.server.stats.snapshot()["requests"] == 0 and lock_agents(site) == []


def test_a_stop_while_giving_way_ends_the_wait_and_takes_nothing(site: Any, client: Any) -> None:
    """A young lock of another apply makes us give way and wait; a stop then cuts the
    wait short and no second attempt is made."""
    their_lock(site, agent=SUPPORT)
    stop = threading.Event()
    on_exchange(site, lambda method, path, body: stop.set() if method == "DELETE" else None)
    site.server.stats.reset()
    locks = AgentLocks(client, stop=stop)
    with pytest.raises(AcquireInterrupted):
        locks.acquire([SUPPORT])
    assert count(site, "POST") == 1 and count(site, "DELETE") == 1  # no second attempt
    assert [t["name"] for t in lock_agent_tools(site)] == [LOCK_PREFIX + "feedfacecafebeef"]


def test_a_stop_between_two_lock_tools_takes_no_more(site: Any, client: Any) -> None:
    agents = [f"agent_{i:02}" for i in range(21)]  # two lock tools
    for uid in agents:
        site.server.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    make_lock_agent(site)
    stop = threading.Event()
    lock_creates(site, lambda uid, tool: stop.set())
    site.server.stats.reset()
    locks = AgentLocks(client, stop=stop)
    with pytest.raises(AcquireInterrupted):
        locks.acquire(agents)
    assert count(site, "POST") == 1 and all_locks(site) == [] and locks.held == {}


# --- releasing ---


def test_release_tells_the_watch_and_deletes_every_lock_tool(site: Any, client: Any) -> None:
    agents = [f"agent_{i:02}" for i in range(21)]
    for uid in agents:
        site.server.store.create_agent({"name": uid, "prompt": ""}, uid=uid)
    watch = Watch()
    locks = AgentLocks(client, watch=watch)
    locks.acquire(agents)
    assert [e for e in watch.events if e[0] == "locked"] == [("locked", (a, 0)) for a in agents]
    tools = lock_agent_tools(site)
    assert sorted(len(locked_agents(t)) for t in tools) == [1, 20]  # 20 agents per lock tool
    assert locks.release() == []
    released = [e[1] for e in watch.events if e[0] == "released"]
    assert ("releasing", agents) in watch.events and sorted(released) == agents
    assert all_locks(site) == []
    with pytest.raises(PlatformError, match="no longer held"):
        locks.check(agents[0])
    told = len(watch.events)
    assert locks.release() == []  # again: nothing to do, nothing said
    assert len(watch.events) == told


def test_a_lock_tool_release_cannot_delete_is_named_once_per_tool(
    site: Any, unretried: Any
) -> None:
    warnings: list[str] = []
    with holding(unretried, [SUPPORT], warnings.append) as locks:
        name = locks.held[SUPPORT].name
        site.server.inject("500", "500", "500")  # the three attempts of the delete
    (warning,) = warnings
    assert name in warning and "could not remove the apply lock tool" in warning
    assert repr(SUPPORT) in warning and "safe" not in warning
    assert len(our_locks(site)) == 1


def test_a_delete_that_fails_twice_then_succeeds_leaves_nothing(site: Any, unretried: Any) -> None:
    warnings: list[str] = []
    with holding(unretried, [SUPPORT], warnings.append):
        site.server.inject("500", "500")
    assert warnings == [] and all_locks(site) == []


def test_a_lock_tool_gone_before_release_is_no_problem(site: Any, client: Any) -> None:
    warnings: list[str] = []
    with holding(client, [SUPPORT], warnings.append) as locks:
        (lock,) = our_locks(site)
        site.rest("DELETE", f"/agents/{locks.held[SUPPORT].on}/tools/{lock['id']}")
    assert warnings == [] and all_locks(site) == []


def test_a_lock_agent_gone_before_release_is_no_problem(site: Any, client: Any) -> None:
    warnings: list[str] = []
    with holding(client, [SUPPORT], warnings.append) as locks:
        locks.held[SUPPORT].tool_ids = []  # (as after a lost create: looked up by name)
        site.rest("DELETE", f"/agents/{locks.held[SUPPORT].on}")
    assert warnings == []


def test_a_lock_whose_listing_fails_at_release_is_reported(site: Any, client: Any) -> None:
    warnings: list[str] = []
    with holding(client, [SUPPORT], warnings.append) as locks:
        locks.held[SUPPORT].tool_ids = []  # (as after a lost create: looked up by name)
        site.server.inject(*["500"] * 8)  # every attempt of the look-up
    (warning,) = warnings
    assert "(id ?," in warning


# --- renewal ---


def test_a_renewal_that_fails_keeps_the_lock_until_the_clock_says(site: Any, client: Any) -> None:
    now = [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]
    locks = AgentLocks(client, clock=lambda: now[0])
    locks.acquire([SUPPORT])
    try:
        expires = locks.held[SUPPORT].expires
        now[0] += timedelta(minutes=5)
        site.server.inject(*["500"] * 8)
        locks.renew()  # a failed beat: nothing moved
        assert locks.held[SUPPORT].expires == expires
        locks.check(SUPPORT)  # 10 minutes left: still ours
        now[0] += timedelta(minutes=8)  # less than a sixth left
        with pytest.raises(PlatformError, match="no longer held"):
            locks.check(SUPPORT)
    finally:
        locks.release()


def test_a_lock_is_not_written_under_from_a_sixth_of_its_expiry_before_it(
    site: Any, client: Any
) -> None:
    now = [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]
    locks = AgentLocks(client, clock=lambda: now[0])
    locks.acquire([SUPPORT])
    try:
        now[0] += timedelta(minutes=12, seconds=30) - timedelta(microseconds=1)
        locks.check(SUPPORT)
        now[0] += timedelta(microseconds=1)  # 2.5 minutes left: clocks may run ahead
        with pytest.raises(PlatformError, match="no longer held"):
            locks.check(SUPPORT)
    finally:
        locks.release()


def test_a_lock_past_its_expiry_is_lost_at_the_next_beat(site: Any, client: Any) -> None:
    now = [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]
    locks = AgentLocks(client, clock=lambda: now[0])
    locks.acquire([SUPPORT, BILLING])
    now[0] += timedelta(minutes=15)
    site.server.stats.reset()
    locks.renew()
    assert count(site, "PATCH") == 0
    assert locks.lost == {SUPPORT, BILLING}
    locks.renew()  # every agent lost: no beat at all
    assert count(site, "PATCH") == 0
    locks.release()


def test_a_renewal_after_a_lost_create_finds_the_tool_by_name(site: Any, client: Any) -> None:
    now = [datetime(2030, 1, 1, 12, 0, tzinfo=UTC)]
    locks = AgentLocks(client, clock=lambda: now[0])
    locks.acquire([SUPPORT])
    locks.held[SUPPORT].tool_ids = []  # not known (as after a lost create)
    now[0] += timedelta(minutes=5)
    locks.renew()
    assert locks.held[SUPPORT].expires == now[0] + timedelta(minutes=15)
    (lock,) = our_locks(site)
    assert "2030-01-01T12:20:00Z" in lock["description"]
    locks.release()
    assert all_locks(site) == []


def test_an_unlocked_agent_is_never_written(site: Any, client: Any) -> None:
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        with pytest.raises(PlatformError, match=f"agent {BILLING!r} is no longer held"):
            locks.check(BILLING)
    finally:
        locks.release()


def heartbeats() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "actionctl-lock-heartbeat"}


def test_release_stops_the_heartbeat(site: Any, client: Any) -> None:
    before = heartbeats()
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    (beat,) = heartbeats() - before
    assert beat.daemon  # it never keeps a process that is ending alive
    locks.release()
    assert heartbeats() - before == set()


def test_renewals_come_every_third_of_the_expiry(client: Any) -> None:
    # Two renewals in a row may fail and the lock still holds.
    assert AgentLocks(client).renew_every == 300
    assert AgentLocks(client, expiry=timedelta(seconds=1.5)).renew_every == 0.5


def test_no_agents_take_no_lock(site: Any, client: Any) -> None:
    site.server.stats.reset()
    before = heartbeats()
    locks = AgentLocks(client)
    locks.acquire([])
    assert heartbeats() == before  # nothing to renew
    assert locks.release() == []
    assert site.server.stats.snapshot()["requests"] == 0


# --- housekeeping ---


def test_a_spare_lock_agent_holding_a_lock_is_kept(site: Any, client: Any) -> None:
    """A younger lock agent is deleted only when empty: one holding a lock (on an agent
    we do not lock) stays, and so does that lock."""
    home = make_lock_agent(site)
    spare = make_lock_agent(site)
    theirs = their_lock(site, agent="agent_someone_else", on=spare)
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    try:
        assert locks.held[SUPPORT].on == home
    finally:
        locks.release()
    assert sorted(a["uid"] for a in lock_agents(site)) == sorted([home, spare])
    assert site.tools(spare) == [theirs]


def test_an_abandoned_lock_naming_no_agent_on_the_lock_agent_is_left(
    site: Any, client: Any
) -> None:
    """On the lock agent, a lock tool naming no agent locks nothing; it is not ours to
    delete (an expired one elsewhere would be)."""
    home = make_lock_agent(site)
    odd = old_style_lock(site, agent=home, expires_in=timedelta(seconds=-5))
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    locks.release()
    assert lock_agent_tools(site) == [odd]


def test_a_tool_on_the_lock_agent_not_named_as_a_lock_is_never_touched(
    site: Any, client: Any
) -> None:
    """Whatever its description says (here: an expired lock's), a tool without the lock
    prefix is not a lock: housekeeping leaves it."""
    home = make_lock_agent(site)
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    description = lock_description(long_ago, long_ago + timedelta(minutes=15), [SUPPORT])
    odd = site.rest(
        "POST",
        f"/agents/{home}/tools",
        {"type": "end_call", "name": "notes", "description": description},
    )
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    locks.release()
    assert site.tools(home) == [odd]


def test_sweep_deletes_abandoned_locks_and_reports_foreign_ones(site: Any, client: Any) -> None:
    ours = old_style_lock(site, expires_in=timedelta(seconds=-1))
    foreign = site.rest(
        "POST",
        f"/agents/{BILLING}/tools",
        {"type": "end_call", "name": LOCK_PREFIX + "handmade", "description": "mine"},
    )
    later = datetime.now(UTC) + timedelta(minutes=20)
    notes = sweep_abandoned(client, [SUPPORT, BILLING, SUPPORT])
    assert notes == []  # the hand-made one is young: it still counts, nothing to say
    assert {t["id"] for t in all_locks(site)} == {foreign["id"]}
    assert ours["id"] not in {t["id"] for t in site.tools(SUPPORT)}
    notes = sweep_abandoned(client, [BILLING], expiry=timedelta(seconds=-1))
    (note,) = notes
    assert f"agent {BILLING!r}" in note and "actionctl did not create" in note
    gone = timedelta(seconds=-1)
    assert sweep_abandoned(client, [BILLING], expiry=gone, remove_foreign=True) == []
    assert all_locks(site) == [] and later > datetime.now(UTC)


def hand_made_expired_lock(site: Any, agent: str) -> dict[str, Any]:
    """A tool named like a lock that no actionctl wrote, made long ago."""
    tool: dict[str, Any] = site.rest(
        "POST", f"/agents/{agent}/tools", {"type": "end_call", "name": LOCK_PREFIX + "by-hand"}
    )
    with site.server.store._write() as db:  # (the emulator stamps creation itself)
        db.execute(
            "UPDATE tools SET created_at = ? WHERE id = ?", ("2000-01-01T00:00:00Z", tool["id"])
        )
    return tool


def test_an_expired_lock_someone_else_made_is_reported_and_left_by_default(
    site: Any, client: Any
) -> None:
    made = hand_made_expired_lock(site, SUPPORT)
    with holding(client, [SUPPORT], lambda message: None) as locks:
        (note,) = locks.notes
    assert "actionctl did not create" in note and "--remove-foreign-locks" in note
    (note,) = sweep_abandoned(client, [SUPPORT])
    assert f"agent {SUPPORT!r} has a tool named" in note
    assert [t["id"] for t in site.tools(SUPPORT) if t["name"].startswith(LOCK_PREFIX)] == [
        made["id"]
    ]
    locks = AgentLocks(client)
    locks.acquire([SUPPORT])
    locks.release()
    assert len(locks.notes) == 1 and len(all_locks(site)) == 1
    with holding(client, [SUPPORT], lambda message: None, remove_foreign=True) as locks:
        assert locks.notes == []
    assert all_locks(site) == []


def test_sweep_of_no_agents_sends_nothing(site: Any, client: Any) -> None:
    site.server.stats.reset()
    assert sweep_abandoned(client, []) == []
    site.server.inject(*["500"] * 8)
    assert sweep_abandoned(client, [SUPPORT]) == []  # best effort: the listing failed


def test_locked_agents_are_read_back_from_the_lock(site: Any, client: Any) -> None:
    locks = AgentLocks(client)
    locks.acquire([SUPPORT, BILLING, SUPPORT])
    try:
        (lock,) = lock_agent_tools(site)
        assert locked_agents(lock) == [BILLING, SUPPORT]  # sorted, once each
    finally:
        locks.release()
