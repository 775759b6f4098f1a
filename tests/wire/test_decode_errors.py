"""The exact DecodeError text for every truncation and every early malformation.

The decoders read fixed headers in one piece for speed, but the message a short datagram gets
must stay the one a field-by-field read gives: the first field that does not fit, by the name
the field has here, with the bytes it needs and the bytes left.  Each layout below is written
from the spec's field order; every prefix of a real datagram is checked against it.
"""

from __future__ import annotations

import pytest

from pyipmi_tools.wire.buffer import DecodeError
from pyipmi_tools.wire.lan15 import decode_packet15
from pyipmi_tools.wire.message import decode_request, decode_response
from pyipmi_tools.wire.rmcp import strip_ipmi_header
from pyipmi_tools.wire.rmcpplus import (OpenSessionRequest, OpenSessionResponse, Rakp1, Rakp2, Rakp3, Rakp4,
                                        decode_packet20)
from tests.support.captures import LAN15_MD5, LAN20_SUITE3

S3 = [bytes.fromhex(h) for h in LAN20_SUITE3]
V15 = [bytes.fromhex(h) for h in LAN15_MD5]

Layout = list[tuple[str, int]]


def _expected(layout: Layout, have: int) -> str | None:
    """What a field-by-field read of ``have`` bytes reports: the first field that does not fit."""
    for what, size in layout:
        if size > have:
            return f"truncated {what}: need {size} bytes, have {have}"
        have -= size
    return None


def _error(decode: object, data: bytes) -> str:
    with pytest.raises(DecodeError) as caught:
        decode(data)  # type: ignore[operator]
    assert type(caught.value) is DecodeError
    return str(caught.value)


RMCP_SHORT = "datagram shorter than the RMCP header"
SESSION20 = [("auth type", 1), ("payload type", 1), ("session ID", 4), ("session sequence number", 4),
             ("payload length", 2)]


# --- RMCP+ packets -----------------------------------------------------------------------------

@pytest.mark.parametrize("datagram, authlen", [(S3[3], 0), (S3[5], 0), (S3[9], 12), (S3[10], 12)])
def test_packet20_every_prefix(datagram: bytes, authlen: int) -> None:
    length = int.from_bytes(datagram[14:16], "little")
    layout = SESSION20 + [("payload", length)]
    for n in range(len(datagram)):
        message = _error(lambda d: decode_packet20(d, authlen), datagram[:n])
        if n < 4:
            assert message == RMCP_SHORT
        elif n < 16 + length:
            assert message == _expected(layout, n - 4)
        elif n - 16 - length < 2 + authlen:
            assert message == (f"integrity trailer of {n - 16 - length} bytes is too short for a "
                               f"{authlen}-byte authcode")
        else:  # the trailer is cut: the authcode window slides over the pad bytes
            assert message.startswith("integrity trailer next header is 0x")
    assert decode_packet20(datagram, authlen).payload == datagram[16:16 + length]


@pytest.mark.parametrize("n", range(4, 16))
def test_packet20_checks_the_bytes_it_has_before_reporting_truncation(n: int) -> None:
    good = bytes.fromhex("0600ff07 06 c0 01020304 05060708 2000")
    assert _error(decode_packet20, good[:n]) == _expected(SESSION20, n - 4)
    if n >= 5:
        assert _error(decode_packet20, good[:4] + b"\x05" + good[5:n]) == \
            "not an RMCP+ packet (auth type is not 0x06)"
    if n >= 6:
        assert _error(decode_packet20, good[:5] + b"\xc2" + good[6:n]) == "OEM explicit payloads are not supported"
        assert _error(decode_packet20, good[:4] + b"\x00\x02" + good[6:n]) == \
            "not an RMCP+ packet (auth type is not 0x06)"  # auth type is read first


