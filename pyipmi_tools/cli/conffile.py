"""FreeIPMI 1.6.10 configuration files (``freeipmi.conf``) for ipmipower and ipmi-config.

The reader reproduces the real tools byte for byte: which names are accepted, which are
parsed and which are skipped, every error message, and the order in which errors win.

Public API
----------
``read_config(path, tool) -> ConfigValues``
    ``tool`` is ``"ipmipower"`` or ``"ipmi-config"``.  ``path`` is the ``--config-file``
    argument, or ``None`` for the default lookup:

    1. ipmipower only: ``/etc/ipmipower.conf``.  If it can be read it is the only file
       used, and any error in it is fatal.
    2. ``/etc/freeipmi.conf`` (legacy).  A *syntax* error in this file is silently
       dropped and the next file is read instead, but values already stored stay, and
       a *value* error (``invalid value for ...``) is fatal.
    3. ``/etc/freeipmi//freeipmi.conf`` (the compiled-in name).  Missing is fine.

    A missing ``--config-file`` is ``Config File Error: configuration file does not
    exist``, except for the literal compiled-in name ``/etc/freeipmi//freeipmi.conf``.
    A directory gives ``Config File Error: configuration file read error``.

``ConfigFileError``
    ``message`` is the exact text FreeIPMI prints (no newline); ``output`` the bytes
    to write to stderr; the tool then exits with ``exit_status`` (1).

``ConfigValues``
    A ``dict`` from canonical key to value, holding only what the files set:

    ==========================  =====================================================
    key                         value
    ==========================  =====================================================
    ``driver-type``             ``lan``, ``lan_2_0``, ``kcs``, ``ssif``, ``openipmi``,
                                ``sunbmc`` or ``inteldcmi`` (ipmipower accepts the
                                in-band names too; ``ipmi-version`` also lands here)
    ``username``, ``password``  ``bytes``
    ``k_g``                     ``bytes`` (decoded key; may be empty or all zero)
    ``session-timeout``,        ``int`` milliseconds
    ``retransmission-timeout``
    ``authentication-type``     ``none``, ``straight_password_key``, ``md2``, ``md5``
    ``cipher-suite-id``         ``int``
    ``privilege-level``         ``user``, ``operator``, ``admin``
    ``workaround-flags``        :class:`pyipmi_tools.workarounds.Workarounds`
    ``consolidate-output``,     ``bool`` (1.6.10 quirk: the file's ``buffer-output``
    ``eliminate``,              writes ``consolidate-output``, last line wins; there
    ``always-prefix``           is never a ``buffer-output`` key)
    ``fanout``                  ``int``
    ipmipower: ``on-if-off``, ``wait-until-on``, ``wait-until-off`` (``bool``),
    ``oem-power-type`` (``str``, checked later by ipmipower),
    ``retransmission-wait-timeout``, ``retransmission-backoff-count``,
    ``ping-interval``, ``ping-timeout``, ``ping-packet-count``, ``ping-percent``,
    ``ping-consec-count`` (``int``)
    ipmi-config: ``verbose-count`` (``int``), and the in-band ``disable-auto-probe``
    (``bool``), ``driver-address``, ``register-spacing``, ``target-channel-number``,
    ``target-slave-address`` (``int``), ``driver-device`` (``str``)
    ==========================  =====================================================

    Tool-prefixed options (``ipmipower-username``, ``ipmi-config-username`` and its
    legacy spellings ``bmc-config-``, ``ipmi-chassis-config-``, ``pef-config-``,
    ``ipmi-pef-config-``, ``ipmi-sensors-config-``) override the general ones in any
    order; a general option seen after its tool-prefixed twin is not even checked.

Lower layers (usable on their own)
----------------------------------
``logical_lines(data)`` splits file bytes into ``Line(number, name, rest)`` records
(comments, ``\\`` continuation, length limits); ``split_args(rest, number)`` splits the
argument part (double quotes, ``\\\\ \\# \\"`` escapes).  ``options(tool)`` is the registry:
every option name any FreeIPMI 1.6.10 tool reads from the shared file, as
:class:`OptionSpec` records saying whether this tool parses it (``active``) or skips it
unread, its argument kind and which "listed too many times" counter it shares.

Only the standard library is imported at module load; the workaround table is imported
when a ``workaround-flags`` line is met.
"""

from __future__ import annotations

from .. import posixio


