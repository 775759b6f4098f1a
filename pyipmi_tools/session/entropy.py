"""Random numbers for sessions from the operating system, without importing :mod:`random`.

A session needs a few unpredictable values (console session ID, RAKP random number,
AES IVs, the first sequence numbers): ``os.urandom`` supplies them.  :mod:`random` would
add a millisecond or two of start-up for the same thing (``random.SystemRandom``).
Tests pass a seeded ``random.Random`` instead; both offer these two methods.
"""

from __future__ import annotations

from ..posixio import urandom


class SystemBits:
    """``getrandbits`` and ``randrange`` from ``os.urandom``, as ``random.SystemRandom`` has them."""

    __slots__ = ()

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        return int.from_bytes(urandom((k + 7) // 8), "big") >> (-k % 8)

    def randrange(self, stop: int) -> int:
        """A uniform integer in ``[0, stop)``, by rejection sampling."""
        if stop <= 0:
            raise ValueError("empty range for randrange()")
        bits = stop.bit_length()
        while True:
            value = self.getrandbits(bits)
            if value < stop:
                return value
