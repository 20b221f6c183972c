"""The fault injector and token bucket on their own (fake clock, fixed seeds)."""

from __future__ import annotations

import pytest

from compiler.emulator.faults import FaultInjector, TokenBucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_same_seed_same_faults():
    first = FaultInjector(0.4, seed=11)
    second = FaultInjector(0.4, seed=11)
    one = [first.next_fault() for _ in range(200)]
    assert one == [second.next_fault() for _ in range(200)]
    assert {"500", "429", "drop", "lost"} <= set(one)
    assert 40 < sum(f is not None for f in one) < 120


def test_other_seed_other_faults():
    many_a = FaultInjector(0.4, seed=1)
    many_b = FaultInjector(0.4, seed=2)
    assert [many_a.next_fault() for _ in range(50)] != [many_b.next_fault() for _ in range(50)]


def test_scripted_faults_come_first_and_in_order():
    injector = FaultInjector(0.0)
    injector.inject("lost", None, "500")
    assert [injector.next_fault() for _ in range(4)] == ["lost", None, "500", None]


def test_kinds_can_be_restricted_and_are_checked():
    injector = FaultInjector(1.0, kinds=("drop",))
    assert {injector.next_fault() for _ in range(20)} == {"drop"}
    with pytest.raises(ValueError):
        FaultInjector(0.1, kinds=("explode",))
    with pytest.raises(ValueError):
        FaultInjector(1.5)
    with pytest.raises(ValueError):
        injector.inject("explode")


def test_token_bucket_refills_continuously():
    clock = FakeClock()
    bucket = TokenBucket(120, clock=clock)  # 2/s, burst 2
    assert bucket.take() == 0 and bucket.take() == 0
    assert bucket.take() == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.take() == 0
    assert bucket.take() == pytest.approx(0.5)
    clock.now += 60
    assert [bucket.take() for _ in range(3)][:2] == [0, 0]  # burst capped at 2


def test_token_bucket_default_burst_is_one_second():
    assert TokenBucket(1200).capacity == 20
    assert TokenBucket(30).capacity == 1
    with pytest.raises(ValueError):
        TokenBucket(0)
