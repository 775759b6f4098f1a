"""LAN and SOL configuration parameters as ipmi-config reads and writes them."""

from __future__ import annotations

import pytest

from pyipmi_tools.sim.handlers import Context, dispatch
from pyipmi_tools.sim.state import PRIV_ADMIN, PRIV_OPERATOR, PRIV_USER, default_state

TRANSPORT = 0x0C
SET_LAN, GET_LAN, SET_SOL, GET_SOL = 0x01, 0x02, 0x21, 0x22


@pytest.fixture
def ctx() -> Context:
    return Context(default_state(address="192.168.7.9"), PRIV_ADMIN, user_id=2, channel=1)


def get_lan(ctx: Context, number: int, set_selector: int = 0, channel: int = 1) -> tuple[int, bytes]:
    return dispatch(ctx, TRANSPORT, GET_LAN, bytes((channel, number, set_selector, 0)))


def set_lan(ctx: Context, number: int, data: bytes, channel: int = 1) -> tuple[int, bytes]:
    return dispatch(ctx, TRANSPORT, SET_LAN, bytes((channel, number)) + data)


def get_sol(ctx: Context, number: int) -> tuple[int, bytes]:
    return dispatch(ctx, TRANSPORT, GET_SOL, bytes((1, number, 0, 0)))


def set_sol(ctx: Context, number: int, data: bytes) -> tuple[int, bytes]:
    return dispatch(ctx, TRANSPORT, SET_SOL, bytes((1, number)) + data)


def test_defaults_as_ipmi_config_reads_them(ctx: Context) -> None:
    mac = ctx.state.lan_params[5]
    expected = {
        0: b"\x00", 1: b"\x17", 2: b"\x17" * 5, 3: bytes((192, 168, 7, 9)), 4: b"\x01", 5: mac,
        6: b"\xff\xff\xff\x00", 7: b"\x40\x40\x10", 8: b"\x6f\x02", 9: b"\x98\x02", 10: b"\x02", 11: b"\x04",
        12: bytes(4), 13: bytes(6), 14: bytes(4), 15: bytes(6), 16: b"public" + bytes(12), 17: b"\x01",
        20: b"\x00\x00", 21: b"\x00", 22: b"\x0c", 23: bytes((0, 0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)),
        24: bytes.fromhex("00 44 44 00 44 04 40 04 40"), 26: bytes(6), 50: b"\x02", 51: b"\x00",
        55: b"\x01\x00\x00", 64: b"\x00", 65: bytes(16), 66: bytes(6), 67: b"\x00", 68: bytes(16),
        69: bytes(16), 70: bytes(6), 71: b"\x00", 72: bytes(16),
    }
    for number, value in expected.items():
        assert get_lan(ctx, number) == (0, b"\x11" + value), number


@pytest.mark.parametrize("number, value", [
    (2, b"\x15\x14\x16\x17\x01"), (3, b"\x0a\x00\x00\x05"), (4, b"\x02"), (5, b"\x00\x11\x22\x33\x44\x55"),
    (6, b"\xff\xff\x00\x00"), (7, b"\x20\x40\x10"), (8, b"\x70\x02"), (9, b"\x99\x02"), (10, b"\x03"),
    (11, b"\x08"), (12, b"\x0a\x00\x00\x01"), (13, b"\x00\x0a\x0b\x0c\x0d\x0e"), (14, b"\x0a\x00\x00\x02"),
    (15, b"\x00\x01\x02\x03\x04\x05"), (16, b"private".ljust(18, b"\0")), (20, b"\x64\x80"), (21, b"\x07"),
    (24, b"\x00\x34\x12\x05\x00\x00\x00\x00\x00"), (26, b"\x01\x05\x06\x00\x0c\x00"), (51, b"\x02"),
    (64, b"\x01"), (65, bytes(range(16))), (66, b"\x00\x01\x02\x03\x04\x05"), (67, b"\x40"),
    (68, bytes(range(16, 32))), (71, b"\x80"),
])
def test_writable_parameters_read_back(ctx: Context, number: int, value: bytes) -> None:
    assert set_lan(ctx, number, value) == (0, b"")
    assert get_lan(ctx, number) == (0, b"\x11" + value)
    assert ctx.events == [f"lan param {number} " + " ".join(f"{b:02x}" for b in value)]


def test_cipher_suite_privileges_drive_the_accessor(ctx: Context) -> None:
    # nibble n is cipher suite ID n: suite 0 unused, 1 ADMIN, 2 USER, 3 OPERATOR
    assert set_lan(ctx, 24, bytes.fromhex("00 40 32 00 44 04 40 04 40")) == (0, b"")
    privileges = ctx.state.cipher_suite_privileges()
    assert (privileges[0], privileges[1], privileges[2], privileges[3]) == (0, 4, 2, 3)
    assert privileges[17] == 4                                  # beyond parameter 24: unchanged
    assert 0 not in ctx.state.enabled_cipher_suites()
    assert set_lan(ctx, 24, b"\x00\x46" + bytes(7)) == (0xC9, b"")


def test_auth_type_enables_drive_the_accessor(ctx: Context) -> None:
    assert set_lan(ctx, 2, b"\x01\x04\x04\x14\x00") == (0, b"")
    assert [ctx.state.auth_type_enables(p) for p in range(1, 6)] == [0x01, 0x04, 0x04, 0x14, 0x00]


