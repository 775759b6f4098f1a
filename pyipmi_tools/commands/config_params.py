"""Configuration commands ipmi-config's core category sends: LAN, SOL, serial/modem and PEF
configuration parameters, users (access, name, password, payload access), channel access,
channel info and channel security keys.

Builders return a :class:`Request`; decoders take the reply data after the completion code
and raise :class:`~pyipmi_tools.wire.buffer.DecodeError` when it is too short. Every
:class:`CommandSpec` carries FreeIPMI's command name, because ipmi-config prints
``ipmi_cmd_<name>: <error>`` when one of them fails fatally; configuration parameters get one
name per parameter, as FreeIPMI has one library call per parameter.
"""

from __future__ import annotations

from . import NETFN_APP, NETFN_TRANSPORT, CommandSpec, Request
from ..wire.buffer import DecodeError

NETFN_SENSOR_EVENT = 0x04

CMD_SET_LAN_CONFIG, CMD_GET_LAN_CONFIG = 0x01, 0x02
CMD_SET_SERIAL_CONFIG, CMD_GET_SERIAL_CONFIG = 0x10, 0x11
CMD_SET_SOL_CONFIG, CMD_GET_SOL_CONFIG = 0x21, 0x22
CMD_SET_PEF_CONFIG, CMD_GET_PEF_CONFIG = 0x12, 0x13

SET_CHANNEL_ACCESS = CommandSpec("set_channel_access", NETFN_APP, 0x40, 0)
GET_CHANNEL_ACCESS = CommandSpec("get_channel_access", NETFN_APP, 0x41, 2)
GET_CHANNEL_INFO = CommandSpec("get_channel_info", NETFN_APP, 0x42, 9)
SET_USER_ACCESS = CommandSpec("set_user_access", NETFN_APP, 0x43, 0)
GET_USER_ACCESS = CommandSpec("get_user_access", NETFN_APP, 0x44, 4)
SET_USER_NAME = CommandSpec("set_user_name", NETFN_APP, 0x45, 0)
GET_USER_NAME = CommandSpec("get_user_name", NETFN_APP, 0x46, 16)
SET_USER_PASSWORD = CommandSpec("set_user_password", NETFN_APP, 0x47, 0)
SET_USER_PAYLOAD_ACCESS = CommandSpec("set_user_payload_access", NETFN_APP, 0x4C, 0)
GET_USER_PAYLOAD_ACCESS = CommandSpec("get_user_payload_access", NETFN_APP, 0x4D, 4)
SET_CHANNEL_SECURITY_KEYS = CommandSpec("set_channel_security_keys", NETFN_APP, 0x56, 1)

PRIV_CALLBACK, PRIV_USER, PRIV_OPERATOR, PRIV_ADMIN, PRIV_OEM, PRIV_NO_ACCESS = 1, 2, 3, 4, 5, 0x0F
MEDIUM_LAN, MEDIUM_SERIAL = 0x04, 0x05

PASSWORD_DISABLE_USER, PASSWORD_ENABLE_USER, PASSWORD_SET, PASSWORD_TEST = range(4)
CC_PASSWORD_TEST_FAILED, CC_PASSWORD_TEST_WRONG_SIZE = 0x80, 0x81

ACCESS_NO_CHANGE, ACCESS_NON_VOLATILE, ACCESS_VOLATILE = 0, 1, 2
KEY_R, KEY_G = 0, 1
KEY_READ, KEY_SET = 0, 1


def _need(data: bytes, n: int, what: str) -> None:
    if len(data) < n:
        raise DecodeError(f"{what}: {len(data)} bytes, at least {n} expected")


# --- configuration parameters (LAN, SOL, serial/modem, PEF) ------------------------------

def _param_spec(kind: str, netfn: int, cmd: int, name: str, min_len: int) -> CommandSpec:
    return CommandSpec(f"{kind}_configuration_parameters_{name}" if name else f"{kind}_configuration_parameters",
                       netfn, cmd, min_len)


def _get_channel_param(kind: str, cmd: int, channel: int, parameter: int, name: str, set_selector: int,
                       block_selector: int) -> Request:
    """Get <kind> Configuration Parameters on a channel (revision-only bit off)."""
    spec = _param_spec("get_" + kind, NETFN_TRANSPORT, cmd, name, 1)
    return Request(spec, bytes((channel & 0x0F, parameter & 0x7F, set_selector & 0xFF, block_selector & 0xFF)))


def _set_channel_param(kind: str, cmd: int, channel: int, parameter: int, data: bytes, name: str) -> Request:
    spec = _param_spec("set_" + kind, NETFN_TRANSPORT, cmd, name, 0)
    return Request(spec, bytes((channel & 0x0F, parameter & 0x7F)) + bytes(data))


