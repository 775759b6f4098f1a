"""The bounds-checked Reader: every overrun is a DecodeError, never IndexError."""

from __future__ import annotations

import pytest

from pyipmi_tools.wire.buffer import DecodeError, Layout, Reader, u32le


def test_decode_error_is_a_value_error() -> None:
    assert issubclass(DecodeError, ValueError)


def test_integers_are_little_endian() -> None:
    r = Reader(bytes.fromhex("01 3412 78563412"))
    assert r.u8() == 0x01
    assert r.u16() == 0x1234
    assert r.u32() == 0x12345678
    assert r.remaining == 0


def test_take_and_rest() -> None:
    r = Reader(b"abcdef")
    assert r.take(2) == b"ab"
    assert r.remaining == 4
    assert r.rest() == b"cdef"
    assert r.remaining == 0
    assert r.rest() == b""
    assert r.take(0) == b""


def test_start_and_end_bound_the_window() -> None:
    r = Reader(b"0123456789", start=2, end=5)
    assert r.remaining == 3
    assert r.take(3) == b"234"
    with pytest.raises(DecodeError):
        r.u8()


@pytest.mark.parametrize("method, size", [("u8", 1), ("u16", 2), ("u32", 4)])
def test_short_integer_reads_raise(method: str, size: int) -> None:
    r = Reader(bytes(size - 1))
    with pytest.raises(DecodeError, match=f"need {size} bytes, have {size - 1}"):
        getattr(r, method)()


def test_take_beyond_end_names_the_field_and_does_not_advance() -> None:
    r = Reader(b"\x01\x02\x03")
    with pytest.raises(DecodeError, match="truncated session ID: need 4 bytes, have 3"):
        r.take(4, "session ID")
    assert r.remaining == 3  # a failed take consumes nothing
    assert r.take(3) == b"\x01\x02\x03"


def test_negative_take_raises() -> None:
    with pytest.raises(DecodeError):
        Reader(b"abc").take(-1)


def test_what_argument_appears_in_errors() -> None:
    with pytest.raises(DecodeError, match="truncated auth type"):
        Reader(b"").u8("auth type")
    with pytest.raises(DecodeError, match="truncated payload length"):
        Reader(b"\x00").u16("payload length")
    with pytest.raises(DecodeError, match="truncated session sequence number"):
        Reader(b"\x00\x00").u32("session sequence number")


def test_expect_end() -> None:
    r = Reader(b"\x01\x02")
    r.u8()
    with pytest.raises(DecodeError, match="1 unexpected trailing bytes after header"):
        r.expect_end("header")
    r.u8()
    r.expect_end("header")  # nothing left: no error


def test_empty_reader() -> None:
    r = Reader(b"")
    assert r.remaining == 0
    with pytest.raises(DecodeError):
        r.u8()


def test_u32le() -> None:
    assert u32le(0) == b"\x00\x00\x00\x00"
    assert u32le(0x5B720825) == bytes.fromhex("2508725b")
    assert u32le(0xFFFFFFFF) == b"\xff\xff\xff\xff"
    assert u32le(0x1_0000_0001) == b"\x01\x00\x00\x00"  # masked to 32 bits
    assert u32le(-1) == b"\xff\xff\xff\xff"


# --- Layout: fixed fields in one unpack, with Reader's error for short input ----------------

FIELDS = (("B", "tag"), ("2x", "reserved"), ("I", "session ID"), ("16x", "random number"), ("H", "length"))
LAYOUT = Layout(*FIELDS)


def _read_field_by_field(data: bytes) -> None:
    r = Reader(data)
    r.u8("tag")
    r.take(2, "reserved")
    r.u32("session ID")
    r.take(16, "random number")
    r.u16("length")


def test_layout_size_and_values() -> None:
    assert LAYOUT.size == 25
    data = bytes.fromhex("07 aaaa 04030201") + bytes(16) + bytes.fromhex("3412")
    assert LAYOUT.unpack(data) == (7, 0x01020304, 0x1234)
    assert LAYOUT.unpack(b"\xff\xff" + data + b"tail", 2) == (7, 0x01020304, 0x1234)
    assert LAYOUT.unpack_from(data) == (7, 0x01020304, 0x1234)
    assert LAYOUT.pack(7, 0x01020304, 0x1234) == bytes.fromhex("07 0000 04030201") + bytes(16) + bytes.fromhex("3412")


@pytest.mark.parametrize("start", [0, 3])
def test_layout_truncation_is_reported_as_reader_reports_it(start: int) -> None:
    data = bytes(range(start + LAYOUT.size))
    for end in range(start, len(data)):
        with pytest.raises(DecodeError) as expected:
            _read_field_by_field(data[start:end])
        with pytest.raises(DecodeError) as got:
            LAYOUT.unpack(data[:end], start)
        assert str(got.value) == str(expected.value)
        assert str(LAYOUT.truncated(data[:end], start)) == str(expected.value)


def test_layout_accepts_bytearray_and_memoryview() -> None:
    data = bytes(range(LAYOUT.size))
    assert LAYOUT.unpack(bytearray(data)) == LAYOUT.unpack(memoryview(data)) == LAYOUT.unpack(data)


def test_layout_truncated_is_only_for_short_input() -> None:
    with pytest.raises(ValueError, match="hold the whole layout"):
        LAYOUT.truncated(bytes(LAYOUT.size))