from .cvalues import (AUTHENTICATION_TYPES, DRIVER_TYPES, PRIVILEGE_LEVELS, SUPPORTED_CIPHER_SUITES, ascii_lower,
                      c_int, k_g_key, strtol_long)

TYPE_CHECKING = False  # typing costs milliseconds at start-up; type checkers see True
if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = [
    "DEFAULT_CONFIG_FILE",
    "IPMIPOWER_LEGACY_CONFIG_FILE",
    "LEGACY_CONFIG_FILE",
    "SUPPORTED_CIPHER_SUITES",
    "TOOLS",
    "ConfigFileError",
    "ConfigValues",
    "Line",
    "OptionSpec",
    "logical_lines",
    "lookup",
    "options",
    "parse_authentication_type",
    "parse_bool",
    "parse_c_long",
    "parse_config_bytes",
    "parse_driver_type",
    "parse_kg",
    "parse_privilege_level",
    "read_config",
    "split_args",
]

TOOLS = ("ipmipower", "ipmi-config")

DEFAULT_CONFIG_FILE = "/etc/freeipmi//freeipmi.conf"   # spelled as compiled into 1.6.10
LEGACY_CONFIG_FILE = "/etc/freeipmi.conf"
IPMIPOWER_LEGACY_CONFIG_FILE = "/etc/ipmipower.conf"

# conffile.c limits in the Debian 1.6.10 build (measured).
MAX_LINE_BYTES = 32778        # a physical line of >= MAX_LINE_BYTES - 1 bytes overflows
MAX_OPTION_NAME = 256         # names of >= 255 bytes overflow
MAX_ARG_BYTES = 1024          # arguments of >= 1023 bytes overflow
MAX_LIST_ARGS = 64            # a workaround list with more entries is an invalid value

_CIPHER_SUITE_MAX = 19

_WS = b" \t\n\v\f\r"          # C isspace() in the "C" locale


# -- errors and results -------------------------------------------------------------------

class ConfigFileError(Exception):
    """A configuration file problem, carrying FreeIPMI's exact message."""

    exit_status = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def output(self) -> bytes:
        """The bytes the real tool writes to stderr (raw bytes of names preserved)."""
        return self.message.encode("utf-8", "surrogateescape") + b"\n"


class _ConffileError(ConfigFileError):
    """A syntax/IO error raised by the conffile layer (as opposed to a value check)."""


class ConfigValues(dict[str, object]):
    """Option values read from the configuration file(s); ``path``: the file used."""

    path: str | None = None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _err(template: str, name: bytes | str, line: int | None = None) -> str:
    shown = _text(name) if isinstance(name, bytes) else name
    return template % ((shown, line) if line is not None else (shown,))


# -- tokenizer ----------------------------------------------------------------------------

class Line:
    """One logical line: its first physical line number, option name and raw arguments."""

    __slots__ = ("name", "number", "rest")

    def __init__(self, number: int, name: bytes, rest: bytes) -> None:
        self.number = number
        self.name = name
        self.rest = rest

    def __repr__(self) -> str:
        return f"Line({self.number!r}, {self.name!r}, {self.rest!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Line):
            return NotImplemented
        return (self.number, self.name, self.rest) == (other.number, other.name, other.rest)


def _rstrip_nul(buf: bytearray, length: int) -> int:
    """Blank out trailing whitespace with NULs, as conffile.c does; return the new length."""
    while length and buf[length - 1] in _WS:
        length -= 1
        buf[length] = 0
    return length


def _uncomment_nul(buf: bytearray, escapes: bytearray, start: int, length: int) -> int:
    """NUL out everything from the first ``#`` not escaped by a backslash (``\\\\#`` still
    comments); return the new length.

    conffile.c rescans the whole joined line after each continuation.  ``buf[:start]`` was
    scanned before and holds no live ``#``, so only the new part is scanned; ``escapes[i]``
    remembers whether a backslash escapes ``buf[i]``, which gives the state to resume from.
    """
    escaped = bool(escapes[start]) if start else False
    for i in range(start, length):
        escapes[i] = escaped
        c = buf[i]
        if c == 0x5C and not escaped:
            escaped = True
        elif c == 0x23 and not escaped:
            buf[i:length] = bytes(length - i)
            return i
        elif escaped:
            escaped = False
    escapes[length] = escaped
    return length


def _physical_lines(data: bytes, pos: int = 0) -> Iterator[bytes]:
    end = len(data)
    limit = MAX_LINE_BYTES - 1
    while pos < end:
        nl = data.find(b"\n", pos, pos + limit)
        stop = nl + 1 if nl >= 0 else min(end, pos + limit)
        yield data[pos:stop]
        pos = stop


