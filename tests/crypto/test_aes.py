"""The pure-Python AES-128 against FIPS-197's vectors and against cryptography, and the provider switch."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings, strategies as st

from pyipmi_tools.crypto import aes, confidentiality
from pyipmi_tools.crypto.confidentiality import decrypt_payload, encrypt_payload


def test_fips197_appendix_c1():
    cipher = aes.Aes128(bytes(range(16)))
    plain = bytes.fromhex("00112233445566778899aabbccddeeff")
    assert cipher.encrypt_block(plain).hex() == "69c4e0d86a7b0430d8cdb78070b4c55a"
    assert cipher.decrypt_block(bytes.fromhex("69c4e0d86a7b0430d8cdb78070b4c55a")) == plain


def test_fips197_appendix_b():
    cipher = aes.Aes128(bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c"))
    assert cipher.encrypt_block(bytes.fromhex("3243f6a8885a308d313198a2e0370734")).hex() == \
        "3925841d02dc09fbdc118597196a0b32"


def test_sp800_38a_cbc_vector():
    key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
    iv = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
    plain = bytes.fromhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51")
    cipher = bytes.fromhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")
    assert aes.cbc_encrypt(key, iv, plain) == cipher
    assert aes.cbc_decrypt(key, iv, cipher) == plain


def test_rejects_bad_key_length():
    with pytest.raises(ValueError):
        aes.Aes128(bytes(15))


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16),
       st.integers(min_value=1, max_value=6).flatmap(lambda n: st.binary(min_size=16 * n, max_size=16 * n)))
def test_matches_cryptography(key, iv, data):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    expected = encryptor.update(data) + encryptor.finalize()
    assert aes.cbc_encrypt(key, iv, data) == expected
    assert aes.cbc_decrypt(key, iv, expected) == data


@pytest.mark.parametrize("builtin", [True, False])
def test_payloads_interoperate_across_providers(builtin, monkeypatch):
    monkeypatch.setattr(confidentiality, "_provider", None)
    k2 = os.urandom(20)
    iv = os.urandom(16)
    payload = b"\x20\x18\xc8\x81\x04\x01\x7a"
    confidentiality.use_builtin_aes(builtin)
    assert confidentiality.aes_provider() == ("builtin" if builtin else "cryptography")
    sealed = encrypt_payload(k2, payload, iv)
    confidentiality.use_builtin_aes(not builtin)
    assert decrypt_payload(k2, sealed) == payload


def test_shipped_tables_match_the_field_arithmetic():
    aes._build_tables()
    sbox, inv_sbox, te0, td0 = aes._derive_tables()
    assert aes._SBOX == sbox and aes._INV_SBOX == inv_sbox
    assert aes._TE is not None and aes._TD is not None
    assert aes._TE == aes._rotations(te0) and aes._TD == aes._rotations(td0)
    assert aes._SBOX[0x53] == 0xED        # FIPS-197 figure 7


def _gf_mul(a: int, b: int) -> int:
    """Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1, bit by bit."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        a = (a << 1) ^ (0x11B if a & 0x80 else 0)
        b >>= 1
    return product


def test_inv_mix_key_tables_are_multiplications():
    aes._build_tables()
    assert aes._INV_MIX_KEY_TABLES == tuple(bytes(_gf_mul(x, m) for x in range(256)) for m in (9, 13, 11, 14))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=0xFFFFFFFF), min_size=36, max_size=36))
def test_inv_mix_columns_of_round_keys(words):
    # FIPS-197 5.3.3 InvMixColumns on each word, rows r = 0..3 from the most significant byte.
    aes._build_tables()
    expected = []
    for w in words:
        a = w.to_bytes(4, "big")
        expected.append(int.from_bytes(bytes(
            _gf_mul(a[r], 14) ^ _gf_mul(a[(r + 1) % 4], 11) ^ _gf_mul(a[(r + 2) % 4], 13) ^ _gf_mul(a[(r + 3) % 4], 9)
            for r in range(4)), "big"))
    assert list(aes._inv_mix_columns(words)) == expected


@settings(max_examples=50, deadline=None)
@given(st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16), st.binary(min_size=16, max_size=16))
def test_cbc_single_block_path_matches_block_chaining(key, iv, block):
    cipher = aes.Aes128(key)
    chained = cipher.encrypt_block(bytes(a ^ b for a, b in zip(block, iv)))
    assert aes.cbc_encrypt(key, iv, block) == chained
    assert aes.cbc_encrypt(key, iv, block + block)[:16] == chained
    assert aes.cbc_decrypt(key, iv, chained) == block
    assert cipher.decrypt_block(cipher.encrypt_block(block)) == block


def test_bytes_like_keys_and_blocks():
    key = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
    plain = bytes.fromhex("3243f6a8885a308d313198a2e0370734")
    for k in (bytearray(key), memoryview(key)):
        cipher = aes.Aes128(k)
        assert cipher.encrypt_block(bytearray(plain)).hex() == "3925841d02dc09fbdc118597196a0b32"
        assert cipher.decrypt_block(memoryview(bytes.fromhex("3925841d02dc09fbdc118597196a0b32"))) == plain


def test_many_keys_beyond_the_expanded_key_cache():
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    iv = bytes(range(16))
    for i in range(aes._EXPANDED_MAX + 50):
        key = i.to_bytes(16, "big")
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        expected = encryptor.update(iv) + encryptor.finalize()
        assert aes.cbc_encrypt(key, iv, iv) == expected
        assert aes.cbc_decrypt(key, iv, expected) == iv
        assert len(aes._EXPANDED) <= aes._EXPANDED_MAX
