"""The inbound session-sequence-number window FreeIPMI applies to every BMC reply.

State is the highest number accepted so far plus a bitmap of which of the eight
numbers below it have been seen. A number equal to the highest is a duplicate; in
IPMI 2.0 zero is never valid. Numbers up to eight above move the window; numbers up to
eight below are accepted once each.
"""

from __future__ import annotations

WINDOW = 8
_MOD = 1 << 32


class SequenceWindow:
    __slots__ = ("highest", "seen", "_rmcpplus")

    def __init__(self, highest: int = 0, rmcpplus: bool = True) -> None:
        self.highest = highest & 0xFFFFFFFF
        self.seen = 0xFF  # bit i: number highest-1-i already seen (all "seen" at the start)
        self._rmcpplus = rmcpplus

    def check(self, seq: int) -> str | None:
        """Accept ``seq`` (updating the window) and return None, or return why it is dropped."""
        h = self.highest
        if self._rmcpplus and seq == 0:
            return f"session sequence number 0 outside window [h-8, h+8] with h={h} (0 is never valid in IPMI 2.0)"
        if seq == h:
            return f"session sequence number {seq} repeats the highest one seen (duplicate)"
        ahead = (seq - h) % _MOD
        behind = (h - seq) % _MOD
        if self._rmcpplus and ahead <= WINDOW + 1 and seq < h:
            ahead -= 1  # the 2.0 counter skips 0 when it wraps forwards ...
        if self._rmcpplus and behind <= WINDOW + 1 and seq > h and h < WINDOW:
            behind -= 1  # ... and when counting back across the wrap
        if 0 < ahead <= WINDOW:
            self.seen = ((self.seen << ahead) | (1 << (ahead - 1))) & 0xFF
            self.highest = seq
            return None
        if 0 < behind <= WINDOW:
            bit = 1 << (behind - 1)
            if self.seen & bit:
                return f"session sequence number {seq} already seen (duplicate within window [h-8, h] with h={h})"
            self.seen |= bit
            return None
        return f"session sequence number {seq} outside window [h-8, h+8] with h={h}"
