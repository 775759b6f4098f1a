"""RMCP+ (IPMI 2.0) packets and session-setup payloads: byte layouts, the integrity trailer,
short error replies, and real datagrams captured from FreeIPMI 1.6.10 talking to ipmi_sim.

Packet: ``RMCP | 0x06 | payload type | session id | session seq | length (2) | payload
| [0xFF pad | pad length | next header 0x07 | authcode]``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyipmi_tools.crypto import rakp
from pyipmi_tools.crypto.confidentiality import decrypt_payload
from pyipmi_tools.crypto.integrity import integrity_authcode
from pyipmi_tools.crypto.suites import INTEGRITY_AUTHCODE_LEN, cipher_suite
from pyipmi_tools.wire.buffer import DecodeError
from pyipmi_tools.wire.message import decode_request, decode_response
from pyipmi_tools.wire.rmcpplus import (AUTH_TYPE_RMCPPLUS, AUTHENTICATED, ENCRYPTED, NEXT_HEADER,
                                        OpenSessionRequest, OpenSessionResponse, Packet20, PayloadType,
                                        Rakp1, Rakp2, Rakp3, Rakp4, RmcpPlusStatus, decode_packet20,
                                        encode_packet20, status_name)
from tests.support.captures import LAN20_SUITE2, LAN20_SUITE3, LAN20_SUITE11

PASSWORD = b"password"
IPMI_HEADER_LEN = 4


def _hex(*lines: str) -> list[bytes]:
    return [bytes.fromhex(line) for line in lines]


# The FreeIPMI <-> ipmi_sim RMCP+ captures of suites 2, 3 and 11 (tests/support/captures.py):
# Auth Caps, Open Session, RAKP 1-4, then Set Session Privilege, Get Chassis Status and Close
# Session with their replies (UDP payloads, in order).
S2 = _hex(*LAN20_SUITE2)
S3 = _hex(*LAN20_SUITE3)
S11 = _hex(*LAN20_SUITE11)
CAPTURES = {2: S2, 3: S3, 11: S11}


def _covered(datagram: bytes, authcode_len: int) -> bytes:
    """Bytes the integrity authcode covers: auth type .. next header."""
    return datagram[4:len(datagram) - authcode_len]


# --- packet layout -----------------------------------------------------------------------

def test_constants() -> None:
    assert (AUTH_TYPE_RMCPPLUS, NEXT_HEADER, ENCRYPTED, AUTHENTICATED) == (0x06, 0x07, 0x80, 0x40)
    assert [int(p) for p in PayloadType] == [0x00, 0x01, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15]


def test_unauthenticated_packet_bytes() -> None:
    payload = bytes.fromhex("b1030000e9e1a2a8000000080100000001000008010000000200000801000000")
    expected = bytes.fromhex(
        "06 00 ff 07"      # RMCP
        "06"               # auth type RMCP+
        "10"               # payload type Open Session Request, not encrypted, not authenticated
        "00 00 00 00"      # session ID
        "00 00 00 00"      # session sequence number
        "20 00"            # payload length 32, little-endian
    ) + payload
    assert encode_packet20(PayloadType.OPEN_SESSION_REQUEST, 0, 0, payload) == expected
    assert expected == S3[2]


def test_session_id_and_sequence_are_little_endian() -> None:
    raw = encode_packet20(0, 0x04030201, 0x08070605, b"")
    assert raw[6:16] == bytes.fromhex("01020304 05060708 0000")


def test_encrypted_flag_without_integrity() -> None:
    raw = encode_packet20(0, 1, 1, b"\x00" * 32, encrypted=True)
    assert raw[5] == 0x80
    packet = decode_packet20(raw)
    assert packet.encrypted and not packet.authenticated and packet.authcode == b""


def test_signed_packet_bytes_from_capture() -> None:
    """Suite 2 Set Session Privilege request: 8-byte message, 2 pad bytes, 12-byte authcode."""
    datagram = S2[8]
    authcode = datagram[-12:]
    message = bytes.fromhex("2018c881103b0331")
    seen: list[bytes] = []

    def sign(covered: bytes) -> bytes:
        seen.append(covered)
        return authcode

    raw = encode_packet20(PayloadType.IPMI, 0x0202, 1, message, sign=sign)
    assert raw == datagram
    assert raw == (bytes.fromhex("0600ff07 06 40 02020000 01000000 0800") + message
                   + bytes.fromhex("ffff 02 07") + authcode)
    assert seen == [_covered(datagram, 12)]


@pytest.mark.parametrize("length, pad", [(0, 2), (1, 1), (2, 0), (3, 3), (4, 2), (5, 1), (6, 0), (7, 3),
                                         (8, 2), (9, 1), (10, 0), (11, 3), (32, 2), (33, 1)])
def test_integrity_pad_rules(length: int, pad: int) -> None:
    """Pad with 0xFF so auth type .. next header is a multiple of 4; then pad length, next header 0x07."""
    covered: list[bytes] = []

    def sign(data: bytes) -> bytes:
        covered.append(data)
        return b"\xaa" * 12

    payload = bytes(range(length))
    raw = encode_packet20(0, 7, 9, payload, encrypted=True, sign=sign)
    signed = covered[0]
    assert len(signed) % 4 == 0
    assert len(signed) == 12 + length + pad + 2
    assert signed == raw[4:-12]
    assert signed[12 + length:] == b"\xff" * pad + bytes((pad, 0x07))
    assert raw[5] == 0xC0  # encrypted | authenticated
    packet = decode_packet20(raw, 12)
    assert packet == Packet20(0, True, True, 7, 9, payload, signed=signed, authcode=b"\xaa" * 12,
                              pad=b"\xff" * pad)


@given(ptype=st.sampled_from(list(PayloadType)), sid=st.integers(0, 2**32 - 1), seq=st.integers(0, 2**32 - 1),
       payload=st.binary(max_size=80), encrypted=st.booleans(), authlen=st.sampled_from([0, 12, 16, 20]))
def test_round_trip(ptype: int, sid: int, seq: int, payload: bytes, encrypted: bool, authlen: int) -> None:
    code = bytes(range(authlen))
    raw = encode_packet20(ptype, sid, seq, payload, encrypted, sign=lambda covered: code)
    packet = decode_packet20(raw, authlen)
    assert (packet.payload_type, packet.encrypted, packet.authenticated) == (ptype, encrypted, True)
    assert (packet.session_id, packet.session_seq, packet.payload, packet.authcode) == (sid, seq, payload, code)
    assert IPMI_HEADER_LEN + len(packet.signed) + authlen == len(raw)
    plain = decode_packet20(encode_packet20(ptype, sid, seq, payload, encrypted), authlen)
    assert plain == Packet20(ptype, encrypted, False, sid, seq, payload)



# --- integrity trailer rejections ---------------------------------------------------------

def _signed_packet(payload_len: int = 8, authlen: int = 12) -> bytearray:
    return bytearray(encode_packet20(0, 1, 1, bytes(payload_len), sign=lambda c: b"\xaa" * authlen))


def test_wrong_next_header_is_rejected() -> None:
    raw = _signed_packet()
    raw[-13] = 0x06
    with pytest.raises(DecodeError, match="next header is 0x06, not 0x07"):
        decode_packet20(bytes(raw), 12)


def test_pad_byte_other_than_ff_is_rejected() -> None:
    raw = _signed_packet()
    raw[-16] = 0x00  # first of the two pad bytes
    with pytest.raises(DecodeError, match="integrity pad is malformed"):
        decode_packet20(bytes(raw), 12)


def test_pad_length_disagreeing_with_pad_bytes_is_rejected() -> None:
    raw = _signed_packet()
    raw[-14] = 1  # says 1 pad byte, there are 2
    with pytest.raises(DecodeError, match=r"pad length 1, 2 pad bytes"):
        decode_packet20(bytes(raw), 12)


def test_four_pad_bytes_are_accepted_five_are_not() -> None:
    """FreeIPMI's ipmi_rmcpplus_check_integrity_pad allows a pad length up to 4 (reference 6.3)."""
    head = bytes.fromhex("0600ff07 06 40 01000000 01000000 0200 aabb")
    code = b"\xcc" * 12
    packet = decode_packet20(head + b"\xff" * 4 + bytes((4, 7)) + code, 12)
    assert packet.pad == b"\xff" * 4 and packet.authcode == code
    with pytest.raises(DecodeError, match="integrity pad is malformed"):
        decode_packet20(head + b"\xff" * 5 + bytes((5, 7)) + code, 12)