def get_lan_param(channel: int, parameter: int, name: str = "", set_selector: int = 0,
                  block_selector: int = 0) -> Request:
    return _get_channel_param("lan", CMD_GET_LAN_CONFIG, channel, parameter, name, set_selector, block_selector)


def set_lan_param(channel: int, parameter: int, data: bytes, name: str = "") -> Request:
    return _set_channel_param("lan", CMD_SET_LAN_CONFIG, channel, parameter, data, name)


def get_sol_param(channel: int, parameter: int, name: str = "", set_selector: int = 0,
                  block_selector: int = 0) -> Request:
    return _get_channel_param("sol", CMD_GET_SOL_CONFIG, channel, parameter, name, set_selector, block_selector)


def set_sol_param(channel: int, parameter: int, data: bytes, name: str = "") -> Request:
    return _set_channel_param("sol", CMD_SET_SOL_CONFIG, channel, parameter, data, name)


def get_serial_param(channel: int, parameter: int, name: str = "", set_selector: int = 0,
                     block_selector: int = 0) -> Request:
    return _get_channel_param("serial_modem", CMD_GET_SERIAL_CONFIG, channel, parameter, name, set_selector,
                              block_selector)


def set_serial_param(channel: int, parameter: int, data: bytes, name: str = "") -> Request:
    return _set_channel_param("serial_modem", CMD_SET_SERIAL_CONFIG, channel, parameter, data, name)


def get_pef_param(parameter: int, name: str = "", set_selector: int = 0, block_selector: int = 0) -> Request:
    spec = _param_spec("get_pef", NETFN_SENSOR_EVENT, CMD_GET_PEF_CONFIG, name, 1)
    return Request(spec, bytes((parameter & 0x7F, set_selector & 0xFF, block_selector & 0xFF)))


def set_pef_param(parameter: int, data: bytes, name: str = "") -> Request:
    spec = _param_spec("set_pef", NETFN_SENSOR_EVENT, CMD_SET_PEF_CONFIG, name, 0)
    return Request(spec, bytes((parameter & 0x7F,)) + bytes(data))


def decode_param(data: bytes, length: int) -> bytes:
    """The parameter data of a Get ... Configuration Parameters reply (revision byte dropped).

    ``length`` is the number of data bytes the caller needs; longer replies are cut.
    """
    _need(data, 1 + length, "configuration parameter")
    return bytes(data[1:1 + length])


# --- channels ------------------------------------------------------------------------------

def get_channel_info(channel: int) -> Request:
    return Request(GET_CHANNEL_INFO, bytes((channel & 0x0F,)))


def decode_channel_info(data: bytes) -> tuple[int, int, int]:
    """(channel number, medium type, protocol type) of a Get Channel Info reply."""
    _need(data, 3, "get channel info")
    return data[0] & 0x0F, data[1] & 0x7F, data[2] & 0x1F


def get_channel_access(channel: int, volatile: bool) -> Request:
    return Request(GET_CHANNEL_ACCESS, bytes((channel & 0x0F, 0x80 if volatile else 0x40)))


class ChannelAccess:
    """Get/Set Channel Access fields (booleans as "enabled", the inverse of the wire's disable bits)."""

    __slots__ = ("access_mode", "user_level_auth", "per_message_auth", "pef_alerting", "privilege_limit")

    def __init__(self, access_mode: int, user_level_auth: bool, per_message_auth: bool, pef_alerting: bool,
                 privilege_limit: int) -> None:
        self.access_mode = access_mode
        self.user_level_auth = user_level_auth
        self.per_message_auth = per_message_auth
        self.pef_alerting = pef_alerting
        self.privilege_limit = privilege_limit

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChannelAccess) and all(getattr(self, s) == getattr(other, s)
                                                         for s in self.__slots__)

    def __repr__(self) -> str:
        return "ChannelAccess(" + ", ".join(f"{s}={getattr(self, s)!r}" for s in self.__slots__) + ")"


def decode_channel_access(data: bytes) -> ChannelAccess:
    _need(data, 2, "get channel access")
    b = data[0]
    return ChannelAccess(b & 0x07, not b & 0x08, not b & 0x10, not b & 0x20, data[1] & 0x0F)


def set_channel_access(channel: int, access: ChannelAccess, volatile: bool) -> Request:
    """Set both the access byte and the privilege limit, in the volatile or non-volatile store."""
    kind = (ACCESS_VOLATILE if volatile else ACCESS_NON_VOLATILE) << 6
    flags = ((access.access_mode & 0x07) | (0 if access.user_level_auth else 0x08)
             | (0 if access.per_message_auth else 0x10) | (0 if access.pef_alerting else 0x20))
    return Request(SET_CHANNEL_ACCESS, bytes((channel & 0x0F, kind | flags, kind | (access.privilege_limit & 0x0F))))


