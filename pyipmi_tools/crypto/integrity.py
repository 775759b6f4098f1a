"""RMCP+ session integrity authcodes (IPMI 2.0 section 13.28.4)."""

from __future__ import annotations

from .digests import hmac_digest, md5, sha1, sha256
from .suites import IntegrityAlg

__all__ = ["MD5_128_PASSWORD_LEN", "integrity_authcode"]

MD5_128_PASSWORD_LEN = 20


def integrity_authcode(alg: IntegrityAlg, k1: bytes, password: bytes, data: bytes) -> bytes:
    """Return the session-trailer authcode for ``data``.

    ``data`` runs from the RMCP+ session header's auth-type byte through the
    next-header byte. HMAC algorithms are keyed with K1 (``password`` unused);
    MD5-128 hashes pw20 || data || pw20 with the password zero-padded or cut to
    20 bytes (``k1`` unused). NONE gives b"".
    """
    alg = IntegrityAlg(alg)
    data = bytes(data)
    if alg is IntegrityAlg.NONE:
        return b""
    if alg is IntegrityAlg.HMAC_SHA1_96:
        return hmac_digest(bytes(k1[:20]), data, sha1)[:12]
    if alg is IntegrityAlg.HMAC_MD5_128:
        return hmac_digest(bytes(k1[:16]), data, md5)
    if alg is IntegrityAlg.HMAC_SHA256_128:
        return hmac_digest(bytes(k1[:32]), data, sha256)[:16]
    # IntegrityAlg.MD5_128
    pw20 = bytes(password[:MD5_128_PASSWORD_LEN]).ljust(MD5_128_PASSWORD_LEN, b"\x00")
    return md5(pw20 + data + pw20).digest()

