"""The reply impairment layer: loss, duplication, reordering, corruption and delay."""

from __future__ import annotations

import random

import pytest

from pyipmi_tools.sim.network import DUPLICATE_GAP, REORDER_HOLD, Impairment
from pyipmi_tools.sim.quirks import parse_quirks

REPLIES = [bytes((i,)) * 20 for i in range(200)]


def test_no_impairment_sends_everything_now_untouched() -> None:
    imp = Impairment()
    assert not imp.active
    assert imp.apply([b"a", b"b"], 5.0) == [(5.0, b"a"), (5.0, b"b")]


def test_delay_holds_every_reply() -> None:
    imp = Impairment(delay=0.75)
    assert imp.apply([b"a", b"b"], 10.0) == [(10.75, b"a"), (10.75, b"b")]


def test_total_loss_and_no_loss() -> None:
    assert Impairment(loss=100, rng=random.Random(1)).apply(REPLIES, 0.0) == []
    imp = Impairment(loss=100, rng=random.Random(1))
    imp.apply(REPLIES, 0.0)
    assert imp.counts["lost"] == len(REPLIES)


def test_loss_percentage_is_roughly_honoured_and_seeded() -> None:
    a = Impairment(loss=30, rng=random.Random(42)).apply(REPLIES * 10, 0.0)
    b = Impairment(loss=30, rng=random.Random(42)).apply(REPLIES * 10, 0.0)
    assert a == b
    assert 0.6 < len(a) / 2000 < 0.8


def test_duplicates_follow_their_original() -> None:
    out = Impairment(duplicate=100, rng=random.Random(3)).apply([b"x", b"y"], 1.0)
    assert out == [(1.0, b"x"), (1.0, b"y"), (1.0 + DUPLICATE_GAP, b"x"), (1.0 + DUPLICATE_GAP, b"y")]


def test_reordered_replies_are_overtaken() -> None:
    imp = Impairment(reorder=50, rng=random.Random(9))
    out = imp.apply(REPLIES, 0.0)
    assert sorted(d for _, d in out) == sorted(REPLIES)
    assert [d for _, d in out] != REPLIES
    held = [t for t, _ in out if t > 0]
    assert held and all(REORDER_HOLD[0] <= t <= REORDER_HOLD[1] for t in held)
    assert imp.counts["reordered"] == len(held)
    assert [t for t, _ in out] == sorted(t for t, _ in out)


def test_corruption_flips_exactly_one_bit() -> None:
    out = Impairment(corrupt=100, rng=random.Random(5)).apply(REPLIES, 0.0)
    for (_, got), sent in zip(out, REPLIES):
        diff = [a ^ b for a, b in zip(got, sent)]
        assert sum(x.bit_count() for x in diff) == 1


def test_from_quirks_takes_percentages_and_slow_delay() -> None:
    imp = Impairment.from_quirks(parse_quirks(["slow"], loss=5, duplicate=6, reorder=7, corrupt=8))
    assert (imp.loss, imp.duplicate, imp.reorder, imp.corrupt) == (5, 6, 7, 8)
    assert imp.delay == pytest.approx(0.3)


@pytest.mark.parametrize("kw", [{"loss": -1}, {"duplicate": 101}, {"reorder": 200}, {"corrupt": -0.1},
                                {"delay": -1}])
def test_out_of_range_values_are_refused(kw: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Impairment(**kw)
