"""The options every FreeIPMI 1.6.10 tool shares, their value checks and cross-checks.

:func:`common_options` gives the argp table of the shared options for ``ipmipower``
or ``ipmi-config`` in FreeIPMI's order (hidden legacy spellings included; the order is
what glibc lists when a long-option prefix is ambiguous).  :func:`apply_common` is the
shared part of both tools' argp handlers: it checks one value and stores it in a
:class:`CommonOptions`.  :func:`verify_common` makes the checks FreeIPMI makes once
parsing is over.

A bad value raises :class:`OptionError`; its ``text`` is exactly what FreeIPMI prints
on stderr (mostly with a newline; ipmi-config's ``invalid target channel numbern`` and
ipmipower's ``invalid driver type specified`` have none) before exiting with status 1.

Numbers follow C: ``strtol(arg, &end, base)`` must consume the whole argument (leading
blanks and a sign are fine, base 0 reads ``0x`` as hex and a leading ``0`` as octal, the
empty string is 0) and the result is stored in an ``int``, keeping the low 32 bits.
"""

from __future__ import annotations

from .. import posixio

import sys
from ..record import record, field

from ..workarounds import Workarounds
from .argp import Option, write_raw
from .cvalues import (AUTHENTICATION_TYPES, DRIVER_TYPES, OUTOFBAND_DRIVER_TYPES, PRIVILEGE_LEVELS,
                      SUPPORTED_CIPHER_SUITES, as_bytes, ascii_lower, c_int, k_g_key, strtol, strtol_int)

TYPE_CHECKING = False  # typing costs start-up time; type checkers see True
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import NoReturn

__all__ = [
    "AUTHENTICATION_TYPES",
    "DRIVER_TYPES",
    "FIRST_TOOL_GROUP",
    "IPMIPOWER",
    "IPMI_CONFIG",
    "OUTOFBAND_DRIVER_TYPES",
    "PRIVILEGE_LEVELS",
    "SUPPORTED_CIPHER_SUITES",
    "CommonOptions",
    "OptionError",
    "apply_common",
    "apply_config",
    "c_int",
    "common_options",
    "parse_authentication_type",
    "parse_cipher_suite_id",
    "parse_driver_address",
    "parse_driver_type",
    "parse_fanout",
    "parse_ipmi_version",
    "parse_k_g",
    "parse_password",
    "parse_privilege_level",
    "parse_register_spacing",
    "parse_retransmission_timeout",
    "parse_session_timeout",
    "parse_target_channel_number",
    "parse_target_slave_address",
    "parse_username",
    "parse_workaround_flags",
    "read_secret",
    "strtol",
    "strtol_int",
    "verify_common",
]

IPMIPOWER = "ipmipower"
IPMI_CONFIG = "ipmi-config"
_TOOLS = (IPMIPOWER, IPMI_CONFIG)

FIRST_TOOL_GROUP = 100       # help groups of a tool's own options start here

MAX_USERNAME = 16            # IPMI_MAX_USER_NAME_LENGTH
MAX_PASSWORD = 20            # IPMI_2_0_MAX_PASSWORD_LENGTH
MAX_PASSWORD_15 = 16         # IPMI_1_5_MAX_PASSWORD_LENGTH
WORKAROUND_BUFLEN = 1024     # parse_workaround_flags() copies at most this much