def test_set_selector_parameters(ctx: Context) -> None:
    assert get_lan(ctx, 18, 1) == (0, b"\x11\x01\x00\x00\x00")
    assert set_lan(ctx, 18, b"\x01\x80\x05\x03") == (0, b"")
    assert get_lan(ctx, 18, 1) == (0, b"\x11\x01\x80\x05\x03")
    assert get_lan(ctx, 18, 0) == (0, b"\x11\x00\x00\x00\x00")
    address = b"\x01\x00\x00" + bytes((10, 0, 0, 7)) + b"\x00\x01\x02\x03\x04\x05"
    assert set_lan(ctx, 19, address) == (0, b"")
    assert get_lan(ctx, 19, 1) == (0, b"\x11" + address)
    assert set_lan(ctx, 18, b"\x02\x00\x00\x00") == (0xC9, b"")
    assert get_lan(ctx, 19, 2) == (0xC9, b"")


def test_ipv6_static_address(ctx: Context) -> None:
    assert get_lan(ctx, 56, 0) == (0, b"\x11\x00\x00" + bytes(16) + b"\x40\x01")
    address = bytes.fromhex("20010db8000000000000000000000001")
    assert set_lan(ctx, 56, b"\x00\x80" + address + b"\x40") == (0, b"")
    assert get_lan(ctx, 56, 0) == (0, b"\x11\x00\x80" + address + b"\x40\x00")   # enabled -> active
    assert get_lan(ctx, 56, 1) == (0xC9, b"")


def test_set_in_progress(ctx: Context) -> None:
    assert set_lan(ctx, 0, b"\x01") == (0, b"")
    assert get_lan(ctx, 0) == (0, b"\x11\x01")
    assert set_lan(ctx, 0, b"\x01") == (0x81, b"")
    assert set_lan(ctx, 0, b"\x02") == (0, b"")
    assert get_lan(ctx, 0) == (0, b"\x11\x00")


def test_lan_errors(ctx: Context) -> None:
    for read_only in (1, 17, 22, 23, 50, 55):
        assert set_lan(ctx, read_only, b"\x00") == (0x82, b""), read_only
    for unsupported in (25, 27, 49, 52, 59, 192):
        assert set_lan(ctx, unsupported, b"\x00") == (0x80, b""), unsupported
        assert get_lan(ctx, unsupported) == (0x80, b""), unsupported
    assert set_lan(ctx, 3, b"\x0a\x00\x00") == (0xC7, b"")
    assert set_lan(ctx, 4, b"\x05") == (0xC9, b"")
    assert set_lan(ctx, 21, b"\x08") == (0xC9, b"")
    assert set_lan(ctx, 51, b"\x03") == (0xC9, b"")
    assert set_lan(ctx, 67, b"\x81") == (0xC9, b"")
    assert get_lan(ctx, 3, channel=2) == (0xCC, b"")
    assert set_lan(ctx, 3, b"\x0a\x00\x00\x05", channel=2) == (0xCC, b"")
    assert dispatch(ctx, TRANSPORT, GET_LAN, b"\x01\x03\x00") == (0xC7, b"")
    assert dispatch(ctx, TRANSPORT, SET_LAN, b"\x01") == (0xC7, b"")
    assert ctx.events == []


def test_revision_only_and_current_channel(ctx: Context) -> None:
    assert dispatch(ctx, TRANSPORT, GET_LAN, b"\x81\x03\x00\x00") == (0, b"\x11")
    assert get_lan(ctx, 3, channel=0x0E) == (0, b"\x11\xc0\xa8\x07\x09")


def test_lan_privileges(ctx: Context) -> None:
    ctx.privilege = PRIV_OPERATOR
    assert get_lan(ctx, 3)[0] == 0
    assert set_lan(ctx, 3, b"\x0a\x00\x00\x05") == (0xD4, b"")
    ctx.privilege = PRIV_USER
    assert get_lan(ctx, 3) == (0xD4, b"")


def test_sol_defaults(ctx: Context) -> None:
    expected = {0: b"\x00", 1: b"\x01", 2: b"\x02", 3: b"\x0c\x60", 4: b"\x07\x32", 5: b"\x0a", 6: b"\x0a",
                7: b"\x01", 8: b"\x6f\x02"}
    for number, value in expected.items():
        assert get_sol(ctx, number) == (0, b"\x11" + value), number


@pytest.mark.parametrize("number, value", [(1, b"\x00"), (2, b"\xc4"), (3, b"\x05\x20"), (4, b"\x03\x64"),
                                           (5, b"\x06"), (6, b"\x09"), (8, b"\x70\x02")])
def test_sol_parameters_read_back(ctx: Context, number: int, value: bytes) -> None:
    assert set_sol(ctx, number, value) == (0, b"")
    assert get_sol(ctx, number) == (0, b"\x11" + value)
    assert ctx.events == [f"sol param {number} " + " ".join(f"{b:02x}" for b in value)]


def test_sol_errors_and_privileges(ctx: Context) -> None:
    assert set_sol(ctx, 7, b"\x02") == (0x82, b"")
    assert set_sol(ctx, 9, b"\x00") == (0x80, b"")
    assert get_sol(ctx, 9) == (0x80, b"")
    assert set_sol(ctx, 5, b"\x05") == (0xC9, b"")
    assert set_sol(ctx, 2, b"\xc0") == (0xC9, b"")
    assert set_sol(ctx, 3, b"\x00\x60") == (0xC9, b"")
    assert set_sol(ctx, 3, b"\x05") == (0xC7, b"")
    assert set_sol(ctx, 0, b"\x01") == (0, b"")
    assert set_sol(ctx, 0, b"\x01") == (0x81, b"")
    assert dispatch(ctx, TRANSPORT, GET_SOL, b"\x81\x01\x00\x00") == (0, b"\x11")
    ctx.privilege = PRIV_USER
    assert get_sol(ctx, 1)[0] == 0
    assert set_sol(ctx, 1, b"\x00") == (0xD4, b"")
