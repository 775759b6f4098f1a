"""IPMI commands as data: each request is a :class:`Request`, each reply decoder a pure function."""

from __future__ import annotations

from ..record import record

NETFN_CHASSIS = 0x00
NETFN_APP = 0x06
NETFN_TRANSPORT = 0x0C


@record
class CommandSpec:
    """One IPMI command. ``name`` is FreeIPMI's (``ipmi_cmd_<name>`` in its error lines)."""

    name: str
    netfn: int
    cmd: int
    min_response_len: int = 0  # data bytes required after a zero completion code


@record
class Request:
    spec: CommandSpec
    data: bytes = b""


def raw_spec(netfn: int, cmd: int) -> CommandSpec:
    """A spec for an arbitrary command (no response length requirement)."""
    return CommandSpec(f"raw_{netfn:02x}_{cmd:02x}", netfn, cmd, 0)