def logical_lines(data: bytes) -> Iterator[Line]:
    """Yield the option lines of a file, in order; raise ``ConfigFileError`` on overflows.

    Blank and comment-only lines are skipped.  A line whose last non-blank character
    (after comment removal) is ``\\`` continues on the next physical line; the leading
    blanks of that line are kept, so ``a\\`` + ``b`` gives ``ab``.  A blank line ends a
    continuation.  Errors report the first physical line of the logical line.

    conffile.c reads every line into one buffer that is never cleared, and a line is a C
    string: it ends at the first NUL.  A last line with no newline, no trailing blank and
    no comment is therefore followed by whatever an earlier, longer line left behind
    (``username a\\n`` + ``fanout 5`` at EOF reads ``fanout 5a``).  This is reproduced.
    """
    # Leading blank and comment-only lines would only write NULs over the still all-NUL
    # buffer: skip them in one quick pass (a stock freeipmi.conf is nothing else).
    count = pos = 0
    for raw in data.split(b"\n"):
        body = raw.lstrip(_WS)
        if (body and body[0] != 0x23) or len(raw) + 2 >= MAX_LINE_BYTES or pos + len(raw) >= len(data):
            break
        count += 1
        pos += len(raw) + 1
    physical = _physical_lines(data, pos)
    buf = bytearray(MAX_LINE_BYTES + 1)
    escapes = bytearray(MAX_LINE_BYTES + 1)
    while True:
        number = count + 1
        length = 0
        eof = False
        while True:
            chunk = next(physical, None)
            if chunk is None:
                eof = True
                break
            if len(chunk) >= MAX_LINE_BYTES - 1 or len(chunk) + length >= MAX_LINE_BYTES:
                raise _ConffileError(f"Config File Error: overflow line length on line {number}")
            count += 1
            start = length
            buf[length:length + len(chunk)] = chunk
            length = _rstrip_nul(buf, length + len(chunk))
            if length:
                length = _rstrip_nul(buf, _uncomment_nul(buf, escapes, min(start, length), length))
            if not length:
                number = count + 1
                continue
            if buf[length - 1] == 0x5C:
                length -= 1
                buf[length] = 0
                continue
            break
        if length:
            nul = buf.find(0)
            line = _split_name(bytes(buf[: nul if nul >= 0 else len(buf)]), number)
            if line is not None:
                yield line
        if eof or not length:
            return


def _split_name(text: bytes, number: int) -> Line | None:
    text = text.lstrip(_WS)
    if not text:
        return None
    i = 0
    while i < len(text) and text[i] not in _WS:
        i += 1
    if i >= MAX_OPTION_NAME - 1:
        raise _ConffileError(f"Config File Error: overflow option name length on line {number}")
    return Line(number, text[:i], text[i:])


def split_args(rest: bytes, number: int) -> list[bytes]:
    """Split an argument string: blanks separate, ``"`` groups, ``\\`` escapes ``\\ # "``."""
    args: list[bytes] = []
    i, n = 0, len(rest)
    while True:
        while i < n and rest[i] in _WS:
            i += 1
        if i >= n:
            return args
        quoted = False
        arg = bytearray()
        while i < n and (quoted or rest[i] not in _WS):
            c = rest[i]
            if c == 0x22:
                quoted = not quoted
                i += 1
                continue
            if c == 0x5C:
                i += 1
                c = rest[i] if i < n else 0
                if c not in (0x5C, 0x23, 0x22):
                    raise _ConffileError(
                        f"Config File Error: continuation character '\\' used improperly on line {number}")
            arg.append(c)
            i += 1
            if len(arg) == MAX_ARG_BYTES - 1:
                raise _ConffileError(f"Config File Error: overflow arg length on line {number}")
        if quoted:
            raise _ConffileError(f"Config File Error: quotation marks used improperly on line {number}")
        args.append(bytes(arg))


# -- value parsers shared with the command line -------------------------------------------

def parse_c_long(text: bytes | str) -> int | None:
    """``strtol(text, &end, 0)`` accepting only a fully consumed string; None if invalid."""
    return strtol_long(text)


_TRUE = ("1", "y", "yes", "on", "t", "true", "enable")
_FALSE = ("0", "n", "no", "off", "f", "false", "disable")


