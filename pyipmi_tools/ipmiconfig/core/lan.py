"""LAN sections: Lan_Channel / Serial_Channel, Lan_Conf, Lan_Conf_Auth, Lan_Conf_Security_Keys,
Lan_Conf_User_Security, Lan_Conf_Misc, Rmcpplus_Conf_Privilege."""

from __future__ import annotations

from ...cli.cvalues import k_g_key
from ...commands import config_params as cp
from ...wire.buffer import DecodeError
from ..model import (Choice, Context, FailureKind, Key, KeyFailure, KeyFlag, Section, SectionFlag, Validity,
                     call, failure, format_ipv4, format_mac, get_parameter, number_range, parse_yes_no,
                     validate_ipv4, validate_mac, validate_yes_no, yes_no)
from ..model import c_number_or_zero as _c
from .common import (CHANNEL_PRIVILEGE, YES_NO_DESC, bit_key, bits_key, choice_key, decoded, field_key, int_key,
                     input_value, lan_block, lan_channel, serial_channel)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from ..model import Script

ACCESS_MODE = Choice({"Disabled": 0, "Pre_Boot_Only": 1, "Always_Available": 2, "Shared": 3})
IP_SOURCE = Choice({"Unspecified": 0, "Static": 1, "Use_DHCP": 2, "Use_BIOS": 3, "Use_Others": 4})
SUITE_PRIVILEGE = Choice({"Unused": 0, "User": 2, "Operator": 3, "Administrator": 4, "OEM_Proprietary": 5})


# --- Lan_Channel / Serial_Channel ----------------------------------------------------------

def _channel_access_keys(channel_of: Callable[[Context], Script]) -> list[Key]:
    keys = []
    for volatile, prefix in ((True, "Volatile"), (False, "Non_Volatile")):
        def read(ctx: Context, volatile: bool = volatile) -> Script:
            channel = yield from channel_of(ctx)
            if isinstance(channel, KeyFailure):
                return channel
            data = yield from call(cp.get_channel_access(channel, volatile))
            if isinstance(data, KeyFailure):
                return data
            try:
                return channel, cp.decode_channel_access(data)
            except DecodeError:
                return KeyFailure(FailureKind.GENERIC)

        def make(name: str, description: str, show: Callable[[cp.ChannelAccess], str],
                 change: Callable[[cp.ChannelAccess, str], None], validate: Callable[[str], Validity],
                 read: Callable[[Context], Script] = read, volatile: bool = volatile) -> Key:
            def checkout(ctx: Context) -> Script:
                got = yield from read(ctx)
                return got if isinstance(got, KeyFailure) else show(got[1])

            def commit(ctx: Context, value: str) -> Script:
                got = yield from read(ctx)
                if isinstance(got, KeyFailure):
                    return got
                channel, access = got
                change(access, value)
                data = yield from call(cp.set_channel_access(channel, access, volatile))
                return data if isinstance(data, KeyFailure) else None

            return Key(name, description, validate=validate, checkout=checkout, commit=commit)

        def setter(attribute: str, parse: Callable[[str], object]) -> Callable[[cp.ChannelAccess, str], None]:
            return lambda access, value: setattr(access, attribute, parse(value))

        keys += [
            make(f"{prefix}_Access_Mode", ACCESS_MODE.description, lambda a: ACCESS_MODE.name(a.access_mode),
                 setter("access_mode", ACCESS_MODE.number), ACCESS_MODE.validate),
            make(f"{prefix}_Enable_User_Level_Auth", YES_NO_DESC, lambda a: yes_no(a.user_level_auth),
                 setter("user_level_auth", parse_yes_no), validate_yes_no),
            make(f"{prefix}_Enable_Per_Message_Auth", YES_NO_DESC, lambda a: yes_no(a.per_message_auth),
                 setter("per_message_auth", parse_yes_no), validate_yes_no),
            make(f"{prefix}_Enable_Pef_Alerting", YES_NO_DESC, lambda a: yes_no(a.pef_alerting),
                 setter("pef_alerting", parse_yes_no), validate_yes_no),
            make(f"{prefix}_Channel_Privilege_Limit", CHANNEL_PRIVILEGE.description,
                 lambda a: CHANNEL_PRIVILEGE.name(a.privilege_limit),
                 setter("privilege_limit", CHANNEL_PRIVILEGE.number), CHANNEL_PRIVILEGE.validate),
        ]
    return keys


