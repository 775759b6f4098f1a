"""IPMI 1.5 session packets (IPMI 2.0 spec 13.6): layout, round trips, captured datagrams.

``RMCP header | auth type | session seq (4 LE) | session id (4 LE) | [authcode (16)] | length | message``
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyipmi_tools.crypto.authcode15 import AuthType, authcode15
from pyipmi_tools.wire.buffer import DecodeError
from pyipmi_tools.wire.lan15 import AUTH_TYPE_RMCPPLUS, Packet15, decode_packet15, encode_packet15
from pyipmi_tools.wire.message import decode_request, decode_response
from tests.support.captures import LAN15_MD2, LAN15_MD5

PASSWORD = b"password"

# The FreeIPMI <-> ipmi_sim IPMI 1.5 captures, -a MD5 and -a MD2 (tests/support/captures.py):
# UDP payloads, client -> BMC and back, in order.
V15_MD5 = [bytes.fromhex(h) for h in LAN15_MD5]
V15_MD2 = [bytes.fromhex(h) for h in LAN15_MD2]

AUTH_CAPS_MSG = bytes.fromhex("2018c8810c380e032a")


def test_unauthenticated_packet_bytes() -> None:
    expected = bytes.fromhex(
        "06 00 ff 07"        # RMCP
        "00"                 # auth type none
        "00 00 00 00"        # session sequence number
        "00 00 00 00"        # session ID
        "09"                 # message length (no authcode field)
    ) + AUTH_CAPS_MSG
    assert encode_packet15(0, 0, 0, b"", AUTH_CAPS_MSG) == expected
    assert expected == V15_MD5[0]


def test_authenticated_packet_bytes() -> None:
    code = bytes(range(16))
    msg = bytes.fromhex("2018c881183b0329")
    assert encode_packet15(2, 0xE3CC191C, 0x102, code, msg) == (
        bytes.fromhex("0600ff07 02 1c19cce3 02010000") + code + b"\x08" + msg)


def test_authcode_ignored_for_auth_type_none() -> None:
    assert encode_packet15(0, 1, 2, bytes(16), b"\x01") == bytes.fromhex("0600ff07 00 01000000 02000000 01 01")


@pytest.mark.parametrize("length", [0, 15, 17, 20])
def test_authcode_must_be_16_bytes(length: int) -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        encode_packet15(2, 0, 0, bytes(length), b"")


def test_sequence_and_id_are_masked_to_32_bits() -> None:
    assert encode_packet15(0, 0x1_0000_0002, 0x1_0000_0003, b"", b"")[5:13] == bytes.fromhex("02000000 03000000")


@given(auth=st.sampled_from([0, 1, 2, 4, 5]), seq=st.integers(0, 2**32 - 1), sid=st.integers(0, 2**32 - 1),
       code=st.binary(min_size=16, max_size=16), message=st.binary(max_size=255))
def test_round_trip(auth: int, seq: int, sid: int, code: bytes, message: bytes) -> None:
    packet = decode_packet15(encode_packet15(auth, seq, sid, code, message))
    assert packet == Packet15(auth, seq, sid, code if auth else b"", message)


def test_decode_captured_activate_session_request() -> None:
    packet = decode_packet15(V15_MD5[4])
    assert (packet.auth_type, packet.session_seq, packet.session_id) == (2, 0, 5)
    assert packet.authcode == bytes.fromhex("b3fa093447624f39771dd8799dab3d64")
    msg = decode_request(packet.message)
    assert (msg.netfn, msg.cmd) == (0x06, 0x3A)
    assert msg.data == bytes.fromhex("02 03 0190f0780a5d246ab80ed762afec2beb 01000000")


def test_decode_captured_activate_session_response() -> None:
    packet = decode_packet15(V15_MD5[5])
    assert (packet.auth_type, packet.session_seq, packet.session_id) == (2, 1, 5)
    msg = decode_response(packet.message)
    assert msg.completion_code == 0
    assert msg.data == bytes.fromhex("02 02010000 1c19cce3 03")


def test_decode_captured_in_session_packets() -> None:
    request = decode_packet15(V15_MD5[6])
    assert (request.auth_type, request.session_seq, request.session_id) == (2, 0xE3CC191C, 0x102)
    reply = decode_packet15(V15_MD5[7])
    # ipmi_sim answers the first in-session request with the Activate reply's sequence number (1)
    assert (reply.auth_type, reply.session_seq, reply.session_id) == (2, 1, 0x102)
    retry = decode_packet15(V15_MD5[9])
    assert retry.session_seq == 2


@pytest.mark.parametrize("capture, auth", [(V15_MD5, AuthType.MD5), (V15_MD2, AuthType.MD2)])
def test_captured_authcodes_verify_over_the_decoded_fields(capture: list[bytes], auth: AuthType) -> None:
    """The decoder splits exactly the fields FreeIPMI's authcode covers (IPMI 1.5 section 6.12.8)."""
    authenticated = 0
    for datagram in capture:
        packet = decode_packet15(datagram)
        assert encode_packet15(packet.auth_type, packet.session_seq, packet.session_id, packet.authcode,
                               packet.message) == datagram
        if packet.auth_type == 0:
            assert packet.authcode == b""
            continue
        assert packet.auth_type == auth
        assert authcode15(auth, PASSWORD, packet.session_id, packet.message, packet.session_seq) == packet.authcode
        authenticated += 1
    assert authenticated == 10


