"""session.entropy.SystemBits: the two random.Random methods sessions use."""

from __future__ import annotations

import pytest

from pyipmi_tools.session.entropy import SystemBits


def test_getrandbits_ranges():
    bits = SystemBits()
    values = [bits.getrandbits(k) for k in (1, 7, 8, 32, 128) for _ in range(50)]
    assert all(v >= 0 for v in values)
    assert max(bits.getrandbits(7) for _ in range(200)) < 128
    assert bits.getrandbits(0) == 0
    assert len({bits.getrandbits(128) for _ in range(20)}) == 20


def test_randrange_is_in_range_and_covers_it():
    bits = SystemBits()
    seen = {bits.randrange(5) for _ in range(500)}
    assert seen == {0, 1, 2, 3, 4}
    with pytest.raises(ValueError):
        bits.randrange(0)
    with pytest.raises(ValueError):
        bits.getrandbits(-1)
