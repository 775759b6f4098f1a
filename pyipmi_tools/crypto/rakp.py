"""RMCP+ RAKP authcodes and session key derivation (IPMI 2.0 sections 13.31, 13.32).

``H`` is HMAC with the hash of the RAKP authentication algorithm. For
``AuthAlg.RAKP_NONE`` (cipher suite 0) every function returns b"".
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Any, Callable, Dict, Optional

from .digests import hmac_digest, md5, sha1, sha256
from .suites import RAKP4_ICV_LEN, AuthAlg

__all__ = [
    "auth_hmac",
    "rakp2_authcode",
    "rakp3_authcode",
    "session_integrity_key",
    "derive_k1",
    "derive_k2",
    "rakp4_icv",
]


_HASHES: Dict[AuthAlg, Optional[Callable[..., Any]]] = {
    AuthAlg.RAKP_NONE: None,
    AuthAlg.HMAC_SHA1: sha1,
    AuthAlg.HMAC_MD5: md5,
    AuthAlg.HMAC_SHA256: sha256,
}

_RANDOM_LEN = 16
_GUID_LEN = 16
_KEY_CONST_LEN = 20  # K1/K2 constants are 20 bytes for every algorithm (SHA-256 too)
_K1_CONST = b"\x01" * _KEY_CONST_LEN
_K2_CONST = b"\x02" * _KEY_CONST_LEN


def auth_hmac(alg: AuthAlg, key: bytes, data: bytes) -> bytes:
    """Return the full HMAC of ``data`` under ``key`` with ``alg``'s hash."""
    digest = _HASHES[AuthAlg(alg)]
    if digest is None:
        return b""
    return hmac_digest(bytes(key), bytes(data), digest)


def _le32(value: int, what: str) -> bytes:
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"{what} out of 32-bit range")
    return value.to_bytes(4, "little")


def _fixed(value: bytes, length: int, what: str) -> bytes:
    value = bytes(value)
    if len(value) != length:
        raise ValueError(f"{what} must be {length} bytes, got {len(value)}")
    return value


def _role_and_user(role: int, username: bytes) -> bytes:
    """role (1) || username length (1) || username, as hashed by RAKP."""
    username = bytes(username)
    if not 0 <= role <= 0xFF:
        raise ValueError("role out of byte range")
    if len(username) > 0xFF:
        raise ValueError("username longer than 255 bytes")
    return bytes((role, len(username))) + username


def rakp2_authcode(
    alg: AuthAlg,
    kuid: bytes,
    console_sid: int,
    bmc_sid: int,
    rm: bytes,
    rc: bytes,
    bmc_guid: bytes,
    role: int,
    username: bytes,
) -> bytes:
    """Key exchange authcode of RAKP message 2 (computed by the BMC, checked by us)."""
    data = b"".join(
        (
            _le32(console_sid, "console session ID"),
            _le32(bmc_sid, "BMC session ID"),
            _fixed(rm, _RANDOM_LEN, "Rm"),
            _fixed(rc, _RANDOM_LEN, "Rc"),
            _fixed(bmc_guid, _GUID_LEN, "BMC GUID"),
            _role_and_user(role, username),
        )
    )
    return auth_hmac(alg, kuid, data)


def rakp3_authcode(
    alg: AuthAlg, kuid: bytes, rc: bytes, console_sid: int, role: int, username: bytes
) -> bytes:
    """Key exchange authcode of RAKP message 3 (sent by the console)."""
    data = b"".join(
        (
            _fixed(rc, _RANDOM_LEN, "Rc"),
            _le32(console_sid, "console session ID"),
            _role_and_user(role, username),
        )
    )
    return auth_hmac(alg, kuid, data)


def session_integrity_key(
    alg: AuthAlg, key: bytes, rm: bytes, rc: bytes, role: int, username: bytes
) -> bytes:
    """SIK = H(key; Rm || Rc || role || ulen || user); ``key`` is K_g if set, else Kuid."""
    data = b"".join(
        (
            _fixed(rm, _RANDOM_LEN, "Rm"),
            _fixed(rc, _RANDOM_LEN, "Rc"),
            _role_and_user(role, username),
        )
    )
    return auth_hmac(alg, key, data)


def derive_k1(alg: AuthAlg, sik: bytes) -> bytes:
    """K1 = H(SIK; 0x01 * 20), the integrity key."""
    return auth_hmac(alg, sik, _K1_CONST)


def derive_k2(alg: AuthAlg, sik: bytes) -> bytes:
    """K2 = H(SIK; 0x02 * 20); its first 16 bytes are the AES key."""
    return auth_hmac(alg, sik, _K2_CONST)


def rakp4_icv(alg: AuthAlg, sik: bytes, rm: bytes, bmc_sid: int, bmc_guid: bytes) -> bytes:
    """Integrity check value of RAKP message 4: truncated H(SIK; Rm || bmc_sid || GUID)."""
    icv_len = RAKP4_ICV_LEN[AuthAlg(alg)]
    data = b"".join(
        (
            _fixed(rm, _RANDOM_LEN, "Rm"),
            _le32(bmc_sid, "BMC session ID"),
            _fixed(bmc_guid, _GUID_LEN, "BMC GUID"),
        )
    )
    return auth_hmac(alg, sik, data)[:icv_len]
