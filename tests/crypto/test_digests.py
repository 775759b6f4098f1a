"""crypto.digests: HMAC over the built-in hashes agrees with the standard library's hmac."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, strategies as st

from pyipmi_tools.crypto import digests


@pytest.mark.parametrize("ours, name", [(digests.sha1, "sha1"), (digests.sha256, "sha256"), (digests.md5, "md5")])
@given(key=st.binary(max_size=100), data=st.binary(max_size=300))
def test_hmac_matches_stdlib(ours, name, key, data):
    assert digests.hmac_digest(key, data, ours) == hmac.new(key, data, name).digest()


def test_rfc2202_hmac_sha1_case_1():
    assert digests.hmac_digest(b"\x0b" * 20, b"Hi There", digests.sha1).hex() == \
        "b617318655057264e28bc0b6fb378c8ef146be00"


def test_plain_digests_and_compare():
    assert digests.md5(b"abc").digest() == hashlib.md5(b"abc").digest()
    assert digests.compare_digest(b"abc", b"abc") and not digests.compare_digest(b"abc", b"abd")


# ---------------------------------------------------------------------- prepared-key cache

_STDLIB_NAMES = {digests.sha1: "sha1", digests.sha256: "sha256", digests.md5: "md5"}


@pytest.mark.parametrize("ours", list(_STDLIB_NAMES))
def test_hmac_cache_many_keys_beyond_its_bound(ours):
    name = _STDLIB_NAMES[ours]
    keys = [i.to_bytes(4, "big") * 5 for i in range(digests._PREPARED_MAX + 100)]
    for round_ in range(2):                 # the second pass finds some keys cached, some cleared
        for i, key in enumerate(keys):
            data = b"data %d %d" % (round_, i)
            assert digests.hmac_digest(key, data, ours) == hmac.new(key, data, name).digest()
            assert len(digests._PREPARED) <= digests._PREPARED_MAX


@pytest.mark.parametrize("ours", list(_STDLIB_NAMES))
@pytest.mark.parametrize("length", [0, 1, 20, 63, 64, 65, 100, 200])
def test_hmac_cache_key_lengths_and_repeated_use(ours, length):
    name = _STDLIB_NAMES[ours]
    key = bytes((7 * i + length) & 0xFF for i in range(length))
    # Alternating data: the cached states must be copied, never consumed.
    for data in (b"first", b"", b"x" * 200, b"first"):
        assert digests.hmac_digest(key, data, ours) == hmac.new(key, data, name).digest()


def test_hmac_keys_hashing_to_each_other_agree():
    # A key longer than the block is replaced by its digest (RFC 2104): both spellings agree.
    long_key = bytes(range(100))
    short_key = hashlib.sha1(long_key).digest()
    assert digests.hmac_digest(long_key, b"m", digests.sha1) == digests.hmac_digest(short_key, b"m", digests.sha1)


@pytest.mark.parametrize("length", [16, 64, 65, 100])
def test_hmac_bytes_like_keys_and_data(length):
    key = bytes(range(length))
    expected = hmac.new(key, b"payload", "sha1").digest()
    mutable = bytearray(key)
    assert digests.hmac_digest(mutable, b"payload", digests.sha1) == expected
    assert digests.hmac_digest(memoryview(key), bytearray(b"payload"), digests.sha1) == expected
    mutable[0] ^= 0xFF                      # the cache holds no reference to the caller's buffer
    assert digests.hmac_digest(key, memoryview(b"payload"), digests.sha1) == expected
    assert digests.hmac_digest(mutable, b"payload", digests.sha1) == hmac.new(bytes(mutable), b"payload", "sha1").digest()


def test_hmac_rejects_what_it_rejected_before():
    with pytest.raises(TypeError):
        digests.hmac_digest(5, b"data", digests.sha1)       # type: ignore[arg-type]
    with pytest.raises(TypeError):
        digests.hmac_digest(b"key", "text", digests.sha1)   # type: ignore[arg-type]
