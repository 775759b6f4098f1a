"""RMCP+ (IPMI 2.0) session packets and the session-setup payloads.

Packet: ``RMCP header | 0x06 | payload type | session id (4) | session seq (4) | length (2)
| payload | [integrity pad 0xFF.. | pad length | next header 0x07 | authcode]``.

The integrity trailer is present when the payload type's "authenticated" bit is set.
Computing or checking the authcode, and encrypting the payload, belong to the session
layer; these functions take and return the raw pieces.
"""

from __future__ import annotations

from ..constants import IntConstant
from ..record import record
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs milliseconds at start-up; annotations are strings
    from typing import Callable

from .buffer import DecodeError, Layout, Reader, u32le
from .rmcp import IPMI_HEADER, check_ipmi_header

AUTH_TYPE_RMCPPLUS = 0x06
NEXT_HEADER = 0x07
ENCRYPTED = 0x80
AUTHENTICATED = 0x40


class PayloadType(IntConstant):
    IPMI = 0x00
    SOL = 0x01
    OPEN_SESSION_REQUEST = 0x10
    OPEN_SESSION_RESPONSE = 0x11
    RAKP1 = 0x12
    RAKP2 = 0x13
    RAKP3 = 0x14
    RAKP4 = 0x15


class RmcpPlusStatus(IntConstant):
    NO_ERRORS = 0x00
    INSUFFICIENT_RESOURCES = 0x01
    INVALID_SESSION_ID = 0x02
    INVALID_PAYLOAD_TYPE = 0x03
    INVALID_AUTHENTICATION_ALGORITHM = 0x04
    INVALID_INTEGRITY_ALGORITHM = 0x05
    NO_MATCHING_AUTHENTICATION_PAYLOAD = 0x06
    NO_MATCHING_INTEGRITY_PAYLOAD = 0x07
    INACTIVE_SESSION_ID = 0x08
    INVALID_ROLE = 0x09
    UNAUTHORIZED_ROLE_OR_PRIVILEGE = 0x0A
    INSUFFICIENT_RESOURCES_AT_ROLE = 0x0B
    INVALID_NAME_LENGTH = 0x0C
    UNAUTHORIZED_NAME = 0x0D
    UNAUTHORIZED_GUID = 0x0E
    INVALID_INTEGRITY_CHECK_VALUE = 0x0F
    INVALID_CONFIDENTIALITY_ALGORITHM = 0x10
    NO_CIPHER_SUITE_MATCH = 0x11
    ILLEGAL_PARAMETER = 0x12


def status_name(code: int) -> str:
    try:
        return RmcpPlusStatus(code).name.lower().replace("_", " ")
    except ValueError:
        return f"reserved status {code:#04x}"


@record
class Packet20:
    payload_type: int         # bits 5:0 only
    encrypted: bool
    authenticated: bool
    session_id: int
    session_seq: int
    payload: bytes            # as on the wire (still encrypted if `encrypted`)
    signed: bytes = b""       # bytes the authcode covers (auth type .. next header)
    authcode: bytes = b""
    pad: bytes = b""


# The session header, after the 4-byte RMCP header: one unpack (or pack) per packet.
_SESSION_HEADER = Layout(("B", "auth type"), ("B", "payload type"), ("I", "session ID"),
                        ("I", "session sequence number"), ("H", "payload length"))
_PAYLOAD_START = 4 + _SESSION_HEADER.size
# The integrity pad and pad length for each pad length (0-3), and next header.
_INTEGRITY_TRAILERS = tuple(b"\xff" * pad_len + bytes((pad_len, NEXT_HEADER)) for pad_len in range(4))
_NOT_RMCPPLUS = "not an RMCP+ packet (auth type is not 0x06)"
_OEM_EXPLICIT = "OEM explicit payloads are not supported"


def encode_packet20(payload_type: int, session_id: int, session_seq: int, payload: bytes,
                    encrypted: bool = False,
                    sign: Callable[[bytes], bytes] | None = None) -> bytes:
    """Build a datagram; ``sign`` (given for authenticated packets) maps the covered bytes to the authcode."""
    ptype = payload_type | (ENCRYPTED if encrypted else 0) | (AUTHENTICATED if sign else 0)
    # Values the header cannot hold raise what bytes() and int.to_bytes() raise, not struct.error.
    if not 0 <= ptype <= 0xFF:
        raise ValueError("bytes must be in range(0, 256)")
    session_id, session_seq, length = session_id & 0xFFFFFFFF, session_seq & 0xFFFFFFFF, len(payload)
    if length > 0xFFFF:
        raise OverflowError("int too big to convert")
    header = _SESSION_HEADER.pack(AUTH_TYPE_RMCPPLUS, ptype, session_id, session_seq, length)
    if sign is None:
        return IPMI_HEADER + header + payload
    # The authcode covers auth type .. next header, padded with 0xFF to a multiple of 4 bytes.
    pad_len = -(len(header) + length + 2) % 4
    signed = header + payload + _INTEGRITY_TRAILERS[pad_len]
    return IPMI_HEADER + signed + sign(signed)


