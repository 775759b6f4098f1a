"""The rack file: which simulated BMCs to serve, and how each one starts.

A rack file is INI as read by ``configobj``.  A ``[defaults]`` section (optional)
sets values for every BMC; every other top-level section is a *group* of one or
more BMCs with the same settings, named by the section::

    [defaults]
    address = 127.0.0.1
    cipher_suites = 0-3, 6-8, 11, 12, 15-17
    users = admin:password:ADMIN, operator:operpass:OPERATOR, user:userpass:USER

    [node1]
    port = 9001
    power = on
    boot_device = PXE
    quirks = zero-session-seq, slow
    slow = 0.5
    loss = 10
    k_g = 0x0123456789abcdef0123456789abcdef01234567

    [nodes]                       # 100 BMCs on consecutive ports 10000-10099
    count = 100
    port = 10000

    [spread]                      # one BMC on each address, all on port 623
    address = 127.0.0.2-127.0.0.101

Keys (all optional; a group inherits what it leaves out from ``[defaults]``):

``address``
    IP address, ``FIRST-LAST`` range or comma-separated list of both
    (default ``127.0.0.1``).  Only loopback addresses unless the simulator
    runs with ``--allow-non-loopback``.
``port``
    UDP port (default 623, which needs privileges to bind).
``count``
    BMCs per address, on consecutive ports from ``port`` (default 1).
``users``
    ``NAME:PASSWORD:PRIVILEGE`` entries (the password may contain ``:``; an
    empty NAME is the null user), or a ``[[users]]`` subsection with lines
    ``NAME = PASSWORD, PRIVILEGE``.  PRIVILEGE is CALLBACK, USER, OPERATOR,
    ADMIN, OEM or NO-ACCESS.  Replaces the default users admin/password
    (ADMIN), operator/operpass (OPERATOR) and user/userpass (USER).
``cipher_suites``
    Enabled RMCP+ cipher suite IDs, with ``A-B`` ranges (default: all twelve).
``k_g``
    The BMC key: ``0x`` and up to 40 hex digits, or up to 20 characters.
``quirks``
    Quirk profile names (see ``pyipmi-sim --help``).
``slow``
    Reply delay in seconds (implies the ``slow`` profile).
``loss``, ``duplicate``, ``reorder``, ``corrupt``
    Percentages (0-100) of replies lost, sent twice, overtaken, bit-flipped.
``power``
    Initial chassis power, ``on`` or ``off`` (default off).
``boot_device``
    Initial boot flags device, as ipmi-chassis-config names it (default NO-OVERRIDE).
``cycle_off_time``
    Seconds a power cycle keeps the chassis off.

Values containing ``,`` or ``#`` must be quoted.  Every error names the file and
line, e.g. ``rack.ini line 7: unknown quirk profile 'foo'``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Optional, Union

from ..commands.chassis import BootDevice
from .quirks import PROFILES, Quirks, parse_quirks

__all__ = [
    "ALL_CIPHER_SUITES",
    "BOOT_DEVICES",
    "DEFAULT_ADDRESS",
    "DEFAULT_USERS",
    "DEFAULT_PORT",
    "PRIVILEGES",
    "Group",
    "Rack",
    "RackError",
    "Settings",
    "UserSpec",
    "endpoint_key",
    "load_rack",
    "parse_boot_device",
    "parse_cipher_suites",
    "parse_k_g",
    "parse_user",
    "parse_value",
    "single_group",
]

DEFAULT_ADDRESS = "127.0.0.1"
DEFAULT_PORT = 623
MAX_BMCS = 65536
"""Upper bound on BMCs in one process (each needs a socket)."""

PRIVILEGES = {"CALLBACK": 1, "USER": 2, "OPERATOR": 3, "ADMIN": 4, "OEM": 5, "NO-ACCESS": 0xF}
"""Privilege limit names -> IPMI channel privilege limit values."""

BOOT_DEVICES = {device.name.replace("_", "-"): int(device) for device in BootDevice}
"""ipmi-chassis-config Boot_Device names -> boot flags device selector (data 2 bits 5:2)."""

ALL_CIPHER_SUITES = (0, 1, 2, 3, 6, 7, 8, 11, 12, 15, 16, 17)

MAX_USERS = 62
"""Users per BMC: slot 1 is the null user, and a BMC has at most 63 slots."""
MAX_USER_NAME = 16
MAX_PASSWORD = 20


class RackError(Exception):
    """A rack file (or command-line equivalent) is invalid; str() is the whole message."""


class _GroupError(ValueError):
    """A group-level problem, blamed on the line of setting *key*."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class UserSpec:
    """One user: name (empty for the null user), password and privilege limit name."""

    name: str
    password: bytes = field(repr=False)
    privilege: str

    def describe(self) -> str:
        """``name:PRIVILEGE`` for tables (never the password)."""
        return f"{self.name or '(null)'}:{self.privilege}"


