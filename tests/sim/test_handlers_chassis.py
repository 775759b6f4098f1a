"""Chassis commands and the time-driven power model, byte for byte."""

from __future__ import annotations

import pytest

from pyipmi_tools.sim.handlers import Context, advance, dispatch, next_deadline
from pyipmi_tools.sim.state import PRIV_ADMIN, PRIV_OPERATOR, PRIV_USER, default_state

CHASSIS = 0x00
STATUS, CONTROL, IDENTIFY, POLICY, RESTART_CAUSE, FRONT_PANEL, CYCLE_INTERVAL = 0x01, 0x02, 0x04, 0x06, 0x07, 0x0A, 0x0B
T0 = 1000.0


@pytest.fixture
def ctx() -> Context:
    return Context(default_state(), PRIV_ADMIN, user_id=2, channel=1, now=T0)


def call(ctx: Context, cmd: int, data: bytes = b"", now: float | None = None) -> tuple[int, bytes]:
    if now is not None:
        ctx.now = now
    return dispatch(ctx, CHASSIS, cmd, data)


def test_status_of_a_fresh_bmc(ctx: Context) -> None:
    # off, policy always-off, no last event, identify supported and off, all buttons may be disabled
    assert call(ctx, STATUS) == (0, b"\x00\x00\x40\xf0")


def test_power_on_and_off(ctx: Context) -> None:
    assert call(ctx, CONTROL, b"\x01") == (0, b"")
    assert call(ctx, STATUS) == (0, b"\x01\x10\x40\xf0")       # last event: on by IPMI command
    assert call(ctx, CONTROL, b"\x00") == (0, b"")
    assert call(ctx, STATUS) == (0, b"\x00\x10\x40\xf0")
    assert ctx.events == ["power on", "power off"]
    assert call(ctx, RESTART_CAUSE) == (0, b"\x01\x01")


def test_cycle_turns_off_then_on_after_the_off_time(ctx: Context) -> None:
    ctx.state.chassis.power_on = True
    ctx.state.chassis.cycle_off_time = 3.0
    assert call(ctx, CONTROL, b"\x02") == (0, b"")
    assert not ctx.state.chassis.power_on
    assert next_deadline(ctx.state) == T0 + 3.0
    assert advance(ctx.state, T0 + 2.999) == []
    assert not ctx.state.chassis.power_on
    assert advance(ctx.state, T0 + 3.0) == ["power on"]
    assert ctx.state.chassis.power_on and next_deadline(ctx.state) is None
    assert ctx.events == ["cycle"]


def test_dispatch_applies_due_transitions_first(ctx: Context) -> None:
    ctx.state.chassis.power_on = True
    call(ctx, CONTROL, b"\x02")
    assert call(ctx, STATUS, now=T0 + 0.5)[1][0] & 1 == 0
    assert call(ctx, STATUS, now=T0 + 1.0)[1][0] & 1 == 1
    assert ctx.events == ["cycle", "power on"]


def test_power_command_cancels_a_pending_cycle(ctx: Context) -> None:
    ctx.state.chassis.power_on = True
    call(ctx, CONTROL, b"\x02")
    call(ctx, CONTROL, b"\x00", now=T0 + 0.5)
    assert next_deadline(ctx.state) is None
    assert advance(ctx.state, T0 + 10) == [] and not ctx.state.chassis.power_on


@pytest.mark.parametrize("action, option", [(b"\x02", "cycle_when_off"), (b"\x03", "reset_when_off")])
def test_cycle_or_reset_of_an_off_host(ctx: Context, action: bytes, option: str) -> None:
    assert call(ctx, CONTROL, action) == (0xD5, b"")
    assert not ctx.state.chassis.power_on and ctx.events == []
    setattr(ctx.state.chassis, option, "on")
    assert call(ctx, CONTROL, action) == (0, b"")
    assert ctx.state.chassis.power_on and ctx.events == ["power on"]


def test_hard_reset_keeps_power(ctx: Context) -> None:
    ctx.state.chassis.power_on = True
    assert call(ctx, CONTROL, b"\x03") == (0, b"")
    assert ctx.state.chassis.power_on and ctx.events == ["reset"]


def test_soft_shutdown(ctx: Context) -> None:
    ctx.state.chassis.power_on = True
    ctx.state.chassis.soft_off_honoured = False
    assert call(ctx, CONTROL, b"\x05") == (0, b"")
    assert ctx.state.chassis.power_on
    ctx.state.chassis.soft_off_honoured = True
    assert call(ctx, CONTROL, b"\x05") == (0, b"")
    assert not ctx.state.chassis.power_on
    assert call(ctx, CONTROL, b"\x05") == (0, b"")            # already off: nothing happens
    assert ctx.events == ["soft off ignored", "soft off"]