def parse_bool(text: bytes | str) -> bool | None:
    """conffile booleans: ``1 y yes on t true enable`` / ``0 n no off f false disable``."""
    s = text.decode("latin-1") if isinstance(text, bytes) else text
    low = s.lower() if s not in ("1", "0") else s
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None


def parse_driver_type(text: bytes | str) -> str | None:
    """Any FreeIPMI driver name (case-insensitive), canonicalised; None if unknown."""
    return DRIVER_TYPES.get(ascii_lower(text))


def parse_authentication_type(text: bytes | str) -> str | None:
    """``none``/``straight_password_key`` (``plain``)/``md2``/``md5``; None if unknown."""
    return AUTHENTICATION_TYPES.get(ascii_lower(text))


def parse_privilege_level(text: bytes | str) -> str | None:
    """``user``/``operator``/``admin`` (``administrator``); None if unknown."""
    return PRIVILEGE_LEVELS.get(ascii_lower(text))


def parse_kg(text: bytes) -> bytes | None:
    """A K_g key (see :func:`~.cvalues.k_g_key`); None if invalid."""
    try:
        return k_g_key(text)
    except ValueError:
        return None


# -- option registry ----------------------------------------------------------------------

BOOL, INT, STRING, LIST, INT_LIST = "bool", "int", "string", "list", "int-list"


class OptionSpec:
    """One option name as the given tool sees it.

    ``active`` False: the name is accepted and its line skipped unread (any arguments,
    any number of times).  Otherwise ``counter`` names the "listed too many times"
    counter (aliases share one), ``key`` the :class:`ConfigValues` key it feeds and
    ``check`` the value rule applied (``"general"``/``"tool"`` variants for the fields a
    tool-prefixed option overrides).
    """

    __slots__ = ("active", "check", "counter", "group", "key", "kind", "name")

    def __init__(self, name: str, kind: str, group: str, active: bool = False,
                 counter: str | None = None, key: str | None = None, check: str | None = None) -> None:
        self.name = name
        self.kind = kind
        self.group = group
        self.active = active
        self.counter = counter
        self.key = key
        self.check = check

    def __repr__(self) -> str:
        state = f"active counter={self.counter!r} key={self.key!r}" if self.active else "ignored"
        return f"OptionSpec({self.name!r}, {self.kind}, {self.group}, {state})"


# Fields every out-of-band tool may override with a "<tool>-" prefix.
_AUTH_FIELDS = (("username", STRING), ("password", STRING), ("k_g", STRING),
                ("authentication-type", STRING), ("cipher-suite-id", INT),
                ("privilege-level", STRING), ("workaround-flags", LIST))

_B, _I, _S, _L, _IL = BOOL, INT, STRING, LIST, INT_LIST

# Non-prefixed groups: (group, [(name, kind, counter/canonical key)]).
_GENERAL = [
    ("general", [("driver-type", _S, "driver-type"), ("workaround-flags", _L, "workaround-flags")]),
    ("inband", [("disable-auto-probe", _B, "disable-auto-probe"), ("driver-address", _I, "driver-address"),
                ("driver-device", _S, "driver-device"), ("register-spacing", _I, "register-spacing"),
                ("target-channel-number", _I, "target-channel-number"),
                ("target-slave-address", _I, "target-slave-address")]),
    ("outofband", [("username", _S, "username"), ("password", _S, "password"), ("k_g", _S, "k_g"),
                   ("timeout", _I, "session-timeout"), ("session-timeout", _I, "session-timeout"),
                   ("retry-timeout", _I, "retransmission-timeout"),
                   ("retransmission-timeout", _I, "retransmission-timeout"),
                   ("authentication-type", _S, "authentication-type"),
                   ("cipher_suite_id", _I, "cipher-suite-id"), ("cipher-suite-id", _I, "cipher-suite-id"),
                   ("privilege", _S, "privilege-level"), ("privilege-level", _S, "privilege-level")]),
    ("time", [("utc-to-localtime", _B, None), ("localtime-to-utc", _B, None), ("utc-offset", _I, None)]),
    ("hostrange", [("buffer-output", _B, "buffer-output"), ("consolidate-output", _B, "consolidate-output"),
                   ("fanout", _I, "fanout"), ("eliminate", _B, "eliminate"),
                   ("always-prefix", _B, "always-prefix")]),
]

_SENSOR_OUTPUT = [("entity-sensor-names", _B), ("no-sensor-type-output", _B), ("comma-separated-output", _B),
                  ("no-header-output", _B), ("non-abbreviated-units", _B)]