@pytest.mark.parametrize("capture", [V15_MD5, V15_MD2])
def test_captured_messages_have_valid_checksums(capture: list[bytes]) -> None:
    for i, datagram in enumerate(capture):
        message = decode_packet15(datagram).message
        (decode_request if i % 2 == 0 else decode_response)(message)


def test_legacy_pad_byte_is_ignored() -> None:
    assert decode_packet15(V15_MD5[1] + b"\x00") == decode_packet15(V15_MD5[1])


def test_auth_type_oem_carries_an_authcode() -> None:
    packet = decode_packet15(encode_packet15(5, 1, 2, b"\xaa" * 16, b"\x01\x02"))
    assert packet.authcode == b"\xaa" * 16


def test_rmcpplus_packet_is_rejected() -> None:
    assert AUTH_TYPE_RMCPPLUS == 0x06
    with pytest.raises(DecodeError, match=r"RMCP\+ \(IPMI 2.0\) packet"):
        decode_packet15(bytes.fromhex("0600ff07 06 11 00000000 00000000 0200 0000"))


@pytest.mark.parametrize("auth_type", [3, 7, 0x0F, 0x12, 0xFF])
def test_undefined_auth_types_are_rejected(auth_type: int) -> None:
    with pytest.raises(DecodeError, match=f"auth type {auth_type:#04x} is not defined"):
        decode_packet15(bytes.fromhex("0600ff07") + bytes((auth_type,)) + bytes(9))


@pytest.mark.parametrize("length, what", [
    (4, "auth type"),
    (6, "session sequence number"),
    (12, "session ID"),
    (20, "authcode"),
    (29, "message length"),
    (35, "IPMI message"),
])
def test_truncation_at_every_field(length: int, what: str) -> None:
    datagram = V15_MD5[5]  # authenticated: every field present
    with pytest.raises(DecodeError, match=f"truncated {what}"):
        decode_packet15(datagram[:length])


def test_message_length_beyond_datagram() -> None:
    datagram = bytearray(V15_MD5[1])
    datagram[13] += 1
    with pytest.raises(DecodeError, match="truncated IPMI message"):
        decode_packet15(bytes(datagram))


@pytest.mark.parametrize("bad", [b"", b"\x06\x00\xff", bytes.fromhex("0600ff06") + bytes(10),
                                 bytes.fromhex("0700ff07") + bytes(10)])
def test_bad_rmcp_header(bad: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_packet15(bad)
