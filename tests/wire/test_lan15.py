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

PASSWORD = b"password"

# tshark captures of `ipmipower --debug -D LAN -a MD5 / -a MD2 -u admin -p password --stat` against
# ipmi_sim (UDP payloads, client -> BMC and back, in order).
V15_MD5 = [bytes.fromhex(h) for h in (
    "0600ff07000000000000000000092018c8810c380e032a",
    "0600ff0700000000000000000010811c63200c3800011704000000000080",
    "0600ff07000000000000000000182018c88110390261646d696e00000000000000000000002b",
    "0600ff070000000000000000001c811c6320103900050000000190f0780a5d246ab80ed762afec2bebf4",
    "0600ff07020000000005000000b3fa093447624f39771dd8799dab3d641d2018c881143a02030190f0780a5d246ab80e"
    "d762afec2beb010000008d",
    "0600ff07020100000005000000696691db4881263622aa6ecd9a356a7012811c6320143a0002020100001c19cce303a6",
    "0600ff07021c19cce302010000c1d8459fdfa4244258958cc1218d2c88082018c881183b0329",
    "0600ff07020100000002010000c6350824ae7b963c2f9b47f1d179fefb09811c6320183b00038a",
    "0600ff07021d19cce302010000a56e591c5df8e5f9ad5df220da04d42f082018c8811c3b0325",
    "0600ff070202000000020100000d8c949f58f7bd498803bcb7c644e0d009811c63201c3b000386",
    "0600ff07021e19cce30201000044f7cf19252abecc63e3c7901c28cc7a072000e08120015e",
    "0600ff070203000000020100005703d0bf7a7f81d3614dc82e05f2777b0b81047b20200100000000bf",
    "0600ff07021f19cce302010000ac0921f3d8c8fcee26e55245166dee990b2018c881243c020100001c",
    "0600ff070204000000020100005bad5bf19b87f17ee4091fdaef7f741608811c6320243c0080",
)]
V15_MD2 = [bytes.fromhex(h) for h in (
    "0600ff07000000000000000000092018c881dc380e035a",
    "0600ff0700000000000000000010811c6320dc38000117040000000000b0",
    "0600ff07000000000000000000182018c881e0390161646d696e00000000000000000000005c",
    "0600ff070000000000000000001c811c6320e0390085000000aa217dc834429afe6745ca35d25adfe985",
    "0600ff07010000000085000000bca0c41a23b61a9834bccf6e18f721681d2018c881e43a0103aa217dc834429afe6745"
    "ca35d25adfe9010000009f",
    "0600ff07010100000085000000610c5a076df6d50ae2b33ffd3e071f1d12811c6320e43a000182010000ea7790a703a3",
    "0600ff0701ea7790a78201000034bb3695bd6327e54dc7207137924621082018c881e83b0359",
    "0600ff07010100000082010000aac4cee223b0519834a4401948be3b1709811c6320e83b0003ba",
    "0600ff0701eb7790a782010000b6adc0dc5d826efee7f176d4ad27ba9a082018c881ec3b0355",
    "0600ff07010200000082010000a795bc42098b99501af70c839122340209811c6320ec3b0003b6",
    "0600ff0701ec7790a7820100008c084e443b8d7b84b52764d9677690c8072000e081f0018e",
    "0600ff07010300000082010000838fb15c75beb9ae89f897c038da75470b81047b20f00100000000ef",
    "0600ff0701ed7790a782010000fee074077333fb61049536ced6a918ea0b2018c881f43c82010000cc",
    "0600ff0701040000008201000081081d673e76f8cd0bfa2826befdbc9208811c6320f43c00b0",
)]

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
