"""The value rules shared by the command line and freeipmi.conf."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pyipmi_tools.cli.cvalues import SUPPORTED_CIPHER_SUITES, c_int, k_g_key, strtol_int, strtol_long
from pyipmi_tools.crypto.suites import SUPPORTED_SUITES


def test_supported_cipher_suites_match_the_crypto_package() -> None:
    assert SUPPORTED_CIPHER_SUITES == frozenset(SUPPORTED_SUITES)


@pytest.mark.parametrize("text, value", [("", 0), (" 12", 12), ("0x1F", 31), ("010", 8), ("-5", -5),
                                         ("08", None), ("0x", None), ("12a", None), ("-", None),
                                         ("9223372036854775808", None)])
def test_strtol_long_needs_the_whole_text(text: str, value: int | None) -> None:
    assert strtol_long(text) == value


def test_int_keeps_the_low_32_bits_signed() -> None:
    assert strtol_int("4294967297") == 1 and strtol_int("2147483648") == -(1 << 31)
    assert c_int(-1) == -1 and c_int(0xFFFFFFFF) == -1


def test_k_g_forms_and_messages() -> None:
    assert k_g_key(b"") == b"" and k_g_key(b"0x") == b"" and k_g_key(b"0x123") == b"\x12\x03"
    assert k_g_key("abc") == b"abc"
    with pytest.raises(ValueError, match="^k_g too long$"):
        k_g_key(b"a" * 21)
    with pytest.raises(ValueError, match="^k_g input formatted incorrectly$"):
        k_g_key(b"0xZZ")


def test_import_needs_nothing() -> None:
    code = "import sys, pyipmi_tools.cli.cvalues; print(sorted(m for m in ('os', 'typing', 'dataclasses') " \
           "if m in sys.modules and m != 'os'))"
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.strip() == "[]"