LAN_CHANNEL_COMMENT = (
    "Lan_Channel switches IPMI over LAN on or off and sets its limits. \"Volatile\" settings apply at once; "
    "\"Non_Volatile\" settings are the ones the BMC starts with after its next reset, so both are usually "
    "given the same values.\n"
    "For IPMI over LAN, \"Access_Mode\" is normally \"Always_Available\" and \"Channel_Privilege_Limit\" the "
    "highest privilege of any user, usually \"Administrator\".\n"
    "\"User_Level_Auth\" and \"Per_Message_Auth\" are best left at \"Yes\".")

SERIAL_CHANNEL_COMMENT = (
    "Serial_Channel switches IPMI over the serial port on or off, with the same meaning of \"Volatile\" and "
    "\"Non_Volatile\" as in Lan_Channel.\n"
    "Most sites use IPMI over LAN only and can set \"Access_Mode\" to \"Disabled\" here.")


def lan_channel_section() -> Section:
    return Section("Lan_Channel", _channel_access_keys(lan_channel), LAN_CHANNEL_COMMENT)


def serial_channel_section() -> Section:
    return Section("Serial_Channel", _channel_access_keys(serial_channel), SERIAL_CHANNEL_COMMENT,
                   SectionFlag.VERBOSE_ONLY)


# --- Lan_Conf --------------------------------------------------------------------------------

def _whole(name: str, description: str, parameter: int, length: int, fname: str, show: Callable[[bytes], str],
           parse: Callable[[str], bytes], validate: Callable[[str], Validity], flags: KeyFlag = KeyFlag.NONE) -> Key:
    return field_key(name, description, lan_block(parameter, length, fname), show, lambda data, value: parse(value),
                     validate, flags)


def _ipv4(value: str) -> bytes:
    return bytes(int(part) for part in value.split("."))


def _mac(value: str) -> bytes:
    return bytes(int(part, 16) for part in value.split(":"))


def _hex(number: int) -> str:
    return f"0x{number:X}"


LAN_CONF_COMMENT = (
    "Lan_Conf holds the BMC's IPv4 network settings. Usually \"IP_Address_Source\" is \"Static\" with the "
    "\"IP_Address\", \"Subnet_Mask\" and gateway given below, or \"Use_DHCP\".")


def lan_conf_section() -> Section:
    ip, mac = "Give valid IP address", "Give valid MAC address"
    keys = [
        choice_key("IP_Address_Source", IP_SOURCE, lan_block(4, 1, "ip_address_source"), 0, 0, 4),
        _whole("IP_Address", ip, 3, 4, "ip_address", format_ipv4, _ipv4, validate_ipv4),
        _whole("MAC_Address", mac, 5, 6, "mac_address", format_mac, _mac, validate_mac),
        _whole("Subnet_Mask", "Give valid Subnet Mask", 6, 4, "subnet_mask", format_ipv4, _ipv4, validate_ipv4),
        _whole("Default_Gateway_IP_Address", ip, 12, 4, "default_gateway_address", format_ipv4, _ipv4,
               validate_ipv4),
        _whole("Default_Gateway_MAC_Address", mac, 13, 6, "default_gateway_mac_address", format_mac, _mac,
               validate_mac),
        _whole("Backup_Gateway_IP_Address", ip, 14, 4, "backup_gateway_address", format_ipv4, _ipv4, validate_ipv4),
        _whole("Backup_Gateway_MAC_Address", mac, 15, 6, "backup_gateway_mac_address", format_mac, _mac,
               validate_mac),
    ]
    vlan = lan_block(20, 2, "vlan_id")
    verbose = KeyFlag.VERBOSE_ONLY
    hidden_hex = KeyFlag.VERBOSE_ONLY | KeyFlag.COMMENTED_OUT
    header = lan_block(7, 3, "ipv4_header_parameters")
    keys += [
        field_key("Vlan_id", "Give valid unsigned number", vlan,
                  lambda d: str(int.from_bytes(d, "little") & 0x0FFF),
                  lambda d, v: ((int.from_bytes(d, "little") & 0xF000) | (_c(v) & 0x0FFF)).to_bytes(2, "little"),
                  number_range(0, 4095), verbose),
        bit_key("Vlan_Id_Enable", vlan, 1, 7, verbose),
        bits_key("Vlan_Priority", "Give valid unsigned number", lan_block(21, 1, "vlan_priority"), 0, 0, 3, str, _c,
                 number_range(0, 7), verbose),
        bits_key("IPv4_Header_Time_To_Live", "Give valid hex number", header, 0, 0, 8, _hex, _c,
                 number_range(0, 255), hidden_hex),
        bits_key("IPv4_Header_Flags", "Give valid hex number", header, 1, 5, 3, _hex, _c, number_range(0, 7),
                 hidden_hex),
        bits_key("IPv4_Header_Type_Of_Service", "Give valid hex number", header, 2, 1, 4, _hex, _c,
                 number_range(0, 15), hidden_hex),
        bits_key("IPv4_Header_Precedence", "Give valid hex number", header, 2, 5, 3, _hex, _c, number_range(0, 7),
                 hidden_hex),
        int_key("Primary_RMCP_Port", "Give valid number", lan_block(8, 2, "primary_rmcp_port"), 0, 2,
                number_range(0, 65535), _c, hidden_hex),
        int_key("Secondary_RMCP_Port", "Give valid number", lan_block(9, 2, "secondary_rmcp_port"), 0, 2,
                number_range(0, 65535), _c, hidden_hex),
    ]
    return Section("Lan_Conf", keys, LAN_CONF_COMMENT)


