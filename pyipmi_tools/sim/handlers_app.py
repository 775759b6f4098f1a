"""Application commands (netfn 0x06): device identity, channels, channel security keys."""

from __future__ import annotations

from .handlers_base import (CC_INVALID_DATA, CC_OUT_OF_RANGE, CommandError, Context, HandlerTable, channel_of,
                            lan_channel, need_len, need_range, session_channel)

IPMI_IANA = (7154).to_bytes(3, "little")     # vendor ID in Get Channel Info
MEDIUM_LAN, MEDIUM_SERIAL, MEDIUM_SYSTEM = 0x04, 0x05, 0x0C
PROTOCOL_IPMB, PROTOCOL_KCS = 0x01, 0x05
SYSTEM_INTERFACE = 0x0F
KEY_R, KEY_G = 0, 1
OP_READ, OP_SET = 0, 1
KEY_LEN = 20


def get_device_id(ctx: Context, data: bytes) -> bytes:
    need_len(data, 0)
    d = ctx.state.device
    return (bytes((d.device_id & 0xFF, (0x80 if d.provides_sdrs else 0) | (d.device_revision & 0x0F),
                   d.firmware_major & 0x7F, d.firmware_minor & 0xFF, d.ipmi_version & 0xFF,
                   d.additional_support & 0xFF))
            + (d.manufacturer_id & 0x0FFFFF).to_bytes(3, "little") + (d.product_id & 0xFFFF).to_bytes(2, "little")
            + d.aux_firmware)


def get_self_test_results(ctx: Context, data: bytes) -> bytes:
    need_len(data, 0)
    return b"\x55\x00"                      # no error


def get_device_guid(ctx: Context, data: bytes) -> bytes:
    need_len(data, 0)
    return ctx.state.guid


def get_system_guid(ctx: Context, data: bytes) -> bytes:
    need_len(data, 0)
    return ctx.state.system_guid


def _access_kind(bits: int) -> bool | None:
    """Bits 7:6 of Set/Get Channel Access: None = don't change, True = volatile, False = non-volatile."""
    if bits == 0:
        return None
    if bits == 3:
        raise CommandError(CC_INVALID_DATA)
    return bits == 2


def set_channel_access(ctx: Context, data: bytes) -> bytes:
    need_len(data, 3)
    channel = session_channel(ctx, data[0])
    access_kind, priv_kind = _access_kind(data[1] >> 6), _access_kind(data[2] >> 6)
    mode, privilege = data[1] & 0x07, data[2] & 0x0F
    if mode > 3 or (priv_kind is not None and not 1 <= privilege <= 5):
        raise CommandError(CC_OUT_OF_RANGE)
    if access_kind is not None:
        s = ctx.state.channel_settings(channel, access_kind)
        s.access_mode = mode
        s.user_level_auth = not data[1] & 0x08
        s.per_message_auth = not data[1] & 0x10
        s.pef_alerting = not data[1] & 0x20
        ctx.event(f"channel {channel} {'volatile' if access_kind else 'non-volatile'} access {data[1] & 0x3F:02x}")
    if priv_kind is not None:
        ctx.state.channel_settings(channel, priv_kind).privilege_limit = privilege
        ctx.event(f"channel {channel} {'volatile' if priv_kind else 'non-volatile'} privilege {privilege}")
    return b""


def get_channel_access(ctx: Context, data: bytes) -> bytes:
    need_len(data, 2)
    channel = session_channel(ctx, data[0])
    kind = _access_kind(data[1] >> 6)
    if kind is None:
        raise CommandError(CC_INVALID_DATA)
    s = ctx.state.channel_settings(channel, kind)
    flags = (s.access_mode & 0x07 | (0 if s.user_level_auth else 0x08) | (0 if s.per_message_auth else 0x10)
             | (0 if s.pef_alerting else 0x20))
    return bytes((flags, s.privilege_limit & 0x0F))


def get_channel_info(ctx: Context, data: bytes) -> bytes:
    need_len(data, 1)
    channel = channel_of(ctx, data[0])
    sessions = ctx.active_sessions & 0x3F if channel == ctx.channel else 0
    if channel == ctx.state.lan_channel:
        medium, protocol, support = MEDIUM_LAN, PROTOCOL_IPMB, 0x80 | sessions       # multi-session
    elif channel == ctx.state.serial_channel:
        medium, protocol, support = MEDIUM_SERIAL, PROTOCOL_IPMB, 0x40 | sessions    # single-session
    elif channel == SYSTEM_INTERFACE:
        medium, protocol, support = MEDIUM_SYSTEM, PROTOCOL_KCS, 0x00                # session-less
    else:
        raise CommandError(CC_INVALID_DATA)
    return bytes((channel, medium, protocol, support)) + IPMI_IANA + b"\x00\x00"


def get_channel_payload_support(ctx: Context, data: bytes) -> bytes:
    need_len(data, 1)
    lan_channel(ctx, data[0])
    # IPMI message and SOL; Open Session request/response and RAKP 1-4; no OEM payloads.
    return bytes((0x03, 0x00, 0x3F, 0x00, 0x00, 0x00, 0x00, 0x00))


def set_channel_security_keys(ctx: Context, data: bytes) -> bytes:
    need_range(data, 3, 3 + 2 * KEY_LEN)
    lan_channel(ctx, data[0])
    operation, key_id, value = data[1] & 0x03, data[2], data[3:]
    state = ctx.state
    if key_id not in (KEY_R, KEY_G) or operation not in (OP_READ, OP_SET):
        raise CommandError(CC_INVALID_DATA)     # keys are not lockable
    lock_status = b"\x00"                       # key is not lockable
    if operation == OP_READ:
        return lock_status + (state.k_r if key_id == KEY_R else state.k_g or bytes(KEY_LEN))
    if len(value) != KEY_LEN:
        raise CommandError(0x81 if len(value) < KEY_LEN else 0x82)
    if key_id == KEY_R:
        state.k_r = bytes(value)
        ctx.event("k_r set")
    elif any(value):
        state.k_g = bytes(value)
        ctx.event("k_g set")
    else:
        state.k_g = None
        ctx.event("k_g cleared")
    return lock_status


HANDLERS: HandlerTable = {
    (0x06, 0x01): get_device_id,
    (0x06, 0x04): get_self_test_results,
    (0x06, 0x08): get_device_guid,
    (0x06, 0x37): get_system_guid,
    (0x06, 0x40): set_channel_access,
    (0x06, 0x41): get_channel_access,
    (0x06, 0x42): get_channel_info,
    (0x06, 0x4E): get_channel_payload_support,
    (0x06, 0x56): set_channel_security_keys,
}
