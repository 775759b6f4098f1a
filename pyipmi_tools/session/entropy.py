"""Random numbers for sessions from the operating system, without importing :mod:`random`.

A session needs a few unpredictable values (console session ID, RAKP random number,
AES IVs, the first sequence numbers): ``os.urandom`` supplies them.  :mod:`random` would
add a millisecond or two of start-up for the same thing (``random.SystemRandom``).
Tests pass a seeded ``random.Random`` instead; both offer these two methods.

The bytes are fetched a few kilobytes at a time and handed out once each: a session
wants about seven small values, and where system calls are dear (a sandboxed kernel) one
``getrandom`` per value cost more than a tenth of a fan-out run.  The pool is emptied in
a forked child, so parent and child never hand out the same bytes.
"""

from __future__ import annotations

from posix import register_at_fork

from ..posixio import urandom

_POOL_SIZE = 4096


class _Pool:
    __slots__ = ("data", "used")

    def __init__(self) -> None:
        self.data = b""
        self.used = 0

    def take(self, count: int) -> bytes:
        """``count`` fresh bytes, each handed out once."""
        used = self.used
        end = used + count
        if end > len(self.data):
            self.data = urandom(max(_POOL_SIZE, count))
            used, end = 0, count
        self.used = end
        return self.data[used:end]

    def forget(self) -> None:
        self.data = b""
        self.used = 0


_POOL = _Pool()
register_at_fork(after_in_child=_POOL.forget)


class SystemBits:
    """``getrandbits`` and ``randrange`` from ``os.urandom``, as ``random.SystemRandom`` has them."""

    __slots__ = ()

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        return int.from_bytes(_POOL.take((k + 7) // 8), "big") >> (-k % 8)

    def randrange(self, stop: int) -> int:
        """A uniform integer in ``[0, stop)``, by rejection sampling."""
        if stop <= 0:
            raise ValueError("empty range for randrange()")
        bits = stop.bit_length()
        while True:
            value = self.getrandbits(bits)
            if value < stop:
                return value