# Per-tool extras beyond the seven authentication fields (all skipped by our two tools
# except ipmipower's and ipmi-config's own).
_TOOL_EXTRAS: dict[str, list[tuple[str, str]]] = {
    "bmc-device": [],
    "bmc-info": [("interpret-oem-data", _B)],
    "ipmi-chassis": [],
    "ipmi-dcmi": [("interpret-oem-data", _B)],
    "ipmi-fru": [("verbose-count", _I), ("skip-checks", _B), ("bridge-fru", _B), ("interpret-oem-data", _B)],
    "ipmi-oem": [("verbose-count", _I)],
    "ipmi-raw": [],
    "ipmi-pet": [("verbose-count", _I), ("output-output-event-severity", _B), ("output-output-event-state", _B),
                 ("event-state-config-file", _S), ("interpret-oem-data", _B)] + _SENSOR_OUTPUT,
    "ipmi-sel": [("verbose-count", _I), ("sensor-types", _L), ("exclude-sensor-types", _L),
                 ("system-event-only", _B), ("oem-event-only", _B), ("output-manufacturer-id", _B),
                 ("output-output-event-state", _B), ("event-state-config-file", _S),
                 ("assume-system-event-records", _B), ("interpret-oem-data", _B),
                 ("output-oem-event-strings", _B)] + _SENSOR_OUTPUT + [("legacy-output", _B)],
    "ipmi-sensors": [("verbose-count", _I), ("quiet-readings", _B), ("record-ids", _IL),
                     ("exclude-record-ids", _IL), ("groups", _L), ("exclude-groups", _L),
                     ("sensor-types", _L), ("exclude-sensor-types", _L), ("bridge-sensors", _B),
                     ("shared-sensors", _B), ("interpret-oem-data", _B), ("ignore-not-available-sensors", _B),
                     ("ignore-unrecognized-events", _B), ("output-event-bitmask", _B),
                     ("output-sensor-state", _B), ("sensor-state-config-file", _S),
                     ("sensor-config-file", _S), ("output-sensor-thresholds", _B)] + _SENSOR_OUTPUT
                    + [("legacy-output", _B), ("ipmimonitoring-legacy-output", _B)],
    "ipmimonitoring": [("quiet-readings", _B), ("record-ids", _IL), ("exclude-record-ids", _IL),
                       ("groups", _L), ("exclude-groups", _L), ("sensor-types", _L),
                       ("exclude-sensor-types", _L), ("bridge-sensors", _B), ("shared-sensors", _B),
                       ("interpret-oem-data", _B), ("ignore-non-interpretable-sensors", _B),
                       ("verbose-count", _I)] + _SENSOR_OUTPUT + [("legacy-output", _B),
                                                                  ("sensor-config-file", _S)],
    "ipmiconsole": [("escape-char", _S), ("dont-steal", _B), ("serial-keepalive", _B),
                    ("serial-keepalive-empty", _B), ("sol-payload-instance", _S),
                    ("deactivate-all-instances", _B), ("lock-memory", _B)],
}

_IPMICONFIG_PREFIXES = ("ipmi-config", "bmc-config", "ipmi-chassis-config", "pef-config",
                        "ipmi-pef-config", "ipmi-sensors-config")

# ipmipower's own options: (names sharing one counter, kind, key, value check).
_IPMIPOWER = [
    (("ipmi-version",), _S, "driver-type", "ipmi-version"),
    (("on-if-off", "ipmipower-on-if-off"), _B, "on-if-off", "bool"),
    (("wait-until-on", "ipmipower-wait-until-on"), _B, "wait-until-on", "bool"),
    (("wait-until-off", "ipmipower-wait-until-off"), _B, "wait-until-off", "bool"),
    (("ipmipower-oem-power-type",), _S, "oem-power-type", "string"),
    (("retry-wait-timeout", "retransmission-wait-timeout", "ipmipower-retransmission-wait-timeout"),
     _I, "retransmission-wait-timeout", "positive"),
    (("retry-backoff-count", "retransmission-backoff-count", "ipmipower-retransmission-backoff-count"),
     _I, "retransmission-backoff-count", "positive"),
] + [((n, "ipmipower-" + n), _I, n, "non-negative")
     for n in ("ping-interval", "ping-timeout", "ping-packet-count", "ping-percent", "ping-consec-count")]

