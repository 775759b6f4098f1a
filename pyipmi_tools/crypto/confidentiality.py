"""RMCP+ payload confidentiality: AES-CBC-128 (IPMI 2.0 section 13.29).

Two interchangeable AES providers: ``cryptography`` (C speed, but 6-50 ms to import) and
:mod:`pyipmi_tools.crypto.aes` (pure Python, free to import, a few microseconds per block).
By default the first one importable wins, checked on first use; a one-shot command-line run
calls :func:`use_builtin_aes` because it encrypts only a few blocks, and the import would
cost more than the whole exchange with the BMC.
"""

from __future__ import annotations

__all__ = [
    "ConfidentialityError",
    "AES_BLOCK_LEN",
    "aes_cbc_encrypt",
    "aes_cbc_decrypt",
    "encrypt_payload",
    "decrypt_payload",
    "PayloadCipher",
    "use_builtin_aes",
    "aes_provider",
]

AES_BLOCK_LEN = 16
_KEY_LEN = 16
_MAX_PAD = 16

_provider: str | None = None     # "cryptography" or "builtin"; None: decide on first use
_cbc_functions: tuple | None = None   # the provider's (encrypt, decrypt), once chosen


class ConfidentialityError(ValueError):
    """An encrypted payload or AES argument is malformed (never carries key bytes)."""


def use_builtin_aes(builtin: bool = True) -> bool:
    """Use the pure-Python AES (True), or ``cryptography`` when importable (False), from now on.

    Returns whether the built-in one was explicitly chosen before, for restoring it.
    """
    global _provider, _cbc_functions
    before = _provider == "builtin"
    _provider = "builtin" if builtin else None
    _cbc_functions = None
    return before


def aes_provider() -> str:
    """The provider in use: ``"cryptography"`` if importable (unless overridden), else ``"builtin"``."""
    global _provider
    if _provider is None:
        try:
            import cryptography.hazmat.primitives.ciphers  # noqa: F401
        except ImportError:
            _provider = "builtin"
        else:
            _provider = "cryptography"
    return _provider


def _check_key_iv(key: bytes, iv: bytes) -> None:
    if len(key) != _KEY_LEN:
        raise ConfidentialityError(f"AES-128 key must be {_KEY_LEN} bytes, got {len(key)}")
    if len(iv) != AES_BLOCK_LEN:
        raise ConfidentialityError(f"AES IV must be {AES_BLOCK_LEN} bytes, got {len(iv)}")


def _provider_functions() -> tuple:
    """(encrypt, decrypt) of the provider in use, each ``f(key, iv, data) -> bytes``.

    They take bytes of the right lengths (16-byte key and IV, whole blocks): callers check.
    """
    global _cbc_functions
    if _cbc_functions is None:
        if aes_provider() == "builtin":
            from .aes import cbc_decrypt, cbc_encrypt
            _cbc_functions = (cbc_encrypt, cbc_decrypt)
        else:
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            def encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
                context = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
                return context.update(data) + context.finalize()

            def decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
                context = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
                return context.update(data) + context.finalize()

            _cbc_functions = (encrypt, decrypt)
    return _cbc_functions


def _cbc(key: bytes, iv: bytes, data: bytes, decrypt: bool) -> bytes:
    _check_key_iv(key, iv)
    if len(data) % AES_BLOCK_LEN:
        raise ConfidentialityError(f"{'ciphertext' if decrypt else 'plaintext'} length is not a multiple of 16")
    return (_cbc_functions or _provider_functions())[decrypt](bytes(key), bytes(iv), bytes(data))


def aes_cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-128-CBC encrypt whole blocks; no padding is added."""
    return _cbc(key, iv, plaintext, decrypt=False)


def aes_cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """AES-128-CBC decrypt whole blocks; no padding is removed."""
    return _cbc(key, iv, ciphertext, decrypt=True)


def _k2_key(k2: bytes) -> bytes:
    if len(k2) < _KEY_LEN:
        raise ConfidentialityError(f"K2 must be at least {_KEY_LEN} bytes, got {len(k2)}")
    return bytes(k2[:_KEY_LEN])


# The confidentiality pad and its length byte for each pad length n: 01 02 .. n n.
_COUNT = bytes(range(1, _MAX_PAD + 1))
_PADS = tuple(_COUNT[:n] + bytes((n,)) for n in range(AES_BLOCK_LEN))


class PayloadCipher:
    """AES-CBC-128 payload protection under one K2 (IPMI 2.0 section 13.29).

    A session protects every packet with the same K2: the key is checked and cut to 16
    bytes once, and the AES provider in use when the cipher is made serves all its packets.
    """

    __slots__ = ("_key", "_encrypt", "_decrypt")

    def __init__(self, k2: bytes) -> None:
        self._key = _k2_key(k2)
        self._encrypt, self._decrypt = _cbc_functions or _provider_functions()

    def encrypt(self, payload: bytes, iv: bytes) -> bytes:
        """Return IV || AES-CBC(K2[:16], IV, payload || 01 02 .. n || n).

        n (0..15) makes len(payload) + n + 1 a multiple of 16. ``iv`` must be 16
        fresh random bytes chosen by the caller.
        """
        if len(iv) != AES_BLOCK_LEN:
            raise ConfidentialityError(f"AES IV must be {AES_BLOCK_LEN} bytes, got {len(iv)}")
        iv = bytes(iv)
        plaintext = bytes(payload)
        plaintext += _PADS[-(len(plaintext) + 1) % AES_BLOCK_LEN]
        return iv + self._encrypt(self._key, iv, plaintext)

    def decrypt(self, data: bytes) -> bytes:
        """Inverse of :meth:`encrypt`: ``data`` is IV || ciphertext.

        Raises ConfidentialityError if ``data`` is shorter than 32 bytes, the
        ciphertext is not whole blocks, or the confidentiality pad is invalid.
        """
        data = bytes(data)
        if len(data) < 2 * AES_BLOCK_LEN:
            raise ConfidentialityError(f"encrypted payload too short: {len(data)} bytes")
        iv, ciphertext = data[:AES_BLOCK_LEN], data[AES_BLOCK_LEN:]
        if len(ciphertext) % AES_BLOCK_LEN:
            raise ConfidentialityError(
                f"encrypted payload length {len(ciphertext)} is not a multiple of 16"
            )
        plaintext = self._decrypt(self._key, iv, ciphertext)
        pad_len = plaintext[-1]
        if pad_len > _MAX_PAD:
            raise ConfidentialityError(f"confidentiality pad length {pad_len} exceeds 16")
        if pad_len + 1 > len(plaintext):
            raise ConfidentialityError("confidentiality pad longer than the decrypted payload")
        end = len(plaintext) - 1 - pad_len
        if plaintext[end:-1] != _COUNT[:pad_len]:
            raise ConfidentialityError("confidentiality pad bytes are not 1, 2, .., n")
        return plaintext[:end]


def encrypt_payload(k2: bytes, payload: bytes, iv: bytes) -> bytes:
    """:meth:`PayloadCipher.encrypt` under ``k2``, once."""
    return PayloadCipher(k2).encrypt(payload, iv)


def decrypt_payload(k2: bytes, data: bytes) -> bytes:
    """:meth:`PayloadCipher.decrypt` under ``k2``, once."""
    return PayloadCipher(k2).decrypt(data)
