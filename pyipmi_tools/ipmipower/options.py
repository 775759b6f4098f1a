"""ipmipower's settings: its own options, the command line, the checks after parsing.

:class:`Settings` holds what FreeIPMI keeps in ``cmd_args`` (the shared options and
ipmipower's own) in FreeIPMI's units (milliseconds, privilege and authentication type
numbers). :func:`parse_command_line` fills it the way 1.6.10 does: a first pass for
``--config-file``, the configuration file, the full pass, then the checks in FreeIPMI's
order. The shared options come from :mod:`pyipmi_tools.cli.common`; interactive mode
changes the settings line by line.

Messages are FreeIPMI's exact bytes: most end in a newline, the value errors of
ipmipower's own options have none (``retransmission wait timeout length invalid``).
"""

from __future__ import annotations

from .. import posixio

from ..constants import Constant

from ..cli.common import OptionError
from ..cli.cvalues import strtol_int, strtol_long
from ..workarounds import Workarounds

# FreeIPMI's numbers for authentication types and privilege levels.
AUTH_NONE, AUTH_MD2, AUTH_MD5, AUTH_STRAIGHT = 0, 1, 2, 4
AUTH_TYPES = {"none": AUTH_NONE, "straight_password_key": AUTH_STRAIGHT, "md2": AUTH_MD2, "md5": AUTH_MD5}
PRIV_USER, PRIV_OPERATOR, PRIV_ADMIN = 2, 3, 4
PRIVILEGES = {"user": PRIV_USER, "operator": PRIV_OPERATOR, "admin": PRIV_ADMIN}
OEM_POWER_TYPES = ("none", "c410x")


# --- power commands and the checks made before any packet ------------------------------

class PowerCmd(Constant):
    """ipmipower's power commands; the value is the name its messages use."""

    OFF = "off"
    ON = "on"
    CYCLE = "cycle"
    RESET = "reset"
    STAT = "status"
    PULSE = "diagnostic interrupt"
    SOFT = "soft shutdown os"
    IDENTIFY_ON = "identify on"
    IDENTIFY_OFF = "identify off"
    IDENTIFY_STATUS = "identify status"

    @property
    def needs_operator(self) -> bool:
        return self not in (PowerCmd.STAT, PowerCmd.IDENTIFY_STATUS)


# Dell C410x: power reading sensors 0x50.. per PCIe slot, and an OEM slot power command.
C410X_OEM_NAME = "C410x"
C410X_SLOT_MIN, C410X_SLOT_MAX = 1, 16
C410X_COMMANDS = (PowerCmd.OFF, PowerCmd.ON, PowerCmd.STAT)

def privilege_error(cmd: PowerCmd, user_privilege: bool) -> str | None:
    """ipmipower's refusal to run an operator command at USER privilege, or None."""
    if user_privilege and cmd.needs_operator:
        return f"'{cmd.value}' requires atleast operator privilege"
    return None


def c410x_error(cmd: PowerCmd, privilege_below_admin: bool) -> str | None:
    """The C410x operation and privilege check (run before any packet), or None."""
    if cmd not in C410X_COMMANDS:
        return f"'{cmd.value}' operation not supported by oem power type '{C410X_OEM_NAME}'"
    if cmd in (PowerCmd.ON, PowerCmd.OFF) and privilege_below_admin:
        return f"'{cmd.value}' requires admin privilege for oem power type '{C410X_OEM_NAME}'"
    return None


def c410x_slot(extra: str | None) -> int | None:
    """The slot of a C410x ``host+SLOT`` argument, or None when FreeIPMI would reject it."""
    value = None if extra is None else strtol_long(extra, 0)
    if value is None:
        return None
    slot = value & 0xFFFFFFFF   # stored in an unsigned int
    return slot if C410X_SLOT_MIN <= slot <= C410X_SLOT_MAX else None


