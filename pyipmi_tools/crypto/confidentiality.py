"""RMCP+ payload confidentiality: AES-CBC-128 (IPMI 2.0 section 13.29).

``cryptography`` is imported inside the AES functions so that importing this
module stays cheap for sessions that never encrypt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

__all__ = [
    "ConfidentialityError",
    "AES_BLOCK_LEN",
    "aes_cbc_encrypt",
    "aes_cbc_decrypt",
    "encrypt_payload",
    "decrypt_payload",
]

AES_BLOCK_LEN = 16
_KEY_LEN = 16
_MAX_PAD = 16


class ConfidentialityError(ValueError):
    """An encrypted payload or AES argument is malformed (never carries key bytes)."""


def _check_key_iv(key: bytes, iv: bytes) -> None:
    if len(key) != _KEY_LEN:
        raise ConfidentialityError(f"AES-128 key must be {_KEY_LEN} bytes, got {len(key)}")
    if len(iv) != AES_BLOCK_LEN:
        raise ConfidentialityError(f"AES IV must be {AES_BLOCK_LEN} bytes, got {len(iv)}")


def _cipher(key: bytes, iv: bytes) -> "Cipher[modes.CBC]":
    """Build the AES-CBC cipher object (imports cryptography on first use)."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    return Cipher(algorithms.AES(bytes(key)), modes.CBC(bytes(iv)))


def aes_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-128-CBC encrypt whole blocks; no padding is added."""
    _check_key_iv(key, iv)
    if len(plaintext) % AES_BLOCK_LEN:
        raise ConfidentialityError("plaintext length is not a multiple of 16")
    encryptor = _cipher(key, iv).encryptor()
    return encryptor.update(bytes(plaintext)) + encryptor.finalize()


def aes_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """AES-128-CBC decrypt whole blocks; no padding is removed."""
    _check_key_iv(key, iv)
    if len(ciphertext) % AES_BLOCK_LEN:
        raise ConfidentialityError("ciphertext length is not a multiple of 16")
    decryptor = _cipher(key, iv).decryptor()
    return decryptor.update(bytes(ciphertext)) + decryptor.finalize()


def _k2_key(k2: bytes) -> bytes:
    if len(k2) < _KEY_LEN:
        raise ConfidentialityError(f"K2 must be at least {_KEY_LEN} bytes, got {len(k2)}")
    return bytes(k2[:_KEY_LEN])


def encrypt_payload(k2: bytes, payload: bytes, iv: bytes) -> bytes:
    """Return IV || AES-CBC(K2[:16], IV, payload || 01 02 .. n || n).

    n (0..15) makes len(payload) + n + 1 a multiple of 16. ``iv`` must be 16
    fresh random bytes chosen by the caller.
    """
    payload = bytes(payload)
    pad_len = -(len(payload) + 1) % AES_BLOCK_LEN
    plaintext = payload + bytes(range(1, pad_len + 1)) + bytes((pad_len,))
    return bytes(iv) + aes_cbc_encrypt(_k2_key(k2), iv, plaintext)


def decrypt_payload(k2: bytes, data: bytes) -> bytes:
    """Inverse of :func:`encrypt_payload`: ``data`` is IV || ciphertext.

    Raises ConfidentialityError if ``data`` is shorter than 32 bytes, the
    ciphertext is not whole blocks, or the confidentiality pad is invalid.
    """
    data = bytes(data)
    key = _k2_key(k2)
    if len(data) < 2 * AES_BLOCK_LEN:
        raise ConfidentialityError(f"encrypted payload too short: {len(data)} bytes")
    iv, ciphertext = data[:AES_BLOCK_LEN], data[AES_BLOCK_LEN:]
    if len(ciphertext) % AES_BLOCK_LEN:
        raise ConfidentialityError(
            f"encrypted payload length {len(ciphertext)} is not a multiple of 16"
        )
    plaintext = aes_cbc_decrypt(key, iv, ciphertext)
    pad_len = plaintext[-1]
    if pad_len > _MAX_PAD:
        raise ConfidentialityError(f"confidentiality pad length {pad_len} exceeds 16")
    if pad_len + 1 > len(plaintext):
        raise ConfidentialityError("confidentiality pad longer than the decrypted payload")
    end = len(plaintext) - 1 - pad_len
    if plaintext[end:-1] != bytes(range(1, pad_len + 1)):
        raise ConfidentialityError("confidentiality pad bytes are not 1, 2, .., n")
    return plaintext[:end]
