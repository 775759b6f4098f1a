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