DEFAULT_USERS = (
    UserSpec("admin", b"password", "ADMIN"),
    UserSpec("operator", b"operpass", "OPERATOR"),
    UserSpec("user", b"userpass", "USER"),
)
"""The users every BMC has unless told otherwise (user IDs 2, 3, 4)."""


@dataclass(frozen=True)
class Settings:
    """How one BMC starts."""

    users: tuple[UserSpec, ...] = DEFAULT_USERS
    cipher_suites: tuple[int, ...] = ALL_CIPHER_SUITES
    k_g: Optional[bytes] = field(default=None, repr=False)
    quirks: tuple[str, ...] = ()
    slow: float = 0.0
    loss: float = 0.0
    duplicate: float = 0.0
    reorder: float = 0.0
    corrupt: float = 0.0
    power: bool = False
    boot_device: str = "NO-OVERRIDE"
    cycle_off_time: Optional[float] = None

    def make_quirks(self) -> Quirks:
        """The :class:`~pyipmi_tools.sim.quirks.Quirks` these settings ask for."""
        return parse_quirks(list(self.quirks), loss=self.loss, duplicate=self.duplicate,
                            reorder=self.reorder, corrupt=self.corrupt, slow=self.slow)


SETTING_KEYS = tuple(Settings.__dataclass_fields__)
PLACEMENT_KEYS = ("address", "port", "count")


@dataclass(frozen=True)
class Group:
    """BMCs sharing settings: ``count`` consecutive ports from ``port`` on every address."""

    name: str
    addresses: tuple[str, ...]
    port: int
    count: int
    settings: Settings
    line: Optional[int] = None

    def endpoints(self) -> Iterator[tuple[str, int]]:
        """(address, port) of every BMC, address-major."""
        for address in self.addresses:
            for offset in range(self.count):
                yield address, self.port + offset

    def __len__(self) -> int:
        return len(self.addresses) * self.count


@dataclass(frozen=True)
class Rack:
    """Every group to serve, in file order; ``source`` names where it came from."""

    groups: tuple[Group, ...]
    source: str = "command line"

    def bmcs(self) -> Iterator[tuple[Group, str, int]]:
        """(group, address, port) of every BMC."""
        for group in self.groups:
            for address, port in group.endpoints():
                yield group, address, port

    def __len__(self) -> int:
        return sum(len(group) for group in self.groups)


# -- value parsers: each takes a configobj value (str or list of str) -------------------------------

Raw = Union[str, list]


def _items(value: Raw) -> list[str]:
    """The comma-separated items of a value, stripped, empty ones dropped."""
    parts = value if isinstance(value, list) else value.split(",")
    return [p.strip() for p in parts if p.strip()]


def _scalar(value: Raw) -> str:
    if isinstance(value, list):
        raise ValueError("expected a single value, not a list")
    return value.strip()


def _addresses(value: Raw) -> tuple[str, ...]:
    items = _items(value)
    if not items:
        raise ValueError("empty address")
    out: list[str] = []
    for item in items:
        first, sep, last = item.partition("-")
        try:
            start = ipaddress.ip_address(first.strip())
            end = ipaddress.ip_address(last.strip()) if sep else start
        except ValueError:
            raise ValueError(f"bad address {item!r} (expected an IP address or FIRST-LAST range)") from None
        if start.version != end.version or int(end) < int(start):
            raise ValueError(f"bad address range {item!r}")
        if int(end) - int(start) >= MAX_BMCS:
            raise ValueError(f"address range {item!r} is larger than {MAX_BMCS}")
        kind = type(start)
        out.extend(str(kind(n)) for n in range(int(start), int(end) + 1))
    if len(set(out)) != len(out):
        raise ValueError("an address is listed twice")
    return tuple(out)


def _integer(value: Raw, low: int, high: int, what: str) -> int:
    text = _scalar(value)
    try:
        number = int(text, 10)
    except ValueError:
        raise ValueError(f"bad {what} {text!r}") from None
    if not low <= number <= high:
        raise ValueError(f"{what} {number} is outside {low}..{high}")
    return number