def c410x_extra_arg_error(extra: str | None) -> str | None:
    """The message for a bad C410x slot argument, or None when it is valid."""
    name = C410X_OEM_NAME
    if extra is None:
        return f"slot number must be specified for oem power type '{name}'"
    if strtol_long(extra, 0) is None:
        return f"slot number '{extra}' for oem power type '{name}' invalid"
    if c410x_slot(extra) is None:
        return f"slot number '{extra}' for oem power type '{name}' out of range"
    return None


class Settings:
    """ipmipower's configuration (FreeIPMI's ``struct ipmipower_arguments``).

    A plain class rather than a dataclass: building a dataclass costs start-up time.
    """

    # common out-of-band options
    driver: str = "lan"                      # "lan" (IPMI 1.5), "lan_2_0"; in-band names only from the file
    hostname: str | None = None
    username: bytes | None = None
    password: bytes | None = None
    k_g: bytes = b""                         # as many bytes as FreeIPMI's k_g_len
    session_timeout: int = 20000
    retransmission_timeout: int = 400
    auth_type: int = AUTH_MD5                # interactive mode can store any number here (1.6.10 bug)
    cipher_suite_id: int = 3
    privilege: int = PRIV_OPERATOR
    config_file: str | None = None
    workarounds: Workarounds = Workarounds()
    debug: int = 0
    buffer_output: bool = False
    consolidate_output: bool = False
    fanout: int = 0
    eliminate: bool = False
    always_prefix: bool = False
    # ipmipower's own
    powercmd: PowerCmd | None = None
    on_if_off: bool = False
    wait_until_on: bool = False
    wait_until_off: bool = False
    oem_power_type: str | None = "none"      # None: a name ipmipower does not know
    retransmission_wait_timeout: int = 500
    retransmission_backoff_count: int = 8
    ping_interval: int = 5000
    ping_timeout: int = 30000
    ping_packet_count: int = 10
    ping_percent: int = 50
    ping_consec_count: int = 5

    def __init__(self, **values: object) -> None:
        for name, value in values.items():
            if not hasattr(Settings, name):
                raise TypeError(f"unknown setting {name!r}")
            setattr(self, name, value)

    def __repr__(self) -> str:
        hidden = ("password", "k_g")
        shown = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k not in hidden)
        return f"Settings({shown})"

    @property
    def lan20(self) -> bool:
        return self.driver == "lan_2_0"

    @property
    def c410x(self) -> bool:
        return self.oem_power_type == "c410x"


# --- ipmipower's own options ------------------------------------------------------------

POWER_KEYS = {
    "on": PowerCmd.ON, "off": PowerCmd.OFF, "cycle": PowerCmd.CYCLE, "reset": PowerCmd.RESET,
    "stat": PowerCmd.STAT, "pulse": PowerCmd.PULSE, "soft": PowerCmd.SOFT,
}