def decode_packet20(datagram: bytes, authcode_len: int = 0) -> Packet20:
    """Split a datagram. ``authcode_len`` is the session's integrity authcode length."""
    check_ipmi_header(datagram)
    size = len(datagram)
    if size < _PAYLOAD_START:
        raise _short_session_header(datagram)
    auth_type, ptype, sid, seq, length = _SESSION_HEADER.unpack_from(datagram, 4)
    if auth_type != AUTH_TYPE_RMCPPLUS:
        raise DecodeError(_NOT_RMCPPLUS)
    if ptype & 0x3F == 0x02:
        raise DecodeError(_OEM_EXPLICIT)
    end = _PAYLOAD_START + length
    if end > size:
        raise DecodeError(f"truncated payload: need {length} bytes, have {size - _PAYLOAD_START}")
    payload = datagram[_PAYLOAD_START:end]
    encrypted = (ptype & ENCRYPTED) != 0
    if not ptype & AUTHENTICATED:
        return Packet20(ptype & 0x3F, encrypted, False, sid, seq, payload)
    # The integrity trailer: 0xFF pad, pad length, next header, authcode.
    if size - end < 2 + authcode_len:
        raise DecodeError(f"integrity trailer of {size - end} bytes is too short for a "
                          f"{authcode_len}-byte authcode")
    split = size - authcode_len
    pad_len, next_header = datagram[split - 2], datagram[split - 1]
    pad = datagram[end:split - 2]
    if next_header != NEXT_HEADER:
        raise DecodeError(f"integrity trailer next header is {next_header:#04x}, not 0x07")
    if pad_len != len(pad) or pad_len > 4 or pad.strip(b"\xff"):
        raise DecodeError(f"integrity pad is malformed (pad length {pad_len}, {len(pad)} pad bytes)")
    signed, authcode = datagram[4:split], datagram[split:]
    return Packet20(ptype & 0x3F, encrypted, True, sid, seq, payload, signed, authcode, pad)


def _short_session_header(datagram: bytes) -> DecodeError:
    """The error for a datagram ending inside the session header: as read field by field,
    a wrong auth type or payload type already read comes before the first missing field."""
    if len(datagram) > 4 and datagram[4] != AUTH_TYPE_RMCPPLUS:
        return DecodeError(_NOT_RMCPPLUS)
    if len(datagram) > 5 and datagram[5] & 0x3F == 0x02:
        return DecodeError(_OEM_EXPLICIT)
    return _SESSION_HEADER.truncated(datagram, 4)


# --- session-setup payloads (IPMI 2.0 spec 13.17 - 13.23) -----------------------------

def _algorithm_record(kind: int, alg: int) -> bytes:
    return bytes((kind, 0, 0, 8, alg, 0, 0, 0))


@record
class OpenSessionRequest:
    tag: int
    max_privilege: int
    console_session_id: int
    auth_alg: int
    integrity_alg: int
    conf_alg: int

    def encode(self) -> bytes:
        return (bytes((self.tag & 0xFF, self.max_privilege & 0x0F, 0, 0)) + u32le(self.console_session_id)
                + _algorithm_record(0, self.auth_alg) + _algorithm_record(1, self.integrity_alg)
                + _algorithm_record(2, self.conf_alg))

    @classmethod
    def decode(cls, payload: bytes) -> "OpenSessionRequest":
        r = Reader(payload)
        tag, priv = r.u8(), r.u8()
        r.take(2)
        sid = r.u32()
        algs = [_decode_algorithm_record(r, kind) for kind in (0, 1, 2)]
        return cls(tag, priv & 0x0F, sid, *algs)


def _decode_algorithm_record(r: Reader, kind: int) -> int:
    rec = r.take(8, "algorithm payload")
    if rec[0] != kind:
        raise DecodeError(f"algorithm payload type {rec[0]} where {kind} was expected")
    return rec[4] & 0x3F


