"""How FreeIPMI reads option values, shared by the command line and freeipmi.conf.

Both read numbers with C's ``strtol`` and keep them in an ``int``, match names
case-insensitively against the same tables and accept K_g in the same two forms, so
those rules live here once. Nothing but the standard library's builtins is imported:
the configuration-file reader loads this on every run.
"""

from __future__ import annotations

# FreeIPMI's names, canonical spelling first (the values the tools store).
OUTOFBAND_DRIVER_TYPES = {"lan": "lan", "lan_2_0": "lan_2_0", "lan20": "lan_2_0", "lan_20": "lan_2_0",
                          "lan2_0": "lan_2_0", "lanplus": "lan_2_0"}
DRIVER_TYPES = {"kcs": "kcs", "ssif": "ssif", "openipmi": "openipmi", "open": "openipmi",
                "sunbmc": "sunbmc", "bmc": "sunbmc", "inteldcmi": "inteldcmi", **OUTOFBAND_DRIVER_TYPES}
AUTHENTICATION_TYPES = {"none": "none", "straight_password_key": "straight_password_key",
                        "plain": "straight_password_key", "md2": "md2", "md5": "md5"}
PRIVILEGE_LEVELS = {"user": "user", "operator": "operator", "admin": "admin", "administrator": "admin"}
# The IDs FreeIPMI implements (pyipmi_tools.crypto.suites.SUPPORTED_SUITES has the same keys;
# a test keeps them equal without this module importing the crypto package).
SUPPORTED_CIPHER_SUITES = frozenset((0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17))

MAX_K_G = 20                 # IPMI_MAX_K_G_LENGTH

_LONG_MIN, _LONG_MAX = -(1 << 63), (1 << 63) - 1
_SPACE = b" \t\n\v\f\r"
_DIGITS = b"0123456789abcdefghijklmnopqrstuvwxyz"


def as_bytes(text: str | bytes) -> bytes:
    """Command-line text as the C code sees it (the file system encoding, surrogates kept)."""
    if isinstance(text, str):
        from ..posixio import fsencode
        return fsencode(text)
    return bytes(text)


def ascii_lower(text: str | bytes) -> str:
    """``strcasecmp``'s folding: only A-Z change (bytes are read as Latin-1)."""
    s = text.decode("latin-1") if isinstance(text, (bytes, bytearray)) else text
    return "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in s)


def _digit(c: int, base: int) -> bool:
    low = c | 0x20 if 0x41 <= c <= 0x5A else c
    return low in _DIGITS[:base]


def strtol(text: str | bytes, base: int = 0) -> tuple[int, bytes, bool]:
    """glibc ``strtol(text, &end, base)``: (value, unparsed rest, ERANGE).

    Without any digits the value is 0 and the rest is the whole text; out-of-range
    values saturate at the 64-bit ``long`` limits with the flag set.
    """
    s = as_bytes(text)
    i, n = 0, len(s)
    while i < n and s[i] in _SPACE:
        i += 1
    negative = False
    if i < n and s[i] in b"+-":
        negative = s[i] == 0x2D
        i += 1
    if base in (0, 16) and s[i:i + 2].lower() == b"0x" and i + 2 < n and _digit(s[i + 2], 16):
        i += 2
        base = 16
    elif base == 0:
        base = 8 if s[i:i + 1] == b"0" else 10
    start = i
    value = 0
    while i < n and _digit(s[i], base):
        value = value * base + _DIGITS.index(bytes((s[i],)).lower())
        i += 1
    if i == start:
        return 0, s, False
    value = -value if negative else value
    if value > _LONG_MAX:
        return _LONG_MAX, s[i:], True
    if value < _LONG_MIN:
        return _LONG_MIN, s[i:], True
    return value, s[i:], False


def strtol_long(text: str | bytes, base: int = 0) -> int | None:
    """``strtol`` that must consume the whole text without overflow; None otherwise.

    The empty string is 0, as in C (no digits, nothing left over).
    """
    value, rest, overflow = strtol(text, base)
    return None if overflow or rest else value


def c_int(value: int) -> int:
    """C's conversion of a ``long`` to ``int``: the low 32 bits, signed."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def strtol_int(text: str | bytes, base: int = 0) -> int | None:
    """FreeIPMI's idiom ``tmp = strtol(arg, &end, base); if (errno || *end) fail``.

    None when invalid; otherwise the value as stored in an ``int`` (low 32 bits).
    """
    value = strtol_long(text, base)
    return None if value is None else c_int(value)


def k_g_key(text: str | bytes) -> bytes:
    """A K_g: text of up to 20 bytes, or ``0x`` and up to 40 hex digits (an odd last digit
    is a byte of its own). ``""`` and ``0x`` give an empty key.

    Raises ValueError with FreeIPMI's message: ``k_g too long`` or
    ``k_g input formatted incorrectly``.
    """
    value = as_bytes(text)
    hexadecimal = value[:2].lower() == b"0x"
    if len(value) > (2 * MAX_K_G + 2 if hexadecimal else MAX_K_G):
        raise ValueError("k_g too long")
    if not hexadecimal:
        return value
    digits = value[2:]
    if any(not _digit(c, 16) for c in digits):
        raise ValueError("k_g input formatted incorrectly")
    return bytes(int(digits[i:i + 2], 16) for i in range(0, len(digits), 2))
