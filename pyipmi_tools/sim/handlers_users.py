"""User commands (netfn 0x06): names, passwords, per-channel access, payload access."""

from __future__ import annotations

from .handlers_base import (CC_BAD_LENGTH, CC_INVALID_DATA, CC_OUT_OF_RANGE, CommandError, Context, HandlerTable,
                            hexs, need_len, session_channel)
from .state import NO_ACCESS, ChannelAccess, User

PASSWORD_MISMATCH = 0x80              # Set User Password "test password": wrong password
PASSWORD_WRONG_SIZE = 0x81            # ... tested with the 16-byte form, stored one is longer
OP_DISABLE, OP_ENABLE, OP_SET_PASSWORD, OP_TEST_PASSWORD = range(4)
PAYLOAD_MASK = 0x00FF00FE
"""Writable User Payload Access bits: standard payloads 1-7 (1 = SOL) and OEM payloads 0-7."""


def _user(ctx: Context, byte: int) -> User:
    try:
        return ctx.state.user(byte & 0x3F)
    except KeyError:
        raise CommandError(CC_OUT_OF_RANGE) from None


def set_user_access(ctx: Context, data: bytes) -> bytes:
    need_len(data, 3, 4)
    channel = session_channel(ctx, data[0])
    user = _user(ctx, data[1])
    privilege = data[2] & 0x0F
    if not (1 <= privilege <= 5 or privilege == NO_ACCESS):
        raise CommandError(CC_OUT_OF_RANGE)
    access = user.access.setdefault(channel, ChannelAccess())
    if data[0] & 0x80:                 # "change bits in this byte"
        access.callback_only = bool(data[0] & 0x40)
        access.link_auth = bool(data[0] & 0x20)
        access.ipmi_messaging = bool(data[0] & 0x10)
    access.privilege_limit = privilege
    if len(data) == 4:
        access.session_limit = data[3] & 0x0F
    ctx.event(f"user {user.user_id} access channel {channel} privilege {privilege} "
              f"messaging {int(access.ipmi_messaging)} link {int(access.link_auth)} "
              f"callback {int(access.callback_only)} sessions {access.session_limit}")
    return b""


def get_user_access(ctx: Context, data: bytes) -> bytes:
    need_len(data, 2)
    channel = session_channel(ctx, data[0])
    user = _user(ctx, data[1])
    users = ctx.state.users
    enabled = sum(u.enabled for u in users)
    fixed = sum(u.fixed_name for u in users)
    access = user.access_on(channel)
    return bytes((len(users) & 0x3F,
                  (enabled & 0x3F) | (0x40 if user.enabled else 0x80),
                  fixed & 0x3F,
                  (access.privilege_limit & 0x0F) | access.ipmi_messaging << 4 | access.link_auth << 5
                  | access.callback_only << 6))


def set_user_name(ctx: Context, data: bytes) -> bytes:
    need_len(data, 17)
    user = _user(ctx, data[0])
    if user.fixed_name:
        raise CommandError(CC_INVALID_DATA)
    user.name = data[1:].split(b"\0", 1)[0].decode("latin-1")
    ctx.event(f"user {user.user_id} name {user.name}")
    return b""


def get_user_name(ctx: Context, data: bytes) -> bytes:
    need_len(data, 1)
    return _user(ctx, data[0]).name_bytes().ljust(16, b"\0")


def set_user_password(ctx: Context, data: bytes) -> bytes:
    need_len(data, 2, 18, 22)
    user = _user(ctx, data[0])
    size = 20 if data[0] & 0x80 else 16
    operation = data[1] & 0x03
    if operation == OP_DISABLE:
        user.enabled = False
        ctx.event(f"user {user.user_id} disabled")
    elif operation == OP_ENABLE:
        user.enabled = True
        ctx.event(f"user {user.user_id} enabled")
    elif len(data) != 2 + size:
        raise CommandError(CC_BAD_LENGTH)
    elif operation == OP_SET_PASSWORD:
        user.password = data[2:].rstrip(b"\0")
        ctx.event(f"user {user.user_id} password set")
    else:
        if size == 16 and len(user.password) > 16:
            raise CommandError(PASSWORD_WRONG_SIZE)
        if user.padded_password(size) != data[2:]:
            raise CommandError(PASSWORD_MISMATCH)
    return b""


def set_user_payload_access(ctx: Context, data: bytes) -> bytes:
    need_len(data, 6)
    channel = session_channel(ctx, data[0])
    user = _user(ctx, data[1])
    operation = data[1] >> 6
    if operation > 1:
        raise CommandError(CC_INVALID_DATA)
    bits = int.from_bytes(data[2:6], "little") & PAYLOAD_MASK
    current = user.payloads.get(channel, 0)
    user.payloads[channel] = current & ~bits if operation else current | bits
    ctx.event(f"user {user.user_id} payloads channel {channel} {hexs(user.payloads[channel].to_bytes(4, 'little'))}")
    return b""


def get_user_payload_access(ctx: Context, data: bytes) -> bytes:
    need_len(data, 2)
    channel = session_channel(ctx, data[0])
    return _user(ctx, data[1]).payloads.get(channel, 0).to_bytes(4, "little")


HANDLERS: HandlerTable = {
    (0x06, 0x43): set_user_access,
    (0x06, 0x44): get_user_access,
    (0x06, 0x45): set_user_name,
    (0x06, 0x46): get_user_name,
    (0x06, 0x47): set_user_password,
    (0x06, 0x4C): set_user_payload_access,
    (0x06, 0x4D): get_user_payload_access,
}