_IPMISELD = [("hostname", _S), ("verbose-count", _I), ("sensor-types", _L), ("exclude-sensor-types", _L),
             ("system-event-only", _B), ("oem-event-only", _B), ("event-state-config-file", _S),
             ("interpret-oem-data", _B), ("output-oem-event-strings", _B), ("entity-sensor-names", _B),
             ("non-abbreviated-units", _B), ("event-state-filter", _S), ("warning-threshold", _I),
             ("clear-threshold", _I), ("system-event-format", _S), ("oem-timestamped-event-format", _S),
             ("oem-non-timestamped-event-format", _S), ("poll-interval", _I), ("log-facility", _S),
             ("log-priority", _S), ("cache-directory", _S), ("ignore-sdr", _B), ("re-download-sdr", _B),
             ("clear-sel", _B), ("threadpool-count", _I)]

# Value checks of the general (non-prefixed) options.
_GENERAL_CHECKS = {
    "driver-type": "driver-type", "workaround-flags": "workaround-flags:general",
    "disable-auto-probe": "bool", "driver-address": "positive", "driver-device": "string",
    "register-spacing": "positive", "target-channel-number": "non-negative",
    "target-slave-address": "non-negative", "username": "username:general",
    "password": "password:general", "k_g": "k_g:general", "session-timeout": "positive",
    "retransmission-timeout": "positive", "authentication-type": "authentication-type:general",
    "cipher-suite-id": "cipher-suite-id:general", "privilege-level": "privilege-level:general",
    "buffer-output": "bool", "consolidate-output": "bool", "fanout": "fanout", "eliminate": "bool",
    "always-prefix": "bool",
}

_ACTIVE_GROUPS = {
    "ipmipower": ("general", "outofband", "hostrange"),
    "ipmi-config": ("general", "inband", "outofband", "hostrange"),
}

_REGISTRY: dict[str, dict[str, OptionSpec]] = {}


def _build(tool: str) -> dict[str, OptionSpec]:
    table: dict[str, OptionSpec] = {}

    def add(spec: OptionSpec) -> None:
        table.setdefault(spec.name, spec)

    for group, entries in _GENERAL:
        active = group in _ACTIVE_GROUPS[tool]
        for name, kind, key in entries:
            if active and key is not None:
                add(OptionSpec(name, kind, group, True, key, key, _GENERAL_CHECKS[key]))
            else:
                add(OptionSpec(name, kind, group))
    # ipmi-config's own options and their legacy prefixes, all feeding ipmi-config.
    mine = tool == "ipmi-config"
    for prefix in _IPMICONFIG_PREFIXES:
        for field, kind in _AUTH_FIELDS + (("verbose-count", INT),):
            check = ("non-negative" if field == "verbose-count" else field + ":tool") if mine else None
            add(OptionSpec(f"{prefix}-{field}", kind, "ipmi-config", mine,
                           "ipmi-config-" + field if mine else None, field if mine else None, check))
    # ipmipower's own options.
    mine = tool == "ipmipower"
    for field, kind in _AUTH_FIELDS:
        add(OptionSpec("ipmipower-" + field, kind, "ipmipower", mine,
                       "ipmipower-" + field if mine else None, field if mine else None,
                       field + ":tool" if mine else None))
    for names, kind, key, check in _IPMIPOWER:
        counter = "driver-type" if key == "driver-type" else names[-1]
        for name in names:
            add(OptionSpec(name, kind, "ipmipower", mine, counter if mine else None,
                           key if mine else None, check if mine else None))
    # Everybody else's: parsed by their own tools, skipped here.
    for prefix, extras in _TOOL_EXTRAS.items():
        for field, kind in _AUTH_FIELDS + tuple(extras):
            add(OptionSpec(f"{prefix}-{field}", kind, prefix))
    for name, kind in (("workaround-flags", LIST), ("logfile", STRING), ("verbose-logging", BOOL),
                       ("no-logging", BOOL)):
        add(OptionSpec("bmc-watchdog-" + name, kind, "bmc-watchdog"))
    for name, kind in (("escape-char", STRING), ("dont-steal", BOOL), ("lock-memory", BOOL)):
        add(OptionSpec(name, kind, "ipmiconsole"))      # legacy names without the prefix
    for name, kind in _IPMISELD:
        add(OptionSpec(name, kind, "ipmiseld"))
    return table


def options(tool: str) -> Mapping[str, OptionSpec]:
    """Every option name (lower case) the shared file may hold, as ``tool`` treats it."""
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}")
    table = _REGISTRY.get(tool)
    if table is None:
        table = _REGISTRY[tool] = _build(tool)
    return table


