"""One simulated BMC's state: users, channels, chassis, configuration parameters.

Configuration parameters (LAN, SOL, System Boot Options) are kept as the raw bytes of
their IPMI encoding, keyed by parameter selector, so every bit a client writes is kept
and read back exactly; the accessors below decode the few fields the protocol core
needs. :meth:`BmcState.to_json` / :meth:`BmcState.from_json` round-trip everything,
secrets included: the JSON is the simulator's own state file.
"""

from __future__ import annotations

import ipaddress
import random
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Mapping

from ..crypto.suites import SUPPORTED_SUITES

STATE_FORMAT = 1
"""Version number written to (and required from) JSON state files."""

PRIV_CALLBACK, PRIV_USER, PRIV_OPERATOR, PRIV_ADMIN, PRIV_OEM = 1, 2, 3, 4, 5
NO_ACCESS = 0x0F
"""Privilege limit nibble meaning "no access" (Set/Get User Access)."""

# LAN configuration parameter selectors (IPMI 2.0 table 23-4) the accessors use.
LAN_AUTH_TYPE_SUPPORT = 1
LAN_AUTH_TYPE_ENABLES = 2
LAN_IP_ADDRESS = 3
LAN_MAC_ADDRESS = 5
LAN_CIPHER_SUITE_COUNT = 22
LAN_CIPHER_SUITE_ENTRIES = 23
LAN_CIPHER_SUITE_PRIVILEGES = 24

BOOT_MAILBOX_BLOCKS = 5
"""Boot initiator mailbox (boot option 7) blocks of 16 bytes; the spec's minimum."""

AUTH_TYPES_15 = 0x17
"""Auth type bitmap: none, MD2, MD5, straight password (bits 0, 1, 2, 4)."""


@dataclass
class ChannelAccess:
    """One user's access on one channel (Set/Get User Access)."""

    privilege_limit: int = NO_ACCESS
    ipmi_messaging: bool = False
    link_auth: bool = False
    callback_only: bool = False
    session_limit: int = 0


@dataclass
class User:
    """A user slot; ``password`` is stored without its NUL padding."""

    user_id: int
    name: str = ""
    password: bytes = b""
    enabled: bool = False
    fixed_name: bool = False
    access: dict[int, ChannelAccess] = field(default_factory=dict)
    payloads: dict[int, int] = field(default_factory=dict)
    """Channel -> User Payload Access bitmap: bytes 1-4 of Get User Payload Access, little-endian."""

    def access_on(self, channel: int) -> ChannelAccess:
        """This user's access on ``channel`` (a no-access default when never set)."""
        return self.access.get(channel) or ChannelAccess()

    def privilege_limit(self, channel: int) -> int:
        """Privilege limit on ``channel``; 0 when the user has no access there."""
        limit = self.access_on(channel).privilege_limit
        return 0 if limit == NO_ACCESS else limit

    def sol_allowed(self, channel: int) -> bool:
        """True if the user may activate SOL (payload type 1) on ``channel``."""
        return bool(self.payloads.get(channel, 0) & 0x02)

    def name_bytes(self) -> bytes:
        return self.name.encode("latin-1")

    def padded_password(self, size: int) -> bytes:
        """The password NUL-padded (or cut) to ``size`` bytes, as the 1.5 and 2.0 keys use it."""
        return self.password[:size].ljust(size, b"\0")


@dataclass
class ChannelSettings:
    """Get/Set Channel Access for one channel, volatile or non-volatile."""

    access_mode: int = 2                # 0 disabled, 1 pre-boot only, 2 always available, 3 shared
    user_level_auth: bool = True
    per_message_auth: bool = True
    pef_alerting: bool = False
    privilege_limit: int = PRIV_ADMIN


@dataclass
class PendingTransition:
    """A time-driven chassis change: ``action`` ("on") happens at monotonic time ``at``."""

    action: str
    at: float


