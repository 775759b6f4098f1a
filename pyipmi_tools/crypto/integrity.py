"""RMCP+ session integrity authcodes (IPMI 2.0 section 13.28.4)."""

from __future__ import annotations

from .digests import hmac_digest, md5, sha1, sha256
from .suites import IntegrityAlg

__all__ = ["MD5_128_PASSWORD_LEN", "integrity_authcode", "integrity_signer"]

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Callable

MD5_128_PASSWORD_LEN = 20

# Algorithm -> (hash, K1 bytes used as the key, authcode length) of the HMAC algorithms, None
# for the others.
_HMACS = {
    IntegrityAlg.NONE: None,
    IntegrityAlg.HMAC_SHA1_96: (sha1, 20, 12),
    IntegrityAlg.HMAC_MD5_128: (md5, 16, 16),
    IntegrityAlg.MD5_128: None,
    IntegrityAlg.HMAC_SHA256_128: (sha256, 32, 16),
}


def integrity_signer(alg: IntegrityAlg, k1: bytes, password: bytes) -> Callable[[bytes], bytes]:
    """The function from covered bytes to the session-trailer authcode, for one session.

    The covered bytes run from the RMCP+ session header's auth-type byte through the
    next-header byte. HMAC algorithms are keyed with K1 (``password`` unused);
    MD5-128 hashes pw20 || data || pw20 with the password zero-padded or cut to
    20 bytes (``k1`` unused). NONE gives b"".
    """
    hmac = _HMACS[IntegrityAlg(alg)]          # ValueError for an unknown algorithm
    if hmac is not None:
        hash, key_len, code_len = hmac
        key = bytes(k1[:key_len])

        def sign(data: bytes) -> bytes:
            return hmac_digest(key, data, hash)[:code_len]
        return sign
    if alg == IntegrityAlg.NONE:
        return lambda data: b""
    # IntegrityAlg.MD5_128
    pw20 = bytes(password[:MD5_128_PASSWORD_LEN]).ljust(MD5_128_PASSWORD_LEN, b"\x00")
    return lambda data: md5(pw20 + bytes(data) + pw20).digest()


def integrity_authcode(alg: IntegrityAlg, k1: bytes, password: bytes, data: bytes) -> bytes:
    """The session-trailer authcode of ``data`` (see :func:`integrity_signer`)."""
    return integrity_signer(alg, k1, password)(data)