def _number(value: Raw, low: float, high: float, what: str) -> float:
    text = _scalar(value)
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"bad {what} {text!r}") from None
    if not low <= number <= high:  # also rejects nan
        raise ValueError(f"{what} {text} is outside {low:g}..{high:g}")
    return number


def parse_user(text: str) -> UserSpec:
    """``NAME:PASSWORD:PRIVILEGE`` (the password may contain ':')."""
    name, sep1, rest = text.partition(":")
    password, sep2, privilege = rest.rpartition(":")
    if not (sep1 and sep2):
        raise ValueError(f"bad user {text!r} (expected NAME:PASSWORD:PRIVILEGE)")
    return _user(name, password, privilege)


def _user(name: str, password: str, privilege: str) -> UserSpec:
    name = name.strip()
    if len(name.encode()) > MAX_USER_NAME:
        raise ValueError(f"user name {name!r} is longer than {MAX_USER_NAME} bytes")
    secret = password.encode()
    if len(secret) > MAX_PASSWORD:
        raise ValueError(f"password of user {name!r} is longer than {MAX_PASSWORD} bytes")
    level = privilege.strip().upper().replace("_", "-")
    level = {"ADMINISTRATOR": "ADMIN", "NO_ACCESS": "NO-ACCESS", "NOACCESS": "NO-ACCESS"}.get(level, level)
    if level not in PRIVILEGES:
        raise ValueError(f"unknown privilege {privilege.strip()!r} for user {name!r} "
                         f"(expected {', '.join(PRIVILEGES)})")
    return UserSpec(name, secret, level)


def _users(value: Raw) -> tuple[UserSpec, ...]:
    users = tuple(parse_user(item) for item in _items(value))
    _check_users(users)
    return users


def _check_users(users: tuple[UserSpec, ...]) -> None:
    if not users:
        raise ValueError("no users")
    if len(users) > MAX_USERS:
        raise ValueError(f"more than {MAX_USERS} users")
    names = [u.name for u in users]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"user {name!r} is listed twice")


def parse_cipher_suites(value: Raw) -> tuple[int, ...]:
    """``0,1,2`` / ``0-3,6-8`` -> sorted supported suite IDs."""
    out: set[int] = set()
    for item in _items(value):
        first, sep, last = item.partition("-")
        try:
            start = int(first, 10)
            end = int(last, 10) if sep else start
        except ValueError:
            raise ValueError(f"bad cipher suite {item!r}") from None
        if end < start:
            raise ValueError(f"bad cipher suite range {item!r}")
        for suite in range(start, end + 1):
            if suite not in ALL_CIPHER_SUITES:
                if sep and suite < max(ALL_CIPHER_SUITES):
                    continue  # a range skips the RC4 suites (4, 5, 9, 10, 13, 14)
                raise ValueError(f"unsupported cipher suite {suite} "
                                 f"(supported: {', '.join(map(str, ALL_CIPHER_SUITES))})")
            out.add(suite)
    if not out:
        raise ValueError("no cipher suites")
    return tuple(sorted(out))


def parse_k_g(value: Raw) -> Optional[bytes]:
    """``0x`` + up to 40 hex digits, or up to 20 characters (FreeIPMI's --k-g syntax)."""
    text = _scalar(value)
    if not text:
        return None
    if text[:2].lower() == "0x":
        digits = text[2:]
        if not re.fullmatch(r"[0-9A-Fa-f]{1,40}", digits) or len(digits) % 2:
            raise ValueError("bad K_g: expected 0x and an even number of hex digits, at most 40")
        return bytes.fromhex(digits)
    key = text.encode()
    if len(key) > 20:
        raise ValueError("K_g is longer than 20 bytes")
    return key


def _quirk_names(value: Raw) -> tuple[str, ...]:
    names = []
    for item in _items(value):
        name = item.lower().replace("_", "-")
        if name not in PROFILES:
            raise ValueError(f"unknown quirk profile {item!r}")
        if name not in names:
            names.append(name)
    return tuple(names)


def _power(value: Raw) -> bool:
    text = _scalar(value).lower()
    if text in ("on", "yes", "true", "1"):
        return True
    if text in ("off", "no", "false", "0"):
        return False
    raise ValueError(f"bad power state {text!r} (expected on or off)")


def parse_boot_device(value: Raw) -> str:
    """An ipmi-chassis-config Boot_Device name, normalised to upper case with dashes."""
    text = _scalar(value)
    name = text.upper().replace("_", "-")
    if name not in BOOT_DEVICES:
        raise ValueError(f"unknown boot device {text!r} (expected {', '.join(BOOT_DEVICES)})")
    return name


