"""Cipher-suite table and algorithm lengths (IPMI 2.0 table 22-20, FreeIPMI 1.6.10)."""

from __future__ import annotations

from pyipmi_tools.record import FrozenInstanceError

import pytest

from pyipmi_tools.crypto.suites import (
    AUTH_DIGEST_LEN,
    INTEGRITY_AUTHCODE_LEN,
    RAKP4_ICV_LEN,
    SUPPORTED_SUITES,
    AuthAlg,
    CipherSuite,
    ConfAlg,
    IntegrityAlg,
    cipher_suite,
    is_valid_suite_id,
)

# (id, auth, integrity, confidentiality) as numbers, from the reference table (section 6.3).
EXPECTED = [
    (0, 0, 0, 0),
    (1, 1, 0, 0),
    (2, 1, 1, 0),
    (3, 1, 1, 1),
    (6, 2, 0, 0),
    (7, 2, 2, 0),
    (8, 2, 2, 1),
    (11, 2, 3, 0),
    (12, 2, 3, 1),
    (15, 3, 0, 0),
    (16, 3, 4, 0),
    (17, 3, 4, 1),
]


def test_enum_values() -> None:
    assert [(a.name, int(a)) for a in AuthAlg] == [
        ("RAKP_NONE", 0),
        ("HMAC_SHA1", 1),
        ("HMAC_MD5", 2),
        ("HMAC_SHA256", 3),
    ]
    assert [(a.name, int(a)) for a in IntegrityAlg] == [
        ("NONE", 0),
        ("HMAC_SHA1_96", 1),
        ("HMAC_MD5_128", 2),
        ("MD5_128", 3),
        ("HMAC_SHA256_128", 4),
    ]
    assert [(a.name, int(a)) for a in ConfAlg] == [("NONE", 0), ("AES_CBC_128", 1)]


def test_supported_suite_ids_exact() -> None:
    assert sorted(SUPPORTED_SUITES) == [0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17]


@pytest.mark.parametrize(("suite_id", "auth", "integrity", "conf"), EXPECTED)
def test_suite_table(suite_id: int, auth: int, integrity: int, conf: int) -> None:
    suite = cipher_suite(suite_id)
    assert suite == CipherSuite(suite_id, AuthAlg(auth), IntegrityAlg(integrity), ConfAlg(conf))
    assert SUPPORTED_SUITES[suite_id] is suite
    assert (suite.id, int(suite.auth), int(suite.integrity), int(suite.confidentiality)) == (
        suite_id,
        auth,
        integrity,
        conf,
    )


@pytest.mark.parametrize("suite_id", [4, 5, 9, 10, 13, 14, 18, 19, 20, -1, 255])
def test_unsupported_raise_key_error(suite_id: int) -> None:
    with pytest.raises(KeyError):
        cipher_suite(suite_id)


def test_is_valid_suite_id() -> None:
    assert [i for i in range(-5, 30) if is_valid_suite_id(i)] == list(range(20))
    # Well formed but unsupported (xRC4) ids are still valid ids.
    assert is_valid_suite_id(4) and 4 not in SUPPORTED_SUITES


def test_suite_is_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        cipher_suite(3).id = 4  # type: ignore[misc]


def test_lengths() -> None:
    assert AUTH_DIGEST_LEN == {
        AuthAlg.RAKP_NONE: 0,
        AuthAlg.HMAC_SHA1: 20,
        AuthAlg.HMAC_MD5: 16,
        AuthAlg.HMAC_SHA256: 32,
    }
    assert RAKP4_ICV_LEN == {
        AuthAlg.RAKP_NONE: 0,
        AuthAlg.HMAC_SHA1: 12,
        AuthAlg.HMAC_MD5: 16,
        AuthAlg.HMAC_SHA256: 16,
    }
    assert INTEGRITY_AUTHCODE_LEN == {
        IntegrityAlg.NONE: 0,
        IntegrityAlg.HMAC_SHA1_96: 12,
        IntegrityAlg.HMAC_MD5_128: 16,
        IntegrityAlg.MD5_128: 16,
        IntegrityAlg.HMAC_SHA256_128: 16,
    }
