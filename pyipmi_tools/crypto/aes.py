"""AES-128 block cipher in pure Python (FIPS-197), with CBC mode on whole blocks.

Why it exists: an RMCP+ session encrypts a handful of 16-byte blocks, while importing
``cryptography`` costs 6-50 ms depending on its version, several times what FreeIPMI's whole
``ipmipower --stat`` takes.  One-shot command-line runs therefore use this cipher, and
:mod:`pyipmi_tools.crypto.confidentiality` uses ``cryptography`` wherever many sessions share
the import (fan-out, the simulator, the library API).  Both are checked against each other
and against the FIPS-197 vectors in the tests.

The implementation is the usual 32-bit "T-table" formulation: each round is 16 table
look-ups and XORs on four column words.  The tables are built from the field arithmetic
on first use (about a millisecond), so importing this module costs nothing.
"""

from __future__ import annotations

__all__ = ["Aes128", "cbc_encrypt", "cbc_decrypt"]

_ROUNDS = 10

# Filled by _build_tables(): S-box, inverse S-box, encryption and decryption T-tables
# (four rotations each), and the round constants.
_SBOX: bytes = b""
_INV_SBOX: bytes = b""
_TE: tuple[list[int], list[int], list[int], list[int]] | None = None
_TD: tuple[list[int], list[int], list[int], list[int]] | None = None
_RCON = (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36)


def _build_tables() -> None:
    global _SBOX, _INV_SBOX, _TE, _TD
    # Logarithms in GF(2^8) to base 3 (a generator of the multiplicative group).
    exp = [0] * 510
    log = [0] * 256
    x = 1
    for i in range(255):
        exp[i] = exp[i + 255] = x
        log[x] = i
        x ^= (x << 1) ^ (0x11B if x & 0x80 else 0)   # multiply by 3
    sbox = bytearray(256)
    for a in range(256):
        inv = exp[255 - log[a]] if a else 0
        # The affine map of FIPS-197 5.1.1: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63.
        s = inv
        for shift in (1, 2, 3, 4):
            s ^= ((inv << shift) | (inv >> (8 - shift))) & 0xFF
        sbox[a] = s ^ 0x63
    inv_sbox = bytearray(256)
    for a, s in enumerate(sbox):
        inv_sbox[s] = a

    def mul(a: int, b: int) -> int:
        return exp[log[a] + log[b]] if a and b else 0

    te0 = []
    td0 = []
    for a in range(256):
        s = sbox[a]
        te0.append((mul(s, 2) << 24) | (s << 16) | (s << 8) | mul(s, 3))
        v = inv_sbox[a]
        td0.append((mul(v, 14) << 24) | (mul(v, 9) << 16) | (mul(v, 13) << 8) | mul(v, 11))

    def rotations(t0: list[int]) -> tuple[list[int], list[int], list[int], list[int]]:
        t1 = [((w >> 8) | (w << 24)) & 0xFFFFFFFF for w in t0]
        t2 = [((w >> 8) | (w << 24)) & 0xFFFFFFFF for w in t1]
        t3 = [((w >> 8) | (w << 24)) & 0xFFFFFFFF for w in t2]
        return t0, t1, t2, t3

    _SBOX, _INV_SBOX = bytes(sbox), bytes(inv_sbox)
    _TE, _TD = rotations(te0), rotations(td0)


def _sub_word(w: int) -> int:
    s = _SBOX
    return (s[w >> 24] << 24) | (s[(w >> 16) & 0xFF] << 16) | (s[(w >> 8) & 0xFF] << 8) | s[w & 0xFF]