@record
class OpenSessionResponse:
    tag: int
    status: int
    max_privilege: int
    console_session_id: int | None      # None: an error reply that stops after the status byte
    bmc_session_id: int = 0
    auth_alg: int = 0
    integrity_alg: int = 0
    conf_alg: int = 0

    def encode(self) -> bytes:
        if self.console_session_id is None:
            return bytes((self.tag & 0xFF, self.status))
        head = bytes((self.tag & 0xFF, self.status, self.max_privilege & 0x0F, 0)) + u32le(self.console_session_id)
        if self.status:
            return head
        return (head + u32le(self.bmc_session_id) + _algorithm_record(0, self.auth_alg)
                + _algorithm_record(1, self.integrity_alg) + _algorithm_record(2, self.conf_alg))

    @classmethod
    def decode(cls, payload: bytes) -> "OpenSessionResponse":
        r = Reader(payload)
        tag, status = r.u8("tag"), r.u8("status")
        if status and r.remaining < 6:
            return cls(tag, status, 0, None)
        priv = r.u8("max privilege")
        r.take(1)
        console_sid = r.u32("remote console session ID")
        if status:
            return cls(tag, status, priv & 0x0F, console_sid)
        bmc_sid = r.u32("managed system session ID")
        algs = [_decode_algorithm_record(r, kind) for kind in (0, 1, 2)]
        return cls(tag, status, priv & 0x0F, console_sid, bmc_sid, *algs)


@record
class Rakp1:
    tag: int
    bmc_session_id: int
    console_random: bytes
    role: int
    username: bytes

    def encode(self) -> bytes:
        return (bytes((self.tag & 0xFF, 0, 0, 0)) + u32le(self.bmc_session_id) + self.console_random
                + bytes((self.role, 0, 0, len(self.username))) + self.username)

    @classmethod
    def decode(cls, payload: bytes) -> "Rakp1":
        r = Reader(payload)
        tag = r.u8()
        r.take(3)
        sid = r.u32()
        rm = r.take(16, "console random number")
        role = r.u8()
        r.take(2)
        ulen = r.u8()
        if ulen > 16:
            raise DecodeError(f"user name length {ulen} exceeds 16")
        return cls(tag, sid, rm, role, r.take(ulen, "user name"))


@record
class Rakp2:
    tag: int
    status: int
    console_session_id: int | None      # None: an error reply that stops after the status byte
    bmc_random: bytes = b""
    bmc_guid: bytes = b""
    key_exchange_authcode: bytes = b""

    def encode(self) -> bytes:
        if self.console_session_id is None:
            return bytes((self.tag & 0xFF, self.status))
        head = bytes((self.tag & 0xFF, self.status, 0, 0)) + u32le(self.console_session_id)
        if self.status:
            return head
        return head + self.bmc_random + self.bmc_guid + self.key_exchange_authcode

    @classmethod
    def decode(cls, payload: bytes) -> "Rakp2":
        r = Reader(payload)
        tag, status = r.u8("tag"), r.u8("status")
        if status and r.remaining < 6:
            return cls(tag, status, None)
        r.take(2)
        sid = r.u32("remote console session ID")
        if status:
            return cls(tag, status, sid)
        rc = r.take(16, "managed system random number")
        guid = r.take(16, "managed system GUID")
        return cls(tag, status, sid, rc, guid, r.rest())


@record
class Rakp3:
    tag: int
    status: int
    bmc_session_id: int
    authcode: bytes = b""

    def encode(self) -> bytes:
        return bytes((self.tag & 0xFF, self.status, 0, 0)) + u32le(self.bmc_session_id) + self.authcode

    @classmethod
    def decode(cls, payload: bytes) -> "Rakp3":
        r = Reader(payload)
        tag, status = r.u8(), r.u8()
        r.take(2)
        return cls(tag, status, r.u32(), r.rest())


@record
class Rakp4:
    tag: int
    status: int
    console_session_id: int | None      # None: an error reply that stops after the status byte
    integrity_check_value: bytes = b""

    def encode(self) -> bytes:
        if self.console_session_id is None:
            return bytes((self.tag & 0xFF, self.status))
        return bytes((self.tag & 0xFF, self.status, 0, 0)) + u32le(self.console_session_id) + self.integrity_check_value

    @classmethod
    def decode(cls, payload: bytes) -> "Rakp4":
        r = Reader(payload)
        tag, status = r.u8("tag"), r.u8("status")
        if status and r.remaining < 6:
            return cls(tag, status, None)
        r.take(2)
        return cls(tag, status, r.u32("remote console session ID"), r.rest())
