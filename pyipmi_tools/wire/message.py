"""The IPMI LAN message inside a session packet (IPMI 2.0 spec, section 13.8).

Layout: ``rsSA, netFn<<2|rsLUN, checksum1, rqSA, rqSeq<<2|rqLUN, cmd, data..., checksum2``.
"""

from __future__ import annotations

from ..record import record

from .buffer import DecodeError

BMC_SLAVE_ADDRESS = 0x20
REMOTE_CONSOLE_SOFTWARE_ID = 0x81


def checksum(data: bytes) -> int:
    """Two's complement of the byte sum: what makes the bytes sum to 0 mod 256."""
    return -sum(data) & 0xFF


@record
class Message:
    """A decoded IPMI message. ``data`` excludes the completion code for responses."""

    netfn: int
    cmd: int
    rq_seq: int
    data: bytes
    completion_code: int | None = None  # responses only
    rs_addr: int = BMC_SLAVE_ADDRESS
    rq_addr: int = REMOTE_CONSOLE_SOFTWARE_ID
    rs_lun: int = 0
    rq_lun: int = 0

    @property
    def is_response(self) -> bool:
        return bool(self.netfn & 1)


def encode_request(netfn: int, cmd: int, rq_seq: int, data: bytes = b"",
                   rs_addr: int = BMC_SLAVE_ADDRESS, rq_addr: int = REMOTE_CONSOLE_SOFTWARE_ID) -> bytes:
    head = bytes((rs_addr, (netfn << 2) & 0xFF))
    body = bytes((rq_addr, (rq_seq & 0x3F) << 2, cmd)) + data
    return head + bytes((checksum(head),)) + body + bytes((checksum(body),))


def encode_response(netfn: int, cmd: int, rq_seq: int, completion_code: int, data: bytes = b"",
                    rq_addr: int = REMOTE_CONSOLE_SOFTWARE_ID, rs_addr: int = BMC_SLAVE_ADDRESS) -> bytes:
    """BMC side: the response to a request (``netfn`` is the response netfn, odd)."""
    head = bytes((rq_addr, (netfn << 2) & 0xFF))
    body = bytes((rs_addr, (rq_seq & 0x3F) << 2, cmd, completion_code)) + data
    return head + bytes((checksum(head),)) + body + bytes((checksum(body),))


def _split(raw: bytes, verify_checksums: bool) -> tuple[bytes, bytes]:
    if len(raw) < 7:
        raise DecodeError(f"IPMI message of {len(raw)} bytes is shorter than 7")
    head, body = raw[:2], raw[3:-1]
    if verify_checksums:
        if checksum(head) != raw[2]:
            raise DecodeError("IPMI message checksum 1 is wrong")
        if checksum(body) != raw[-1]:
            raise DecodeError("IPMI message checksum 2 is wrong")
    return head, body


def decode_response(raw: bytes, verify_checksums: bool = True) -> Message:
    """Decode a response; the first data byte is split off as the completion code."""
    head, body = _split(raw, verify_checksums)
    if len(body) < 4:
        raise DecodeError("IPMI response has no completion code")
    return Message(netfn=head[1] >> 2, rs_lun=head[1] & 3, rq_addr=head[0], rs_addr=body[0],
                   rq_seq=body[1] >> 2, rq_lun=body[1] & 3, cmd=body[2],
                   completion_code=body[3], data=bytes(body[4:]))


def decode_request(raw: bytes, verify_checksums: bool = True) -> Message:
    """BMC side: decode a request."""
    head, body = _split(raw, verify_checksums)
    return Message(netfn=head[1] >> 2, rs_lun=head[1] & 3, rs_addr=head[0], rq_addr=body[0],
                   rq_seq=body[1] >> 2, rq_lun=body[1] & 3, cmd=body[2], data=bytes(body[3:]))
