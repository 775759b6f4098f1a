"""What the core category's sections share: channel discovery, privilege names, key builders.

The channel numbers are learnt once per host (Get Channel Info over channels 0-11) and kept
in ``ctx.cache``; ``--lan-channel-number`` and friends override them.
"""

from __future__ import annotations

from ...cli.cvalues import ascii_lower
from ...commands import Request
from ...commands import config_params as cp
from ...wire.buffer import DecodeError
from ..model import (Choice, Context, FailureKind, Key, KeyFailure, KeyFlag, Validity, get_parameter,
                     parse_yes_no, set_parameter, validate_yes_no, yes_no)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from ..model import Script

CHANNELS = range(0x0C)

PRIVILEGE_LIMIT = Choice({"Callback": 1, "User": 2, "Operator": 3, "Administrator": 4, "OEM_Proprietary": 5,
                          "No_Access": 0x0F})
CHANNEL_PRIVILEGE = Choice({"Callback": 1, "User": 2, "Operator": 3, "Administrator": 4, "OEM_Proprietary": 5})
YES_NO_DESC = "Possible values: Yes/No"

NO_CHANNEL = KeyFailure(FailureKind.GENERIC)
CC_PARAM_NOT_SUPPORTED = 0x80


def _scan(ctx: Context) -> Script:
    """Channel number -> medium type of every channel that answers Get Channel Info."""
    found = ctx.cache.get("core.channels")
    if found is None:
        found = {}
        for channel in CHANNELS:
            reply = yield cp.get_channel_info(channel)
            if reply.completion_code == 0:
                try:
                    number, medium, _protocol = cp.decode_channel_info(reply.data)
                except DecodeError:
                    continue
                found.setdefault(number, medium)
        ctx.cache["core.channels"] = found
    return found


def _first_channel(ctx: Context, medium: int) -> Script:
    """The first channel of ``medium`` Get Channel Info reports, or NO_CHANNEL."""
    found = yield from _scan(ctx)
    for number, found_medium in found.items():
        if found_medium == medium:
            return number
    return NO_CHANNEL


def discovered_lan_channel(ctx: Context) -> Script:
    """The first LAN channel Get Channel Info reports (``--lan-channel-number`` ignored), or a failure."""
    return (yield from _first_channel(ctx, cp.MEDIUM_LAN))


def lan_channel(ctx: Context) -> Script:
    """The LAN channel number, or a :class:`KeyFailure` when the BMC has none."""
    if ctx.lan_channel is not None:
        return ctx.lan_channel
    return (yield from discovered_lan_channel(ctx))


def serial_channel(ctx: Context) -> Script:
    if ctx.serial_channel is not None:
        return ctx.serial_channel
    return (yield from _first_channel(ctx, cp.MEDIUM_SERIAL))


def sol_channel(ctx: Context) -> Script:
    """The SOL payload channel: SOL parameter 7 asked on the *discovered* LAN channel (even with
    ``--lan-channel-number``), that LAN channel when the BMC answers 0x80 (parameter not
    supported), a failure for any other answer or when no LAN channel was discovered."""
    if ctx.sol_channel is not None:
        return ctx.sol_channel
    if "core.sol_channel" in ctx.cache:
        return ctx.cache["core.sol_channel"]
    lan = yield from discovered_lan_channel(ctx)
    if isinstance(lan, KeyFailure):
        return lan
    channel: int | KeyFailure = lan
    if "solchannelassumelanchannel" not in ctx.workarounds:
        reply = yield cp.get_sol_param(lan, 7, "sol_sol_payload_channel")
        if reply.completion_code == 0 and len(reply.data) >= 2:
            channel = reply.data[1] & 0x0F
        elif reply.completion_code != CC_PARAM_NOT_SUPPORTED:
            channel = NO_CHANNEL
    ctx.cache["core.sol_channel"] = channel
    return channel


INPUT_CACHE = "input"
"""``ctx.cache`` key under which the engine keeps the whole parsed input (commit and diff).

``ctx.inputs`` is filled only when the core category is not selected (the chassis front-panel
rule depends on that), so the core category reads the input from here.
"""


def input_value(ctx: Context, section: str, key: str) -> str | None:
    """The value the input (file and ``-e`` pairs) gives for ``section:key``, or None."""
    given = ctx.cache.get(INPUT_CACHE)
    if given is None:
        return ctx.input_value(section, key)
    return given.get((ascii_lower(section), ascii_lower(key)))


def decoded(data: bytes, length: int) -> bytes | KeyFailure:
    try:
        return cp.decode_param(data, length)
    except DecodeError:
        return KeyFailure(FailureKind.GENERIC)


# --- configuration-parameter keys ---------------------------------------------------------------

