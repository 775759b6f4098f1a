"""A bounds-checked cursor over received bytes.

Every decoder in :mod:`pyipmi_tools.wire` reads through :class:`Reader`, so a
short or malformed datagram always surfaces as :class:`DecodeError` and never
as ``IndexError`` or ``struct.error``.
"""

from __future__ import annotations


class DecodeError(ValueError):
    """A datagram does not have the structure its decoder expects."""


class Reader:
    """Sequential little-endian reader that raises :class:`DecodeError` on overrun."""

    __slots__ = ("_data", "_pos", "_end")

    def __init__(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        self._data = data
        self._pos = start
        self._end = len(data) if end is None else end

    @property
    def remaining(self) -> int:
        return self._end - self._pos

    def take(self, n: int, what: str = "field") -> bytes:
        if n < 0 or self._pos + n > self._end:
            raise DecodeError(f"truncated {what}: need {n} bytes, have {self.remaining}")
        chunk = self._data[self._pos:self._pos + n]
        self._pos += n
        return chunk

    def rest(self) -> bytes:
        return self.take(self.remaining)

    def u8(self, what: str = "byte") -> int:
        return self.take(1, what)[0]

    def u16(self, what: str = "16-bit field") -> int:
        return int.from_bytes(self.take(2, what), "little")

    def u32(self, what: str = "32-bit field") -> int:
        return int.from_bytes(self.take(4, what), "little")

    def expect_end(self, what: str) -> None:
        if self.remaining:
            raise DecodeError(f"{self.remaining} unexpected trailing bytes after {what}")


def u32le(value: int) -> bytes:
    return (value & 0xFFFFFFFF).to_bytes(4, "little")
