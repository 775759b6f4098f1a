"""Application netfn commands: request bytes of every builder, reply decoders, cipher suite records."""

from __future__ import annotations

from pyipmi_tools.record import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyipmi_tools.commands import NETFN_APP, CommandSpec, Request, raw_spec
from pyipmi_tools.commands.app import (ACTIVATE_SESSION, CLOSE_SESSION, CURRENT_CHANNEL, GET_CHANNEL_AUTH_CAPS,
                                       GET_CHANNEL_CIPHER_SUITES, GET_DEVICE_ID, GET_SESSION_CHALLENGE,
                                       SET_SESSION_PRIVILEGE, ActivatedSession, AuthCapabilities, DeviceId,
                                       SessionChallenge, activate_session, close_session, decode_activate_session,
                                       decode_auth_caps, decode_cipher_suite_block, decode_device_id,
                                       decode_session_challenge, encode_auth_caps, get_channel_auth_caps,
                                       get_channel_cipher_suites, get_device_id, get_session_challenge,
                                       parse_cipher_suite_records, set_session_privilege)
from pyipmi_tools.wire.buffer import DecodeError
from pyipmi_tools.wire.message import encode_request


def _wire(request: Request, rq_seq: int) -> bytes:
    return encode_request(request.spec.netfn, request.spec.cmd, rq_seq, request.data)


# --- specs ------------------------------------------------------------------------------

@pytest.mark.parametrize("spec, name, cmd, min_len", [
    (GET_DEVICE_ID, "get_device_id", 0x01, 11),
    (GET_CHANNEL_AUTH_CAPS, "get_channel_authentication_capabilities", 0x38, 8),
    (GET_SESSION_CHALLENGE, "get_session_challenge", 0x39, 20),
    (ACTIVATE_SESSION, "activate_session", 0x3A, 10),
    (SET_SESSION_PRIVILEGE, "set_session_privilege_level", 0x3B, 1),
    (CLOSE_SESSION, "close_session", 0x3C, 0),
    (GET_CHANNEL_CIPHER_SUITES, "get_channel_cipher_suites", 0x54, 1),
])
def test_specs(spec: CommandSpec, name: str, cmd: int, min_len: int) -> None:
    assert spec == CommandSpec(name, NETFN_APP, cmd, min_len)


def test_raw_spec() -> None:
    assert raw_spec(0x30, 0x05) == CommandSpec("raw_30_05", 0x30, 0x05, 0)


# --- Get Channel Authentication Capabilities ---------------------------------------------

def test_auth_caps_request() -> None:
    assert CURRENT_CHANNEL == 0x0E
    assert get_channel_auth_caps(3, ipmi20=True) == Request(GET_CHANNEL_AUTH_CAPS, b"\x8e\x03")
    assert get_channel_auth_caps(4, ipmi20=False).data == b"\x0e\x04"
    assert get_channel_auth_caps(2, ipmi20=True, channel=1).data == b"\x81\x02"
    assert get_channel_auth_caps(0x14, ipmi20=False).data == b"\x0e\x04"  # privilege is a nibble


def test_auth_caps_request_as_freeipmi_sends_it() -> None:
    # 20 18 c8 81 <rq_seq << 2> 38 8e 03 <checksum>, from the ipmipower --debug dump (rq_seq 1)
    assert _wire(get_channel_auth_caps(3, ipmi20=True), 1) == bytes.fromhex("20 18 c8 81 04 38 8e 03 b2")
    # IPMI 1.5 capture against ipmi_sim (rq_seq 3)
    assert _wire(get_channel_auth_caps(3, ipmi20=False), 3) == bytes.fromhex("2018c8810c380e032a")


def test_decode_captured_auth_caps_ipmi20() -> None:
    caps = decode_auth_caps(bytes.fromhex("01 97 04 03 00 00 00 00"))
    assert caps == AuthCapabilities(channel=1, auth_types=0x17, ipmi20_extended=True, anonymous_login=False,
                                    null_usernames=False, non_null_usernames=True, user_level_auth_disabled=False,
                                    per_message_auth_disabled=False, kg_set=False, supports_ipmi15=True,
                                    supports_ipmi20=True, oem_id=0, oem_aux=0)


