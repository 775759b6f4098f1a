"""AES-CBC-128 and the RMCP+ confidentiality pad."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyipmi_tools.crypto.confidentiality import (
    ConfidentialityError,
    aes_cbc_decrypt,
    aes_cbc_encrypt,
    decrypt_payload,
    encrypt_payload,
)

# NIST SP 800-38A, appendix F.2.1 (CBC-AES128.Encrypt) and F.2.2 (CBC-AES128.Decrypt).
NIST_KEY = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
NIST_IV = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
NIST_PLAIN = bytes.fromhex(
    "6bc1bee22e409f96e93d7e117393172a"
    "ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef"
    "f69f2445df4f9b17ad2b417be66c3710"
)
NIST_CIPHER = bytes.fromhex(
    "7649abac8119b246cee98e9b12e9197d"
    "5086cb9b507219ee95db113a917678b2"
    "73bed6b8e3c1743b7116e69e22229516"
    "3ff1caa1681fac09120eca307586e1a7"
)

K2 = bytes.fromhex("0985d3a652c4186feb39086a3b7fe258ac2646034a9b08ec93652032f05ded21")
IV = bytes.fromhex("3d1fb3f8e882d1f4eeec594ad208d480")


def test_nist_f21_encrypt() -> None:
    assert aes_cbc_encrypt(NIST_KEY, NIST_IV, NIST_PLAIN) == NIST_CIPHER


def test_nist_f22_decrypt() -> None:
    assert aes_cbc_decrypt(NIST_KEY, NIST_IV, NIST_CIPHER) == NIST_PLAIN


def test_nist_single_block_chaining() -> None:
    # Block 2 of F.2.1 encrypted on its own uses ciphertext block 1 as its IV.
    assert aes_cbc_encrypt(NIST_KEY, NIST_CIPHER[:16], NIST_PLAIN[16:32]) == NIST_CIPHER[16:32]


@pytest.mark.parametrize("func", [aes_cbc_encrypt, aes_cbc_decrypt])
def test_aes_argument_errors_do_not_leak_key(func) -> None:  # type: ignore[no-untyped-def]
    secret = b"SeCrEtKeY0123456"
    for key, iv, data in [
        (secret, NIST_IV, b"x" * 15),
        (secret + b"!", NIST_IV, b"x" * 16),
        (secret, NIST_IV[:8], b"x" * 16),
    ]:
        with pytest.raises(ConfidentialityError) as info:
            func(key, iv, data)
        message = str(info.value) + repr(info.value)
        assert "SeCrEt" not in message and secret.hex() not in message


# ---------------------------------------------------------------------- payload pad


def _pad_count(length: int) -> int:
    """n with (length + n + 1) % 16 == 0, 0 <= n < 16, by brute force."""
    return next(n for n in range(16) if (length + n + 1) % 16 == 0)


@pytest.mark.parametrize("length", range(41))
def test_round_trip_and_exact_pad_layout(length: int) -> None:
    payload = bytes((i * 7 + 3) & 0xFF for i in range(length))
    data = encrypt_payload(K2, payload, IV)
    n = _pad_count(length)
    assert data[:16] == IV
    assert len(data) == 16 + length + n + 1
    assert (len(data) - 16) % 16 == 0
    plain = aes_cbc_decrypt(K2[:16], IV, data[16:])
    assert plain == payload + bytes(range(1, n + 1)) + bytes([n])
    assert decrypt_payload(K2, data) == payload


@pytest.mark.parametrize(
    ("length", "trailer"),
    [
        (0, "0102030405060708090a0b0c0d0e0f0f"),
        (8, "0102030405060707"),
        (14, "0101"),
        (15, "00"),
        (16, "0102030405060708090a0b0c0d0e0f0f"),
    ],
)
def test_pad_trailer_literals(length: int, trailer: str) -> None:
    data = encrypt_payload(K2, b"\xaa" * length, IV)
    plain = aes_cbc_decrypt(K2[:16], IV, data[16:])
    assert plain[length:] == bytes.fromhex(trailer)


def test_captured_freeipmi_packet_matches_exactly() -> None:
    """Suite 3 Set Session Privilege Level request from a real FreeIPMI 1.6.10 session
    (captured from ipmipower against ipmi_sim with tshark on lo, 2026-11-22; K2 derived
    from that capture's RAKP exchange, see test_rakp.py)."""
    k2 = bytes.fromhex("e994cc0f21e6f510f61528590d30fcde5d6395d8")
    wire = bytes.fromhex(
        "75e872c8b546c232b644182d58f32925e16e72ef908b8d5bc189768b8996113b"
    )
    message = bytes.fromhex("2018c881543b03ed")
    assert decrypt_payload(k2, wire) == message
    assert encrypt_payload(k2, message, wire[:16]) == wire


def test_openssl_cli_vector() -> None:
    # `openssl enc -aes-128-cbc -nopad -K <K2[:16]> -iv <IV>` over
    # 2018c881543b03ed 01020304050607 07 (2026-11-22).
    expected = IV + bytes.fromhex("7a65e670a61cd8779b1bf8efa087a2ea")
    assert encrypt_payload(K2, bytes.fromhex("2018c881543b03ed"), IV) == expected


def _encrypt_raw(plain: bytes) -> bytes:
    """IV || AES-CBC(K2[:16], IV, plain) for hand-built (possibly invalid) plaintexts."""
    return IV + aes_cbc_encrypt(K2[:16], IV, plain)


@pytest.mark.parametrize("length", [0, 1, 15, 16, 17, 31])
def test_reject_too_short(length: int) -> None:
    with pytest.raises(ConfidentialityError, match="too short"):
        decrypt_payload(K2, b"\x00" * length)


@pytest.mark.parametrize("length", [33, 40, 47, 49, 63])
def test_reject_not_block_multiple(length: int) -> None:
    with pytest.raises(ConfidentialityError, match="multiple of 16"):
        decrypt_payload(K2, b"\x00" * length)


@pytest.mark.parametrize(
    "plain",
    [
        b"\x20" * 12 + b"\x01\x02\x04" + b"\x03",  # third pad byte wrong
        b"\x20" * 14 + b"\x00" + b"\x01",  # pad byte 0 instead of 1
        b"\x20" * 12 + b"\x03\x02\x01" + b"\x03",  # descending
        b"\x20" * 16 + b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" + b"\x0a",
    ],
)
def test_reject_bad_pad_bytes(plain: bytes) -> None:
    with pytest.raises(ConfidentialityError, match="pad bytes"):
        decrypt_payload(K2, _encrypt_raw(plain))


@pytest.mark.parametrize("pad_len", [17, 31, 0x80, 0xFF])
def test_reject_pad_length_over_16(pad_len: int) -> None:
    with pytest.raises(ConfidentialityError, match="exceeds 16"):
        decrypt_payload(K2, _encrypt_raw(b"\x01" * 31 + bytes([pad_len])))


def test_reject_pad_longer_than_plaintext() -> None:
    # 16 bytes of plaintext cannot hold 16 pad bytes plus the length byte.
    plain = bytes(range(1, 16)) + b"\x10"
    with pytest.raises(ConfidentialityError, match="longer than"):
        decrypt_payload(K2, _encrypt_raw(plain))


def test_accept_pad_of_16() -> None:
    # 16 pad bytes and the length byte fit in 32 bytes: allowed (FreeIPMI's check is > 16).
    plain = b"\x5a" * 15 + bytes(range(1, 17)) + b"\x10"
    assert decrypt_payload(K2, _encrypt_raw(plain)) == b"\x5a" * 15


def test_short_k2_rejected_without_leaking() -> None:
    with pytest.raises(ConfidentialityError) as info:
        encrypt_payload(b"\xde\xad\xbe\xef", b"abc", IV)
    assert "deadbeef" not in str(info.value).lower()
    with pytest.raises(ConfidentialityError):
        decrypt_payload(b"\xde\xad", b"\x00" * 32)


def test_wrong_key_fails_or_differs() -> None:
    data = encrypt_payload(K2, b"hello ipmi", IV)
    other = bytes(16)
    try:
        result = decrypt_payload(other, data)
    except ConfidentialityError:
        return
    assert result != b"hello ipmi"


@settings(max_examples=200, deadline=None)
@given(
    k2=st.binary(min_size=0, max_size=40),
    data=st.one_of(
        st.binary(max_size=100),
        st.integers(min_value=2, max_value=5).flatmap(
            lambda blocks: st.binary(min_size=16 * blocks, max_size=16 * blocks)
        ),
    ),
)
def test_decrypt_arbitrary_bytes_only_raises_confidentiality_error(k2: bytes, data: bytes) -> None:
    try:
        result = decrypt_payload(k2, data)
    except ConfidentialityError:
        return
    assert isinstance(result, bytes)
    assert len(result) <= len(data) - 17


@settings(max_examples=100, deadline=None)
@given(
    k2=st.binary(min_size=16, max_size=32),
    iv=st.binary(min_size=16, max_size=16),
    payload=st.binary(max_size=80),
)
def test_round_trip_property(k2: bytes, iv: bytes, payload: bytes) -> None:
    assert decrypt_payload(k2, encrypt_payload(k2, payload, iv)) == payload


def test_crypto_modules_do_not_import_cryptography_eagerly() -> None:
    code = (
        "import sys\n"
        "import pyipmi_tools.crypto.confidentiality, pyipmi_tools.crypto.rakp\n"
        "import pyipmi_tools.crypto.integrity, pyipmi_tools.crypto.authcode15\n"
        "import pyipmi_tools.crypto.suites, pyipmi_tools.crypto.md2\n"
        "assert 'cryptography' not in sys.modules, 'cryptography imported eagerly'\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, env=env)


@pytest.mark.parametrize("builtin", [True, False])
def test_payload_argument_checks_for_both_providers(builtin: bool) -> None:
    from pyipmi_tools.crypto import confidentiality

    before = confidentiality.use_builtin_aes(builtin)
    try:
        with pytest.raises(ConfidentialityError, match="AES IV must be 16 bytes, got 8"):
            encrypt_payload(K2, b"abc", IV[:8])
        with pytest.raises(ConfidentialityError, match="K2 must be at least 16 bytes, got 4"):
            encrypt_payload(K2[:4], b"abc", IV[:8])       # the key is checked first, as before
        with pytest.raises(TypeError):
            encrypt_payload(K2, b"abc", None)  # type: ignore[arg-type]
        sealed = encrypt_payload(bytearray(K2), memoryview(b"hello ipmi"), bytearray(IV))
        assert sealed == encrypt_payload(K2, b"hello ipmi", IV)
        assert decrypt_payload(memoryview(K2), bytearray(sealed)) == b"hello ipmi"
    finally:
        confidentiality.use_builtin_aes(before)