def test_diagnostic_interrupt_is_logged(ctx: Context) -> None:
    assert call(ctx, CONTROL, b"\x04") == (0, b"")
    assert ctx.events == ["diag interrupt"]


def test_chassis_control_errors(ctx: Context) -> None:
    assert call(ctx, CONTROL, b"\x06") == (0xC9, b"")
    assert call(ctx, CONTROL, b"") == (0xC7, b"")
    assert call(ctx, CONTROL, b"\x01\x00") == (0xC7, b"")
    ctx.privilege = PRIV_USER
    assert call(ctx, CONTROL, b"\x01") == (0xD4, b"")
    assert call(ctx, STATUS) == (0, b"\x00\x00\x40\xf0")
    assert not ctx.state.chassis.power_on and ctx.events == []


def test_identify_timed_forced_and_off(ctx: Context) -> None:
    assert call(ctx, IDENTIFY) == (0, b"")                      # default 15 s
    assert call(ctx, STATUS)[1][2] == 0x50
    assert next_deadline(ctx.state) == T0 + 15
    assert call(ctx, STATUS, now=T0 + 15)[1][2] == 0x40
    assert call(ctx, IDENTIFY, b"\xff\x01") == (0, b"")          # FreeIPMI's identify on
    assert call(ctx, STATUS)[1][2] == 0x60
    assert call(ctx, IDENTIFY, b"\x05") == (0, b"")
    assert call(ctx, STATUS)[1][2] == 0x50
    assert call(ctx, IDENTIFY, b"\x00") == (0, b"")
    assert call(ctx, STATUS)[1][2] == 0x40
    assert ctx.events == ["identify 15", "identify off", "identify on", "identify 5", "identify off"]
    assert call(ctx, IDENTIFY, b"\x00\x00\x00") == (0xC7, b"")


def test_identify_unsupported(ctx: Context) -> None:
    ctx.state.chassis.identify_supported = False
    assert call(ctx, STATUS)[1][2] == 0x00
    assert call(ctx, IDENTIFY) == (0xC1, b"")


def test_power_restore_policy(ctx: Context) -> None:
    assert call(ctx, POLICY, b"\x02") == (0, b"\x07")
    assert call(ctx, STATUS)[1][0] == 0x40
    assert call(ctx, POLICY, b"\x03") == (0, b"\x07")           # no change, report support
    assert ctx.state.chassis.restore_policy == 2
    assert call(ctx, POLICY, b"\x04") == (0xC9, b"")
    ctx.state.chassis.supported_policies = 0x03
    assert call(ctx, POLICY, b"\x02") == (0xCC, b"")
    assert call(ctx, POLICY, b"\x01") == (0, b"\x03")
    assert call(ctx, STATUS)[1][0] == 0x20
    assert ctx.events == ["restore policy 2", "restore policy 1"]


def test_front_panel_enables(ctx: Context) -> None:
    assert call(ctx, FRONT_PANEL, b"\x05") == (0, b"")
    assert call(ctx, STATUS)[1][3] == 0xF5
    ctx.state.chassis.front_panel_disable_allowed = 0x01
    assert call(ctx, FRONT_PANEL, b"\x02") == (0xCC, b"")
    assert call(ctx, FRONT_PANEL, b"\x01") == (0, b"")
    assert call(ctx, STATUS)[1][3] == 0x11
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, FRONT_PANEL, b"\x00") == (0xD4, b"")
    assert ctx.events == ["front panel 05", "front panel 01"]


def test_front_panel_byte_absent(ctx: Context) -> None:
    ctx.state.chassis.front_panel = False
    assert call(ctx, STATUS) == (0, b"\x00\x00\x40")
    assert call(ctx, FRONT_PANEL, b"\x00") == (0xC1, b"")


def test_power_cycle_interval_is_stored(ctx: Context) -> None:
    assert call(ctx, CYCLE_INTERVAL, b"\x0a") == (0, b"")
    assert ctx.state.chassis.power_cycle_interval == 10 and ctx.events == ["cycle interval 10"]
    ctx.privilege = PRIV_OPERATOR
    assert call(ctx, CYCLE_INTERVAL, b"\x0a") == (0xD4, b"")


def test_status_reports_fault_flags(ctx: Context) -> None:
    c = ctx.state.chassis
    c.power_flags, c.misc_flags, c.last_power_event = 0x1E, 0x0F, 0x01
    assert call(ctx, STATUS) == (0, b"\x1e\x01\x4f\xf0")