def test_decode_captured_auth_caps_ipmi15() -> None:
    caps = decode_auth_caps(bytes.fromhex("01 17 04 00 00 00 00 00"))
    assert caps.auth_types == 0x17 and not caps.ipmi20_extended
    assert not caps.supports_ipmi15 and not caps.supports_ipmi20


_STATUS_BITS = ["anonymous_login", "null_usernames", "non_null_usernames", "user_level_auth_disabled",
                "per_message_auth_disabled", "kg_set"]


@pytest.mark.parametrize("bit, field", list(enumerate(_STATUS_BITS)))
def test_auth_caps_status_bits(bit: int, field: str) -> None:
    caps = decode_auth_caps(bytes((1, 0, 1 << bit, 0, 0, 0, 0, 0)))
    assert [f for f in _STATUS_BITS if getattr(caps, f)] == [field]
    assert encode_auth_caps(caps)[2] == 1 << bit


def test_auth_caps_reserved_and_oem_fields() -> None:
    caps = decode_auth_caps(bytes.fromhex("0e 7f c0 fc 57 01 00 aa"))
    assert caps.auth_types == 0x3F and not caps.ipmi20_extended  # bit 6 reserved
    assert not any(getattr(caps, f) for f in _STATUS_BITS)        # status bits 7:6 reserved
    assert not caps.supports_ipmi15 and not caps.supports_ipmi20  # ext bits 7:2 reserved
    assert (caps.oem_id, caps.oem_aux) == (0x157, 0xAA)


def test_auth_caps_extended_bits() -> None:
    assert decode_auth_caps(bytes((1, 0x80, 0, 0x02, 0, 0, 0, 0))).supports_ipmi20
    assert decode_auth_caps(bytes((1, 0x80, 0, 0x01, 0, 0, 0, 0))).supports_ipmi15


@pytest.mark.parametrize("length", range(8))
def test_short_auth_caps_is_rejected(length: int) -> None:
    with pytest.raises(DecodeError):
        decode_auth_caps(bytes.fromhex("01 97 04 03 00 00 00 00")[:length])


_caps = st.builds(AuthCapabilities, channel=st.integers(0, 15), auth_types=st.integers(0, 0x3F),
                  ipmi20_extended=st.booleans(), anonymous_login=st.booleans(), null_usernames=st.booleans(),
                  non_null_usernames=st.booleans(), user_level_auth_disabled=st.booleans(),
                  per_message_auth_disabled=st.booleans(), kg_set=st.booleans(), supports_ipmi15=st.booleans(),
                  supports_ipmi20=st.booleans(), oem_id=st.integers(0, 0xFFFFFF), oem_aux=st.integers(0, 255))


@given(_caps)
def test_auth_caps_round_trip(caps: AuthCapabilities) -> None:
    data = encode_auth_caps(caps)
    assert len(data) == 8
    assert decode_auth_caps(data) == caps


def test_encode_auth_caps_bytes() -> None:
    caps = decode_auth_caps(bytes.fromhex("01 97 04 03 00 00 00 00"))
    assert encode_auth_caps(caps) == bytes.fromhex("01 97 04 03 00 00 00 00")
    caps = replace(caps, kg_set=True, per_message_auth_disabled=True, oem_id=0x0002A2, oem_aux=7)
    assert encode_auth_caps(caps) == bytes.fromhex("01 97 34 03 a2 02 00 07")


# --- IPMI 1.5 session establishment ------------------------------------------------------

def test_session_challenge_request() -> None:
    request = get_session_challenge(2, b"admin")
    assert request.spec is GET_SESSION_CHALLENGE
    assert request.data == b"\x02admin" + bytes(11)
    # from the 1.5 MD5 capture (rq_seq 4)
    assert _wire(request, 4) == bytes.fromhex("2018c88110390261646d696e00000000000000000000002b")
    assert get_session_challenge(0, b"").data == bytes(17)
    assert get_session_challenge(1, b"x" * 20).data == b"\x01" + b"x" * 16  # cut to 16