# --- Lan_Conf_Auth ---------------------------------------------------------------------------

AUTH_LEVELS = ("Callback", "User", "Operator", "Admin", "OEM")
AUTH_TYPES = (("None", 0), ("MD2", 1), ("MD5", 2), ("Straight_Password", 4), ("OEM_Proprietary", 5))

LAN_CONF_AUTH_COMMENT = (
    "Lan_Conf_Auth chooses which IPMI 1.5 authentication types the BMC accepts at each privilege level. "
    "\"MD5\" is the usual choice. The \"None\" types only matter for a user without name and password. Some "
    "BMCs cannot enable the OEM types at all; set those to \"No\" if commits fail.")


def _auth_supported(ctx: Context) -> Script:
    """The auth type support bitmap (LAN parameter 1), None when it cannot be read."""
    if "core.auth_support" not in ctx.cache:
        channel = yield from lan_channel(ctx)
        support = None
        if not isinstance(channel, KeyFailure):
            data = yield from get_parameter(cp.get_lan_param(channel, 1, "authentication_type_support"))
            if not isinstance(data, KeyFailure):
                got = decoded(data, 1)
                support = None if isinstance(got, KeyFailure) else got[0]
        ctx.cache["core.auth_support"] = support
    return ctx.cache["core.auth_support"]


def lan_conf_auth_section() -> Section:
    block = lan_block(2, 5, "authentication_type_enables")
    keys = []
    for level_index, level in enumerate(AUTH_LEVELS):
        for type_name, bit in AUTH_TYPES:
            inner = bit_key(f"{level}_Enable_Auth_Type_{type_name}", block, level_index, bit)

            def checkout(ctx: Context, inner: Key = inner, bit: int = bit) -> Script:
                value = yield from inner.checkout(ctx)
                if isinstance(value, KeyFailure) or ctx.verbose > 1:
                    return value
                support = yield from _auth_supported(ctx)
                if support is not None and not support & (1 << bit):
                    return KeyFailure(FailureKind.GENERIC)
                return value

            keys.append(Key(inner.name, inner.description, inner.flags, validate=inner.validate,
                            checkout=checkout, commit=inner.commit))
    return Section("Lan_Conf_Auth", keys, LAN_CONF_AUTH_COMMENT)


# --- Lan_Conf_Security_Keys ------------------------------------------------------------------

K_G_LENGTH = 20


