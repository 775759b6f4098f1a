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


def test_pool_hands_out_each_byte_once_across_refills(monkeypatch):
    from pyipmi_tools.session import entropy

    fetched = []

    def fake_urandom(count):
        block = bytes((len(fetched) * 7 + i) % 256 for i in range(count))
        fetched.append(block)
        return block

    monkeypatch.setattr(entropy, "urandom", fake_urandom)
    monkeypatch.setattr(entropy, "_POOL", entropy._Pool())
    monkeypatch.setattr(entropy, "_POOL_SIZE", 40)
    bits = SystemBits()
    handed = b"".join(bits.getrandbits(128).to_bytes(16, "big") for _ in range(4))
    assert len(fetched) == 2 and all(len(b) == 40 for b in fetched)
    # The last 8 bytes of each 40-byte fetch cannot hold a 16-byte value and are dropped, never reused.
    assert handed == fetched[0][:32] + fetched[1][:32]
    assert bits.getrandbits(8 * 100).to_bytes(100, "big") == fetched[-1]      # larger than the pool


def test_forked_child_does_not_repeat_the_parents_values():
    import os

    bits = SystemBits()
    bits.getrandbits(8)                      # the pool now holds unused bytes
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:                             # child: report one value, leave at once
        os.close(read_end)
        os.write(write_end, bits.getrandbits(128).to_bytes(16, "big"))
        os._exit(0)
    os.close(write_end)
    child_value = os.read(read_end, 16)
    os.close(read_end)
    os.waitpid(pid, 0)
    assert len(child_value) == 16
    assert child_value != bits.getrandbits(128).to_bytes(16, "big")