# --- users ---------------------------------------------------------------------------------

class UserAccess:
    """Get User Access reply fields."""

    __slots__ = ("max_users", "enabled_users", "enable_status", "fixed_names", "privilege_limit",
                 "ipmi_messaging", "link_auth", "callback_only")

    def __init__(self, max_users: int, enabled_users: int, enable_status: int, fixed_names: int,
                 privilege_limit: int, ipmi_messaging: bool, link_auth: bool, callback_only: bool) -> None:
        self.max_users = max_users
        self.enabled_users = enabled_users
        self.enable_status = enable_status      # 0 unspecified, 1 enabled, 2 disabled
        self.fixed_names = fixed_names
        self.privilege_limit = privilege_limit
        self.ipmi_messaging = ipmi_messaging
        self.link_auth = link_auth
        self.callback_only = callback_only


def get_user_access(channel: int, user_id: int) -> Request:
    return Request(GET_USER_ACCESS, bytes((channel & 0x0F, user_id & 0x3F)))


def decode_user_access(data: bytes) -> UserAccess:
    _need(data, 4, "get user access")
    b = data[3]
    return UserAccess(data[0] & 0x3F, data[1] & 0x3F, data[1] >> 6, data[2] & 0x3F, b & 0x0F,
                      bool(b & 0x10), bool(b & 0x20), bool(b & 0x40))


def set_user_access(channel: int, user_id: int, privilege_limit: int, ipmi_messaging: bool, link_auth: bool,
                    callback_only: bool, session_limit: int = 0) -> Request:
    """Set User Access with "change bits" set, always with the session-limit byte (as FreeIPMI)."""
    first = 0x80 | callback_only << 6 | link_auth << 5 | ipmi_messaging << 4 | (channel & 0x0F)
    return Request(SET_USER_ACCESS, bytes((first, user_id & 0x3F, privilege_limit & 0x0F, session_limit & 0x0F)))


def get_user_name(user_id: int) -> Request:
    return Request(GET_USER_NAME, bytes((user_id & 0x3F,)))


def decode_user_name(data: bytes) -> bytes:
    """The name up to its first NUL."""
    _need(data, 16, "get user name")
    return bytes(data[:16]).split(b"\0", 1)[0]


def set_user_name(user_id: int, name: bytes) -> Request:
    if len(name) > 16:
        raise ValueError("user name longer than 16 bytes")
    return Request(SET_USER_NAME, bytes((user_id & 0x3F,)) + name.ljust(16, b"\0"))


def set_user_password(user_id: int, operation: int, password: bytes = b"", size20: bool = False,
                      with_password: bool | None = None) -> Request:
    """Set User Password. The password field is sent for set/test (and when ``with_password``)."""
    size = 20 if size20 else 16
    if len(password) > size:
        raise ValueError(f"password longer than {size} bytes")
    send = operation in (PASSWORD_SET, PASSWORD_TEST) if with_password is None else with_password
    head = bytes(((0x80 if size20 else 0) | (user_id & 0x3F), operation & 0x03))
    return Request(SET_USER_PASSWORD, head + (password.ljust(size, b"\0") if send else b""))


def get_user_payload_access(channel: int, user_id: int) -> Request:
    return Request(GET_USER_PAYLOAD_ACCESS, bytes((channel & 0x0F, user_id & 0x3F)))


def decode_user_payload_access(data: bytes) -> int:
    """The payload bitmap: bytes 1-4 as a little-endian integer (bit 1 = SOL)."""
    _need(data, 4, "get user payload access")
    return int.from_bytes(data[:4], "little")


def set_user_payload_access(channel: int, user_id: int, enable: bool, payloads: int = 0x02) -> Request:
    """Enable or disable the payloads in bitmap ``payloads`` (default SOL only)."""
    operation = 0 if enable else 1
    return Request(SET_USER_PAYLOAD_ACCESS, bytes((channel & 0x0F, operation << 6 | (user_id & 0x3F)))
                   + (payloads & 0xFFFFFFFF).to_bytes(4, "little"))


# --- channel security keys -------------------------------------------------------------------

def read_channel_key(channel: int, key_id: int) -> Request:
    return Request(SET_CHANNEL_SECURITY_KEYS, bytes((channel & 0x0F, KEY_READ, key_id)))


def set_channel_key(channel: int, key_id: int, key: bytes) -> Request:
    if len(key) > 20:
        raise ValueError("key longer than 20 bytes")
    return Request(SET_CHANNEL_SECURITY_KEYS, bytes((channel & 0x0F, KEY_SET, key_id)) + key.ljust(20, b"\0"))


def decode_channel_key(data: bytes) -> bytes:
    """The key value of a read (20 bytes, NUL padded)."""
    _need(data, 21, "set channel security keys")
    return bytes(data[1:21])
