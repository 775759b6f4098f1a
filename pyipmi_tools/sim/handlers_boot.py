"""Get/Set System Boot Options (IPMI 2.0 section 28.12, table 28-14), parameters 0-7.

Every parameter is stored as the bytes written, all bits kept. Special cases:
0 set-in-progress semantics, 4 (boot info acknowledge) whose first byte is a write mask
for the second, 7 (boot initiator mailbox) addressed in 16-byte blocks by set selector.
Boot flags (5) with the valid bit set are cleared automatically ``boot_flags_timeout``
seconds later unless parameter 3 bit 3 forbids it; every Chassis Control command
restarts that countdown.
"""

from __future__ import annotations

from .handlers_base import (CC_BAD_LENGTH, CC_OUT_OF_RANGE, CC_PARAM_NOT_SUPPORTED, CommandError, Context,
                            HandlerTable, hexs, need_len, need_range, next_set_state)
from .state import BOOT_MAILBOX_BLOCKS, BmcState

PARAMETER_VERSION = 0x01
BOOT_FLAGS = 5
VALID_BIT_CLEARING = 3
MAILBOX = 7
DONT_CLEAR_ON_TIMEOUT = 0x08          # parameter 3 bit 3
BOOT_FLAGS_VALID = 0x80               # parameter 5 data 1 bit 7

SET_LENGTHS = {0: 1, 1: 1, 2: 1, 3: 1, 4: 2, 5: 5, 6: 9}
"""Data bytes a Set must carry for each fixed-length parameter (7 takes 1-17)."""


def _flags_valid(state: BmcState) -> bool:
    return bool(state.boot_options[BOOT_FLAGS][0] & BOOT_FLAGS_VALID)


def _timeout_allowed(state: BmcState) -> bool:
    return state.boot_flags_timeout > 0 and not state.boot_options[VALID_BIT_CLEARING][0] & DONT_CLEAR_ON_TIMEOUT


def restart_countdown(state: BmcState, now: float) -> None:
    """A Chassis Control command arrived: restart a running valid-bit countdown."""
    if state.boot_flags_deadline is not None:
        state.boot_flags_deadline = now + state.boot_flags_timeout


def expire_boot_flags(state: BmcState, now: float) -> list[str]:
    """Clear the boot flags valid bit if its countdown has run out."""
    deadline = state.boot_flags_deadline
    if deadline is None or now < deadline:
        return []
    state.boot_flags_deadline = None
    if not (_flags_valid(state) and _timeout_allowed(state)):
        return []
    flags = bytearray(state.boot_options[BOOT_FLAGS])
    flags[0] &= ~BOOT_FLAGS_VALID & 0xFF
    state.boot_options[BOOT_FLAGS] = bytes(flags)
    return ["boot flags valid cleared"]


def _arm_countdown(state: BmcState, now: float, restart: bool) -> None:
    if not (_flags_valid(state) and _timeout_allowed(state)):
        state.boot_flags_deadline = None
    elif restart or state.boot_flags_deadline is None:
        state.boot_flags_deadline = now + state.boot_flags_timeout


def _write(ctx: Context, number: int, body: bytes) -> str:
    """Store ``body`` into parameter ``number``; return the event text."""
    options = ctx.state.boot_options
    if number == 0:
        options[0] = bytes((next_set_state(options[0][0] & 0x03, body[0]),))
    elif number == 4:
        mask, ack = body
        old = options[4][1]
        options[4] = bytes((mask, (old & ~mask & 0xFF) | (ack & mask)))
    elif number == MAILBOX:
        block, chunk = body[0], body[1:]
        if block >= BOOT_MAILBOX_BLOCKS:
            raise CommandError(CC_OUT_OF_RANGE)
        stored = bytearray(options[MAILBOX])
        stored[16 * block:16 * block + len(chunk)] = chunk
        options[MAILBOX] = bytes(stored)
        return f"boot param 7 block {block} {hexs(chunk)}".rstrip()
    else:
        options[number] = bytes(body)
    if number == BOOT_FLAGS:
        _arm_countdown(ctx.state, ctx.now, restart=True)
        return f"boot flags {hexs(body)}"
    if number == VALID_BIT_CLEARING:
        _arm_countdown(ctx.state, ctx.now, restart=False)
    return f"boot param {number} {hexs(options[number])}"


def set_system_boot_options(ctx: Context, data: bytes) -> bytes:
    need_range(data, 1, 18)
    number, invalid, body = data[0] & 0x7F, bool(data[0] & 0x80), data[1:]
    if number > MAILBOX:
        raise CommandError(CC_PARAM_NOT_SUPPORTED)
    if body:
        if number == MAILBOX:
            need_range(body, 1, 17)
        elif len(body) != SET_LENGTHS[number]:
            raise CommandError(CC_BAD_LENGTH)
        ctx.event(_write(ctx, number, body))
    elif not invalid:
        raise CommandError(CC_BAD_LENGTH)
    was_invalid = bool(ctx.state.boot_invalid >> number & 1)
    if invalid:
        ctx.state.boot_invalid |= 1 << number
    else:
        ctx.state.boot_invalid &= ~(1 << number)
    if invalid != was_invalid:
        ctx.event(f"boot param {number} {'invalid' if invalid else 'valid'}")
    return b""


def get_system_boot_options(ctx: Context, data: bytes) -> bytes:
    need_len(data, 3)
    number, set_selector = data[0] & 0x7F, data[1]
    if number > MAILBOX:
        raise CommandError(CC_PARAM_NOT_SUPPORTED)
    state = ctx.state
    selector = number | (0x80 if state.boot_invalid >> number & 1 else 0)
    if number == MAILBOX:
        if set_selector >= BOOT_MAILBOX_BLOCKS:
            raise CommandError(CC_OUT_OF_RANGE)
        value = bytes((set_selector,)) + state.boot_options[MAILBOX][16 * set_selector:16 * set_selector + 16]
    else:
        value = state.boot_options[number]
    return bytes((PARAMETER_VERSION, selector)) + value


HANDLERS: HandlerTable = {
    (0x00, 0x08): set_system_boot_options,
    (0x00, 0x09): get_system_boot_options,
}