def lookup(tool: str, name: bytes | str) -> OptionSpec | None:
    """The spec for an option name as written (ASCII case-insensitive), or None."""
    return options(tool).get(ascii_lower(name))


# -- parsing state ------------------------------------------------------------------------

class _State:
    """What FreeIPMI accumulates while reading; survives from one file to the next."""

    def __init__(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.tool = tool
        self.values: dict[str, object] = {}
        self.common: dict[str, object] = {}     # fields a tool-prefixed option may override
        self.tool_set: set[str] = set()
        self.k_g = bytearray(20)                 # FreeIPMI's key buffer and length
        self.k_g_len = 0
        self.k_g_set = False
        self.flags: set[str] = set()
        self.flags_set = False

    def result(self, path: str | None) -> ConfigValues:
        out = ConfigValues(self.values)
        out.update(self.common)
        if self.k_g_set:
            out["k_g"] = bytes(self.k_g[: self.k_g_len])
        if self.flags_set:
            from ..workarounds import Workarounds
            out["workaround-flags"] = Workarounds(frozenset(self.flags))
        out.path = path
        return out


def _flag_words(args: list[bytes], name: str) -> tuple[set[str], bool]:
    """Parse a config-file workaround list (each entry a comma list); reject ``none``."""
    from ..workarounds import WorkaroundError, add_flag
    if len(args) > MAX_LIST_ARGS:
        raise ConfigFileError(f"Config File Error: invalid value for {name}")
    flags: set[str] = set()
    nonzero = False
    for arg in args:
        for word in ascii_lower(arg[:1024]).split(","):
            if not word:
                continue
            try:
                add_flag(flags, word)   # 'none' is no flag name: rejected here
            except WorkaroundError:
                raise ConfigFileError(f"Config File Error: invalid value for {name}") from None
            nonzero = True
    return flags, nonzero


def _apply(state: _State, spec: OptionSpec, args: list[bytes]) -> None:
    """Run the value check of ``spec`` (FreeIPMI's callback) and store the value."""
    name = spec.name
    key = spec.key
    assert key is not None and spec.check is not None
    check, _, variant = spec.check.partition(":")
    invalid = f"Config File Error: invalid value for {name}"
    if variant == "general" and key in state.tool_set:
        return                                   # a tool-prefixed twin already won
    arg = args[0]
    number = c_int(parse_c_long(arg) or 0) if spec.kind == INT else 0   # syntax checked earlier
    if check == "bool":
        state.values[key] = parse_bool(arg)
        if key == "buffer-output":               # 1.6.10 stores it in consolidate_output
            state.values["consolidate-output"] = state.values.pop(key)
        return
    if check == "string":
        state.values[key] = _text(arg)
        return
    if check in ("positive", "non-negative", "fanout"):
        low = {"positive": 1, "non-negative": 0, "fanout": 1}[check]
        if number < low or (check == "fanout" and number > 1024):
            raise ConfigFileError(invalid)
        state.values[key] = number
        return
    if check == "driver-type":
        driver = parse_driver_type(arg)
        if driver is None:
            raise ConfigFileError(invalid)
        state.values[key] = driver
        return
    if check == "ipmi-version":
        version = {"1.5": "lan", "2.0": "lan_2_0"}.get(_text(arg))
        if version is None:
            raise ConfigFileError(invalid)
        state.values[key] = version
        return
    tool = variant == "tool"
    if check in ("username", "password"):
        if len(arg) > (16 if check == "username" else 20):
            raise ConfigFileError(f"Config File Error: {name} value too long")
        state.common[key] = bytes(arg)
    elif check == "k_g":
        if tool and state.k_g_set:
            state.k_g[:] = bytes(20)
        key_bytes = parse_kg(arg)
        if key_bytes is None:
            raise ConfigFileError("Config File Error: k_g input formatted incorrectly")
        if arg:                                  # any non-empty input rewrites all 20 bytes
            state.k_g[:] = key_bytes.ljust(20, b"\0")
        if key_bytes:                            # ... but only a non-empty key sets the length
            state.k_g_len = len(key_bytes)
        state.k_g_set = True
    elif check == "authentication-type":
        auth = parse_authentication_type(arg)
        if auth is None:
            raise ConfigFileError(invalid)
        state.common[key] = auth
    elif check == "cipher-suite-id":
        if not 0 <= number <= _CIPHER_SUITE_MAX or (tool and number not in SUPPORTED_CIPHER_SUITES):
            raise ConfigFileError(invalid)
        if number not in SUPPORTED_CIPHER_SUITES:
            raise ConfigFileError(f"Config File Error: unsupported value for {name}")
        state.common[key] = number
    elif check == "privilege-level":
        privilege = parse_privilege_level(arg)
        if privilege is None:
            raise ConfigFileError(invalid)
        state.common[key] = privilege
    elif check == "workaround-flags":
        state.flags = set()
        flags, nonzero = _flag_words(args, name)
        if nonzero:
            state.flags = flags
            state.flags_set = True
            if tool:
                state.tool_set.add(key)
        return
    else:
        raise AssertionError(f"no value check {spec.check!r}")
    if tool:
        state.tool_set.add(key)


def _parse_into(state: _State, data: bytes) -> None:
    table: Mapping[str, OptionSpec] | None = None     # built at the first option line
    counts: dict[str, int] = {}
    for line in logical_lines(data):
        if table is None:
            table = options(state.tool)
        spec = table.get(ascii_lower(line.name))
        if spec is None:
            raise _ConffileError(_err('Config File Error: unknown configuration option "%s" on line %d',
                                      line.name, line.number))
        if not spec.active:
            continue
        assert spec.counter is not None
        counts[spec.counter] = counts.get(spec.counter, 0) + 1
        if counts[spec.counter] > 1:
            raise _ConffileError(_err('Config File Error: configuration option "%s" listed too many times',
                                      line.name))
        args = split_args(line.rest, line.number)
        if not args:
            raise _ConffileError(_err('Config File Error: missing argument for option "%s" on line %d',
                                      line.name, line.number))
        if spec.kind != LIST and len(args) > 1:
            raise _ConffileError(_err('Config File Error: too many arguments listed for option "%s" on line %d',
                                      line.name, line.number))
        if (spec.kind == BOOL and parse_bool(args[0]) is None) or (
                spec.kind == INT and parse_c_long(args[0]) is None):
            raise _ConffileError(_err('Config File Error: invalid argument listed for option "%s" on line %d',
                                      line.name, line.number))
        _apply(state, spec, args)


def parse_config_bytes(data: bytes, tool: str) -> ConfigValues:
    """Parse file contents as ``tool`` would (no file lookup); raise ``ConfigFileError``."""
    state = _State(tool)
    _parse_into(state, data)
    return state.result(None)


_MISSING = object()


def _read_file(path: str) -> bytes | object:
    """File contents, ``_MISSING`` if unreadable (access(2) R_OK fails), else raise."""
    if not path or not posixio.access(path, posixio.R_OK):
        return _MISSING
    try:
        fd = posixio.open(path, posixio.O_RDONLY)
    except OSError:
        raise _ConffileError("Config File Error: configuration file cannot be opened") from None
    chunks = []
    try:
        while chunk := posixio.read(fd, 65536):
            chunks.append(chunk)
    except OSError:
        raise _ConffileError("Config File Error: configuration file read error") from None
    finally:
        posixio.close(fd)
    return b"".join(chunks)


def _load(state: _State, path: str, missing_ok: bool) -> bool:
    """Parse ``path`` into ``state``; False if it does not exist and that is allowed."""
    data = _read_file(path)
    if data is _MISSING:
        if missing_ok:
            return False
        raise _ConffileError("Config File Error: configuration file does not exist")
    assert isinstance(data, bytes)
    _parse_into(state, data)
    return True


def read_config(path: str | None, tool: str) -> ConfigValues:
    """Read the configuration as ``tool`` does (see the module docstring).

    ``path``: the ``--config-file`` argument, or None for the default lookup.
    """
    state = _State(tool)
    if path is not None:
        used = _load(state, path, path == DEFAULT_CONFIG_FILE)
        return state.result(path if used else None)
    if tool == "ipmipower" and _load(state, IPMIPOWER_LEGACY_CONFIG_FILE, True):
        return state.result(IPMIPOWER_LEGACY_CONFIG_FILE)
    try:
        if _load(state, LEGACY_CONFIG_FILE, True):
            return state.result(LEGACY_CONFIG_FILE)
    except _ConffileError:
        pass                                     # 1.6.10 quietly falls back; values stay
    used = _load(state, DEFAULT_CONFIG_FILE, True)
    return state.result(DEFAULT_CONFIG_FILE if used else None)
