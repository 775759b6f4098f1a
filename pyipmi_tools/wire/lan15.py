"""IPMI 1.5 session packets (IPMI 2.0 spec, section 13.6 and table 13-4).

``RMCP header | auth type | session seq (4) | session id (4) | [authcode (16)] | length | message``

The authcode is computed by the caller (it depends on the session's secrets);
this module only places and splits the bytes.
"""

from __future__ import annotations

from ..record import record

from .buffer import DecodeError, Reader, u32le
from .rmcp import IPMI_HEADER, check_ipmi_header

AUTH_TYPE_RMCPPLUS = 0x06


@record
class Packet15:
    auth_type: int
    session_seq: int
    session_id: int
    authcode: bytes  # b"" when auth_type is NONE
    message: bytes   # the IPMI message, checksums included


def encode_packet15(auth_type: int, session_seq: int, session_id: int, authcode: bytes,
                    message: bytes) -> bytes:
    if auth_type and len(authcode) != 16:
        raise ValueError("an IPMI 1.5 authcode is 16 bytes")
    return (IPMI_HEADER + bytes((auth_type,)) + u32le(session_seq) + u32le(session_id)
            + (authcode if auth_type else b"") + bytes((len(message),)) + message)


def decode_packet15(datagram: bytes) -> Packet15:
    check_ipmi_header(datagram)
    r = Reader(datagram, 4)
    auth_type = r.u8("auth type")
    if auth_type == AUTH_TYPE_RMCPPLUS:
        raise DecodeError("an RMCP+ (IPMI 2.0) packet where IPMI 1.5 was expected")
    if auth_type not in (0, 1, 2, 4, 5):
        raise DecodeError(f"IPMI 1.5 auth type {auth_type:#04x} is not defined")
    seq = r.u32("session sequence number")
    sid = r.u32("session ID")
    authcode = r.take(16, "authcode") if auth_type else b""
    length = r.u8("message length")
    message = r.take(length, "IPMI message")
    # Anything after the message is the legacy pad byte some BMCs send; ignored.
    return Packet15(auth_type, seq, sid, authcode, message)
