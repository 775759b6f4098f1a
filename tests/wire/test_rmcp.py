"""RMCP framing and the ASF presence ping / pong (DMTF ASF 2.0, reference section 6.1)."""

from __future__ import annotations

import pytest

from pyipmi_tools.wire.buffer import DecodeError
from pyipmi_tools.wire.rmcp import (ASF_IANA, IPMI_HEADER, PresencePong, decode_presence_ping,
                                    decode_presence_pong, encode_presence_ping, encode_presence_pong,
                                    strip_ipmi_header)


def test_ipmi_header_bytes() -> None:
    # version 6, reserved, sequence 0xFF (no ACK), class 7 (IPMI)
    assert IPMI_HEADER == bytes.fromhex("06 00 ff 07")


def test_asf_iana() -> None:
    assert ASF_IANA.to_bytes(4, "big") == bytes.fromhex("00 00 11 be")


def test_presence_ping_bytes() -> None:
    assert encode_presence_ping(0x2A) == bytes.fromhex("06 00 ff 06  00 00 11 be  80 2a 00 00")
    assert encode_presence_ping(0) == bytes.fromhex("06 00 ff 06  00 00 11 be  80 00 00 00")
    assert encode_presence_ping(0x1FF)[9] == 0xFF  # tag masked to a byte


@pytest.mark.parametrize("tag", [0, 1, 0x7F, 0xFF])
def test_presence_ping_round_trip(tag: int) -> None:
    assert decode_presence_ping(encode_presence_ping(tag)) == tag


@pytest.mark.parametrize("bad", [
    b"",
    bytes.fromhex("06 00 ff 06 00 00 11 be 80"),        # 9 bytes: short
    bytes.fromhex("05 00 ff 06 00 00 11 be 80 01 00 00"),  # RMCP version 5
    bytes.fromhex("06 00 ff 07 00 00 11 be 80 01 00 00"),  # class IPMI
    bytes.fromhex("06 00 ff 06 00 00 11 bf 80 01 00 00"),  # wrong IANA
    bytes.fromhex("06 00 ff 06 00 00 11 be 40 01 00 00"),  # a pong, not a ping
])
def test_presence_ping_rejects(bad: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_presence_ping(bad)


def test_presence_pong_bytes() -> None:
    expected = bytes.fromhex(
        "06 00 ff 06"           # RMCP header, class ASF
        "00 00 11 be"           # IANA 4542
        "40 07 00 10"           # type pong, tag 7, reserved, data length 16
        "00 00 11 be"           # IANA again (pong data)
        "00 00 00 00"           # OEM-defined
        "81"                    # supported entities: IPMI supported, ASF 1.0
        "00"                    # supported interactions
        "00 00 00 00 00 00"     # reserved
    )
    assert encode_presence_pong(7) == expected
    assert encode_presence_pong(7, ipmi_supported=False)[20] == 0x01


@pytest.mark.parametrize("tag", [0, 5, 0xFF])
@pytest.mark.parametrize("supported", [True, False])
def test_presence_pong_round_trip(tag: int, supported: bool) -> None:
    assert decode_presence_pong(encode_presence_pong(tag, supported)) == PresencePong(tag, supported)


def test_presence_pong_tag_is_reported_not_checked() -> None:
    # FreeIPMI does not check the pong's message tag; the decoder just reports it.
    assert decode_presence_pong(encode_presence_pong(0x99)).tag == 0x99


def test_presence_pong_ignores_class_high_bits_and_trailing_bytes() -> None:
    pong = bytearray(encode_presence_pong(1))
    pong[3] = 0x06 | 0x60  # reserved class bits
    assert decode_presence_pong(bytes(pong) + b"\x00\x00").ipmi_supported


def _pong_with(**changes: int) -> bytes:
    pong = bytearray(encode_presence_pong(3))
    for index, value in changes.items():
        pong[int(index[1:])] = value
    return bytes(pong)


@pytest.mark.parametrize("bad, message", [
    (b"", "truncated RMCP header"),
    (bytes.fromhex("06 00 ff"), "truncated RMCP header"),
    (_pong_with(b0=0x07), "not an RMCP ASF message"),
    (_pong_with(b3=0x07), "not an RMCP ASF message"),
    (encode_presence_pong(3)[:6], "truncated IANA"),
    (_pong_with(b7=0xBF), "IANA enterprise number is not 4542"),
    (encode_presence_pong(3)[:10], "truncated ASF header"),
    (_pong_with(b8=0x80), "is not a presence pong"),
    (encode_presence_pong(3)[:27], "truncated presence pong data"),
    (_pong_with(b11=8)[:20], "presence pong data shorter than 9 bytes"),
])
def test_presence_pong_rejects(bad: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        decode_presence_pong(bad)


def test_strip_ipmi_header() -> None:
    assert strip_ipmi_header(IPMI_HEADER + b"\x06\x10") == b"\x06\x10"
    assert strip_ipmi_header(IPMI_HEADER) == b""
    assert strip_ipmi_header(bytes.fromhex("06 00 ff 67") + b"x") == b"x"  # reserved bits 6:5 ignored


@pytest.mark.parametrize("bad, message", [
    (b"", "shorter than the RMCP header"),
    (bytes.fromhex("06 00 ff"), "shorter than the RMCP header"),
    (bytes.fromhex("07 00 ff 07"), "RMCP version 0x07"),
    (bytes.fromhex("06 00 ff 06 00"), "RMCP class 0x06 is not an IPMI message"),
    (bytes.fromhex("06 00 ff 87 00"), "RMCP class 0x87"),  # an RMCP ACK
])
def test_strip_ipmi_header_rejects(bad: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        strip_ipmi_header(bad)
