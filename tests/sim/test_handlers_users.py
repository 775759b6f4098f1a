"""User commands: names, passwords, per-channel access, payload access."""

from __future__ import annotations

import pytest

from pyipmi_tools.sim.handlers import Context, dispatch
from pyipmi_tools.sim.state import PRIV_ADMIN, PRIV_OPERATOR, PRIV_USER, default_state

APP = 0x06
SET_ACCESS, GET_ACCESS, SET_NAME, GET_NAME, SET_PASSWORD = 0x43, 0x44, 0x45, 0x46, 0x47
SET_PAYLOAD, GET_PAYLOAD = 0x4C, 0x4D


@pytest.fixture
def ctx() -> Context:
    return Context(default_state(), PRIV_ADMIN, user_id=2, channel=1)


def call(ctx: Context, cmd: int, data: bytes) -> tuple[int, bytes]:
    return dispatch(ctx, APP, cmd, data)


def test_user_names(ctx: Context) -> None:
    assert call(ctx, GET_NAME, b"\x02") == (0, b"admin".ljust(16, b"\0"))
    assert call(ctx, GET_NAME, b"\x05") == (0, bytes(16))
    assert call(ctx, SET_NAME, b"\x05" + b"newuser".ljust(16, b"\0")) == (0, b"")
    assert call(ctx, GET_NAME, b"\x05") == (0, b"newuser".ljust(16, b"\0"))
    assert call(ctx, SET_NAME, b"\x06" + b"sixteen-chars-xx") == (0, b"")
    assert ctx.state.user(6).name == "sixteen-chars-xx"
    assert ctx.events == ["user 5 name newuser", "user 6 name sixteen-chars-xx"]


def test_user_name_errors(ctx: Context) -> None:
    assert call(ctx, SET_NAME, b"\x01" + b"anon".ljust(16, b"\0")) == (0xCC, b"")   # fixed name
    assert call(ctx, GET_NAME, b"\x00") == (0xC9, b"")
    assert call(ctx, GET_NAME, b"\x0b") == (0xC9, b"")
    assert call(ctx, SET_NAME, b"\x05abc") == (0xC7, b"")
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, GET_NAME, b"\x02")[0] == 0
    assert call(ctx, SET_NAME, b"\x05" + bytes(16)) == (0xD4, b"")
    ctx.privilege = PRIV_USER
    assert call(ctx, GET_NAME, b"\x02") == (0xD4, b"")


def test_get_user_access(ctx: Context) -> None:
    # 10 users, 3 enabled (this one enabled), 1 fixed name, ADMIN + messaging + link auth
    assert call(ctx, GET_ACCESS, b"\x01\x02") == (0, b"\x0a\x43\x01\x34")
    assert call(ctx, GET_ACCESS, b"\x0e\x04") == (0, b"\x0a\x43\x01\x32")
    assert call(ctx, GET_ACCESS, b"\x01\x05") == (0, b"\x0a\x83\x01\x0f")   # disabled, no access
    assert call(ctx, GET_ACCESS, b"\x02\x02") == (0xCC, b"")                # no such channel
    assert call(ctx, GET_ACCESS, b"\x01\x0b") == (0xC9, b"")
    ctx.privilege = PRIV_USER
    assert call(ctx, GET_ACCESS, b"\x01\x02") == (0xD4, b"")


def test_set_user_access(ctx: Context) -> None:
    # change bits: IPMI messaging on, link auth off, callback off; OPERATOR; 2 sessions
    assert call(ctx, SET_ACCESS, b"\x91\x05\x03\x02") == (0, b"")
    assert call(ctx, GET_ACCESS, b"\x01\x05") == (0, b"\x0a\x83\x01\x13")
    assert ctx.state.user(5).access[1].session_limit == 2
    # without the change bit only the privilege changes
    assert call(ctx, SET_ACCESS, b"\x61\x05\x04") == (0, b"")
    assert call(ctx, GET_ACCESS, b"\x01\x05") == (0, b"\x0a\x83\x01\x14")
    assert call(ctx, SET_ACCESS, b"\xe1\x05\x0f") == (0, b"")      # callback only + link auth, no access
    assert call(ctx, GET_ACCESS, b"\x01\x05") == (0, b"\x0a\x83\x01\x6f")
    assert ctx.events == [
        "user 5 access channel 1 privilege 3 messaging 1 link 0 callback 0 sessions 2",
        "user 5 access channel 1 privilege 4 messaging 1 link 0 callback 0 sessions 2",
        "user 5 access channel 1 privilege 15 messaging 0 link 1 callback 1 sessions 2",
    ]