class OptionError(ValueError):
    """A value FreeIPMI rejects: ``text`` goes to stderr as is, then the tool exits 1."""

    status = 1

    def __init__(self, message: str, newline: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.text = message + "\n" if newline else message

    def exit(self) -> NoReturn:
        """Print ``text`` on stderr (raw bytes) and exit with status 1."""
        sys.stdout.flush()
        write_raw(sys.stderr, posixio.fsencode(self.text))
        raise SystemExit(self.status)


# -- value parsers (FreeIPMI's messages) --------------------------------------------------

def parse_driver_type(text: str, tool: str = IPMI_CONFIG) -> str:
    """``-D``: ipmipower takes the LAN drivers only, ipmi-config the in-band ones too."""
    table = OUTOFBAND_DRIVER_TYPES if tool == IPMIPOWER else DRIVER_TYPES
    driver = table.get(ascii_lower(text))
    if driver is None:
        raise OptionError("invalid driver type")
    return driver


def parse_ipmi_version(text: str) -> str:
    """ipmipower's legacy ``--ipmi-version``: exactly ``1.5`` or ``2.0``."""
    driver = {"1.5": "lan", "2.0": "lan_2_0"}.get(text)
    if driver is None:
        raise OptionError("invalid driver type specified", newline=False)
    return driver


def parse_username(text: str | bytes) -> bytes:
    value = as_bytes(text)
    if len(value) > MAX_USERNAME:
        raise OptionError("username too long")
    return value


def parse_password(text: str | bytes) -> bytes:
    """At most 20 bytes here; :func:`verify_common` cuts IPMI 1.5 to 16 later."""
    value = as_bytes(text)
    if len(value) > MAX_PASSWORD:
        raise OptionError("password too long")
    return value


def parse_k_g(text: str | bytes) -> bytes | None:
    """K_g (see :func:`~.cvalues.k_g_key`): the key bytes as given, None for an empty key."""
    try:
        return k_g_key(text) or None
    except ValueError as err:
        raise OptionError(str(err)) from None


def _positive(text: str, message: str) -> int:
    value = strtol_int(text)
    if value is None or value <= 0:
        raise OptionError(message)
    return value


def parse_session_timeout(text: str) -> int:
    return _positive(text, "invalid session timeout")


def parse_retransmission_timeout(text: str) -> int:
    return _positive(text, "invalid retransmission timeout")


def parse_authentication_type(text: str) -> str:
    auth = AUTHENTICATION_TYPES.get(ascii_lower(text))
    if auth is None:
        raise OptionError("invalid authentication type")
    return auth


def parse_cipher_suite_id(text: str) -> int:
    value = strtol_int(text)
    if value is None or not 0 <= value <= 19:
        raise OptionError("invalid cipher suite id")
    if value not in SUPPORTED_CIPHER_SUITES:
        raise OptionError("unsupported cipher suite id")
    return value


def parse_privilege_level(text: str) -> str:
    privilege = PRIVILEGE_LEVELS.get(ascii_lower(text))
    if privilege is None:
        raise OptionError("invalid privilege level")
    return privilege


def parse_workaround_flags(text: str) -> Workarounds:
    """``-W``: FreeIPMI reads at most 1024 bytes of the list."""
    from ..workarounds import WorkaroundError, parse_workarounds
    raw = as_bytes(text)[:WORKAROUND_BUFLEN]
    try:
        return parse_workarounds(posixio.fsdecode(raw))
    except WorkaroundError:
        raise OptionError("invalid workaround flags") from None


def parse_fanout(text: str) -> int:
    """``-F``: decimal only, 1 to 1024."""
    value = strtol_int(text, 10)
    if value is None or not 1 <= value <= 1024:
        raise OptionError("invalid fanout")
    return value


def parse_driver_address(text: str) -> int:
    return _positive(text, "invalid driver address")


def parse_register_spacing(text: str) -> int:
    return _positive(text, "invalid register spacing")


def parse_target_channel_number(text: str) -> int:
    """0-11, 14 or 15; FreeIPMI's message ends in a literal ``n`` and no newline."""
    value = strtol_int(text)
    if value is None or not (0 <= value <= 0x0B or value in (0x0E, 0x0F)):
        raise OptionError("invalid target channel numbern", newline=False)
    return value


def parse_target_slave_address(text: str) -> int:
    """Any non-negative ``int``; the message ends in a literal ``n`` and no newline."""
    value = strtol_int(text)
    if value is None or value < 0:
        raise OptionError("invalid target slave addressn", newline=False)
    return value


# -- prompting ----------------------------------------------------------------------------

def read_secret(prompt: str) -> bytes:
    """glibc ``getpass()``: prompt on /dev/tty with echo off, else on stderr reading stdin.

    Returns the line without its newline (``b""`` at end of input), cut at a NUL byte.
    """
    try:
        tty = posixio.open("/dev/tty", posixio.O_RDWR | posixio.O_NOCTTY | posixio.O_CLOEXEC)
    except OSError:
        tty = -1
    if tty < 0:
        sys.stdout.flush()
        write_raw(sys.stderr, posixio.fsencode(prompt))
        stdin = getattr(sys.stdin, "buffer", None)
        return _secret_line(stdin.readline() if stdin is not None else b"", None)
    try:
        import termios
        try:
            saved = termios.tcgetattr(tty)
        except termios.error:
            saved = None
        if saved is not None:
            quiet = list(saved)
            quiet[3] &= ~(termios.ECHO | termios.ISIG)
            try:
                termios.tcsetattr(tty, termios.TCSAFLUSH, quiet)
            except termios.error:
                saved = None
        posixio.write(tty, posixio.fsencode(prompt))
        line = bytearray()
        while not line.endswith(b"\n"):
            chunk = posixio.read(tty, 1)
            if not chunk:
                break
            line += chunk
        result = _secret_line(bytes(line), tty if saved is not None else None)
        if saved is not None:
            termios.tcsetattr(tty, termios.TCSAFLUSH, saved)
        return result
    finally:
        posixio.close(tty)


def _secret_line(line: bytes, echo_fd: int | None) -> bytes:
    if line.endswith(b"\n"):
        line = line[:-1]
        if echo_fd is not None:          # the newline was not echoed
            posixio.write(echo_fd, b"\n")
    return line.split(b"\0", 1)[0]


# -- the options ----------------------------------------------------------------------------

@record(frozen=False)
class CommonOptions:
    """FreeIPMI's ``struct common_cmd_args``, in FreeIPMI's units and spellings.

    ``driver_type``: ``lan`` (IPMI 1.5), ``lan_2_0``, an in-band driver name, or None
    (ipmi-config: decided later).  ``session_timeout_ms``/``retransmission_timeout_ms``
    of 0 mean "library default" (ipmi-config).  ``k_g`` holds the key bytes as given
    (FreeIPMI pads to 20 bytes with zeros) or None; ``fanout`` 0 means unset.
    """

    driver_type: str | None = None
    hostname: str | None = None
    username: bytes | None = None
    password: bytes | None = field(default=None, repr=False)
    k_g: bytes | None = field(default=None, repr=False)
    session_timeout_ms: int = 0
    retransmission_timeout_ms: int = 0
    authentication_type: str = "md5"
    cipher_suite_id: int = 3
    privilege_level: str = "admin"
    config_file: str | None = None
    workaround_flags: Workarounds = field(default_factory=Workarounds)
    debug: int = 0
    buffer_output: bool = False
    consolidate_output: bool = False
    fanout: int = 0
    eliminate: bool = False
    always_prefix: bool = False
    # in-band (ipmi-config)
    disable_auto_probe: bool = False
    driver_address: int = 0
    driver_device: str | None = None
    register_spacing: int = 0
    target_channel_number: int | None = None
    target_slave_address: int | None = None
    # SDR cache (ipmi-config)
    flush_cache: bool = False
    quiet_cache: bool = False
    sdr_cache_recreate: bool = False
    sdr_cache_file: str | None = None
    sdr_cache_directory: str | None = None

    @classmethod
    def defaults(cls, tool: str) -> CommonOptions:
        """The values a tool starts from: ipmipower LAN/20000/400/OPERATOR, ipmi-config
        no driver, library timeouts (0) and ADMIN."""
        _check_tool(tool)
        if tool == IPMIPOWER:
            return cls(driver_type="lan", session_timeout_ms=20000, retransmission_timeout_ms=400,
                       privilege_level="operator")
        return cls()


def _check_tool(tool: str) -> None:
    if tool not in _TOOLS:
        raise ValueError(f"unknown tool {tool!r}")


_FLAGS = {
    "password-prompt": None, "k-g-prompt": None, "debug": None,
    "buffer-output": "buffer_output", "consolidate-output": "consolidate_output",
    "eliminate": "eliminate", "always-prefix": "always_prefix",
    "disable-auto-probe": "disable_auto_probe", "flush-cache": "flush_cache",
    "quiet-cache": "quiet_cache", "sdr-cache-recreate": "sdr_cache_recreate",
}
_STRINGS = {"hostname": "hostname", "config-file": "config_file", "driver-device": "driver_device",
            "sdr-cache-file": "sdr_cache_file", "sdr-cache-directory": "sdr_cache_directory"}
_PARSED = {
    "username": ("username", parse_username),
    "password": ("password", parse_password),
    "k-g": ("k_g", parse_k_g),
    "session-timeout": ("session_timeout_ms", parse_session_timeout),
    "retransmission-timeout": ("retransmission_timeout_ms", parse_retransmission_timeout),
    "authentication-type": ("authentication_type", parse_authentication_type),
    "cipher-suite-id": ("cipher_suite_id", parse_cipher_suite_id),
    "privilege-level": ("privilege_level", parse_privilege_level),
    "workaround-flags": ("workaround_flags", parse_workaround_flags),
    "fanout": ("fanout", parse_fanout),
    "ipmi-version": ("driver_type", parse_ipmi_version),
    "driver-address": ("driver_address", parse_driver_address),
    "register-spacing": ("register_spacing", parse_register_spacing),
    "target-channel-number": ("target_channel_number", parse_target_channel_number),
    "target-slave-address": ("target_slave_address", parse_target_slave_address),
}
COMMON_KEYS = frozenset(_FLAGS) | frozenset(_STRINGS) | frozenset(_PARSED) | {"driver-type"}


def apply_common(opts: CommonOptions, key: str, value: str | None, tool: str) -> bool:
    """Handle one shared option (FreeIPMI's ``common_parse_opt``); False if ``key`` is
    not a shared option (a tool's argp handler returns False for keys nobody handles,
    such as ipmi-config's legacy ``reg-space``).  Raises :class:`OptionError` for a bad
    value.

    ``-P``/``-K`` prompt through :func:`read_secret` at the moment they are parsed.
    """
    if key not in COMMON_KEYS:
        return False
    if key == "driver-type":
        assert value is not None
        opts.driver_type = parse_driver_type(value, tool)
    elif key in _FLAGS:
        if key == "password-prompt":
            opts.password = parse_password(read_secret("Password: "))
        elif key == "k-g-prompt":
            opts.k_g = parse_k_g(read_secret("K_g: "))
        elif key == "debug":
            opts.debug += 1
        else:
            setattr(opts, _FLAGS[key], True)
    elif key in _STRINGS:
        setattr(opts, _STRINGS[key], value)
    else:
        assert value is not None
        attr, parse = _PARSED[key]
        setattr(opts, attr, parse(value))
    return True


_CONFIG_KEYS = {
    "driver-type": "driver_type", "username": "username", "password": "password", "k_g": "k_g",
    "session-timeout": "session_timeout_ms", "retransmission-timeout": "retransmission_timeout_ms",
    "authentication-type": "authentication_type", "cipher-suite-id": "cipher_suite_id",
    "privilege-level": "privilege_level", "workaround-flags": "workaround_flags",
    "buffer-output": "buffer_output", "consolidate-output": "consolidate_output",
    "fanout": "fanout", "eliminate": "eliminate", "always-prefix": "always_prefix",
    "disable-auto-probe": "disable_auto_probe", "driver-address": "driver_address",
    "driver-device": "driver_device", "register-spacing": "register_spacing",
    "target-channel-number": "target_channel_number", "target-slave-address": "target_slave_address",
}


def apply_config(opts: CommonOptions, values: Mapping[str, object]) -> None:
    """Copy the shared settings read by :mod:`pyipmi_tools.cli.conffile` into ``opts``
    (before the full command-line pass, which then overrides them)."""
    for key, attr in _CONFIG_KEYS.items():
        if key in values:
            value = values[key]
            if key == "k_g":
                value = bytes(value) or None        # type: ignore[arg-type]
            setattr(opts, attr, value)


def verify_common(opts: CommonOptions, tool: str) -> None:
    """FreeIPMI's checks after parsing, in its order; raises :class:`OptionError`.

    ipmipower makes the out-of-band checks only (no hostname check); ipmi-config makes
    them all.  Drops an all-zero K_g (FreeIPMI treats it as no key).
    """
    _check_tool(tool)
    full = tool == IPMI_CONFIG
    if full and opts.driver_device is not None and not posixio.access(opts.driver_device, posixio.R_OK | posixio.W_OK):
        raise OptionError(f"insufficient permission on driver device '{opts.driver_device}'")
    if full and opts.driver_type in ("lan", "lan_2_0") and opts.hostname is None:
        raise OptionError("hostname not specified")
    lan15 = (opts.hostname is not None and opts.driver_type is None) or opts.driver_type == "lan"
    if lan15 and opts.password is not None and len(opts.password.split(b"\0", 1)[0]) > MAX_PASSWORD_15:
        raise OptionError("password too long")
    if opts.retransmission_timeout_ms > opts.session_timeout_ms:
        raise OptionError("retransmission timeout larger than session timeout")
    if opts.k_g is not None and not any(opts.k_g):
        opts.k_g = None
    if full and opts.sdr_cache_directory is not None and not posixio.access(
            opts.sdr_cache_directory, posixio.R_OK | posixio.W_OK | posixio.X_OK):
        raise OptionError(f"insufficient permission on SDR cache directory '{opts.sdr_cache_directory}'")
    if full and opts.buffer_output and opts.consolidate_output:
        raise OptionError("cannot buffer and consolidate hostrange output, please select only one")


# -- the argp table -----------------------------------------------------------------------

def common_options(tool: str) -> tuple[Option, ...]:
    """The shared options of ``tool`` in FreeIPMI 1.6.10's table order, with our help.

    A tool appends its own options (groups from :data:`FIRST_TOOL_GROUP` on).
    """
    _check_tool(tool)
    power = tool == IPMIPOWER
    table: list[Option] = []
    group = 0

    def add(key: str, long: str, short: str | None = None, arg: str | None = None, text: str = "",
            hidden: bool = False) -> None:
        nonlocal group
        if not hidden:
            group += 1
        table.append(Option(key, long, short, arg, text, hidden, group if not hidden else 0))

    if power:
        add("driver-type", "driver-type", "D", "IPMIDRIVER",
            "Protocol to use: LAN (IPMI 1.5, the default) or LAN_2_0 (IPMI 2.0).")
        add("ipmi-version", "ipmi-version", None, "IPMIVERSION", hidden=True)
    else:
        add("driver-type", "driver-type", "D", "IPMIDRIVER",
            "Driver to use rather than choosing one: LAN, LAN_2_0, KCS, SSIF, OPENIPMI, "
            "SUNBMC or INTELDCMI.")
        add("disable-auto-probe", "no-probing", hidden=True)
        add("disable-auto-probe", "disable-auto-probe", None, None,
            "Use the default in-band driver settings instead of probing for them.")
        add("driver-address", "driver-address", None, "DRIVER-ADDRESS",
            "In-band driver address to use instead of the probed one.")
        add("driver-device", "driver-device", None, "DEVICE",
            "In-band driver device file to use instead of the probed one.")
        # 1.6.10 lists --reg-space but handles it nowhere: using it is a usage error
        add("reg-space", "reg-space", None, "REGISTER-SPACING", hidden=True)
        add("register-spacing", "register-spacing", None, "REGISTER-SPACING",
            "In-band driver register spacing to use instead of the probed one.")
        add("target-channel-number", "target-channel-number", None, "CHANNEL-NUMBER",
            "Channel number that in-band requests are addressed to.")
        add("target-slave-address", "target-slave-address", None, "SLAVE-ADDRESS",
            "Slave address that in-band requests are addressed to.")
    add("hostname", "hostname", "h", "IPMIHOST",
        "BMCs to talk to: host names or addresses, comma-separated or as a host range, "
        "each optionally followed by :PORT.")
    add("username", "username", "u", "USERNAME", "User name to log in with (up to 16 characters).")
    add("password", "password", "p", "PASSWORD",
        "Password to log in with (up to 20 characters; 16 with IPMI 1.5).")
    add("password-prompt", "password-prompt", "P", None,
        "Read the password from the terminal, so that it does not show in process listings.")
    add("k-g", "k-g", "k", "K_G",
        "IPMI 2.0 BMC key K_g: plain text, or 0x followed by hexadecimal digits.")
    add("k-g-prompt", "k-g-prompt", "K", None, "Read the K_g key from the terminal.")
    add("session-timeout", "timeout", None, "MILLISECONDS", hidden=True)
    add("session-timeout", "session-timeout", None, "MILLISECONDS",
        "Milliseconds after which a session is abandoned.")
    add("retransmission-timeout", "retry-timeout", None, "MILLISECONDS", hidden=True)
    add("retransmission-timeout", "retransmission-timeout", None, "MILLISECONDS",
        "Milliseconds to wait for an answer before sending a packet again.")
    add("authentication-type", "auth-type", None, "AUTHENTICATION-TYPE", hidden=True)
    add("authentication-type", "authentication-type", "a", "AUTHENTICATION-TYPE",
        "IPMI 1.5 authentication: NONE, STRAIGHT_PASSWORD_KEY, MD2 or MD5.")
    add("cipher-suite-id", "cipher-suite-id", "I", "CIPHER-SUITE-ID",
        "IPMI 2.0 cipher suite: 0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16 or 17.")
    add("privilege-level", "privilege", None, "PRIVILEGE-LEVEL", hidden=True)
    add("privilege-level", "priv-level", None, "PRIVILEGE-LEVEL", hidden=True)
    add("privilege-level", "privilege-level", "l", "PRIVILEGE-LEVEL",
        "Privilege to request: USER, OPERATOR or ADMIN.")
    add("config-file", "config-file", None, "FILE",
        "Read settings from this file instead of the default configuration file.")
    add("workaround-flags", "workaround-flags", "W", "WORKAROUNDS",
        "Comma-separated workarounds for BMCs that do not follow the standard.")
    if not power:
        add("flush-cache", "flush-cache", None, None,
            "Delete the cached copy of the sensor data repository (SDR).")
        add("quiet-cache", "quiet-cache", None, None,
            "Say nothing about creating or deleting the SDR cache.")
        add("sdr-cache-recreate", "sdr-cache-recreate", None, None,
            "Rebuild the SDR cache when it is outdated or damaged.")
        add("sdr-cache-file", "sdr-cache-file", None, "FILE", "File that holds the SDR cache.")
        add("sdr-cache-directory", "sdr-cache-directory", None, "DIRECTORY",
            "Directory that holds the SDR caches.")
    add("buffer-output", "buffer-output", "B", None,
        "Accepted for compatibility; has no effect." if power
        else "Print each host's output in one piece instead of line by line.")
    add("consolidate-output", "consolidate-output", "C", None,
        "Print hosts that give the same output once, under a list of their names.")
    add("fanout", "fanout", "F", "NUM", "Talk to at most NUM hosts at the same time (1-1024).")
    add("eliminate", "eliminate", "E", None,
        "Leave out hosts that the ipmidetect daemon reports as unreachable.")
    add("always-prefix", "always-prefix", None, None,
        "Accepted for compatibility; output is always prefixed by the host name." if power
        else "Prefix output lines with the host name even for a single host.")
    add("debug", "debug", None, None, "Print debugging information on standard error.")
    return tuple(table)
