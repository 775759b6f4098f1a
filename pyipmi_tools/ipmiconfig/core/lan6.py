"""The Lan6_Conf section: IPv6 support, addressing enables, static addresses and routers.

The address keys exist only when the BMC answers LAN parameter 55 (IPv6 status) while the
sections are built: without ``-v`` the first static address has unsuffixed keys, with ``-v``
every static address gets keys ending in ``_<n>``.
"""

from __future__ import annotations

import ipaddress

from ...commands import config_params as cp
from ..model import (Choice, Context, FailureKind, Key, KeyFailure, KeyFlag, Section, Validity, format_mac,
                     get_parameter, number_range, validate_mac, validate_yes_no, yes_no)
from ..model import c_number_or_zero as _c
from .common import ParamBlock, bit_key, bits_key, choice_key, decoded, field_key, lan_block, lan_channel

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..model import Script

ADDRESSING = Choice({"IPv6_Disabled": 0, "IPv6_Only": 1, "IPv6_and_IPv4": 2})
ADDRESS_STATUS = Choice({"Active": 0, "Disabled": 1, "Pending": 2, "Failed": 3, "Deprecated": 4, "Invalid": 5})
SOURCE = Choice({"Static": 0})
READ_ONLY = KeyFlag.READ_ONLY | KeyFlag.COMMENTED_OUT

COMMENT = (
    "Lan6_Conf holds the BMC's IPv6 network settings: give an address in \"IPv6_Static_Address\" and the "
    "routers below. BMCs with several IPv6 addresses show all of them with -v.")


def _ipv6_show(data: bytes) -> str:
    return ipaddress.IPv6Address(bytes(data)).compressed


def _ipv6_parse(value: str) -> bytes:
    return ipaddress.IPv6Address(value).packed


def validate_ipv6(value: str) -> Validity:
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return Validity.INVALID
    return Validity.VALID


def _static_block(selector: int) -> ParamBlock:
    return ParamBlock(lan_channel, lambda ch: cp.get_lan_param(ch, 56, "ipv6_static_addresses", selector),
                      lambda ch, data: cp.set_lan_param(ch, 56, data, "ipv6_static_addresses"), 20)


def _address_keys(selector: int, suffix: str) -> list[Key]:
    block = _static_block(selector)
    return [
        choice_key(f"IPv6_Static_Address_Source{suffix}", SOURCE, block, 1, 0, 4),
        bit_key(f"IPv6_Static_Address_Enable{suffix}", block, 1, 7),
        field_key(f"IPv6_Static_Address{suffix}", "Give valid IPv6 address", block, lambda d: _ipv6_show(d[2:18]),
                  lambda d, v: d[:2] + _ipv6_parse(v) + d[18:], validate_ipv6),
        bits_key(f"IPv6_Static_Address_Prefix_Length{suffix}", "Give valid prefix length", block, 18, 0, 8, str, _c,
                 number_range(0, 128)),
        bits_key(f"IPv6_Static_Address_Status{suffix}", "READ-ONLY", block, 19, 0, 8, ADDRESS_STATUS.name, _c,
                 lambda v: Validity.VALID, READ_ONLY),
    ]


def _router_keys(number: int) -> list[Key]:
    base = 65 if number == 1 else 69
    names = ("ipv6_static_router_%d_ip_address", "ipv6_static_router_%d_mac_address",
             "ipv6_static_router_%d_prefix_length", "ipv6_static_router_%d_prefix_value")
    ip, mac, length, prefix = (lan_block(base + i, size, names[i] % number) for i, size in enumerate((16, 6, 1, 16)))
    return [
        field_key(f"IPv6_Static_Router_Address_{number}", "Give valid IPv6 address", ip, _ipv6_show,
                  lambda d, v: _ipv6_parse(v), validate_ipv6),
        field_key(f"IPv6_Static_Router_Mac_Address_{number}", "Give valid IPv6 mac address", mac, format_mac,
                  lambda d, v: bytes(int(p, 16) for p in v.split(":")), validate_mac),
        bits_key(f"IPv6_Static_Router_Prefix_Length_{number}", "Give valid IPv6 prefix length", length, 0, 0, 8, str,
                 _c, number_range(0, 128)),
        field_key(f"IPv6_Static_Router_Prefix_Value_{number}", "Give valid IPv6 prefix value", prefix, _ipv6_show,
                  lambda d, v: _ipv6_parse(v), validate_ipv6),
    ]