def test_missing_pad_accepted_when_length_says_zero() -> None:
    head = bytes.fromhex("0600ff07 06 40 01000000 01000000 0200 aabb")
    assert decode_packet20(head + bytes((0, 7)), 0).pad == b""


@pytest.mark.parametrize("authlen", [0, 12, 16])
def test_trailer_too_short_for_the_authcode(authlen: int) -> None:
    raw = bytes(_signed_packet(8, authlen))
    header_and_payload = 16 + 8
    with pytest.raises(DecodeError, match=f"too short for a {authlen}-byte authcode"):
        decode_packet20(raw[:header_and_payload + 1], authlen)  # one trailer byte
    if authlen:
        with pytest.raises(DecodeError, match="too short"):
            decode_packet20(raw[:header_and_payload + 2 + authlen - 1], authlen)


def test_authcode_length_mismatch_is_rejected() -> None:
    raw = bytes(_signed_packet(8, 16))
    with pytest.raises(DecodeError):
        decode_packet20(raw, 12)  # the last 4 authcode bytes land where pad length / next header belong


# --- header rejections ------------------------------------------------------------------

@pytest.mark.parametrize("length, what", [
    (4, "auth type"), (5, "payload type"), (9, "session ID"), (13, "session sequence number"),
    (15, "payload length"), (40, "payload"),
])
def test_truncation_at_every_header_field(length: int, what: str) -> None:
    with pytest.raises(DecodeError, match=f"truncated {what}"):
        decode_packet20(S3[3][:length])