_PARSERS: dict[str, Callable[[Raw], Any]] = {
    "address": _addresses,
    "port": lambda v: _integer(v, 1, 65535, "port"),
    "count": lambda v: _integer(v, 1, MAX_BMCS, "count"),
    "users": _users,
    "cipher_suites": parse_cipher_suites,
    "k_g": parse_k_g,
    "quirks": _quirk_names,
    "slow": lambda v: _number(v, 0.0, 3600.0, "slow reply delay"),
    "loss": lambda v: _number(v, 0.0, 100.0, "loss percentage"),
    "duplicate": lambda v: _number(v, 0.0, 100.0, "duplicate percentage"),
    "reorder": lambda v: _number(v, 0.0, 100.0, "reorder percentage"),
    "corrupt": lambda v: _number(v, 0.0, 100.0, "corrupt percentage"),
    "power": _power,
    "boot_device": parse_boot_device,
    "cycle_off_time": lambda v: _number(v, 0.0, 3600.0, "cycle off-time"),
}


def parse_value(key: str, value: Raw) -> Any:
    """Parse one setting the way the rack file does (``ValueError`` on bad input)."""
    return _PARSERS[key](value)


# -- building groups -----------------------------------------------------------------------------------


def _is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address).is_loopback


def _make_group(name: str, values: Mapping[str, Any], overrides: Mapping[str, Any],
                allow_non_loopback: bool, line: Optional[int]) -> Group:
    """A group from parsed section values with *overrides* applied on top."""
    merged = dict(values)
    merged.update(overrides)
    addresses = merged.get("address", (DEFAULT_ADDRESS,))
    if not allow_non_loopback:
        for address in addresses:
            if not _is_loopback(address):
                raise _GroupError("address", f"{address} is not a loopback address "
                                  "(pass --allow-non-loopback to serve on it)")
    port = merged.get("port", DEFAULT_PORT)
    count = merged.get("count", 1)
    if port + count - 1 > 65535:
        raise _GroupError("count", f"ports {port}-{port + count - 1} run past 65535")
    if len(addresses) * count > MAX_BMCS:
        raise _GroupError("count", f"{len(addresses) * count} BMCs is more than {MAX_BMCS}")
    settings = Settings(**{k: v for k, v in merged.items() if k in SETTING_KEYS})
    if settings.slow and "slow" not in settings.quirks:
        settings = replace(settings, quirks=settings.quirks + ("slow",))
    return Group(name, tuple(addresses), port, count, settings, line)


def single_group(values: Mapping[str, Any], allow_non_loopback: bool = False, name: str = "bmc") -> Rack:
    """A rack of one group from already-parsed values (the command-line case)."""
    try:
        group = _make_group(name, values, {}, allow_non_loopback, None)
    except ValueError as exc:
        raise RackError(str(exc)) from None
    rack = Rack((group,))
    _check_unique(rack)
    return rack


def _check_unique(rack: Rack, where: Callable[[Group], str] = lambda g: "") -> None:
    seen: dict[tuple[str, int], Group] = {}
    for group, address, port in rack.bmcs():
        other = seen.setdefault((address, port), group)
        if other is not group:
            before = f" (line {other.line})" if other.line else ""
            raise RackError(f"{where(group)}[{group.name}] {endpoint_key(address, port)} "
                            f"is also served by [{other.name}]{before}")


def endpoint_key(address: str, port: int) -> str:
    """``127.0.0.1:623`` / ``[::1]:623``: how BMCs are named in tables and the state file."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


# -- reading the file ----------------------------------------------------------------------------------

_SECTION_RE = re.compile(r"^\s*(\[+)\s*(.*?)\s*(\]+)\s*(#.*)?$")
_KEY_RE = re.compile(r"""^\s*("[^"]*"|'[^']*'|[^=#"']*?)\s*=\s*(.*)$""")