@dataclass
class ChassisState:
    """Chassis power, identify, front panel and power policy."""

    power_on: bool = False
    power_flags: int = 0                # Get Chassis Status byte 1 bits 4:1 (overload, interlock, faults)
    restore_policy: int = 0             # 0 always off, 1 restore, 2 always on, 3 unknown
    supported_policies: int = 0x07      # bitmap answered by Set Power Restore Policy
    power_cycle_interval: int = 0       # stored by Set Power Cycle Interval; see cycle_off_time
    last_power_event: int = 0           # Get Chassis Status byte 2
    misc_flags: int = 0                 # Get Chassis Status byte 3 bits 3:0 (intrusion, lockout, faults)
    front_panel: bool = True            # answer the optional 4th byte and Set Front Panel Enables
    front_panel_disabled: int = 0       # bits 3:0: standby, diag interrupt, reset, power off
    front_panel_disable_allowed: int = 0x0F
    identify_supported: bool = True
    identify_until: float | None = None
    identify_forced: bool = False
    cycle_off_time: float = 1.0         # seconds a power cycle keeps the host off
    pending: PendingTransition | None = None
    soft_off_honoured: bool = True
    cycle_when_off: str = "d5"          # power cycle of an off host: "d5" (cc 0xD5) or "on"
    reset_when_off: str = "d5"          # hard reset of an off host: "d5" (cc 0xD5) or "on"
    restart_cause: int = 0              # Get System Restart Cause byte 1 bits 3:0
    restart_channel: int = 0

    def identify_state(self, now: float) -> int:
        """Get Chassis Status identify state: 0 off, 1 timed on, 2 indefinitely on."""
        if self.identify_forced:
            return 2
        if self.identify_until is not None and now < self.identify_until:
            return 1
        return 0


@dataclass
class DeviceInfo:
    """Get Device ID fields."""

    device_id: int = 0x20
    device_revision: int = 1
    provides_sdrs: bool = False
    firmware_major: int = 1
    firmware_minor: int = 0x00          # BCD
    ipmi_version: int = 0x02            # 2.0
    additional_support: int = 0x80      # chassis device
    manufacturer_id: int = 7154         # IPMI Forum
    product_id: int = 0x0001
    aux_firmware: bytes = b"\0\0\0\0"   # 4 bytes, or empty to omit


