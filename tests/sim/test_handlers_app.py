"""Application commands: device identity, channel access and info, security keys."""

from __future__ import annotations

import pytest

from pyipmi_tools.sim.handlers import Context, dispatch
from pyipmi_tools.sim.state import PRIV_ADMIN, PRIV_OPERATOR, PRIV_USER, default_state

APP = 0x06


@pytest.fixture
def ctx() -> Context:
    return Context(default_state(3), PRIV_ADMIN, user_id=2, channel=1, now=10.0, active_sessions=2)


def call(ctx: Context, cmd: int, data: bytes = b"") -> tuple[int, bytes]:
    return dispatch(ctx, APP, cmd, data)


def test_get_device_id(ctx: Context) -> None:
    assert call(ctx, 0x01) == (0, bytes.fromhex("20 01 01 00 02 80 f2 1b 00 01 00 00 00 00 00"))
    d = ctx.state.device
    d.provides_sdrs, d.firmware_major, d.firmware_minor, d.aux_firmware = True, 2, 0x15, b""
    d.manufacturer_id, d.product_id = 0x002A7C, 0x0834
    assert call(ctx, 0x01) == (0, bytes.fromhex("20 81 02 15 02 80 7c 2a 00 34 08"))
    assert call(ctx, 0x01, b"\x00") == (0xC7, b"")
    ctx.privilege = PRIV_USER
    assert call(ctx, 0x01)[0] == 0


def test_guids_and_self_test(ctx: Context) -> None:
    assert call(ctx, 0x08) == (0, ctx.state.guid)
    assert call(ctx, 0x37) == (0, ctx.state.system_guid)
    assert ctx.state.guid != ctx.state.system_guid
    assert call(ctx, 0x04) == (0, b"\x55\x00")


def test_get_channel_info(ctx: Context) -> None:
    lan = bytes.fromhex("01 04 01 82 f2 1b 00 00 00")
    assert call(ctx, 0x42, b"\x01") == (0, lan)
    assert call(ctx, 0x42, b"\x0e") == (0, lan)
    assert call(ctx, 0x42, b"\x0f") == (0, bytes.fromhex("0f 0c 05 00 f2 1b 00 00 00"))
    assert call(ctx, 0x42, b"\x02") == (0xCC, b"")
    ctx.state.serial_channel = 2
    assert call(ctx, 0x42, b"\x02") == (0, bytes.fromhex("02 05 01 40 f2 1b 00 00 00"))
    assert call(ctx, 0x42, b"") == (0xC7, b"")


def test_channel_access_volatile_and_non_volatile(ctx: Context) -> None:
    assert call(ctx, 0x41, b"\x01\x80") == (0, b"\x22\x04")     # volatile: always, PEF off
    assert call(ctx, 0x41, b"\x01\x40") == (0, b"\x22\x04")
    # volatile: pre-boot only, per-message auth disabled, privilege OPERATOR
    assert call(ctx, 0x40, b"\x01\x91\x83") == (0, b"")
    assert call(ctx, 0x41, b"\x01\x80") == (0, b"\x11\x03")
    assert call(ctx, 0x41, b"\x01\x40") == (0, b"\x22\x04")
    assert ctx.state.channel_settings(1).per_message_auth is False
    # non-volatile: user level auth disabled; privilege left alone
    assert call(ctx, 0x40, b"\x0e\x4a\x04") == (0, b"")
    assert call(ctx, 0x41, b"\x0e\x40") == (0, b"\x0a\x04")
    assert ctx.events == ["channel 1 volatile access 11", "channel 1 volatile privilege 3",
                          "channel 1 non-volatile access 0a"]


def test_channel_access_errors(ctx: Context) -> None:
    assert call(ctx, 0x41, b"\x01\x00") == (0xCC, b"")           # neither volatile nor non-volatile
    assert call(ctx, 0x41, b"\x05\x80") == (0xCC, b"")
    assert call(ctx, 0x40, b"\x01\xc2\x04") == (0xCC, b"")
    assert call(ctx, 0x40, b"\x01\x82\x80") == (0xC9, b"")       # privilege 0
    assert call(ctx, 0x40, b"\x01\x84\x00") == (0xC9, b"")       # access mode 4
    assert call(ctx, 0x40, b"\x01\x82") == (0xC7, b"")
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, 0x40, b"\x01\x82\x84") == (0xD4, b"")
    ctx.privilege = PRIV_USER
    assert call(ctx, 0x41, b"\x01\x80")[0] == 0
    assert ctx.events == []


def test_channel_payload_support(ctx: Context) -> None:
    assert call(ctx, 0x4E, b"\x01") == (0, bytes.fromhex("03 00 3f 00 00 00 00 00"))


def test_security_keys_read_and_set(ctx: Context) -> None:
    assert call(ctx, 0x56, b"\x01\x00\x01") == (0, bytes(21))    # K_G unset reads as zeros
    key = bytes(range(1, 21))
    assert call(ctx, 0x56, b"\x01\x01\x01" + key) == (0, b"\x00")
    assert ctx.state.k_g == key
    assert call(ctx, 0x56, b"\x0e\x00\x01") == (0, b"\x00" + key)
    assert call(ctx, 0x56, b"\x01\x01\x01" + bytes(20)) == (0, b"\x00")
    assert ctx.state.k_g is None
    assert call(ctx, 0x56, b"\x01\x01\x00" + b"kr".ljust(20, b"\0")) == (0, b"\x00")
    assert call(ctx, 0x56, b"\x01\x00\x00") == (0, b"\x00kr" + bytes(18))
    assert ctx.events == ["k_g set", "k_g cleared", "k_r set"]


def test_security_keys_errors(ctx: Context) -> None:
    assert call(ctx, 0x56, b"\x01\x01\x01" + bytes(19)) == (0x81, b"")
    assert call(ctx, 0x56, b"\x01\x01\x01" + bytes(21)) == (0x82, b"")
    assert call(ctx, 0x56, b"\x01\x02\x01") == (0xCC, b"")       # lock: keys are not lockable
    assert call(ctx, 0x56, b"\x01\x00\x02") == (0xCC, b"")       # key ID 2
    assert call(ctx, 0x56, b"\x03\x00\x01") == (0xCC, b"")
    assert call(ctx, 0x56, b"\x01\x00") == (0xC7, b"")
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, 0x56, b"\x01\x00\x01") == (0xD4, b"")
