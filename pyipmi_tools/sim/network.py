"""A lossy, slow network between a simulated BMC and its clients (outgoing replies only).

:class:`Impairment` turns the replies the BMC wants to send now into a schedule of
``(send_at, datagram)`` pairs: some are lost, duplicated, held back so that later ones
overtake them, or corrupted, and all are delayed by a fixed amount. A seeded
``random.Random`` makes every run reproducible.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable

from .quirks import Quirks

REORDER_HOLD = (0.05, 0.25)
"""Range (seconds) of the extra delay of a reordered reply."""

DUPLICATE_GAP = 0.001
"""Seconds between a reply and its duplicate."""


class Impairment:
    """Loss, duplication, reordering and corruption percentages plus a fixed delay."""

    def __init__(self, loss: float = 0.0, duplicate: float = 0.0, reorder: float = 0.0, corrupt: float = 0.0,
                 delay: float = 0.0, rng: random.Random | None = None) -> None:
        for name, pct in (("loss", loss), ("duplicate", duplicate), ("reorder", reorder), ("corrupt", corrupt)):
            if not 0.0 <= pct <= 100.0:
                raise ValueError(f"{name} percentage {pct} is outside 0..100")
        if delay < 0:
            raise ValueError(f"delay {delay} is negative")
        self.loss, self.duplicate, self.reorder, self.corrupt = loss, duplicate, reorder, corrupt
        self.delay = delay
        self.rng = rng or random.Random()
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_quirks(cls, quirks: Quirks, rng: random.Random | None = None) -> Impairment:
        return cls(quirks.loss, quirks.duplicate, quirks.reorder, quirks.corrupt, quirks.slow, rng)

    @property
    def active(self) -> bool:
        return bool(self.loss or self.duplicate or self.reorder or self.corrupt or self.delay)

    def _hit(self, pct: float) -> bool:
        return pct > 0 and self.rng.random() * 100.0 < pct

    def apply(self, datagrams: Iterable[bytes], now: float) -> list[tuple[float, bytes]]:
        """The schedule for ``datagrams`` produced at ``now``, sorted by send time."""
        if not self.active:
            return [(now, d) for d in datagrams]
        out: list[tuple[float, bytes]] = []
        for datagram in datagrams:
            self.counts["replies"] += 1
            if self._hit(self.loss):
                self.counts["lost"] += 1
                continue
            if self._hit(self.corrupt) and datagram:
                datagram = self._flip_bit(datagram)
                self.counts["corrupted"] += 1
            send_at = now + self.delay
            if self._hit(self.reorder):
                send_at += self.rng.uniform(*REORDER_HOLD)
                self.counts["reordered"] += 1
            out.append((send_at, datagram))
            if self._hit(self.duplicate):
                out.append((send_at + DUPLICATE_GAP, datagram))
                self.counts["duplicated"] += 1
        out.sort(key=lambda item: item[0])
        return out

    def _flip_bit(self, datagram: bytes) -> bytes:
        data = bytearray(datagram)
        data[self.rng.randrange(len(data))] ^= 1 << self.rng.randrange(8)
        return bytes(data)