# (key, long name, short, metavar, help, hidden, argp group offset), in the order of
# ipmipower_argp.c: the order glibc lists candidates in when a long-option prefix is
# ambiguous. The groups give --help the same order as FreeIPMI's.
OWN_OPTIONS: tuple[tuple[str, str, str | None, str | None, str, bool, int], ...] = (
    ("on", "on", "n", None, "Power the hosts on.", False, 0),
    ("off", "off", "f", None, "Power the hosts off.", False, 1),
    ("cycle", "cycle", "c", None, "Power the hosts off and on again.", False, 2),
    ("reset", "reset", "r", None, "Hard reset the hosts.", False, 3),
    ("stat", "stat", "s", None, "Tell whether each host is powered on or off.", False, 4),
    ("pulse", "pulse", None, None, "Send the hosts a diagnostic interrupt (NMI).", False, 5),
    ("soft", "soft", None, None, "Ask each host's operating system to shut down cleanly (ACPI).", False, 6),
    ("on-if-off", "on-if-off", None, None,
     "With --cycle or --reset, power a host on instead if it is off.", False, 8),
    ("wait-until-off", "wait-until-off", None, None,
     "With --off, keep asking the BMC and answer only once the host is off.", False, 9),
    ("wait-until-on", "wait-until-on", None, None,
     "With --on, keep asking the BMC and answer only once the host is on.", False, 10),
    ("oem-power-type", "oem-power-type", None, "OEM-POWER-TYPE",
     "Use a vendor power interface: none or C410X (hosts written HOST+SLOT).", False, 11),
    ("retransmission-wait-timeout", "retry-wait-timeout", None, "MILLISECONDS",
     "Old name of --retransmission-wait-timeout.", True, 12),
    ("retransmission-wait-timeout", "retransmission-wait-timeout", None, "MILLISECONDS",
     "Milliseconds between power-state queries while waiting for on or off.", False, 12),
    ("retransmission-backoff-count", "retry-backoff-count", None, "COUNT",
     "Old name of --retransmission-backoff-count.", True, 13),
    ("retransmission-backoff-count", "retransmission-backoff-count", None, "COUNT",
     "Resends after which the wait before the next one grows.", False, 13),
    ("ping-interval", "ping-interval", None, "MILLISECONDS",
     "Interactive mode: milliseconds between discovery pings (0: none).", False, 14),
    ("ping-timeout", "ping-timeout", None, "MILLISECONDS",
     "Interactive mode: a host silent this long counts as undiscovered.", False, 15),
    ("ping-packet-count", "ping-packet-count", None, "COUNT",
     "Interactive mode: pings per loss measurement.", False, 16),
    ("ping-percent", "ping-percent", None, "PERCENT",
     "Interactive mode: lost pings (percent) that mark a bad connection.", False, 17),
    ("ping-consec-count", "ping-consec-count", None, "COUNT",
     "Interactive mode: answered pings in a row that end a bad connection.", False, 18),
)

_NUMBER_OPTIONS = {
    # key: (attribute, smallest allowed value, message without newline)
    "retransmission-wait-timeout": ("retransmission_wait_timeout", 1, "retransmission wait timeout length invalid"),
    "retransmission-backoff-count": ("retransmission_backoff_count", 1, "retransmission backoff count invalid"),
    "ping-interval": ("ping_interval", 0, "ping interval length invalid"),
    "ping-timeout": ("ping_timeout", 0, "ping timeout length invalid"),
    "ping-packet-count": ("ping_packet_count", 0, "ping packet count invalid"),
    "ping-percent": ("ping_percent", 0, "ping percent invalid"),
    "ping-consec-count": ("ping_consec_count", 0, "ping consec count invalid"),
}


def parse_oem_power_type(text: str) -> str | None:
    """``none`` or ``c410x`` (any case); None for anything else."""
    low = text.lower()
    return low if low in OEM_POWER_TYPES else None


def apply_own_option(settings: Settings, key: str, value: str | None) -> bool:
    """Apply one of ipmipower's own options; False if ``key`` is not one of them."""
    if key in POWER_KEYS:
        settings.powercmd = POWER_KEYS[key]          # the last power operation given wins
    elif key == "on-if-off":
        settings.on_if_off = True
    elif key == "wait-until-on":
        settings.wait_until_on = True
    elif key == "wait-until-off":
        settings.wait_until_off = True
    elif key == "oem-power-type":
        settings.oem_power_type = parse_oem_power_type(value or "")
    elif key in _NUMBER_OPTIONS:
        attribute, smallest, message = _NUMBER_OPTIONS[key]
        number = strtol_int(value or "", 10)
        if number is None or number < smallest:
            raise OptionError(message, newline=False)
        setattr(settings, attribute, number)
    else:
        return False
    return True


# --- the configuration file ---------------------------------------------------------------

def apply_config(settings: Settings, values: dict) -> None:
    """Copy ipmipower's own settings read by ``cli.conffile.read_config`` into ``settings``."""
    for key, value in values.items():
        if key in ("on-if-off", "wait-until-on", "wait-until-off"):
            setattr(settings, key.replace("-", "_"), value)
        elif key == "oem-power-type":
            settings.oem_power_type = parse_oem_power_type(value)
        elif key in _NUMBER_OPTIONS:
            setattr(settings, _NUMBER_OPTIONS[key][0], value)


