"""Session integrity authcodes against captured packets and independent computations.

Captured packets: FreeIPMI 1.6.10 `ipmipower` <-> OpenIPMI `ipmi_sim` 2.0.33 on loopback,
2026-11-22, `tshark -i lo -f "udp port 17901"` while running
`ipmipower --debug -W opensesspriv -D LAN_2_0 -h 127.0.0.1:17901 -u admin -p password
-I <suite> -l OPERATOR --stat`. Requests were authcoded by FreeIPMI, replies by ipmi_sim.
The K1 literals are the session keys of those captures (see test_rakp.py; computed with the
OpenSSL CLI from the captured RAKP inputs). HMAC-MD5-128 and HMAC-SHA256-128 cannot be
captured from ipmi_sim (unsupported or buggy there), so their literals come from
`openssl mac -digest MD5|SHA256 -macopt hexkey:K1 HMAC` over a synthetic packet.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import List, Tuple

import pytest

from pyipmi_tools.crypto.integrity import integrity_authcode
from pyipmi_tools.crypto.suites import INTEGRITY_AUTHCODE_LEN, IntegrityAlg
from tests.support.captures import LAN20_SESSION, LAN20_SUITE2, LAN20_SUITE3, LAN20_SUITE11, SESSION_KEYS

# Suite 2 (HMAC-SHA1-96, no encryption): Set Session Privilege Level, Get Chassis Status,
# Close Session, request then reply. RMCP header included (tests/support/captures.py).
SUITE2_PACKETS = LAN20_SUITE2[LAN20_SESSION]
SUITE2_K1 = bytes.fromhex(SESSION_KEYS[2][1])

# Suite 3 (HMAC-SHA1-96 over the encrypted payload), same three commands.
SUITE3_PACKETS = LAN20_SUITE3[LAN20_SESSION]
SUITE3_K1 = bytes.fromhex(SESSION_KEYS[3][1])

# Suite 11 (MD5-128, keyed by the password "password"), same three commands.
SUITE11_PACKETS = LAN20_SUITE11[LAN20_SESSION]
PASSWORD = b"password"
PW20 = b"password" + b"\x00" * 12

# Synthetic encrypted packet (06 c0, session 2, seq 1, 32-byte IV+ciphertext, pad ffff 02 07).
SYN_SHA256_DATA = bytes.fromhex(
    "06c0020000000100000020003d1fb3f8e882d1f4eeec594ad208d480"
    "7a65e670a61cd8779b1bf8efa087a2eaffff0207"
)
SYN_SHA256_K1 = bytes.fromhex("093b0059b567931d0305942e61ce618853624e2db2286395fd9eb1a378ccbef1")
SYN_SHA256_CODE = bytes.fromhex("6ab034677c19e9b46a57f120a00ad59a")
SYN_MD5_DATA = bytes.fromhex(
    "06c0020000000100000020003d1fb3f8e882d1f4eeec594ad208d480"
    "8b65da364a279818add0e5466c326103ffff0207"
)
SYN_MD5_K1 = bytes.fromhex("68f87bdef39d0dab11712263e68041bf")
SYN_MD5_CODE = bytes.fromhex("ad799f2ce21d2c0e79b963ec3a134411")


def _split(packet_hex: str, code_len: int) -> Tuple[bytes, bytes]:
    """(auth-type byte .. next header, authcode) of a captured session packet."""
    raw = bytes.fromhex(packet_hex)
    assert raw[:4] == b"\x06\x00\xff\x07"
    session = raw[4:]
    data, code = session[:-code_len], session[-code_len:]
    assert data[-1] == 0x07  # next header
    pad_len = data[-2]
    assert data[-2 - pad_len : -2] == b"\xff" * pad_len
    assert len(data) % 4 == 0
    return data, code


def _ids(packets: List[str]) -> List[str]:
    return [f"pkt{i}" for i in range(len(packets))]


@pytest.mark.parametrize("packet", SUITE2_PACKETS, ids=_ids(SUITE2_PACKETS))
def test_hmac_sha1_96_captured_plain(packet: str) -> None:
    data, code = _split(packet, 12)
    assert hmac.new(SUITE2_K1, data, hashlib.sha1).digest()[:12] == code
    assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, SUITE2_K1, b"ignored", data) == code


@pytest.mark.parametrize("packet", SUITE3_PACKETS, ids=_ids(SUITE3_PACKETS))
def test_hmac_sha1_96_captured_encrypted(packet: str) -> None:
    data, code = _split(packet, 12)
    assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, SUITE3_K1, b"", data) == code


@pytest.mark.parametrize("packet", SUITE11_PACKETS, ids=_ids(SUITE11_PACKETS))
def test_md5_128_captured(packet: str) -> None:
    data, code = _split(packet, 16)
    assert hashlib.md5(PW20 + data + PW20).digest() == code
    # K1 is not used by MD5-128.
    assert integrity_authcode(IntegrityAlg.MD5_128, b"", PASSWORD, data) == code
    assert integrity_authcode(IntegrityAlg.MD5_128, b"\x01" * 16, PASSWORD, data) == code


def test_md5_128_password_cut_to_20() -> None:
    data, _ = _split(SUITE11_PACKETS[0], 16)
    pw = b"A" * 20
    expected = hashlib.md5(pw + data + pw).digest()
    assert integrity_authcode(IntegrityAlg.MD5_128, b"", b"A" * 25, data) == expected
    assert integrity_authcode(IntegrityAlg.MD5_128, b"", b"A" * 20, data) == expected
    empty = hashlib.md5(bytes(20) + data + bytes(20)).digest()
    assert integrity_authcode(IntegrityAlg.MD5_128, b"", b"", data) == empty


def test_hmac_md5_128_spec_vector() -> None:
    assert hmac.new(SYN_MD5_K1, SYN_MD5_DATA, hashlib.md5).digest() == SYN_MD5_CODE
    code = integrity_authcode(IntegrityAlg.HMAC_MD5_128, SYN_MD5_K1, b"", SYN_MD5_DATA)
    assert code == SYN_MD5_CODE
    # Only the first 16 bytes of K1 are the key.
    longer = SYN_MD5_K1 + b"\x99\x98\x97\x96"
    assert integrity_authcode(IntegrityAlg.HMAC_MD5_128, longer, b"", SYN_MD5_DATA) == SYN_MD5_CODE


def test_hmac_sha256_128_spec_vector() -> None:
    assert hmac.new(SYN_SHA256_K1, SYN_SHA256_DATA, hashlib.sha256).digest()[:16] == SYN_SHA256_CODE
    code = integrity_authcode(IntegrityAlg.HMAC_SHA256_128, SYN_SHA256_K1, b"", SYN_SHA256_DATA)
    assert code == SYN_SHA256_CODE


def test_hmac_sha1_96_uses_first_20_bytes_of_k1() -> None:
    data, code = _split(SUITE2_PACKETS[0], 12)
    assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, SUITE2_K1 + b"\x00\x01", b"", data) == code


def test_none_is_empty() -> None:
    assert integrity_authcode(IntegrityAlg.NONE, SUITE2_K1, PASSWORD, b"\x06\x00") == b""


@pytest.mark.parametrize("alg", list(IntegrityAlg))
def test_lengths_match_table(alg: IntegrityAlg) -> None:
    code = integrity_authcode(alg, b"\x42" * 32, PASSWORD, b"\x06\x40" + b"\x00" * 14)
    assert len(code) == INTEGRITY_AUTHCODE_LEN[alg]


def test_wrong_key_or_tampered_data_differs() -> None:
    data, code = _split(SUITE2_PACKETS[2], 12)
    assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, SUITE3_K1, b"", data) != code
    tampered = data[:-3] + b"\xfe" + data[-2:]
    assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, SUITE2_K1, b"", tampered) != code


def test_unknown_algorithm() -> None:
    with pytest.raises(ValueError):
        integrity_authcode(9, b"", b"", b"")  # type: ignore[arg-type]


@pytest.mark.parametrize("alg", list(IntegrityAlg))
def test_plain_int_algorithm_same_as_member(alg: IntegrityAlg) -> None:
    k1 = bytes(range(32))
    data = b"\x06\xc0" + bytes(range(30))
    assert integrity_authcode(int(alg), k1, PASSWORD, data) == integrity_authcode(alg, k1, PASSWORD, data)


@pytest.mark.parametrize("alg", [-1, 5, 256, "1", [1], None])
def test_invalid_algorithms_raise_value_error(alg: object) -> None:
    with pytest.raises(ValueError):
        integrity_authcode(alg, SUITE2_K1, PASSWORD, b"")  # type: ignore[arg-type]


def test_bytes_like_arguments() -> None:
    data, code = _split(SUITE2_PACKETS[1], 12)
    assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, bytearray(SUITE2_K1), b"", memoryview(data)) == code
    assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, memoryview(SUITE2_K1), b"", bytearray(data)) == code


def test_many_sessions_keys() -> None:
    """Each session signs with its own K1, far more than the HMAC key cache holds."""
    data, _ = _split(SUITE2_PACKETS[0], 12)
    for i in range(1500):
        k1 = hashlib.sha1(i.to_bytes(4, "big")).digest()
        want = hmac.new(k1, data, hashlib.sha1).digest()[:12]
        assert integrity_authcode(IntegrityAlg.HMAC_SHA1_96, k1, b"", data) == want
