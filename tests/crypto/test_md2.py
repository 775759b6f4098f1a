"""MD2 against the RFC 1319 appendix A.5 test suite."""

from __future__ import annotations

import pytest

from pyipmi_tools.crypto.md2 import md2

# RFC 1319, appendix A.5 ("Test suite"), verbatim.
RFC1319_VECTORS = [
    (b"", "8350e5a3e24c153df2275c9f80692773"),
    (b"a", "32ec01ec4a6dac72c0ab96fb34c0b5d1"),
    (b"abc", "da853b0d3f88d99b30283a69e6ded6bb"),
    (b"message digest", "ab4f496bfb2a530b219ff33031fe06b0"),
    (b"abcdefghijklmnopqrstuvwxyz", "4e8ddff3650292ab5a4108c3aa47940b"),
    (
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "da33def2a42df13975352846c30338cd",
    ),
    (b"1234567890" * 8, "d5976f79d83d3a0dc9806c3c66f3efd8"),
]


@pytest.mark.parametrize(("message", "digest"), RFC1319_VECTORS)
def test_rfc1319_vectors(message: bytes, digest: str) -> None:
    assert md2(message) == bytes.fromhex(digest)


def test_vector_count_and_lengths() -> None:
    assert len(RFC1319_VECTORS) == 7
    assert len(RFC1319_VECTORS[-1][0]) == 80


@pytest.mark.parametrize("length", [15, 16, 17, 31, 32, 33])
def test_block_boundaries_distinct(length: int) -> None:
    # Padding must make messages of neighbouring lengths hash differently.
    assert md2(b"x" * length) != md2(b"x" * (length + 1))
    assert len(md2(b"x" * length)) == 16


def test_accepts_bytes_like() -> None:
    assert md2(bytearray(b"abc")) == md2(memoryview(b"abc")) == md2(b"abc")