# --- checks after parsing -------------------------------------------------------------------

def validate(settings: Settings) -> None:
    """ipmipower's own checks after parsing (``_ipmipower_args_validate``), in its order."""
    if settings.oem_power_type is None:
        raise OptionError("invalid oem power type")
    if settings.retransmission_wait_timeout > settings.session_timeout:
        raise OptionError("retransmission wait timeout larger than session timeout")
    if settings.powercmd is not None and settings.hostname is None:
        raise OptionError("must specify target hostname(s) in non-interactive mode")
    if settings.ping_interval > settings.ping_timeout:
        raise OptionError("ping interval larger than ping timeout")
    if settings.ping_consec_count > settings.ping_packet_count:
        raise OptionError("ping consec count larger than ping packet count")


# --- the command line ---------------------------------------------------------------------

DOC = "ipmipower - switch, cycle and query the power of hosts through their BMCs over IPMI"
VERSION = ("ipmipower - 1.6.10\n"
           "Copyright (C) 2007-2015 Lawrence Livermore National Security, LLC.\n"
           "Copyright (C) 2003-2007 The Regents of the University of California.\n"
           "This program is free software; you may redistribute it under the terms of\n"
           "the GNU General Public License.  This program has absolutely no warranty.")


def option_table() -> list:
    """ipmipower's argp option table: the shared options, then its own."""
    from ..cli.argp import Option
    from ..cli.common import FIRST_TOOL_GROUP, IPMIPOWER, common_options
    own = [Option(key, long, short, arg, text, hidden, FIRST_TOOL_GROUP + group)
           for key, long, short, arg, text, hidden, group in OWN_OPTIONS]
    return [*common_options(IPMIPOWER), *own]


def _take_common(settings: Settings, opts) -> None:
    """Copy the shared options (``cli.common.CommonOptions``) into ``settings``."""
    settings.driver = opts.driver_type
    settings.hostname = opts.hostname
    settings.username = opts.username
    settings.password = opts.password
    settings.k_g = opts.k_g or b""
    settings.session_timeout = opts.session_timeout_ms
    settings.retransmission_timeout = opts.retransmission_timeout_ms
    settings.auth_type = AUTH_TYPES[opts.authentication_type]
    settings.cipher_suite_id = opts.cipher_suite_id
    settings.privilege = PRIVILEGES[opts.privilege_level]
    settings.config_file = opts.config_file
    settings.workarounds = opts.workaround_flags
    settings.debug = opts.debug
    settings.buffer_output = opts.buffer_output
    settings.consolidate_output = opts.consolidate_output
    settings.fanout = opts.fanout
    settings.eliminate = opts.eliminate
    settings.always_prefix = opts.always_prefix


def parse_command_line(argv: list[str]) -> Settings:
    """FreeIPMI's two passes over ``argv`` around the configuration file, then the checks.

    Usage errors, ``--help``, ``--usage`` and ``--version`` raise ``ArgpExit`` (a
    ``SystemExit``) after printing; bad values raise ``cli.common.OptionError``; a
    configuration file problem raises ``cli.conffile.ConfigFileError``.
    """
    from ..cli import common
    from ..cli.argp import ArgpParser
    from ..cli.conffile import read_config
    prog = posixio.basename(argv[0]) if argv else "ipmipower"
    parser = ArgpParser(prog, option_table(), DOC, VERSION)
    opts = common.CommonOptions.defaults(common.IPMIPOWER)
    parser.parse(argv, lambda key, value: setattr(opts, "config_file", value), only={"config-file"})
    values = read_config(opts.config_file, "ipmipower")
    settings = Settings()
    common.apply_config(opts, values)
    apply_config(settings, values)

    def handle(key: str, value: str | None) -> None:
        if not apply_own_option(settings, key, value):
            common.apply_common(opts, key, value, common.IPMIPOWER)

    parser.parse(argv, handle)
    common.verify_common(opts, common.IPMIPOWER)
    _take_common(settings, opts)
    validate(settings)
    return settings