def parse_k_g(value: str) -> bytes | None:
    """The 20-byte K_G an input value stands for, or None if it cannot be one.

    The command line's rule (:func:`~pyipmi_tools.cli.cvalues.k_g_key`): ``0x``/``0X`` starts
    hexadecimal, digits taken in pairs from the left and an odd last digit a byte of its own
    (``0x123`` is 12 03); anything else is the key as text. The key is padded with NULs.
    """
    try:
        key = k_g_key(value.encode("latin-1", "replace"))
    except ValueError:
        return None
    return key.ljust(K_G_LENGTH, b"\0")


def format_k_g(key: bytes) -> str:
    """K_G as checkout shows it: text when it reads back unambiguously, else 0x and 40 hex digits.

    Text needs a non-empty printable (ASCII graphic or space) run followed only by NULs, and
    must not start with ``0x`` (lower case only, as FreeIPMI checks: ``0Xab`` stays text).
    """
    text, _, rest = key.partition(b"\0")
    printable = (bool(text) and all(0x20 <= b <= 0x7E for b in text) and not any(rest)
                 and not text.startswith(b"0x"))
    return text.decode("ascii") if printable else "0x" + key.hex()


def _key_key(name: str, description: str, key_id: int, as_hex: bool) -> Key:
    section = "Lan_Conf_Security_Keys"

    def validate(value: str) -> Validity:
        if as_hex:
            return Validity.VALID if parse_k_g(value) is not None else Validity.INVALID
        return Validity.VALID if len(value.encode("latin-1", "replace")) <= 20 else Validity.INVALID

    def encode(value: str) -> bytes:
        if as_hex:
            return parse_k_g(value) or b""
        return value.encode("latin-1", "replace")

    def checkout(ctx: Context) -> Script:
        channel = yield from lan_channel(ctx)
        if isinstance(channel, KeyFailure):
            return channel
        reply = yield cp.read_channel_key(channel, key_id)
        if reply.completion_code:
            return KeyFailure(FailureKind.GENERIC, reply.completion_code)
        try:
            key = cp.decode_channel_key(reply.data)
        except DecodeError:
            return KeyFailure(FailureKind.GENERIC)
        if as_hex:
            # one key has two spellings: a --diff input naming the same bytes is no difference
            given = input_value(ctx, section, name)
            if given is not None and parse_k_g(given) == key:
                return given
            return format_k_g(key)
        return key.split(b"\0", 1)[0].decode("latin-1")

    def commit(ctx: Context, value: str) -> Script:
        channel = yield from lan_channel(ctx)
        if isinstance(channel, KeyFailure):
            return channel
        reply = yield cp.set_channel_key(channel, key_id, encode(value)[:20])
        return failure(reply.completion_code) if reply.completion_code else None

    return Key(name, description, validate=validate, checkout=checkout, commit=commit)


SECURITY_KEYS_COMMENT = (
    "Lan_Conf_Security_Keys sets the BMC keys of IPMI 2.0. K_G, when set, is a second secret that clients "
    "must know besides the user's password; most sites leave it empty (all zero).")


def lan_conf_security_keys_section() -> Section:
    return Section("Lan_Conf_Security_Keys", [
        _key_key("K_R", "Give string or blank to clear. Max 20 chars", cp.KEY_R, False),
        _key_key("K_G", "Give string or blank to clear. Max 20 bytes, prefix with 0x to enter hex", cp.KEY_G, True),
    ], SECURITY_KEYS_COMMENT)


# --- Lan_Conf_User_Security, Lan_Conf_Misc -----------------------------------------------------

USER_SECURITY_COMMENT = (
    "Lan_Conf_User_Security, where the BMC offers it, locks a user out after repeated wrong passwords. "
    "\"Bad_Password_Threshold\" is the number of wrong passwords in a row, \"Attempt_Count_Reset_Interval\" "
    "the time in which they must happen and \"User_Lockout_Interval\" how long the user stays locked. "
    "\"Enable_Event_Message_When_User_Disabled\" makes the BMC log an event when that happens.")

MISC_COMMENT = (
    "Lan_Conf_Misc, where the BMC offers it, controls ARP. Gratuitous ARPs announce the BMC's MAC address "
    "on the network every \"Gratuitous_ARP_Interval\"; \"Enable_ARP_Response\" lets the BMC answer ARP "
    "requests.")


