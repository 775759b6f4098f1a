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


def _check(raw: bytes, verify_checksums: bool) -> None:
    """Raise DecodeError for a message shorter than 7 bytes or (if verifying) a wrong checksum."""
    if len(raw) < 7:
        raise DecodeError(f"IPMI message of {len(raw)} bytes is shorter than 7")
    if verify_checksums:
        if (raw[0] + raw[1] + raw[2]) & 0xFF:
            raise DecodeError("IPMI message checksum 1 is wrong")
        # Checksum 1 is right, so the first three bytes sum to 0 (mod 256): the whole message
        # sums to 0 exactly when checksum 2 is right too, and no copy of the body is needed.
        if sum(raw) & 0xFF:
            raise DecodeError("IPMI message checksum 2 is wrong")


def decode_response(raw: bytes, verify_checksums: bool = True) -> Message:
    """Decode a response; the first data byte is split off as the completion code."""
    _check(raw, verify_checksums)
    if len(raw) < 8:
        raise DecodeError("IPMI response has no completion code")
    rq_addr, netfn_lun, _checksum1, rs_addr, seq_lun, cmd, completion_code = raw[:7]
    # Message(netfn, cmd, rq_seq, data, completion_code, rs_addr, rq_addr, rs_lun, rq_lun):
    # positional, since a call with nine keywords costs half as much again
    return Message(netfn_lun >> 2, cmd, seq_lun >> 2, bytes(raw[7:-1]), completion_code,
                   rs_addr, rq_addr, netfn_lun & 3, seq_lun & 3)


def decode_request(raw: bytes, verify_checksums: bool = True) -> Message:
    """BMC side: decode a request."""
    _check(raw, verify_checksums)
    rs_addr, netfn_lun, _checksum1, rq_addr, seq_lun, cmd = raw[:6]
    return Message(netfn_lun >> 2, cmd, seq_lun >> 2, bytes(raw[6:-1]), None,
                   rs_addr, rq_addr, netfn_lun & 3, seq_lun & 3)