def _line_numbers(lines: list[str]) -> dict[tuple[str, ...], int]:
    """Map (section, ..., key) and (section, ...) paths to 1-based line numbers.

    Follows configobj's syntax closely enough for a file configobj accepted:
    section markers by bracket depth, ``key = value`` lines, triple-quoted
    multi-line values skipped.
    """
    where: dict[tuple[str, ...], int] = {}
    path: list[str] = []
    closing: Optional[str] = None
    for number, line in enumerate(lines, 1):
        if closing is not None:
            if closing in line:
                closing = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _SECTION_RE.match(line)
        if match and len(match.group(1)) == len(match.group(3)):
            depth = len(match.group(1))
            name = match.group(2).strip("\"'")
            path = path[: depth - 1] + [name]
            where.setdefault(tuple(path), number)
            continue
        match = _KEY_RE.match(line)
        if match:
            key = match.group(1).strip("\"'")
            where.setdefault(tuple(path) + (key,), number)
            value = match.group(2).lstrip()
            for quote in ('"""', "'''"):
                if value.startswith(quote) and value.count(quote) == 1:
                    closing = quote
    return where


def load_rack(path: str, overrides: Optional[Mapping[str, Any]] = None,
              allow_non_loopback: bool = False) -> Rack:
    """Read and validate the rack file *path*; *overrides* (parsed values) win over it.

    Raises :class:`RackError` whose message starts with the file name and,
    when the problem is on one line, ``line N``.
    """
    from configobj import ConfigObj, ConfigObjError  # imported on use: start-up cost

    overrides = dict(overrides or {})
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError as exc:
        raise RackError(f"{path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise RackError(f"{path}: not UTF-8 text") from None
    try:
        config = ConfigObj(lines, interpolation=False, raise_errors=True, list_values=True)
    except ConfigObjError as exc:
        number = getattr(exc, "line_number", None)
        message = str(exc).split(" at line ")[0].rstrip(".")
        message = message[:1].lower() + message[1:]
        text = (getattr(exc, "line", "") or "").strip()
        if text and text not in message:
            message += f": {text!r}"
        where = f" line {number}" if number else ""
        raise RackError(f"{path}{where}: {message}") from None

    lines_of = _line_numbers(lines)

    def at(*keys: str) -> str:
        number = lines_of.get(keys)
        return f"{path} line {number}: " if number else f"{path}: "

    def section_values(name: str) -> dict[str, Any]:
        section = config[name]
        values: dict[str, Any] = {}
        for sub in section.sections:
            if sub != "users":
                raise RackError(f"{at(name, sub)}unknown subsection [[{sub}]] (only [[users]])")
            values["users"] = _users_section(section[sub], lambda *k, _s=sub: at(name, _s, *k))
        for key in section.scalars:
            if key not in _PARSERS:
                raise RackError(f"{at(name, key)}unknown key {key!r} in [{name}]")
            if name == "defaults" and key == "count":
                raise RackError(f"{at(name, key)}count belongs in a group section, not [defaults]")
            try:
                values[key] = _PARSERS[key](section[key])
            except ValueError as exc:
                raise RackError(f"{at(name, key)}{exc}") from None
        return values

    for key in config.scalars:
        raise RackError(f"{at(key)}key {key!r} is outside any section")
    defaults = section_values("defaults") if "defaults" in config.sections else {}
    groups = []
    for name in config.sections:
        if name == "defaults":
            continue
        values = dict(defaults)
        values.update(section_values(name))
        try:
            groups.append(_make_group(name, values, overrides, allow_non_loopback, lines_of.get((name,))))
        except _GroupError as exc:
            blame = at(name, exc.key) if (name, exc.key) in lines_of else at("defaults", exc.key) \
                if ("defaults", exc.key) in lines_of else at(name)
            raise RackError(f"{blame}[{name}]: {exc}") from None
    if not groups:
        raise RackError(f"{path}: no BMC sections (only [defaults])" if defaults else f"{path}: no BMC sections")
    rack = Rack(tuple(groups), source=path)
    if len(rack) > MAX_BMCS:
        raise RackError(f"{path}: {len(rack)} BMCs is more than {MAX_BMCS}")
    _check_unique(rack, where=lambda g: at(g.name))
    return rack


def _users_section(section: Any, at: Callable[..., str]) -> tuple[UserSpec, ...]:
    """``[[users]]``: ``NAME = PASSWORD, PRIVILEGE`` lines."""
    if section.sections:
        raise RackError(f"{at(section.sections[0])}unexpected subsection in [[users]]")
    users = []
    for name in section.scalars:
        value = section[name]
        if not isinstance(value, list) or len(value) != 2:
            raise RackError(f"{at(name)}user {name!r}: expected PASSWORD, PRIVILEGE")
        try:
            users.append(_user(name, value[0], value[1]))
        except ValueError as exc:
            raise RackError(f"{at(name)}{exc}") from None
    try:
        _check_users(tuple(users))
    except ValueError as exc:
        raise RackError(f"{at()}{exc}") from None
    return tuple(users)