def test_decode_captured_session_challenge() -> None:
    data = bytes.fromhex("05000000 0190f0780a5d246ab80ed762afec2beb")
    assert decode_session_challenge(data) == SessionChallenge(5, bytes.fromhex("0190f0780a5d246ab80ed762afec2beb"))
    assert decode_session_challenge(data + b"\xff").temp_session_id == 5


@pytest.mark.parametrize("length, what", [(3, "temporary session ID"), (19, "challenge string")])
def test_short_session_challenge_is_rejected(length: int, what: str) -> None:
    with pytest.raises(DecodeError, match=what):
        decode_session_challenge(bytes(length))


def test_activate_session_request() -> None:
    challenge = bytes.fromhex("0190f0780a5d246ab80ed762afec2beb")
    request = activate_session(2, 3, challenge, 1)
    assert request.spec is ACTIVATE_SESSION
    assert request.data == b"\x02\x03" + challenge + b"\x01\x00\x00\x00"
    # from the 1.5 MD5 capture (rq_seq 5): ipmipower sends initial outbound sequence number 1
    assert _wire(request, 5) == bytes.fromhex("2018c881143a02030190f0780a5d246ab80ed762afec2beb010000008d")
    assert activate_session(1, 4, bytes(16), 0xE3CC191C).data[-4:] == bytes.fromhex("1c19cce3")


@pytest.mark.parametrize("data, expected", [
    ("02 02010000 1c19cce3 03", ActivatedSession(2, 0x102, 0xE3CC191C, 3)),   # MD5 capture
    ("01 82010000 ea7790a7 03", ActivatedSession(1, 0x182, 0xA79077EA, 3)),   # MD2 capture
    ("f4 01000000 02000000 f4", ActivatedSession(4, 1, 2, 4)),                # reserved high nibbles
])
def test_decode_activate_session(data: str, expected: ActivatedSession) -> None:
    assert decode_activate_session(bytes.fromhex(data)) == expected


@pytest.mark.parametrize("length", range(10))
def test_short_activate_session_is_rejected(length: int) -> None:
    with pytest.raises(DecodeError):
        decode_activate_session(bytes.fromhex("02 02010000 1c19cce3 03")[:length])


def test_set_session_privilege_request() -> None:
    assert set_session_privilege(3) == Request(SET_SESSION_PRIVILEGE, b"\x03")
    # ipmipower --debug dump (rq_seq 5) and the 1.5 capture (rq_seq 6)
    assert _wire(set_session_privilege(3), 5) == bytes.fromhex("20 18 c8 81 14 3b 03 2d")
    assert _wire(set_session_privilege(3), 6) == bytes.fromhex("2018c881183b0329")
    assert set_session_privilege(4).data == b"\x04"


def test_close_session_request() -> None:
    assert close_session(0x102) == Request(CLOSE_SESSION, bytes.fromhex("02010000"))
    assert _wire(close_session(0x102), 7) == bytes.fromhex("20 18 c8 81 1c 3c 02 01 00 00 24")
    assert _wire(close_session(0x0202), 6) == bytes.fromhex("2018c881183c0202000027")  # suite 2 capture


# --- Get Device ID --------------------------------------------------------------------------

def test_get_device_id_request() -> None:
    assert get_device_id() == Request(GET_DEVICE_ID, b"")
    assert _wire(get_device_id(), 1) == bytes.fromhex("20 18 c8 81 04 01 7a")


_DEVICE_ID = bytes.fromhex("20 81 82 10 02 bf 57 01 f0 34 12")


def test_decode_device_id_mandatory_bytes() -> None:
    assert decode_device_id(_DEVICE_ID) == DeviceId(
        device_id=0x20, device_revision=1, provides_sdrs=True, firmware_major=2, firmware_minor=0x10,
        ipmi_version="2.0", additional_support=0xBF, manufacturer_id=0x00157, product_id=0x1234, aux_firmware=b"")


def test_decode_device_id_with_aux_firmware() -> None:
    info = decode_device_id(_DEVICE_ID + bytes.fromhex("01 02 03 04"))
    assert info.aux_firmware == bytes.fromhex("01020304")
    assert decode_device_id(_DEVICE_ID + b"\x01\x02").aux_firmware == b""  # partial aux: ignored


