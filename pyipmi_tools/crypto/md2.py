"""MD2 message digest (RFC 1319), needed for IPMI 1.5 MD2 session authcodes.

Python's hashlib does not provide MD2 (OpenSSL 3 dropped it), so this is a
small self-contained implementation. Speed is irrelevant for IPMI: messages
are a few dozen bytes.
"""

from __future__ import annotations

__all__ = ["md2"]

_BLOCK = 16

# RFC 1319 section 3.2: the 256-byte permutation "S" built from the digits of pi.
_S = bytes.fromhex(
    "292e43c9a2d87c013d3654a1ecf00613"
    "62a705f3c0c7738c98932bd9bc4c82ca"
    "1e9b573cfdd4e01667426f188a17e512"
    "be4ec4d6da9ede49a0fbf58ebb2fee7a"
    "a968799115b2073f94c210890b225f21"
    "807f5d9a5a903227353ecce7bff79703"
    "ff1930b348a5b5d1d75e922aac56aac6"
    "4fb838d296a47db676fc6be29c7404f1"
    "459d705964718720865bcf65e62da802"
    "1b6025adaeb0b9f61c46616934407e0f"
    "5547a323dd51af3ac35cf9cebac5ea26"
    "2c530d6e85288409d3dfcdf441814d52"
    "6adc37c86cc1abfa24e17b080cbdb14a"
    "7888958be363e86de9cbd5fe3b001d39"
    "f2efb70e6658d0e4a67772f8eb754b0a"
    "314450b48fed1f1adb998d339f118314"
)


def _pad(data: bytes) -> bytes:
    """Append n bytes of value n (1..16) so the length is a multiple of 16 (step 3.1)."""
    fill = _BLOCK - len(data) % _BLOCK
    return data + bytes((fill,)) * fill


def _checksum(padded: bytes) -> bytes:
    """The 16-byte checksum appended to the padded message (step 3.2)."""
    check = bytearray(_BLOCK)
    last = 0
    for pos, byte in enumerate(padded):
        j = pos % _BLOCK
        check[j] ^= _S[byte ^ last]
        last = check[j]
    return bytes(check)


def md2(data: bytes) -> bytes:
    """Return the 16-byte MD2 digest of ``data``."""
    message = _pad(bytes(data))
    message += _checksum(message)
    state = bytearray(3 * _BLOCK)
    for start in range(0, len(message), _BLOCK):
        for j in range(_BLOCK):
            value = message[start + j]
            state[_BLOCK + j] = value
            state[2 * _BLOCK + j] = value ^ state[j]
        t = 0
        for round_no in range(18):
            for k in range(3 * _BLOCK):
                state[k] ^= _S[t]
                t = state[k]
            t = (t + round_no) & 0xFF
    return bytes(state[:_BLOCK])
