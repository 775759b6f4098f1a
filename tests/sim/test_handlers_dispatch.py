"""dispatch: unknown commands, the privilege table, and who may do what."""

from __future__ import annotations

import pytest

from pyipmi_tools.sim.handlers import HANDLERS, PRIVILEGES, Context, dispatch, required_privilege
from pyipmi_tools.sim.state import PRIV_ADMIN, PRIV_CALLBACK, PRIV_OEM, PRIV_OPERATOR, PRIV_USER, default_state


def _ctx(privilege: int) -> Context:
    return Context(default_state(), privilege, user_id=2, channel=1, now=1.0)


def test_every_handler_has_a_privilege() -> None:
    assert set(HANDLERS) <= set(PRIVILEGES)


def test_unknown_commands() -> None:
    ctx = _ctx(PRIV_ADMIN)
    assert dispatch(ctx, 0x06, 0x99, b"") == (0xC1, b"")
    assert dispatch(ctx, 0x0A, 0x10, b"") == (0xC1, b"")       # storage netfn not simulated
    assert dispatch(ctx, 0x07, 0x01, b"") == (0xC1, b"")       # a response netfn
    assert dispatch(ctx, 0x06, 0x3B, b"\x04") == (0xC1, b"")   # session commands: protocol core


@pytest.mark.parametrize("key", sorted(HANDLERS))
def test_each_command_refuses_one_level_below_its_privilege(key: tuple[int, int]) -> None:
    required = PRIVILEGES[key]
    if required > PRIV_CALLBACK:
        assert dispatch(_ctx(required - 1), *key, b"") == (0xD4, b"")
    cc, _ = dispatch(_ctx(required), *key, b"")
    assert cc != 0xD4


def test_appendix_g_levels() -> None:
    expected = {
        (0x00, 0x01): PRIV_USER, (0x00, 0x02): PRIV_OPERATOR, (0x00, 0x04): PRIV_OPERATOR,
        (0x00, 0x06): PRIV_OPERATOR, (0x00, 0x08): PRIV_OPERATOR, (0x00, 0x09): PRIV_OPERATOR,
        (0x00, 0x0A): PRIV_ADMIN, (0x00, 0x0B): PRIV_ADMIN, (0x06, 0x01): PRIV_USER,
        (0x06, 0x40): PRIV_ADMIN, (0x06, 0x41): PRIV_USER, (0x06, 0x42): PRIV_USER,
        (0x06, 0x43): PRIV_ADMIN, (0x06, 0x44): PRIV_OPERATOR, (0x06, 0x45): PRIV_ADMIN,
        (0x06, 0x46): PRIV_OPERATOR, (0x06, 0x47): PRIV_ADMIN, (0x06, 0x4C): PRIV_ADMIN,
        (0x06, 0x4D): PRIV_OPERATOR, (0x06, 0x56): PRIV_ADMIN, (0x0C, 0x01): PRIV_ADMIN,
        (0x0C, 0x02): PRIV_OPERATOR, (0x0C, 0x21): PRIV_ADMIN, (0x0C, 0x22): PRIV_USER,
    }
    assert {key: PRIVILEGES[key] for key in expected} == expected
    assert required_privilege(0x06, 0x3B) == PRIV_USER
    assert required_privilege(0x30, 0x01) is None


def test_user_cannot_power_on_and_operator_cannot_change_users() -> None:
    user = _ctx(PRIV_USER)
    assert dispatch(user, 0x00, 0x02, b"\x01") == (0xD4, b"")
    assert not user.state.chassis.power_on
    operator = _ctx(PRIV_OPERATOR)
    assert dispatch(operator, 0x00, 0x02, b"\x01") == (0, b"")
    assert dispatch(operator, 0x06, 0x45, b"\x05" + b"x".ljust(16, b"\0")) == (0xD4, b"")
    assert dispatch(operator, 0x06, 0x47, b"\x02\x02" + bytes(16)) == (0xD4, b"")
    assert operator.state.user(2).password == b"password"
    assert operator.events == ["power on"]


def test_oem_privilege_passes_every_check() -> None:
    ctx = _ctx(PRIV_OEM)
    assert all(dispatch(ctx, *key, b"")[0] != 0xD4 for key in HANDLERS)


def test_request_data_is_not_kept_as_a_mutable_reference() -> None:
    ctx = _ctx(PRIV_ADMIN)
    data = bytearray(b"\x05\x80\x04\x00\x00\x00")
    assert dispatch(ctx, 0x00, 0x08, data) == (0, b"")
    data[1] = 0
    assert ctx.state.boot_options[5] == b"\x80\x04\x00\x00\x00"
    assert isinstance(ctx.state.boot_options[5], bytes)