class ParamBlock:
    """One configuration parameter of ``length`` bytes read and written whole.

    ``channel(ctx)`` is a script returning the channel (or a failure); ``get(channel)`` /
    ``set(channel, data)`` build the requests.
    """

    def __init__(self, channel: Callable[[Context], Script], get: Callable[[int], Request],
                 put: Callable[[int, bytes], Request], length: int) -> None:
        self.channel = channel
        self.get = get
        self.put = put
        self.length = length

    def read(self, ctx: Context) -> Script:
        channel = yield from self.channel(ctx)
        if isinstance(channel, KeyFailure):
            return channel
        data = yield from get_parameter(self.get(channel))
        if isinstance(data, KeyFailure):
            return data
        return decoded(data, self.length)

    def write(self, ctx: Context, data: bytes) -> Script:
        channel = yield from self.channel(ctx)
        if isinstance(channel, KeyFailure):
            return channel
        return (yield from set_parameter(self.put(channel, data)))


def lan_block(parameter: int, length: int, name: str) -> ParamBlock:
    return ParamBlock(lan_channel, lambda ch: cp.get_lan_param(ch, parameter, name),
                      lambda ch, data: cp.set_lan_param(ch, parameter, data, name), length)


def sol_block(parameter: int, length: int, name: str) -> ParamBlock:
    return ParamBlock(sol_channel, lambda ch: cp.get_sol_param(ch, parameter, name),
                      lambda ch, data: cp.set_sol_param(ch, parameter, data, name), length)


def serial_block(parameter: int, length: int, name: str) -> ParamBlock:
    return ParamBlock(serial_channel, lambda ch: cp.get_serial_param(ch, parameter, name),
                      lambda ch, data: cp.set_serial_param(ch, parameter, data, name), length)


def field_key(name: str, description: str, block: ParamBlock, show: Callable[[bytes], str],
              update: Callable[[bytes, str], bytes], validate: Callable[[str], Validity],
              flags: KeyFlag = KeyFlag.NONE) -> Key:
    """A key stored in part of a parameter: read it, show it; read, change, write it back."""
    def checkout(ctx: Context) -> Script:
        data = yield from block.read(ctx)
        if isinstance(data, KeyFailure):
            return data
        return show(data)

    def commit(ctx: Context, value: str) -> Script:
        data = yield from block.read(ctx)
        if isinstance(data, KeyFailure):
            return data
        return (yield from block.write(ctx, update(data, value)))

    return Key(name, description, flags, validate=validate, checkout=checkout, commit=commit)


def bit_key(name: str, block: ParamBlock, byte: int, bit: int, flags: KeyFlag = KeyFlag.NONE,
            description: str = YES_NO_DESC) -> Key:
    """A Yes/No key for one bit of a parameter."""
    mask = 1 << bit

    def update(data: bytes, value: str) -> bytes:
        out = bytearray(data)
        out[byte] = (out[byte] | mask) if parse_yes_no(value) else (out[byte] & ~mask)
        return bytes(out)

    return field_key(name, description, block, lambda data: yes_no(bool(data[byte] & mask)), update,
                     validate_yes_no, flags)


def bits_key(name: str, description: str, block: ParamBlock, byte: int, shift: int, width: int,
             show: Callable[[int], str], parse: Callable[[str], int], validate: Callable[[str], Validity],
             flags: KeyFlag = KeyFlag.NONE) -> Key:
    """A key stored in ``width`` bits at ``shift`` of byte ``byte``."""
    mask = ((1 << width) - 1) << shift

    def update(data: bytes, value: str) -> bytes:
        out = bytearray(data)
        out[byte] = (out[byte] & ~mask) | ((parse(value) << shift) & mask)
        return bytes(out)

    return field_key(name, description, block, lambda data: show((data[byte] & mask) >> shift), update,
                     validate, flags)


def choice_key(name: str, choice: Choice, block: ParamBlock, byte: int, shift: int, width: int,
               flags: KeyFlag = KeyFlag.NONE) -> Key:
    return bits_key(name, choice.description, block, byte, shift, width, choice.name, choice.number,
                    choice.validate, flags)


def int_key(name: str, description: str, block: ParamBlock, offset: int, size: int, validate: Callable[[str], Validity],
            parse: Callable[[str], int], flags: KeyFlag = KeyFlag.NONE, show: Callable[[int], str] = str) -> Key:
    """A little-endian integer of ``size`` bytes at ``offset``."""
    def update(data: bytes, value: str) -> bytes:
        number = parse(value) & ((1 << (8 * size)) - 1)
        return data[:offset] + number.to_bytes(size, "little") + data[offset + size:]

    return field_key(name, description, block,
                     lambda data: show(int.from_bytes(data[offset:offset + size], "little")), update, validate, flags)