def test_not_rmcpplus() -> None:
    with pytest.raises(DecodeError, match="auth type is not 0x06"):
        decode_packet20(S3[0])  # the IPMI 1.5-framed Auth Caps request


def test_oem_explicit_payload_is_rejected() -> None:
    with pytest.raises(DecodeError, match="OEM explicit"):
        decode_packet20(bytes.fromhex("0600ff07 06 02 00000000 00000000 0000"))
    with pytest.raises(DecodeError, match="OEM explicit"):
        decode_packet20(bytes.fromhex("0600ff07 06 c2 00000000 00000000 0000"))


@pytest.mark.parametrize("bad", [b"", bytes.fromhex("0600ff"), bytes.fromhex("0600ff06 06 00"),
                                 bytes.fromhex("0500ff07 06 00")])
def test_bad_rmcp_header(bad: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_packet20(bad)


# --- captured datagrams --------------------------------------------------------------------

def _session_keys(capture: list[bytes], suite_id: int) -> tuple[bytes, bytes]:
    """Derive K1 and K2 from the captured handshake, every input taken from our decoders."""
    suite = cipher_suite(suite_id)
    open_req = OpenSessionRequest.decode(decode_packet20(capture[2]).payload)
    open_resp = OpenSessionResponse.decode(decode_packet20(capture[3]).payload)
    r1 = Rakp1.decode(decode_packet20(capture[4]).payload)
    r2 = Rakp2.decode(decode_packet20(capture[5]).payload)
    r3 = Rakp3.decode(decode_packet20(capture[6]).payload)
    r4 = Rakp4.decode(decode_packet20(capture[7]).payload)
    csid, msid = open_req.console_session_id, open_resp.bmc_session_id
    assert r2.key_exchange_authcode == rakp.rakp2_authcode(suite.auth, PASSWORD, csid, msid, r1.console_random,
                                                           r2.bmc_random, r2.bmc_guid, r1.role, r1.username)
    assert r3.authcode == rakp.rakp3_authcode(suite.auth, PASSWORD, r2.bmc_random, csid, r1.role, r1.username)
    sik = rakp.session_integrity_key(suite.auth, PASSWORD, r1.console_random, r2.bmc_random, r1.role, r1.username)
    assert r4.integrity_check_value == rakp.rakp4_icv(suite.auth, sik, r1.console_random, msid, r2.bmc_guid)
    return rakp.derive_k1(suite.auth, sik), rakp.derive_k2(suite.auth, sik)


def test_captured_open_session_request() -> None:
    packet = decode_packet20(S3[2])
    assert (packet.payload_type, packet.session_id, packet.session_seq) == (0x10, 0, 0)
    request = OpenSessionRequest.decode(packet.payload)
    assert request == OpenSessionRequest(tag=0xB1, max_privilege=3, console_session_id=0xA8A2E1E9,
                                         auth_alg=1, integrity_alg=1, conf_alg=1)
    assert request.encode() == packet.payload


def test_open_session_request_bytes() -> None:
    request = OpenSessionRequest(tag=0x25, max_privilege=0, console_session_id=0x5B720825, auth_alg=3,
                                 integrity_alg=4, conf_alg=1)
    assert request.encode() == bytes.fromhex(
        "25 00 0000 2508725b"
        "00 0000 08 03 000000"
        "01 0000 08 04 000000"
        "02 0000 08 01 000000")


def test_captured_open_session_response() -> None:
    response = OpenSessionResponse.decode(decode_packet20(S3[3]).payload)
    assert response == OpenSessionResponse(tag=0xB1, status=0, max_privilege=3, console_session_id=0xA8A2E1E9,
                                           bmc_session_id=0x82, auth_alg=1, integrity_alg=1, conf_alg=1)
    assert response.encode() == decode_packet20(S3[3]).payload
    # the ipmipower --debug dump of another run
    payload = bytes.fromhex("25 00 03 00 2508725b 02010000 0000000801000000 0100000801000000 0200000801000000")
    response = OpenSessionResponse.decode(payload)
    assert (response.console_session_id, response.bmc_session_id) == (0x5B720825, 0x102)


def test_captured_rakp_messages() -> None:
    r1 = Rakp1.decode(decode_packet20(S3[4]).payload)
    assert (r1.tag, r1.bmc_session_id, r1.role, r1.username) == (0xB2, 0x82, 0x13, b"admin")
    assert r1.console_random == bytes.fromhex("4ab4c48a47474afda16b962c3b91f8bf")
    assert r1.encode() == decode_packet20(S3[4]).payload
    r2 = Rakp2.decode(decode_packet20(S3[5]).payload)
    assert (r2.tag, r2.status, r2.console_session_id) == (0xB2, 0, 0xA8A2E1E9)
    assert r2.bmc_random == bytes.fromhex("1bcd84e2bb3aefd49c14f224efcf7870")
    assert r2.bmc_guid == bytes.fromhex("c963d23a672c29b2f1e6014312d6e7a4")
    assert len(r2.key_exchange_authcode) == 20
    assert r2.encode() == decode_packet20(S3[5]).payload
    r3 = Rakp3.decode(decode_packet20(S3[6]).payload)
    assert (r3.tag, r3.status, r3.bmc_session_id, len(r3.authcode)) == (0xB3, 0, 0x82, 20)
    assert r3.encode() == decode_packet20(S3[6]).payload
    r4 = Rakp4.decode(decode_packet20(S3[7]).payload)
    assert (r4.tag, r4.status, r4.console_session_id) == (0xB3, 0, 0xA8A2E1E9)
    assert r4.integrity_check_value == bytes.fromhex("5600dd600e186beed0c49f61")
    assert r4.encode() == decode_packet20(S3[7]).payload


@pytest.mark.parametrize("suite_id", [2, 3, 11])
def test_captured_session_packets(suite_id: int) -> None:
    """Authcodes verify over ``signed`` and payloads decrypt to valid IPMI messages."""
    capture = CAPTURES[suite_id]
    suite = cipher_suite(suite_id)
    authlen = INTEGRITY_AUTHCODE_LEN[suite.integrity]
    k1, k2 = _session_keys(capture, suite_id)
    console_sid = OpenSessionRequest.decode(decode_packet20(capture[2]).payload).console_session_id
    bmc_sid = OpenSessionResponse.decode(decode_packet20(capture[3]).payload).bmc_session_id
    commands = []
    for i, datagram in enumerate(capture[8:]):
        packet = decode_packet20(datagram, authlen)
        assert packet.payload_type == 0 and packet.authenticated
        assert packet.encrypted == (suite_id == 3)
        assert packet.session_id == (bmc_sid if i % 2 == 0 else console_sid)
        assert packet.session_seq == i // 2 + 1
        assert packet.signed == _covered(datagram, authlen)
        assert len(packet.signed) % 4 == 0 and len(packet.pad) <= 3
        assert integrity_authcode(suite.integrity, k1, PASSWORD, packet.signed) == packet.authcode
        message = decrypt_payload(k2, packet.payload) if packet.encrypted else packet.payload
        decoded = (decode_request if i % 2 == 0 else decode_response)(message)
        commands.append((decoded.netfn, decoded.cmd))
    assert commands == [(0x06, 0x3B), (0x07, 0x3B), (0x00, 0x01), (0x01, 0x01), (0x06, 0x3C), (0x07, 0x3C)]


@pytest.mark.parametrize("suite_id", [2, 3, 11])
def test_captured_datagrams_re_encode_exactly(suite_id: int) -> None:
    for datagram in CAPTURES[suite_id][2:]:
        authlen = INTEGRITY_AUTHCODE_LEN[cipher_suite(suite_id).integrity] if datagram[5] & 0x40 else 0
        packet = decode_packet20(datagram, authlen)
        sign = (lambda covered, code=packet.authcode: code) if packet.authenticated else None
        assert encode_packet20(packet.payload_type, packet.session_id, packet.session_seq, packet.payload,
                               packet.encrypted, sign) == datagram


# --- setup payloads: round trips and short error replies --------------------------------------

@given(tag=st.integers(0, 255), priv=st.integers(0, 15), sid=st.integers(0, 2**32 - 1),
       algs=st.tuples(st.integers(0, 0x3F), st.integers(0, 0x3F), st.integers(0, 0x3F)))
def test_open_session_round_trips(tag: int, priv: int, sid: int, algs: tuple[int, int, int]) -> None:
    request = OpenSessionRequest(tag, priv, sid, *algs)
    assert OpenSessionRequest.decode(request.encode()) == request
    response = OpenSessionResponse(tag, 0, priv, sid, sid ^ 0xFFFF, *algs)
    assert OpenSessionResponse.decode(response.encode()) == response


def test_algorithm_numbers_are_masked_to_six_bits() -> None:
    payload = bytearray(OpenSessionRequest(1, 4, 2, 1, 1, 1).encode())
    payload[12] |= 0xC0
    assert OpenSessionRequest.decode(bytes(payload)).auth_alg == 1


def test_algorithm_records_in_the_wrong_order_are_rejected() -> None:
    payload = bytearray(OpenSessionRequest(1, 4, 2, 1, 1, 1).encode())
    payload[16] = 0x02  # the integrity record claims to be a confidentiality record
    with pytest.raises(DecodeError, match="algorithm payload type 2 where 1 was expected"):
        OpenSessionRequest.decode(bytes(payload))
    response = bytearray(OpenSessionResponse(1, 0, 4, 2, 3, 1, 1, 1).encode())
    response[12] = 0x01
    with pytest.raises(DecodeError, match="algorithm payload type 1 where 0 was expected"):
        OpenSessionResponse.decode(bytes(response))


@pytest.mark.parametrize("status", [0x01, 0x09, 0x0D, 0x11, 0x12])
def test_short_open_session_error_reply(status: int) -> None:
    """A BMC may stop after tag and status; then there is no console session ID to check."""
    reply = OpenSessionResponse.decode(bytes((0x42, status)))
    assert reply == OpenSessionResponse(0x42, status, 0, None)
    assert reply.console_session_id is None
    assert reply.encode() == bytes((0x42, status))
    # partial header: still "short"
    assert OpenSessionResponse.decode(bytes((0x42, status, 4, 0, 1))).console_session_id is None


def test_open_session_error_reply_with_session_id() -> None:
    payload = bytes.fromhex("42 11 00 00 2508725b")
    reply = OpenSessionResponse.decode(payload)
    assert (reply.status, reply.console_session_id, reply.bmc_session_id) == (0x11, 0x5B720825, 0)
    assert reply.encode() == payload
    # a full-length error reply decodes the same way (the rest is not read)
    assert OpenSessionResponse.decode(payload + bytes(28)).console_session_id == 0x5B720825


@pytest.mark.parametrize("length", [0, 1, 2, 7, 11, 12, 35])
def test_truncated_successful_open_session_response(length: int) -> None:
    payload = OpenSessionResponse(1, 0, 4, 2, 3, 1, 1, 1).encode()
    with pytest.raises(DecodeError):
        OpenSessionResponse.decode(payload[:length])


@pytest.mark.parametrize("length", [0, 1, 4, 7, 8, 15, 31])
def test_truncated_open_session_request(length: int) -> None:
    with pytest.raises(DecodeError):
        OpenSessionRequest.decode(OpenSessionRequest(1, 4, 2, 1, 1, 1).encode()[:length])


@pytest.mark.parametrize("cls", [Rakp2, Rakp4])
@pytest.mark.parametrize("status", [0x02, 0x0D, 0x0F, 0x12])
def test_short_rakp_error_replies(cls: type, status: int) -> None:
    reply = cls.decode(bytes((7, status)))
    assert (reply.tag, reply.status, reply.console_session_id) == (7, status, None)
    assert reply.encode() == bytes((7, status))
    with_id = cls.decode(bytes((7, status, 0, 0)) + (0x11223344).to_bytes(4, "little"))
    assert with_id.console_session_id == 0x11223344
    assert with_id.encode() == bytes((7, status, 0, 0, 0x44, 0x33, 0x22, 0x11))


def test_rakp2_error_reply_ignores_the_rest() -> None:
    reply = Rakp2.decode(bytes((7, 0x0D, 0, 0, 1, 0, 0, 0)) + bytes(52))
    assert (reply.console_session_id, reply.bmc_random, reply.key_exchange_authcode) == (1, b"", b"")


@pytest.mark.parametrize("cls", [Rakp2, Rakp4])
def test_successful_rakp_reply_needs_its_header(cls: type) -> None:
    for length in (0, 1, 2, 5, 7):
        with pytest.raises(DecodeError):
            cls.decode(bytes((7, 0, 0, 0, 1, 0, 0, 0))[:length])


@pytest.mark.parametrize("length", [8, 23, 39])
def test_truncated_rakp2(length: int) -> None:
    payload = Rakp2(1, 0, 2, bytes(16), bytes(16), bytes(20)).encode()
    with pytest.raises(DecodeError):
        Rakp2.decode(payload[:length])


def test_rakp2_without_authcode_for_cipher_suite_0() -> None:
    payload = Rakp2(1, 0, 2, bytes(range(16)), bytes(range(16, 32))).encode()
    assert len(payload) == 40
    assert Rakp2.decode(payload).key_exchange_authcode == b""


def test_rakp1_bytes_and_round_trip() -> None:
    message = Rakp1(tag=0x26, bmc_session_id=0x102, console_random=bytes(range(16)), role=0x14, username=b"admin")
    payload = message.encode()
    assert payload == (bytes.fromhex("26 000000 02010000") + bytes(range(16))
                       + bytes.fromhex("14 0000 05") + b"admin")
    assert Rakp1.decode(payload) == message
    empty = Rakp1(1, 2, bytes(16), 0x14, b"")
    assert Rakp1.decode(empty.encode()) == empty
    padded = Rakp1(1, 2, bytes(16), 0x14, b"admin".ljust(16, b"\0"))  # -W intel20
    assert Rakp1.decode(padded.encode()).username == b"admin" + bytes(11)


def test_rakp1_rejects_long_and_truncated_names() -> None:
    with pytest.raises(DecodeError, match="user name length 17 exceeds 16"):
        Rakp1.decode(Rakp1(1, 2, bytes(16), 0x14, b"x" * 17).encode())
    with pytest.raises(DecodeError, match="truncated user name"):
        Rakp1.decode(Rakp1(1, 2, bytes(16), 0x14, b"admin").encode()[:-1])
    for length in (0, 3, 7, 23, 27):
        with pytest.raises(DecodeError):
            Rakp1.decode(Rakp1(1, 2, bytes(16), 0x14, b"").encode()[:length])


def test_rakp3_round_trip_and_truncation() -> None:
    message = Rakp3(5, 0, 0x82, bytes(range(20)))
    assert message.encode() == bytes.fromhex("05 00 0000 82000000") + bytes(range(20))
    assert Rakp3.decode(message.encode()) == message
    assert Rakp3.decode(Rakp3(5, 0x0F, 0x82).encode()) == Rakp3(5, 0x0F, 0x82, b"")
    for length in range(8):
        with pytest.raises(DecodeError):
            Rakp3.decode(message.encode()[:length])


def test_rakp4_round_trip() -> None:
    message = Rakp4(9, 0, 0x5B720825, bytes(range(12)))
    assert message.encode() == bytes.fromhex("09 00 0000 2508725b") + bytes(range(12))
    assert Rakp4.decode(message.encode()) == message


def test_status_names() -> None:
    assert status_name(0) == "no errors"
    assert status_name(0x0D) == "unauthorized name"
    assert status_name(0x11) == "no cipher suite match"
    assert status_name(0x12) == "illegal parameter"
    assert status_name(0x13) == "reserved status 0x13"
    assert status_name(0xFF) == "reserved status 0xff"
    assert len(RmcpPlusStatus) == 0x13