@pytest.mark.parametrize("header, message", [
    ("07 00 ff 07", "RMCP version 0x07, expected 0x06"),
    ("06 00 ff 06", "RMCP class 0x06 is not an IPMI message"),
    ("06 00 ff 87", "RMCP class 0x87 is not an IPMI message"),
    ("06 00 ff 08", "RMCP class 0x08 is not an IPMI message"),
])
@pytest.mark.parametrize("n", [4, 5, 15, 16, 52])
def test_packet20_rmcp_header_comes_first(header: str, message: str, n: int) -> None:
    datagram = (bytes.fromhex(header) + S3[3][4:])[:n]
    assert _error(decode_packet20, datagram) == message
    assert _error(strip_ipmi_header, datagram) == message


def test_packet20_accepts_reserved_rmcp_class_bits() -> None:
    datagram = bytearray(S3[3])
    datagram[3] = 0x67
    assert decode_packet20(bytes(datagram)).payload == decode_packet20(S3[3]).payload


@pytest.mark.parametrize("trailer, authlen, message", [
    ("ffff 02 06" + "aa" * 12, 12, "integrity trailer next header is 0x06, not 0x07"),
    ("ffff 01 07" + "aa" * 12, 12, "integrity pad is malformed (pad length 1, 2 pad bytes)"),
    ("ff00 02 07" + "aa" * 12, 12, "integrity pad is malformed (pad length 2, 2 pad bytes)"),
    ("ffffffffff 05 07" + "aa" * 12, 12, "integrity pad is malformed (pad length 5, 5 pad bytes)"),
    ("ffff 02 07" + "aa" * 16, 12, "integrity trailer next header is 0xaa, not 0x07"),
    ("07", 0, "integrity trailer of 1 bytes is too short for a 0-byte authcode"),
    ("", 20, "integrity trailer of 0 bytes is too short for a 20-byte authcode"),
])
def test_packet20_trailer_messages(trailer: str, authlen: int, message: str) -> None:
    head = bytes.fromhex("0600ff07 06 40 01000000 01000000 0800") + bytes(8)
    assert _error(lambda d: decode_packet20(d, authlen), head + bytes.fromhex(trailer)) == message


# --- IPMI 1.5 packets --------------------------------------------------------------------------

@pytest.mark.parametrize("datagram", [V15[0], V15[1], V15[4], V15[5]])
def test_packet15_every_prefix(datagram: bytes) -> None:
    authcode = 16 if datagram[4] else 0
    length = datagram[13 + authcode]
    layout = [("auth type", 1), ("session sequence number", 4), ("session ID", 4)]
    layout += [("authcode", 16)] if authcode else []
    layout += [("message length", 1), ("IPMI message", length)]
    for n in range(len(datagram)):
        message = _error(decode_packet15, datagram[:n])
        assert message == (RMCP_SHORT if n < 4 else _expected(layout, n - 4))


@pytest.mark.parametrize("n", range(5, 31))
def test_packet15_auth_type_is_checked_before_truncation(n: int) -> None:
    datagram = V15[5][:n]
    assert _error(decode_packet15, datagram[:4] + b"\x06" + datagram[5:]) == \
        "an RMCP+ (IPMI 2.0) packet where IPMI 1.5 was expected"
    assert _error(decode_packet15, datagram[:4] + b"\x03" + datagram[5:]) == "IPMI 1.5 auth type 0x03 is not defined"


@pytest.mark.parametrize("header, message", [
    ("05 00 ff 07", "RMCP version 0x05, expected 0x06"),
    ("06 00 ff 06", "RMCP class 0x06 is not an IPMI message"),
])
def test_packet15_rmcp_header_comes_first(header: str, message: str) -> None:
    for n in (4, 5, 20, len(V15[5])):
        assert _error(decode_packet15, (bytes.fromhex(header) + V15[5][4:])[:n]) == message


# --- IPMI messages -----------------------------------------------------------------------------

RESPONSE = bytes.fromhex("811c63204438000197040300000000c5")


@pytest.mark.parametrize("n", range(7))
def test_message_shorter_than_7(n: int) -> None:
    for decode in (decode_response, decode_request):
        assert _error(decode, RESPONSE[:n]) == f"IPMI message of {n} bytes is shorter than 7"
        assert _error(lambda d, decode=decode: decode(d, False), RESPONSE[:n]) == \
            f"IPMI message of {n} bytes is shorter than 7"