class Aes128:
    """One AES-128 key, expanded for both directions."""

    __slots__ = ("_enc", "_dec")

    def __init__(self, key: bytes) -> None:
        if len(key) != 16:
            raise ValueError(f"AES-128 key must be 16 bytes, got {len(key)}")
        if _TE is None:
            _build_tables()
        w = [int.from_bytes(key[i:i + 4], "big") for i in range(0, 16, 4)]
        for i in range(4, 4 * (_ROUNDS + 1)):
            t = w[i - 1]
            if i % 4 == 0:
                t = _sub_word(((t << 8) | (t >> 24)) & 0xFFFFFFFF) ^ (_RCON[i // 4 - 1] << 24)
            w.append(w[i - 4] ^ t)
        self._enc = w
        # The equivalent inverse cipher (FIPS-197 5.3.5): reversed round keys, with
        # InvMixColumns applied to all but the first and last.
        assert _TD is not None
        td0, td1, td2, td3 = _TD
        s = _SBOX
        dec = list(w[40:44])
        for r in range(_ROUNDS - 1, 0, -1):
            for k in w[4 * r:4 * r + 4]:
                dec.append(td0[s[k >> 24]] ^ td1[s[(k >> 16) & 0xFF]] ^ td2[s[(k >> 8) & 0xFF]] ^ td3[s[k & 0xFF]])
        dec.extend(w[0:4])
        self._dec = dec

    def encrypt_block(self, block: bytes) -> bytes:
        assert _TE is not None
        t0, t1, t2, t3 = _TE
        rk = self._enc
        s0 = int.from_bytes(block[0:4], "big") ^ rk[0]
        s1 = int.from_bytes(block[4:8], "big") ^ rk[1]
        s2 = int.from_bytes(block[8:12], "big") ^ rk[2]
        s3 = int.from_bytes(block[12:16], "big") ^ rk[3]
        for r in range(4, 40, 4):
            s0, s1, s2, s3 = (
                t0[s0 >> 24] ^ t1[(s1 >> 16) & 0xFF] ^ t2[(s2 >> 8) & 0xFF] ^ t3[s3 & 0xFF] ^ rk[r],
                t0[s1 >> 24] ^ t1[(s2 >> 16) & 0xFF] ^ t2[(s3 >> 8) & 0xFF] ^ t3[s0 & 0xFF] ^ rk[r + 1],
                t0[s2 >> 24] ^ t1[(s3 >> 16) & 0xFF] ^ t2[(s0 >> 8) & 0xFF] ^ t3[s1 & 0xFF] ^ rk[r + 2],
                t0[s3 >> 24] ^ t1[(s0 >> 16) & 0xFF] ^ t2[(s1 >> 8) & 0xFF] ^ t3[s2 & 0xFF] ^ rk[r + 3],
            )
        s = _SBOX
        return (
            ((s[s0 >> 24] << 120) | (s[(s1 >> 16) & 0xFF] << 112) | (s[(s2 >> 8) & 0xFF] << 104) | (s[s3 & 0xFF] << 96)
             | (s[s1 >> 24] << 88) | (s[(s2 >> 16) & 0xFF] << 80) | (s[(s3 >> 8) & 0xFF] << 72) | (s[s0 & 0xFF] << 64)
             | (s[s2 >> 24] << 56) | (s[(s3 >> 16) & 0xFF] << 48) | (s[(s0 >> 8) & 0xFF] << 40) | (s[s1 & 0xFF] << 32)
             | (s[s3 >> 24] << 24) | (s[(s0 >> 16) & 0xFF] << 16) | (s[(s1 >> 8) & 0xFF] << 8) | s[s2 & 0xFF])
            ^ ((rk[40] << 96) | (rk[41] << 64) | (rk[42] << 32) | rk[43])
        ).to_bytes(16, "big")

    def decrypt_block(self, block: bytes) -> bytes:
        assert _TD is not None
        t0, t1, t2, t3 = _TD
        rk = self._dec
        s0 = int.from_bytes(block[0:4], "big") ^ rk[0]
        s1 = int.from_bytes(block[4:8], "big") ^ rk[1]
        s2 = int.from_bytes(block[8:12], "big") ^ rk[2]
        s3 = int.from_bytes(block[12:16], "big") ^ rk[3]
        for r in range(4, 40, 4):
            s0, s1, s2, s3 = (
                t0[s0 >> 24] ^ t1[(s3 >> 16) & 0xFF] ^ t2[(s2 >> 8) & 0xFF] ^ t3[s1 & 0xFF] ^ rk[r],
                t0[s1 >> 24] ^ t1[(s0 >> 16) & 0xFF] ^ t2[(s3 >> 8) & 0xFF] ^ t3[s2 & 0xFF] ^ rk[r + 1],
                t0[s2 >> 24] ^ t1[(s1 >> 16) & 0xFF] ^ t2[(s0 >> 8) & 0xFF] ^ t3[s3 & 0xFF] ^ rk[r + 2],
                t0[s3 >> 24] ^ t1[(s2 >> 16) & 0xFF] ^ t2[(s1 >> 8) & 0xFF] ^ t3[s0 & 0xFF] ^ rk[r + 3],
            )
        s = _INV_SBOX
        return (
            ((s[s0 >> 24] << 120) | (s[(s3 >> 16) & 0xFF] << 112) | (s[(s2 >> 8) & 0xFF] << 104) | (s[s1 & 0xFF] << 96)
             | (s[s1 >> 24] << 88) | (s[(s0 >> 16) & 0xFF] << 80) | (s[(s3 >> 8) & 0xFF] << 72) | (s[s2 & 0xFF] << 64)
             | (s[s2 >> 24] << 56) | (s[(s1 >> 16) & 0xFF] << 48) | (s[(s0 >> 8) & 0xFF] << 40) | (s[s3 & 0xFF] << 32)
             | (s[s3 >> 24] << 24) | (s[(s2 >> 16) & 0xFF] << 16) | (s[(s1 >> 8) & 0xFF] << 8) | s[s0 & 0xFF])
            ^ ((rk[40] << 96) | (rk[41] << 64) | (rk[42] << 32) | rk[43])
        ).to_bytes(16, "big")


def _xor16(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(16, "big")


_EXPANDED: dict[bytes, Aes128] = {}
_EXPANDED_MAX = 1024


def _expanded(key: bytes) -> Aes128:
    """The expanded key, cached: a session encrypts every packet with the same K2."""
    cipher = _EXPANDED.get(key)
    if cipher is None:
        if len(_EXPANDED) >= _EXPANDED_MAX:
            _EXPANDED.clear()
        cipher = _EXPANDED[key] = Aes128(key)
    return cipher


def cbc_encrypt(key: bytes, iv: bytes, plaintext: bytes) -> bytes:
    """AES-128-CBC over whole 16-byte blocks (the caller pads)."""
    cipher = _expanded(key)
    out = []
    previous = bytes(iv)
    for i in range(0, len(plaintext), 16):
        previous = cipher.encrypt_block(_xor16(plaintext[i:i + 16], previous))
        out.append(previous)
    return b"".join(out)


def cbc_decrypt(key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    """Inverse of :func:`cbc_encrypt` (no padding is removed)."""
    cipher = _expanded(key)
    out = []
    previous = bytes(iv)
    for i in range(0, len(ciphertext), 16):
        block = ciphertext[i:i + 16]
        out.append(_xor16(cipher.decrypt_block(block), previous))
        previous = block
    return b"".join(out)