def test_decode_device_id_fields() -> None:
    info = decode_device_id(bytes.fromhex("00 0f 7f 99 51 00 ff ff ff ff ff"))
    assert (info.device_revision, info.provides_sdrs) == (15, False)
    assert (info.firmware_major, info.firmware_minor) == (127, 0x99)
    assert info.ipmi_version == "1.5"
    assert info.manufacturer_id == 0x0FFFFF  # 20 bits
    assert info.product_id == 0xFFFF


@pytest.mark.parametrize("length", range(11))
def test_short_device_id_is_rejected(length: int) -> None:
    with pytest.raises(DecodeError):
        decode_device_id(_DEVICE_ID[:length])


# --- cipher suites -------------------------------------------------------------------------

def test_cipher_suites_request() -> None:
    assert get_channel_cipher_suites(0) == Request(GET_CHANNEL_CIPHER_SUITES, b"\x0e\x00\x80")
    assert get_channel_cipher_suites(3, channel=1).data == b"\x01\x00\x83"
    assert get_channel_cipher_suites(0x40 + 2).data == b"\x0e\x00\x82"  # index is 6 bits
    assert _wire(get_channel_cipher_suites(0), 1) == bytes.fromhex("20 18 c8 81 04 54 0e 00 80 99")


def test_decode_cipher_suite_block() -> None:
    assert decode_cipher_suite_block(bytes.fromhex("01 c0 00 00 40 80")) == (1, bytes.fromhex("c0 00 00 40 80"))
    assert decode_cipher_suite_block(b"\x0e") == (0x0E, b"")
    with pytest.raises(DecodeError, match="channel"):
        decode_cipher_suite_block(b"")


# ipmi_sim's list for suites 0-3, then 6-8, 11-12 and 15-17, as one string of records
_STANDARD = bytes.fromhex(
    "c0 00 00 40 80"
    "c0 01 01 40 80"
    "c0 02 01 41 80"
    "c0 03 01 41 81"
    "c0 06 02 40 80 c0 07 02 42 80 c0 08 02 42 81"
    "c0 0b 02 43 80 c0 0c 02 43 81"
    "c0 0f 03 40 80 c0 10 03 44 80 c0 11 03 44 81")


def test_parse_standard_records() -> None:
    assert parse_cipher_suite_records(_STANDARD) == [0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17]


def test_parse_records_split_over_blocks() -> None:
    blocks = [_STANDARD[i:i + 16] for i in range(0, len(_STANDARD), 16)]
    assert parse_cipher_suite_records(b"".join(blocks)) == parse_cipher_suite_records(_STANDARD)


def test_parse_records_skips_oem_records() -> None:
    oem = bytes.fromhex("c1 50 57 01 00 01 41 81")  # OEM suite 0x50, IANA 0x000157, then its algorithms
    assert parse_cipher_suite_records(oem) == []
    assert parse_cipher_suite_records(bytes.fromhex("c0 03 01 41 81") + oem + bytes.fromhex("c0 11 03 44 81")) \
        == [3, 0x11]


def test_parse_records_with_several_algorithms_per_tag() -> None:
    # a record may list more than one algorithm of a kind
    assert parse_cipher_suite_records(bytes.fromhex("c0 03 01 02 41 42 81 c0 04 01")) == [3, 4]


@pytest.mark.parametrize("records, expected", [
    (b"", []),
    (b"\xc0", []),                       # a start-of-record byte with nothing after it
    (b"\xc0\x05", [5]),
    (b"\xc0\xc0", [0xC0]),               # the ID byte is taken as is
    (b"\x00\x40\x80", []),               # algorithm bytes without a record
    (b"\xff\xfe\xc1", []),
    (b"\xc1\x01", []),                   # truncated OEM record
])
def test_parse_records_edge_cases(records: bytes, expected: list[int]) -> None:
    assert parse_cipher_suite_records(records) == expected


@given(st.binary(max_size=200))
def test_parse_records_never_raises(records: bytes) -> None:
    ids = parse_cipher_suite_records(records)
    assert len(ids) <= len(records) // 2
    assert all(0 <= i <= 255 for i in ids)