def test_message_checksum_messages() -> None:
    bad1 = bytes((0x81, 0x1C, 0x64)) + RESPONSE[3:]
    bad2 = RESPONSE[:-1] + b"\x00"
    for decode in (decode_response, decode_request):
        assert _error(decode, bad1) == "IPMI message checksum 1 is wrong"
        assert _error(decode, bad1[:-1] + b"\x00") == "IPMI message checksum 1 is wrong"  # checked first
        assert _error(decode, bad2) == "IPMI message checksum 2 is wrong"
    assert _error(decode_response, bytes.fromhex("811c632044 3864")) == "IPMI response has no completion code"
    assert _error(decode_response, bytes.fromhex("811c632044 3800")) == "IPMI message checksum 2 is wrong"
    assert _error(lambda d: decode_response(d, False), bytes.fromhex("811c632044 3800")) == \
        "IPMI response has no completion code"


# --- session-setup payloads --------------------------------------------------------------------

ALGORITHMS = [("algorithm payload", 8)] * 3
SETUP = [
    (OpenSessionResponse.decode, S3[3], [("tag", 1), ("status", 1), ("max privilege", 1), ("field", 1),
                                         ("remote console session ID", 4), ("managed system session ID", 4)]
     + ALGORITHMS),
    (Rakp2.decode, S3[5], [("tag", 1), ("status", 1), ("field", 2), ("remote console session ID", 4),
                           ("managed system random number", 16), ("managed system GUID", 16)]),
    (Rakp4.decode, S3[7], [("tag", 1), ("status", 1), ("field", 2), ("remote console session ID", 4)]),
    (OpenSessionRequest.decode, S3[2], [("byte", 1), ("byte", 1), ("field", 2), ("32-bit field", 4)] + ALGORITHMS),
    (Rakp1.decode, S3[4], [("byte", 1), ("field", 3), ("32-bit field", 4), ("console random number", 16),
                           ("byte", 1), ("field", 2), ("byte", 1), ("user name", 5)]),
    (Rakp3.decode, S3[6], [("byte", 1), ("byte", 1), ("field", 2), ("32-bit field", 4)]),
]


@pytest.mark.parametrize("decode, datagram, layout", SETUP, ids=[s[0].__qualname__ for s in SETUP])
def test_setup_payload_every_prefix(decode: object, datagram: bytes, layout: Layout) -> None:
    payload = decode_packet20(datagram).payload
    size = sum(n for _, n in layout)
    assert size <= len(payload)
    for n in range(size):
        assert _error(decode, payload[:n]) == _expected(layout, n)
    decode(payload[:size])  # type: ignore[operator]


@pytest.mark.parametrize("n", range(2, 40))
def test_setup_error_replies_of_every_length(n: int) -> None:
    """With a status other than 0 nothing is truncated: the ID is there (8 bytes or more) or it is not."""
    payload = bytes((7, 0x0D, 4, 0)) + (0x11223344).to_bytes(4, "little") + bytes(range(32))
    sid = 0x11223344 if n >= 8 else None
    assert OpenSessionResponse.decode(payload[:n]) == OpenSessionResponse(7, 0x0D, 4 if sid else 0, sid)
    assert Rakp2.decode(payload[:n]) == Rakp2(7, 0x0D, sid)
    assert Rakp4.decode(payload[:n]) == Rakp4(7, 0x0D, sid, payload[8:n])  # the rest kept, as on success


def test_setup_payload_malformations() -> None:
    open_response = decode_packet20(S3[3]).payload
    for record_start, kind in ((12, 0), (20, 1), (28, 2)):
        bad = bytearray(open_response)
        bad[record_start] = 9
        assert _error(OpenSessionResponse.decode, bytes(bad)) == f"algorithm payload type 9 where {kind} was expected"
        assert _error(OpenSessionResponse.decode, bytes(bad[:record_start + 8])) == \
            f"algorithm payload type 9 where {kind} was expected"
    rakp1 = bytearray(decode_packet20(S3[4]).payload)
    rakp1[27] = 17
    assert _error(Rakp1.decode, bytes(rakp1[:28])) == "user name length 17 exceeds 16"
