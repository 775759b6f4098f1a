"""IPMI 1.5 session authcodes: layout, MD5 (RFC 1321), MD2, and real captured packets."""

from __future__ import annotations

import hashlib
from typing import List, Tuple

import pytest

from pyipmi_tools.crypto.authcode15 import (
    AuthType,
    authcode15,
    digest15,
    pad_password16,
)
from tests.support.captures import LAN15_AUTHENTICATED, LAN15_MD2, LAN15_MD5

# RFC 1321 appendix A.5 test suite (MD5), run through the digest authcode15 uses.
RFC1321_VECTORS = [
    (b"", "d41d8cd98f00b204e9800998ecf8427e"),
    (b"a", "0cc175b9c0f1b6a831c399e269772661"),
    (b"abc", "900150983cd24fb0d6963f7d28e17f72"),
    (b"message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
    (b"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
    (
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "d174ab98d277d9f5a5611c2c9f419d9f",
    ),
    (b"1234567890" * 8, "57edf4a22be3c955ac49da2e2107b67a"),
]

# Real IPMI 1.5 exchanges, FreeIPMI `ipmipower -D LAN -a MD5` (and `-a MD2`) against ipmi_sim
# (provenance in tests/support/captures.py). Requests were authcoded by FreeIPMI, replies by
# ipmi_sim: Activate Session, Set Session Privilege Level, Get Chassis Status, Close Session,
# each request then reply.
CAPTURE_MD5 = LAN15_MD5[LAN15_AUTHENTICATED]
CAPTURE_MD2 = LAN15_MD2[LAN15_AUTHENTICATED]

PASSWORD = b"password"
P16 = b"password\x00\x00\x00\x00\x00\x00\x00\x00"


def _split(packet_hex: str) -> Tuple[int, int, int, bytes, bytes]:
    """(auth type, seq, session id, authcode, message) of a captured 1.5 packet."""
    raw = bytes.fromhex(packet_hex)
    assert raw[:4] == b"\x06\x00\xff\x07"
    auth_type = raw[4]
    seq = int.from_bytes(raw[5:9], "little")
    sid = int.from_bytes(raw[9:13], "little")
    code = raw[13:29]
    length = raw[29]
    message = raw[30:]
    assert len(message) == length
    return auth_type, seq, sid, code, message


def _cases(capture: List[str]) -> List[Tuple[int, int, int, bytes, bytes]]:
    return [_split(p) for p in capture]


# ---------------------------------------------------------------------- padding


def test_pad_password16() -> None:
    assert pad_password16(b"password") == P16
    assert pad_password16(b"") == b"\x00" * 16
    assert pad_password16(b"0123456789abcdef") == b"0123456789abcdef"
    assert pad_password16(b"0123456789abcdefXYZ") == b"0123456789abcdef"


# ---------------------------------------------------------------------- digests


@pytest.mark.parametrize(("message", "digest"), RFC1321_VECTORS)
def test_md5_rfc1321_through_digest15(message: bytes, digest: str) -> None:
    assert digest15(AuthType.MD5, message) == bytes.fromhex(digest)


def test_md2_through_digest15() -> None:
    # RFC 1319 A.5 "abc".
    assert digest15(AuthType.MD2, b"abc") == bytes.fromhex("da853b0d3f88d99b30283a69e6ded6bb")


@pytest.mark.parametrize("auth_type", [AuthType.NONE, AuthType.STRAIGHT_PASSWORD])
def test_digest15_rejects_non_digest_types(auth_type: AuthType) -> None:
    with pytest.raises(ValueError):
        digest15(auth_type, b"x")


# ---------------------------------------------------------------------- authcode layout


MESSAGE = bytes.fromhex("2018c881183b0329")  # Set Session Privilege Level request


def test_none_is_empty() -> None:
    assert authcode15(AuthType.NONE, PASSWORD, 0x1234, MESSAGE, 7) == b""


def test_straight_password_is_padded_password() -> None:
    assert authcode15(AuthType.STRAIGHT_PASSWORD, PASSWORD, 0x1234, MESSAGE, 7) == P16
    long_pw = b"A" * 20
    assert authcode15(AuthType.STRAIGHT_PASSWORD, long_pw, 1, MESSAGE, 1) == b"A" * 16


def test_md5_layout_against_hashlib() -> None:
    session_id = 0xA3CC1912
    seq = 0x01020304
    expected = hashlib.md5(
        P16 + b"\x12\x19\xcc\xa3" + MESSAGE + b"\x04\x03\x02\x01" + P16
    ).digest()
    assert authcode15(AuthType.MD5, PASSWORD, session_id, MESSAGE, seq) == expected


def test_md5_empty_password_literal() -> None:
    # hashlib.md5(b"\0"*16 + b"\1\0\0\0" + MESSAGE + b"\2\0\0\0" + b"\0"*16), written out.
    expected = hashlib.md5(
        bytes(16) + b"\x01\x00\x00\x00" + MESSAGE + b"\x02\x00\x00\x00" + bytes(16)
    )
    assert authcode15(AuthType.MD5, b"", 1, MESSAGE, 2) == expected.digest()


def test_md5_password_longer_than_16_is_cut() -> None:
    assert authcode15(AuthType.MD5, b"0123456789abcdefEXTRA", 5, MESSAGE, 6) == authcode15(
        AuthType.MD5, b"0123456789abcdef", 5, MESSAGE, 6
    )


@pytest.mark.parametrize("case", _cases(CAPTURE_MD5), ids=lambda c: f"seq{c[1]:x}-sid{c[2]:x}")
def test_md5_captured_packets(case: Tuple[int, int, int, bytes, bytes]) -> None:
    auth_type, seq, sid, code, message = case
    assert auth_type == 2
    # Independent recomputation of the documented layout with hashlib ...
    layout = P16 + sid.to_bytes(4, "little") + message + seq.to_bytes(4, "little") + P16
    assert hashlib.md5(layout).digest() == code
    # ... and the module under test.
    assert authcode15(AuthType.MD5, PASSWORD, sid, message, seq) == code


@pytest.mark.parametrize("case", _cases(CAPTURE_MD2), ids=lambda c: f"seq{c[1]:x}-sid{c[2]:x}")
def test_md2_captured_packets(case: Tuple[int, int, int, bytes, bytes]) -> None:
    auth_type, seq, sid, code, message = case
    assert auth_type == 1
    assert authcode15(AuthType.MD2, PASSWORD, sid, message, seq) == code


def test_md2_activate_session_literal() -> None:
    # First packet of CAPTURE_MD2 written out by hand: FreeIPMI's Activate Session request.
    message = bytes.fromhex("2018c881e43a0103aa217dc834429afe6745ca35d25adfe9010000009f")
    code = authcode15(AuthType.MD2, PASSWORD, 0x85, message, 0)
    assert code == bytes.fromhex("bca0c41a23b61a9834bccf6e18f72168")


def test_wrong_password_does_not_match_capture() -> None:
    _, seq, sid, code, message = _split(CAPTURE_MD5[0])
    assert authcode15(AuthType.MD5, b"passwore", sid, message, seq) != code


@pytest.mark.parametrize(("sid", "seq"), [(-1, 0), (1 << 32, 0), (0, -1), (0, 1 << 32)])
def test_out_of_range_ids(sid: int, seq: int) -> None:
    with pytest.raises(ValueError) as info:
        authcode15(AuthType.MD5, b"secretpw", sid, MESSAGE, seq)
    assert "secretpw" not in str(info.value)


def test_unknown_auth_type() -> None:
    with pytest.raises(ValueError):
        authcode15(5, PASSWORD, 1, MESSAGE, 1)  # type: ignore[arg-type]
