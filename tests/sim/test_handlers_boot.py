"""Get/Set System Boot Options: parameters 0-7 round trip with every bit kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyipmi_tools.sim.handlers import Context, advance, dispatch, next_deadline
from pyipmi_tools.sim.state import PRIV_OPERATOR, PRIV_USER, default_state

SET, GET = 0x08, 0x09
T0 = 500.0


def _ctx() -> Context:
    return Context(default_state(), PRIV_OPERATOR, user_id=3, channel=1, now=T0)


@pytest.fixture
def ctx() -> Context:
    return _ctx()


def set_param(ctx: Context, number: int, data: bytes, invalid: bool = False) -> tuple[int, bytes]:
    return dispatch(ctx, 0x00, SET, bytes((number | (0x80 if invalid else 0),)) + data)


def get_param(ctx: Context, number: int, set_selector: int = 0) -> tuple[int, bytes]:
    return dispatch(ctx, 0x00, GET, bytes((number, set_selector, 0)))


def test_fresh_boot_flags_are_no_override(ctx: Context) -> None:
    assert get_param(ctx, 5) == (0, b"\x01\x05\x00\x00\x00\x00\x00")


@pytest.mark.parametrize("number, data", [(1, b"\x5a"), (2, b"\xff"), (3, b"\x1f"), (5, b"\xe0\xfc\xff\x7f\x1f"),
                                          (6, bytes(range(1, 10)))])
def test_parameters_read_back_exactly(ctx: Context, number: int, data: bytes) -> None:
    assert set_param(ctx, number, data) == (0, b"")
    assert get_param(ctx, number) == (0, bytes((1, number)) + data)


@given(st.binary(min_size=5, max_size=5))
def test_boot_flags_keep_every_bit(flags: bytes) -> None:
    ctx = _ctx()
    assert set_param(ctx, 5, flags) == (0, b"")
    assert get_param(ctx, 5) == (0, b"\x01\x05" + flags)
    assert ctx.events == ["boot flags " + " ".join(f"{b:02x}" for b in flags)]


def test_boot_flags_event_text(ctx: Context) -> None:
    set_param(ctx, 5, b"\x80\x04\x00\x00\x00")
    assert ctx.events == ["boot flags 80 04 00 00 00"]


def test_set_in_progress(ctx: Context) -> None:
    assert set_param(ctx, 0, b"\x01") == (0, b"")
    assert get_param(ctx, 0) == (0, b"\x01\x00\x01")
    assert set_param(ctx, 0, b"\x01") == (0x81, b"")            # already claimed
    assert set_param(ctx, 5, b"\x80\x04\x00\x00\x00") == (0, b"")   # writes still apply
    assert set_param(ctx, 0, b"\x02") == (0, b"")               # commit write -> set complete
    assert get_param(ctx, 0) == (0, b"\x01\x00\x00")
    assert set_param(ctx, 0, b"\x01") == (0, b"")
    assert set_param(ctx, 0, b"\x00") == (0, b"")
    assert get_param(ctx, 0) == (0, b"\x01\x00\x00")
    assert set_param(ctx, 0, b"\x03") == (0xCC, b"")


def test_boot_info_acknowledge_write_mask(ctx: Context) -> None:
    assert get_param(ctx, 4) == (0, b"\x01\x04\x00\x00")
    assert set_param(ctx, 4, b"\x03\xff") == (0, b"")            # only bits 0 and 1 change
    assert get_param(ctx, 4) == (0, b"\x01\x04\x03\x03")
    assert set_param(ctx, 4, b"\x01\x00") == (0, b"")            # clear bit 0 only
    assert get_param(ctx, 4) == (0, b"\x01\x04\x01\x02")
    assert set_param(ctx, 4, b"\x00\xff") == (0, b"")            # nothing enabled: no change
    assert get_param(ctx, 4) == (0, b"\x01\x04\x00\x02")
    assert set_param(ctx, 4, b"\xff\xff") == (0, b"")            # what ipmi-config commit sends
    assert get_param(ctx, 4) == (0, b"\x01\x04\xff\xff")


def test_mailbox_blocks(ctx: Context) -> None:
    block = bytes(range(0x10, 0x20))
    assert set_param(ctx, 7, b"\x02" + block) == (0, b"")
    assert get_param(ctx, 7, 2) == (0, b"\x01\x07\x02" + block)
    assert get_param(ctx, 7, 1) == (0, b"\x01\x07\x01" + bytes(16))
    assert set_param(ctx, 7, b"\x02\xaa\xbb") == (0, b"")       # partial block write
    assert get_param(ctx, 7, 2) == (0, b"\x01\x07\x02\xaa\xbb" + block[2:])
    assert set_param(ctx, 7, b"\x05" + block) == (0xC9, b"")
    assert get_param(ctx, 7, 5) == (0xC9, b"")
    assert set_param(ctx, 7, b"\x00" + bytes(17)) == (0xC7, b"")


def test_parameter_marked_invalid(ctx: Context) -> None:
    assert set_param(ctx, 1, b"", invalid=True) == (0, b"")
    assert get_param(ctx, 1) == (0, b"\x01\x81\x00")
    assert set_param(ctx, 1, b"\x07") == (0, b"")
    assert get_param(ctx, 1) == (0, b"\x01\x01\x07")
    assert ctx.events == ["boot param 1 invalid", "boot param 1 07", "boot param 1 valid"]


def test_errors(ctx: Context) -> None:
    assert set_param(ctx, 8, b"\x00") == (0x80, b"")
    assert get_param(ctx, 8) == (0x80, b"")
    assert get_param(ctx, 0x60) == (0x80, b"")                  # OEM range unsupported
    assert set_param(ctx, 5, b"\x80\x04") == (0xC7, b"")
    assert set_param(ctx, 5, b"") == (0xC7, b"")
    assert dispatch(ctx, 0x00, GET, b"\x05\x00") == (0xC7, b"")
    assert dispatch(ctx, 0x00, SET, b"") == (0xC7, b"")
    ctx.privilege = PRIV_USER
    assert get_param(ctx, 5) == (0xD4, b"")
    assert set_param(ctx, 5, b"\x80\x04\x00\x00\x00") == (0xD4, b"")
    assert ctx.state.boot_options[5] == bytes(5)


def test_valid_bit_cleared_after_sixty_seconds(ctx: Context) -> None:
    set_param(ctx, 5, b"\x80\x04\x00\x00\x00")
    assert next_deadline(ctx.state) == T0 + 60
    assert advance(ctx.state, T0 + 59) == []
    assert advance(ctx.state, T0 + 60) == ["boot flags valid cleared"]
    assert get_param(ctx, 5) == (0, b"\x01\x05\x00\x04\x00\x00\x00")
    assert next_deadline(ctx.state) is None


def test_chassis_control_restarts_the_countdown(ctx: Context) -> None:
    set_param(ctx, 5, b"\xc0\x04\x00\x00\x00")
    ctx.now = T0 + 50
    dispatch(ctx, 0x00, 0x02, b"\x01")
    assert next_deadline(ctx.state) == T0 + 110
    assert advance(ctx.state, T0 + 100) == []
    assert advance(ctx.state, T0 + 110) == ["boot flags valid cleared"]
    assert ctx.state.boot_options[5][0] == 0x40


def test_parameter_3_bit_3_keeps_the_valid_bit(ctx: Context) -> None:
    # ipmi-config --commit: Set(5) with the valid bit, then Set(3) = 1f, then Set(4) = ff ff.
    set_param(ctx, 5, b"\x80\x04\x00\x00\x00")
    set_param(ctx, 3, b"\x1f")
    set_param(ctx, 4, b"\xff\xff")
    assert next_deadline(ctx.state) is None
    assert advance(ctx.state, T0 + 3600) == []
    assert get_param(ctx, 5) == (0, b"\x01\x05\x80\x04\x00\x00\x00")
    set_param(ctx, 3, b"\x00")                                  # allowed again: countdown starts
    assert next_deadline(ctx.state) == T0 + 60


def test_writing_flags_without_valid_bit_stops_the_countdown(ctx: Context) -> None:
    set_param(ctx, 5, b"\x80\x04\x00\x00\x00")
    set_param(ctx, 5, b"\x00\x04\x00\x00\x00")
    assert next_deadline(ctx.state) is None


def test_countdown_disabled_by_state_option(ctx: Context) -> None:
    ctx.state.boot_flags_timeout = 0
    set_param(ctx, 5, b"\x80\x04\x00\x00\x00")
    assert next_deadline(ctx.state) is None