def test_set_user_access_errors(ctx: Context) -> None:
    assert call(ctx, SET_ACCESS, b"\x91\x05\x00") == (0xC9, b"")
    assert call(ctx, SET_ACCESS, b"\x91\x05\x06") == (0xC9, b"")
    assert call(ctx, SET_ACCESS, b"\x91\x00\x03") == (0xC9, b"")
    assert call(ctx, SET_ACCESS, b"\x93\x05\x03") == (0xCC, b"")
    assert call(ctx, SET_ACCESS, b"\x91\x05") == (0xC7, b"")
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, SET_ACCESS, b"\x91\x05\x03") == (0xD4, b"")
    assert ctx.events == []


def test_enable_disable_user(ctx: Context) -> None:
    assert call(ctx, SET_PASSWORD, b"\x05\x01") == (0, b"")
    assert ctx.state.user(5).enabled
    assert call(ctx, GET_ACCESS, b"\x01\x05")[1][1] == 0x44
    assert call(ctx, SET_PASSWORD, b"\x03\x00") == (0, b"")
    assert not ctx.state.user(3).enabled
    assert ctx.events == ["user 5 enabled", "user 3 disabled"]


def test_password_16_byte_form(ctx: Context) -> None:
    assert call(ctx, SET_PASSWORD, b"\x05\x02" + b"secret".ljust(16, b"\0")) == (0, b"")
    assert ctx.state.user(5).password == b"secret"
    assert call(ctx, SET_PASSWORD, b"\x05\x03" + b"secret".ljust(16, b"\0")) == (0, b"")
    assert call(ctx, SET_PASSWORD, b"\x05\x03" + b"Secret".ljust(16, b"\0")) == (0x80, b"")
    assert call(ctx, SET_PASSWORD, b"\x85\x03" + b"secret".ljust(20, b"\0")) == (0, b"")
    assert ctx.events == ["user 5 password set"]


def test_password_20_byte_form(ctx: Context) -> None:
    password = b"a-twenty-byte-secret"
    assert call(ctx, SET_PASSWORD, b"\x85\x02" + password) == (0, b"")
    assert ctx.state.user(5).password == password
    assert call(ctx, SET_PASSWORD, b"\x85\x03" + password) == (0, b"")
    assert call(ctx, SET_PASSWORD, b"\x05\x03" + password[:16]) == (0x81, b"")
    assert call(ctx, SET_PASSWORD, b"\x85\x03" + password[:19] + b"!") == (0x80, b"")


def test_password_errors(ctx: Context) -> None:
    assert call(ctx, SET_PASSWORD, b"\x05\x02" + bytes(20)) == (0xC7, b"")   # 16-byte form, 20 bytes
    assert call(ctx, SET_PASSWORD, b"\x85\x02" + bytes(16)) == (0xC7, b"")
    assert call(ctx, SET_PASSWORD, b"\x05\x02") == (0xC7, b"")
    assert call(ctx, SET_PASSWORD, b"\x05") == (0xC7, b"")
    assert call(ctx, SET_PASSWORD, b"\x00\x01") == (0xC9, b"")
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, SET_PASSWORD, b"\x05\x01") == (0xD4, b"")
    assert ctx.state.user(5).password == b"" and not ctx.state.user(5).enabled


def test_user_payload_access(ctx: Context) -> None:
    assert call(ctx, GET_PAYLOAD, b"\x01\x02") == (0, b"\x02\x00\x00\x00")
    assert call(ctx, SET_PAYLOAD, b"\x01\x42\x02\x00\x00\x00") == (0, b"")    # disable SOL
    assert call(ctx, GET_PAYLOAD, b"\x01\x02") == (0, bytes(4))
    assert not ctx.state.user(2).sol_allowed(1)
    assert call(ctx, SET_PAYLOAD, b"\x01\x02\xff\xff\x81\xff") == (0, b"")    # reserved bits dropped
    assert call(ctx, GET_PAYLOAD, b"\x01\x02") == (0, b"\xfe\x00\x81\x00")
    assert call(ctx, SET_PAYLOAD, b"\x01\x82\x02\x00\x00\x00") == (0xCC, b"")
    assert call(ctx, GET_PAYLOAD, b"\x01") == (0xC7, b"")
    assert ctx.events == ["user 2 payloads channel 1 00 00 00 00", "user 2 payloads channel 1 fe 00 81 00"]
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, GET_PAYLOAD, b"\x01\x02")[0] == 0
    assert call(ctx, SET_PAYLOAD, b"\x01\x02\x02\x00\x00\x00") == (0xD4, b"")
