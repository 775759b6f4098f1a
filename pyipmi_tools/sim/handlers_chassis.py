"""Chassis commands (netfn 0x00) and the time-driven chassis model.

Power on/off take effect at once. A power cycle turns the host off now and records a
pending "on" at ``now + cycle_off_time``; :func:`advance` applies it (and ends timed
identify and the boot-flags valid countdown) when the clock passes it. A cycle or hard
reset of an off host answers 0xD5, or powers it on when the chassis option says "on".
"""

from __future__ import annotations

from .handlers_base import (CC_INVALID_COMMAND, CC_INVALID_DATA, CC_NOT_IN_STATE, CC_OUT_OF_RANGE, CommandError,
                            Context, HandlerTable, need_len)
from .handlers_boot import expire_boot_flags, restart_countdown
from .state import BmcState, ChassisState, PendingTransition

POWER_DOWN, POWER_UP, POWER_CYCLE, HARD_RESET, DIAG_INTERRUPT, SOFT_SHUTDOWN = range(6)
LAST_EVENT_IPMI_ON = 0x10             # Get Chassis Status byte 2 bit 4: powered on by command
RESTART_BY_COMMAND = 0x01             # Get System Restart Cause: Chassis Control command
DEFAULT_IDENTIFY_SECONDS = 15


def _power_on(chassis: ChassisState, channel: int) -> None:
    chassis.power_on = True
    chassis.pending = None
    chassis.last_power_event = LAST_EVENT_IPMI_ON
    chassis.restart_cause, chassis.restart_channel = RESTART_BY_COMMAND, channel


def _power_off(chassis: ChassisState) -> None:
    chassis.power_on = False
    chassis.pending = None


def get_chassis_status(ctx: Context, data: bytes) -> bytes:
    need_len(data, 0)
    c = ctx.state.chassis
    power = int(c.power_on) | (c.power_flags & 0x1E) | (c.restore_policy & 0x03) << 5
    misc = c.misc_flags & 0x0F
    if c.identify_supported:
        misc |= 0x40 | c.identify_state(ctx.now) << 4
    reply = bytes((power, c.last_power_event & 0x1F, misc))
    if c.front_panel:
        reply += bytes(((c.front_panel_disable_allowed & 0x0F) << 4 | (c.front_panel_disabled & 0x0F),))
    return reply


def _when_off(ctx: Context, option: str) -> None:
    """A cycle or reset of an off host: 0xD5, or power on if the chassis option says so."""
    if option != "on":
        raise CommandError(CC_NOT_IN_STATE)
    _power_on(ctx.state.chassis, ctx.channel)
    ctx.event("power on")


def chassis_control(ctx: Context, data: bytes) -> bytes:
    need_len(data, 1)
    action = data[0] & 0x0F
    c = ctx.state.chassis
    if action > SOFT_SHUTDOWN:
        raise CommandError(CC_OUT_OF_RANGE)
    if action == POWER_DOWN:
        _power_off(c)
        ctx.event("power off")
    elif action == POWER_UP:
        _power_on(c, ctx.channel)
        ctx.event("power on")
    elif action == POWER_CYCLE:
        if not c.power_on:
            _when_off(ctx, c.cycle_when_off)
        else:
            _power_off(c)
            c.restart_channel = ctx.channel
            c.pending = PendingTransition("on", ctx.now + c.cycle_off_time)
            ctx.event("cycle")
    elif action == HARD_RESET:
        if not c.power_on:
            _when_off(ctx, c.reset_when_off)
        else:
            c.restart_cause, c.restart_channel = RESTART_BY_COMMAND, ctx.channel
            ctx.event("reset")
    elif action == DIAG_INTERRUPT:
        ctx.event("diag interrupt")
    elif c.power_on:
        if c.soft_off_honoured:
            _power_off(c)
            ctx.event("soft off")
        else:
            ctx.event("soft off ignored")
    restart_countdown(ctx.state, ctx.now)
    return b""


def chassis_identify(ctx: Context, data: bytes) -> bytes:
    need_len(data, 0, 1, 2)
    c = ctx.state.chassis
    if not c.identify_supported:
        raise CommandError(CC_INVALID_COMMAND)
    interval = data[0] if data else DEFAULT_IDENTIFY_SECONDS
    if len(data) == 2 and data[1] & 0x01:
        c.identify_forced, c.identify_until = True, None
        ctx.event("identify on")
    elif interval == 0:
        c.identify_forced, c.identify_until = False, None
        ctx.event("identify off")
    else:
        c.identify_forced, c.identify_until = False, ctx.now + interval
        ctx.event(f"identify {interval}")
    return b""


def set_power_restore_policy(ctx: Context, data: bytes) -> bytes:
    need_len(data, 1)
    c = ctx.state.chassis
    policy = data[0] & 0x07
    if policy > 3:
        raise CommandError(CC_OUT_OF_RANGE)
    if policy != 3:                    # 3: no change, just report what is supported
        if not c.supported_policies >> policy & 1:
            raise CommandError(CC_INVALID_DATA)
        c.restore_policy = policy
        ctx.event(f"restore policy {policy}")
    return bytes((c.supported_policies & 0x07,))


def get_system_restart_cause(ctx: Context, data: bytes) -> bytes:
    need_len(data, 0)
    c = ctx.state.chassis
    return bytes((c.restart_cause & 0x0F, c.restart_channel & 0xFF))


def set_front_panel_enables(ctx: Context, data: bytes) -> bytes:
    c = ctx.state.chassis
    if not c.front_panel:
        raise CommandError(CC_INVALID_COMMAND)
    need_len(data, 1)
    disabled = data[0] & 0x0F
    if disabled & ~c.front_panel_disable_allowed & 0x0F:
        raise CommandError(CC_INVALID_DATA)
    c.front_panel_disabled = disabled
    ctx.event(f"front panel {disabled:02x}")
    return b""


def set_power_cycle_interval(ctx: Context, data: bytes) -> bytes:
    need_len(data, 1)
    ctx.state.chassis.power_cycle_interval = data[0]
    ctx.event(f"cycle interval {data[0]}")
    return b""


def advance(state: BmcState, now: float) -> list[str]:
    """Apply every time-driven change due by ``now``; return their event strings."""
    events: list[str] = []
    c = state.chassis
    if c.pending is not None and now >= c.pending.at:
        _power_on(c, c.restart_channel)
        events.append("power on")
    if c.identify_until is not None and now >= c.identify_until:
        c.identify_until = None
        events.append("identify off")
    events.extend(expire_boot_flags(state, now))
    return events


def next_deadline(state: BmcState) -> float | None:
    """Earliest time :func:`advance` has something to do, or None."""
    c = state.chassis
    times = [t for t in (c.pending.at if c.pending else None, c.identify_until, state.boot_flags_deadline)
             if t is not None]
    return min(times, default=None)


HANDLERS: HandlerTable = {
    (0x00, 0x01): get_chassis_status,
    (0x00, 0x02): chassis_control,
    (0x00, 0x04): chassis_identify,
    (0x00, 0x06): set_power_restore_policy,
    (0x00, 0x07): get_system_restart_cause,
    (0x00, 0x0A): set_front_panel_enables,
    (0x00, 0x0B): set_power_cycle_interval,
}
