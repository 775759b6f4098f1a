"""RMCP framing (DMTF ASF 2.0) and the ASF presence ping / pong."""

from __future__ import annotations

from ..record import record

from .buffer import DecodeError, Reader

RMCP_VERSION = 0x06
RMCP_SEQ_NO_ACK = 0xFF
CLASS_ASF = 0x06
CLASS_IPMI = 0x07
IPMI_HEADER = bytes((RMCP_VERSION, 0x00, RMCP_SEQ_NO_ACK, CLASS_IPMI))
ASF_IANA = 4542
ASF_PRESENCE_PING = 0x80
ASF_PRESENCE_PONG = 0x40


def check_ipmi_header(datagram: bytes) -> None:
    """Raise :class:`DecodeError` unless ``datagram`` starts with an RMCP header of class IPMI.

    The session decoders call this and read on from offset 4, saving a copy of the datagram.
    """
    if len(datagram) < 4:
        raise DecodeError("datagram shorter than the RMCP header")
    if datagram[0] != RMCP_VERSION:
        raise DecodeError(f"RMCP version {datagram[0]:#04x}, expected 0x06")
    if datagram[3] & 0x9F != CLASS_IPMI:  # class bits 4:0, not an ACK (bit 7); bits 6:5 reserved
        raise DecodeError(f"RMCP class {datagram[3]:#04x} is not an IPMI message")


def strip_ipmi_header(datagram: bytes) -> bytes:
    """Return what follows a valid RMCP header of class IPMI."""
    check_ipmi_header(datagram)
    return datagram[4:]


def encode_presence_ping(tag: int) -> bytes:
    """An RMCP ASF Presence Ping with message tag ``tag``."""
    return bytes((RMCP_VERSION, 0, RMCP_SEQ_NO_ACK, CLASS_ASF)) + ASF_IANA.to_bytes(4, "big") + bytes(
        (ASF_PRESENCE_PING, tag & 0xFF, 0, 0))


@record
class PresencePong:
    tag: int
    ipmi_supported: bool


def decode_presence_pong(datagram: bytes) -> PresencePong:
    r = Reader(datagram)
    version, _reserved, _seq, klass = r.take(4, "RMCP header")
    if version != RMCP_VERSION or klass & 0x1F != CLASS_ASF:
        raise DecodeError("not an RMCP ASF message")
    if int.from_bytes(r.take(4, "IANA"), "big") != ASF_IANA:
        raise DecodeError("ASF IANA enterprise number is not 4542")
    msg_type, tag, _reserved2, length = r.take(4, "ASF header")
    if msg_type != ASF_PRESENCE_PONG:
        raise DecodeError(f"ASF message type {msg_type:#04x} is not a presence pong")
    body = r.take(length, "presence pong data")
    if len(body) < 9:
        raise DecodeError("presence pong data shorter than 9 bytes")
    return PresencePong(tag=tag, ipmi_supported=bool(body[8] & 0x80))


def encode_presence_pong(tag: int, ipmi_supported: bool = True) -> bytes:
    """BMC side: the answer to a presence ping."""
    body = ASF_IANA.to_bytes(4, "big") + bytes(4) + bytes((0x81 if ipmi_supported else 0x01, 0)) + bytes(6)
    return bytes((RMCP_VERSION, 0, RMCP_SEQ_NO_ACK, CLASS_ASF)) + ASF_IANA.to_bytes(4, "big") + bytes(
        (ASF_PRESENCE_PONG, tag & 0xFF, 0, len(body))) + body


def decode_presence_ping(datagram: bytes) -> int:
    """BMC side: the message tag of a presence ping."""
    if (len(datagram) < 12 or datagram[0] != RMCP_VERSION or datagram[3] & 0x1F != CLASS_ASF
            or int.from_bytes(datagram[4:8], "big") != ASF_IANA or datagram[8] != ASF_PRESENCE_PING):
        raise DecodeError("not an ASF presence ping")
    return datagram[9]
