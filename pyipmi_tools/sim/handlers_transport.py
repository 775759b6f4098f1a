"""Transport commands (netfn 0x0C): LAN and SOL configuration parameters.

Parameters are kept as the bytes written. Each supported parameter has a length (data
bytes of a Set), a read-only flag and an optional value check; unknown parameters
answer 0x80, writes to read-only ones 0x82, wrong lengths 0xC7, bad values 0xC9.
LAN parameters 18, 19 and 56 carry a set selector in their first data byte and are
stored per selector in ``lan_param_sets``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Optional

from .handlers_base import (CC_BAD_LENGTH, CC_OUT_OF_RANGE, CC_PARAM_NOT_SUPPORTED, CC_READ_ONLY, CommandError,
                            Context, HandlerTable, hexs, lan_channel, need_len, need_range, next_set_state)

PARAMETER_REVISION = 0x11


@dataclass(frozen=True)
class Param:
    """How a configuration parameter is written: Set data length(s), read-only, value check."""

    lengths: tuple[int, ...] = ()
    read_only: bool = False
    check: Optional[Callable[[bytes], bool]] = None


def _nibble_at_most(limit: int) -> Callable[[bytes], bool]:
    return lambda body: body[0] & 0x0F <= limit


def _privilege_nibbles(body: bytes) -> bool:
    return all(b & 0x0F <= 5 and b >> 4 <= 5 for b in body[1:])


def _bit_rate(body: bytes) -> bool:
    return body[0] & 0x0F in (0, 6, 7, 8, 9, 10)


LAN_PARAMS: Dict[int, Param] = {
    0: Param((1,)),                                   # set in progress
    1: Param(read_only=True),                         # authentication type support
    2: Param((5,)),                                   # authentication type enables
    3: Param((4,)),                                   # IP address
    4: Param((1,), check=_nibble_at_most(4)),         # IP address source
    5: Param((6,)),                                   # MAC address
    6: Param((4,)),                                   # subnet mask
    7: Param((3,)),                                   # IPv4 header parameters
    8: Param((2,)), 9: Param((2,)),                   # primary / secondary RMCP port
    10: Param((1,)),                                  # BMC-generated ARP control
    11: Param((1,)),                                  # gratuitous ARP interval
    12: Param((4,)), 13: Param((6,)),                 # default gateway IP / MAC
    14: Param((4,)), 15: Param((6,)),                 # backup gateway IP / MAC
    16: Param((18,)),                                 # community string
    17: Param(read_only=True),                        # number of destinations
    18: Param((4,)),                                  # destination type (set selector)
    19: Param((13,)),                                 # destination addresses (set selector)
    20: Param((2,)),                                  # VLAN ID
    21: Param((1,), check=_nibble_at_most(7)),        # VLAN priority
    22: Param(read_only=True),                        # cipher suite entry support
    23: Param(read_only=True),                        # cipher suite entries
    24: Param((9,), check=_privilege_nibbles),        # cipher suite privilege levels
    26: Param((6,)),                                  # bad password threshold
    50: Param(read_only=True),                        # IPv6/IPv4 support
    51: Param((1,), check=lambda body: body[0] <= 2),  # IPv6/IPv4 addressing enables
    55: Param(read_only=True),                        # IPv6 status
    56: Param((19, 20)),                              # IPv6 static addresses (set selector)
    64: Param((1,)),                                  # IPv6 router address configuration control
    65: Param((16,)), 66: Param((6,)),                # IPv6 static router 1 IP / MAC
    67: Param((1,), check=lambda body: body[0] <= 128),   # static router 1 prefix length
    68: Param((16,)),                                 # static router 1 prefix value
    69: Param((16,)), 70: Param((6,)),                # IPv6 static router 2 IP / MAC
    71: Param((1,), check=lambda body: body[0] <= 128),   # static router 2 prefix length
    72: Param((16,)),                                 # static router 2 prefix value
}

SOL_PARAMS: Dict[int, Param] = {
    0: Param((1,)),                                   # set in progress
    1: Param((1,)),                                   # SOL enable
    2: Param((1,), check=lambda body: 1 <= body[0] & 0x0F <= 5),   # force encryption/auth, privilege
    3: Param((2,), check=lambda body: body[0] != 0),  # character accumulate interval, send threshold
    4: Param((2,)),                                   # retry count, retry interval
    5: Param((1,), check=_bit_rate),                  # non-volatile bit rate
    6: Param((1,), check=_bit_rate),                  # volatile bit rate
    7: Param(read_only=True),                         # payload channel
    8: Param((2,)),                                   # payload port number
}


def _checked(table: Dict[int, Param], number: int, body: bytes) -> None:
    param = table.get(number)
    if param is None:
        raise CommandError(CC_PARAM_NOT_SUPPORTED)
    if param.read_only:
        raise CommandError(CC_READ_ONLY)
    if len(body) not in param.lengths:
        raise CommandError(CC_BAD_LENGTH)
    if param.check is not None and not param.check(body):
        raise CommandError(CC_OUT_OF_RANGE)


def _set_selector_of(number: int, byte: int) -> int:
    return byte & 0x0F if number in (18, 19) else byte


def set_lan_config(ctx: Context, data: bytes) -> bytes:
    need_range(data, 2, 2 + 32)
    lan_channel(ctx, data[0])
    number, body = data[1], data[2:]
    _checked(LAN_PARAMS, number, body)
    state = ctx.state
    if number in state.lan_param_sets:
        sets = state.lan_param_sets[number]
        selector = _set_selector_of(number, body[0])
        if selector not in sets:
            raise CommandError(CC_OUT_OF_RANGE)
        if number == 56:               # address status is read-only: active if enabled
            body = body[:19] + bytes((0x00 if body[1] & 0x80 else 0x01,))
        sets[selector] = bytes(body)
    elif number == 0:
        body = bytes((next_set_state(state.lan_params.get(0, b"\0")[0] & 0x03, body[0]),))
        state.lan_params[0] = body
    else:
        state.lan_params[number] = bytes(body)
    ctx.event(f"lan param {number} {hexs(body)}")
    return b""


def get_lan_config(ctx: Context, data: bytes) -> bytes:
    need_len(data, 4)
    lan_channel(ctx, data[0])
    number, set_selector = data[1], data[2]
    state = ctx.state
    if number not in LAN_PARAMS:
        raise CommandError(CC_PARAM_NOT_SUPPORTED)
    if data[0] & 0x80:                 # parameter revision only
        return bytes((PARAMETER_REVISION,))
    if number in state.lan_param_sets:
        value = state.lan_param_sets[number].get(_set_selector_of(number, set_selector))
        if value is None:
            raise CommandError(CC_OUT_OF_RANGE)
    else:
        value = state.lan_params.get(number)
        if value is None:
            raise CommandError(CC_PARAM_NOT_SUPPORTED)
    return bytes((PARAMETER_REVISION,)) + value


def set_sol_config(ctx: Context, data: bytes) -> bytes:
    need_range(data, 2, 2 + 8)
    lan_channel(ctx, data[0])
    number, body = data[1], data[2:]
    _checked(SOL_PARAMS, number, body)
    params = ctx.state.sol_params
    if number == 0:
        body = bytes((next_set_state(params.get(0, b"\0")[0] & 0x03, body[0]),))
    params[number] = bytes(body)
    ctx.event(f"sol param {number} {hexs(body)}")
    return b""


def get_sol_config(ctx: Context, data: bytes) -> bytes:
    need_len(data, 4)
    lan_channel(ctx, data[0])
    number = data[1]
    value = ctx.state.sol_params.get(number)
    if number not in SOL_PARAMS or value is None:
        raise CommandError(CC_PARAM_NOT_SUPPORTED)
    if data[0] & 0x80:
        return bytes((PARAMETER_REVISION,))
    return bytes((PARAMETER_REVISION,)) + value


HANDLERS: HandlerTable = {
    (0x0C, 0x01): set_lan_config,
    (0x0C, 0x02): get_lan_config,
    (0x0C, 0x21): set_sol_config,
    (0x0C, 0x22): get_sol_config,
}