def lan_conf_user_security_section() -> Section:
    block = lan_block(26, 6, "bad_password_threshold")
    interval = "Possible values: 0-65535, in 10 second increments (e.g. 2 = 20 sec)\n                 "
    return Section("Lan_Conf_User_Security", [
        int_key("Bad_Password_Threshold", "Possible values: 0-255, 0 indicates no limit", block, 1, 1,
                number_range(0, 255), _c),
        int_key("Attempt_Count_Reset_Interval", interval + "0 indicates no interval (i.e. don't reset counter)",
                block, 2, 2, number_range(0, 65535), _c),
        int_key("User_Lockout_Interval", interval + "0 indicates no interval (i.e. don't re-enable user)",
                block, 4, 2, number_range(0, 65535), _c),
        bit_key("Enable_Event_Message_When_User_Disabled", block, 0, 0),
    ], USER_SECURITY_COMMENT)


def lan_conf_misc_section() -> Section:
    arp = lan_block(10, 1, "bmc_generated_arp_control")
    return Section("Lan_Conf_Misc", [
        bit_key("Enable_Gratuitous_ARPs", arp, 0, 0),
        bit_key("Enable_ARP_Response", arp, 0, 1),
        int_key("Gratuitous_ARP_Interval", "Possible values: 0-255, in 500ms increments (e.g. 2 = 1000ms)",
                lan_block(11, 1, "gratuitous_arp_interval"), 0, 1, number_range(0, 255), _c),
    ], MISC_COMMENT)


# --- Rmcpplus_Conf_Privilege -----------------------------------------------------------------

RMCPPLUS_COMMENT = (
    "Rmcpplus_Conf_Privilege limits, for each IPMI 2.0 cipher suite the BMC offers, the highest privilege a "
    "session using it may reach. Cipher suites differ in their authentication, integrity and encryption "
    "algorithms. Usually each is set to the highest privilege of any user, \"Administrator\", or to \"Unused\" "
    "to refuse a suite.")


def _suite_ids(ctx: Context) -> Script:
    channel = yield from lan_channel(ctx)
    if isinstance(channel, KeyFailure):
        return channel
    data = yield from get_parameter(cp.get_lan_param(channel, 22, "rmcpplus_messaging_cipher_suite_entry_support"))
    if isinstance(data, KeyFailure):
        return data
    count = decoded(data, 1)
    if isinstance(count, KeyFailure):
        return count
    n = count[0] & 0x1F
    data = yield from get_parameter(cp.get_lan_param(channel, 23, "rmcpplus_messaging_cipher_suite_entries"))
    if isinstance(data, KeyFailure):
        return data
    return list(data[2:2 + n])


def _suite_key(suite: int) -> Key:
    block = lan_block(24, 9, "rmcpplus_messaging_cipher_suite_privilege_levels")
    index, shift = 1 + suite // 2, 4 * (suite % 2)

    def checkout(ctx: Context) -> Script:
        ids = yield from _suite_ids(ctx)
        if isinstance(ids, KeyFailure):
            return ids
        if suite not in ids:
            return KeyFailure(FailureKind.GENERIC)
        data = yield from block.read(ctx)
        if isinstance(data, KeyFailure):
            return data
        name = SUITE_PRIVILEGE.name((data[index] >> shift) & 0x0F)
        return name if name else KeyFailure(FailureKind.GENERIC)

    def commit(ctx: Context, value: str) -> Script:
        data = yield from block.read(ctx)
        if isinstance(data, KeyFailure):
            return data
        out = bytearray(data)
        out[index] = (out[index] & ~(0x0F << shift)) | ((SUITE_PRIVILEGE.number(value) & 0x0F) << shift)
        return (yield from block.write(ctx, bytes(out)))

    return Key(f"Maximum_Privilege_Cipher_Suite_Id_{suite}", SUITE_PRIVILEGE.description,
               validate=SUITE_PRIVILEGE.validate, checkout=checkout, commit=commit)


def rmcpplus_section() -> Section:
    return Section("Rmcpplus_Conf_Privilege", [_suite_key(suite) for suite in range(16)], RMCPPLUS_COMMENT)


__all__ = ["lan_channel_section", "serial_channel_section", "lan_conf_section", "lan_conf_auth_section",
           "lan_conf_security_keys_section", "lan_conf_user_security_section", "lan_conf_misc_section",
           "rmcpplus_section"]
