"""RMCP+ cipher suites: algorithm numbers and the suites FreeIPMI 1.6.10 supports."""

from __future__ import annotations

from ..constants import IntConstant
from ..record import record
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Dict

__all__ = [
    "AuthAlg",
    "IntegrityAlg",
    "ConfAlg",
    "CipherSuite",
    "SUPPORTED_SUITES",
    "MAX_SUITE_ID",
    "cipher_suite",
    "is_valid_suite_id",
    "AUTH_DIGEST_LEN",
    "RAKP4_ICV_LEN",
    "INTEGRITY_AUTHCODE_LEN",
]


class AuthAlg(IntConstant):
    """RAKP authentication algorithm numbers (IPMI 2.0 table 13-17)."""

    RAKP_NONE = 0
    HMAC_SHA1 = 1
    HMAC_MD5 = 2
    HMAC_SHA256 = 3


class IntegrityAlg(IntConstant):
    """Integrity algorithm numbers (IPMI 2.0 table 13-18)."""

    NONE = 0
    HMAC_SHA1_96 = 1
    HMAC_MD5_128 = 2
    MD5_128 = 3
    HMAC_SHA256_128 = 4


class ConfAlg(IntConstant):
    """Confidentiality algorithm numbers (IPMI 2.0 table 13-19); no xRC4."""

    NONE = 0
    AES_CBC_128 = 1


@record
class CipherSuite:
    """One cipher suite: its ID and its three algorithms."""

    id: int
    auth: AuthAlg
    integrity: IntegrityAlg
    confidentiality: ConfAlg


def _suite(suite_id: int, auth: AuthAlg, integrity: IntegrityAlg, conf: ConfAlg) -> CipherSuite:
    return CipherSuite(id=suite_id, auth=auth, integrity=integrity, confidentiality=conf)


_A, _I, _C = AuthAlg, IntegrityAlg, ConfAlg

SUPPORTED_SUITES: Dict[int, CipherSuite] = {
    s.id: s
    for s in (
        _suite(0, _A.RAKP_NONE, _I.NONE, _C.NONE),
        _suite(1, _A.HMAC_SHA1, _I.NONE, _C.NONE),
        _suite(2, _A.HMAC_SHA1, _I.HMAC_SHA1_96, _C.NONE),
        _suite(3, _A.HMAC_SHA1, _I.HMAC_SHA1_96, _C.AES_CBC_128),
        _suite(6, _A.HMAC_MD5, _I.NONE, _C.NONE),
        _suite(7, _A.HMAC_MD5, _I.HMAC_MD5_128, _C.NONE),
        _suite(8, _A.HMAC_MD5, _I.HMAC_MD5_128, _C.AES_CBC_128),
        _suite(11, _A.HMAC_MD5, _I.MD5_128, _C.NONE),
        _suite(12, _A.HMAC_MD5, _I.MD5_128, _C.AES_CBC_128),
        _suite(15, _A.HMAC_SHA256, _I.NONE, _C.NONE),
        _suite(16, _A.HMAC_SHA256, _I.HMAC_SHA256_128, _C.NONE),
        _suite(17, _A.HMAC_SHA256, _I.HMAC_SHA256_128, _C.AES_CBC_128),
    )
}
"""The suites FreeIPMI implements (IDs 4, 5, 9, 10, 13, 14, 18, 19 need xRC4)."""

MAX_SUITE_ID = 19
"""Highest cipher suite ID that FreeIPMI's option parser accepts as well formed."""


def cipher_suite(suite_id: int) -> CipherSuite:
    """Return the suite with ``suite_id``; ``KeyError`` if it is not supported."""
    return SUPPORTED_SUITES[suite_id]


def is_valid_suite_id(suite_id: int) -> bool:
    """True if ``suite_id`` is a well-formed ID (0..19), whether supported or not.

    Use ``suite_id in SUPPORTED_SUITES`` to ask whether it is also implemented.
    """
    return 0 <= suite_id <= MAX_SUITE_ID


AUTH_DIGEST_LEN: Dict[AuthAlg, int] = {
    AuthAlg.RAKP_NONE: 0,
    AuthAlg.HMAC_SHA1: 20,
    AuthAlg.HMAC_MD5: 16,
    AuthAlg.HMAC_SHA256: 32,
}
"""Length of RAKP 2/3 authcodes and of the SIK (the full HMAC output)."""

RAKP4_ICV_LEN: Dict[AuthAlg, int] = {
    AuthAlg.RAKP_NONE: 0,
    AuthAlg.HMAC_SHA1: 12,
    AuthAlg.HMAC_MD5: 16,
    AuthAlg.HMAC_SHA256: 16,
}
"""Length of the RAKP message 4 integrity check value."""

INTEGRITY_AUTHCODE_LEN: Dict[IntegrityAlg, int] = {
    IntegrityAlg.NONE: 0,
    IntegrityAlg.HMAC_SHA1_96: 12,
    IntegrityAlg.HMAC_MD5_128: 16,
    IntegrityAlg.MD5_128: 16,
    IntegrityAlg.HMAC_SHA256_128: 16,
}
"""Length of the authcode in the session trailer of an authenticated packet."""