SUPPORT_CACHE = "core.ipv6_support"
ABSENT_CACHE = "core.ipv6_absent"


def _support(ctx: Context) -> Script:
    """LAN parameter 50 (IPv6/IPv4 support), read once per host; all-zero when not supported (0x80)."""
    if SUPPORT_CACHE in ctx.cache:
        return ctx.cache[SUPPORT_CACHE]
    channel = yield from lan_channel(ctx)
    if isinstance(channel, KeyFailure):
        return channel
    data = yield from get_parameter(cp.get_lan_param(channel, 50, "ipv6_ipv4_support"))
    if isinstance(data, KeyFailure):
        if data.kind is not FailureKind.NOT_SUPPORTED:
            return data
        data = b"\0"
    else:
        data = decoded(data, 1)
        if isinstance(data, KeyFailure):
            return data
    ctx.cache[SUPPORT_CACHE] = data
    return data


def _support_key(name: str, bit: int, flags: KeyFlag = KeyFlag.NONE) -> Key:
    def checkout(ctx: Context) -> Script:
        data = yield from _support(ctx)
        return data if isinstance(data, KeyFailure) else yes_no(bool(data[0] & (1 << bit)))

    return Key(name, "READ-ONLY", READ_ONLY | flags, validate=validate_yes_no, checkout=checkout)


def _addressing_key() -> Key:
    """IPv6_IPv4_Addressing_Enables; "not supported" without asking when the BMC has no IPv6 status."""
    inner = choice_key("IPv6_IPv4_Addressing_Enables", ADDRESSING,
                       lan_block(51, 1, "ipv6_ipv4_addressing_enables"), 0, 0, 8)

    def checkout(ctx: Context) -> Script:
        if ctx.cache.get(ABSENT_CACHE):
            return KeyFailure(FailureKind.NOT_SUPPORTED)
        return (yield from inner.checkout(ctx))

    def commit(ctx: Context, value: str) -> Script:
        if ctx.cache.get(ABSENT_CACHE):
            return KeyFailure(FailureKind.NOT_SUPPORTED)
        return (yield from inner.commit(ctx, value))

    # the description names other spellings than the values accepted (measured)
    return Key(inner.name, "Possible values: IPv4-Only/IPv6-Only/IPv4-and-IPv6", inner.flags,
               validate=inner.validate, checkout=checkout, commit=commit)


def lan6_section(ctx: Context) -> Script:
    """Build Lan6_Conf; asks the BMC how many static addresses it has (LAN parameter 55).

    A BMC answering 0x80 (not supported) to parameter 55 gets only the support keys, all
    ``No`` without another request, and the addressing key fails as not supported.
    """
    keys = [
        _support_key("Supports_IPv6_Only", 0),
        _support_key("Supports_IPv6_And_IPv4_Simultaneously", 1),
        _support_key("Supports_IPv6_Destination_Address_For_Lan_Alert", 2, KeyFlag.VERBOSE_ONLY),
        _addressing_key(),
    ]
    channel = yield from lan_channel(ctx)
    status = None
    if not isinstance(channel, KeyFailure):
        data = yield from get_parameter(cp.get_lan_param(channel, 55, "ipv6_status"))
        if isinstance(data, KeyFailure):
            if data.kind is FailureKind.NOT_SUPPORTED:
                ctx.cache[SUPPORT_CACHE] = b"\0"
                ctx.cache[ABSENT_CACHE] = True
        else:
            got = decoded(data, 3)
            status = None if isinstance(got, KeyFailure) else got
    if status is not None:
        static_max = status[0]
        if ctx.verbose:
            for selector in range(static_max):
                keys += _address_keys(selector, f"_{selector}")
        elif static_max:
            keys += _address_keys(0, "")
        keys.append(bit_key("IPv6_Static_Router_Address_Enable",
                            lan_block(64, 1, "ipv6_router_address_configuration_control"), 0, 0))
        keys += _router_keys(1) + _router_keys(2)
    return Section("Lan6_Conf", keys, COMMENT)
