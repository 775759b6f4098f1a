"""What every command handler shares: the call context, errors, completion codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Dict, Tuple

from .state import BmcState

CC_OK = 0x00
CC_PARAM_NOT_SUPPORTED = 0x80      # configuration parameter commands
CC_SET_IN_PROGRESS = 0x81          # "set in progress" when not in "set complete"
CC_READ_ONLY = 0x82                # write to a read-only parameter
CC_INVALID_COMMAND = 0xC1
CC_BAD_LENGTH = 0xC7
CC_OUT_OF_RANGE = 0xC9
CC_INVALID_DATA = 0xCC
CC_INSUFFICIENT_PRIVILEGE = 0xD4
CC_NOT_IN_STATE = 0xD5             # request parameter not supported in present state

CURRENT_CHANNEL = 0x0E


class CommandError(Exception):
    """Raised by a handler to answer with completion code ``cc`` and no data."""

    def __init__(self, cc: int) -> None:
        super().__init__(f"completion code {cc:#04x}")
        self.cc = cc


@dataclass
class Context:
    """One in-session request: the BMC's state and who is asking."""

    state: BmcState
    privilege: int                 # the session's current privilege level (1 callback .. 5 OEM)
    user_id: int = 0
    channel: int = 1               # channel the request arrived on
    now: float = 0.0               # monotonic seconds, as the serving loop's clock
    session_id: int = 0
    active_sessions: int = 0       # sessions open on this channel (Get Channel Info)
    events: list[str] = field(default_factory=list)

    def event(self, text: str) -> None:
        self.events.append(text)


Handler = Callable[[Context, bytes], bytes]
HandlerTable = Dict[Tuple[int, int], Handler]


def need_len(data: bytes, *lengths: int) -> None:
    """Answer 0xC7 unless ``len(data)`` is one of ``lengths``."""
    if len(data) not in lengths:
        raise CommandError(CC_BAD_LENGTH)


def need_range(data: bytes, low: int, high: int) -> None:
    """Answer 0xC7 unless ``low <= len(data) <= high``."""
    if not low <= len(data) <= high:
        raise CommandError(CC_BAD_LENGTH)


def channel_of(ctx: Context, byte: int) -> int:
    """Channel number from a request's channel field (0x0E = the channel in use)."""
    channel = byte & 0x0F
    return ctx.channel if channel == CURRENT_CHANNEL else channel


def session_channel(ctx: Context, byte: int) -> int:
    """Like :func:`channel_of`, but only the LAN and serial channels; else 0xCC."""
    channel = channel_of(ctx, byte)
    if channel not in ctx.state.session_channels():
        raise CommandError(CC_INVALID_DATA)
    return channel


def lan_channel(ctx: Context, byte: int) -> int:
    """Like :func:`channel_of`, but only the LAN channel; else 0xCC."""
    channel = channel_of(ctx, byte)
    if channel != ctx.state.lan_channel:
        raise CommandError(CC_INVALID_DATA)
    return channel


def next_set_state(current: int, requested: int) -> int:
    """Parameter 0 ("set in progress") of LAN, SOL and boot options.

    0 set complete (always allowed), 1 set in progress (0x81 unless the state is set
    complete), 2 commit write: writes take effect at once (no rollback), so a commit
    only returns the state to set complete; 3 is reserved (0xCC).
    """
    requested &= 0x03
    if requested == 1 and current == 1:
        raise CommandError(CC_SET_IN_PROGRESS)
    if requested == 3:
        raise CommandError(CC_INVALID_DATA)
    return 1 if requested == 1 else 0


def hexs(data: bytes) -> str:
    """Bytes as lowercase hex pairs separated by spaces (event text)."""
    return " ".join(f"{b:02x}" for b in data)