@dataclass
class BmcState:
    """Everything one simulated BMC remembers."""

    name: str = ""
    device: DeviceInfo = field(default_factory=DeviceInfo)
    guid: bytes = bytes(16)
    system_guid: bytes = bytes(16)
    users: list[User] = field(default_factory=list)   # user IDs 1..len(users), in order
    lan_channel: int = 1
    serial_channel: int | None = None
    channel_volatile: dict[int, ChannelSettings] = field(default_factory=dict)
    channel_nonvolatile: dict[int, ChannelSettings] = field(default_factory=dict)
    lan_params: dict[int, bytes] = field(default_factory=dict)
    lan_param_sets: dict[int, dict[int, bytes]] = field(default_factory=dict)
    """Parameters with a set selector (18, 19, 56): selector -> data (selector byte included)."""
    high_suite_privileges: dict[int, int] = field(default_factory=dict)
    """Maximum privilege of listed cipher suites above 15, which LAN parameter 24 cannot hold."""
    sol_params: dict[int, bytes] = field(default_factory=dict)
    boot_options: dict[int, bytes] = field(default_factory=dict)
    """Parameters 0-7; 7 (mailbox) is all blocks concatenated, 16 bytes each."""
    boot_invalid: int = 0               # bit n set: boot option n marked invalid/locked
    boot_flags_timeout: float = 60.0    # valid-bit auto-clear delay (param 3 bit 3); <= 0 disables
    boot_flags_deadline: float | None = None
    k_g: bytes | None = None            # 20 bytes, None when unset (all zero)
    k_r: bytes = bytes(20)
    chassis: ChassisState = field(default_factory=ChassisState)

    # -- users --------------------------------------------------------------------------

    @property
    def max_users(self) -> int:
        return len(self.users)

    def user(self, user_id: int) -> User:
        """The user slot ``user_id`` (1-based); ``KeyError`` when out of range."""
        if not 1 <= user_id <= len(self.users):
            raise KeyError(user_id)
        return self.users[user_id - 1]

    def find_user(self, name: bytes) -> User | None:
        """The lowest-numbered *enabled* user called ``name`` (NUL padding ignored)."""
        wanted = name.rstrip(b"\0")
        for user in self.users:
            if user.enabled and user.name_bytes() == wanted:
                return user
        return None

    # -- channels ----------------------------------------------------------------------

    def session_channels(self) -> list[int]:
        """Channels with users and channel access: the LAN channel and the serial one."""
        return [self.lan_channel] + ([self.serial_channel] if self.serial_channel is not None else [])

    def channel_settings(self, channel: int, volatile: bool = True) -> ChannelSettings:
        """Channel access settings; the volatile ones are the ones in force."""
        table = self.channel_volatile if volatile else self.channel_nonvolatile
        return table.setdefault(channel, ChannelSettings())

    # -- LAN authentication and cipher suites --------------------------------------------

    def auth_type_support(self) -> int:
        return self.lan_params[LAN_AUTH_TYPE_SUPPORT][0]

    def auth_type_enables(self, privilege: int) -> int:
        """IPMI 1.5 auth types enabled for ``privilege`` (1 callback .. 5 OEM), as a bitmap."""
        if not PRIV_CALLBACK <= privilege <= PRIV_OEM:
            return 0
        return self.lan_params[LAN_AUTH_TYPE_ENABLES][privilege - 1]

    def cipher_suite_privileges(self) -> dict[int, int]:
        """Listed cipher suite ID -> maximum privilege (0 = unused), in entry order.

        Parameter 22 counts the suites, 23 lists their IDs, and 24 holds one privilege
        nibble per cipher suite *ID* 0-15, which is how FreeIPMI's ipmi-config and ipmitool
        read and write it. Suites above 15 keep theirs in ``high_suite_privileges``.
        """
        count = self.lan_params[LAN_CIPHER_SUITE_COUNT][0] & 0x1F
        ids = self.lan_params[LAN_CIPHER_SUITE_ENTRIES][1:1 + count]
        nibbles = self.lan_params[LAN_CIPHER_SUITE_PRIVILEGES][1:]
        return {suite: ((nibbles[suite // 2] >> (4 * (suite % 2))) & 0x0F if suite < 16
                        else self.high_suite_privileges.get(suite, 0))
                for suite in ids}

    def enabled_cipher_suites(self) -> list[int]:
        """Suites a session may use: listed, with a non-zero maximum privilege."""
        return [suite for suite, priv in self.cipher_suite_privileges().items() if priv]

    def set_cipher_suites(self, privileges: Mapping[int, int]) -> None:
        """List these suites (at most 16, IDs 0-63) with their maximum privilege (0 = unused)."""
        if len(privileges) > 16 or any(not 0 <= suite <= 63 for suite in privileges):
            raise ValueError("at most 16 cipher suites, IDs 0-63")
        nibbles = bytearray(8)
        self.high_suite_privileges = {}
        for suite, privilege in privileges.items():
            if suite < 16:
                nibbles[suite // 2] |= (privilege & 0x0F) << (4 * (suite % 2))
            else:
                self.high_suite_privileges[suite] = privilege & 0x0F
        self.lan_params[LAN_CIPHER_SUITE_COUNT] = bytes((len(privileges),))
        self.lan_params[LAN_CIPHER_SUITE_ENTRIES] = bytes((0,)) + bytes(privileges)
        self.lan_params[LAN_CIPHER_SUITE_PRIVILEGES] = bytes((0,)) + bytes(nibbles)

    # -- JSON ----------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict holding every field (bytes as hex strings)."""
        return {"format": STATE_FORMAT, **_encode(self)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BmcState:
        """Rebuild a state written by :meth:`to_json`; ``ValueError`` if it is malformed."""
        body = dict(data)
        if body.pop("format", None) != STATE_FORMAT:
            raise ValueError(f"not a pyipmi-sim state (format {STATE_FORMAT} expected)")
        state = _decode(cls, body, "state")
        state.validate()
        return state

    def validate(self) -> None:
        """Check the invariants the handlers rely on; ``ValueError`` names the first broken one."""
        if len(self.guid) != 16 or len(self.system_guid) != 16:
            raise ValueError("guid and system_guid must be 16 bytes")
        if not 1 <= len(self.users) <= 63:
            raise ValueError("between 1 and 63 users")
        for index, user in enumerate(self.users, 1):
            if user.user_id != index:
                raise ValueError(f"user slot {index} has user_id {user.user_id}")
            if len(user.password) > 20 or len(user.name_bytes()) > 16:
                raise ValueError(f"user {index}: name above 16 or password above 20 bytes")
        for number, length in BOOT_OPTION_LENGTHS.items():
            if len(self.boot_options.get(number, b"")) != length:
                raise ValueError(f"boot option {number} must be {length} bytes")
        for number in (LAN_AUTH_TYPE_SUPPORT, LAN_CIPHER_SUITE_COUNT):
            if len(self.lan_params.get(number, b"")) != 1:
                raise ValueError(f"LAN parameter {number} must be 1 byte")
        if len(self.lan_params.get(LAN_AUTH_TYPE_ENABLES, b"")) != 5:
            raise ValueError("LAN parameter 2 must be 5 bytes")
        if len(self.lan_params.get(LAN_CIPHER_SUITE_PRIVILEGES, b"")) != 9:
            raise ValueError("LAN parameter 24 must be 9 bytes")
        if self.k_g is not None and len(self.k_g) != 20:
            raise ValueError("k_g must be 20 bytes")
        if len(self.k_r) != 20:
            raise ValueError("k_r must be 20 bytes")


BOOT_OPTION_LENGTHS: dict[int, int] = {0: 1, 1: 1, 2: 1, 3: 1, 4: 2, 5: 5, 6: 9, 7: 16 * BOOT_MAILBOX_BLOCKS}
"""Stored length of each System Boot Options parameter."""


# -- JSON codec: dataclasses by their type hints; bytes as hex; int dict keys as strings --

def _encode(value: Any) -> Any:
    if is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(key): _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def _decode(tp: Any, raw: Any, where: str) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    try:
        if origin is typing.Union or origin is types.UnionType:
            inner = [a for a in args if a is not type(None)]
            return None if raw is None else _decode(inner[0], raw, where)
        if origin is dict:
            key_tp, item_tp = args
            return {(int(key) if key_tp is int else key): _decode(item_tp, item, f"{where}.{key}")
                    for key, item in raw.items()}
        if origin is list:
            return [_decode(args[0], item, f"{where}[{i}]") for i, item in enumerate(raw)]
        if is_dataclass(tp):
            return _decode_dataclass(tp, raw, where)
        if tp is bytes:
            return bytes.fromhex(raw)
        if tp is bool:
            if not isinstance(raw, bool):
                raise TypeError("boolean expected")
            return raw
        if tp is float:
            return float(raw)
        if tp is int:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise TypeError("integer expected")
            return raw
        if tp is str:
            if not isinstance(raw, str):
                raise TypeError("string expected")
            return raw
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{where}: {exc}") from None
    raise ValueError(f"{where}: unsupported type {tp!r}")


def _decode_dataclass(cls: Any, raw: Any, where: str) -> Any:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: object expected")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise ValueError(f"{where}: unknown field {unknown[0]!r}")
    return cls(**{name: _decode(hints[name], raw[name], f"{where}.{name}") for name in raw})


# -- defaults ------------------------------------------------------------------------------

def _ipv4(address: str) -> bytes:
    try:
        return ipaddress.IPv4Address(address).packed
    except ValueError:
        return bytes(4)


def default_lan_params(address: str, mac: bytes) -> dict[int, bytes]:
    """LAN configuration parameters of a freshly configured BMC at ``address``."""
    return {
        0: b"\x00",                                   # set complete
        LAN_AUTH_TYPE_SUPPORT: bytes((AUTH_TYPES_15,)),
        LAN_AUTH_TYPE_ENABLES: bytes((AUTH_TYPES_15,)) * 5,
        LAN_IP_ADDRESS: _ipv4(address),
        4: b"\x01",                                   # static address
        LAN_MAC_ADDRESS: mac,
        6: bytes((255, 255, 255, 0)),
        7: b"\x40\x40\x10",                           # TTL 64, don't fragment, TOS normal
        8: (623).to_bytes(2, "little"),
        9: (664).to_bytes(2, "little"),
        10: b"\x02",                                  # ARP responses on, gratuitous ARPs off
        11: b"\x04",                                  # 2 s
        12: bytes(4), 13: bytes(6), 14: bytes(4), 15: bytes(6),
        16: b"public".ljust(18, b"\0"),
        17: b"\x01",                                  # one non-volatile alert destination
        20: b"\x00\x00",
        21: b"\x00",
        26: bytes(6),                                 # bad password threshold off
        50: b"\x02",                                  # IPv6 and IPv4 simultaneously
        51: b"\x00",                                  # IPv4 only
        55: b"\x01\x00\x00",                          # one static IPv6 address, no dynamic ones
        64: b"\x00",                                  # no static or dynamic IPv6 router
        65: bytes(16), 66: bytes(6), 67: b"\x00", 68: bytes(16),   # static router 1
        69: bytes(16), 70: bytes(6), 71: b"\x00", 72: bytes(16),   # static router 2
    }


def default_lan_param_sets() -> dict[int, dict[int, bytes]]:
    """Alert destinations 0 (volatile) and 1, and the one IPv6 static address slot."""
    return {
        18: {n: bytes((n, 0, 0, 0)) for n in (0, 1)},
        19: {n: bytes((n, 0, 0)) + bytes(10) for n in (0, 1)},
        56: {0: bytes((0, 0)) + bytes(16) + bytes((64, 1))},
    }


def default_sol_params(lan_channel: int) -> dict[int, bytes]:
    return {
        0: b"\x00",
        1: b"\x01",                                   # SOL enabled
        2: b"\x02",                                   # USER privilege, no forced auth/encryption
        3: b"\x0c\x60",                               # 60 ms, 96 characters
        4: b"\x07\x32",                               # 7 retries, 500 ms
        5: b"\x0a",                                   # 115200
        6: b"\x0a",
        7: bytes((lan_channel,)),
        8: (623).to_bytes(2, "little"),
    }


def default_users(max_users: int = 10) -> list[User]:
    """User 1 anonymous and disabled; admin, operator and user in slots 2-4 on the LAN channel."""
    users = [User(user_id=i) for i in range(1, max_users + 1)]
    users[0].fixed_name = True
    for user, name, password, priv, sol in ((users[1], "admin", b"password", PRIV_ADMIN, True),
                                             (users[2], "operator", b"operpass", PRIV_OPERATOR, True),
                                             (users[3], "user", b"userpass", PRIV_USER, False)):
        user.name, user.password, user.enabled = name, password, True
        user.access[1] = ChannelAccess(privilege_limit=priv, ipmi_messaging=True, link_auth=True)
        user.payloads[1] = 0x02 if sol else 0
    return users


def default_state(seed: int = 0, address: str = "127.0.0.1", name: str = "") -> BmcState:
    """A powered-off BMC with the default users, all supported cipher suites at ADMIN,
    every IPMI 1.5 auth type enabled at every privilege, and boot options cleared.

    ``seed`` makes the GUIDs and MAC address distinct (and reproducible) per BMC.
    """
    rng = random.Random(seed)
    guid, system_guid = rng.getrandbits(128).to_bytes(16, "little"), rng.getrandbits(128).to_bytes(16, "little")
    mac = b"\x02" + rng.getrandbits(40).to_bytes(5, "big")
    state = BmcState(
        name=name, guid=guid, system_guid=system_guid, users=default_users(),
        channel_volatile={1: ChannelSettings()}, channel_nonvolatile={1: ChannelSettings()},
        lan_params=default_lan_params(address, mac), lan_param_sets=default_lan_param_sets(),
        sol_params=default_sol_params(1),
        boot_options={number: bytes(length) for number, length in BOOT_OPTION_LENGTHS.items()},
    )
    state.set_cipher_suites({suite: PRIV_ADMIN for suite in sorted(SUPPORTED_SUITES)})
    return state
