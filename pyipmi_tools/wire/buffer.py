"""Bounds-checked reading of received bytes.

Every decoder in :mod:`pyipmi_tools.wire` reads through :class:`Reader` or, for a fixed
header on the per-packet path, a :class:`Layout`, so a short or malformed datagram always
surfaces as :class:`DecodeError` and never as ``IndexError`` or ``struct.error``.
"""

from __future__ import annotations

from _struct import Struct, calcsize  # the C module: struct.py costs start-up time


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

    # The fixed-size readers are written out: they are most of the calls a packet makes.
    def u8(self, what: str = "byte") -> int:
        pos = self._pos
        if pos >= self._end:
            raise DecodeError(f"truncated {what}: need 1 bytes, have {self.remaining}")
        self._pos = pos + 1
        return self._data[pos]

    def u16(self, what: str = "16-bit field") -> int:
        pos = self._pos
        if pos + 2 > self._end:
            raise DecodeError(f"truncated {what}: need 2 bytes, have {self.remaining}")
        self._pos = pos + 2
        return int.from_bytes(self._data[pos:pos + 2], "little")

    def u32(self, what: str = "32-bit field") -> int:
        pos = self._pos
        if pos + 4 > self._end:
            raise DecodeError(f"truncated {what}: need 4 bytes, have {self.remaining}")
        self._pos = pos + 4
        return int.from_bytes(self._data[pos:pos + 4], "little")

    def expect_end(self, what: str) -> None:
        if self.remaining:
            raise DecodeError(f"{self.remaining} unexpected trailing bytes after {what}")


class Layout:
    """Fixed little-endian fields, read with one ``_struct`` call after one length check.

    ``fields`` are (struct code, name) pairs in wire order.  ``x`` codes are reserved bytes,
    or byte strings the caller slices out (a slice keeps the input's type).  A :class:`Reader`
    makes a call per field, most of the decoding time on the per-packet path; :meth:`truncated`
    gives the error that field-by-field read raises, so short input is reported the same way.
    """

    __slots__ = ("size", "pack", "unpack_from", "_fields")

    def __init__(self, *fields: tuple[str, str]) -> None:
        layout = Struct("<" + "".join(code for code, _ in fields))
        self.size: int = layout.size
        self.pack = layout.pack                 # (*values) -> bytes
        self.unpack_from = layout.unpack_from   # (data, offset=0) -> values; unchecked
        self._fields = tuple((calcsize("<" + code), what) for code, what in fields)

    def unpack(self, data: bytes, start: int = 0) -> tuple:
        """The field values at ``start``; :class:`DecodeError` naming the first missing field."""
        if len(data) - start < self.size:
            raise self.truncated(data, start)
        return self.unpack_from(data, start)

    def truncated(self, data: bytes, start: int = 0) -> DecodeError:
        """The :class:`Reader` error for ``data`` ending before the layout does."""
        have = len(data) - start
        for size, what in self._fields:
            if size > have:
                return DecodeError(f"truncated {what}: need {size} bytes, have {have}")
            have -= size
        raise ValueError(f"{len(data) - start} bytes hold the whole layout")


def u32le(value: int) -> bytes:
    return (value & 0xFFFFFFFF).to_bytes(4, "little")
