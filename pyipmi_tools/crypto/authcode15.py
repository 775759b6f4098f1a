"""IPMI 1.5 session authcodes (IPMI 1.5 spec section 6.12.8 / 2.0 section 22.17.1)."""

from __future__ import annotations

from ..constants import IntConstant

from .digests import md5
from .md2 import md2

__all__ = ["AuthType", "PASSWORD15_LEN", "pad_password16", "digest15", "authcode15"]

PASSWORD15_LEN = 16


class AuthType(IntConstant):
    """IPMI 1.5 authentication types that FreeIPMI implements."""

    NONE = 0
    MD2 = 1
    MD5 = 2
    STRAIGHT_PASSWORD = 4


def pad_password16(password: bytes) -> bytes:
    """Return ``password`` zero-padded, or cut, to exactly 16 bytes."""
    return bytes(password[:PASSWORD15_LEN]).ljust(PASSWORD15_LEN, b"\x00")


def digest15(auth_type: AuthType, data: bytes) -> bytes:
    """Return the bare 16-byte hash (MD2 or MD5) that ``auth_type`` uses."""
    auth_type = AuthType(auth_type)
    if auth_type is AuthType.MD5:
        return md5(bytes(data)).digest()
    if auth_type is AuthType.MD2:
        return md2(bytes(data))
    raise ValueError(f"authentication type {auth_type.name} has no digest")


def _le32(value: int, what: str) -> bytes:
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"{what} out of 32-bit range")
    return value.to_bytes(4, "little")


def authcode15(
    auth_type: AuthType,
    password: bytes,
    session_id: int,
    message: bytes,
    session_seq: int,
) -> bytes:
    """Return the authcode field of an IPMI 1.5 session header.

    ``message`` is the whole IPMI message (rsSA .. checksum2). NONE gives b"",
    STRAIGHT_PASSWORD the padded password, MD2/MD5 the 16-byte digest of
    P || session ID (LE32) || message || session sequence (LE32) || P.
    """
    auth_type = AuthType(auth_type)
    if auth_type is AuthType.NONE:
        return b""
    padded = pad_password16(password)
    if auth_type is AuthType.STRAIGHT_PASSWORD:
        return padded
    data = b"".join(
        (
            padded,
            _le32(session_id, "session ID"),
            bytes(message),
            _le32(session_seq, "session sequence number"),
            padded,
        )
    )
    return digest15(auth_type, data)
